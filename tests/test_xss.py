"""Issue 10: markup an editor types into any field, block or snippet never reaches a visitor
unescaped: no script, no javascript: link, no event handler, no raw HTML."""

import json
import re

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from feedback.models import Survey
from home.models import AgencyProfile, Department, InfoBox, PortalSettings
from news.blocks import PARAGRAPH_FEATURES
from news.models import NewsArticlePage
from tests.test_feedback import make_survey
from tests.test_news import VIDEO_URL, list_block, small_image, video_finder  # noqa: F401 - fixture

SCRIPT = "<script>alert('x')</script>"
HANDLER = '<img src="x" onerror="alert(1)">'
HOSTILE_HTML = (
    f'<p>Đoạn văn {SCRIPT}<a href="javascript:alert(1)">liên kết</a>'
    '<span onclick="alert(1)">bấm</span><img src="x" onerror="alert(1)"/></p>'
    '<iframe src="https://evil.example/"></iframe><object data="x.swf"></object>'
    '<p><a href="JaVaScRiPt:alert(2)">hoa thường</a> <a href=" javascript:alert(3)">khoảng trắng</a></p>'
)


def assert_nothing_executable(html):
    lowered = html.lower()
    # The page's own scripts are external files or JSON-LD data; nothing else may be a script.
    for opening in re.findall(r"<script\b[^>]*>", lowered):
        assert "src=" in opening or 'type="application/ld+json"' in opening, opening
    assert not re.search(r"""<[^>]+\son\w+\s*=""", lowered), "event-handler attribute"
    assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", lowered), "javascript: URL"
    assert '<iframe src="https://evil' not in lowered and "<object" not in lowered


@pytest.mark.usefixtures("video_finder")
def test_hostile_markup_in_every_article_field_and_block_is_neutralised(
    admin_client, client, news_category, department
):
    photo = small_image("Ảnh", 700)
    table = {
        "data": [[SCRIPT, HANDLER], ["<b>đậm</b>", "javascript:alert(1)"]],
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_caption": SCRIPT,
        "table_header_choice": "row",
    }
    body = [
        ("paragraph", rich_text(HOSTILE_HTML, features=PARAGRAPH_FEATURES)),
        ("heading", SCRIPT),
        ("image", {"image": photo.pk, "caption": HANDLER, "credit": SCRIPT}),
        ("gallery", {"intro": SCRIPT, "images": list_block([{"image": photo.pk, "caption": HANDLER}])}),
        ("quote", {"quote": SCRIPT, "attribution": HANDLER}),
        ("video", {"video": VIDEO_URL, "caption": SCRIPT}),
        ("table", json.dumps(table)),
    ]
    data = nested_form_data(
        {
            "title": f"Tin {SCRIPT}",
            "slug": "tin-thu",
            "lead": f"Sapo {HANDLER}",
            "publication_date": "",
            "department": department.pk,
            "byline": SCRIPT,
            "featured_image": photo.pk,
            "tags": "thẻ<script>",
            "body": streamfield(body),
            "related_links": inline_formset([]),
            "seo_title": SCRIPT,
            "search_description": '"><script>alert(1)</script>',
            "action-publish": "action-publish",
        }
    )
    response = admin_client.post(
        reverse("wagtailadmin_pages:add", args=("news", "newsarticlepage", news_category.pk)), data
    )
    assert response.status_code == 302
    article = NewsArticlePage.objects.get(slug="tin-thu")

    page = client.get(article.url)
    assert page.status_code == 200
    assert_nothing_executable(page.text)
    assert "&lt;script&gt;" in page.text  # shown as text, not run
    for url in (news_category.url, news_category.url + "rss/", "/vi/"):
        assert_nothing_executable(client.get(url).content.decode())


def test_a_crafted_javascript_link_in_rich_text_is_dropped(admin_client, client, news_category, department):
    """A hostile editor can post the editor's own format (contentstate) with any link in it."""
    contentstate = {
        "blocks": [
            {
                "key": "a1b2c",
                "type": "unstyled",
                "depth": 0,
                "text": "bấm vào đây",
                "inlineStyleRanges": [],
                "entityRanges": [{"offset": 0, "length": 11, "key": 0}],
                "data": {},
            }
        ],
        "entityMap": {
            "0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": "javascript:alert(document.cookie)"}}
        },
    }
    data = nested_form_data(
        {
            "title": "Tin có liên kết",
            "slug": "tin-co-lien-ket",
            "lead": "Sapo",
            "publication_date": "",
            "department": department.pk,
            "byline": "",
            "featured_image": "",
            "tags": "",
            "body": streamfield([("paragraph", json.dumps(contentstate))]),
            "related_links": inline_formset([]),
            "seo_title": "",
            "search_description": "",
            "action-publish": "action-publish",
        }
    )
    response = admin_client.post(
        reverse("wagtailadmin_pages:add", args=("news", "newsarticlepage", news_category.pk)), data
    )
    assert response.status_code == 302
    html = client.get(NewsArticlePage.objects.get(slug="tin-co-lien-ket").url).text
    assert "bấm vào đây" in html
    assert_nothing_executable(html)


def test_hostile_markup_in_snippets_and_settings_is_neutralised(admin_client, client, site, locales):
    vi, _en = locales
    agency = PortalSettings.for_site(site).agency
    box = InfoBox.objects.create(locale=vi, title="Hộp", body="<p>x</p>")
    settings = PortalSettings.for_site(site)
    settings.sidebar = [("info_box", box)]
    settings.save()

    def edit(model, obj):
        return reverse(f"wagtailsnippets_{model._meta.app_label}_{model._meta.model_name}:edit", args=[obj.pk])

    response = admin_client.post(
        edit(InfoBox, box),
        nested_form_data({"title": SCRIPT, "body": rich_text(HOSTILE_HTML, features=["bold", "italic", "link"])}),
    )
    assert response.status_code == 302
    response = admin_client.post(
        edit(AgencyProfile, agency),
        nested_form_data(
            {
                "portal_name": SCRIPT,
                "name": HANDLER,
                "parent_name": "",
                "logo": "",
                "address": SCRIPT,
                "phone": '"><script>alert(1)</script>',
                "fax": "",
                "email": "",
                "footer_text": rich_text(HOSTILE_HTML, features=["bold", "italic", "link"]),
            }
        ),
    )
    assert response.status_code == 302
    department = Department.objects.create(locale=vi, name=SCRIPT)
    assert department.pk
    survey = make_survey(vi, question=SCRIPT, labels=[HANDLER, "Hài lòng"])
    settings.sidebar = [("info_box", box), ("poll", survey)]
    settings.save()

    for url in ("/vi/", reverse("feedback:survey", args=[survey.pk])):
        html = client.get(url).text
        assert_nothing_executable(html)
        assert "&lt;script&gt;" in html
    assert Survey.objects.get(pk=survey.pk).question == SCRIPT  # stored as typed, shown as text
