"""Reading the counters: the figures of the sidebar box, a page's views, the dashboard.

Figures come from the database only. With the Redis buffer on they lag by at most the minute
between flushes, the same order as the minute the box's figures are cached anyway; adding the
unflushed buffer would cost a Redis round trip on every page for no visible gain.
"""

from datetime import timedelta

from django.core.cache import cache
from django.db.models import F, Sum, Window
from django.db.models.functions import RowNumber
from wagtail.models import Page

from .counting import local_today
from .models import DailyCount

FIGURES_TIMEOUT = 60


def site_figures(site_id):
    """A site's visits today, yesterday, this week, this month and in all; cached for a minute.
    The cache key names the day, so a new day never shows yesterday's figures."""
    today = local_today()
    key = f"visits:figures:{site_id}:{today.isoformat()}"
    figures = cache.get(key)
    if figures is None:
        figures = DailyCount.objects.visit_figures(site_id, today)
        cache.set(key, figures, FIGURES_TIMEOUT)
    return figures


def visits_by_day(site_ids, days):
    """{site_id: [(day, visits), …]} over the last `days` days, oldest first, in one query."""
    today = local_today()
    start = today - timedelta(days=days - 1)
    counts = {
        (row["site_id"], row["day"]): row["count"]
        for row in DailyCount.objects.filter(
            site_id__in=site_ids, kind=DailyCount.Kind.VISIT, key="", day__range=(start, today)
        ).values("site_id", "day", "count")
    }
    return {
        site_id: [(day, counts.get((site_id, day), 0)) for day in (start + timedelta(days=n) for n in range(days))]
        for site_id in site_ids
    }


def most_viewed_this_month(site_ids, limit, language_code):
    """{site_id: [(page, views), …]}: each site's `limit` most viewed pages since the 1st, each
    page in `language_code` when it has that translation. Two queries, whatever the traffic."""
    today = local_today()
    ranked = (
        DailyCount.objects.filter(
            site_id__in=site_ids, kind=DailyCount.Kind.VIEW, day__range=(today.replace(day=1), today)
        )
        .values("site_id", "key")
        .annotate(views=Sum("count"))
        .annotate(rank=Window(RowNumber(), partition_by=F("site_id"), order_by=[F("views").desc(), F("key").asc()]))
        .filter(rank__lte=limit)
        .order_by("site_id", "rank")
    )
    rows = list(ranked)
    pages = {}
    # The original (lowest id) unless there is a version in the wanted language.
    for page in (
        Page.objects.filter(translation_key__in={row["key"] for row in rows}).select_related("locale").order_by("-id")
    ):
        key = str(page.translation_key)
        if key not in pages or pages[key].locale.language_code != language_code:
            pages[key] = page
    result = {}
    for row in rows:
        if row["key"] in pages:
            result.setdefault(row["site_id"], []).append((pages[row["key"]], row["views"]))
    return result
