from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from wagtail.models import Page, Site

from visits.models import DailyCount
from visits.stats import site_figures

register = template.Library()


@register.simple_tag(takes_context=True)
def visit_stats(context, box):
    """`{% visit_stats box as stats %}`: what a VisitStatsBox shows on the current site (see
    `VisitStatsBox.statistics`), or None outside a site."""
    site = Site.find_for_request(context.get("request"))
    return box.statistics(site_figures(site.pk)) if site else None


class PageViewsNode(template.Node):
    def __init__(self, page, target_var=None):
        self.page, self.target_var = page, target_var

    def render(self, context):
        page = self.page.resolve(context)
        views = DailyCount.objects.page_views(page.translation_key) if isinstance(page, Page) else 0
        if self.target_var:
            context[self.target_var] = views
            return ""
        return intcomma(views)


@register.tag
def page_views(parser, token):
    """The views of a page, all its translations together ("Lượt xem"), in one query.

    `{% page_views page %}` writes the number grouped for the active language (18.029 in
    Vietnamese, 18,029 in English); `{% page_views page as views %}` stores the number itself.
    """
    bits = token.split_contents()
    if len(bits) == 2:
        return PageViewsNode(parser.compile_filter(bits[1]))
    if len(bits) == 4 and bits[2] == "as":
        return PageViewsNode(parser.compile_filter(bits[1]), bits[3])
    raise template.TemplateSyntaxError(f"Use {{% {bits[0]} page %}} or {{% {bits[0]} page as variable %}}.")
