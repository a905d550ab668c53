"""Demo content of the visit statistics: the sidebar box carrying the old portal's total, a few
months of daily visits and a month of page views. The figures are drawn from fixed seeds, and
only days and pages without counts get them, so a second run adds nothing."""

import random
from datetime import timedelta

from wagtail.models import Page, Site

from home.demo import add_sidebar_box, locales, translate

from .counting import local_today
from .models import DailyCount, VisitStatsBox

OLD_PORTAL_TOTAL = 18_029_085
VISIT_HISTORY_DAYS = 120
VIEW_HISTORY_DAYS = 30


def _box(site, vi, en):
    box = VisitStatsBox.objects.filter(locale=vi).first()
    if box is None:
        box = VisitStatsBox.objects.create(
            locale=vi, title="Thống kê truy cập", baseline_total=OLD_PORTAL_TOTAL, site=site
        )
    translate(box, en, {"Thống kê truy cập": "Visit statistics"})
    return box


def _visits_on(day, today):
    rng = random.Random(day.toordinal())
    visits = (5200 if day.weekday() < 5 else 2400) + rng.randrange(2400)
    # Today has only begun.
    return visits // 4 if day == today else visits


def _visit_history(site, today):
    days = [today - timedelta(days=n) for n in range(VISIT_HISTORY_DAYS + 1)]
    counted = set(
        DailyCount.objects.filter(site=site, kind=DailyCount.Kind.VISIT, key="", day__in=days).values_list(
            "day", flat=True
        )
    )
    DailyCount.objects.bulk_create(
        DailyCount(site=site, day=day, kind=DailyCount.Kind.VISIT, count=_visits_on(day, today))
        for day in days
        if day not in counted
    )


def _view_history(site, today):
    homes = site.root_page.get_translations(inclusive=True)
    pages = {}
    for home in homes:
        for page in Page.objects.live().descendant_of(home, inclusive=True).order_by("id"):
            pages.setdefault(str(page.translation_key), page)
    viewed = set(
        DailyCount.objects.filter(kind=DailyCount.Kind.VIEW, key__in=pages).values_list("key", flat=True).distinct()
    )
    rows = []
    for key, page in pages.items():
        if key in viewed:
            continue
        rng = random.Random(page.url_path)
        # The home page is where most visits start.
        scale = 900 if page.depth == site.root_page.depth else 60
        for n in range(VIEW_HISTORY_DAYS):
            day = today - timedelta(days=n)
            rows.append(
                DailyCount(site=site, day=day, kind=DailyCount.Kind.VIEW, key=key, count=1 + rng.randrange(scale))
            )
    DailyCount.objects.bulk_create(rows)


def load():
    vi, en = locales()
    site = Site.objects.get(is_default_site=True)
    add_sidebar_box(site, "visit_stats", _box(site, vi, en))
    today = local_today()
    _visit_history(site, today)
    _view_history(site, today)
