"""Issue 9: the page cache for anonymous visitors (ops/pagecache.py): what it serves, what it
never serves, what invalidates it, and that votes and counters stay right behind it."""

import contextlib
import time
from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site

from feedback.models import SurveyResponse
from home.demo import add_sidebar_box, translate
from home.models import HomePage, InfoBox, PortalSettings
from news.models import NewsIndexPage
from ops import pagecache
from ops.pagecache import HEADER, RENDERING, _cache_key, _storable, content_changed, current_versions, page_cache
from tests.test_feedback import form_fields, make_survey
from tests.visits_support import views, visit, visits_today

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    page_cache().clear()
    yield
    page_cache().clear()


@pytest.fixture
def article(make_article):
    return make_article("Quận tổ chức hội nghị về cải cách hành chính")


def cached_twice(client, path, **extra):
    """The second of two identical requests, which the first put in the cache."""
    first = client.get(path, **extra)
    assert first.status_code == 200 and first.get(HEADER) == "miss"
    second = client.get(path, **extra)
    assert second.get(HEADER) == "hit"
    assert second.content == first.content
    return second


def titles(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [card.get_text(strip=True) for card in soup.select(".article-card__title")]


# --- What is served from the cache ----------------------------------------------------------


def test_a_cached_article_is_served_without_a_database_query(
    client, article, django_assert_num_queries, settings, tmp_path
):
    # As in production: the visitor's sighting goes to a buffer, not the database.
    settings.VISITS_BUFFER, settings.VISITS_SPOOL_DIR = "spool", tmp_path
    visit(client, article.url)  # rendered and stored
    with django_assert_num_queries(0):
        again = visit(client, article.url)  # counted, from the cache
    assert again[HEADER] == "hit"
    assert article.title in again.text


def test_a_cached_page_comes_with_its_sites_versions_in_one_cache_read(client, article, monkeypatch):
    """One Redis round trip, not two, once the host's site is known."""
    cached_twice(client, article.url)
    cache, reads, reading = page_cache(), [], []
    for name in ("get", "get_many"):
        read = getattr(cache, name)

        def counted(*args, _read=read, _name=name, **kwargs):
            if not reading:  # the local memory cache's get_many calls get for each key
                reads.append(_name)
            reading.append(_name)
            try:
                return _read(*args, **kwargs)
            finally:
                reading.pop()

        monkeypatch.setattr(cache, name, counted)
    assert client.get(article.url)[HEADER] == "hit"
    assert reads == ["get_many"]


def test_head_requests_are_served_from_the_cache(client, article):
    client.get(article.url)
    assert client.head(article.url)[HEADER] == "hit"


def test_each_language_host_scheme_and_listing_page_has_its_own_entry(client, home_vi, home_en, article):
    cached_twice(client, "/vi/")
    assert client.get("/en/")[HEADER] == "miss"
    assert client.get("/vi/", HTTP_HOST="localhost")[HEADER] == "miss"
    # A page names its own address (the language versions' links): http's is not https's.
    https = client.get("/vi/", secure=True)
    assert https[HEADER] == "miss" and 'href="https://' in https.text
    category = article.get_parent()
    cached_twice(client, category.url)
    assert client.get(category.url + "?page=1")[HEADER] == "miss"
    assert client.get(category.url + "?print")[HEADER] == "miss"


def test_a_page_number_is_stored_only_for_a_page_that_follows_it(client, article):
    category = article.get_parent()
    cached_twice(client, category.url + "?page=1")
    # An article ignores ?page=: stored once a number, a crawler asking 1, 2, 3… would fill the cache.
    for _ in range(2):
        assert client.get(article.url + "?page=2").get(HEADER) != "hit"
    assert HEADER not in client.get(category.url + "?page=1234567")


def test_a_deploy_serves_nothing_that_the_previous_release_rendered(client, article, settings):
    cached_twice(client, article.url)
    settings.RELEASE = "the next release"
    assert client.get(article.url)[HEADER] == "miss"
    assert client.get(article.url)[HEADER] == "hit"


def test_the_release_changes_with_the_code_that_renders_the_pages(monkeypatch, tmp_path):
    from portal.settings import base

    monkeypatch.setattr(base, "BASE_DIR", tmp_path)
    files = {
        "requirements.txt": "Django==5.2.19\n",
        "news/templates/news/article.html": "<h1>{{ page.title }}</h1>",
        "news/__init__.py": "",
        "news/models.py": "",
        "locale/vi/LC_MESSAGES/django.po": "",
        "static/css/portal.css": "",
        "var/db.sqlite3": "",
        "static_collected/css/portal.1a2b3c.css": "",
        "tests/__init__.py": "",
        "tests/test_news.py": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    release = base.code_release()
    outside = ("var/", "static_collected/", "tests/")
    for name in [name for name in files if name.startswith(outside)]:
        (tmp_path / name).write_text("changed")
    assert base.code_release() == release
    for name in [name for name in files if not name.startswith(outside)]:
        (tmp_path / name).write_text((tmp_path / name).read_text() + "\n<!-- changed -->")
        assert base.code_release() != release, name
        release = base.code_release()


def test_tracking_parameters_of_shared_links_use_the_pages_entry(client, article):
    cached_twice(client, article.url)
    assert client.get(article.url + "?fbclid=IwAR0abc&utm_source=facebook")[HEADER] == "hit"


def test_a_cached_listing_links_its_pages_without_the_first_visitors_tracking_parameters(
    client, make_article, news_category
):
    """A click id is one person's; the page stored for the address is everyone's."""
    for number in range(25):
        make_article(f"Tin {number}")
    category = news_category
    client.get(category.url + "?page=2&fbclid=IwAR-one-visitor&utm_source=zalo")
    for response in (client.get(category.url + "?page=2"), client.get(category.url + "?page=2&gclid=another")):
        assert response[HEADER] == "hit"
        links = BeautifulSoup(response.content, "html.parser").select(".pagination a")
        assert {link["href"] for link in links} == {"?page=1", "?page=3"}


@pytest.mark.parametrize(
    "query", ["?q=thu-tuc", "?page=abc", "?page=01", "?page=²", "?page=1&page=2", "?tag=hoi-nghi", "?print=1"]
)
def test_other_query_strings_are_never_cached(client, article, query):
    category = article.get_parent()
    for _ in range(2):
        response = client.get(category.url + query)
        assert HEADER not in response


# --- What is never served from it, nor stored ----------------------------------------------------


def test_a_logged_in_editors_page_is_never_stored_nor_served_a_stored_page(admin_client, client, home_vi):
    editors_view = admin_client.get("/vi/")
    assert HEADER not in editors_view and "wagtail-userbar" in editors_view.text
    anonymous = cached_twice(client, "/vi/")
    assert "wagtail-userbar" not in anonymous.text
    again = admin_client.get("/vi/")
    assert HEADER not in again and "wagtail-userbar" in again.text


def test_an_editors_preview_of_a_draft_never_reaches_visitors(admin_client, client, article):
    cached_twice(client, article.url)
    draft = Page.objects.get(pk=article.pk).specific
    draft.title = "Bản nháp chưa duyệt"
    draft.save_revision()
    preview = admin_client.get(reverse("wagtailadmin_pages:view_draft", args=[article.pk]))
    assert "Bản nháp chưa duyệt" in preview.text
    for response in (client.get(article.url), Client().get(article.url)):
        assert "Bản nháp chưa duyệt" not in response.text and article.title in response.text


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_visitors_with_a_session_or_messages_cookie_get_a_fresh_page(client, article, cookie):
    cached_twice(client, article.url)
    client.cookies[cookie] = "x"
    assert HEADER not in client.get(article.url)


def test_private_pages_are_never_cached(client, article, settings):
    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.PASSWORD, password="mk")
    for _ in range(2):
        response = client.get(article.url)
        assert HEADER not in response and 'name="password"' in response.text


def test_not_found_pages_votes_and_the_admin_are_never_cached(client, site, admin_client):
    for _ in range(2):
        assert HEADER not in client.get("/vi/khong-co-trang-nay/")
        assert HEADER not in client.get(reverse("feedback:csrf"))
        assert HEADER not in admin_client.get("/admin/")


@pytest.mark.parametrize(
    "headers",
    [
        {"Cache-Control": "private"},
        {"Cache-Control": "max-age=0, no-cache, no-store, must-revalidate"},
        {"Vary": "Accept"},
        {"Vary": "Cookie, User-Agent"},
    ],
)
def test_responses_marked_private_or_varying_on_other_headers_are_not_stored(headers):
    request = RequestFactory().get("/vi/")
    assert _storable(request, HttpResponse("trang", headers={"Vary": "Cookie"}))
    assert not _storable(request, HttpResponse("trang", headers=headers))


def test_responses_setting_a_cookie_or_failing_are_not_stored():
    request = RequestFactory().get("/vi/")
    with_cookie = HttpResponse("trang")
    with_cookie.set_cookie("voter", "1")
    assert not _storable(request, with_cookie)
    assert not _storable(request, HttpResponse("lỗi", status=500))
    assert not _storable(RequestFactory().post("/vi/"), HttpResponse("trang"))


def test_the_page_cache_can_be_turned_off(client, article, settings):
    settings.PAGE_CACHE_SECONDS = 0
    for _ in range(2):
        assert HEADER not in client.get(article.url)


def test_pages_are_served_while_the_cache_is_down(client, article, settings):
    settings.CACHES = {
        alias: {
            "BACKEND": "ops.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
        for alias in ("default", "pages")
    }
    for _ in range(2):
        response = client.get(article.url)
        assert response.status_code == 200 and HEADER not in response


# --- Invalidation -------------------------------------------------------------------------------


def test_publishing_an_article_updates_the_home_page_and_its_category(client, article, make_article):
    category = article.get_parent()
    cached_twice(client, "/vi/")
    cached_twice(client, category.url)
    cached_twice(client, article.url)
    make_article("Tin mới: khai trương bộ phận một cửa")
    for path in ("/vi/", category.url):
        response = client.get(path)
        assert titles(response)[0] == "Tin mới: khai trương bộ phận một cửa"
    # The other article's related news changed too.
    assert "Tin mới: khai trương bộ phận một cửa" in client.get(article.url).text


def test_editing_and_republishing_an_article_shows_the_new_text(client, article):
    cached_twice(client, article.url)
    revision = Page.objects.get(pk=article.pk).specific
    revision.title = "Quận tổ chức hội nghị (cập nhật)"
    revision.save_revision().publish()
    assert "Quận tổ chức hội nghị (cập nhật)" in client.get(article.url).text


def test_unpublishing_an_article_removes_it_from_every_cached_page(client, article):
    category = article.get_parent()
    cached_twice(client, article.url)
    cached_twice(client, category.url)
    article.unpublish()
    assert client.get(article.url).status_code == 404
    assert article.title not in titles(client.get(category.url))


def test_deleting_an_article_removes_it_from_every_cached_page(client, article):
    url = article.url
    cached_twice(client, url)
    cached_twice(client, "/vi/")
    Page.objects.get(pk=article.pk).delete()
    assert client.get(url).status_code == 404
    assert article.title not in titles(client.get("/vi/"))


def test_moving_an_article_updates_both_categories(client, article, make_category):
    old_category, new_category = article.get_parent(), make_category("Thông báo")
    cached_twice(client, old_category.url)
    cached_twice(client, new_category.url)
    article.move(new_category, pos="last-child")
    assert article.title not in titles(client.get(old_category.url))
    assert article.title in titles(client.get(new_category.url))


def test_publishing_a_translation_updates_the_cached_english_pages(client, article, locales):
    cached_twice(client, "/en/")
    english = translate(article, locales[1], {article.title: "District holds a conference on administrative reform"})
    assert titles(client.get("/en/")) == ["District holds a conference on administrative reform"]
    assert client.get(english.url).status_code == 200


def test_editing_a_sidebar_snippet_updates_every_cached_page(client, article, info_box, locales):
    cached_twice(client, article.url)
    cached_twice(client, "/en/")
    info_box.title = "Đường dây nóng 24/7"
    info_box.save()
    assert "Đường dây nóng 24/7" in client.get(article.url).text
    english = info_box.get_translation(locales[1])
    english.title = "Hotline, day and night"
    english.save()
    assert "Hotline, day and night" in client.get("/en/").text


def test_translating_a_tag_updates_the_cached_translations_of_its_articles(client, make_article, locales):
    en = locales[1]
    article = make_article("Có thẻ", tags=["du lịch"])
    english = translate(article, en, {"Có thẻ": "Tagged"})
    assert "du lịch" in cached_twice(client, english.url).text
    translate(article.tags.get(), en, {"du lịch": "tourism"})
    assert "tourism" in client.get(english.url).text


def test_deleting_a_sidebar_snippet_removes_its_box(client, home_vi, info_box):
    cached_twice(client, "/vi/")
    info_box.get_translations().delete()
    info_box.delete()
    assert "Đường dây nóng" not in client.get("/vi/").text


def test_changing_the_portal_settings_updates_every_cached_page(client, site, home_vi, locales, info_box):
    cached_twice(client, "/vi/")
    settings = PortalSettings.for_site(site)
    settings.sidebar = []
    settings.save()
    assert "Đường dây nóng" not in client.get("/vi/").text


def test_a_change_of_one_site_keeps_the_other_sites_pages(client, site, home_vi, locales):
    other_home = Page.get_first_root_node().add_child(
        instance=HomePage(title="Phường Thạch Thang", slug="thach-thang", locale=locales[0])
    )
    other_home.save_revision().publish()
    other_site = Site.objects.create(hostname="thachthang.localhost", root_page=other_home)
    PortalSettings.for_site(other_site)  # made on first use otherwise, which is a change
    cached_twice(client, "/vi/", HTTP_HOST="thachthang.localhost")
    before = current_versions(site.pk)
    category = home_vi.add_child(instance=NewsIndexPage(title="Tin Hải Châu"))
    category.save_revision().publish()
    assert current_versions(site.pk) != before
    assert client.get("/vi/", HTTP_HOST="thachthang.localhost")[HEADER] == "hit"


def test_a_snippet_of_one_agency_keeps_the_other_agencys_pages(client, site, ward, info_box, locales):
    def cached(host):
        return client.get("/vi/", HTTP_HOST=host)[HEADER] == "hit"

    hosts = (site.hostname, ward["site"].hostname)
    ward_box = InfoBox.objects.create(locale=locales[0], title="Một cửa phường K", body="<p>…</p>", site=ward["site"])
    add_sidebar_box(ward["site"], "info_box", ward_box)
    answers = make_survey(locales[0], site=ward["site"]).options.all()
    for host in hosts:
        cached_twice(client, "/vi/", HTTP_HOST=host)

    # The ward's box, in both its languages, and a part of a ward's snippet (a poll's answer).
    for change in (ward_box, translate(ward_box, locales[1], {"Một cửa phường K": "One-stop desk"}), answers[0]):
        change.save()
        assert cached(site.hostname) and not cached(ward["site"].hostname), change
    # What every site may show, or a snippet that changes sites, is every site's change.
    info_box.save()
    assert not cached(site.hostname) and not cached(ward["site"].hostname)
    ward_box.site = site
    ward_box.save()
    assert not cached(site.hostname) and not cached(ward["site"].hostname)


def test_a_change_is_invalidated_again_when_its_transaction_commits(
    client, article, django_capture_on_commit_callbacks
):
    """A visitor's request that renders while an editor's change is not yet committed sees the
    old content; what it stores must not outlive the commit."""
    site_id = article.get_site().pk
    with django_capture_on_commit_callbacks(execute=True):
        content_changed([site_id])
        during = current_versions(site_id)
    assert current_versions(site_id) != during


# --- A surge of readers when an entry goes stale ---------------------------------------------


@pytest.fixture
def during_next_render(monkeypatch):
    """`during_next_render(path)`: while the next page is being rendered (routed), another
    visitor asks for `path`; returns the list that then holds the answer they got."""
    answers, armed = [], []
    route = HomePage.route
    # The other visitor asks in this thread: it cannot wait for this render to end.
    monkeypatch.setattr(pagecache, "WAIT_SECONDS", 0)

    def route_while_another_visits(page, request, path_components):
        if armed:
            answers.append(Client().get(armed.pop()))
        return route(page, request, path_components)

    monkeypatch.setattr(HomePage, "route", route_while_another_visits)

    def arm(path):
        armed.append(path)
        return answers

    return arm


NEW_TITLE = "Quận tổ chức hội nghị (cập nhật)"


def republish_with_new_title(article, title=NEW_TITLE):
    revision = Page.objects.get(pk=article.pk).specific
    revision.title = title
    revision.save_revision().publish()


@pytest.mark.parametrize("why", ["the content changed", "its time is over"])
def test_while_one_request_renders_a_stale_page_the_other_readers_get_the_previous_entry(
    client, article, during_next_render, settings, why
):
    before = cached_twice(client, article.url)
    if why == "the content changed":
        republish_with_new_title(article)
        later = contextlib.nullcontext()
    else:
        later = time_machine.travel(timezone.now() + timedelta(seconds=settings.PAGE_CACHE_SECONDS + 1), tick=False)
    with later:
        others = during_next_render(article.url)
        renderer = client.get(article.url)
        assert renderer[HEADER] == "miss"
        [other] = others
        assert other[HEADER] == "stale" and other.content == before.content
        after = client.get(article.url)
    assert after[HEADER] == "hit" and after.content == renderer.content
    assert (NEW_TITLE in after.text) == (why == "the content changed")


def test_each_change_is_rendered_by_the_next_request(client, article):
    """The request that rendered a stale page lets go of it: the next change is not held back."""
    cached_twice(client, article.url)
    republish_with_new_title(article)
    assert client.get(article.url)[HEADER] == "miss"
    republish_with_new_title(article, "Quận tổ chức hội nghị (lần hai)")
    again = client.get(article.url)
    assert again[HEADER] == "miss" and "Quận tổ chức hội nghị (lần hai)" in again.text


def test_once_a_request_finds_a_page_unpublished_no_one_is_served_its_old_entry(client, article, during_next_render):
    cached_twice(client, article.url)
    article.unpublish()
    assert client.get(article.url).status_code == 404
    others = during_next_render(article.url)
    assert client.get(article.url).status_code == 404
    assert [other.status_code for other in others] == [404]


def test_a_head_request_for_a_stale_page_leaves_its_entry_to_the_next_get(client, article, during_next_render):
    before = cached_twice(client, article.url)
    republish_with_new_title(article)
    assert client.head(article.url).status_code == 200  # rendered, never stored: it cannot tell
    others = during_next_render(article.url)
    assert client.get(article.url)[HEADER] == "miss"
    assert [(other[HEADER], other.content) for other in others] == [("stale", before.content)]


class AnotherRequestRendering:
    """As if another request were rendering the page at `path` (it holds the lock): `then(key)`
    is what it does while this request waits for it the first time."""

    def __init__(self, monkeypatch, path, then):
        self.key = _cache_key(RequestFactory().get(path))
        page_cache().add(self.key + RENDERING, True)
        self.waits = 0
        sleep = time.sleep

        def wait(seconds):
            if not self.waits:
                then(self.key)
            self.waits += 1
            sleep(seconds)

        monkeypatch.setattr(time, "sleep", wait)


def test_a_request_that_finds_no_entry_waits_for_the_one_rendering_the_page(
    client, article, monkeypatch, django_assert_num_queries
):
    rendered = client.get(article.url)
    key = _cache_key(RequestFactory().get(article.url))
    entry = page_cache().get(key)
    page_cache().delete(key)
    other = AnotherRequestRendering(monkeypatch, article.url, lambda key: page_cache().set(key, entry))
    with django_assert_num_queries(0):  # neither rendered nor counted (a prefetch)
        waited = client.get(article.url, HTTP_SEC_PURPOSE="prefetch")
    assert waited[HEADER] == "waited" and waited.content == rendered.content and other.waits == 1


@pytest.mark.parametrize("other_request", ["stores nothing", "takes too long"])
def test_a_request_that_waited_renders_the_page_itself_when_the_other(client, article, monkeypatch, other_request):
    if other_request == "stores nothing":  # the page is not to be stored: it lets go of the lock
        other = AnotherRequestRendering(monkeypatch, article.url, lambda key: page_cache().delete(key + RENDERING))
    else:
        monkeypatch.setattr(pagecache, "WAIT_SECONDS", 0.1)
        other = AnotherRequestRendering(monkeypatch, article.url, lambda key: None)
    response = client.get(article.url)
    assert response[HEADER] == "miss" and article.title in response.text
    assert other.waits == 1 if other_request == "stores nothing" else other.waits > 1
    assert client.get(article.url)[HEADER] == "hit"


def test_a_head_request_never_waits(client, article, monkeypatch):
    other = AnotherRequestRendering(monkeypatch, article.url, lambda key: None)
    assert client.head(article.url).status_code == 200 and other.waits == 0


# --- Polls and counters behind the cache ---------------------------------------------------------


@pytest.fixture
def poll(site, locales):
    survey = make_survey(locales[0])
    add_sidebar_box(site, "poll", survey)
    return survey


def test_a_vote_from_a_cached_page_passes_the_csrf_check_with_and_without_javascript(poll, article):
    cached_twice(Client(), article.url)
    for javascript, address in ((True, "203.0.113.21"), (False, "203.0.113.22")):
        browser = Client(enforce_csrf_checks=True, REMOTE_ADDR=address, HTTP_USER_AGENT="Firefox")
        page = browser.get(article.url)
        assert page[HEADER] == "hit" and "csrftoken" not in page.cookies
        box = BeautifulSoup(page.content, "html.parser").select_one("[data-poll]")
        form = box.select_one("form")
        form.select("input[name=option]")[0]["checked"] = "checked"
        if javascript:  # what poll.js does
            token = browser.get(box["data-poll-csrf-url"], HTTP_ACCEPT="application/json").json()["token"]
            response = browser.post(
                box["data-poll-vote-url"], form_fields(form), HTTP_ACCEPT="application/json", HTTP_X_CSRFTOKEN=token
            )
            assert response.status_code == 200 and response.json()["ok"] is True
        else:  # the box's form leads to the poll's own page, never cached, with the POST form
            poll_page = browser.get(form["action"], form_fields(form))
            assert HEADER not in poll_page
            post_form = BeautifulSoup(poll_page.content, "html.parser").select_one("form.poll-form")
            assert browser.post(post_form["action"], form_fields(post_form)).status_code == 302
    assert SurveyResponse.objects.count() == 2
    forged = Client(enforce_csrf_checks=True).post(reverse("feedback:vote", args=[poll.pk]), {"option": 1})
    assert forged.status_code == 403
    assert SurveyResponse.objects.count() == 2


def test_visits_and_views_are_counted_for_pages_served_from_the_cache(client, site, article):
    responses = [visit(Client(), article.url, ip=f"203.0.113.{n}") for n in range(1, 6)]
    assert [response[HEADER] for response in responses] == ["miss"] + ["hit"] * 4
    assert visits_today(site) == 5
    assert views(article) == 5
    assert all("X-Visits-Page" not in response for response in responses)


def test_a_cached_article_shows_views_up_to_the_cache_lifetime_old(client, article):
    """The documented trade-off: the "Lượt xem" figure is the one of the stored page."""
    first = visit(Client(), article.url, ip="203.0.113.1")
    visit(Client(), article.url, ip="203.0.113.2")
    assert views(article) == 2
    assert visit(Client(), article.url, ip="203.0.113.3").content == first.content
    page_cache().clear()
    fresh = BeautifulSoup(visit(Client(), article.url, ip="203.0.113.4").content, "html.parser")
    assert fresh.select_one('[data-meta="views"]').get_text(" ", strip=True) == "Lượt xem: 3"
