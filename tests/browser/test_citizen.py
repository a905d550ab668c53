"""A citizen's journeys through the public site, in a real browser."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from home.text import slugify_vi
from news.demo import DAN_VAN_KHEO, ENGLISH, GALLERY

from .support import expect

ALL_PHOTOS_LOADED = """(selector) => [...document.querySelectorAll(selector)]
    .every((img) => img.complete && img.naturalWidth > 0)"""


VIDEO = "https://www.youtube.com/watch?v=portal-demo"
PLAYER = mark_safe(f'<iframe title="Phóng sự" src="{VIDEO}/embed" width="800" height="450"></iframe>')


def poll_total(page):
    """The total of votes on the poll's own page."""
    return int(page.locator("main [data-poll-total]").get_attribute("data-poll-total"))


def test_a_citizen_reads_an_article_looks_at_its_photos_and_votes(page, public_urls):
    page.goto("/vi/")
    page.locator(".latest-news").get_by_role("link", name=DAN_VAN_KHEO).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(DAN_VAN_KHEO)
    article_url = page.url

    # The metadata line.
    meta = page.locator(".article-meta")
    expect(meta.locator("[data-meta=unit]")).to_have_text("Người đăng tin: Văn phòng")
    expect(meta.locator("[data-meta=date]")).to_have_text(re.compile(r"^Ngày đăng tin: \d\d/\d\d/\d{4}$"))
    expect(meta.locator("[data-meta=views]")).to_have_text(re.compile(r"^Lượt xem: [1-9][\d.]*$"))

    # The gallery, every thumbnail drawn.
    thumbnails = page.locator(".gallery__link")
    expect(thumbnails).to_have_count(len(GALLERY))
    thumbnails.last.scroll_into_view_if_needed()
    page.wait_for_function(ALL_PHOTOS_LOADED, arg=".gallery__link img")

    # The photo viewer, moved through with the keyboard.
    thumbnails.first.click()
    viewer = page.get_by_role("dialog", name="Xem ảnh")
    expect(viewer).to_be_visible()
    photo = viewer.locator(".lightbox__image")
    expect(photo).to_have_js_property("src", thumbnails.first.evaluate("link => link.href"))
    expect(viewer.locator(".lightbox__counter")).to_have_text(f"1 / {len(GALLERY)}")
    expect(viewer.locator(".lightbox__caption")).to_have_text(GALLERY[0][1])
    page.wait_for_function(ALL_PHOTOS_LOADED, arg=".lightbox__image")
    page.keyboard.press("ArrowRight")
    expect(viewer.locator(".lightbox__counter")).to_have_text(f"2 / {len(GALLERY)}")
    expect(viewer.locator(".lightbox__caption")).to_have_text(GALLERY[1][1])
    expect(photo).to_have_js_property("src", thumbnails.nth(1).evaluate("link => link.href"))
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(viewer.locator(".lightbox__counter")).to_have_text(f"{len(GALLERY)} / {len(GALLERY)}")
    expect(viewer.locator(".lightbox__caption")).to_have_text(GALLERY[-1][1])
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    # Back on the thumbnail of the photo last shown.
    expect(thumbnails.last).to_be_focused()

    # The satisfaction box: the vote is posted by poll.js and the results replace the form.
    results = page.context.new_page()
    results.goto(public_urls["vi"]["poll"])
    before = poll_total(results)
    results.close()
    poll = page.locator("[data-poll]")
    # No answer chosen: the site says so, in the page's language.
    poll.get_by_role("button", name="Bình chọn").click()
    expect(poll.get_by_role("status")).to_have_text("Vui lòng chọn một phương án trả lời.")
    # The results first, in place of the form, and back to the form to vote.
    poll.get_by_role("link", name="Hiển thị bình chọn").click()
    expect(poll.locator("[data-poll-total]")).to_have_attribute("data-poll-total", str(before))
    expect(poll.get_by_role("button", name="Bình chọn", exact=True)).to_be_hidden()
    poll.get_by_role("button", name="Quay lại bình chọn").click()
    expect(poll.locator("[data-poll-total]")).to_have_count(0)
    expect(poll.get_by_role("radio").first).to_be_focused()
    poll.get_by_label("Hài lòng", exact=True).check()
    poll.get_by_role("button", name="Bình chọn").click()
    expect(poll.get_by_role("status")).to_have_text("Cảm ơn bạn, phiếu bình chọn đã được ghi nhận.")
    expect(poll.locator("[data-poll-total]")).to_have_attribute("data-poll-total", str(before + 1))
    assert page.url == article_url

    # On every page after that, though they come from a cache made for everyone, the box shows
    # that the citizen has voted, and the results, not the form again.
    for url in (article_url, public_urls["vi"]["home"]):
        page.goto(url)
        expect(poll.locator(".poll__voted")).to_have_text("Bạn đã tham gia cuộc bình chọn này.")
        expect(poll.locator("[data-poll-total]")).to_have_attribute("data-poll-total", str(before + 1))
        expect(poll.get_by_role("button", name="Bình chọn")).to_have_count(0)
    page.goto(public_urls["vi"]["poll"])
    assert poll_total(page) == before + 1


def test_the_polls_message_goes_once_the_citizen_chooses_an_answer(page, public_urls):
    page.goto(public_urls["vi"]["home"])
    poll = page.locator("[data-poll]")
    status = poll.get_by_role("status")
    poll.get_by_role("button", name="Bình chọn").click()
    expect(status).to_have_text("Vui lòng chọn một phương án trả lời.")
    poll.get_by_label("Hài lòng", exact=True).check()
    expect(status).to_have_text("")
    # Emptied, not removed: the next message is announced there.
    expect(status).to_be_attached()


@pytest.mark.parametrize("context", [{"java_script_enabled": False}], indirect=True)
def test_without_javascript_the_photos_and_the_poll_still_work(page, public_urls):
    page.goto(public_urls["vi"]["article"])
    article_url = page.url
    # Each thumbnail is a link to the full-size photo. (Fetched rather than opened: Chromium's own
    # viewer for a bare image runs an inline style that the site's Content-Security-Policy,
    # sent with the images by Django's development server, forbids.)
    thumbnails = page.locator(".gallery__link")
    expect(thumbnails).to_have_count(len(GALLERY))
    for link in thumbnails.all():
        photo = page.request.get(link.get_attribute("href"))
        assert photo.ok and photo.headers["content-type"] == "image/jpeg"

    # The box's form leads to the poll's page, the answer chosen; the vote is posted from there.
    poll = page.locator("[data-poll]")
    # The comment is asked for on the poll's page (not sent in the address the box's form leads to).
    expect(poll.get_by_label("Ý kiến của bạn (không bắt buộc)")).to_be_hidden()
    poll.get_by_label("Bình thường", exact=True).check()
    poll.get_by_role("button", name="Bình chọn").click()
    expect(page).to_have_url(re.compile(r"^[^?]*" + re.escape(public_urls["vi"]["poll"]) + r"\?"))
    form = page.locator("main form")
    expect(form.get_by_label("Bình thường", exact=True)).to_be_checked()
    expect(page.locator("main").get_by_role("status")).to_contain_text("Phiếu của bạn chưa được tính")
    before = poll_total(page)
    form.get_by_role("button", name="Bình chọn").click()
    expect(page.locator(".messages")).to_have_text("Cảm ơn bạn, phiếu bình chọn đã được ghi nhận.")
    expect(page.locator("main [data-poll-total]")).to_have_attribute("data-poll-total", str(before + 1))
    expect(page.locator("main")).to_contain_text("Bạn đã tham gia cuộc bình chọn này.")
    page.get_by_role("link", name="Quay lại trang bạn đang xem").click()
    assert page.url == article_url


def test_a_citizen_switches_an_article_to_english(page, public_urls):
    page.goto(public_urls["vi"]["article"])
    page.locator(".language-switcher").get_by_role("link", name="English").click()
    english = ENGLISH[DAN_VAN_KHEO]
    expect(page).to_have_url(re.compile(f"/en/.*/{english[slugify_vi(DAN_VAN_KHEO)]}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(english[DAN_VAN_KHEO])
    expect(page.locator(".article-meta [data-meta=unit]")).to_have_text("Posted by: Office")
    expect(page.locator(".article-meta [data-meta=date]")).to_have_text(
        re.compile(r"^Published on: \d{1,2} [A-Z][a-z]+ \d{4}$")
    )


def test_a_citizen_searches_without_accents_and_opens_the_article(page):
    page.goto("/vi/")
    header = page.locator(".site-header")
    header.get_by_role("searchbox", name="Tìm kiếm trên cổng thông tin").fill("dan van kheo")
    header.get_by_role("button", name="Tìm kiếm").click()
    expect(page).to_have_url(re.compile(r"/vi/tim-kiem/\?q=dan\+van\+kheo$"))
    expect(page.locator(".search-count")).to_have_text(re.compile(r"^Tìm thấy \d+ kết quả cho “dan van kheo”$"))
    # The article whose title has the words ranks first, the words marked with their accents.
    first = page.locator(".search-results > li").first
    expect(first.get_by_role("heading")).to_have_text(DAN_VAN_KHEO)
    expect(first.get_by_role("heading").locator("mark")).to_have_text(["dân", "vận", "khéo"])
    first.get_by_role("link", name=DAN_VAN_KHEO).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(DAN_VAN_KHEO)
    expect(page).to_have_url(re.compile(f"/vi/.*/{slugify_vi(DAN_VAN_KHEO)}/$"))


def test_a_video_is_fetched_from_its_site_only_when_the_reader_plays_it(browser):
    """The video block's HTML (as the site renders it) and video.js, in a page of their own: no
    article of the demo has a video, which would need the video site."""
    with translation.override("vi"):
        html = render_to_string(
            "news/blocks/video.html",
            {"value": {"video": SimpleNamespace(url=VIDEO, html=PLAYER), "caption": ""}, "host": "youtube.com"},
        )
    script = (Path(settings.BASE_DIR) / "news/static/news/video.js").read_text()
    page = browser.new_page()
    fetched = []
    page.route("**/*", lambda route: (fetched.append(route.request.url), route.abort()))
    page.set_content(f"<!DOCTYPE html><html lang='vi'><body>{html}<script>{script}</script></body></html>")
    play = page.get_by_role("button", name="Phát video")
    expect(play).to_be_visible()
    expect(page.locator("iframe")).to_have_count(0)
    assert fetched == []
    play.click()
    expect(page.locator("iframe")).to_be_focused()
    expect(play).to_have_count(0)
    assert fetched == [f"{VIDEO}/embed"]
    page.close()


def test_a_comment_written_in_the_box_is_kept_when_the_vote_cannot_be_sent(page, public_urls):
    page.goto(public_urls["en"]["home"])
    poll = page.locator("[data-poll]")
    vote_url = f"**{poll.get_attribute('data-poll-vote-url')}"
    page.route(vote_url, lambda route: route.abort())  # the network drops the vote
    poll.get_by_role("radio").nth(1).check()
    comment = poll.get_by_label("Your comment (optional)")
    comment.fill("Quick and friendly service.")
    poll.get_by_role("button", name="Vote").click()
    expect(poll.get_by_role("status")).to_have_text(
        "Your vote could not be sent. Please check your connection and press “Vote” again."
    )
    # Still on the page, the comment as written, ready to be sent again.
    assert page.url.endswith(public_urls["en"]["home"])
    expect(comment).to_have_value("Quick and friendly service.")
    page.unroute(vote_url)
    poll.get_by_role("button", name="Vote").click()
    expect(poll.get_by_role("status")).to_have_text("Thank you, your vote has been counted.")


def test_without_a_comment_a_vote_that_cannot_be_sent_goes_to_the_polls_page(page, public_urls):
    page.goto(public_urls["vi"]["home"])
    poll = page.locator("[data-poll]")
    page.route(f"**{poll.get_attribute('data-poll-vote-url')}", lambda route: route.abort())
    poll.get_by_label("Bình thường", exact=True).check()
    poll.get_by_role("button", name="Bình chọn").click()
    # The way without JavaScript: the answer is confirmed there; the box's other fields stay behind.
    expect(page).to_have_url(re.compile(r"^[^?]*" + re.escape(public_urls["vi"]["poll"]) + r"\?"))
    assert "comment=" not in page.url and "service=" not in page.url
    expect(page.locator("main form").get_by_label("Bình thường", exact=True)).to_be_checked()
