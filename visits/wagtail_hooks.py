from django.utils.cache import cc_delim_re
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Site
from wagtail.snippets.models import register_snippet

from home.snippets import TranslatableSnippetViewSet

from .middleware import PAGE_HEADER, page_header_value
from .models import VisitStatsBox
from .panels import VisitsPanel


def _is_private(response):
    directives = {part.split("=")[0].strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))}
    return "private" in directives


# Outside Wagtail's own on_serve_page hooks, so that the response seen here already carries the
# "private, no-cache" headers that Wagtail adds to pages behind a view restriction (password,
# login, groups): those are not public pages, and are neither marked nor counted.
@hooks.register("on_serve_page", order=-100)
def mark_served_page(serve_page):
    def serve(page, request, args, kwargs):
        response = serve_page(page, request, args, kwargs)
        if not _is_private(response):
            response[PAGE_HEADER] = page_header_value(Site.find_for_request(request).pk, page.translation_key)
        return response

    return serve


class VisitStatsBoxViewSet(TranslatableSnippetViewSet):
    model = VisitStatsBox
    icon = "table"
    menu_label = _("Visit statistics boxes")
    list_display = ["__str__", "baseline_total"]


register_snippet(VisitStatsBoxViewSet)


@hooks.register("construct_homepage_panels")
def add_visits_panel(request, panels):
    panels.append(VisitsPanel())
