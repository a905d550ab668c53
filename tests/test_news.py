"""Issue 3: news categories and articles: page types, the admin, the article page, galleries,
related news, listings, slugs and query counts. Feeds, sitemap, SEO and demo content are in
test_news_discovery.py."""

import json
import re
import subprocess
import sys
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.embeds.exceptions import EmbedNotFoundException
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction
from wagtail.rich_text import RichText
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtail_localize.models import Translation

from home.demo import demo_image, translate
from home.models import HomePage
from home.text import slugify_vi
from news.blocks import PARAGRAPH_FEATURES, ArticleBodyBlock
from news.models import ARTICLES_PER_PAGE, RELATED_LIMIT, NewsArticlePage, NewsIndexPage, NewsTag, RelatedArticle
from tests.visits_support import concurrently, distinct_visitors_view, views, visit
from visits.models import DailyCount

PUBLISHED = datetime(2020, 10, 14, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
VIDEO_URL = "https://www.youtube.com/watch?v=portal-demo"


def small_image(title, seed):
    return demo_image(title, seed=seed, size=(64, 48))


def gallery(images, intro="Một số hình ảnh tại Hội nghị:"):
    return ("gallery", {"intro": intro, "images": [{"image": image, "caption": image.title} for image in images]})


def soup_of(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def meta_line(soup):
    return {item["data-meta"]: item.get_text(" ", strip=True) for item in soup.select(".article-meta [data-meta]")}


class FakeVideoFinder:
    """An oEmbed provider that answers without the network."""

    def accept(self, url):
        return True

    def find_embed(self, url, max_width=None, max_height=None):
        return {
            "title": "Phóng sự",
            "author_name": "",
            "provider_name": "Video",
            "type": "video",
            "thumbnail_url": "",
            "width": 800,
            "height": 450,
            "html": f'<iframe title="Phóng sự" src="{url}/embed" width="800" height="450"></iframe>',
        }


class UnreachableFinder:
    """What the oEmbed finder does on a closed network: the provider cannot be reached."""

    def accept(self, url):
        return True

    def find_embed(self, url, max_width=None, max_height=None):
        raise EmbedNotFoundException


@pytest.fixture
def video_finder(monkeypatch):
    monkeypatch.setattr("wagtail.embeds.embeds.get_finders", lambda: [FakeVideoFinder()])


# --- Page types --------------------------------------------------------------------------------


class TestPageTypes(WagtailPageTestCase):
    def test_categories_live_under_the_home_page_or_another_category(self):
        self.assertAllowedParentPageTypes(NewsIndexPage, {HomePage, NewsIndexPage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsIndexPage, NewsArticlePage})

    def test_articles_live_only_under_a_category_and_have_no_children(self):
        self.assertAllowedParentPageTypes(NewsArticlePage, {NewsIndexPage})
        self.assertAllowedSubpageTypes(NewsArticlePage, set())
        self.assertCanNotCreateAt(HomePage, NewsArticlePage)


# --- The admin ---------------------------------------------------------------------------------


def list_block(values):
    """Form data of a ListBlock (Wagtail's streamfield() helper, without block types)."""
    data = {
        str(index): {"value": value, "deleted": "", "order": str(index), "id": ""} for index, value in enumerate(values)
    }
    data["count"] = str(len(values))
    return data


def test_an_editor_creates_and_publishes_an_article_with_every_block_type(
    admin_client, news_category, department, make_article, video_finder
):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    photo = small_image("Quang cảnh hội nghị", 600)
    document = get_document_model()(title="Kế hoạch tổ chức")
    document.file.save("ke-hoach.txt", ContentFile(b"Ke hoach"), save=False)
    document.save()
    related = make_article("Tin được chọn liên quan")
    table = {
        "data": [["Chỉ tiêu", "Kết quả"], ["Hồ sơ đúng hạn", "99%"]],
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_caption": "Kết quả cải cách hành chính",
        "table_header_choice": "row",  # what the admin's table editor sends
    }
    body = [
        ("paragraph", rich_text("<p>Đoạn văn <b>đậm</b> và <i>nghiêng</i>.</p>", features=PARAGRAPH_FEATURES)),
        ("heading", "Kết quả nổi bật"),
        (
            "image",
            {"image": photo.pk, "alt_text": "Đại biểu dự hội nghị", "caption": "Toàn cảnh", "credit": "Ảnh: Minh Anh"},
        ),
        (
            "gallery",
            {"intro": "Một số hình ảnh tại Hội nghị:", "images": list_block([{"image": photo.pk, "caption": "Ảnh 1"}])},
        ),
        ("quote", {"quote": "Dân biết, dân bàn, dân làm.", "attribution": "Chủ tịch UBND quận"}),
        ("video", {"video": VIDEO_URL, "caption": "Phóng sự hội nghị"}),
        ("document", {"document": document.pk, "title": ""}),
        ("table", json.dumps(table)),
    ]
    title = "Đà Nẵng tổ chức hội nghị về “dân vận khéo”"
    data = nested_form_data(
        {
            "title": title,
            "slug": slugify_vi(title),
            "lead": "Sáng nay, quận tổ chức hội nghị.",
            "publication_date": "",
            "department": department.pk,
            "byline": "Minh Anh",
            "featured_image": photo.pk,
            "tags": "dân vận khéo, môi trường",
            "body": streamfield(body),
            "related_links": inline_formset([{"page": related.pk}]),
            "seo_title": "",
            "search_description": "",
            "action-publish": "action-publish",
        }
    )
    add_url = reverse("wagtailadmin_pages:add", args=("news", "newsarticlepage", news_category.pk))
    assert admin_client.get(add_url).status_code == 200
    preview_url = reverse("wagtailadmin_pages:preview_on_add", args=("news", "newsarticlepage", news_category.pk))
    assert admin_client.post(preview_url, data).json()["is_valid"]
    preview = admin_client.get(preview_url).text
    assert title in preview and "Tin được chọn liên quan" in preview

    response = admin_client.post(add_url, data)

    assert response.status_code == 302, (
        response.context["form"].errors.as_data()["body"][0].as_json_data() if response.context else response
    )
    article = NewsArticlePage.objects.get(slug="da-nang-to-chuc-hoi-nghi-ve-dan-van-kheo")
    assert article.live and article.get_parent().pk == news_category.pk
    assert [block.block_type for block in article.body] == [name for name, _value in body]
    assert set(ArticleBodyBlock.base_blocks) == {name for name, _value in body}  # every block type there is
    assert article.publication_date == article.first_published_at
    assert [link.page.pk for link in article.related_links.all()] == [related.pk]
    assert sorted(article.tags.names()) == ["dân vận khéo", "môi trường"]

    html = admin_client.get(article.url).text
    for text in (
        "Đoạn văn <b>đậm</b>",
        '<h2 class="article-heading">Kết quả nổi bật</h2>',
        "Ảnh: Minh Anh",
        "Một số hình ảnh tại Hội nghị:",
        "Dân biết, dân bàn, dân làm.",
        f'src="{VIDEO_URL}/embed"',
        f'href="{document.url}"',
        "<caption>Kết quả cải cách hành chính</caption>",
        "Tin được chọn liên quan",
    ):
        assert text in html
    # The photo's alternative text is the one written for it in the article; the gallery's photo,
    # without one, has its image's description.
    alts = [img["alt"] for img in BeautifulSoup(html, "html.parser").select(".article__body img")]
    assert alts == ["Đại biểu dự hội nghị", "Quang cảnh hội nghị"]


def test_every_block_has_a_preview_in_the_block_picker(admin_client, video_finder):
    small_image("Ảnh xem trước", 601)
    for name, block in ArticleBodyBlock.base_blocks.items():
        assert block.is_previewable and block.get_description(), name
        response = admin_client.get(reverse("wagtailadmin_block_preview") + f"?id={block.definition_prefix}")
        assert response.status_code == 200, name
        assert f"block-{name}" in response.text
        assert "news/news.css" in response.text


def test_department_snippets_are_managed_in_the_admin(admin_client, department):
    response = admin_client.get(reverse("wagtailsnippets_home_department:list"))
    assert response.status_code == 200
    assert "Văn phòng" in response.text


# --- Slugs -------------------------------------------------------------------------------------


def test_pages_saved_without_a_slug_get_a_readable_ascii_one(news_category, make_article):
    first = make_article("Đà Nẵng tổ chức hội nghị")
    second = make_article("Đà Nẵng tổ chức hội nghị")
    sub = news_category.add_child(instance=NewsIndexPage(title="Đời sống - Xã hội"))
    assert first.slug == "da-nang-to-chuc-hoi-nghi"
    assert second.slug == "da-nang-to-chuc-hoi-nghi-2"
    assert sub.slug == "doi-song-xa-hoi"


@pytest.mark.parametrize("model", ["newsarticlepage", "newsindexpage"])
def test_a_page_cannot_take_the_address_of_its_categorys_feed(admin_client, news_category, department, model):
    fields = {"title": "RSS", "slug": "rss", "intro": "", "seo_title": "", "search_description": ""}
    if model == "newsarticlepage":
        body = streamfield([("paragraph", rich_text("<p>Nội dung.</p>", features=PARAGRAPH_FEATURES))])
        fields |= {"lead": "Tóm tắt.", "department": department.pk, "body": body, "tags": ""}
        fields |= {"related_links": inline_formset([]), "publication_date": "", "byline": "", "featured_image": ""}
    add_url = reverse("wagtailadmin_pages:add", args=("news", model, news_category.pk))
    response = admin_client.post(add_url, nested_form_data({**fields, "action-publish": "action-publish"}))

    assert response.status_code == 200
    errors = response.context["form"].errors["slug"]
    assert errors == ["“rss” đã được trang cha dùng cho một chức năng (như nguồn tin RSS): hãy chọn địa chỉ khác."]
    assert not Page.objects.child_of(news_category).exists()
    assert Client().get(news_category.url + "rss/")["Content-Type"].startswith("application/rss+xml")

    fields["slug"] = "rss-moi"
    response = admin_client.post(add_url, nested_form_data({**fields, "action-publish": "action-publish"}))
    assert response.status_code == 302, response.context["form"].errors
    assert list(Page.objects.child_of(news_category).values_list("slug", "live")) == [("rss-moi", True)]


def test_typed_slugs_and_dates_are_taken_as_the_portal_writes_them(admin_client, news_category, department):
    body = streamfield([("paragraph", rich_text("<p>Nội dung.</p>", features=PARAGRAPH_FEATURES))])
    fields = {"title": "Lịch tiếp công dân", "lead": "Tóm tắt.", "department": department.pk, "body": body}
    fields |= {"tags": "", "related_links": inline_formset([]), "byline": "", "featured_image": "", "seo_title": ""}
    fields |= {"search_description": "", "publication_date": "15/11/2026 09:30", "action-publish": "action-publish"}
    add_url = reverse("wagtailadmin_pages:add", args=("news", "newsarticlepage", news_category.pk))

    # Sent with Enter from the slug field, before the browser made it ASCII; or made of dashes.
    response = admin_client.post(add_url, nested_form_data({**fields, "slug": "--"}))
    assert response.context["form"].errors["slug"] == ["Địa chỉ cần có chữ cái hoặc chữ số."]
    response = admin_client.post(add_url, nested_form_data({**fields, "slug": "lịch-tiếp-công-dân-đà-nẵng"}))
    assert response.status_code == 302, response.context["form"].errors
    article = NewsArticlePage.objects.child_of(news_category).get()
    assert article.slug == "lich-tiep-cong-dan-da-nang"
    # Typed in capitals: the address is lower case all the same.
    response = admin_client.post(add_url, nested_form_data({**fields, "slug": "Lich-Tiep-Thang-12"}))
    assert response.status_code == 302, response.context["form"].errors
    assert NewsArticlePage.objects.child_of(news_category).filter(slug="lich-tiep-thang-12").exists()
    assert article.publication_date == datetime(2026, 11, 15, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

    # The date picker shows it, and reads what is typed, the same way.
    edit = BeautifulSoup(admin_client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content, "html.parser")
    date_input = edit.select_one("input[name=publication_date]")
    assert date_input["value"] == "15/11/2026 09:30"
    assert '"format": "d/m/Y H:i"' in date_input.find_next("script").string


OUT_OF_THE_CALENDAR = "Nhập ngày trong khoảng từ 01/01/1900 đến 31/12/2999."


@pytest.mark.parametrize("field", ["publication_date", "go_live_at"])
def test_a_date_out_of_the_calendar_is_refused_in_a_pages_form_and_the_rest_kept(
    admin_client, news_category, department, field
):
    """Converted to UTC, the first minutes of year 1 in the agency's time zone fall before the
    calendar: the admin failed (OverflowError)."""
    body = streamfield([("paragraph", rich_text("<p>Nội dung.</p>", features=PARAGRAPH_FEATURES))])
    fields = {"title": "Lịch tiếp công dân", "slug": "lich-tiep", "lead": "Tóm tắt.", "department": department.pk}
    fields |= {"body": body, "tags": "", "related_links": inline_formset([]), "byline": "", "featured_image": ""}
    fields |= {"seo_title": "", "search_description": "", "publication_date": "", "action-publish": "action-publish"}
    add_url = reverse("wagtailadmin_pages:add", args=("news", "newsarticlepage", news_category.pk))

    response = admin_client.post(add_url, nested_form_data({**fields, field: "01/01/0001 00:00"}))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [OUT_OF_THE_CALENDAR]
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("input[name=title]")["value"] == "Lịch tiếp công dân"
    # The scheduling dialog's fields are in a <template>, which CSS selectors do not enter.
    assert page.find("input", attrs={"name": field})["value"] == "01/01/0001 00:00"
    assert not Page.objects.child_of(news_category).exists()

    response = admin_client.post(add_url, nested_form_data({**fields, field: "15/11/2020 09:30"}))
    assert response.status_code == 302, response.context["form"].errors
    article = NewsArticlePage.objects.child_of(news_category).get()
    assert getattr(article, field) == datetime(2020, 11, 15, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

    # Scheduled in the article's edit form.
    edit_url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    response = admin_client.post(edit_url, nested_form_data({**fields, field: "31/12/0001 23:59"}))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [OUT_OF_THE_CALENDAR]


def browser_urlify(title, formatters, allow_unicode):
    """What Wagtail 8's `w-slug` controller (`urlify`, in wagtailadmin/js/core.js) makes of a
    title: trim, apply the input's formatters, (if unicode is not allowed, Django's downcode
    tables, which only touch non-ASCII characters), lower-case, drop everything but word
    characters, spaces and hyphens, join runs of spaces and hyphens with "-", cut at 255
    characters and drop trailing hyphens."""
    value = title.strip()
    for (pattern, _flags), replacement in formatters:  # flags "gu": replace all, Unicode
        value = re.sub(pattern, lambda _match, replacement=replacement: replacement, value)
    value = value.lower()
    # /[^-_\p{L}\p{N}\s]/gu with unicode allowed, /[^-\w\s]/g (ASCII \w) otherwise
    value = re.sub(r"[^\w\s-]", "", value, flags=0 if allow_unicode else re.ASCII)
    value = re.sub(r"[-\s]+", "-", value)[:255]
    return re.sub(r"-+$", "", value)


VIETNAMESE = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"


@pytest.mark.parametrize(
    "title",
    [
        "Đà Nẵng tổ chức hội nghị",
        "ĐẢNG BỘ QUẬN HẢI CHÂU: ĐẠI HỘI ĐẠI BIỂU LẦN THỨ XXIII",
        "Quận Hải Châu: Tiếp tục thực hiện hiệu quả phong trào “dân vận khéo”",
        "Trồng 200 cây xanh trên 1.500 m² đất – phường Bình Hiên",
        "Người dân góp ý dự thảo (lần 2)…",
        VIETNAMESE + " " + VIETNAMESE.upper(),
        "Họp báo: Đà Nẵng — bản ổn định",
        # Tone marks typed as combining characters (NFD), as some keyboards do
        "Ho\u0302\u0300i nghi\u0323 Đa\u0300 Na\u0306\u0303ng",
    ],
)
def test_the_admin_slug_field_gives_the_servers_slug(admin_client, news_category, title):
    response = admin_client.get(reverse("wagtailadmin_pages:add", args=("news", "newsarticlepage", news_category.pk)))
    slug_input = BeautifulSoup(response.content, "html.parser").find("input", attrs={"name": "slug"})
    assert slug_input["data-controller"] == "w-slug"
    formatters = json.loads(slug_input["data-w-slug-formatters-value"])
    allow_unicode = slug_input.get("data-w-slug-allow-unicode-value") == "True"

    assert browser_urlify(title, formatters, allow_unicode) == slugify_vi(title)
    assert slugify_vi(title).isascii()


def test_wagtails_slug_controller_applies_the_formatters_before_urlify():
    """The compiled controller this reasoning relies on (see browser_urlify)."""
    import wagtail.admin

    core_js = (Path(wagtail.admin.__file__).parent / "static/wagtailadmin/js/core.js").read_text()
    assert "formattersValue.reduce" in core_js
    assert re.search(
        r"urlify\(e,\{ignoreUpdate:t=!1,runFormat:r=!t\}=\{\}\)\{.{0,80}prepareValue\(n,\{runFormat:r\}\)", core_js
    )
    assert 'a.replace(/[^-_\\p{L}\\p{N}\\s]/gu,"")' in core_js


# --- The article page --------------------------------------------------------------------------


@pytest.fixture
def article(make_article, news_category):
    images = [small_image(f"Đại biểu dự hội nghị {number}", 510 + number) for number in range(3)]
    chosen = make_article("Tin được chọn", publication_date=PUBLISHED - timedelta(days=400))
    make_article("Tin mới nhất cùng chuyên mục")
    return make_article(
        "Quận Hải Châu: Tiếp tục thực hiện hiệu quả phong trào “dân vận khéo”",
        publication_date=PUBLISHED,
        byline="Minh Anh",
        lead="Sáng 12/10, Ban Dân vận Quận ủy tổ chức hội nghị sơ kết.",
        body=[("paragraph", RichText("<p>Phong trào đã lan tỏa đến từng tổ dân phố.</p>")), gallery(images)],
        related_links=[RelatedArticle(page=chosen)],
    )


def test_the_article_shows_its_parts_in_the_designs_order_with_vietnamese_labels(client, article, news_category):
    response = client.get(article.url)
    soup = soup_of(response)
    html = response.text

    assert meta_line(soup) == {
        "unit": "Người đăng tin: Văn phòng",
        "date": "Ngày đăng tin: 14/10/2020",
        "views": "Lượt xem: 0",  # this view is counted once the page has been sent
    }
    assert soup.select_one(".article__lead").get_text(strip=True) == article.lead
    assert soup.select_one(".article__byline").get_text(strip=True) == "Minh Anh"
    category_link = soup.select_one(".article-related__category a")
    assert category_link["href"] == news_category.url and category_link.text == "Tin tức - Sự kiện"
    # The old portal's label, word for word.
    assert soup.select_one("#article-related-heading").get_text(strip=True) == "Chuyên mục, tin tức liên quan:"
    # Editor's choice first, then the newest of the category; never the article itself.
    related = [link.text for link in soup.select(".related-list a")]
    assert related == ["Tin được chọn", "Tin mới nhất cùng chuyên mục"]

    order = [
        'class="breadcrumb"',
        'class="article__title"',
        'class="article-meta"',
        'class="article__lead"',
        "Phong trào đã lan tỏa",
        'class="gallery"',
        'class="article__byline"',
        'class="article-related__category"',
        'class="related-list"',
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_the_byline_is_right_aligned_in_capitals():
    css = (Path(settings.BASE_DIR) / "news/static/news/news.css").read_text()
    rule = re.search(r"\.article__byline \{([^}]*)\}", css)[1]
    assert "text-transform: uppercase" in rule and "text-align: right" in rule


def test_the_gallery_is_a_grid_of_responsive_thumbnails_linking_to_the_full_photos(client, article):
    soup = soup_of(client.get(article.url))
    section = soup.select_one("[data-gallery]")
    assert section.select_one(".gallery__intro").text == "Một số hình ảnh tại Hội nghị:"
    links = section.select("a.gallery__link")
    assert len(links) == 3
    Rendition = get_image_model().get_rendition_model()
    for link in links:
        full = Rendition.objects.get(file=link["href"].removeprefix(settings.MEDIA_URL))
        assert full.filter_spec == "max-1600x1600"
        sources = {source["type"]: source["srcset"] for source in link.select("picture source")}
        assert set(sources) == {"image/avif", "image/webp"}
        img = link.select_one("picture img")
        assert img["srcset"] and img["sizes"] and img["width"] and img["height"]
        assert img["loading"] == "lazy" and img["alt"]
        assert all(len(candidate.split()) == 2 for candidate in img["srcset"].split(","))
    assert [caption.text for caption in section.select("figcaption")] == [
        f"Đại biểu dự hội nghị {number}" for number in range(3)
    ]
    assert soup.find("script", src=re.compile(r"/static/news/gallery\.js$"), defer=True)


def test_the_lightbox_is_keyboard_accessible_and_needs_no_other_library():
    js = (Path(settings.BASE_DIR) / "news/static/news/gallery.js").read_text()
    for needle in ("showModal", "ArrowLeft:", "ArrowRight:", '"Tab"', '"close"', ".focus()", "aria-label"):
        assert needle in js
    assert "import " not in js and "http" not in js


def test_pages_have_no_inline_script(client, article, news_category):
    for url in (article.url, news_category.url, "/vi/"):
        soup = soup_of(client.get(url))
        for script in soup.find_all("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", (url, script)


def test_the_english_version_shows_english_labels_and_the_translated_department(
    client, article, news_category, locales
):
    _vi, en = locales
    translate(news_category, en, {"Tin tức - Sự kiện": "News and events"})
    english = translate(article, en, {article.title: "Hai Chau keeps skilful mass mobilisation going"})

    soup = soup_of(client.get(english.url))
    assert english.url.startswith("/en/")
    assert meta_line(soup) == {
        "unit": "Posted by: Office",
        "date": "Published on: 14 October 2020",
        "views": "Views: 0",
    }
    assert "Category and related news" in soup.text
    assert soup.select_one(".article-related__category a").text == "News and events"


def test_related_links_show_the_translation_in_the_pages_language(client, article, news_category, locales):
    _vi, en = locales
    translate(news_category, en, {"Tin tức - Sự kiện": "News and events"})
    chosen = article.related_links.get().page
    translate(chosen, en, {"Tin được chọn": "A chosen article"})
    english = translate(article, en, {})

    soup = soup_of(client.get(english.url))
    assert [link.text for link in soup.select(".related-list a")] == ["A chosen article"]
    assert soup.select_one(".related-list a")["href"].startswith("/en/")


def test_related_news_are_topped_up_with_the_newest_of_the_category_up_to_the_limit(
    make_article, make_category, news_category
):
    others = [
        make_article(f"Tin {number}", publication_date=PUBLISHED + timedelta(days=number)) for number in range(12)
    ]
    elsewhere = make_category("Thông báo")
    outside = make_article("Thông báo được chọn", parent=elsewhere)
    article = make_article("Bài chính", related_links=[RelatedArticle(page=outside), RelatedArticle(page=others[0])])

    related = article.related_articles(news_category)
    newest = [other.title for other in sorted(others[1:], key=lambda page: page.publication_date, reverse=True)]
    assert [page.title for page in related] == ["Thông báo được chọn", "Tin 0"] + newest[: RELATED_LIMIT - 2]


def test_an_embedded_video_is_a_link_when_the_provider_cannot_be_reached(client, make_article, monkeypatch):
    monkeypatch.setattr("wagtail.embeds.embeds.get_finders", lambda: [UnreachableFinder()])
    article = make_article("Phóng sự", body=[("video", {"video": VIDEO_URL, "caption": "Phóng sự"})])
    soup = soup_of(client.get(article.url))
    assert soup.select_one(".article-video__link a")["href"] == VIDEO_URL
    assert not soup.find("iframe")


def test_an_embedded_video_loads_nothing_from_its_site_until_the_reader_plays_it(client, make_article, video_finder):
    article = make_article("Phóng sự", body=[("video", {"video": VIDEO_URL, "caption": "Phóng sự hội nghị"})])
    video = soup_of(client.get(article.url)).select_one("[data-video]")
    # The player waits in a <template>, which the browser does not load.
    assert [iframe.find_parent("template") is not None for iframe in video.find_all("iframe")] == [True]
    assert video.select_one("[data-video-play]").has_attr("hidden")  # until video.js shows it
    text = video.get_text(" ", strip=True)
    assert "Video được phát từ youtube.com; youtube.com sẽ biết bạn đã xem video." in text
    assert video.select_one(f"a[href='{VIDEO_URL}']").get_text(strip=True) == "Xem trên youtube.com"
    assert video.figcaption.get_text(strip=True) == "Phóng sự hội nghị"


def test_tables_are_translated_cell_by_cell(client, make_article, news_category, locales):
    _vi, en = locales
    table = {
        "data": [["Chỉ tiêu", "Kết quả"], ["Hồ sơ đúng hạn", "99%"]],
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_caption": "Kết quả",
    }
    article = make_article("Sơ kết", body=[("table", table)])
    translate(news_category, en, {})
    english = translate(article, en, {"Chỉ tiêu": "Indicator", "Kết quả": "Result", "Hồ sơ đúng hạn": "Files on time"})
    soup = soup_of(client.get(english.url))
    assert [cell.get_text(strip=True) for cell in soup.select("table th, table td")] == [
        "Indicator",
        "Result",
        "Files on time",
        "99%",
    ]
    assert soup.select_one("table caption").text == "Result"
    assert isinstance(ArticleBodyBlock.base_blocks["table"], TableBlock)


def test_an_article_whose_department_was_deleted_is_shown(client, make_article, department):
    article = make_article("Tin của một phòng đã giải thể")
    NewsArticlePage.objects.filter(pk=article.pk).update(department=None)  # as deleting it does
    response = client.get(article.url)
    assert response.status_code == 200
    meta = soup_of(response).select_one(".article-meta")
    assert meta.select_one('[data-meta="unit"]') is None and meta.select_one('[data-meta="date"]')


def test_print_link_and_print_view(client, article):
    soup = soup_of(client.get(article.url))
    link = soup.select_one("a[data-print]")
    assert link["href"] == "?print" and link.text == "In bài viết"
    assert soup.find("link", href=re.compile(r"news/print\.css$"))["media"] == "print"
    assert soup.find("script", src=re.compile(r"news/print\.js$"), defer=True)

    assert soup.select_one(".article__source").text == f"Nguồn: {article.get_full_url()}"  # shown on paper only

    assert soup.select_one(".print-bar") is None
    printable = soup_of(client.get(article.url + "?print"))
    assert printable.find("link", href=re.compile(r"news/print\.css$"))["media"] == "all"
    # Without JavaScript the layout says how to print, and leads back; the paper names the agency.
    bar = printable.select_one(".print-bar")
    assert "Ctrl+P" in bar.text and bar.a["href"] == article.url
    assert printable.select_one(".article__agency").text == "Ủy ban nhân dân phường Thử Nghiệm"
    assert printable.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    css = (Path(settings.BASE_DIR) / "news/static/news/print.css").read_text()
    assert ".site-header" in css and ".layout__sidebar" in css and ".article-related" in css


# --- Publication date --------------------------------------------------------------------------


def test_the_publication_date_defaults_to_the_first_publication_and_stays(news_category, department):
    article = news_category.add_child(
        instance=NewsArticlePage(title="Bản nháp", lead="Tóm tắt", department=department, live=False)
    )
    article.save_revision()
    assert NewsArticlePage.objects.get(pk=article.pk).publication_date is None

    article.get_latest_revision().publish()
    article.refresh_from_db()
    assert article.publication_date == article.first_published_at

    first = article.publication_date
    draft = article.get_latest_revision_as_object()
    draft.title = "Bản sửa"
    draft.save_revision().publish()
    article.refresh_from_db()
    assert article.title == "Bản sửa" and article.publication_date == first

    # The moment of publication has microseconds; HTML's datetime attributes allow milliseconds at most.
    assert first.microsecond
    machine_times = [
        time["datetime"]
        for path in (article.url, news_category.url)
        for time in BeautifulSoup(Client().get(path).content, "html.parser").select("time[datetime]")
    ]
    assert machine_times and all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", value) for value in machine_times
    ), machine_times


def test_a_back_dated_article_keeps_its_date(make_article):
    article = make_article("Tin cũ", publication_date=PUBLISHED)
    article.refresh_from_db()
    assert article.publication_date == PUBLISHED


# --- Listings ----------------------------------------------------------------------------------


def _publish_articles(make_article, parent, count, prefix):
    return [
        make_article(
            f"{prefix} {number}",
            parent=parent,
            publication_date=PUBLISHED + timedelta(days=number),
            featured_image=small_image(f"{prefix} ảnh {number}", 700 + number),
        )
        for number in range(count)
    ]


def test_a_category_lists_its_and_its_sub_categories_articles_newest_first(
    client, make_article, news_category, sub_category
):
    own = make_article("Tin của chuyên mục", publication_date=PUBLISHED)
    nested = make_article("Tin của chuyên mục con", parent=sub_category, publication_date=PUBLISHED + timedelta(1))
    make_article("Bản nháp", publication_date=PUBLISHED + timedelta(2)).unpublish()

    soup = soup_of(client.get(news_category.url))
    cards = soup.select(".article-card")
    assert [card.select_one(".article-card__title").text for card in cards] == [nested.title, own.title]
    assert [card.select_one(".article-card__meta a").text for card in cards] == ["Chuyển đổi số", "Tin tức - Sự kiện"]
    assert cards[0].select_one("time").text.strip() == "15/10/2020"
    assert cards[0].select_one(".article-card__lead").text == nested.lead
    assert soup.select_one(".subcategories a")["href"] == sub_category.url

    sub = soup_of(client.get(sub_category.url))
    assert [card.text for card in sub.select(".article-card__title")] == [nested.title]


def test_listings_show_ten_articles_a_page_with_thumbnails(client, make_article, news_category):
    articles = _publish_articles(make_article, news_category, 25, "Tin")
    newest_first = [article.title for article in reversed(articles)]

    pages = [soup_of(client.get(f"{news_category.url}?page={number}")) for number in (1, 2, 3)]
    titles = [[card.text for card in page.select(".article-card__title")] for page in pages]
    assert titles == [newest_first[:10], newest_first[10:20], newest_first[20:]]
    assert ARTICLES_PER_PAGE == 10
    thumbnails = pages[0].select(".article-card__image picture img")
    assert len(thumbnails) == 10 and all(img["srcset"] and img["width"] and img["height"] for img in thumbnails)
    # The first thumbnail is in view at once; the others load as the visitor scrolls.
    assert [img["loading"] for img in thumbnails] == ["eager"] + ["lazy"] * 9
    assert pages[0].select_one('a[rel="next"]')["href"] == "?page=2"


def test_the_pagination_numbers_the_pages_and_leads_to_older_and_newer_news_in_the_visitors_language(
    client, make_article, news_category, locales
):
    _vi, en = locales
    english_category = translate(news_category, en, {"Tin tức - Sự kiện": "News and events"})
    for number in range(ARTICLES_PER_PAGE + 1):
        article = make_article(f"Tin {number}", publication_date=PUBLISHED + timedelta(days=number))
        translate(article, en, {article.title: f"News {number}"})

    def pagination(category, page):
        """Each item of the page's pagination: what it shows, what it says to a screen reader,
        its link's rel and address (None: the current page, which is no link)."""
        nav = soup_of(client.get(category.url, {"page": page})).select_one("nav.pagination")
        items = []
        for item in nav.select("li"):
            if item.a:
                items.append((item.a.text, item.a.get("aria-label", item.a.text), item.a.get("rel"), item.a["href"]))
            else:
                assert item["aria-current"] == "page"
                shown, spoken = item.select("span")
                assert shown["aria-hidden"] == "true" and "visually-hidden" in spoken["class"]
                items.append((shown.text, spoken.text, None, None))
        return items

    for category, first, second in [
        (
            news_category,
            [
                ("1", "Trang 1/2", None, None),
                ("2", "Trang 2", None, "?page=2"),
                ("Tin cũ hơn",) * 2 + (["next"], "?page=2"),
            ],
            [
                ("Tin mới hơn",) * 2 + (["prev"], "?page=1"),
                ("1", "Trang 1", None, "?page=1"),
                ("2", "Trang 2/2", None, None),
            ],
        ),
        (
            english_category,
            [
                ("1", "Page 1 of 2", None, None),
                ("2", "Page 2", None, "?page=2"),
                ("Older news",) * 2 + (["next"], "?page=2"),
            ],
            [
                ("Newer news",) * 2 + (["prev"], "?page=1"),
                ("1", "Page 1", None, "?page=1"),
                ("2", "Page 2 of 2", None, None),
            ],
        ),
    ]:
        assert pagination(category, 1) == first, category.url
        assert pagination(category, 2) == second, category.url
    # Each page of a listing has a title of its own (WCAG 2.4.2).
    assert [soup_of(client.get(news_category.url, {"page": page})).title.text for page in (1, 2)] == [
        "Tin tức - Sự kiện – Ủy ban nhân dân phường Thử Nghiệm",
        "Tin tức - Sự kiện – Trang 2/2 – Ủy ban nhân dân phường Thử Nghiệm",
    ]


@pytest.mark.parametrize(
    "number, shown",
    [
        (1, ["1", "2", "3", "…", "20", "Tin cũ hơn"]),
        (6, ["Tin mới hơn", "1", "…", "4", "5", "6", "7", "8", "…", "20", "Tin cũ hơn"]),
        (20, ["Tin mới hơn", "1", "…", "18", "19", "20"]),
    ],
)
def test_a_long_listing_links_the_first_and_last_pages_and_those_around_the_current_one(rf, number, shown):
    with translation.override("vi"):
        html = render_to_string(
            "news/includes/pagination.html",
            {
                "page_obj": Paginator(range(200), ARTICLES_PER_PAGE).page(number),
                "request": rf.get("/", {"page": number}),
            },
        )
    items = BeautifulSoup(html, "html.parser").select("nav.pagination li")
    assert [item.a.text if item.a else item.span.text if item.span else item.text for item in items] == shown
    links = {item.a.text: item.a["href"] for item in items if item.a}
    assert links.get("20", "?page=20") == "?page=20" and links.get("1", "?page=1") == "?page=1"
    # The gaps are read as nothing; the current page is the one item that is not a link.
    assert all(item["aria-hidden"] == "true" for item in items if item.text == "…")
    assert [item.span.text for item in items if item.get("aria-current") == "page"] == [str(number)]


@pytest.mark.parametrize(
    "page, status",
    [
        ("abc", 200),
        ("", 200),
        ("1.5", 200),
        ("3", 200),
        ("4", 404),
        ("0", 404),
        ("-1", 404),
        ("99999999999999999999", 404),
    ],
)
def test_page_numbers_never_give_a_server_error(client, make_article, news_category, page, status):
    _publish_articles(make_article, news_category, 25, "Tin")
    response = client.get(news_category.url, {"page": page})
    assert response.status_code == status
    if page in ("abc", "", "1.5"):
        assert "Tin 24" in response.text  # the first page


def test_an_articles_tags_link_to_the_news_of_every_category_with_the_tag(
    client, make_article, news_category, make_category
):
    tagged = make_article("Có thẻ", tags=["dân vận khéo"])
    elsewhere = make_article("Có thẻ ở chuyên mục khác", tags=["dân vận khéo"], parent=make_category("Thông báo"))
    make_article("Không có thẻ")
    make_article("Bản nháp có thẻ", tags=["dân vận khéo"]).unpublish()
    tag_link = soup_of(client.get(tagged.url)).select_one('.article-related__tags a[rel="tag"]')
    assert (tag_link.text, tag_link["href"]) == ("dân vận khéo", "/vi/tu-khoa/dan-van-kheo/")

    soup = soup_of(client.get(tag_link["href"]))
    assert [card.text for card in soup.select(".article-card__title")] == [elsewhere.title, tagged.title]
    assert [card.select_one(".article-card__meta a").text for card in soup.select(".article-card")] == [
        "Thông báo",
        "Tin tức - Sự kiện",
    ]
    assert soup.h1.text == "Tin có từ khóa “dân vận khéo”"
    assert soup.title.text == "Tin có từ khóa “dân vận khéo” – Ủy ban nhân dân phường Thử Nghiệm"

    # A category lists its own articles with the tag, and leads to those of every category.
    soup = soup_of(client.get(news_category.url, {"tag": "dan-van-kheo"}))
    assert [card.text for card in soup.select(".article-card__title")] == ["Có thẻ"]
    assert soup.h1.text == "Tin tức - Sự kiện: từ khóa “dân vận khéo”"
    assert soup.title.text == "Tin tức - Sự kiện: từ khóa “dân vận khéo” – Ủy ban nhân dân phường Thử Nghiệm"
    assert [(link.text, link["href"]) for link in soup.select(".tag-filter a")] == [
        ("Tất cả tin của Tin tức - Sự kiện", news_category.url),
        ("Tin của mọi chuyên mục có từ khóa “dân vận khéo”", "/vi/tu-khoa/dan-van-kheo/"),
    ]


def test_a_tag_that_no_published_article_here_carries_is_not_found(client, make_article, news_category, ward):
    make_article("Bản nháp có thẻ", tags=["tin mật"]).unpublish()
    make_article("Tin của phường K", tags=["việc của phường"], parent=ward["category"])
    for slug in ("tin-mat", "viec-cua-phuong", "khong-co", "a" * 120):
        assert client.get(f"/vi/tu-khoa/{slug}/").status_code == 404, slug


def test_translated_articles_name_their_tags_in_their_language(client, make_article, news_category, locales):
    _vi, en = locales
    article = make_article("Có thẻ", tags=["dân vận khéo", "du lịch"])
    make_article("Có thẻ khác", tags=["du lịch"])
    translate(news_category, en, {"Tin tức - Sự kiện": "News and events"})
    english = translate(article, en, {"Có thẻ": "Tagged"})
    tag = NewsTag.objects.get(name="dân vận khéo")
    translate(tag, en, {"dân vận khéo": "skilful mass mobilisation"})

    links = soup_of(client.get(english.url)).select('.article-related__tags a[rel="tag"]')
    # "du lịch" is not translated yet: the English page names it as it was given.
    assert [link.text for link in links] == ["skilful mass mobilisation", "du lịch"]
    assert links[0]["href"] == "/en/tag/dan-van-kheo/"

    soup = soup_of(client.get(links[0]["href"]))
    assert [card.text for card in soup.select(".article-card__title")] == ["Tagged"]
    assert soup.h1.text == "News tagged “skilful mass mobilisation”"
    assert soup.select_one(".language-switcher a[hreflang=vi]")["href"] == "/vi/tu-khoa/dan-van-kheo/"
    # A category's listing by tag: the language switcher keeps the filter; a link leads back to the
    # whole category.
    soup = soup_of(client.get(news_category.get_translation(en).url, {"tag": "dan-van-kheo"}))
    assert soup.h1.text == "News and events: tagged “skilful mass mobilisation”"
    assert soup.select_one(".language-switcher a[hreflang=vi]")["href"] == f"{news_category.url}?tag=dan-van-kheo"
    assert soup.select_one(".tag-filter a")["href"] == news_category.get_translation(en).url
    # The Vietnamese page still shows the tag as it was given.
    vietnamese = soup_of(client.get(article.url)).select('.article-related__tags a[rel="tag"]')
    assert [link.text for link in vietnamese] == ["dân vận khéo", "du lịch"]
    assert soup_of(client.get("/vi/tu-khoa/dan-van-kheo/")).h1.text == "Tin có từ khóa “dân vận khéo”"


def test_an_unknown_tag_is_not_found_and_a_tag_without_articles_here_says_so(
    client, make_article, news_category, make_category
):
    make_article("Có thẻ", tags=["dân vận khéo"], parent=make_category("Hoạt động của phường"))
    make_article("Không có thẻ")
    assert client.get(news_category.url, {"tag": "khong-co-the-nay"}).status_code == 404
    soup = soup_of(client.get(news_category.url, {"tag": "dan-van-kheo"}))
    assert not soup.select(".article-card")
    assert soup.select_one(".article-list__empty").text == "Chuyên mục này chưa có tin nào mang từ khóa này."
    assert soup.select_one(".tag-filter a").text == "Tất cả tin của Tin tức - Sự kiện"


def test_tag_links_from_before_ascii_slugs_lead_to_the_tag(client, make_article, news_category):
    make_article("Có thẻ", tags=["dân vận khéo"])
    response = client.get(news_category.url, {"tag": "dân-vận-khéo", "page": "1"})
    assert response.status_code == 301
    assert response["Location"] == f"{news_category.url}?tag=dan-van-kheo&page=1"
    soup = soup_of(client.get(response["Location"]))
    assert [card.text for card in soup.select(".article-card__title")] == ["Có thẻ"]


def test_tags_typed_on_an_article_are_tags_of_its_language(make_article, locales):
    vi, en = locales
    environment = make_article("Môi trường", tags=["môi trường"]).tags.get()
    translate(environment, en, {"môi trường": "environment"})
    assert environment.get_translation(en).slug == environment.slug == "moi-truong"

    # An editor typing the English name on a Vietnamese article gets a Vietnamese tag of that name.
    article = make_article("Thẻ tiếng Anh", tags=["environment", "Đà Nẵng xanh"])
    assert {(tag.name, tag.slug, tag.locale) for tag in article.tags.all()} == {
        ("environment", "environment", vi),
        ("Đà Nẵng xanh", "da-nang-xanh", vi),
    }
    assert NewsTag.objects.filter(name="environment").count() == 2


def test_a_tag_too_long_is_refused_with_a_message_and_the_article_kept_in_the_form(
    admin_client, news_category, department
):
    body = streamfield([("paragraph", rich_text("<p>Nội dung.</p>", features=PARAGRAPH_FEATURES))])
    fields = {"title": "Tin có thẻ", "slug": "tin-co-the", "lead": "Tóm tắt.", "department": department.pk}
    fields |= {"body": body, "related_links": inline_formset([]), "byline": "", "featured_image": ""}
    fields |= {"publication_date": "", "seo_title": "", "search_description": "", "action-publish": "action-publish"}
    add_url = reverse("wagtailadmin_pages:add", args=("news", "newsarticlepage", news_category.pk))
    # A sentence pasted without commas: one tag of 101 characters.
    sentence = (
        "Ủy ban nhân dân quận Hải Châu tổ chức hội nghị tổng kết công tác dân vận khéo năm hai nghìn hai mươi sáu"
    )
    assert len(sentence) > 100
    response = admin_client.post(add_url, nested_form_data({**fields, "tags": f"dân vận, {sentence}"}))
    assert response.status_code == 200
    assert response.context["form"].errors["tags"] == [f"Các thẻ {sentence} dài quá 100 ký tự."]
    assert response.context["form"]["title"].value() == "Tin có thẻ"
    assert not NewsArticlePage.objects.exists() and not NewsTag.objects.exists()
    response = admin_client.post(add_url, nested_form_data({**fields, "tags": f"dân vận, {sentence[:100]}"}))
    assert response.status_code == 302, response.context["form"].errors
    assert NewsTag.objects.count() == 2


def test_a_long_tag_spelled_in_another_script_gets_a_slug_that_fits(make_article):
    # anyascii spells each of these as a syllable of several letters: 400 letters for 100 characters.
    article = make_article("Thẻ chữ Hán", tags=["漢" * 100, "漢" * 99 + "字"])
    slugs = [tag.slug for tag in article.tags.order_by("pk")]
    assert all(len(slug) <= 100 for slug in slugs) and len(set(slugs)) == 2


def test_a_copied_article_is_dated_when_it_is_published_and_a_translation_keeps_its_date(
    make_article, news_category, locales
):
    november = make_article("Lịch tiếp công dân tháng 11")
    first_of_november = datetime(2026, 11, 1, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    NewsArticlePage.objects.filter(pk=november.pk).update(publication_date=first_of_november)
    november.refresh_from_db()
    copied = {"title": "Lịch tiếp công dân tháng 12", "slug": "lich-thang-12"}
    december = november.copy(update_attrs=copied, keep_live=False).specific
    assert december.publication_date is None
    december.save_revision().publish()
    december.refresh_from_db()
    assert december.publication_date == december.first_published_at > first_of_november
    # Copied and published at once ("Publish copies"), it is dated then.
    published_copy = november.copy(update_attrs={**copied, "slug": "lich-thang-12-ban-2"}).specific
    assert published_copy.live and published_copy.publication_date > first_of_november

    translate(news_category, locales[1], {})
    english = translate(november, locales[1], {"Lịch tiếp công dân tháng 11": "Citizen reception in November"})
    assert english.publication_date == first_of_november


def test_a_tag_renamed_or_added_with_a_name_its_language_has_is_refused_with_a_message(admin_client, locales):
    # Two tags that should have been one: the administrator renames the first as the second.
    unaccented = NewsTag.objects.create(name="Du lich", locale=locales[0])
    NewsTag.objects.create(name="Du lịch", locale=locales[0])
    edit = reverse("wagtailsnippets_news_newstag:edit", args=[unaccented.pk])
    response = admin_client.post(edit, {"name": "Du lịch"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["Đã có thẻ “Du lịch” trong ngôn ngữ này."]
    unaccented.refresh_from_db()
    assert unaccented.name == "Du lich"
    add = reverse("wagtailsnippets_news_newstag:add") + "?locale=vi"
    assert admin_client.post(add, {"name": "Du lịch"}).context["form"].errors["name"]
    # In another language, the same name is another tag.
    english_add = reverse("wagtailsnippets_news_newstag:add") + "?locale=en"
    assert admin_client.post(english_add, {"name": "Du lịch"}).status_code == 302
    assert NewsTag.objects.filter(name="Du lịch").count() == 2


def test_a_tag_typed_in_another_case_is_the_same_tag(make_article, news_category, client):
    first = make_article("Du lịch hè", tags=["du lịch", "Đà Nẵng"])
    # As some keyboards type it: "ị" as "i" and a combining dot below.
    decomposed = unicodedata.normalize("NFD", "Du lịch")
    second = make_article("Du lịch thu", tags=[decomposed, "đà nẵng", "ĐÀ NẴNG", "Hội An", "hội an"])
    assert {tag.name for tag in second.tags.all()} == {"du lịch", "Đà Nẵng", "Hội An"}
    assert NewsTag.objects.count() == 3
    listed = soup_of(client.get(news_category.url, {"tag": "du-lich"})).select(".article-card__title")
    assert {card.text for card in listed} == {first.title, second.title}


def test_an_english_article_saved_in_the_editor_keeps_the_tags_it_was_given(
    admin_client, make_article, news_category, locales
):
    _vi, en = locales
    translate(news_category, en, {"Tin tức - Sự kiện": "News and events"})
    article = make_article("Có thẻ", tags=["dân vận khéo", "Du lịch"])
    english = translate(article, en, {"Có thẻ": "Tagged"})
    translate(NewsTag.objects.get(name="Du lịch"), en, {"Du lịch": "Tourism"})
    Translation.objects.filter(source__object_id=article.translation_key, target_locale=en).update(enabled=False)
    edit_url = reverse("wagtailadmin_pages:edit", args=[english.pk])
    shown = soup_of(admin_client.get(edit_url)).select_one('input[name="tags"]')["value"]
    assert sorted(name.strip('" ') for name in shown.split(",")) == ["Du lịch", "dân vận khéo"]

    body = streamfield([("paragraph", rich_text("<p>Text.</p>", features=PARAGRAPH_FEATURES))])
    fields = {"title": "Tagged", "slug": english.slug, "lead": "Lead.", "body": body, "byline": ""}
    fields |= {"department": english.department_id, "related_links": inline_formset([])}
    fields |= {"publication_date": "", "featured_image": ""}
    fields |= {"seo_title": "", "search_description": "", "action-publish": "action-publish"}
    # Sent back as shown (one in another case), with a tag of its own added.
    response = admin_client.post(edit_url, nested_form_data({**fields, "tags": f"{shown.upper()}, Hội An"}))
    assert response.status_code == 302

    english.refresh_from_db()
    vietnamese = set(article.tags.all())
    assert set(english.tags.all()) == vietnamese | {NewsTag.objects.get(name="Hội An", locale=en)}
    assert NewsTag.objects.count() == 4  # the two tags, "Du lịch"'s translation and "Hội An"


def test_the_tag_input_suggests_the_tags_of_the_articles_language(
    admin_client, client, make_article, news_category, locales
):
    _vi, en = locales
    article = make_article("Thẻ", tags=["Dân vận khéo", "du lịch", "văn hoá dân gian"])
    translate(NewsTag.objects.get(name="Dân vận khéo"), en, {"Dân vận khéo": "skilful mass mobilisation"})
    translate(news_category, en, {"Tin tức - Sự kiện": "News and events"})

    def input_url(admin_url, *args):
        soup = soup_of(admin_client.get(reverse(admin_url, args=args)))
        return soup.select_one('input[name="tags"]')["data-w-tag-url-value"]

    vi_url, en_url = (reverse("news_tag_suggestions", args=[code]) for code in ("vi", "en"))
    add = ("wagtailadmin_pages:add", "news", "newsarticlepage")
    assert input_url(*add, news_category.pk) == vi_url
    assert input_url(*add, news_category.get_translation(en).pk) == en_url
    assert input_url("wagtailadmin_pages:edit", article.pk) == vi_url

    def suggestions(url, term):
        response = admin_client.get(url, {"term": term})
        assert response.status_code == 200
        return response.json()

    # Any word of the name, accents and case aside; never a tag of another language.
    assert suggestions(vi_url, "dan") == ["Dân vận khéo", "văn hoá dân gian"]
    assert suggestions(vi_url, "DÂN V") == ["Dân vận khéo"]
    assert suggestions(vi_url, "skil") == []
    assert suggestions(en_url, "mass") == ["skilful mass mobilisation"]
    assert suggestions(en_url, "dan") == []
    assert suggestions(vi_url, " ") == []
    assert suggestions(reverse("news_tag_suggestions", args=["fr"]), "dan") == []
    assert client.get(vi_url, {"term": "dan"}).status_code == 302  # the admin's login


def test_categories_appear_in_the_main_menu(client, news_category, sub_category):
    menu = soup_of(client.get("/vi/")).select_one(".main-menu")
    assert [link.text for link in menu.select("a")] == ["Trang chủ", "Tin tức - Sự kiện"]


def test_the_home_page_shows_the_latest_news_in_its_language(client, make_article, news_category, locales):
    _vi, en = locales
    articles = _publish_articles(make_article, news_category, 8, "Tin")
    translate(news_category, en, {"Tin tức - Sự kiện": "News and events"})
    translate(articles[0], en, {"Tin 0": "News 0"})

    home = soup_of(client.get("/vi/"))
    assert [card.text for card in home.select(".latest-news .article-card__title")] == [
        f"Tin {number}" for number in range(7, 1, -1)
    ]
    english = soup_of(client.get("/en/"))
    assert [card.text for card in english.select(".latest-news .article-card__title")] == ["News 0"]


# --- Constant query counts ---------------------------------------------------------------------


def _queries(client, url):
    client.get(url)  # the first view makes the renditions
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _assert_same_queries(client, django_assert_num_queries, small_url, big_url):
    expected = _queries(client, small_url)
    client.get(big_url)
    with django_assert_num_queries(expected):
        assert client.get(big_url).status_code == 200


def test_article_queries_do_not_grow_with_the_gallery(client, make_article, django_assert_num_queries):
    images = [small_image(f"Ảnh {number}", 800 + number) for number in range(24)]
    one = make_article("Một ảnh", body=[gallery(images[:1])])
    many = make_article("Nhiều ảnh", body=[gallery(images)])
    assert client.get(many.url).text.count('class="gallery__link"') == 24
    _assert_same_queries(client, django_assert_num_queries, one.url, many.url)


def test_article_queries_do_not_grow_with_related_news(client, make_article, make_category, django_assert_num_queries):
    categories = [make_category("Chuyên mục A"), make_category("Chuyên mục B")]
    alone = make_article("Không có tin liên quan", parent=categories[0])
    others = [make_article(f"Tin {number}", parent=categories[1]) for number in range(10)]
    linked = make_article(
        "Mười tin liên quan", parent=categories[1], related_links=[RelatedArticle(page=other) for other in others]
    )
    assert RELATED_LIMIT >= 10
    assert client.get(alone.url).text.count("<li><a") < client.get(linked.url).text.count("<li><a")
    assert len(soup_of(client.get(linked.url)).select(".related-list li")) == 10
    _assert_same_queries(client, django_assert_num_queries, alone.url, linked.url)


def test_listing_queries_do_not_grow_with_the_number_of_articles(
    client, make_article, make_category, django_assert_num_queries
):
    categories = []
    for title, count in (("Ít tin", 2), ("Nhiều tin", 25)):
        categories.append(make_category(title))
        _publish_articles(make_article, categories[-1], count, title)
    _assert_same_queries(client, django_assert_num_queries, categories[0].url, categories[1].url)


def test_home_page_queries_do_not_grow_with_the_news(client, make_article, news_category, django_assert_num_queries):
    _publish_articles(make_article, news_category, 1, "Tin")
    expected = _queries(client, "/vi/")
    _publish_articles(make_article, news_category, 8, "Thêm")
    client.get("/vi/")
    with django_assert_num_queries(expected):
        client.get("/vi/")


def test_unpublished_and_private_pages_are_not_listed(client, make_article, make_category, news_category):
    private = make_category("Nội bộ", parent=news_category)
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    make_article("Tin nội bộ", parent=private)
    make_article("Tin công khai")
    assert [card.text for card in soup_of(client.get(news_category.url)).select(".article-card__title")] == [
        "Tin công khai"
    ]
    assert Page.objects.filter(title="Tin nội bộ").exists()


# --- "Lượt xem": the view counter of the visits app ---------------------------------------------


def test_the_view_count_counts_each_human_visit_once_for_both_languages(client, article, news_category, locales):
    _vi, en = locales
    translate(news_category, en, {"Tin tức - Sự kiện": "News and events"})
    english = translate(article, en, {article.title: "Hai Chau keeps skilful mass mobilisation going"})
    DailyCount.objects.create(
        site_id=article.get_site().pk,
        day="2020-10-14",
        kind=DailyCount.Kind.VIEW,
        key=str(article.translation_key),
        count=1233,
    )
    visit(Client(), article.url, ip="203.0.113.1")  # a visitor
    visit(Client(), article.url, ip="203.0.113.1")  # ...reloading within 30 minutes
    visit(Client(), english.url, ip="203.0.113.2")  # another, reading the English version
    visit(Client(), article.url, ip="203.0.113.3", user_agent="Mozilla/5.0 (compatible; Googlebot/2.1)")
    visit(Client(), article.url, ip="203.0.113.4", HTTP_SEC_PURPOSE="prefetch")

    assert meta_line(soup_of(visit(Client(), article.url, ip="203.0.113.9")))["views"] == "Lượt xem: 1.235"
    assert meta_line(soup_of(visit(Client(), english.url, ip="203.0.113.9")))["views"] == "Views: 1,236"


def test_editors_previews_never_count(admin_client, article):
    response = admin_client.get(reverse("wagtailadmin_pages:view_draft", args=[article.pk]))
    assert response.status_code == 200
    assert not DailyCount.objects.filter(key=str(article.translation_key)).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_readers_at_once_lose_no_view(make_article):
    article = make_article("Tin nhiều người đọc")
    concurrently(distinct_visitors_view(article.url, 20))
    assert views(article) == 20


def test_the_categories_url_resolver_is_built_before_the_first_request():
    """Built on a first request, it raced with the other threads' (a 500 under load)."""
    check = "import django; django.setup(); from news.models import NewsIndexPage as P; "
    check += "print('_routablepage_urlresolver' in P.__dict__)"
    result = subprocess.run([sys.executable, "-c", check], cwd=settings.BASE_DIR, capture_output=True, text=True)
    assert result.stdout.strip() == "True", result.stderr


def test_a_paragraph_left_with_an_open_tag_does_not_take_the_next_ones_place(client, make_article):
    """The paragraphs of an article are expanded together (news.blocks.ParagraphText); stored text
    of another origin may end inside a tag."""
    target = make_article("Tin được dẫn")
    article = make_article(
        "Tin có đoạn hỏng",
        body=[
            ("paragraph", RichText(f'<p>Đoạn một <a linktype="page" id="{target.pk}"')),
            ("paragraph", RichText(f'<p>Đoạn hai, <a linktype="page" id="{target.pk}">tin</a>.</p>')),
        ],
    )
    response = client.get(article.url)
    assert response.status_code == 200
    paragraphs = BeautifulSoup(response.content, "html.parser").select(".rich-text")
    assert "Đoạn hai" in paragraphs[1].text and paragraphs[1].a["href"] == target.url
