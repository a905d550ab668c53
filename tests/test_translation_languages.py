"""Issue 6: each language's formats, the language switcher and hreflang links, a third language,
and the English demo site."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.template.base import DebugLexer, TokenType
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import FORMAT_SETTINGS
from wagtail.models import Locale, Page, get_translatable_models
from wagtail_localize.models import Translation

from home.demo import add_sidebar_box, translate
from news.models import NewsArticlePage, NewsIndexPage
from tests.test_feedback import QUESTION, QUESTION_EN, make_survey
from tests.test_translation_catalogs import python_files, template_files
from visits.models import DailyCount, VisitStatsBox

PUBLISHED = datetime(2020, 10, 14, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
CRAWLER = "curl/8"  # counts no view, so the figures shown stay what the test set


def soup_of(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


# --- Formats ------------------------------------------------------------------------------------


@pytest.fixture
def article(make_article, news_category, locales, site):
    _vi, en = locales
    article = make_article("Sơ kết công tác cải cách hành chính", publication_date=PUBLISHED)
    DailyCount.objects.create(
        site=site, day=date(2020, 10, 15), kind=DailyCount.Kind.VIEW, key=str(article.translation_key), count=18_029_085
    )
    box = VisitStatsBox.objects.create(locale=article.locale, title="Thống kê truy cập", baseline_total=18_029_085)
    translate(box, en, {"Thống kê truy cập": "Visit statistics"})
    add_sidebar_box(site, "visit_stats", box)
    translate(news_category, en, {"Tin tức - Sự kiện": "News and events"})
    translate(article, en, {article.title: "Review of administrative reform"})
    return article


@pytest.mark.parametrize(
    "language, published, grouped",
    [("vi", "14/10/2020", "18.029.085"), ("en", "14 October 2020", "18,029,085")],
)
def test_dates_and_numbers_follow_the_language_of_the_page(client, article, locales, language, published, grouped):
    page = article.get_translation(Locale.objects.get(language_code=language))
    soup = soup_of(client.get(page.url, HTTP_USER_AGENT=CRAWLER))
    assert soup.select_one('[data-meta="date"] time').text == published
    assert soup.select_one('[data-meta="views"]').text.endswith(f": {grouped}")
    assert soup.select_one('[data-visit-stat="total"]').text == grouped
    # Listings too: the category and the home page's latest news.
    for url in (page.get_parent().url, page.get_parent().get_parent().url):
        dates = [time.text for time in soup_of(client.get(url, HTTP_USER_AGENT=CRAWLER)).select(".article-card time")]
        assert dates == [published]


# What a template may print without the active language's formats: machine-readable values in
# attributes (datetime="…", content="…", data-…="…").
MACHINE_FORMATS = {"c", "Y-m-d", "Y-m", "U"}
# Variables holding counts that can pass a thousand: printed with |intcomma.
COUNT_NAMES = re.compile(r"(?:^|\.)(?:votes|total|count|visits|views|top)$|^row\.value$")


def _in_attribute(source, position):
    return source.rfind("<", 0, position) > source.rfind(">", 0, position)


def test_templates_use_the_languages_formats_for_dates_and_counts():
    problems = []
    for path in template_files():
        source = path.read_text()
        in_blocktranslate = False  # its {{ placeholders }} are formatted where they are bound
        for token in DebugLexer(source).tokenize():
            position = token.position[0]
            if token.token_type == TokenType.BLOCK and token.split_contents()[0] in ("blocktranslate", "blocktrans"):
                in_blocktranslate = True
            elif token.token_type == TokenType.BLOCK and token.contents in ("endblocktranslate", "endblocktrans"):
                in_blocktranslate = False
            if token.token_type == TokenType.VAR and not in_blocktranslate:
                expression, *filters = token.contents.split("|")
                names = [f.split(":")[0].strip() for f in filters]
                for fmt in re.findall(r"""\|(?:date|time):["']([^"']+)["']""", "|" + "|".join(filters)):
                    named = fmt in FORMAT_SETTINGS
                    if not named and not (fmt in MACHINE_FORMATS and _in_attribute(source, position)):
                        problems.append((path.name, token.contents))
                if COUNT_NAMES.search(expression.strip()) and "intcomma" not in names:
                    if not _in_attribute(source, position) and "date" not in names:
                        problems.append((path.name, token.contents))
            elif token.token_type == TokenType.BLOCK and token.split_contents()[0] == "now":
                if token.split_contents()[1].strip("'\"") not in FORMAT_SETTINGS:
                    problems.append((path.name, token.contents))
    assert problems == []


def test_python_code_formats_no_date_by_hand():
    offenders = [path.name for path in python_files() if ".strftime(" in path.read_text()]
    assert offenders == []


# --- The language switcher and hreflang links ---------------------------------------------------


def switcher(soup):
    return {a["hreflang"]: a["href"] for a in soup.select(".language-switcher a")}


def alternates(soup):
    return {link["hreflang"]: link["href"] for link in soup.select("link[rel=alternate][hreflang]")}


def test_an_article_links_to_its_translation_in_the_switcher_and_hreflang(client, article, locales):
    _vi, en = locales
    english = article.get_translation(en)
    vietnamese_page = soup_of(client.get(article.url))
    english_page = soup_of(client.get(english.url))
    assert vietnamese_page.html["lang"] == "vi" and english_page.html["lang"] == "en"
    expected = {"vi": article.url, "en": english.url}
    assert switcher(vietnamese_page) == switcher(english_page) == expected
    full = {code: f"http://testserver{url}" for code, url in expected.items()}
    assert alternates(vietnamese_page) == alternates(english_page) == full
    assert vietnamese_page.select_one(".language-switcher a[aria-current]")["hreflang"] == "vi"
    assert english_page.select_one(".language-switcher a[aria-current]")["hreflang"] == "en"


def test_an_untranslated_article_leads_to_the_nearest_translated_section_and_claims_no_alternate(
    client, make_article, locales
):
    _vi, en = locales
    article = make_article("Thông báo lịch tiếp công dân")
    soup = soup_of(client.get(article.url))
    # Its category has no English version either: the English home page.
    assert switcher(soup) == {"vi": article.url, "en": "/en/"}
    assert alternates(soup) == {"vi": f"http://testserver{article.url}"}

    category = translate(article.get_parent().specific, en, {})
    soup = soup_of(client.get(article.url))
    assert switcher(soup)["en"] == category.url != "/en/"
    assert alternates(soup) == {"vi": f"http://testserver{article.url}"}
    # A translation that is not live yet counts as none.
    english = translate(article, en, {})
    assert english.live
    assert switcher(soup_of(client.get(article.url)))["en"] == english.url
    english.unpublish()
    soup = soup_of(client.get(article.url))
    assert switcher(soup)["en"] == category.url
    # The English reader is told, in English, where the link leads instead.
    link = soup.select_one('.language-switcher a[hreflang="en"]')
    assert link["title"] == (
        "This page is not available in English yet: the link leads to the nearest section that is."
    )


def test_the_switcher_says_nothing_more_of_a_translated_page_nor_of_a_view(client, article, locales):
    english = article.get_translation(locales[1])
    for path in (article.url, english.url, "/vi/tim-kiem/?q=h%E1%BB%99i"):
        links = soup_of(client.get(path)).select(".language-switcher a")
        assert len(links) == 2 and not any(link.has_attr("title") for link in links), path


def test_a_vietnamese_reader_of_an_english_only_page_is_told_in_vietnamese(client, locales, home_en):
    english_only = home_en.add_child(instance=NewsIndexPage(title="Foreign investors", slug="foreign-investors"))
    link = soup_of(client.get(english_only.url)).select_one('.language-switcher a[hreflang="vi"]')
    assert link["href"] == "/vi/" and link["lang"] == "vi"
    assert link["title"] == "Trang này chưa có bản Tiếng Việt: liên kết dẫn đến mục gần nhất đã có bản này."


def test_the_nearest_translation_is_found_in_the_pages_own_tree(client, make_article, home_en, locales):
    # The English tree is shaped otherwise: the translation of the article's category is two
    # levels down, the article's own one level down. The article's translation is nearest.
    _vi, en = locales
    article = make_article("Lịch tiếp công dân tháng 12")
    category = translate(article.get_parent().specific, en, {})
    english = translate(article, en, {})
    elsewhere = home_en.add_child(instance=Page(title="Elsewhere", slug="elsewhere", locale=en))
    english.move(home_en, pos="last-child")
    category.move(elsewhere, pos="last-child")
    english.refresh_from_db()
    category.refresh_from_db()
    assert english.depth < category.depth
    soup = soup_of(client.get(article.url))
    assert switcher(soup)["en"] == english.url
    assert alternates(soup)["en"] == f"http://testserver{english.url}"


def test_the_poll_page_switches_to_its_translated_path(client, site, locales):
    vi, en = locales
    survey = make_survey(vi)
    translate(survey, en, {QUESTION: QUESTION_EN})
    vietnamese = soup_of(client.get(f"/vi/binh-chon/{survey.pk}/"))
    english = soup_of(client.get(f"/en/polls/{survey.pk}/"))
    paths = {"vi": f"/vi/binh-chon/{survey.pk}/", "en": f"/en/polls/{survey.pk}/"}
    assert switcher(vietnamese) == switcher(english) == paths
    assert alternates(english) == {code: f"http://testserver{path}" for code, path in paths.items()}
    assert vietnamese.html["lang"] == "vi" and english.html["lang"] == "en"


def test_the_news_feed_has_a_version_under_each_language(rf, site):
    """The RSS feed is a view, not a page: its versions are its path under each prefix."""
    request = rf.get("/vi/rss.xml")
    with translation.override("vi"):
        html = Template(
            "{% load portal_tags %}{% language_versions as v %}{% for x in v %}{{ x.code }}={{ x.url }};{% endfor %}"
        )
        rendered = html.render(Context({"request": request}))
    assert rendered == "vi=/vi/rss.xml;en=/en/rss.xml;"
    with translation.override("en"):
        assert reverse("news_feed") == "/en/rss.xml"


# --- A third language ---------------------------------------------------------------------------

THREE_LANGUAGES = [*settings.LANGUAGES, ("fr", "Français")]


@override_settings(LANGUAGES=THREE_LANGUAGES, WAGTAIL_CONTENT_LANGUAGES=THREE_LANGUAGES)
def test_a_third_language_is_a_settings_change_then_translations(client, article, news_category, home_vi):
    call_command("migrate", verbosity=0)  # creates the new language's Locale
    fr = Locale.objects.get(language_code="fr")

    translate(home_vi, fr, {"Trang chủ": "Accueil", "trang-chu": "accueil"})
    translate(news_category, fr, {"Tin tức - Sự kiện": "Actualités", "tin-tuc-su-kien": "actualites"})
    french = translate(article, fr, {article.title: "Bilan de la réforme administrative"})

    assert french.url.startswith("/fr/actualites/")
    soup = soup_of(client.get(french.url, HTTP_USER_AGENT=CRAWLER))
    assert soup.html["lang"] == "fr"
    assert soup.h1.text == "Bilan de la réforme administrative"
    assert soup.select_one('[data-meta="date"] time').text == "14 octobre 2020"  # Django's French formats
    assert switcher(soup)["fr"] == french.url and "fr" in switcher(soup_of(client.get(article.url)))
    assert alternates(soup_of(client.get(article.url)))["fr"] == f"http://testserver{french.url}"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")["Location"] == "/fr/"


# --- The English demo site ------------------------------------------------------------------------


def test_the_demo_translates_every_source_object_into_english(client, demo):
    vi, en = Locale.objects.get(language_code="vi"), Locale.objects.get(language_code="en")
    untranslated = []
    for model in get_translatable_models():
        sources = model.objects.filter(locale=vi)
        if model is Page:
            # Every page but the articles, of which some stay Vietnamese only (see below).
            sources = sources.filter(depth__gt=1).not_type(NewsArticlePage)
        untranslated += [(model.__name__, str(source)) for source in sources if not source.has_translation(en)]
    assert untranslated == []
    assert {model.__name__ for model in get_translatable_models()} >= {
        "Page",
        "AgencyProfile",
        "InfoBox",
        "Department",
        "Survey",
        "SurveyOption",
        "VisitStatsBox",
    }

    articles = NewsArticlePage.objects.live().filter(locale=en)
    assert articles.count() >= 5
    for english in articles:
        # Translated through wagtail-localize, so "Sync translated pages" works on the demo too.
        source = english.get_translation(vi)
        assert Translation.objects.filter(source__object_id=source.translation_key, target_locale=en).exists()
        assert english.title != source.title
        soup = soup_of(client.get(english.url, HTTP_USER_AGENT=CRAWLER))
        assert soup.h1.text == english.title and soup.html["lang"] == "en"


def test_the_english_demo_site_reads_in_english(client, demo):
    soup = soup_of(client.get("/en/", HTTP_USER_AGENT=CRAWLER))
    menu = [a.text for a in soup.select(".main-menu a")]
    assert menu == ["Home", "News and events", "Ward activities", "Announcements"]
    boxes = [h2.text for h2 in soup.select(".layout__sidebar .box h2")]
    assert boxes == [
        "Hotline",
        "How satisfied are you with the service of the Hai Chau District People's Committee?",
        "Visit statistics",
    ]
    english_titles = set(NewsArticlePage.objects.filter(locale__language_code="en").values_list("title", flat=True))
    cards = [a.text for a in soup.select(".article-card__title a")]
    assert len(cards) >= 5 and set(cards) <= english_titles
    # A photo with an alternative text of its own says it in English.
    festival = NewsArticlePage.objects.get(slug="street-food-festival-opens-by-the-han-river")
    photo = soup_of(client.get(festival.url, HTTP_USER_AGENT=CRAWLER)).select_one(".article-image img")
    assert photo["alt"].startswith("Diners queue at a stall") and not photo.get("lang")


def test_links_in_an_articles_text_lead_to_the_readers_language(client, make_article, locales):
    """To the linked page's translation when it has one, live; else to the page itself."""
    from wagtail.rich_text import RichText

    _vi, en = locales
    category = make_article("Tin đầu tiên").get_parent().specific
    translate(category, en, {category.title: "News"})
    translated, untranslated = make_article("Lịch tiếp dân"), make_article("Thông báo nghỉ lễ")
    english_target = translate(translated, en, {"Lịch tiếp dân": "Reception schedule"})
    text = (
        f'<p>Xem <a linktype="page" id="{translated.pk}">lịch</a> '
        f'và <a linktype="page" id="{untranslated.pk}">thông báo</a>.</p>'
    )
    article = make_article("Tin có liên kết", body=[("paragraph", RichText(text))])
    english = translate(article, en, {"Tin có liên kết": "News with links"})
    links = [a["href"] for a in BeautifulSoup(client.get(english.url).content, "html.parser").select(".rich-text a")]
    assert links == [english_target.url, untranslated.url]
    links = [a["href"] for a in BeautifulSoup(client.get(article.url).content, "html.parser").select(".rich-text a")]
    assert links == [translated.url, untranslated.url]
    english_target.unpublish()
    links = [a["href"] for a in BeautifulSoup(client.get(english.url).content, "html.parser").select(".rich-text a")]
    assert links == [translated.url, untranslated.url]
