"""Issue 8: the public search, accent-insensitive in both directions, on SQLite and PostgreSQL
alike (the suite runs on both); and the admin's search of Vietnamese titles (issue 7)."""

import importlib
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from wagtail.contrib.search_promotions.models import Query as PromotionQuery
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.rich_text import RichText

from home.demo import demo_image, translate
from home.models import HomePage
from home.text import fold
from news.demo import DAN_VAN_KHEO
from news.models import NewsArticlePage, NewsIndexPage
from search.models import SearchEntry
from search.terms import MAX_QUERY_LENGTH, MAX_TERMS, Query, excerpt, highlight, index_words, match_spans

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2024, 6, 15, 9, 0, tzinfo=TZ)
FILLER_LEAD = "Tóm lược sẽ cập nhật sau."
FILLER_BODY = [("paragraph", RichText("<p>Nội dung đang cập nhật.</p>"))]
MARKER = '<script>alert("x")</script>'


def search_url(language="vi"):
    with translation.override(language):
        return reverse("search:search")


def search(client, language="vi", **params):
    return client.get(search_url(language), params)


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def titles(response):
    """The titles of the results (promotions apart), in order."""
    assert response.status_code == 200, response.status_code
    return [link.get_text() for link in soup_of(response).select(".search-results .search-result__title a")]


def promoted(response):
    return [link.get_text() for link in soup_of(response).select(".search-promotions .search-result__title a")]


@pytest.fixture
def article(make_article):
    """Publish an article with a neutral lead and body unless given; `days_ago` from NOW."""

    def make(title, lead=FILLER_LEAD, body=FILLER_BODY, days_ago=0, **fields):
        fields.setdefault("publication_date", NOW - timedelta(days=days_ago))
        return make_article(title, lead=lead, body=list(body), **fields)

    return make


# --- Accents and case ---------------------------------------------------------------------------


def test_queries_with_or_without_accents_and_in_capitals_find_the_same_articles(client, article):
    dan_van = article("Hội nghị sơ kết phong trào dân vận khéo")
    in_body = article(
        "Biểu dương mô hình tiêu biểu",
        body=[("paragraph", RichText("<p>Các phường thi đua <b>dân vận khéo</b> trong cải cách hành chính.</p>"))],
    )
    article("Dân số và kế hoạch hóa gia đình")  # "dân" alone: every word must be there
    article("Khéo tay hay làm", lead="Vận động phụ nữ làm đồ thủ công.")  # the words spread, "dân" missing
    expected = [dan_van.title, in_body.title]
    for query in ("dan van kheo", "dân vận khéo", "DÂN VẬN KHÉO", "Dân Vận Khéo", "  dan   VAN kheo!  "):
        assert titles(search(client, q=query)) == expected, query


def test_d_with_stroke_and_accents_match_in_both_directions(client, article):
    accented = article("Đà Nẵng đón khách quốc tế", days_ago=5)
    plain = article("Lễ hội pháo hoa quốc tế Da Nang", days_ago=1)  # written without accents
    article("Dân làng ven sông", days_ago=0)  # "dan", never "da nang"
    assert titles(search(client, q="da nang")) == [plain.title, accented.title]
    assert titles(search(client, q="Đà Nẵng")) == [accented.title, plain.title]
    assert titles(search(client, q="ĐÀ NẴNG")) == [accented.title, plain.title]


def test_a_query_typed_with_accents_ranks_the_exact_accents_first(client, article):
    table = article("Bàn giao nhà tình nghĩa cho gia đình chính sách", days_ago=30)
    sale = article("Bán đấu giá quyền sử dụng đất tại phường", days_ago=20)
    board = article("Ban chỉ đạo phòng chống thiên tai họp triển khai", days_ago=10)
    assert titles(search(client, q="bàn"))[0] == table.title
    assert titles(search(client, q="bán"))[0] == sale.title
    assert titles(search(client, q="ban"))[0] == board.title
    for query in ("bàn", "bán", "ban", "BAN"):
        assert set(titles(search(client, q=query))) == {table.title, sale.title, board.title}, query


def test_both_placements_of_a_tone_mark_are_the_same_word(client, article):
    # "Uỷ ban", "hoà", "khoẻ" are written "Ủy ban", "hòa", "khỏe" too: both are taught.
    old_style = article("Uỷ ban nhân dân phường tổ chức hoà giải", days_ago=9)
    new_style = article("Ủy ban Mặt trận kêu gọi giữ gìn sức khỏe", days_ago=1)
    other = article("Ban quản lý chợ Hàn họp giao ban", days_ago=2)
    for query in ("ủy ban", "Uỷ ban"):
        assert titles(search(client, q=query))[:2] == [new_style.title, old_style.title], query
    assert titles(search(client, q="hòa giải")) == titles(search(client, q="hoà giải")) == [old_style.title]
    assert titles(search(client, q="khoẻ"))[0] == new_style.title
    assert other.title in titles(search(client, q="ban"))


def test_an_index_made_before_holds_one_placement_after_the_migration(article):
    import importlib

    from django.apps import apps

    from search.models import SearchEntry

    page = article("Uỷ ban nhân dân phường tổ chức hoà giải", lead="Khoẻ mạnh", days_ago=1)
    SearchEntry.objects.filter(page=page).update(title_words=" uỷ ban ", lead_words=" khoẻ mạnh ")
    importlib.import_module("search.migrations.0004_one_tone_placement").place_tones(apps, None)
    entry = SearchEntry.objects.get(page=page)
    assert entry.title_words.startswith(" ủy ban nhân dân ") and entry.lead_words == " khỏe mạnh "


def test_a_word_typed_with_accents_ranks_its_exact_form_anywhere_above_another_word_in_a_title(client, article):
    # "chợ" (market) in an article's text, "cho" (for) in two titles.
    market = article(
        "Sắp xếp lại các điểm kinh doanh",
        body=[("paragraph", RichText("<p>Ban quản lý chợ Hàn bố trí lại các quầy hàng.</p>"))],
        days_ago=9,
    )
    for_citizens = [article("Cấp thẻ bảo hiểm y tế cho người cao tuổi", days_ago=1)]
    for_citizens.append(article("Hỗ trợ cho hộ kinh doanh nhỏ", days_ago=2))
    assert titles(search(client, q="chợ"))[0] == market.title
    assert titles(search(client, q="cho"))[:2] == [article.title for article in for_citizens]


def test_words_typed_without_accents_rank_by_where_they_occur_not_by_chance_plain_words(client, article):
    # A phone's "hai chau": the plain word "hai" (two) in another article's text proves nothing.
    in_title = article("Hải Châu tổng kết công tác cải cách hành chính", days_ago=9)
    by_chance = article(
        "Đoàn công tác tỉnh bạn thăm quận",
        body=[("paragraph", RichText("<p>Trong hai ngày, đoàn làm việc với quận Hải Châu.</p>"))],
        days_ago=1,
    )
    assert titles(search(client, q="hai chau")) == [in_title.title, by_chance.title]


def test_a_word_typed_with_accents_gains_nothing_from_another_spelling_elsewhere(client, article):
    # "hải châu" typed with accents: "Mười hai" (twelve) in an older article's lead is not "hải".
    newer = article("Quận Hải Châu: tổng kết năm học", days_ago=1)
    older = article("Phường Hải Châu I khai mạc giải bóng đá", lead="Mười hai đội bóng tham dự giải.", days_ago=90)
    assert titles(search(client, q="hải châu")) == [newer.title, older.title]


def test_the_words_typed_together_rank_first(client, article):
    together = article(
        "Tin hoạt động tuần",
        body=[("paragraph", RichText("<p>Quận tổ chức hội nghị tổng kết công tác dân vận.</p>"))],
        days_ago=9,
    )
    apart = article(
        "Phát triển kinh tế - xã hội năm 2026",
        body=[("paragraph", RichText("<p>Thực hiện nghị quyết của Hội đồng nhân dân.</p>"))],
        days_ago=1,
    )
    for query in ("hội nghị", "hoi nghi"):
        assert titles(search(client, q=query)) == [together.title, apart.title], query


def test_the_upgrade_fills_in_the_bodys_words_from_the_index(article):
    page = article("Tin cũ", body=[("paragraph", RichText("<p>Chợ Hàn, Đà Nẵng.</p>"))])
    SearchEntry.objects.filter(page=page).update(body_words="")
    importlib.import_module("search.migrations.0002_body_words").fill_body_words(django_apps, None)
    assert SearchEntry.objects.get(page=page).body_words == " chợ hàn đà nẵng "


def test_words_match_whole_words_only(client, article):
    article("Bảng giá đất năm 2024")  # "bang", which contains "ban" but is another word
    assert titles(search(client, q="ban")) == []
    assert titles(search(client, q="bảng giá")) == ["Bảng giá đất năm 2024"]


# --- Ranking: title, lead, body -------------------------------------------------------------------


def test_the_title_outranks_the_lead_which_outranks_the_body(client, article):
    photo = demo_image("Người dân trồng cây xanh trên vỉa hè", seed=91, size=(64, 48))
    in_body = article(
        "Tin thứ ba", body=[("paragraph", RichText("<p>Quận phát động phong trào trồng cây xanh.</p>"))], days_ago=1
    )
    in_heading = article("Tin thứ tư", body=[("heading", "Trồng cây xanh"), *FILLER_BODY], days_ago=2)
    in_caption = article(
        "Tin thứ năm",
        body=[("gallery", {"intro": "", "images": [{"image": photo, "caption": "Trồng cây xanh ở phường"}]})],
        days_ago=3,
    )
    in_lead = article("Tin thứ hai", lead="Hơn 500 cây xanh được trồng mới trong năm.", days_ago=4)
    in_title = article("Trồng cây xanh trên các kiệt, hẻm", days_ago=5)
    found = titles(search(client, q="cay xanh"))
    assert found[:2] == [in_title.title, in_lead.title]
    # The body weighs the same wherever its text comes from; newer first among equals.
    assert found[2:] == [in_body.title, in_heading.title, in_caption.title]


def test_photo_descriptions_in_a_gallery_are_searched(client, article):
    photo = demo_image("Khinh khí cầu trên sông Hàn", seed=92, size=(64, 48))
    with_photo = article(
        "Lễ hội mùa hè", body=[("gallery", {"intro": "", "images": [{"image": photo, "caption": ""}]})]
    )
    assert titles(search(client, q="khinh khi cau")) == [with_photo.title]
    # A photo with an alternative text of its own is read as that text, as the page shows it.
    other = demo_image("Pháo hoa trên cầu Rồng", seed=93, size=(64, 48))
    with_own_text = article(
        "Đêm pháo hoa",
        body=[("image", {"image": other, "alt_text": "Thuyền rồng trên sông", "caption": "", "credit": ""})],
    )
    assert titles(search(client, q="thuyen rong")) == [with_own_text.title]
    assert titles(search(client, q="phao hoa tren cau")) == []


def test_the_excerpt_marks_accented_words_that_an_unaccented_query_matched(client, article):
    article(
        "Hội nghị tổng kết năm",
        lead="Ủy ban nhân dân <quận> tổng kết công tác năm.",
        body=[("paragraph", RichText("<p>Đại biểu thành phố Đà Nẵng dự hội nghị.</p>"))],
    )
    soup = soup_of(search(client, q="da nang"))
    result = soup.select_one(".search-results .search-result")
    assert [mark.get_text() for mark in result.select(".search-result__excerpt mark")] == ["Đà", "Nẵng"]
    response = search(client, q="tong ket")
    assert "&lt;quận&gt;" in response.text and "<quận>" not in response.text
    marks = [mark.get_text() for mark in soup_of(response).select(".search-result mark")]
    assert marks == ["tổng", "kết", "tổng", "kết"]  # in the title, then in the lead


# --- Which pages -----------------------------------------------------------------------------------


def test_the_english_site_searches_english_pages(client, article, news_category, locales):
    _vi, en = locales
    vietnamese = article("Hội thao công nhân viên chức", lead="Hơn 300 vận động viên tham gia.")
    translate(news_category, en, {news_category.title: "News"})
    english = translate(
        vietnamese, en, {vietnamese.title: "Sports festival of civil servants", vietnamese.lead: "Over 300 athletes."}
    )
    assert titles(search(client, "en", q="festival")) == [english.title]
    assert titles(search(client, "vi", q="festival")) == []
    assert titles(search(client, "vi", q="hoi thao")) == [vietnamese.title]
    assert titles(search(client, "en", q="hoi thao")) == []
    assert search_url("en") == "/en/search/" and search_url("vi") == "/vi/tim-kiem/"


def test_english_words_are_found_in_any_of_their_forms(client, article, news_category, locales):
    _vi, en = locales
    vietnamese = article("Quận tổ chức các cuộc họp tổ dân phố", lead="Các cuộc họp diễn ra trong tháng Ba.")
    translate(news_category, en, {news_category.title: "News"})
    english = translate(
        vietnamese,
        en,
        {vietnamese.title: "The district holds meetings of residential groups", vietnamese.lead: "They met in March."},
    )
    for query in ("meeting", "Meetings", "holding meeting", "residential group", "group meets"):
        assert titles(search(client, "en", q=query)) == [english.title], query
    assert titles(search(client, "en", q="meetinghouse")) == []
    soup = soup_of(search(client, "en", q="meeting group"))
    assert [mark.get_text() for mark in soup.select(".search-result__title mark")] == ["meetings", "groups"]
    # Vietnamese words are matched as written.
    assert SearchEntry.objects.get(page=english).title_folded == " the district hold meet of residenti group "
    assert SearchEntry.objects.get(page=vietnamese).title_folded == " quan to chuc cac cuoc hop to dan pho "
    assert titles(search(client, "vi", q="cuộc họp")) == [vietnamese.title]
    assert index_words("Meetings", "en-gb") == ["meet"] and index_words("Meetings", None) == ["meetings"]
    # An English possessive is the word itself, not the word and a lone "s" every result must hold.
    assert titles(search(client, "en", q="district's meetings")) == [english.title]
    assert index_words("The district’s groups", "en") == ["the", "district", "group"]

    # Entries indexed before stemming are stemmed by the upgrade.
    SearchEntry.objects.filter(page=english).update(title_folded=" the district holds meetings of residential groups ")
    importlib.import_module("search.migrations.0003_stemmed_words").stem_words(django_apps, None)
    assert SearchEntry.objects.get(page=english).title_folded == " the district hold meet of residenti group "


def test_the_language_switcher_takes_the_words_and_dates_of_a_search_to_the_other_language(
    client, article, news_category, locales
):
    _vi, en = locales
    translate(news_category, en, {news_category.title: "News"})
    vietnamese = article("Festival hoa đăng sông Hàn", publication_date=NOW)
    translate(vietnamese, en, {vietnamese.title: "Han river lantern festival"})
    page = soup_of(search(client, q="festival", date_from="01/06/2024", category=news_category.pk))
    english_url = page.select_one(".language-switcher a[hreflang=en]")["href"]
    assert english_url == f"{search_url('en')}?q=festival&date_from=2024-06-01"
    english = client.get(english_url)
    assert titles(english) == ["Han river lantern festival"]
    assert soup_of(english).select_one("#id_q")["value"] == "festival"


def test_only_live_public_unexpired_pages_of_the_site_are_found(
    client, article, news_category, make_category, department
):
    public = article("Kiểm tra an toàn thực phẩm công khai")
    draft = news_category.add_child(
        instance=NewsArticlePage(
            title="Kiểm tra an toàn thực phẩm bản nháp",
            lead=FILLER_LEAD,
            body=FILLER_BODY,
            department=department,
            live=False,
        )
    )
    draft.save_revision()
    article("Kiểm tra an toàn thực phẩm đã gỡ").unpublish()
    private = article("Kiểm tra an toàn thực phẩm nội bộ")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="mật")
    expired = article("Kiểm tra an toàn thực phẩm hết hạn")
    NewsArticlePage.objects.filter(pk=expired.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    internal = make_category("Tin nội bộ")
    PageViewRestriction.objects.create(page=internal, restriction_type=PageViewRestriction.LOGIN)
    article("Kiểm tra an toàn thực phẩm trong chuyên mục nội bộ", parent=internal)

    other_home = Page.get_first_root_node().add_child(instance=HomePage(title="Phường khác", slug="phuong-khac"))
    other_home.save_revision().publish()
    Site.objects.create(hostname="other.example", root_page=other_home)
    other_category = other_home.add_child(instance=NewsIndexPage(title="Tin phường"))
    other_category.save_revision().publish()
    article("Kiểm tra an toàn thực phẩm ở site khác", parent=other_category)

    assert titles(search(client, q="kiem tra an toan thuc pham")) == [public.title]


def test_unpublishing_an_article_removes_it_from_the_results_at_once(client, article):
    first = article("Khánh thành cầu đi bộ qua sông")
    second = article("Khánh thành nhà văn hóa khối phố")
    assert set(titles(search(client, q="khanh thanh"))) == {first.title, second.title}
    first.unpublish()
    assert titles(search(client, q="khanh thanh")) == [second.title]
    assert not SearchEntry.objects.filter(page=first).exists()


def test_deleting_an_article_removes_it_from_the_results(client, article):
    gone = article("Khánh thành cầu đi bộ qua sông")
    gone.delete()
    assert titles(search(client, q="khanh thanh")) == []
    assert not SearchEntry.objects.filter(page_id=gone.pk).exists()


def test_the_results_follow_the_published_version_not_drafts(client, article):
    page = article("Khánh thành cầu đi bộ")
    page.title = "Thông xe cầu đi bộ"
    page.save_revision()  # a draft: the live page still says "Khánh thành"
    assert titles(search(client, q="khanh thanh")) == ["Khánh thành cầu đi bộ"]
    assert titles(search(client, q="thong xe")) == []
    page.get_latest_revision().publish()
    assert titles(search(client, q="thong xe")) == ["Thông xe cầu đi bộ"]
    assert titles(search(client, q="khanh thanh")) == []


# --- Filters and pages ---------------------------------------------------------------------------


def test_the_category_filter_covers_sub_categories(client, article, news_category, sub_category, make_category):
    notices = make_category("Thông báo")
    in_news = article("Lịch tiếp công dân tháng 6")
    in_digital = article("Lịch tiếp công dân trực tuyến", parent=sub_category)
    in_notices = article("Lịch tiếp công dân của Chủ tịch", parent=notices)
    query = "lich tiep cong dan"
    assert set(titles(search(client, q=query, category=news_category.pk))) == {in_news.title, in_digital.title}
    assert titles(search(client, q=query, category=sub_category.pk)) == [in_digital.title]
    assert titles(search(client, q=query, category=notices.pk)) == [in_notices.title]
    options = [option.get_text() for option in soup_of(search(client, q=query)).select("#id_category option")]
    assert options == ["Tất cả chuyên mục", news_category.title, f"\u2014 {sub_category.title}", notices.title]


def test_the_date_filter_takes_days_in_the_visitors_format_and_includes_both_ends(client, article):
    tz_now = datetime(2024, 3, 10, 23, 30, tzinfo=TZ)
    article("Ra quân dọn vệ sinh đầu năm", publication_date=tz_now - timedelta(days=60))
    late_evening = article("Ra quân dọn vệ sinh cuối tuần", publication_date=tz_now)
    next_morning = article("Ra quân dọn vệ sinh ngày mới", publication_date=tz_now + timedelta(hours=1))
    query = "ra quan don ve sinh"
    typed = search(client, q=query, date_from="01/03/2024", date_to="10/03/2024")
    assert titles(typed) == [late_evening.title]
    # Shown back in the date boxes as typed, for the next search; each box says how to type a date.
    for name, value in (("date_from", "01/03/2024"), ("date_to", "10/03/2024")):
        box = soup_of(typed).select_one(f"input[name={name}]")
        assert (box["type"], box["value"]) == ("text", value)
        assert soup_of(typed).select_one(f"#{box['aria-describedby']}").get_text() == "ngày/tháng/năm"
    # An ISO date (the language switcher's links carry them) is shown as the page writes dates.
    iso = search(client, q=query, date_from="2024-03-11")
    assert titles(iso) == [next_morning.title]
    assert soup_of(iso).select_one("input[name=date_from]")["value"] == "11/03/2024"
    assert titles(search(client, "en", q=query, date_to="10/03/2024")) == []  # no English pages


def test_a_category_found_has_no_date_and_a_date_range_leaves_it_out(client, article, news_category):
    news_category.title = "Vệ sinh môi trường"
    news_category.save_revision().publish()
    found = article("Ra quân dọn vệ sinh", publication_date=timezone.now())
    results = soup_of(search(client, q="ve sinh")).select(".search-result")
    dated = {item.select_one(".search-result__title").get_text().strip(): bool(item.time) for item in results}
    assert dated == {"Vệ sinh môi trường": False, found.title: True}
    today = timezone.localdate().isoformat()
    assert titles(search(client, q="ve sinh", date_from=today)) == [found.title]


def test_bad_filters_are_refused_with_a_message_in_the_visitors_language(client, article, news_category):
    article("Ra quân dọn vệ sinh")
    for params, message in [
        ({"date_from": "31/02/2024"}, "Nhập ngày theo dạng 14/10/2020."),
        ({"date_from": "01/01/0001"}, "Nhập ngày trong khoảng từ 01/01/1900 đến 31/12/2999."),
        ({"date_to": "9999-12-31"}, "Nhập ngày trong khoảng từ 01/01/1900 đến 31/12/2999."),
        ({"date_from": "10/03/2024", "date_to": "01/03/2024"}, "Ngày kết thúc trước ngày bắt đầu."),
        ({"category": "9" * 40}, "Hãy chọn một chuyên mục trong danh sách."),
    ]:
        response = search(client, q="ra quan", **params)
        assert response.status_code == 400, params
        assert message in soup_of(response).select_one(".search-errors").get_text(), params
        assert not soup_of(response).select(".search-results")
    # A date that is no date stays as typed, to be mended.
    mistyped = soup_of(search(client, q="ra quan", date_from="31/02/2024"))
    assert mistyped.select_one("input[name=date_from]")["value"] == "31/02/2024"


def test_results_come_ten_a_page(client, article):
    for number in range(23):
        article(f"Thông báo lịch cắt điện số {number}", days_ago=number)
    first = search(client, q="lich cat dien")
    assert titles(first) == [f"Thông báo lịch cắt điện số {number}" for number in range(10)]
    assert "Tìm thấy 23 kết quả" in soup_of(first).select_one(".search-count").get_text()
    third = search(client, q="lich cat dien", page=3)
    assert titles(third) == [f"Thông báo lịch cắt điện số {number}" for number in range(20, 23)]
    assert soup_of(third).select_one(".search-results")["start"] == "21"
    # Each page of results has a title of its own (WCAG 2.4.2).
    assert soup_of(first).title.text.startswith("Tìm kiếm: lich cat dien – ")
    assert soup_of(third).title.text.startswith("Tìm kiếm: lich cat dien – Trang 3/3 – ")
    next_link = soup_of(first).select_one('.pagination a[rel="next"]')
    assert next_link.get_text() == "Kết quả tiếp theo"
    assert "q=lich+cat+dien" in next_link["href"] and "page=2" in next_link["href"]
    assert titles(search(client, q="lich cat dien", page="abc")) == titles(first)
    assert search(client, q="lich cat dien", page=4).status_code == 404
    assert search(client, q="lich cat dien", page="-1").status_code == 404


def test_the_count_speaks_the_visitors_language(client, article, news_category, locales):
    _vi, en = locales
    translate(news_category, en, {news_category.title: "News"})
    fair = article("Hội chợ hàng Việt")
    translate(fair, en, {fair.title: "Vietnamese goods fair"})
    assert "Found 1 result for “fair”" in soup_of(search(client, "en", q="fair")).get_text()
    jobs = article("Hội chợ việc làm")
    translate(jobs, en, {jobs.title: "Job fair"})
    assert "Found 2 results for “fair”" in soup_of(search(client, "en", q="fair")).get_text()
    assert "Tìm thấy 2 kết quả cho “hội chợ”" in soup_of(search(client, q="hội chợ")).get_text()


def test_nothing_found_says_so_and_suggests_the_newest_news(client, article):
    newest = article("Tin mới nhất của quận", days_ago=0)
    response = search(client, q="khong co gi ca")
    soup = soup_of(response)
    assert response.status_code == 200
    assert "Không tìm thấy kết quả nào cho “khong co gi ca”" in soup.select_one(".search-empty").get_text()
    assert [link.get_text() for link in soup.select(".search-empty .article-card__title a")] == [newest.title]


def test_the_page_without_a_query_asks_for_words(client, site):
    response = search(client)
    assert response.status_code == 200
    assert "Gõ một hoặc nhiều từ" in soup_of(response).select_one(".search-hint").get_text()


def test_a_query_of_punctuation_alone_says_it_has_no_words_rather_than_no_results(client, article):
    article("Thông báo lịch tiếp công dân")
    for language, hint in (
        ("vi", "Nội dung tìm kiếm không có chữ hoặc số nào. Vui lòng gõ một hoặc nhiều từ."),
        ("en", "Your search has no letters or digits to look for. Type one or more words."),
    ):
        response = search(client, language, q="!!!")
        assert response.status_code == 200, language
        soup = soup_of(response)
        assert [p.get_text() for p in soup.select(".search-hint")] == [hint], language
        assert not soup.select(".search-empty, .search-count, .search-results"), language


def test_at_most_ten_words_are_searched(client, article):
    article("Một hai ba bốn năm sáu bảy tám chín mười")
    words = "mot hai ba bon nam sau bay tam chin muoi khong-co trong-tieu-de"
    response = search(client, q=words)
    assert titles(response) == ["Một hai ba bốn năm sáu bảy tám chín mười"]
    assert f"Chỉ {MAX_TERMS} từ đầu tiên" in soup_of(response).select_one(".search-hint").get_text()


# --- Promotions -----------------------------------------------------------------------------------


def test_promoted_pages_come_first_for_the_folded_query(client, article, news_category, locales):
    _vi, en = locales
    organic = article("Đà Nẵng đón khách quốc tế", days_ago=0)
    chosen = article("Cẩm nang du lịch cho khách tham quan", days_ago=9)  # no "Đà Nẵng" in it
    also_matching = article("Du khách đến Đà Nẵng dịp hè", days_ago=5)
    query = PromotionQuery.get("ĐÀ NẴNG")
    SearchPromotion.objects.create(query=query, page=chosen, sort_order=0, description="Những điều cần biết.")
    SearchPromotion.objects.create(query=query, page=also_matching, sort_order=1)
    SearchPromotion.objects.create(
        query=query, external_link_url="https://danang.gov.vn/", external_link_text="Cổng thành phố", sort_order=2
    )
    SearchPromotion.objects.create(
        query=PromotionQuery.get("đà nẵng du lịch"), external_link_url="https://example.com/", external_link_text="x"
    )

    response = search(client, q="da nang")
    assert promoted(response) == [chosen.title, also_matching.title, "Cổng thành phố"]
    assert titles(response) == [organic.title]  # promoted pages are not listed twice
    every_title = [link.get_text() for link in soup_of(response).select(".search-result__title a")]
    assert every_title == [chosen.title, also_matching.title, "Cổng thành phố", organic.title]
    assert "Tìm thấy 4 kết quả" in soup_of(response).select_one(".search-count").get_text()
    # Narrowed searches show what matches only.
    assert promoted(search(client, q="da nang", date_from="01/01/2000")) == []
    # The English site shows the English version of a promoted page.
    translate(news_category, en, {news_category.title: "News"})
    english = translate(chosen, en, {chosen.title: "A travel guide for visitors"})
    assert promoted(search(client, "en", q="Da Nang")) == [english.title, "Cổng thành phố"]
    # What editors wrote for the promotions is marked as Vietnamese there; the page's title is its own.
    soup = soup_of(search(client, "en", q="Da Nang"))
    marked = [(tag.name, tag.get_text()) for tag in soup.select(".search-promotions [lang=vi]")]
    assert marked == [("p", "Những điều cần biết."), ("a", "Cổng thành phố")]
    assert not soup_of(search(client, q="da nang")).select(".search-promotions [lang]")


# --- The admin's own search (issue 7) -------------------------------------------------------------


def test_the_admin_search_and_page_chooser_find_titles_typed_without_accents(admin_client, article, news_category):
    page = article("Đà Nẵng đón khách quốc tế")
    for url in (
        reverse("wagtailadmin_pages:search"),
        reverse("wagtailadmin_choose_page_search"),
        reverse("wagtailadmin_explore", args=[news_category.pk]),
    ):
        response = admin_client.get(url, {"q": "da nang"})
        assert response.status_code == 200, url
        assert page.title in response.content.decode(), url


# --- Hostile input ---------------------------------------------------------------------------------

HOSTILE_QUERIES = [
    "!!! ??? ...",
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "%' UNION SELECT password FROM auth_user --",
    MARKER,
    f"dân vận {MARKER}",
    '"><img src=x onerror=alert(1)>',
    "\u202edan\u202c \u200f\u200b",
    "😀🇻🇳 dân 👍🏽",
    "d\u0302a\u0300n va\u0323\u0302n",  # decomposed accents
    "\u0301\u0301\u0301",
    "𝕏" * 50,
    "中文 العربية עברית",
]


def _assert_safe(response, statuses=(200, 400)):
    assert response.status_code in statuses, response.status_code
    assert MARKER.encode() not in response.content


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_odd_queries_answer_200_and_echo_nothing_unescaped(client, article, query):
    article("Dân vận khéo ở khu dân cư")
    response = search(client, q=query)
    _assert_safe(response)
    assert response.status_code == 200


def test_queries_are_bounded(client, article):
    article("Dân vận khéo ở khu dân cư")
    too_long = search(client, q="dân vận " + "x" * MAX_QUERY_LENGTH + MARKER)
    _assert_safe(too_long)
    assert too_long.status_code == 400
    assert f"tối đa {MAX_QUERY_LENGTH} ký tự" in soup_of(too_long).select_one(".search-errors").get_text()
    assert search(client, q="d" * MAX_QUERY_LENGTH).status_code == 200
    nul = search(client, q="dân\x00vận")
    assert nul.status_code == 400
    assert client.post(search_url(), {"q": "dân vận"}).status_code == 405
    for raw in ("q=%ED%A0%80", "q=%FF%FE", "q=%00", "q=a&q=b&page=%00", "category=%00&date_from=%ED%A0%80"):
        _assert_safe(client.get(f"{search_url()}?{raw}"))


HYPOTHESIS = hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@HYPOTHESIS
@given(
    q=st.one_of(st.text(max_size=250), st.text(max_size=80).map(lambda text: text + MARKER)),
    extra=st.dictionaries(st.sampled_from(["category", "date_from", "date_to", "page"]), st.text(max_size=30)),
)
def test_random_queries_never_fail_or_echo_markup(site, q, extra):
    try:
        # The site has no article: a page number other than 1 is past the end, and answers 404
        # (test_results_come_ten_a_page).
        past_the_end = int(extra.get("page", 1)) != 1
    except ValueError:
        past_the_end = False
    _assert_safe(Client().get(search_url(), {"q": q, **extra}), (200, 400, 404) if past_the_end else (200, 400))


# --- The header, the index, the demo ----------------------------------------------------------------


def test_every_page_has_a_labelled_search_box_in_the_header(client, site):
    for language, action in (("vi", "/vi/tim-kiem/"), ("en", "/en/search/")):
        form = soup_of(client.get(f"/{language}/")).select_one("header form[role=search]")
        assert form["action"] == action and form["method"] == "get"
        field = form.select_one("input[name=q]")
        assert form.select_one(f"label[for={field['id']}]").get_text(strip=True)


def test_the_query_count_does_not_grow_with_the_results(client, article, django_assert_num_queries):
    for number in range(3):
        article(f"Phiên chợ nông sản số {number}", body=[("heading", "Chợ nông sản"), *FILLER_BODY])
    search(client, q="cho nong san")  # warms the caches (site, visit counters)
    with CaptureQueriesContext(connection) as few:
        assert len(titles(search(client, q="cho nong san"))) == 3
    budget = len(few.captured_queries)
    for number in range(3, 15):
        article(f"Phiên chợ nông sản số {number}", body=[("heading", "Chợ nông sản"), *FILLER_BODY])
    search(client, q="cho nong san")  # publishing invalidated the shared fragments (home/fragments.py)
    with django_assert_num_queries(budget):
        assert len(titles(search(client, q="cho nong san"))) == 10


def test_rebuilding_the_index_restores_it_and_writes_nothing_when_current(article):
    article("Khánh thành cầu đi bộ")
    article("Thông xe cầu vượt")
    before = list(SearchEntry.objects.order_by("pk").values())
    SearchEntry.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_public_search", stdout=out)
    assert list(SearchEntry.objects.order_by("pk").values()) == before
    call_command("rebuild_public_search", stdout=out)
    assert out.getvalue().splitlines()[-1] == "Public search index: 0 added, 0 updated, 0 removed."


def test_the_demo_is_searchable_and_loading_it_again_changes_nothing(client, demo):
    entries = list(SearchEntry.objects.order_by("pk").values())
    assert titles(search(client, q="dan van kheo"))[0] == DAN_VAN_KHEO
    assert promoted(search(client, q="dich vu cong")) == ["Hồ sơ trực tuyến tăng mạnh tại bộ phận một cửa"]
    assert titles(search(client, "en", q="mass mobilisation"))
    call_command("load_demo", verbosity=0)
    assert list(SearchEntry.objects.order_by("pk").values()) == entries


def test_numbers_are_found_written_with_or_without_their_group_separators(client, article, news_category, locales):
    _vi, en = locales
    translate(news_category, en, {news_category.title: "News"})
    youth = article("Hơn 2.000 đoàn viên ra quân", lead="Kinh phí 18.029.085 đồng, tỷ lệ 1,5%.")
    translate(youth, en, {youth.title: "Over 2,000 youth union members set out"})
    article("Năm 2000 và 1,5 triệu lượt khách")  # "2000" as a year, and a decimal comma: other words
    for query in ("2000", "2.000", "2.000 đoàn viên"):
        assert youth.title in titles(search(client, q=query)), query
    assert titles(search(client, q="18029085")) == [youth.title]
    assert titles(search(client, q="15")) == []  # "1,5" is not fifteen
    assert titles(search(client, "en", q="2000 members")) == ["Over 2,000 youth union members set out"]
    marked = soup_of(search(client, q="2000")).select(".search-result mark")
    assert "2.000" in [mark.get_text() for mark in marked]


# --- The text rules ---------------------------------------------------------------------------------


@hypothesis_settings(max_examples=200)
@given(st.text(), st.sampled_from(["vi", "en"]))
@example("0'S\x800", "en")  # a character that folds to nothing after a possessive: found in CI
def test_highlighting_finds_every_word_that_the_index_holds(text, language):
    assert fold(text) == "".join(fold(char) for char in text)
    for word in set(index_words(text, language)):
        spans = match_spans(text, Query((word,), (), False, language))
        assert spans and all(word in index_words(text[start:end], language) for start, end in spans)


def test_excerpts_escape_the_text_and_mark_the_words():
    query = Query.parse("da nang", "vi")
    assert highlight("<b>Đà Nẵng</b>", query) == "&lt;b&gt;<mark>Đà</mark> <mark>Nẵng</mark>&lt;/b&gt;"
    long_text = "Mở đầu. " * 80 + "Thành phố Đà Nẵng tổ chức lễ hội. " + "Kết thúc. " * 80
    passage = excerpt(["", long_text], query)
    assert passage.startswith("… ") and passage.endswith(" …") and "<mark>Đà</mark> <mark>Nẵng</mark>" in passage
    assert len(passage) < 400
    assert excerpt(["Tóm tắt <ngắn>"], query) == "Tóm tắt &lt;ngắn&gt;"
