"""The fragments that pages share (home/fragments.py): the header, main menu, sidebar, footer,
agency profile and site home come from the cache when the page cache misses, and every change
that invalidates the page cache shows on the next page rendered; nothing is shared between
languages, nor with signed-in users or previews."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone, translation
from wagtail.blocks import StreamBlockValidationError

from home.demo import add_sidebar_box, translate
from home.fragments import fragment_key
from home.models import AgencyProfile, Department, InfoBox, PortalSettings
from home.templatetags.portal_tags import _polls_change_in
from news.models import NewsIndexPage
from tests.test_feedback import make_survey
from visits.models import VisitStatsBox
from visits.stats import site_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def poll(site, locales):
    survey = make_survey(locales[0], question="Bạn có hài lòng không?")
    add_sidebar_box(site, "poll", survey)
    return survey


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def footer(response):
    return soup(response).select_one(".site-footer").get_text(" ", strip=True)


def menu(response):
    return [link.get_text(strip=True) for link in soup(response).select(".main-menu a")]


def sidebar(response):
    return soup(response).select_one(".layout__sidebar").get_text(" ", strip=True)


def twice(client, path):
    """The second of two renders of `path`: the first filled the fragments."""
    client.get(path)
    return client.get(path)


def test_shared_fragments_are_served_from_the_cache(client, site, home_vi, info_box, django_assert_max_num_queries):
    first = client.get("/vi/")
    with django_assert_max_num_queries(8):
        second = client.get("/vi/")
    assert second.content == first.content


def test_editing_the_agency_profile_shows_on_the_next_page(client, site, home_vi, make_article):
    article = make_article("Tin đầu tiên")
    twice(client, article.url)
    agency = AgencyProfile.objects.get(locale__language_code="vi")
    agency.name = "Ủy ban nhân dân phường Đổi Tên"
    agency.phone = "0236 111 222"
    agency.save()
    response = client.get(article.url)
    assert "Ủy ban nhân dân phường Đổi Tên" in soup(response).select_one(".brand").get_text()
    assert "Ủy ban nhân dân phường Đổi Tên" in footer(response) and "0236 111 222" in footer(response)
    assert "Ủy ban nhân dân phường Đổi Tên" in soup(response).title.get_text()


def test_editing_a_sidebar_snippet_shows_on_the_next_page(client, site, home_vi, info_box, locales):
    assert "Đường dây nóng" in sidebar(twice(client, "/vi/"))
    assert "Hotline" in sidebar(twice(client, "/en/"))
    info_box.title = "Đường dây nóng 24/7"
    info_box.save()
    assert "Đường dây nóng 24/7" in sidebar(client.get("/vi/"))
    english = info_box.get_translation(locales[1])
    english.title = "Hotline, day and night"
    english.save()
    assert "Hotline, day and night" in sidebar(client.get("/en/"))


def test_changing_the_portal_settings_shows_on_the_next_page(client, site, home_vi, info_box):
    assert "Đường dây nóng" in sidebar(twice(client, "/vi/"))
    settings = PortalSettings.for_site(site)
    settings.sidebar = []
    settings.save()
    assert "Đường dây nóng" not in sidebar(client.get("/vi/"))


def test_publishing_and_unpublishing_a_category_updates_the_main_menu(client, site, home_vi, make_category):
    assert menu(twice(client, "/vi/")) == ["Trang chủ"]
    category = make_category("Thông báo")
    assert menu(client.get("/vi/")) == ["Trang chủ", "Thông báo"]
    NewsIndexPage.objects.get(pk=category.pk).unpublish()
    assert menu(client.get("/vi/")) == ["Trang chủ"]


def test_the_main_menu_marks_the_page_it_is_on(client, site, home_vi, make_category):
    category = make_category("Thông báo")
    twice(client, "/vi/")
    for path, current in (("/vi/", "Trang chủ"), (category.url, "Thông báo")):
        marked = soup(client.get(path)).select('.main-menu a[aria-current="page"]')
        assert [link.get_text(strip=True) for link in marked] == [current]


def test_the_main_menu_marks_the_section_of_the_page_it_is_on(client, site, home_vi, make_category, make_article):
    category = make_category("Thông báo")
    article = make_article("Tin", parent=make_category("Khen thưởng", parent=category))
    twice(client, "/vi/")
    for path in (article.url, article.get_parent().url):
        menu_links = soup(client.get(path)).select(".main-menu a")
        assert [(link.get_text(strip=True), link.get("aria-current")) for link in menu_links] == [
            ("Trang chủ", None),
            ("Tin tức - Sự kiện", None),
            ("Thông báo", "true"),
        ]
    assert not soup(client.get("/vi/tim-kiem/?q=a")).select(".main-menu a[aria-current]")


def test_each_language_has_its_own_fragments(client, site, home_vi, home_en, info_box):
    twice(client, "/vi/")
    english = client.get("/en/")
    assert "Thu Nghiem Ward People's Committee" in footer(english) and "Hotline" in sidebar(english)
    assert "Thử Nghiệm" not in footer(english) and "Đường dây nóng" not in sidebar(english)
    assert menu(english) == ["Home"]
    vietnamese = client.get("/vi/")
    assert "Thử Nghiệm" in footer(vietnamese) and "Hotline" not in sidebar(vietnamese)


def test_the_poll_box_names_the_page_it_is_on(client, site, home_vi, poll, make_article):
    first, second = make_article("Tin thứ nhất"), make_article("Tin thứ hai")
    twice(client, first.url)
    for article in (first, second):
        form = soup(client.get(article.url + "?page=1")).select_one("form[data-poll-form]")
        assert form.select_one('input[name="page"]')["value"] == str(article.pk)
        assert form.select_one('input[name="next"]')["value"] == article.url + "?page=1"
    form = soup(client.get("/vi/tim-kiem/?q=a&b=<c>")).select_one("form[data-poll-form]")
    assert form.select_one('input[name="page"]') is None
    assert form.select_one('input[name="next"]')["value"] == "/vi/tim-kiem/?q=a&b=%3Cc%3E"


def test_the_poll_box_leaves_out_the_tracking_parameters_the_page_cache_ignores(
    client, site, home_vi, poll, make_article
):
    # The page stored for this address is served to every reader of a shared link: the box must
    # not send them all back with the first reader's click id.
    article = make_article("Tin")
    response = client.get(article.url + "?fbclid=IwAR0abc&page=1&utm_source=zalo")
    assert soup(response).select_one('form[data-poll-form] input[name="next"]')["value"] == article.url + "?page=1"


def test_content_not_translated_yet_is_marked_with_its_language(
    client, site, home_en, poll, info_box, make_article, news_category, locales
):
    vi, en = locales
    article = make_article(
        "Có thẻ", tags=["dân vận khéo"], department=Department.objects.create(locale=vi, name="Tổ dân phố")
    )
    translate(news_category, en, {"Tin tức - Sự kiện": "News and events"})
    english = translate(article, en, {"Có thẻ": "Tagged"})
    for _ in range(2):  # the fragments made, then read from the cache
        page = soup(client.get(english.url))
        # The poll and the department have no English version yet; the information box has one.
        poll_box = page.select_one("[data-poll]")
        assert poll_box.select_one(".box__title")["lang"] == "vi"
        assert {label["lang"] for label in poll_box.select(".poll__option")} == {"vi"}
        assert "lang" not in page.select_one(f"#info-box-{info_box.get_translation(en).pk}").parent.attrs
        posted_by = page.select_one('[data-meta="unit"] span[lang]')
        assert (posted_by["lang"], posted_by.text) == ("vi", "Tổ dân phố")
        assert page.select_one('a[rel="tag"]')["lang"] == "vi"
    # On the Vietnamese page, all of it is in the page's language.
    assert not soup(client.get(article.url)).select("main [lang], aside [lang]")


def test_the_agency_a_tag_and_a_document_not_translated_yet_are_marked_with_their_language(
    client, site, home_en, make_article, news_category, locales
):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    vi, en = locales
    agency = PortalSettings.for_site(site).agency
    agency.address = "24 Trần Phú"
    agency.footer_text = "<p>Bản quyền thuộc UBND phường</p>"
    agency.save()
    agency.get_translation(en).delete()  # the profile is shown as written, in Vietnamese
    document = get_document_model()(title="Kế hoạch tổ chức")
    document.file.save("ke-hoach.txt", ContentFile(b"Ke hoach"), save=False)
    document.save()
    article = make_article("Có tệp", tags=["dân vận khéo"], body=[("document", {"document": document, "title": ""})])
    translate(news_category, en, {"Tin tức - Sự kiện": "News and events"})
    english = translate(article, en, {"Có tệp": "With a file"})
    for _ in range(2):  # the fragments made, then read from the cache
        page = soup(client.get(english.url))
        marked = [
            page.select_one(".brand__text"),
            page.select_one(".site-footer__name"),
            page.select_one(".site-footer__contacts span span"),
            page.select_one(".site-footer__text"),
            page.select_one(".article__agency"),
            page.select_one(".article-document a"),
        ]
        assert [element.get("lang") for element in marked] == ["vi"] * len(marked)
        assert marked[2].get_text() == "24 Trần Phú" and marked[5].get_text() == "Kế hoạch tổ chức"
        tagged = soup(client.get(english.get_parent().url + "?tag=dan-van-kheo")).select_one("h1")
        assert tagged.select_one("span")["lang"] == "vi" and tagged.select_one("span").get_text() == "dân vận khéo"
    # On the Vietnamese pages, all of it is in the page's language.
    assert not soup(client.get(article.url)).select("body [lang]:not(.language-switcher [lang])")
    assert not soup(client.get(news_category.url + "?tag=dan-van-kheo")).select("h1 [lang]")


def test_a_box_is_placed_in_the_sidebar_once(site, info_box, locales):
    sidebar = PortalSettings._meta.get_field("sidebar").stream_block
    english = info_box.get_translation(locales[1])
    other = InfoBox.objects.create(locale=locales[0], title="Giờ làm việc", body="<p>7h30 - 17h00</p>")
    # Again, or its English version (which English pages would show twice).
    for again in (info_box, english):
        chosen = sidebar.to_python([{"type": "info_box", "value": box.pk} for box in (info_box, other, again)])
        with pytest.raises(StreamBlockValidationError) as refused, translation.override("vi"):
            sidebar.clean(chosen)
        assert list(refused.value.block_errors) == [2]
        assert refused.value.block_errors[2].messages == ["Hộp này đã có trong cột bên."]
    assert len(sidebar.clean(sidebar.to_python([{"type": "info_box", "value": box.pk} for box in (info_box, other)])))


def test_the_sidebar_expires_when_one_of_its_polls_opens_or_closes(site, locales):
    vi = locales[0]
    closing = make_survey(vi, question="Sắp đóng", closes_in_days=1)
    opening = make_survey(vi, question="Sắp mở", opens_in_days=2)
    settings = PortalSettings.for_site(site)
    settings.sidebar = [("poll", closing), ("poll", opening)]
    settings.save()
    boxes = settings.sidebar.stream_block.boxes_in_language(settings.sidebar)
    seconds = _polls_change_in(boxes)
    assert timedelta(days=1) - timedelta(seconds=5) < timedelta(seconds=seconds) <= timedelta(days=1, seconds=1)
    closing.closes_at = timezone.now() - timedelta(days=1)
    closing.save()
    assert _polls_change_in(settings.sidebar.stream_block.boxes_in_language(settings.sidebar)) > seconds


def test_the_visit_figures_are_not_cached_with_the_sidebar(client, site, home_vi, locales, monkeypatch):
    box = VisitStatsBox.objects.create(locale=locales[0], title="Thống kê truy cập")
    add_sidebar_box(site, "visit_stats", box)
    twice(client, "/vi/")
    figures = site_figures(site.pk)
    monkeypatch.setattr(
        "visits.templatetags.visits_tags.site_figures", lambda site_id: {**figures, "today": 4321, "total": 98765}
    )
    text = sidebar(client.get("/vi/"))
    assert "4.321" in text and "98.765" in text


def _anonymous_footer_key(site):
    request = RequestFactory().get("/vi/")
    request.user = AnonymousUser()
    with translation.override("vi"):
        return fragment_key(request, "footer")


def test_signed_in_editors_neither_read_nor_store_fragments(client, admin_client, site, home_vi):
    key = _anonymous_footer_key(site)
    cache.set(key, ("<p>POISONED</p>",))
    assert "POISONED" in client.get("/vi/").text  # the key is the anonymous visitors' footer
    assert "POISONED" not in admin_client.get("/vi/").text
    cache.clear()
    admin_client.get("/vi/")
    assert cache.get(key) is None


def test_previews_never_use_fragments(site, home_vi):
    request = RequestFactory().get("/vi/")
    request.user = AnonymousUser()
    request.is_preview = True
    assert fragment_key(request, "footer") is None


def test_fragments_can_be_turned_off(client, site, home_vi, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    client.get("/vi/")
    assert _anonymous_footer_key(site) is None
    agency = AgencyProfile.objects.get(locale__language_code="vi")
    AgencyProfile.objects.filter(pk=agency.pk).update(name="Đổi tên không qua tín hiệu")
    assert "Đổi tên không qua tín hiệu" in footer(client.get("/vi/"))


def test_renaming_a_department_shows_on_its_articles(client, site, make_article, department, locales):
    article = make_article("Tin đầu tiên")
    twice(client, article.url)
    department.name = "Văn phòng UBND"
    department.save()
    meta = soup(client.get(article.url)).select_one('[data-meta="unit"]').get_text()
    assert "Văn phòng UBND" in meta


def test_the_language_switcher_follows_the_home_pages(client, site, home_en, make_article):
    article = make_article("Tin chưa dịch")
    switcher = soup(twice(client, article.url)).select_one('.language-switcher a[hreflang="en"]')
    assert switcher["href"] == home_en.url
    home_en.unpublish()
    # No English site any more: English is not offered, and its addresses lead to the Vietnamese pages.
    page = soup(client.get(article.url))
    assert not page.select(".language-switcher") and not page.select("link[hreflang=en]")
    english_address = article.url.replace("/vi/", "/en/", 1)
    response = client.get(english_address, {"utm_source": "zalo"})
    assert (response.status_code, response["Location"]) == (302, f"{article.url}?utm_source=zalo")
    assert client.get("/en/").url == "/vi/"
    assert client.get("/en/rss.xml").status_code == 404  # not the Vietnamese news, called English
    assert client.get("/vi/rss.xml").status_code == 200


def test_renaming_a_category_updates_its_articles_breadcrumb(client, site, news_category, make_article):
    article = make_article("Tin đầu tiên")
    crumbs = soup(twice(client, article.url)).select(".breadcrumb a")
    assert [crumb.get_text() for crumb in crumbs] == ["Trang chủ", "Tin tức - Sự kiện"]
    news_category.title = "Tin tức"
    news_category.slug = "tin-tuc"
    news_category.save_revision().publish()
    article.refresh_from_db()
    crumbs = soup(client.get(article.url)).select(".breadcrumb a")
    links = [(crumb.get_text(), crumb["href"]) for crumb in crumbs]
    assert links == [("Trang chủ", "/vi/"), ("Tin tức", "/vi/tin-tuc/")]


def test_a_deploy_renders_the_fragments_anew(client, site, home_vi, settings):
    twice(client, "/vi/")
    agency = AgencyProfile.objects.get(locale__language_code="vi")
    AgencyProfile.objects.filter(pk=agency.pk).update(name="Tên do bản phát hành mới hiển thị")
    assert "Tên do bản phát hành mới hiển thị" not in footer(client.get("/vi/"))  # no signal: still cached
    settings.RELEASE = "the next release"
    assert "Tên do bản phát hành mới hiển thị" in footer(client.get("/vi/"))
