from functools import wraps

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language_from_path
from django.views import defaults
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


def in_the_requests_language(view):
    """An error page in the language chosen for its request, or when it failed before one was
    chosen (a host the site refuses, a cache failing before PortalLocaleMiddleware), in its
    address's (Vietnamese by default): not in whichever language the thread served last."""

    @wraps(view)
    def in_language(request, *args, **kwargs):
        if hasattr(request, "LANGUAGE_CODE"):  # set with the language, by LocaleMiddleware
            return view(request, *args, **kwargs)
        with translation.override(get_language_from_path(request.path_info) or settings.LANGUAGE_CODE):
            return view(request, *args, **kwargs)

    return in_language


@in_the_requests_language
def page_not_found(request, exception):
    """Django's 404 page, which tells the language switcher that the address exists in no
    language: it links each language's home page and lists no alternate versions."""
    return render(request, "404.html", {"not_found": True}, status=404)


@in_the_requests_language
def csrf_failure(request, reason=""):
    """A form refused by Django's CSRF check (an expired or blocked cookie, a page left open for
    long): says so in the visitor's language, and how not to lose what they typed."""
    return render(request, "403_csrf.html", {"no_cookie": reason == REASON_NO_CSRF_COOKIE}, status=403)


bad_request = in_the_requests_language(defaults.bad_request)
permission_denied = in_the_requests_language(defaults.permission_denied)
server_error = in_the_requests_language(defaults.server_error)
