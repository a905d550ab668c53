from django.utils.translation import get_language
from wagtail.admin.ui.components import Component
from wagtail.models import Site

from home.trees import in_users_trees

from .stats import most_viewed_this_month, visits_by_day

CHART_DAYS = 30
TOP_PAGES = 10
# The chart's drawing box; the SVG scales to the panel's width.
CHART_WIDTH, CHART_HEIGHT = 300, 100


def _bars(series):
    """The SVG bars of a [(day, visits), …] series, tallest at full height. Coordinates are
    strings, which templates do not localise ("12,5" would break the SVG in Vietnamese)."""
    highest = max((visits for _day, visits in series), default=0) or 1
    slot = CHART_WIDTH / len(series)
    bars = []
    for n, (day, visits) in enumerate(series):
        height = CHART_HEIGHT * visits / highest
        bars.append(
            {
                "day": day,
                "visits": visits,
                "x": f"{n * slot + slot * 0.1:.2f}",
                "y": f"{CHART_HEIGHT - height:.2f}",
                "width": f"{slot * 0.8:.2f}",
                "height": f"{height:.2f}",
            }
        )
    return bars


class VisitsPanel(Component):
    """Dashboard panel: each of the user's sites' visits per day over the last 30 days (a chart
    and a table) and its most viewed pages this month, in a constant number of queries."""

    name = "visits"
    order = 150
    template_name = "visits/panels/visits.html"

    class Media:
        css = {"all": ["visits/dashboard.css"]}

    def get_context_data(self, parent_context):
        mine = in_users_trees(parent_context["request"].user, "root_page__path")
        sites = list(Site.objects.filter(mine).order_by("-is_default_site", "site_name", "hostname"))
        site_ids = [site.pk for site in sites]
        by_day = visits_by_day(site_ids, CHART_DAYS)
        top = most_viewed_this_month(site_ids, TOP_PAGES, get_language())
        sites = [
            {
                "site": site,
                "id": f"visits-site-{site.pk}",
                "bars": _bars(by_day[site.pk]),
                "top_pages": top.get(site.pk, []),
            }
            for site in sites
        ]
        return {"sites": sites, "days": CHART_DAYS, "chart_width": CHART_WIDTH, "chart_height": CHART_HEIGHT}
