"""Issue 9: query budgets. The home page, a category and an article each render in a fixed number
of SQL queries, whatever the number of articles, gallery images, related articles, tags and
sidebar boxes.

The budgets count a page rendered with the page cache off and Django's cache warm (the site's
root paths, the visit figures, the fragments that pages share: home/fragments.py), for a visitor
whose view was already counted (a new visitor's view adds its counter writes, see
tests/test_visits.py). Lower a budget when a change saves a
query; raising one needs a reason.
"""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from editorial.roles import EDITORS
from feedback.models import Survey, SurveyResponse
from home.agencies import add_agency_site
from home.demo import add_sidebar_box, demo_image, translate
from home.models import Department, InfoBox, PortalSettings
from news.models import NewsTag, RelatedArticle
from tests.test_feedback import make_survey, soup
from visits.models import VisitStatsBox

HOME_QUERIES = 11
CATEGORY_QUERIES = 13
ARTICLE_QUERIES = 15
ENGLISH_HOME_QUERIES = 10

pytestmark = pytest.mark.django_db


def gallery(count, seed):
    images = [demo_image(f"Ảnh {seed}-{n}", seed=seed * 100 + n, size=(64, 48)) for n in range(count)]
    return ("gallery", {"intro": "Hình ảnh:", "images": [{"image": image, "caption": image.title} for image in images]})


@pytest.fixture
def sidebar(site, locales):
    """`sidebar(n)`: n boxes of each kind in the sidebar (information boxes, open polls, closed
    polls whose boxes show their results, visit statistics), each translated into English."""
    vi, en = locales

    def fill(count):
        settings = PortalSettings.for_site(site)
        settings.sidebar = []
        for n in range(count):
            info = InfoBox.objects.create(locale=vi, title=f"Hộp {n}", body="<p>Giờ làm việc</p>")
            translate(info, en, {f"Hộp {n}": f"Box {n}"})
            open_poll = make_survey(vi, question=f"Câu hỏi {n}")
            closed_poll = make_survey(vi, question=f"Câu hỏi đã đóng {n}", opens_in_days=-30, closes_in_days=-1)
            for poll in (open_poll, closed_poll):
                translate(poll, en, {poll.question: f"Question {poll.pk}"})
            stats = VisitStatsBox.objects.create(locale=vi, title=f"Thống kê {n}")
            translate(stats, en, {f"Thống kê {n}": f"Statistics {n}"})
            settings.sidebar.extend(
                [("info_box", info), ("poll", open_poll), ("poll", closed_poll), ("visit_stats", stats)]
            )
        settings.save()

    return fill


def assert_budget(client, django_assert_num_queries, url, budget, marker):
    client.get(url)  # counts this visitor's view, makes the renditions, warms the cache
    with django_assert_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200 and marker in response.text


def boxes_shown(client, url):
    return client.get(url).text.count('<section class="box')


def test_the_home_page_budget(client, sidebar, make_article, django_assert_num_queries):
    make_article("Tin đầu tiên", featured_image=demo_image("Ảnh bìa", seed=1, size=(64, 48)))
    sidebar(1)
    assert_budget(client, django_assert_num_queries, "/vi/", HOME_QUERIES, "Tin đầu tiên")
    for n in range(12):
        make_article(f"Tin thứ {n}", featured_image=demo_image(f"Ảnh bìa {n}", seed=10 + n, size=(64, 48)))
    sidebar(3)
    assert boxes_shown(client, "/vi/") == 12
    assert_budget(client, django_assert_num_queries, "/vi/", HOME_QUERIES, "Tin thứ 11")


def test_the_english_home_page_budget(client, sidebar, make_article, locales, django_assert_num_queries):
    article = make_article("Tin đầu tiên")
    translate(article, locales[1], {"Tin đầu tiên": "First news"})
    sidebar(1)
    assert_budget(client, django_assert_num_queries, "/en/", ENGLISH_HOME_QUERIES, "Question")
    sidebar(3)
    assert boxes_shown(client, "/en/") == 12
    assert_budget(client, django_assert_num_queries, "/en/", ENGLISH_HOME_QUERIES, "Statistics 2")


def test_the_category_budget(client, sidebar, news_category, sub_category, make_article, django_assert_num_queries):
    make_article("Tin đầu tiên", tags=["hội nghị"])
    sidebar(1)
    assert_budget(client, django_assert_num_queries, news_category.url, CATEGORY_QUERIES, "Tin đầu tiên")
    for n in range(15):
        parent = sub_category if n % 2 else news_category
        make_article(f"Tin thứ {n}", parent=parent, tags=["hội nghị", f"chủ đề {n}"])
    sidebar(3)
    assert boxes_shown(client, news_category.url) == 12
    assert_budget(client, django_assert_num_queries, news_category.url, CATEGORY_QUERIES, "Tin thứ 14")


def test_the_article_budget(client, sidebar, make_article, django_assert_num_queries):
    small = make_article(
        "Tin ngắn",
        body=[("paragraph", RichText("<p>Một đoạn.</p>")), gallery(1, seed=1)],
        featured_image=demo_image("Ảnh bìa", seed=1, size=(64, 48)),
        tags=["hội nghị"],
    )
    sidebar(1)
    assert_budget(client, django_assert_num_queries, small.url, ARTICLE_QUERIES, "Tin ngắn")
    others = [make_article(f"Tin liên quan {n}") for n in range(10)]
    big = make_article(
        "Tin dài",
        body=[("paragraph", RichText(f"<p>Đoạn {n}.</p>")) for n in range(10)] + [gallery(12, seed=2), gallery(6, 3)],
        featured_image=demo_image("Ảnh bìa lớn", seed=2, size=(64, 48)),
        tags=["hội nghị", "cải cách", "chuyển đổi số"],
        related_links=[RelatedArticle(page=other) for other in others],
    )
    sidebar(3)
    assert big.body.raw_data and boxes_shown(client, big.url) == 12
    assert_budget(client, django_assert_num_queries, big.url, ARTICLE_QUERIES, "Tin liên quan 9")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_sidebar_rebuilt_costs_the_same_whatever_its_boxes(client, sidebar, department, language, settings):
    """Right after a publication or a snippet's change, the shared fragments are rendered again
    (home/fragments.py): the sidebar's queries do not grow with its boxes then either."""
    settings.FRAGMENT_CACHE_SECONDS = 0
    url = f"/{language}/"
    sidebar(1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    sidebar(4)
    assert boxes_shown(client, url) == 16
    name = {"vi": department.name, "en": "Office"}[language]
    assert client.get(url).text.count(f">{name}</option>") == 4  # the open polls offer the department
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries[len(few) :]]


def test_an_articles_links_documents_and_videos_cost_the_same_however_many(
    client, sidebar, make_article, django_assert_num_queries
):
    """Links to pages and documents in its paragraphs, and videos whose embeds are stored."""
    sidebar(1)
    targets = [make_article(f"Tin được dẫn {n}") for n in range(6)]

    def body(count, prefix):
        blocks = []
        for n in range(count):
            document = get_document_model()(title=f"Văn bản {prefix}-{n}")
            document.file.save(f"vb-{prefix}-{n}.txt", ContentFile(b"Van ban"), save=False)
            document.save()
            url = f"https://www.youtube.com/watch?v={prefix}{n}"
            Embed.objects.create(
                hash=get_embed_hash(url, 800), url=url, max_width=800, type="video", html="<iframe></iframe>"
            )
            paragraph = (
                f'<p>Xem <a linktype="page" id="{targets[n].pk}">tin</a> '
                f'và <a linktype="document" id="{document.pk}">văn bản</a>.</p>'
            )
            blocks += [("paragraph", RichText(paragraph)), ("video", {"video": url, "caption": ""})]
        return blocks

    short, long = make_article("Tin ngắn", body=body(1, "a")), make_article("Tin dài", body=body(6, "b"))
    client.get(short.url)
    with CaptureQueriesContext(connection) as few:
        client.get(short.url)
    assert_budget(client, django_assert_num_queries, long.url, len(few), targets[5].url)
    assert client.get(long.url).text.count("<iframe></iframe>") == 6


def test_a_deleted_box_snippet_is_left_out(client, sidebar, site):
    sidebar(1)
    Survey.objects.filter(question="Câu hỏi 0").delete()
    assert boxes_shown(client, "/vi/") == 3


def test_pages_are_routed_with_their_specific_rows_joined(client, news_category, sub_category, make_article):
    """Home pages and categories find a category or an article child in one query
    (home.models.SpecificChildRouteMixin); other children, drafts and feeds as Wagtail does."""
    article = make_article("Tin trong chuyên mục con", parent=sub_category)
    draft = make_article("Bản nháp")
    draft.unpublish()
    assert "Tin trong chuyên mục con" in client.get(article.url).text
    assert "Tin trong chuyên mục con" in client.get(sub_category.url).text
    assert client.get(sub_category.url + "rss/")["Content-Type"].startswith("application/rss+xml")
    assert client.get(news_category.url + "ban-nhap/").status_code == 404
    assert client.get(article.url + "them/").status_code == 404


# --- Admin views: as many queries with more rows ---------------------------------------------


def admin_queries(client, url):
    """The SQL of the admin page at `url`, asked a second time (the first warms the caches)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries]


def touching(queries, table):
    return [sql for sql in queries if f'"{table}"' in sql]


@pytest.fixture
def polls(site, locales):
    """`polls(n)`: n more polls, each about a department of its own, translated into English."""
    vi, en = locales

    def more(count):
        for _ in range(count):
            n = Department.objects.count()
            poll = make_survey(
                vi, question=f"Câu hỏi {n}", service=Department.objects.create(locale=vi, name=f"Phòng {n}")
            )
            translate(poll, en, {poll.question: f"Question {n}"})

    return more


def test_the_polls_listing_costs_the_same_with_more_polls(client, admin_client, role_user, polls):
    """The listing's department column and each row's language are joined to the polls. A
    superuser's rows also have wagtail-localize's "Translate" and "Sync" buttons, whose hook
    (upstream) asks a few queries per row, two of them for languages, as many rows as a page holds
    at most: only the department queries are counted for them, and the language queries may grow by
    those two a row (four before the rows' own were joined)."""
    client.force_login(role_user(EDITORS, "bientap"))
    url = reverse("wagtailsnippets_feedback_survey:list")
    polls(2)
    editor, superuser = admin_queries(client, url), admin_queries(admin_client, url)
    polls(6)
    assert len(admin_queries(client, url)) == len(editor)
    assert "Phòng 7" in client.get(url).text
    more = admin_queries(admin_client, url)
    assert len(touching(more, "home_department")) == len(touching(superuser, "home_department"))
    assert len(touching(more, "wagtailcore_locale")) - len(touching(superuser, "wagtailcore_locale")) <= 2 * 6


def test_the_tags_listing_asks_once_which_sites_show_its_tags(client, admin_client, ward, make_article, locales):
    """Whose sites' articles carry each tag (who may change it: home.snippets) is read for the
    page's tags at once. The rest of the rows' queries are wagtail-localize's buttons, as in the
    polls listing."""
    vi, en = locales
    translate(Page.objects.get(pk=ward["site"].root_page_id).specific, en, {"Trang chủ": "Home"})
    url = reverse("wagtailsnippets_news_newstag:list")

    def tags(names, parent=None):
        make_article(f"Tin {names[-1]}", tags=names, parent=parent)
        for tag in NewsTag.objects.filter(name__in=names):
            translate(tag, en, {tag.name: f"{tag.name} (en)"})

    tags(["du lịch", "phường K"], parent=ward["category"])
    tags(["du lịch"])
    small = touching(admin_queries(admin_client, url), "news_articletag")
    for n in range(6):
        tags([f"chủ đề {n}"], parent=ward["category"])
    assert len(touching(admin_queries(admin_client, url), "news_articletag")) == len(small)
    client.force_login(ward["translator"])
    listing = client.get(url).text
    for name, editable in (("du lịch", False), ("phường K", True), ("chủ đề 5", True)):
        translation = NewsTag.objects.get(name=name).get_translation(en)
        assert (reverse("wagtailsnippets_news_newstag:edit", args=[translation.pk]) in listing) is editable


def test_the_translations_report_reads_each_rows_source_and_languages_with_it(admin_client, locales):
    """Each translation's source, its type and both languages are joined to the translations.
    Each row still asks for its object in both languages (three queries) and the progress of its
    translation (wagtail-localize's template, upstream), at most 50 rows a page."""
    vi, en = locales
    url = "/admin/localize/reports/translations/"

    def translated(count):
        for _ in range(count):
            n = Department.objects.filter(locale=vi).count()
            translate(Department.objects.create(locale=vi, name=f"Phòng {n}"), en, {f"Phòng {n}": f"Division {n}"})

    def joined(queries):
        tables = ("wagtail_localize_translationsource", "django_content_type", "wagtailcore_locale")
        return [sql for sql in queries if any(f'"{table}"' in sql for table in tables)]

    translated(2)
    small = joined(admin_queries(admin_client, url))
    translated(6)
    queries = admin_queries(admin_client, url)
    assert len(joined(queries)) == len(small)
    assert "Phòng 7" in admin_client.get(url).text


def test_the_dashboards_today_panel_costs_the_same_with_more_sites(admin_client, site, locales):
    """The "Today" panel reads the sites' settings, the polls of their sidebars, the polls' answers
    and votes for all the sites at once (the visit figures come from the cache)."""
    vi = locales[0]

    def agencies(count):
        for _ in range(count):
            n = Site.objects.count()
            agency = add_agency_site(f"Phường {n}", f"phuong-{n}.example.vn", 80)
            poll = make_survey(vi, question=f"Phường {n} phục vụ thế nào?", site=agency)
            SurveyResponse.objects.create(survey=poll, option=poll.options.first(), language="vi", visitor_token="t")
            add_sidebar_box(agency, "poll", poll)

    agencies(2)
    small = admin_queries(admin_client, "/admin/")
    agencies(4)
    assert len(admin_queries(admin_client, "/admin/")) == len(small)
    rates = soup(admin_client.get("/admin/")).select("[data-satisfaction-rate]")
    assert len(rates) == 6 and all(rate.get_text().startswith("100%") for rate in rates)
