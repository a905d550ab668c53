"""Issue 7: what editors, approvers, translators and administrators see in the admin: the dashboard
panels (each role, a bounded number of queries, panels that degrade without data) and the news
articles' listing with its columns."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page, Site, Workflow
from wagtail_localize.models import TranslationSource

from editorial.panels import LIMIT
from editorial.roles import ADMINISTRATORS, APPROVERS, EDITORS, TRANSLATORS, WORKFLOW
from feedback.models import Survey, SurveyOption, SurveyResponse
from home.agencies import add_agency_site
from home.demo import add_sidebar_box, translate
from home.models import HomePage
from visits.counting import local_today
from visits.models import DailyCount

ROLES = {EDITORS: "bientap", APPROVERS: "pheduyet", TRANSLATORS: "biendich", ADMINISTRATORS: "quantri"}
# The dashboard of any role, whatever the amount of content (every panel lists at most LIMIT rows).
MAX_QUERIES = 50
PUBLISHED = datetime(2020, 10, 14, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def users(role_user):
    return {group: role_user(group, username) for group, username in ROLES.items()}


@pytest.fixture
def newsroom(users, make_article, news_category, locales):
    """`grow(n)` adds n of each: published articles (and their translations), drafts of the editor,
    articles the editor submitted for approval, published articles nobody has translated."""
    translate(news_category, locales[1], {"Tin tức - Sự kiện": "News"})
    workflow = Workflow.objects.get(name=WORKFLOW)
    editor = users[EDITORS]
    made = []

    def grow(count):
        for _ in range(count):
            number = len(made) + 1
            translate(make_article(f"Tin đã đăng số {number}"), locales[1], {})
            draft = make_article(f"Tin đang sửa số {number}")
            draft.title = f"Tin đang sửa số {number} (bản nháp)"
            draft.save_revision(user=editor)
            submitted = make_article(f"Tin chờ duyệt số {number}")
            submitted.title = f"Tin chờ duyệt số {number} (bản sửa)"
            workflow.start(submitted, editor)
            make_article(f"Tin chưa dịch số {number}")
            made.append(number)

    return grow


def dashboard(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser"), len(queries)


def panel(soup, panel_id):
    return soup.find("section", id=f"{panel_id}-section")


def panel_titles(soup, panel_id):
    section = panel(soup, panel_id)
    return [cell.get_text(" ", strip=True) for cell in section.select("td.title")] if section else []


@pytest.mark.parametrize("group", list(ROLES))
def test_the_dashboard_of_each_role_takes_a_bounded_number_of_queries(
    client, users, newsroom, group, django_assert_max_num_queries
):
    client.force_login(users[group])
    newsroom(LIMIT)
    dashboard(client)  # the first visit creates the user's profile and fills the visit figures' cache
    _soup, small = dashboard(client)
    newsroom(3)
    with django_assert_max_num_queries(MAX_QUERIES):
        soup, large = dashboard(client)
    assert large == small

    latest = panel_titles(soup, "editorial-latest-news")
    assert len(latest) == LIMIT and latest[0].startswith("Tin chưa dịch số")
    assert panel(soup, "editorial-today-1") is not None
    drafts = panel_titles(soup, "editorial-drafts")
    awaiting = panel_titles(soup, "awaiting-review")
    untranslated = panel_titles(soup, "editorial-untranslated")
    if group == EDITORS:
        assert len(drafts) == LIMIT and all(title.endswith("(bản nháp)") for title in drafts)
        assert panel(soup, "objects-in-workflow") is not None  # Wagtail's: the editor's submissions
    else:
        assert not drafts
    if group == APPROVERS:
        assert len(awaiting) == LIMIT and all(title.startswith("Tin chờ duyệt số") for title in awaiting)
        buttons = panel(soup, "awaiting-review").select("button[data-workflow-action-url]")
        actions = [button["data-workflow-action-url"] for button in buttons]
        # Approve, approve with a comment, and request changes, for each task.
        assert sum("/reject/" in url for url in actions) == LIMIT
        assert sum("/approve/" in url for url in actions) == 2 * LIMIT
    else:
        assert not awaiting
    if group in (TRANSLATORS, ADMINISTRATORS):
        assert len(untranslated) == LIMIT
        assert "Tin chưa dịch số" in untranslated[0]
        links = panel(soup, "editorial-untranslated").select('a[href^="/admin/localize/submit/page/"]')
        assert len(links) == LIMIT
    else:
        assert not untranslated


def poll_with_votes(site, locales, satisfied, unhappy):
    survey = Survey.objects.create(locale=locales[0], question="Bạn có hài lòng khi làm thủ tục tại phường?")
    good = SurveyOption.objects.create(survey=survey, label="Hài lòng", counts_as_satisfied=True, sort_order=0)
    bad = SurveyOption.objects.create(survey=survey, label="Không hài lòng", sort_order=1)
    for number in range(satisfied + unhappy):
        SurveyResponse.objects.create(
            survey=survey, option=good if number < satisfied else bad, language="vi", visitor_token=f"phieu-{number}"
        )
    add_sidebar_box(site, "poll", survey)
    return survey


def test_todays_panel_shows_the_visits_and_the_sidebar_polls_satisfaction_rate(client, site, users, locales):
    DailyCount.objects.increment(site.pk, local_today(), DailyCount.Kind.VISIT, by=1234)
    poll_with_votes(site, locales, satisfied=2, unhappy=1)
    client.force_login(users[EDITORS])
    soup, _queries = dashboard(client)
    today = panel(soup, f"editorial-today-{site.pk}")
    assert today.select_one("[data-visits-today]").get_text(strip=True) == "1.234"
    rate = today.select_one("[data-satisfaction-rate]").get_text(" ", strip=True)
    assert rate.startswith("67%") and "3" in rate  # 2 of 3 votes


def test_the_panels_degrade_when_the_visits_and_polls_have_no_data(client, site, users, locales):
    client.force_login(users[APPROVERS])
    soup, _queries = dashboard(client)
    today = panel(soup, f"editorial-today-{site.pk}")
    assert today.select_one("[data-visits-today]").get_text(strip=True) == "0"
    assert today.select_one("[data-satisfaction-rate]") is None
    assert "Chưa có cuộc bình chọn" in today.get_text()
    assert "Chưa có tin bài nào được đăng" in panel(soup, "editorial-latest-news").get_text()

    poll_with_votes(site, locales, satisfied=0, unhappy=0)
    soup, _queries = dashboard(client)
    assert "chưa có phiếu" in panel(soup, f"editorial-today-{site.pk}").get_text()


def test_the_dashboard_shows_each_user_the_news_and_figures_of_their_own_agencys_sites(
    client, site, users, make_article, make_category, locales
):
    translate(make_article("Tin của quận"), locales[1], {"Tin của quận": "News of the district"})
    # A ward's site in the same installation, given to the ward's own editors.
    ward_home = Page.get_first_root_node().add_child(instance=HomePage(title="Phường B", slug="phuong-b"))
    ward = Site.objects.create(hostname="phuong-b.localhost", root_page=ward_home, site_name="Phường B")
    GroupPagePermission.objects.filter(page=ward_home).delete()
    ward_editors = Group.objects.create(name="Biên tập viên phường B")
    ward_editors.permissions.add(Permission.objects.get(codename="access_admin"))
    for kind in ("add", "change"):
        GroupPagePermission.objects.create(
            group=ward_editors, page=ward_home, permission=Permission.objects.get(codename=f"{kind}_page")
        )
    make_article("Tin của phường B", parent=make_category("Tin phường", parent=ward_home))
    ward_editor = get_user_model().objects.create_user("bientap-phuong-b", password="password")
    ward_editor.groups.add(ward_editors)

    def seen_by(user):
        client.force_login(user)
        soup, _queries = dashboard(client)
        # The figures of today and of the last 30 days, per site.
        figures = {
            panel_id
            for site_id in (site.pk, ward.pk)
            for panel_id in (f"editorial-today-{site_id}", f"visits-site-{site_id}")
            if panel(soup, panel_id)
        }
        return set(panel_titles(soup, "editorial-latest-news")), figures

    for group in (EDITORS, TRANSLATORS):
        assert seen_by(users[group]) == (
            {"Tin của quận", "News of the district"},
            {f"editorial-today-{site.pk}", f"visits-site-{site.pk}"},
        )
    assert seen_by(ward_editor) == ({"Tin của phường B"}, {f"editorial-today-{ward.pk}", f"visits-site-{ward.pk}"})
    # The district's translator is not asked to translate the ward's news.
    client.force_login(users[TRANSLATORS])
    assert "Tin của phường B" not in panel_titles(dashboard(client)[0], "editorial-untranslated")


def test_the_portals_translators_are_asked_to_translate_a_new_agencys_site(client, users, site):
    # No English tree yet, where the translators' permissions would be: the dashboard leads there.
    ward = add_agency_site("Ủy ban nhân dân phường Mới", "phuong-moi.example.vn", 80)
    client.force_login(users[TRANSLATORS])
    untranslated = panel(dashboard(client)[0], "editorial-untranslated")
    assert reverse("wagtail_localize:submit_page_translation", args=[ward.root_page_id]) in str(untranslated)


def test_translators_reach_the_pages_to_translate_or_sync_from_the_dashboard(
    client, users, make_article, news_category, locales
):
    translate(news_category, locales[1], {"Tin tức - Sự kiện": "News"})
    new = make_article("Tin mới chưa có bản dịch")
    changed = make_article("Tin đã dịch rồi sửa lại")
    translate(changed, locales[1], {changed.title: "Translated, then changed"})
    unchanged = make_article("Tin đã dịch, không đổi")
    translate(unchanged, locales[1], {})
    changed.lead = "Tóm tắt mới"
    changed.save_revision().publish()

    client.force_login(users[TRANSLATORS])
    soup, _queries = dashboard(client)
    links = {
        row.select_one("td.title").get_text(strip=True): row.select_one("a.button")["href"]
        for row in panel(soup, "editorial-untranslated").select("tbody tr")
    }
    source = TranslationSource.objects.get(object_id=changed.translation_key, locale=locales[0])
    assert links == {
        new.title: reverse("wagtail_localize:submit_page_translation", args=[new.pk]),
        changed.title: reverse("wagtail_localize:update_translations", args=[source.pk]),
    }
    for url in links.values():
        assert client.get(url).status_code == 200


# --- The news articles' listing -------------------------------------------------------------------


def listing_rows(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("news_articles:index"), params)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    headers = [th.get_text(" ", strip=True) for th in soup.select("table thead th")]
    rows = [[cell.get_text(" ", strip=True) for cell in row.select("td")] for row in soup.select("table tbody tr")]
    return headers, rows, len(queries)


def test_the_news_listing_shows_date_category_unit_status_and_approver(
    client, users, make_article, sub_category, department, locales
):
    from home.models import Department

    article = make_article("Hội nghị chuyển đổi số", parent=sub_category, publication_date=PUBLISHED)
    article.save_revision(user=users[APPROVERS]).publish(user=users[APPROVERS])
    other_unit = Department.objects.create(locale=locales[0], name="Phòng Kinh tế")
    make_article("Tin của phòng kinh tế", department=other_unit)
    draft = make_article("Tin đã gỡ xuống")
    draft.unpublish()

    client.force_login(users[EDITORS])
    headers, rows, _queries = listing_rows(client)
    for label in ("Tiêu đề", "Chuyên mục", "Ngày đăng", "Người đăng tin", "Trạng thái", "Người phê duyệt"):
        assert any(label in header for header in headers), (label, headers)
    row = next(row for row in rows if any("Hội nghị chuyển đổi số" in cell for cell in row))
    assert "Chuyển đổi số" in row  # the category
    assert "09:30 14/10/2020" in row  # the publication date, Vietnamese format
    assert department.name in row
    assert users[APPROVERS].get_full_name() in row
    assert any("bản nháp" in cell.lower() for cell in next(r for r in rows if any("gỡ xuống" in c for c in r)))

    _headers, rows, _queries = listing_rows(client, department=other_unit.pk)
    assert [row for row in rows if any("Tin của phòng kinh tế" in cell for cell in row)] and len(rows) == 1


def test_the_news_listing_searches_within_its_filters(client, users, make_article, department, locales):
    """A search of the listing keeps its filters: with a unit or "has child pages" chosen, it
    refused to filter by a field that was no search filter of the articles (a server error)."""
    from home.models import Department

    other_unit = Department.objects.create(locale=locales[0], name="Phòng Kinh tế")
    titles = {make_article("Tin của phòng kinh tế", department=other_unit).title, make_article("Tin văn phòng").title}
    client.force_login(users[EDITORS])
    for filters, found in (
        ({"department": other_unit.pk}, {"Tin của phòng kinh tế"}),
        ({"department": [department.pk, other_unit.pk]}, titles),
        ({"has_child_pages": "false"}, titles),
        ({"has_child_pages": "true"}, set()),
        ({"live": "true", "publication_date_from": "2020-01-01"}, titles),
    ):
        _headers, rows, _queries = listing_rows(client, q="tin", **filters)
        assert {title for title in titles if any(title in cell for row in rows for cell in row)} == found, filters


def test_the_page_explorer_searches_within_its_has_child_pages_filter(admin_client, make_article, news_category):
    """Wagtail's explorer refused to search with it chosen: numchild was no search filter of Page."""
    make_article("Tin tuyển sinh")
    explore = reverse("wagtailadmin_explore", args=[news_category.get_parent().pk])
    for choice, shown, hidden in (("true", news_category.title, "Tin tuyển sinh"), ("false", "Tin tuyển sinh", None)):
        response = admin_client.get(explore, {"q": "tin", "has_child_pages": choice})
        assert response.status_code == 200, choice
        assert shown in response.text and (hidden is None or hidden not in response.text), choice


def test_the_news_listing_takes_a_constant_number_of_queries_and_shows_each_role_its_own_language(
    client, users, make_article, news_category, locales
):
    translate(news_category, locales[1], {"Tin tức - Sự kiện": "News"})
    articles = [make_article(f"Tin số {number}") for number in range(3)]
    english = translate(articles[0], locales[1], {"Tin số 0": "News number 0"})
    client.force_login(users[EDITORS])
    listing_rows(client)  # the first visit creates the user's profile
    _headers, rows, small = listing_rows(client)
    assert len(rows) == 3 and not any("News number 0" in cell for row in rows for cell in row)
    for number in range(3, 9):
        translate(make_article(f"Tin số {number}"), locales[1], {})
    _headers, rows, large = listing_rows(client)
    assert len(rows) == 9 and large == small

    client.force_login(users[TRANSLATORS])
    _headers, rows, _queries = listing_rows(client)
    titles = [row[1] for row in rows]
    assert len(rows) == 7 and any(english.title in title for title in titles)
    assert not any("Tin số 1" == title for title in titles)
