"""Accessibility in a real browser: axe-core on each kind of public page in both languages and on
the admin pages the portal adds or fills (each role's dashboard, the news listing, the poll report,
the portal settings, the article and rich text snippet editors), and the keyboard alone: the skip
link, visible focus, the photo viewer and the poll. The newsroom test (test_newsroom.py) checks
the tag input and the translation editor as they are worked."""

import re
from urllib.parse import parse_qs

import pytest

from editorial.demo import DEMO_USERS
from news.demo import DAN_VAN_KHEO

from .support import FOCUS_INDICATOR, PAGE_KINDS, expect, focused, sign_in, tab_to

LANGUAGES = ["vi", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_axe_finds_no_violation_on_the_public_pages(assert_accessible, page, public_urls, kind, language):
    page.goto(public_urls[language][kind])
    assert_accessible(page, impacts=None)


@pytest.mark.parametrize("language", LANGUAGES)
def test_axe_finds_no_violation_on_the_sign_in_page_of_private_pages(assert_accessible, page, language):
    page.goto(f"/{language}/_util/login/")
    expect(page.locator("main h1")).to_have_text({"vi": "Đăng nhập", "en": "Sign in"}[language])
    assert_accessible(page, impacts=None)


@pytest.mark.parametrize("username", [username for _group, username, _name in DEMO_USERS])
def test_axe_finds_no_serious_violation_on_each_roles_dashboard(assert_accessible, new_context, username):
    assert_accessible(sign_in(new_context, username))


def test_axe_finds_no_serious_violation_on_the_admin_pages_of_the_portal(assert_accessible, new_context):
    page = sign_in(new_context, "quantri")
    page.goto("/admin/news_articles/")
    assert_accessible(page)
    page.get_by_role("link", name=DAN_VAN_KHEO, exact=True).first.click()
    expect(page.get_by_role("region", name="Nội dung*")).to_be_visible()
    assert_accessible(page)
    page.goto("/admin/snippets/feedback/survey/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Báo cáo của")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Báo cáo")
    assert_accessible(page)
    page.goto("/admin/settings/home/portalsettings/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cấu hình cổng thông tin")
    assert_accessible(page)
    # Snippets with rich text (Draftail) fields.
    for listing in ("/admin/snippets/home/infobox/?locale=vi", "/admin/snippets/home/agencyprofile/?locale=vi"):
        page.goto(listing)
        page.locator("main tbody").get_by_role("link").first.click()
        expect(page).to_have_title(re.compile("^Đang sửa"))
        assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_axe_finds_no_serious_violation_in_the_photo_viewer_and_the_poll_results(
    assert_accessible, page, public_urls, language
):
    page.goto(public_urls[language]["article"])
    page.locator(".gallery__link").first.click()
    expect(page.locator("dialog.lightbox")).to_be_visible()
    assert_accessible(page)
    # The enlarged photo's text alternative is in the thumbnail's language (Vietnamese: images are
    # not translated), and says so to screen readers.
    described_in = page.locator(".gallery__link img").first.get_attribute("lang")
    assert described_in == (None if language == "vi" else "vi")
    assert page.locator(".lightbox__image").get_attribute("lang") == described_in
    page.keyboard.press("Escape")
    page.locator("[data-poll-show-results]").click()
    expect(page.locator("[data-poll] [data-poll-total]")).to_be_visible()
    assert_accessible(page, include="[data-poll]")


@pytest.mark.parametrize("language", LANGUAGES)
def test_axe_finds_no_serious_violation_on_the_poll_page_after_a_vote(assert_accessible, page, public_urls, language):
    page.goto(public_urls[language]["poll"])
    form = page.locator("main form")
    form.get_by_role("radio").first.check()
    form.get_by_role("button").click()
    expect(page.locator(".messages")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("language, text", [("vi", "Bỏ qua, đến nội dung chính"), ("en", "Skip to main content")])
def test_the_skip_link_is_the_first_tab_stop_and_leads_to_the_content(page, public_urls, language, text):
    page.goto(public_urls[language]["article"])
    page.keyboard.press("Tab")
    skip_link = page.locator(".skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_text(text)
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)"), focused(page)


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_every_tab_stop_shows_the_focus(page, public_urls, kind):
    page.goto(public_urls["vi"][kind])
    stops = []
    for _ in range(300):
        page.keyboard.press("Tab")
        element = focused(page)
        if element["tag"] == "body" or (stops and element == stops[0]):
            break  # past the last tab stop
        stops.append(element)
        assert page.evaluate(FOCUS_INDICATOR), f"no visible focus on {element}"
    assert len(stops) > 10 and stops[-1]["tag"] != "body", stops


def test_the_photo_viewer_works_with_the_keyboard_alone(page, public_urls):
    page.goto(public_urls["vi"]["article"])
    tab_to(page, ".gallery__link")
    page.keyboard.press("Enter")
    viewer = page.get_by_role("dialog", name="Xem ảnh")
    expect(viewer).to_be_visible()
    counter = viewer.locator(".lightbox__counter")
    total = page.locator(".gallery__link").count()
    expect(counter).to_have_text(f"1 / {total}")
    expect(viewer.get_by_role("button", name="Đóng")).to_be_focused()
    assert page.evaluate(FOCUS_INDICATOR)

    # Tab stays among the viewer's own buttons, both ways.
    names = []
    for key in ["Tab", "Tab", "Tab", "Shift+Tab", "Shift+Tab"]:
        page.keyboard.press(key)
        names.append(focused(page)["text"])
        assert page.evaluate(FOCUS_INDICATOR), names
    assert names == ["Ảnh trước", "Ảnh tiếp theo", "Đóng", "Ảnh tiếp theo", "Ảnh trước"]

    # Its buttons answer Enter and Space; the arrow keys, Home and End move too.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(counter).to_have_text(f"2 / {total}")
    # What a screen reader announces of the photo now shown: its description, caption and place.
    second = page.locator(".gallery__link").nth(1)
    announced = viewer.locator("[aria-live=polite]")
    expect(announced.locator("img")).to_have_attribute("alt", second.locator("img").get_attribute("alt"))
    expect(announced).to_contain_text(page.locator(".gallery__item").nth(1).locator("figcaption").text_content())
    expect(announced).to_contain_text(f"2 / {total}")
    page.keyboard.press("Space")
    expect(counter).to_have_text(f"3 / {total}")
    page.keyboard.press("End")
    expect(counter).to_have_text(f"{total} / {total}")
    page.keyboard.press("ArrowRight")
    expect(counter).to_have_text(f"1 / {total}")
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    expect(counter).to_have_text(f"2 / {total}")

    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    expect(page.locator(".gallery__link").nth(1)).to_be_focused()


def test_the_poll_works_with_the_keyboard_alone(page, public_urls):
    page.goto(public_urls["vi"]["home"])
    poll = page.locator("[data-poll]")
    # Rendered while empty: screen readers announce only the changes of a live region they saw.
    assert poll.locator("[data-poll-status]").evaluate("status => getComputedStyle(status).display") != "none"
    tab_to(page, "[data-poll] input[type=radio]")
    page.keyboard.press("ArrowDown")
    expect(poll.get_by_role("radio").nth(1)).to_be_checked()
    # Then what the poll's page asks besides the answer: the department, and a comment.
    page.keyboard.press("Tab")
    expect(poll.get_by_label("Phòng ban hoặc dịch vụ bạn đã liên hệ")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    expect(poll.get_by_label("Ý kiến của bạn (không bắt buộc)")).to_be_focused()
    page.keyboard.type("Cán bộ tận tình.")
    page.keyboard.press("Tab")
    expect(poll.get_by_role("button", name="Bình chọn")).to_be_focused()
    with page.expect_request(lambda request: request.method == "POST") as sent:
        page.keyboard.press("Enter")
    vote = parse_qs(sent.value.post_data)
    assert vote["comment"] == ["Cán bộ tận tình."] and vote["service"][0].isdigit()
    expect(poll.get_by_role("status")).to_have_text("Cảm ơn bạn, phiếu bình chọn đã được ghi nhận.")
    # The form is gone: the keyboard is taken to the results.
    expect(poll.locator("[data-poll-body]")).to_be_focused()
    expect(poll.locator("[data-poll-total]")).to_be_visible()


def test_a_refused_vote_leaves_the_keyboard_where_it_was(page, public_urls):
    page.goto(public_urls["vi"]["home"])
    poll = page.locator("[data-poll]")
    tab_to(page, "[data-poll] [type=submit]")
    page.keyboard.press("Enter")  # no answer chosen
    expect(poll.get_by_role("status")).to_have_text("Vui lòng chọn một phương án trả lời.")
    expect(poll.get_by_role("button", name="Bình chọn")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(poll.get_by_label("Ý kiến của bạn (không bắt buộc)")).to_be_focused()


def test_the_poll_results_open_with_the_keyboard_alone(page, public_urls):
    page.goto(public_urls["en"]["home"])
    poll = page.locator("[data-poll]")
    poll.get_by_role("radio").nth(2).check()
    tab_to(page, "[data-poll-show-results]")
    page.keyboard.press("Enter")
    expect(poll.locator("[data-poll-total]")).to_be_visible()
    expect(poll.locator("[data-poll-results]")).to_be_focused()
    assert page.url.endswith(public_urls["en"]["home"])
    # The next key press leads back to the form.
    page.keyboard.press("Tab")
    expect(poll.get_by_role("button", name="Back to the poll")).to_be_focused()
    page.keyboard.press("Enter")
    # On the answer chosen before, which a screen reader then announces.
    expect(poll.get_by_role("radio").nth(2)).to_be_focused()
    expect(poll.locator("[data-poll-total]")).to_have_count(0)
