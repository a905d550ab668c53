"""Issue 3: how news is found and shared: RSS feeds, the sitemap, Open Graph and Twitter cards,
canonical URLs, NewsArticle JSON-LD; and the demo news."""

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils import timezone
from wagtail.models import Locale
from wagtail.rich_text import RichText

from home.demo import demo_image, translate
from home.models import Department
from news.demo import DAN_VAN_KHEO
from news.models import NewsArticlePage, NewsIndexPage

PUBLISHED = datetime(2020, 10, 14, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def soup_of(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def rss_channel(response):
    """The channel of an RSS 2.0 document, after checking what RSS 2.0 requires."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for required in ("title", "link", "description"):
        assert channel.findtext(required), required
    for item in channel.findall("item"):
        assert item.findtext("title") and item.findtext("link")
        parsedate_to_datetime(item.findtext("pubDate"))
    return channel


def feed_links(soup):
    return [link["href"] for link in soup.find_all("link", rel="alternate", type="application/rss+xml")]


@pytest.fixture
def other_category(make_category):
    return make_category("Thông báo")


@pytest.fixture
def news(make_article, news_category, sub_category, other_category):
    """Three articles: in a category, in its sub-category, in another category."""
    return [
        make_article("Tin của chuyên mục", publication_date=PUBLISHED, byline="Minh Anh"),
        make_article("Tin của chuyên mục con", parent=sub_category, publication_date=PUBLISHED + timedelta(days=1)),
        make_article("Thông báo lịch tiếp dân", parent=other_category, publication_date=PUBLISHED + timedelta(days=2)),
    ]


# --- RSS ---------------------------------------------------------------------------------------


def test_each_category_advertises_and_serves_an_rss_feed_of_its_articles(client, news, news_category):
    own, nested, _other = news
    links = feed_links(soup_of(client.get(news_category.url)))
    assert links == [news_category.url + "rss/", "/vi/rss.xml"]

    channel = rss_channel(client.get(links[0]))
    # Named with the agency: a reader holding several agencies' feeds tells them apart.
    assert channel.findtext("title") == "Tin tức - Sự kiện – Ủy ban nhân dân phường Thử Nghiệm"
    assert channel.findtext("link") == news_category.get_full_url()
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [nested.title, own.title]
    assert [item.findtext("link") for item in items] == [nested.get_full_url(), own.get_full_url()]
    assert parsedate_to_datetime(items[1].findtext("pubDate")) == PUBLISHED
    assert items[1].findtext("description") == own.lead
    assert items[1].findtext("{http://purl.org/dc/elements/1.1/}creator") == "Minh Anh"


def test_a_control_character_pasted_into_an_article_does_not_break_the_feeds(client, make_article, news_category):
    # Word pastes a line break as a vertical tab; XML 1.0 has no place for it.
    make_article("Dòng một\x0bdòng hai", lead="Tóm tắt\x0ccó ký tự lạ", byline="Minh\x01Anh")
    for path in (news_category.url + "rss/", "/vi/rss.xml"):
        item = rss_channel(client.get(path)).find("item")
        assert item.findtext("title") == "Dòng một dòng hai"
        assert item.findtext("description") == "Tóm tắt có ký tự lạ"
        assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Minh Anh"


def test_the_all_news_feed_lists_every_category_in_the_visitors_language(client, news, news_category, locales):
    _vi, en = locales
    translate(news_category, en, {"Tin tức - Sự kiện": "News and events"})
    translate(news[0], en, {news[0].title: "News of the category"})

    vietnamese = rss_channel(client.get("/vi/rss.xml"))
    assert [item.findtext("title") for item in vietnamese.findall("item")] == [article.title for article in news[::-1]]
    english = rss_channel(client.get("/en/rss.xml"))
    assert [item.findtext("title") for item in english.findall("item")] == ["News of the category"]
    assert english.findtext("language") == "en"
    assert vietnamese.findtext("title") == "Tất cả tin tức – Ủy ban nhân dân phường Thử Nghiệm"
    assert english.findtext("title") == "All news – Thu Nghiem Ward People's Committee"
    assert "/vi/rss.xml" in feed_links(soup_of(client.get("/vi/")))


# --- Sitemap -----------------------------------------------------------------------------------


def test_the_sitemap_lists_every_live_page_in_every_language_with_its_date(client, news, news_category, locales):
    _vi, en = locales
    translate(news_category, en, {"Tin tức - Sự kiện": "News and events"})
    english = translate(news[0], en, {news[0].title: "News of the category"})
    news[2].unpublish()

    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urls = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in ET.fromstring(response.content)}
    live = [news[0], news[1], english, news_category, english.get_parent()]
    for page in live:
        assert urls[page.get_full_url()] == timezone.localdate(page.specific.last_published_at).isoformat()
    assert english.get_full_url().startswith("http://localhost/en/")
    assert news[2].get_full_url() not in urls


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_the_admin_and_the_search(client, site):
    response = client.get("/robots.txt", HTTP_HOST="haichau.example")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    assert {"Disallow: /admin/", "Disallow: /vi/tim-kiem/", "Disallow: /en/search/"} <= set(lines)
    assert "Sitemap: http://haichau.example/sitemap.xml" in lines
    assert client.get("/sitemap.xml", HTTP_HOST="haichau.example").status_code == 200


def test_every_page_names_the_sites_icon_and_favicon_ico_leads_to_it(client, site):
    icon = soup_of(client.get("/vi/")).select_one("link[rel=icon]")
    assert icon["href"] == static("img/favicon.svg") and icon["type"] == "image/svg+xml"
    assert finders.find("img/favicon.svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == icon["href"]


# --- Sharing and search engines ----------------------------------------------------------------


@pytest.fixture
def shared_article(make_article):
    photo = demo_image("Hội nghị sơ kết", seed=900, size=(400, 300))
    return make_article(
        "Quận Hải Châu: Tiếp tục thực hiện hiệu quả phong trào “dân vận khéo”",
        lead="Sáng 12/10, Ban Dân vận Quận ủy tổ chức hội nghị sơ kết.",
        publication_date=PUBLISHED,
        byline="Minh Anh",
        featured_image=photo,
    )


def test_articles_carry_open_graph_twitter_and_canonical_tags(client, shared_article):
    soup = soup_of(client.get(shared_article.url))
    url = shared_article.get_full_url()
    og = {tag["property"]: tag["content"] for tag in soup.find_all("meta", property=True)}
    named = {tag["name"]: tag["content"] for tag in soup.find_all("meta", attrs={"name": True})}
    rendition = shared_article.featured_image.get_rendition("fill-1200x630|format-jpeg")

    assert soup.find("link", rel="canonical")["href"] == url
    assert named["description"] == shared_article.lead
    assert og["og:type"] == "article" and og["og:url"] == url
    assert og["og:title"] == shared_article.title and og["og:description"] == shared_article.lead
    assert og["og:site_name"] == "Ủy ban nhân dân phường Thử Nghiệm"
    assert og["og:image"] == "http://localhost" + rendition.url
    assert (og["og:image:width"], og["og:image:height"]) == (str(rendition.width), str(rendition.height))
    assert og["article:published_time"] == "2020-10-14T09:30:00+07:00"
    assert named["twitter:card"] == "summary_large_image"
    assert named["twitter:title"] == shared_article.title and named["twitter:image"] == og["og:image"]
    assert og["og:image:alt"] == named["twitter:image:alt"] == "Hội nghị sơ kết"


def test_the_english_article_gives_no_vietnamese_text_for_its_image(client, shared_article, news_category, locales):
    translate(news_category, locales[1], {})
    english = translate(shared_article, locales[1], {shared_article.title: "Hai Chau carries on the movement"})
    soup = soup_of(client.get(english.url))
    og = {tag["property"]: tag["content"] for tag in soup.find_all("meta", property=True)}
    assert og["og:image"] and "og:image:alt" not in og
    assert not soup.find("meta", attrs={"name": "twitter:image:alt"})


def test_articles_describe_themselves_as_news_article_json_ld(client, shared_article):
    shared_article.refresh_from_db()
    soup = soup_of(client.get(shared_article.url))
    scripts = soup.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    data = json.loads(scripts[0].string)
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == shared_article.title
    assert datetime.fromisoformat(data["datePublished"]) == PUBLISHED
    assert datetime.fromisoformat(data["dateModified"]) == shared_article.last_published_at.replace(microsecond=0)
    assert data["author"] == {"@type": "Person", "name": "Minh Anh"}
    assert data["publisher"]["name"] == "Ủy ban nhân dân phường Thử Nghiệm"
    assert data["image"] == [soup.find("meta", property="og:image")["content"]]
    assert data["mainEntityOfPage"] == shared_article.get_full_url()


def test_json_ld_cannot_end_its_script_element(client, make_article):
    title = "Tin </script><script>alert(1)</script> & <!-- chú thích"
    article = make_article(title, byline="", body=[("paragraph", RichText("<p>Nội dung.</p>"))])
    html = client.get(article.url).text
    assert "<script>alert(1)" not in html and "<!-- chú" not in html
    data = json.loads(BeautifulSoup(html, "html.parser").find("script", type="application/ld+json").string)
    assert data["headline"] == title
    assert data["author"] == {"@type": "Organization", "name": "Văn phòng"}


def test_home_and_category_pages_describe_themselves_to_search_engines(client, home_vi, news_category):
    def description(url):
        tag = soup_of(client.get(url)).find("meta", attrs={"name": "description"})
        return tag["content"] if tag else None

    home_vi.lead = "Tin tức và thông báo của phường."
    home_vi.save_revision().publish()
    news_category.intro = "Các tin tức, sự kiện của phường."
    news_category.save_revision().publish()
    assert description("/vi/") == "Tin tức và thông báo của phường."
    assert description(news_category.url) == "Các tin tức, sự kiện của phường."
    # What the editor wrote for search engines comes first.
    news_category.search_description = "Tin tức - Sự kiện phường Thử Nghiệm"
    news_category.save_revision().publish()
    assert description(news_category.url) == "Tin tức - Sự kiện phường Thử Nghiệm"


# --- Demo content ------------------------------------------------------------------------------


def test_demo_news(client, demo):
    vi, en = Locale.objects.get(language_code="vi"), Locale.objects.get(language_code="en")
    articles = NewsArticlePage.objects.live().filter(locale=vi)
    categories = NewsIndexPage.objects.live().filter(locale=vi)
    now = timezone.now()

    assert articles.count() >= 30
    dates = sorted(articles.values_list("publication_date", flat=True))
    assert now - timedelta(days=731) <= dates[0] and dates[-1] <= now and dates[-1] - dates[0] > timedelta(days=365)
    assert categories.count() >= 3
    assert len({article.department_id for article in articles}) >= 3
    assert len({article.byline for article in articles if article.byline}) >= 3
    assert Department.objects.filter(locale=en).count() == Department.objects.filter(locale=vi).count() >= 3
    assert NewsArticlePage.objects.live().filter(locale=en).count() >= 5
    assert NewsIndexPage.objects.live().filter(locale=en).count() == categories.count()

    menu = [link.text for link in soup_of(client.get("/vi/")).select(".main-menu a")]
    top_level = categories.filter(depth=3)
    assert top_level.count() >= 3 and all(category.title in menu for category in top_level)
    biggest = max(top_level, key=lambda category: articles.descendant_of(category).count())
    assert client.get(biggest.url + "?page=2").status_code == 200

    dan_van = articles.get(title=DAN_VAN_KHEO)
    galleries = [block.value for block in dan_van.body if block.block_type == "gallery"]
    assert [len(gallery["images"]) for gallery in galleries] == [8]
    soup = soup_of(client.get(dan_van.url))
    assert len(soup.select(".gallery__link")) == 8
    assert soup.select_one('[data-meta="unit"]').text.startswith("Người đăng tin")
    english = soup_of(client.get(dan_van.get_translation(en).url))
    assert english.select_one(".gallery__intro").text == "Some pictures from the conference:"
    assert english.select_one('[data-meta="unit"]').get_text(" ", strip=True) == "Posted by: Office"
