from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@require_safe
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    """Where crawlers may go: everywhere but the admin and the search pages (a query per word
    combination, each a costly page), and where the sitemap is."""
    disallowed = ["/admin/"]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            disallowed.append(reverse("search:search"))
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """For the browsers and tools that ask for /favicon.ico whatever the page says. Not a
    permanent redirect: the icon's address changes with its content (hashed static names)."""
    return HttpResponseRedirect(static("img/favicon.svg"))


def page_not_found(request, exception):
    """Django's 404 page, which tells the language switcher that the address exists in no
    language: it links each language's home page and lists no alternate versions."""
    return render(request, "404.html", {"not_found": True}, status=404)


def csrf_failure(request, reason=""):
    """A form refused by Django's CSRF check (an expired or blocked cookie, a page left open for
    long): says so in the visitor's language, and how not to lose what they typed."""
    return render(request, "403_csrf.html", {"no_cookie": reason == REASON_NO_CSRF_COOKIE}, status=403)
