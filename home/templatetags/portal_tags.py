from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Page, Site

from home.models import PortalSettings

register = template.Library()


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    request = context["request"]
    home = context.get("site_home")
    items = home.get_children().live().public().in_menu() if home else Page.objects.none()
    return {"home": home, "items": items, "request": request, "current": context.get("page")}


@register.simple_tag(takes_context=True)
def language_versions(context):
    """One entry per content language: where this page lives in it.

    A page links to its own translation when there is a live one, otherwise to that
    language's home page; a view that is not a page (search, say) to the same path under the
    other language's prefix. `translation` tells whether the entry is the same content, which
    is what <link rel="alternate" hreflang> may list.
    """
    request = context["request"]
    page = context.get("page")
    current = translation.get_language()
    own = {}
    if isinstance(page, Page) and page.pk:
        own = {p.locale.language_code: p for p in page.get_translations(inclusive=True).live().select_related("locale")}
    homes = {}
    site = Site.find_for_request(request)
    if site and len(own) < len(settings.LANGUAGES):
        homes = {
            p.locale.language_code: p
            for p in site.root_page.get_translations(inclusive=True).live().select_related("locale")
        }
    versions = []
    for code, name in settings.LANGUAGES:
        target = own.get(code) or (homes.get(code) if page is not None else None)
        if target is not None:
            url = target.get_url(request)
        else:
            url = translate_url(request.path, code)
        versions.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "current": code == current,
                "translation": code in own or page is None,
            }
        )
    return versions


@register.inclusion_tag("includes/sidebar.html", takes_context=True)
def sidebar(context):
    """The site's sidebar boxes, as placed in the portal settings, in the visitor's language."""
    request = context["request"]
    boxes = []
    if Site.find_for_request(request):
        chosen = PortalSettings.for_request(request).sidebar
        boxes = chosen.stream_block.boxes_in_language(chosen)
    return {**context.flatten(), "boxes": boxes}
