"""The newsroom in a real browser: an editor writes an article in the Wagtail admin, with photos
uploaded there, and submits it; an approver approves it and citizens find it on its category page
and in the feeds; a translator translates it into English in wagtail-localize's editor and
publishes it. The admin is in Vietnamese, as the demo users see it; axe-core checks the tag input
with its suggestions and the translation editor, which the editor and the translator work with the
keyboard and by their accessible names."""

import os
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from PIL import Image

from editorial.roles import WORKFLOW
from home.text import slugify_vi

from .support import LOAD_EVERY_IMAGE, expect, sign_in

CATEGORY = "Thông báo"
TITLE = "Phường Hải Châu I ra mắt tổ hỗ trợ thủ tục hành chính"
LEAD = "Tổ gồm năm cán bộ trẻ, hướng dẫn người dân nộp hồ sơ trực tuyến ngay tại bộ phận một cửa."
HEADING = "Hỗ trợ ngay tại bộ phận một cửa"
PARAGRAPH = "Người cao tuổi được ưu tiên hướng dẫn trước."
GALLERY_INTRO = "Một số hình ảnh tại buổi ra mắt:"
CAPTIONS = ["Tổ hỗ trợ nhận nhiệm vụ", "Hướng dẫn người dân", "Người dân nộp hồ sơ"]
# A tag of the demo content, found by typing a word of it without accents; its translation.
TAG, TAG_TYPED, ENGLISH_TAG = "dân vận khéo", "van k", "skilful mass mobilisation"
ENGLISH = {
    TITLE: "Hai Chau I Ward launches an administrative procedures support team",
    LEAD: "Five young officers help residents file their applications online at the one-stop desk.",
    HEADING: "Help at the one-stop desk",
    PARAGRAPH: "Elderly residents are helped first.",
    GALLERY_INTRO: "Some pictures from the launch:",
    CAPTIONS[0]: "The support team takes up its duties",
    CAPTIONS[1]: "Helping residents",
    CAPTIONS[2]: "Residents file their applications",
    slugify_vi(TITLE): "hai-chau-i-ward-support-team",
}
# Wagtail's editor looks for changes every 500 ms and announces one 530 ms later (its
# UnsavedController's durations), which starts an autosave.
AUTOSAVE_NOTICE_MS = 1_500


def photo(tmp_path, name):
    """A small PNG of random pixels: the admin refuses an upload identical to an image it has."""
    path = tmp_path / f"{name}.png"
    Image.frombytes("RGB", (160, 120), os.urandom(160 * 120 * 3)).save(path)
    return path


def add_block(page, kind):
    """Insert a block at the end of the body through the "+" inserter's block chooser."""
    body = page.get_by_role("region", name="Nội dung*")
    body.get_by_role("button", name="Chèn khối").last.click()
    page.get_by_role("option", name=kind, exact=True).click()
    return body.get_by_role("region", name=kind).last


def upload_image(page, block, path, title):
    """Choose an image for `block` by uploading it in the image chooser."""
    block.get_by_role("button", name="Chọn một hình ảnh").click()
    chooser = page.get_by_role("dialog")
    chooser.get_by_role("tab", name="Tải lên").click()
    chooser.get_by_label("Tệp").set_input_files(path)
    chooser.get_by_role("textbox", name="Tiêu đề*").fill(title)
    chooser.get_by_role("button", name="Tải lên").click()
    expect(chooser).to_be_hidden()
    expect(block).to_contain_text(title)


def choose_tag(page, assert_accessible):
    """Type part of a tag and choose it among the suggestions with the keyboard, as a screen reader
    user would, hearing how many there are in Vietnamese."""
    tags = page.get_by_role("combobox", name="Từ khóa")
    tags.press_sequentially(TAG_TYPED)
    suggestions = page.get_by_role("listbox", name="Từ khóa")
    expect(suggestions.get_by_role("option")).to_have_text([TAG])
    expect(tags).to_have_attribute("aria-expanded", "true")
    expect(tags).to_have_attribute("aria-controls", suggestions.get_attribute("id"))
    announced = page.get_by_role("status").filter(has_text="Gợi ý: 1. Dùng phím mũi tên lên, xuống để chọn.")
    expect(announced).to_be_attached()
    tags.press("ArrowDown")
    expect(tags).to_have_attribute("aria-activedescendant", suggestions.get_by_role("option").get_attribute("id"))
    assert_accessible(page, ".tagit")
    assert_accessible(page, ".ui-autocomplete")
    tags.press("Enter")
    expect(page.locator("ul.tagit .tagit-label")).to_have_text([f'"{TAG}"'])  # quoted: it has spaces
    expect(tags).to_have_attribute("aria-expanded", "false")


def settle(page):
    """Wait as a person would for Wagtail to notice the last change and autosave it.

    Wagtail autosaves the form with what it held when it noticed a change, and an autosave still
    on its way races what follows: once, on PostgreSQL, the article was published without the
    caption typed last; and a tag chosen among the suggestions right after the captions were typed
    was not added in 2 runs of 10 (the captions' autosave ending meanwhile is the likely cause;
    with this wait first, 6 runs of 6 added it). A person takes longer than Wagtail needs to
    notice a change; the editor here waits as long, and for the autosave to end."""
    page.wait_for_timeout(AUTOSAVE_NOTICE_MS)
    expect(page.locator("#w-autosave-indicator")).not_to_have_attribute("data-w-autosave-state-value", "saving")


def write_article(page, tmp_path, assert_accessible):
    page.get_by_role("button", name="Trang").click()
    page.get_by_role("dialog", name="Trình duyệt trang").get_by_role("link", name=CATEGORY, exact=True).click()
    page.get_by_role("link", name="Thêm trang con").click()
    page.get_by_role("link", name="Bài viết", exact=True).click()
    page.get_by_role("textbox", name="Tiêu đề*").fill(TITLE)
    page.get_by_role("textbox", name="Sapo*").fill(LEAD)
    page.get_by_role("button", name="Chọn đơn vị").click()
    page.get_by_role("dialog").get_by_role("link", name="Văn phòng", exact=True).click()

    add_block(page, "Tiêu đề phụ").get_by_role("textbox", name="Tiêu đề phụ").fill(HEADING)
    add_block(page, "Đoạn văn").get_by_role("textbox", name="Đoạn văn").fill(PARAGRAPH)
    upload_image(page, add_block(page, "Hình ảnh"), photo(tmp_path, "image"), "Trụ sở phường Hải Châu I")
    gallery = add_block(page, "Bộ ảnh")
    gallery.get_by_role("textbox", name="Lời dẫn").fill(GALLERY_INTRO)
    for number, caption in enumerate(CAPTIONS):
        if number:
            gallery.get_by_role("button", name="Thêm").last.click()
        item = gallery.get_by_role("region", name="Ảnh", exact=True).nth(number)
        upload_image(page, item, photo(tmp_path, f"gallery-{number}"), caption)
        item.get_by_role("textbox", name="Chú thích").fill(caption)
    settle(page)
    choose_tag(page, assert_accessible)
    assert_accessible(page)

    settle(page)
    page.get_by_role("button", name="Thao tác khác").click()
    page.get_by_role("button", name=f"Gửi duyệt ({WORKFLOW})").click()
    # Created and submitted at once, or submitted after Wagtail's autosave created the page.
    submitted = [f"Đã tạo trang '{TITLE}' và gửi kiểm duyệt.", f"Trang '{TITLE}' đã được gửi kiểm duyệt."]
    expect(page.get_by_role("status").first).to_contain_text(re.compile("|".join(map(re.escape, submitted))))


def approve(page):
    awaiting = page.get_by_role("region", name="Đang chờ bạn duyệt")
    row = awaiting.get_by_role("row").filter(has=page.get_by_role("link", name=TITLE, exact=True))
    row.get_by_role("button", name="Thao tác").click()
    row.get_by_role("button", name="Phê duyệt", exact=True).click()
    expect(awaiting.get_by_role("link", name=TITLE, exact=True)).to_have_count(0)


def feed_items(page, url):
    """{title: link path} of an RSS feed's items."""
    response = page.request.get(url)
    assert response.ok and response.headers["content-type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.body()).find("channel")
    return {item.findtext("title"): urlsplit(item.findtext("link")).path for item in channel.iter("item")}


def start_translation(page):
    """From the translator's dashboard: "Translate" the article into English, which opens
    wagtail-localize's editor."""
    untranslated = page.get_by_role("region", name="Chờ dịch")
    untranslated.get_by_role("link", name=f"Dịch “{TITLE}”").click()
    page.get_by_role("checkbox", name="English").check()
    page.get_by_role("button", name="Gửi").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Trang '{TITLE}' đã được gửi dịch sang English")


def translate_and_publish(page, assert_accessible):
    """Type every segment's translation into the editor, then publish the translation."""
    for source, translation in ENGLISH.items():
        if source == slugify_vi(TITLE):
            page.get_by_role("tab", name="Quảng bá").click()
        segment = page.locator("li").filter(has=page.get_by_text(source, exact=True)).last
        translate = segment.get_by_role("button", name="Dịch")
        expect(translate).to_have_accessible_description(source)
        translate.click()
        segment.get_by_role("textbox", name=source, exact=True).fill(translation)
        assert_accessible(page, ".js-translation-editor")
        segment.get_by_role("button", name="Lưu").click()
        expect(segment.get_by_role("button", name="Sửa")).to_be_visible()
    page.get_by_role("button", name="Xuất bản bản dịch English").click()
    expect(page.get_by_role("status").first).to_have_text(f"Đã xuất bản '{ENGLISH[TITLE]}' (English).")


def read_article(page, language, texts, tag):
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(texts[TITLE])
    expect(page.locator(".article__lead")).to_have_text(texts[LEAD])
    expect(page.get_by_role("heading", name=texts[HEADING])).to_be_visible()
    expect(page.locator(".article__body")).to_contain_text(texts[PARAGRAPH])
    expect(page.locator(".gallery__intro")).to_have_text(texts[GALLERY_INTRO])
    expect(page.locator(".gallery__caption")).to_have_text([texts[caption] for caption in CAPTIONS])
    # The image block's photo and the gallery's three.
    expect(page.locator(".article__body img")).to_have_count(1 + len(CAPTIONS))
    expect(page.locator(".article-related__tags").get_by_role("link")).to_have_text([tag])
    assert page.evaluate(LOAD_EVERY_IMAGE) == []


def test_an_article_goes_from_the_editor_through_the_approver_to_citizens_in_two_languages(
    new_context, page, tmp_path, assert_accessible
):
    write_article(sign_in(new_context, "bientapvien"), tmp_path, assert_accessible)

    # Not public until approved.
    page.goto("/vi/")
    page.locator(".main-menu").get_by_role("link", name=CATEGORY).click()
    category_path = urlsplit(page.url).path
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)

    approve(sign_in(new_context, "pheduyet"))

    page.reload()
    page.locator("main").get_by_role("link", name=TITLE).click()
    article_path = urlsplit(page.url).path
    read_article(page, "vi", {text: text for text in ENGLISH}, TAG)
    expect(page.locator(".article-meta [data-meta=unit]")).to_have_text("Người đăng tin: Văn phòng")
    assert feed_items(page, category_path + "rss/")[TITLE] == article_path
    assert feed_items(page, "/vi/rss.xml")[TITLE] == article_path

    translator = sign_in(new_context, "biendichvien")
    start_translation(translator)
    # Until the translator publishes it, the English site has no such page: the switcher leads to
    # the category's English version.
    page.reload()
    english_link = page.locator(".language-switcher").get_by_role("link", name="English")
    expect(english_link).to_have_attribute("href", "/en/announcements/")
    translate_and_publish(translator, assert_accessible)

    page.reload()
    page.locator(".language-switcher").get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(f"/en/[^/]+/{ENGLISH[slugify_vi(TITLE)]}/$"))
    read_article(page, "en", ENGLISH, ENGLISH_TAG)
    expect(page.locator(".article-meta [data-meta=unit]")).to_have_text("Posted by: Office")
    english_path = urlsplit(page.url).path
    english_category = page.get_by_role("navigation", name="Breadcrumb").get_by_role("link").last.get_attribute("href")
    assert english_category == "/en/announcements/"
    assert feed_items(page, english_category + "rss/")[ENGLISH[TITLE]] == english_path
    assert feed_items(page, "/en/rss.xml")[ENGLISH[TITLE]] == english_path
