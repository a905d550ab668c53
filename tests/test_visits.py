"""Issue 5: visit statistics: counting visits and page views, the sidebar box, the dashboard."""

import pickle
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.http import HttpResponse
from django.template import Context, Template, TemplateSyntaxError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import PageViewRestriction, Site

from editorial.roles import EDITORS
from home.demo import add_sidebar_box, translate
from home.models import HomePage, PortalSettings
from portal.settings.base import local_caches
from tests.visits_support import (
    BROWSER,
    concurrently,
    distinct_address,
    distinct_visitors_view,
    views,
    visit,
    visits_today,
)
from visits import counting, sightings
from visits.bots import is_bot
from visits.counting import is_countable, local_today, record
from visits.middleware import PAGE_HEADER, VisitCounterMiddleware, page_header_value
from visits.models import DailyCount, Sighting, VisitStatsBox
from visits.panels import VisitsPanel
from visits.sightings import Seen
from visits.stats import site_figures

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
VISITORS_OF_A_BUSY_HALF_HOUR = 1000


def at(*args):
    """A moment in the agency's time zone, frozen."""
    return time_machine.travel(datetime(*args, tzinfo=LOCAL), tick=False)


@pytest.fixture
def about_vi(home_vi, locales):
    page = home_vi.add_child(instance=HomePage(title="Giới thiệu", slug="gioi-thieu", locale=locales[0]))
    page.save_revision().publish()
    return page


@pytest.fixture
def box(site, locales):
    vi, en = locales
    box = VisitStatsBox.objects.create(locale=vi, title="Thống kê truy cập")
    translate(box, en, {"Thống kê truy cập": "Visit statistics"})
    add_sidebar_box(site, "visit_stats", box)
    return box


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("editor", "editor@example.com", "password")


def stat(html, name):
    """The text of the element carrying data-visit-stat="name"."""
    found = re.search(rf'data-visit-stat="{name}">([^<]*)<', html)
    return found[1] if found else None


def odometer(html):
    return "".join(re.findall(r'class="visit-stats__digit">(\d)<', html))


# --- What counts ---------------------------------------------------------------------------


def test_a_page_view_is_a_visit_and_a_view_and_the_marker_header_never_leaves(client, site, home_vi):
    response = visit(client)
    assert response.status_code == 200
    assert PAGE_HEADER not in response
    assert not response.cookies  # no tracking cookie
    assert visits_today(site) == 1
    assert views(home_vi) == 1


def test_a_reload_within_30_minutes_is_neither_a_new_visit_nor_a_new_view(client, site, home_vi):
    with at(2026, 3, 10, 9, 0):
        visit(client)
    with at(2026, 3, 10, 9, 29):
        visit(client)
    assert visits_today(site, date(2026, 3, 10)) == 1 and views(home_vi) == 1
    # 31 minutes after the last page seen, the visitor is back: a second visit and view.
    with at(2026, 3, 10, 10, 0):
        visit(client)
    assert (visits_today(site, date(2026, 3, 10)), views(home_vi)) == (2, 2)


def test_a_visit_lasts_while_pages_follow_each_other_within_30_minutes(client, site, home_vi, about_vi):
    for minute in (0, 20, 40):  # a page every 20 minutes: one visit of an hour
        with at(2026, 3, 10, 9, minute):
            visit(client, "/vi/gioi-thieu/" if minute == 20 else "/vi/")
    assert visits_today(site, date(2026, 3, 10)) == 1
    # Views have a window per page: the home page's own half hour had passed by 9:40.
    assert views(home_vi) == 2
    assert views(about_vi) == 1


def test_each_visitor_counts_and_the_address_and_browser_tell_them_apart(client, site, home_vi):
    visit(client, ip="203.0.113.1")
    visit(client, ip="203.0.113.2")
    visit(client, ip="203.0.113.2", user_agent=BROWSER.replace("Chrome/131.0", "Chrome/130.0"))
    assert visits_today(site) == 3 and views(home_vi) == 3


def test_a_page_and_its_translation_share_one_view_count(client, site, home_vi, home_en):
    visit(client, "/vi/", ip="203.0.113.1")
    visit(client, "/en/", ip="203.0.113.1")  # the same visitor switching language: one view
    visit(client, "/en/", ip="203.0.113.2")
    assert views(home_vi) == views(home_en) == 2
    assert visits_today(site) == 2


def test_visits_fall_on_the_local_day_across_midnight(client, site):
    # 23:50 and 00:10 in Đà Nẵng are 16:50 and 17:10 UTC, both on March 1st in UTC.
    with at(2026, 3, 1, 23, 50):
        visit(client)
    with at(2026, 3, 2, 0, 10):
        # The salt of the new day does not know yesterday's hash: a visit spanning midnight
        # counts on both days, so "today" never misses a visitor.
        visit(client)
        figures = site_figures(site.pk)
    assert (figures["today"], figures["yesterday"]) == (1, 1)
    assert set(DailyCount.objects.filter(kind="visit").values_list("day", "count")) == {
        (date(2026, 3, 1), 1),
        (date(2026, 3, 2), 1),
    }


BROWSERS = [
    BROWSER,
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) coc_coc_browser/130.0.0 "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-A525F Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 Zalo android/12100638 ZaloTheme/light ZaloLanguage/vi",
    "Mozilla/5.0 (Linux; Android 11; CUBOT X50) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
    "Mobile Safari/537.36",
]
CRAWLERS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) "
    "Chrome/116.0.1938.76 Safari/537.36",
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 "
    "Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot/1.0",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
    "Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)",
    "Mozilla/5.0 (compatible; coccocbot-web/1.0; +http://help.coccoc.com/searchengine)",
    "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
    "Mozilla/5.0 (compatible; Zalo link preview)",
    "curl/8.5.0",
    "Wget/1.21.4",
    "python-requests/2.32.3",
    "Go-http-client/2.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
    "",
]


@pytest.mark.parametrize("user_agent", BROWSERS)
def test_browsers_count(client, site, user_agent):
    visit(client, user_agent=user_agent)
    assert visits_today(site) == 1


@pytest.mark.parametrize("user_agent", CRAWLERS)
def test_crawlers_count_nothing(client, site, user_agent):
    assert is_bot(user_agent)
    assert visit(client, user_agent=user_agent).status_code == 200
    assert not DailyCount.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_X_MOZ": "prefetch"},
        {"HTTP_X_PURPOSE": "preview"},
    ],
)
def test_prefetches_count_nothing(client, site, headers):
    assert visit(client, **headers).status_code == 200
    assert not DailyCount.objects.exists()


def test_head_requests_count_nothing(client, site):
    assert client.head("/vi/", REMOTE_ADDR="203.0.113.10", HTTP_USER_AGENT=BROWSER).status_code == 200
    assert not DailyCount.objects.exists()


def test_errors_redirects_static_files_and_the_admin_count_nothing(client, site, home_vi):
    Redirect.objects.create(old_path="/tin-cu", redirect_page=home_vi)
    statuses = {
        path: visit(client, path).status_code
        for path in ("/vi/khong-co-trang-nay/", "/", "/tin-cu", "/static/css/portal.css", "/admin/login/")
    }
    assert statuses == {
        "/vi/khong-co-trang-nay/": 404,
        "/": 302,
        "/tin-cu": 301,
        "/static/css/portal.css": 200,
        "/admin/login/": 200,
    }
    assert not DailyCount.objects.exists()


def test_the_admin_and_previews_count_nothing(client, site, home_vi, editor):
    client.force_login(editor)
    assert visit(client, "/admin/").status_code == 200
    assert visit(client, f"/admin/pages/{home_vi.pk}/view_draft/").status_code == 200
    assert not DailyCount.objects.exists()


def test_a_preview_request_is_never_counted_even_from_a_visitor(rf, site):
    # Wagtail previews pass through the middleware with request.is_preview set.
    request = rf.get("/vi/", HTTP_USER_AGENT=BROWSER)
    response = HttpResponse("page", content_type="text/html; charset=utf-8")
    assert is_countable(request, response)
    request.is_preview = True
    assert not is_countable(request, response)


def test_editors_reading_the_site_are_not_counted_but_other_signed_in_users_are(client, site):
    editor = get_user_model().objects.create_user("bien-tap-vien", password="password")
    editor.groups.add(Group.objects.get(name=EDITORS))  # may use the admin
    client.force_login(editor)
    visit(client, ip="203.0.113.1")
    assert not DailyCount.objects.exists()
    client.force_login(get_user_model().objects.create_user("citizen", password="password"))
    visit(client, ip="203.0.113.2")
    assert visits_today(site) == 1


def test_pages_behind_a_password_are_not_public_and_count_nothing(client, site, about_vi):
    restriction = PageViewRestriction.objects.create(page=about_vi, restriction_type="password", password="mat-khau")
    form = visit(client, "/vi/gioi-thieu/")
    assert form.status_code == 200 and 'name="password"' in form.text
    assert restriction.pk
    client.post(
        re.search(r'<form class="access-form" action="([^"]+)"', form.text)[1],
        {"password": "mat-khau", "return_url": "/vi/gioi-thieu/"},
        REMOTE_ADDR="203.0.113.10",
        HTTP_USER_AGENT=BROWSER,
    )
    page = visit(client, "/vi/gioi-thieu/")
    assert page.status_code == 200 and "Giới thiệu" in page.text and 'name="password"' not in page.text
    assert not DailyCount.objects.exists()


def test_a_page_served_from_a_cache_still_counts(client, site, home_vi, settings):
    ours = settings.MIDDLEWARE.index("visits.middleware.VisitCounterMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[: ours + 1],
        "django.middleware.cache.UpdateCacheMiddleware",
        *settings.MIDDLEWARE[ours + 1 :],
        "django.middleware.cache.FetchFromCacheMiddleware",
    ]
    settings.CACHE_MIDDLEWARE_SECONDS = 600
    first = visit(client, ip="203.0.113.1")
    HomePage.objects.filter(pk=home_vi.pk).update(title="Tiêu đề mới chưa vào bộ nhớ đệm")
    second = visit(client, ip="203.0.113.2")
    assert second.content == first.content  # served from the cache, not by Wagtail
    assert PAGE_HEADER not in first and PAGE_HEADER not in second
    assert visits_today(site) == 2
    assert views(home_vi) == 2


def test_counting_trouble_never_costs_the_visitor_the_page(client, site, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(DailyCount.objects, "increment", broken)
    assert visit(client).status_code == 200


def test_the_count_is_taken_once_the_page_is_sent_and_only_once(rf, site, home_vi):
    # The visitor does not wait for the count: it is taken when the server closes the response
    # it has sent (request_finished), in the thread that served it.
    def page(request):
        response = HttpResponse("page", content_type="text/html; charset=utf-8")
        response[PAGE_HEADER] = page_header_value(site.pk, home_vi.translation_key)
        return response

    def sent(response):
        # What the WSGI server does once the response is sent; the test's database connection
        # stays open, as Django's test client keeps it.
        request_finished.disconnect(close_old_connections)
        try:
            response.close()
        finally:
            request_finished.connect(close_old_connections)

    request = rf.get("/vi/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT=BROWSER)
    response = VisitCounterMiddleware(page)(request)
    assert PAGE_HEADER not in response
    assert visits_today(site) == 0
    sent(response)
    assert visits_today(site) == 1 and views(home_vi) == 1
    Sighting.objects.all().delete()
    DailyCount.objects.all().delete()
    sent(response)  # the end of another request in this thread: nothing is left to count
    assert not DailyCount.objects.exists()


def test_a_batch_larger_than_one_statement_remembers_every_visitor_it_counted(site):
    # Sighting rows are written a few hundred to a statement (sightings.CHUNK): a visitor of the
    # last statement's share who comes back within the half hour is no new visit either.
    day = date(2026, 3, 10)
    visitors = [f"visitor-{n}" for n in range(sightings.CHUNK)]
    for minute in (0, 20):
        with at(2026, 3, 10, 9, minute):
            sightings.apply([Seen(timezone.now(), site.pk, day, visitor, "page") for visitor in visitors])
            assert visits_today(site, day) == len(visitors)
    assert Sighting.objects.count() == 2 * len(visitors)


# --- Nothing personal is stored ----------------------------------------------------------------


def test_a_visitors_sightings_are_deleted_once_the_half_hour_has_passed(client, site):
    with at(2026, 3, 10, 9, 0):
        visit(client, ip="203.0.113.1")
    first = set(Sighting.objects.values_list("key", flat=True))
    assert len(first) == 2  # on the site, and on the page
    with at(2026, 3, 10, 9, 31):
        visit(client, ip="203.0.113.2")  # the next sighting applied clears out the old ones
    remaining = set(Sighting.objects.values_list("key", flat=True))
    assert len(remaining) == 2 and not remaining & first


def test_no_address_or_user_agent_is_stored_anywhere(client, site, about_vi, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    address, user_agent = "198.51.100.77", "Mozilla/5.0 (X11; Linux x86_64) PrivacyProbe/9.87 Firefox/133.0"
    for path in ("/vi/", "/vi/gioi-thieu/", "/en/"):
        response = visit(client, path, ip="10.0.0.2", user_agent=user_agent, HTTP_X_FORWARDED_FOR=address)
        assert not response.cookies
    assert visits_today(site) == 1  # recognised as one visitor, from the hash alone

    stored = [
        str(value)
        for model in apps.get_app_config("visits").get_models()
        for row in model.objects.values_list()
        for value in row
    ]
    assert DailyCount.objects.exists() and Sighting.objects.exists()  # the visitor's sightings are there…
    from django.core.cache.backends.locmem import _caches

    entries = {key: pickle.loads(value) for store in _caches.values() for key, value in store.items()}
    stored += [f"{key} {value!r}" for key, value in entries.items()]
    for text in stored:  # …and nothing of the visitor in them
        for secret in (address, "10.0.0.2", user_agent, "PrivacyProbe"):
            assert secret not in text


# --- Figures per day, week, month --------------------------------------------------------------


def _history(site, counts):
    DailyCount.objects.bulk_create(
        DailyCount(site=site, day=date.fromisoformat(day), kind=DailyCount.Kind.VISIT, count=count)
        for day, count in counts.items()
    )


@pytest.mark.parametrize(
    "now, history, expected",
    [
        pytest.param(
            (2026, 3, 9, 0, 0, 30),  # a Monday, just after midnight
            {"2026-02-28": 32, "2026-03-01": 1, "2026-03-02": 2, "2026-03-07": 4, "2026-03-08": 8, "2026-03-09": 16},
            {"today": 16, "yesterday": 8, "week": 16, "month": 31, "total": 63},
            id="monday",
        ),
        pytest.param(
            (2026, 4, 1, 23, 59, 59),  # the 1st of a month (a Wednesday), just before midnight
            {"2026-03-15": 8, "2026-03-30": 1, "2026-03-31": 2, "2026-04-01": 4},
            {"today": 4, "yesterday": 2, "week": 7, "month": 4, "total": 15},
            id="first-of-month",
        ),
        pytest.param(
            (2026, 12, 31, 23, 59),  # the last minute of the year, a Thursday
            {"2026-12-01": 16, "2026-12-27": 8, "2026-12-28": 1, "2026-12-31": 2},
            {"today": 2, "yesterday": 0, "week": 3, "month": 27, "total": 27},
            id="new-years-eve",
        ),
        pytest.param(
            (2027, 1, 1, 0, 0),  # the first minute of the year, a Friday: the week began in December
            {"2026-12-01": 16, "2026-12-27": 8, "2026-12-28": 1, "2026-12-31": 2, "2027-01-01": 4},
            {"today": 4, "yesterday": 2, "week": 7, "month": 4, "total": 31},
            id="new-year",
        ),
    ],
)
def test_figures_follow_the_local_calendar(site, now, history, expected):
    _history(site, history)
    with at(*now):
        assert site_figures(site.pk) == expected


def test_figures_are_per_site(site, locales):
    other_home = site.root_page.get_parent().add_child(
        instance=HomePage(title="Phường", slug="phuong", locale=locales[0])
    )
    other = Site.objects.create(hostname="phuong.example.vn", port=80, root_page=other_home)
    today = local_today().isoformat()
    _history(site, {today: 5})
    _history(other, {today: 7})
    assert site_figures(site.pk)["today"] == 5
    assert site_figures(other.pk)["today"] == 7


def test_the_box_shows_each_figure_with_the_baseline_added_to_the_total_only(client, site, box):
    box.baseline_total = 1_000_000
    box.save()
    _history(site, {"2026-03-07": 300, "2026-03-08": 20, "2026-03-09": 4})
    with at(2026, 3, 9, 12, 0):
        html = client.get("/vi/", HTTP_USER_AGENT="curl/8").text
    assert {name: stat(html, name) for name in ("today", "yesterday", "week", "month", "total")} == {
        "today": "4",
        "yesterday": "20",
        "week": "4",
        "month": "324",
        "total": "1.000.324",
    }


def test_figures_are_cached_for_a_minute_at_most(site):
    with at(2026, 3, 9, 12, 0, 0):
        assert site_figures(site.pk)["today"] == 0
        DailyCount.objects.increment(site.pk, local_today(), DailyCount.Kind.VISIT)
        assert site_figures(site.pk)["today"] == 0
    with at(2026, 3, 9, 12, 1, 1):
        assert site_figures(site.pk)["today"] == 1


def test_a_new_day_never_shows_yesterdays_cached_figures(site):
    _history(site, {"2026-03-09": 9})
    with at(2026, 3, 9, 23, 59, 50):
        assert site_figures(site.pk)["today"] == 9
    with at(2026, 3, 10, 0, 0, 10):
        assert site_figures(site.pk)["today"] == 0


# --- The sidebar box ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, title, labels, total",
    [
        ("vi", "Thống kê truy cập", ["Hôm nay", "Hôm qua", "Tuần này", "Tháng này", "Tổng cộng"], "18.029.085"),
        ("en", "Visit statistics", ["Today", "Yesterday", "This week", "This month", "Total"], "18,029,085"),
    ],
)
def test_the_box_speaks_the_visitors_language_and_groups_numbers_for_it(client, box, language, title, labels, total):
    box.baseline_total = 18_029_085
    box.save()
    html = client.get(f"/{language}/", HTTP_USER_AGENT="curl/8").text
    section = html[html.index('class="box visit-stats"') :]
    assert f">{title}</h2>" in section
    assert re.findall(r"<dt>([^<]*)</dt>", section) == labels
    assert stat(section, "total") == total
    assert odometer(section) == "0018029085"


def test_an_untitled_box_is_called_visit_statistics_in_each_language(client, box):
    VisitStatsBox.objects.filter(translation_key=box.translation_key).update(title="")
    assert ">Thống kê truy cập</h2>" in client.get("/vi/").text
    assert ">Visit statistics</h2>" in client.get("/en/").text


@pytest.mark.parametrize(
    "digits, shown",
    [(10, "0018029085"), (12, "000018029085"), (6, "18029085"), (0, "")],
)
def test_the_odometer_has_the_configured_digits_zero_padded(client, box, digits, shown):
    box.baseline_total = 18_029_085
    box.odometer_digits = digits
    box.save()
    html = client.get("/vi/").text
    assert odometer(html) == shown
    assert ('class="visit-stats__digits" aria-hidden="true"' in html) == bool(digits)


def test_the_rows_shown_are_chosen_and_the_total_stays_readable_by_screen_readers(client, box):
    box.baseline_total = 1234
    box.show_week = box.show_total = False
    box.save()
    html = client.get("/vi/").text
    assert stat(html, "week") is None
    assert re.findall(r"<dt>([^<]*)</dt>", html) == ["Hôm nay", "Hôm qua", "Tháng này"]
    # The odometer is decoration; the total it shows is there as text.
    assert re.search(r'<span class="visually-hidden">Tổng cộng: <span data-visit-stat="total">1.234</span>', html)


def test_the_settings_of_the_box_are_the_same_in_every_language(box, locales):
    box.baseline_total = 42
    box.odometer_digits = 7
    box.show_yesterday = False
    box.save()
    english = box.get_translation(locales[1])
    assert (english.baseline_total, english.odometer_digits, english.show_yesterday) == (42, 7, False)
    assert english.title == "Visit statistics"


def test_editors_configure_the_box_in_the_admin_and_bad_input_changes_nothing(client, editor, site, locales):
    client.force_login(editor)
    url = "/admin/snippets/visits/visitstatsbox/add/?locale=vi"
    form = {"title": "Lượt truy cập", "odometer_digits": "8", "show_today": "on", "baseline_total": "500"}
    refused = client.post(url, {**form, "odometer_digits": "99", "site": site.pk})
    assert refused.status_code == 200 and "nhỏ hơn hoặc bằng với 20" in refused.text
    # An old portal's total is one agency's: every site would show it as its own.
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "Hộp có tổng số lượt truy cập của cổng cũ thuộc về trang của cơ quan đó" in refused.text
    assert not VisitStatsBox.objects.exists()
    assert client.post(url, {**form, "baseline_total": "0"}).status_code == 302  # every site's
    VisitStatsBox.objects.all().delete()
    assert client.post(url, {**form, "site": site.pk}).status_code == 302
    box = VisitStatsBox.objects.get()
    assert (box.title, box.odometer_digits, box.show_today, box.show_week, box.baseline_total) == (
        "Lượt truy cập",
        8,
        True,
        False,
        500,
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_box_costs_two_queries_at_most_and_none_once_its_figures_are_cached(
    rf, box, site, language, django_assert_max_num_queries, django_assert_num_queries
):
    sidebar_block = PortalSettings.for_site(site).sidebar[0]
    assert sidebar_block.block_type == "visit_stats"
    request = rf.get(f"/{language}/")
    Site.find_for_request(request)  # done by Wagtail's routing before any page renders
    with translation.override(language):
        localized = box.localized
        template = Template("{% include 'visits/boxes/visit_stats.html' %}")
        with django_assert_max_num_queries(2):
            html = template.render(Context({"value": localized, "request": request}))
        assert stat(html, "total") == "0"
        with django_assert_num_queries(0):
            template.render(Context({"value": localized, "request": request}))


def test_the_whole_sidebar_box_in_vietnamese_costs_two_queries_at_most(rf, box, site, django_assert_max_num_queries):
    sidebar = PortalSettings.for_site(site).sidebar
    # The chooser block loads its snippets once for the whole sidebar, before any box renders.
    assert sidebar[0].value.pk == box.pk
    request = rf.get("/vi/")
    Site.find_for_request(request)
    template = Template("{% load wagtailcore_tags %}{% include_block block %}")
    with translation.override("vi"), django_assert_max_num_queries(2):
        html = template.render(Context({"block": sidebar[0], "request": request}))
    assert "Thống kê truy cập" in html


# --- "Lượt xem": the view count of a page --------------------------------------------------------


def test_page_views_tag_formats_for_the_language_or_gives_the_number(site, home_vi, home_en):
    DailyCount.objects.increment(site.pk, local_today(), DailyCount.Kind.VIEW, str(home_vi.translation_key), 12345)
    DailyCount.objects.increment(
        site.pk, local_today() - timedelta(days=3), DailyCount.Kind.VIEW, str(home_vi.translation_key), 1
    )
    template = Template("{% load visits_tags %}[{% page_views page %}]{% page_views page as n %}[{{ n|add:1 }}]")
    with translation.override("vi"):
        assert template.render(Context({"page": home_en})) == "[12.346][12347]"
    with translation.override("en"):
        assert template.render(Context({"page": home_vi})) == "[12,346][12347]"
    assert template.render(Context({"page": None})) == "[0][1]"
    with pytest.raises(TemplateSyntaxError):
        Template("{% load visits_tags %}{% page_views %}")


def test_page_views_costs_one_query(home_vi, django_assert_num_queries):
    template = Template("{% load visits_tags %}{% page_views page %}")
    with django_assert_num_queries(1):
        template.render(Context({"page": home_vi}))


# --- The dashboard --------------------------------------------------------------------------


def _viewed_pages(site, home_vi, locales, numbers):
    pages = []
    for n in numbers:
        page = home_vi.add_child(instance=HomePage(title=f"Trang {n}", slug=f"trang-{n}", locale=locales[0]))
        translate(page, locales[1], {f"Trang {n}": f"Page {n}"})
        DailyCount.objects.increment(site.pk, local_today(), DailyCount.Kind.VIEW, str(page.translation_key), n + 1)
        pages.append(page)
    return pages


def test_the_dashboard_shows_visits_per_day_and_the_most_viewed_pages(client, site, home_vi, locales, editor):
    today = local_today()
    _history(site, {(today - timedelta(days=n)).isoformat(): 1000 + n for n in range(40)})
    _viewed_pages(site, home_vi, locales, range(12))
    client.force_login(editor)
    html = client.get("/admin/").text
    assert 'id="visits-site-' in html
    assert len(re.findall(r'<rect class="visits-chart__bar"', html)) == 30
    table = dict(re.findall(r'data-visits-day="([\d-]+)">([^<]*)<', html))
    assert len(table) == 30
    assert table[today.isoformat()] == "1.000"
    assert table[(today - timedelta(days=29)).isoformat()] == "1.029"
    assert (today - timedelta(days=30)).isoformat() not in table
    # The ten most viewed pages this month, most viewed first, linked to their editor.
    top = re.findall(r'<a href="/admin/pages/\d+/edit/">([^<]*)</a></td>\s*<td data-page-views="[^"]+">(\d+)<', html)
    assert top == [(f"Trang {n}", str(n + 1)) for n in range(11, 1, -1)]


def test_the_dashboard_lists_pages_in_the_editors_language(rf, site, home_vi, locales, editor):
    _viewed_pages(site, home_vi, locales, range(2))
    request = rf.get("/admin/")
    request.user = editor
    with translation.override("en"):
        assert "Page 1" in VisitsPanel().render_html({"request": request})
    with translation.override("vi"):
        assert "Trang 1" in VisitsPanel().render_html({"request": request})


def test_the_dashboard_panel_costs_the_same_queries_whatever_the_traffic(rf, site, home_vi, locales, editor):
    request = rf.get("/admin/")
    request.user = editor
    query_counts = []
    for numbers, days in ((range(2), 3), (range(2, 14), 30)):
        _viewed_pages(site, home_vi, locales, numbers)
        DailyCount.objects.filter(kind="visit").delete()
        _history(site, {(local_today() - timedelta(days=n)).isoformat(): 5 for n in range(days)})
        with CaptureQueriesContext(connection) as queries:
            VisitsPanel().render_html({"request": request})
        query_counts.append(len(queries))
    assert query_counts[0] == query_counts[1]


# --- Demo content ------------------------------------------------------------------------------


def test_the_demo_installs_the_box_with_the_old_portals_total_and_months_of_history(client, demo):
    box = VisitStatsBox.objects.get(locale__language_code="vi")
    assert box.baseline_total == 18_029_085
    assert [block.block_type for block in PortalSettings.for_site(demo).sidebar].count("visit_stats") == 1
    days = DailyCount.objects.filter(site=demo, kind="visit").values_list("day", flat=True)
    assert local_today() - min(days) >= timedelta(days=90)
    assert DailyCount.objects.filter(kind="view", key=str(demo.root_page.translation_key)).exists()

    counted = sum(DailyCount.objects.filter(site=demo, kind="visit").values_list("count", flat=True))
    expected_total = 18_029_085 + counted
    vi = client.get("/vi/", HTTP_USER_AGENT="curl/8").text
    en = client.get("/en/", HTTP_USER_AGENT="curl/8").text
    assert stat(vi, "total") == f"{expected_total:,}".replace(",", ".")
    assert stat(en, "total") == f"{expected_total:,}"
    assert ">Visit statistics</h2>" in en
    assert odometer(vi) == str(expected_total).zfill(10)


def test_loading_the_demo_twice_adds_no_count(demo):
    before = list(DailyCount.objects.order_by("pk").values_list("site", "day", "kind", "key", "count"))
    call_command("load_demo", verbosity=0)
    assert list(DailyCount.objects.order_by("pk").values_list("site", "day", "kind", "key", "count")) == before


# --- Concurrency ------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_200_visitors_at_once_make_exactly_200_visits(site, home_vi):
    concurrently(distinct_visitors_view("/vi/", 200))
    assert visits_today(site) == 200
    assert views(home_vi) == 200


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_20_visitors_viewing_a_new_page_at_once_lose_no_view(site, about_vi):
    assert views(about_vi) == 0  # the first hits race to create the day's row
    concurrently(distinct_visitors_view("/vi/gioi-thieu/", 20))
    assert views(about_vi) == 20


REDIS_DOWN = {
    "default": {
        "BACKEND": "ops.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def test_while_redis_is_down_pages_are_served_and_every_view_counts(client, site, home_vi, settings):
    counting._salts.clear()  # a server started during the outage: it cannot share a salt
    settings.CACHES = REDIS_DOWN
    for _ in range(3):
        assert visit(client).status_code == 200
    # No visitor can be recognised again: each view is counted, none is lost.
    assert visits_today(site) == 3
    assert views(home_vi) == 3


def test_a_server_that_has_the_days_salt_still_recognises_visitors_when_redis_goes_down(
    client, site, home_vi, settings
):
    visit(client)
    settings.CACHES = REDIS_DOWN
    visit(client)
    assert (visits_today(site), views(home_vi)) == (1, 1)
    with at(*(datetime.now() + timedelta(days=1)).timetuple()[:5]):
        visit(client)  # a new day: its salt cannot be shared, so it is not kept
        visit(client)
        assert visits_today(site, local_today()) == 2


@pytest.fixture
def salt_memory_passed(monkeypatch):
    """The server asks the cache for the day's salt on each view, as once its minute's copy is past
    (a copy that an earlier test left would still be trusted for its minute)."""
    counting._salts.clear()
    monkeypatch.setattr(counting, "SALT_MEMORY", 0)


def test_a_server_that_has_the_days_salt_keeps_it_for_the_whole_of_a_redis_outage(
    client, site, home_vi, settings, salt_memory_passed
):
    visit(client)
    settings.CACHES = REDIS_DOWN
    visit(client)
    visit(client)
    assert (visits_today(site), views(home_vi)) == (1, 1)


def test_a_salt_evicted_from_the_cache_is_put_back_by_the_first_server_that_has_it(
    client, site, home_vi, salt_memory_passed
):
    visit(client)
    key = f"visits:salt:{local_today().isoformat()}"
    salt = cache.get(key)
    cache.delete(key)  # evicted, or lost with a Redis restarted without its data
    visit(client)
    assert cache.get(key) == salt
    counting._salts.clear()  # another server, which never had the salt, reads it from the cache
    visit(client)
    assert (visits_today(site), views(home_vi)) == (1, 1)


def test_on_one_machine_without_redis_every_visitor_of_a_busy_half_hour_is_remembered(rf, site, settings, tmp_path):
    """The day's salt survives in the file cache of a server without Redis (settings.base.
    local_caches) however many other entries come: Django's file cache would drop a third of its
    entries at random past 300, the salt among them, and count every visitor again."""
    settings.CACHES = local_caches(tmp_path)
    visitors = [
        rf.get("/vi/", REMOTE_ADDR=distinct_address(n), HTTP_USER_AGENT=BROWSER)
        for n in range(VISITORS_OF_A_BUSY_HALF_HOUR)
    ]
    for _round in range(2):  # each visitor reads the page, then again within the half hour
        counting._salts.clear()  # another process: the salt comes from the cache
        for n, request in enumerate(visitors):
            record(request, site.pk, "the-page-key")
            cache.set(f"other-entry:{_round}:{n}", n, 60)  # rate limits, figures…
    assert visits_today(site) == VISITORS_OF_A_BUSY_HALF_HOUR
    assert DailyCount.objects.get(kind=DailyCount.Kind.VIEW, key="the-page-key").count == VISITORS_OF_A_BUSY_HALF_HOUR
