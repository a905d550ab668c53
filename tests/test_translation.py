"""Issue 6: translators work in wagtail-localize. Pages and snippets are translated through its admin
views (the translation editor's own API), kept in step with their Vietnamese source by "Sync
translated pages", and round-tripped through PO files; images and documents carry over."""

import json
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import polib
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, PageLogEntry, PageViewRestriction
from wagtail.rich_text import RichText
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from editorial.publication import publication_refusal
from editorial.roles import APPROVERS, TRANSLATORS
from home.demo import add_sidebar_box, demo_image, translate
from home.models import Department
from news.models import NewsIndexPage, NewsTag
from search.models import SearchEntry
from tests.test_admin_translation import served_js_catalog

TITLE = "Quận Hải Châu: Tiếp tục thực hiện hiệu quả phong trào “dân vận khéo”"
PARAGRAPHS = [
    "Phong trào đã lan tỏa đến từng tổ dân phố.",
    "Các phường đã lắp đặt gần 300 bóng đèn chiếu sáng.",
]
CAPTIONS = ["Quang cảnh Hội nghị", "Đại biểu các phường", "Khen thưởng tập thể tiêu biểu"]
# The first photo's alternative text is the article's own; the others' are their images'.
ALT_TEXT = "Hội trường nhìn từ cuối phòng, các đại biểu nghe báo cáo"
ENGLISH = {
    "Tin tức - Sự kiện": "News and events",
    "tin-tuc-su-kien": "news-and-events",
    TITLE: "Hai Chau keeps the skilful mass mobilisation movement going",
    "quan-hai-chau-tiep-tuc-thuc-hien-hieu-qua-phong-trao-dan-van-kheo": "hai-chau-skilful-mass-mobilisation",
    "Sáng 12/10, Ban Dân vận Quận ủy tổ chức hội nghị sơ kết.": "On 12 October, the Mass Mobilisation Board "
    "of the district Party Committee held a review conference.",
    PARAGRAPHS[0]: "The movement has reached every residential group.",
    PARAGRAPHS[1]: "The wards have installed nearly 300 street lamps.",
    "Một số hình ảnh tại Hội nghị:": "Some pictures from the conference:",
    CAPTIONS[0]: "The conference hall",
    CAPTIONS[1]: "Delegates of the wards",
    CAPTIONS[2]: "Awards for outstanding groups",
    ALT_TEXT: "The hall seen from the back, delegates listening to the report",
    "Kế hoạch tổ chức Hội nghị": "Conference plan",
}


def soup_of(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def edit_url(instance):
    if isinstance(instance, Page):
        return reverse("wagtailadmin_pages:edit", args=[instance.pk])
    meta = instance._meta
    return reverse(f"wagtailsnippets_{meta.app_label}_{meta.model_name}:edit", args=[instance.pk])


# --- What a translator does in the admin ---------------------------------------------------------


def submit_for_translation(client, instance, callbacks, language="en"):
    """ "Translate this page" (or "Translate" on a snippet): wagtail-localize creates the
    translation, a copy in the source language until its strings are translated."""
    locale = Locale.objects.get(language_code=language)
    if isinstance(instance, Page):
        url = reverse("wagtail_localize:submit_page_translation", args=[instance.pk])
    else:
        meta = instance._meta
        url = reverse(
            "wagtail_localize:submit_snippet_translation", args=[meta.app_label, meta.model_name, instance.pk]
        )
    with callbacks(execute=True):
        response = client.post(url, {"locales": [locale.pk]})
    assert response.status_code == 302, response.content
    return instance.get_translation(locale)


def editor(client, target):
    """The translation editor's page: its server-rendered HTML and the props of its React app."""
    soup = soup_of(client.get(edit_url(target)))
    return soup, json.loads(soup.select_one(".js-translation-editor")["data-props"])


def fill_in(client, target, strings):
    """Type translations into the editor (it saves each segment through its API as you go)."""
    _soup, props = editor(client, target)
    filled = set()
    for segment in props["segments"]:
        if segment["type"] == "string" and segment["source"] in strings:
            response = client.put(
                segment["editUrl"],
                urlencode({"value": strings[segment["source"]]}),
                content_type="application/x-www-form-urlencoded",
            )
            assert response.status_code in (200, 201), response.content
            filled.add(segment["source"])
    return filled


def publish(client, target, callbacks):
    """The editor's "Publish in English" button."""
    with callbacks(execute=True):
        response = client.post(edit_url(target), {"action": "publish"})
    assert response.status_code == 302
    target.refresh_from_db()
    return target


def translate_in_admin(client, instance, strings, callbacks):
    target = submit_for_translation(client, instance, callbacks)
    fill_in(client, target, strings)
    return publish(client, target, callbacks)


# --- Pages -----------------------------------------------------------------------------------------


@pytest.fixture
def document(db):
    Document = get_document_model()
    document = Document(title="Kế hoạch tổ chức Hội nghị")
    document.file.save("ke-hoach.txt", ContentFile("Kế hoạch".encode()), save=False)
    document.save()
    return document


@pytest.fixture
def article(make_article, document):
    images = [demo_image(caption, seed=700 + number, size=(64, 48)) for number, caption in enumerate(CAPTIONS)]
    return make_article(
        TITLE,
        publication_date=datetime(2020, 10, 14, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
        lead="Sáng 12/10, Ban Dân vận Quận ủy tổ chức hội nghị sơ kết.",
        body=[
            *(("paragraph", RichText(f"<p>{text}</p>")) for text in PARAGRAPHS),
            (
                "gallery",
                {
                    "intro": "Một số hình ảnh tại Hội nghị:",
                    "images": [
                        {"image": image, "caption": caption, "alt_text": ALT_TEXT if image == images[0] else ""}
                        for image, caption in zip(images, CAPTIONS, strict=True)
                    ],
                },
            ),
            ("document", {"document": document, "title": "Kế hoạch tổ chức Hội nghị"}),
        ],
    )


@pytest.fixture
def english_article(admin_client, article, news_category, django_capture_on_commit_callbacks):
    translate_in_admin(admin_client, news_category, ENGLISH, django_capture_on_commit_callbacks)
    return translate_in_admin(admin_client, article, ENGLISH, django_capture_on_commit_callbacks)


def gallery_sources(soup):
    return [img["src"] for img in soup.select(".gallery img")]


def test_a_translator_translates_an_article_with_its_gallery_and_publishes_it(
    admin_client, client, article, news_category, django_capture_on_commit_callbacks
):
    Image = get_image_model()
    images, documents = Image.objects.count(), get_document_model().objects.count()
    vietnamese = soup_of(client.get(article.url))
    renditions = Image.get_rendition_model().objects.count()

    translate_in_admin(admin_client, news_category, ENGLISH, django_capture_on_commit_callbacks)
    english = submit_for_translation(admin_client, article, django_capture_on_commit_callbacks)
    # A draft, still in Vietnamese: nothing on the English site until the translator publishes it.
    assert not english.live and client.get(english.url).status_code == 404
    # Every text of the page is a segment of the editor; photos and the file carry over as they are.
    filled = fill_in(admin_client, english, ENGLISH)
    assert filled == set(ENGLISH) - {"Tin tức - Sự kiện", "tin-tuc-su-kien"}
    publish(admin_client, english, django_capture_on_commit_callbacks)

    assert english.live and english.url == "/en/news-and-events/hai-chau-skilful-mass-mobilisation/"
    soup = soup_of(client.get(english.url))
    assert soup.html["lang"] == "en"
    assert soup.h1.text == ENGLISH[TITLE]
    assert soup.select_one(".article__lead").text == ENGLISH["Sáng 12/10, Ban Dân vận Quận ủy tổ chức hội nghị sơ kết."]
    assert [p.text for p in soup.select(".article__body .rich-text p")] == [ENGLISH[text] for text in PARAGRAPHS]
    assert soup.select_one(".gallery__intro").text == "Some pictures from the conference:"
    assert [c.text for c in soup.select(".gallery__caption")] == [ENGLISH[caption] for caption in CAPTIONS]
    assert soup.select_one(".gallery")["data-label-dialog"] == "Photo viewer"
    # The same photos and file: the same images, renditions and document, nothing uploaded again.
    assert gallery_sources(soup) == gallery_sources(vietnamese)
    assert [a["href"] for a in soup.select(".gallery__link")] == [
        a["href"] for a in vietnamese.select(".gallery__link")
    ]
    assert soup.select_one(".article-document a")["href"] == vietnamese.select_one(".article-document a")["href"]
    assert soup.select_one(".article-document a").text == "Conference plan"
    english_gallery = english.specific.body[2].value["images"]
    assert [item["image"].pk for item in english_gallery] == [
        item["image"].pk for item in article.body[2].value["images"]
    ]
    assert Image.objects.count() == images and get_document_model().objects.count() == documents
    assert Image.get_rendition_model().objects.count() == renditions
    # A photo's own alternative text is translated with the article. The images' texts are written
    # in Vietnamese with the images: the English page says so, and they are not part of its text
    # in the site search.
    vietnamese_alts = [img["alt"] for img in vietnamese.select(".gallery img")]
    assert vietnamese_alts[0] == ALT_TEXT
    assert vietnamese_alts[1:] == [item["image"].default_alt_text for item in list(article.body[2].value["images"])[1:]]
    assert all(vietnamese_alts) and all(img.get("lang") is None for img in vietnamese.select(".gallery img"))
    assert [(img["alt"], img.get("lang")) for img in soup.select(".gallery img")] == [
        (ENGLISH[ALT_TEXT], None),
        *((alt, "vi") for alt in vietnamese_alts[1:]),
    ]
    assert ALT_TEXT in SearchEntry.objects.get(page=article).body
    assert ENGLISH[ALT_TEXT] in SearchEntry.objects.get(page=english).body
    assert vietnamese_alts[1] in SearchEntry.objects.get(page=article).body
    assert vietnamese_alts[1] not in SearchEntry.objects.get(page=english).body


def test_a_page_made_private_makes_its_translations_private_at_once(
    client, article, english_article, django_capture_on_commit_callbacks
):
    """Not only when a translator next syncs the translation (wagtail-localize)."""
    staff = Group.objects.create(name="Cán bộ phường")
    assert client.get(english_article.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(english_article.url).status_code == 302  # to the sign-in page
    with django_capture_on_commit_callbacks(execute=True):
        restriction = article.view_restrictions.get()
        restriction.restriction_type = PageViewRestriction.GROUPS
        restriction.save()
        restriction.groups.set([staff])  # as Wagtail's privacy form saves them: after the restriction
    mirrored = english_article.view_restrictions.get()
    assert mirrored.restriction_type == PageViewRestriction.GROUPS and list(mirrored.groups.all()) == [staff]
    with django_capture_on_commit_callbacks(execute=True):
        article.view_restrictions.all().delete()
    assert not english_article.view_restrictions.exists()
    assert client.get(english_article.url).status_code == 200


def test_a_translations_privacy_is_its_originals(
    client, article, english_article, role_user, admin_user, django_capture_on_commit_callbacks
):
    """The privacy dialog of a translation says so, offers no choice and changes nothing; the
    original's offers Wagtail's form."""
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=article, restriction_type=PageViewRestriction.PASSWORD, password="bi-mat"
        )
    client.force_login(role_user(TRANSLATORS, "biendich"))
    privacy_url = reverse("wagtailadmin_pages:set_privacy", args=[english_article.pk])
    for posted in (None, {"restriction_type": "none"}, {"restriction_type": "password", "password": "khac"}):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(privacy_url, posted) if posted else client.get(privacy_url)
        assert response.status_code == 200
        dialog = BeautifulSoup(response.json()["html"], "html.parser")
        assert "Ai được xem trang này do trang gốc, bằng Tiếng Việt, quy định" in dialog.text
        assert dialog.find("form") is None and dialog.find("a") is None  # the original is the approvers'
        restriction = english_article.view_restrictions.get()
        assert (restriction.restriction_type, restriction.password) == (PageViewRestriction.PASSWORD, "bi-mat")
    client.force_login(admin_user)
    dialog = BeautifulSoup(client.get(privacy_url).json()["html"], "html.parser")
    assert dialog.find("a")["href"] == reverse("wagtailadmin_pages:edit", args=[article.pk])
    original_dialog = client.get(reverse("wagtailadmin_pages:set_privacy", args=[article.pk])).json()["html"]
    assert BeautifulSoup(original_dialog, "html.parser").find("input", {"name": "restriction_type"})
    client.logout()
    assert ENGLISH[PARAGRAPHS[0]] not in soup_of(client.get(english_article.url)).text


def test_an_article_moved_to_another_category_takes_its_translation_along(
    client, article, english_article, make_category, role_user, locales
):
    """Moved by an approver, whose rights are on the Vietnamese pages only."""
    _vi, en = locales
    events = make_category("Sự kiện")
    english_events = translate(events, en, {"Sự kiện": "Events"})
    untranslated = make_category("Thông báo")
    approver = role_user(APPROVERS, "pheduyet")
    client.force_login(approver)
    response = client.post(reverse("wagtailadmin_pages:move_confirm", args=[article.pk, events.pk]))
    assert response.status_code == 302
    english_article.refresh_from_db()
    assert english_article.get_parent().pk == english_events.pk
    assert PageLogEntry.objects.get(page=english_article, action="wagtail.move").user == approver
    assert english_article.url == f"{english_events.url}{english_article.slug}/"
    assert client.get(english_article.url).status_code == 200
    # Its new category has no English version: the translation stays, and the approver is told so.
    response = client.post(reverse("wagtailadmin_pages:move_confirm", args=[article.pk, untranslated.pk]), follow=True)
    english_article.refresh_from_db()
    assert english_article.get_parent().pk == english_events.pk
    assert [str(message) for message in response.context["messages"]][-1] == (
        f"Bản dịch sang English, “{english_article.title}”, vẫn nằm dưới “Events”: nơi mới chưa có trang bằng "
        "ngôn ngữ đó."
    )


def test_the_translation_editor_speaks_vietnamese_by_default(admin_client, english_article):
    soup, props = editor(admin_client, english_article)
    assert soup.html["lang"] == "vi"
    assert soup.title.text.strip().startswith(f"Bản dịch của {TITLE} sang English")
    # Its React app takes its words from wagtail-localize's JavaScript catalog, served in Vietnamese.
    catalog_url = reverse("wagtail_localize:javascript_catalog")
    assert soup.find("script", src=catalog_url)
    catalog = served_js_catalog(admin_client, catalog_url)
    assert catalog["Download PO file"] == "Tải xuống tệp PO"
    assert catalog["Upload PO file"] == "Tải lên tệp PO"
    assert props["links"]["downloadPofile"] and props["perms"]["canPublish"]


def test_syncing_a_changed_source_keeps_the_translations_of_unchanged_segments(
    admin_client, client, article, english_article, django_capture_on_commit_callbacks
):
    changed = "Các phường đã lắp đặt 320 bóng đèn chiếu sáng và trồng 40 tuyến đường hoa."
    source = article.get_latest_revision_as_object()
    source.body[1] = ("paragraph", RichText(f"<p>{changed}</p>"))
    source.save_revision().publish()

    # "Sync translated pages" in the page's menu, publishing the English page straight away.
    translation_source = TranslationSource.objects.get_for_instance(article)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("wagtail_localize:update_translations", args=[translation_source.pk]),
            {"publish_translations": "on"},
        )
    assert response.status_code == 302

    paragraphs = [p.text for p in soup_of(client.get(english_article.url)).select(".article__body .rich-text p")]
    assert paragraphs == [ENGLISH[PARAGRAPHS[0]], changed]  # the new text shows in Vietnamese until translated

    # The editor shows which segment needs translating; the others keep the translator's work.
    _soup, props = editor(admin_client, english_article)
    translated = {t["segment_id"]: t["data"] for t in props["initialStringTranslations"]}
    by_source = {s["source"]: s["id"] for s in props["segments"] if s["type"] == "string"}
    assert translated[by_source[PARAGRAPHS[0]]] == ENGLISH[PARAGRAPHS[0]]
    assert translated[by_source[CAPTIONS[1]]] == ENGLISH[CAPTIONS[1]]
    assert by_source[changed] not in translated and PARAGRAPHS[1] not in by_source
    # The translations report, in Vietnamese, lists the English page as waiting for translations.
    report = soup_of(admin_client.get(reverse("wagtail_localize:translations_report"), {"target_locale": "en"}))
    row = next(tr for tr in report.select("tbody tr") if ENGLISH[TITLE] in tr.text or TITLE in tr.text)
    assert "Đang chờ bản dịch" in row.text
    total, done = Translation.objects.get(source=translation_source).get_progress()
    assert done == total - 1


def test_a_translation_publishes_only_what_the_original_published(
    client, make_article, news_category, role_user, django_capture_on_commit_callbacks
):
    """A translation is made from the original as it was when submitted (a draft, maybe): once the
    original is published, the translator updates the translation from it before publishing."""
    translate(news_category, Locale.objects.get(language_code="en"), {"Tin tức - Sự kiện": "News"})
    draft = make_article("Tin chờ duyệt", lead="SECRET-DRAFT")
    draft.unpublish()
    client.force_login(role_user(TRANSLATORS, "biendich"))
    english = submit_for_translation(client, draft, django_capture_on_commit_callbacks)
    fill_in(client, english, {"Tin chờ duyệt": "Awaiting approval"})  # the lead falls back to the source
    approved = draft.get_latest_revision_as_object()
    approved.lead = "Tóm tắt đã duyệt"
    approved.save_revision().publish()

    refusal = "Nội dung đã xuất bản của bản gốc khác với nội dung bản dịch này được dịch từ"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url(english), {"action": "publish"}, follow=True)
    assert refusal in response.content.decode()
    bulk_publish = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{bulk_publish}?id={english.pk}&next=/admin/", {}, follow=True)
    assert refusal in response.content.decode()
    english.refresh_from_db()
    assert not english.live and client.get(english.url).status_code == 404

    # "Sync translated pages" takes the published text; the draft made from the old one stays unpublished.
    sync_url = reverse(
        "wagtail_localize:update_translations", args=[TranslationSource.objects.get_for_instance(draft).pk]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(sync_url, {}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{bulk_publish}?id={english.pk}&next=/admin/", {}, follow=True)
    assert refusal in response.content.decode()
    english.refresh_from_db()
    assert not english.live
    publish(client, english, django_capture_on_commit_callbacks)
    assert english.live
    page = soup_of(client.get(english.url))
    assert page.h1.text == "Awaiting approval" and page.select_one(".article__lead").text == "Tóm tắt đã duyệt"
    assert "SECRET-DRAFT" not in page.text

    # Published again, unchanged (withdrawn and back, or on schedule), the original asks for no sync.
    draft.unpublish()
    draft.get_latest_revision().publish()
    publish(client, english, django_capture_on_commit_callbacks)
    assert english.live


def test_a_page_of_its_own_in_another_language_is_published_as_any(home_en):
    english_only = home_en.add_child(instance=NewsIndexPage(title="For foreign investors", slug="investors"))
    english_only.save_revision().publish()
    english_only.refresh_from_db()
    assert english_only.live and publication_refusal(english_only) is None


def test_a_translation_goes_offline_as_a_po_file_and_comes_back(
    admin_client, client, article, english_article, django_capture_on_commit_callbacks
):
    english_translation = Translation.objects.get(source__object_id=article.translation_key)
    download = admin_client.get(reverse("wagtail_localize:download_pofile", args=[english_translation.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith("-en.po")
    po = polib.pofile(download.content.decode())
    entries = {entry.msgid: entry for entry in po}
    assert entries[TITLE].msgstr == ENGLISH[TITLE]  # what is already translated comes along

    # Offline, in a PO editor: a better title and a reworded caption.
    entries[TITLE].msgstr = "Hai Chau District: skilful mass mobilisation goes on"
    entries[CAPTIONS[0]].msgstr = "Inside the conference hall"
    upload = admin_client.post(
        reverse("wagtail_localize:upload_pofile", args=[english_translation.pk]),
        {
            "file": SimpleUploadedFile("dich.po", str(po).encode(), "text/x-gettext-translation"),
            "next": edit_url(english_article),
        },
        follow=True,
    )
    assert "Đã nhập thành công các bản dịch từ tệp PO." in upload.content.decode()
    assert soup_of(client.get(english_article.url)).h1.text == ENGLISH[TITLE]  # not before publishing

    publish(admin_client, english_article, django_capture_on_commit_callbacks)
    soup = soup_of(client.get(english_article.url))
    assert soup.h1.text == "Hai Chau District: skilful mass mobilisation goes on"
    assert soup.select(".gallery__caption")[0].text == "Inside the conference hall"
    assert soup.select_one(".article__lead").text == ENGLISH["Sáng 12/10, Ban Dân vận Quận ủy tổ chức hội nghị sơ kết."]


def test_a_po_file_of_another_translation_is_refused_and_changes_nothing(
    admin_client, article, english_article, news_category
):
    article_translation = Translation.objects.get(source__object_id=article.translation_key)
    category_translation = Translation.objects.get(source__object_id=news_category.translation_key)
    po = polib.pofile(
        admin_client.get(reverse("wagtail_localize:download_pofile", args=[category_translation.pk])).content.decode()
    )
    for entry in po:
        entry.msgstr = "Nonsense"
    count = StringTranslation.objects.count()
    response = admin_client.post(
        reverse("wagtail_localize:upload_pofile", args=[article_translation.pk]),
        {"file": SimpleUploadedFile("other.po", str(po).encode()), "next": edit_url(english_article)},
        follow=True,
    )
    assert "Không thể nhập tệp PO được tạo cho một bản dịch khác." in response.content.decode()
    assert StringTranslation.objects.count() == count and not StringTranslation.objects.filter(data="Nonsense")


# --- Snippets and site settings ------------------------------------------------------------------


def _department(site, vi):
    return Department.objects.create(locale=vi, name="Phòng Văn hóa - Thông tin"), {
        "Phòng Văn hóa - Thông tin": "Culture and Information Division"
    }


def _department_shown(client, department, make_article, en):
    article = make_article("Khai mạc lễ hội ẩm thực", department=department)
    translate(article.get_parent(), en, {})
    english = translate(article, en, {})
    meta = soup_of(client.get(english.url)).select_one('[data-meta="unit"]').text
    assert meta == "Posted by: Culture and Information Division"


def _service(site, vi):
    """A department as a poll names it."""
    return Department.objects.create(locale=vi, name="Phòng Tư pháp"), {"Phòng Tư pháp": "Justice Division"}


def _service_shown(client, service, make_article, en):
    from feedback.models import Survey, SurveyOption

    survey = Survey(locale=service.locale, question="Bạn có hài lòng?")
    survey.options = [SurveyOption(label="Có"), SurveyOption(label="Không")]
    survey.save()
    translate(survey, en, {"Bạn có hài lòng?": "Are you satisfied?", "Có": "Yes", "Không": "No"})
    with translation.override("en"):
        url = reverse("feedback:survey", args=[survey.pk])
    choices = [o.text for o in soup_of(client.get(url)).select("select[name=service] option")]
    # Every department of the agency, in English (news and polls share the list).
    assert choices[0] == "Not specified" and "Justice Division" in choices and "Phòng Tư pháp" not in choices


def _survey(site, vi):
    from feedback.models import Survey, SurveyOption

    survey = Survey(locale=vi, question="Bạn đánh giá thế nào về thủ tục hành chính?")
    survey.options = [SurveyOption(label=label) for label in ("Nhanh gọn", "Chậm")]
    survey.save()
    add_sidebar_box(site, "poll", survey)
    return survey, {
        "Bạn đánh giá thế nào về thủ tục hành chính?": "How do you rate the administrative procedures?",
        "Nhanh gọn": "Quick",
        "Chậm": "Slow",
    }


def _survey_shown(client, survey, make_article, en):
    box = soup_of(client.get("/en/")).select_one(".poll")
    assert box.h2.text == "How do you rate the administrative procedures?"
    assert [label.text.strip() for label in box.select(".poll__option")] == ["Quick", "Slow"]
    # One poll in both languages: the English answers are the Vietnamese ones' translations.
    english = survey.get_translation(en)
    assert {o.translation_key for o in english.options.all()} == {o.translation_key for o in survey.options.all()}


def _visit_stats(site, vi):
    from visits.models import VisitStatsBox

    box = VisitStatsBox.objects.create(locale=vi, title="Số lượt truy cập", baseline_total=1234)
    add_sidebar_box(site, "visit_stats", box)
    return box, {"Số lượt truy cập": "Visitors"}


def _visit_stats_shown(client, box, make_article, en):
    shown = soup_of(client.get("/en/")).select_one(".visit-stats")
    assert shown.h2.text == "Visitors"
    assert box.get_translation(en).baseline_total == 1234


def _info_box(site, vi):
    from home.models import InfoBox

    box = InfoBox.objects.create(locale=vi, title="Giờ làm việc", body="<p>Sáng thứ Bảy: <b>7h30–11h30</b></p>")
    add_sidebar_box(site, "info_box", box)
    return box, {
        "Giờ làm việc": "Office hours",
        "Sáng thứ Bảy: <b>7h30–11h30</b>": "Saturday mornings: <b>7:30–11:30</b>",
    }


def _info_box_shown(client, box, make_article, en):
    shown = soup_of(client.get("/en/")).select(".layout__sidebar .box")[-1]
    assert shown.h2.text == "Office hours"
    assert shown.select_one(".box__body p").decode_contents() == "Saturday mornings: <b>7:30–11:30</b>"


def _agency(site, vi):
    from home.models import AgencyProfile, PortalSettings

    agency = AgencyProfile.objects.create(
        locale=vi,
        portal_name="Cổng thông tin điện tử",
        name="Ủy ban nhân dân quận Hải Châu",
        address="270 Trưng Nữ Vương, quận Hải Châu",
        phone="0236 3 822 222",
        logo=demo_image("Biểu trưng", seed=5, size=(80, 80)),
        footer_text="<p>Ghi rõ nguồn khi phát hành lại thông tin.</p>",
    )
    settings = PortalSettings.for_site(site)
    settings.agency = agency
    settings.save()
    return agency, {
        "Cổng thông tin điện tử": "Web portal",
        "Ủy ban nhân dân quận Hải Châu": "Hai Chau District People's Committee",
        "270 Trưng Nữ Vương, quận Hải Châu": "270 Trung Nu Vuong Street, Hai Chau District",
        "Ghi rõ nguồn khi phát hành lại thông tin.": "Please cite this portal when republishing its information.",
    }


def _agency_shown(client, agency, make_article, en):
    english, vietnamese = soup_of(client.get("/en/")), soup_of(client.get("/vi/"))
    assert english.select_one(".brand__name").text == "Hai Chau District People's Committee"
    assert english.select_one(".brand__portal").text == "Web portal"
    assert "270 Trung Nu Vuong Street, Hai Chau District" in english.select_one(".site-footer__contacts").text
    assert "0236 3 822 222" in english.select_one(".site-footer__contacts").text  # synchronised, not translated
    assert (
        english.select_one(".site-footer__text").text.strip()
        == "Please cite this portal when republishing its information."
    )
    # The logo carries over: the same image and rendition in both languages.
    assert agency.get_translation(en).logo_id == agency.logo_id
    assert english.select_one(".brand__logo")["src"] == vietnamese.select_one(".brand__logo")["src"]


def test_the_agency_contacts_and_logo_are_the_same_in_every_language(admin_client, client, site, locales):
    vi, en = locales
    agency, strings = _agency(site, vi)
    english = translate(agency, en, strings)
    _soup, props = editor(admin_client, english)
    segments = {segment["type"] for segment in props["segments"]}
    assert "string" in segments and "synchronised_value" not in segments  # nothing for a translator to override

    agency.phone, agency.email = "0236 3 999 999", "ubnd@example.vn"
    agency.save()
    english.refresh_from_db()
    assert (english.phone, english.email, english.logo_id) == ("0236 3 999 999", "ubnd@example.vn", agency.logo_id)
    assert "0236 3 999 999" in soup_of(client.get("/en/")).select_one(".site-footer__contacts").text


SNIPPETS = {
    "department": (_department, _department_shown),
    "service": (_service, _service_shown),
    "survey and its answers": (_survey, _survey_shown),
    "visit statistics box": (_visit_stats, _visit_stats_shown),
    "information box": (_info_box, _info_box_shown),
    "agency profile": (_agency, _agency_shown),
}


@pytest.mark.parametrize("kind", SNIPPETS)
def test_a_translator_translates_each_kind_of_snippet_in_the_admin(
    kind, admin_client, client, site, locales, make_article, django_capture_on_commit_callbacks
):
    vi, en = locales
    create, shown = SNIPPETS[kind]
    snippet, strings = create(site, vi)

    english = submit_for_translation(admin_client, snippet, django_capture_on_commit_callbacks)
    assert english.locale == en and TranslationSource.objects.get_for_instance(snippet)
    assert fill_in(admin_client, english, strings) == set(strings)
    publish(admin_client, english, django_capture_on_commit_callbacks)
    shown(client, snippet, make_article, en)


def test_site_settings_point_at_vietnamese_snippets_and_visitors_see_their_language(client, site, locales):
    """Wagtail's site settings cannot be translated; PortalSettings chooses Vietnamese snippets
    (the agency, the sidebar boxes), and each page shows the translation in its language, or the
    Vietnamese snippet while there is none."""
    from home.models import InfoBox, PortalSettings

    vi, en = locales
    translated = InfoBox.objects.create(locale=vi, title="Đường dây nóng", body="<p>0236 3 822 222</p>")
    translate(translated, en, {"Đường dây nóng": "Hotline"})
    untranslated = InfoBox.objects.create(locale=vi, title="Lịch tiếp công dân", body="<p>Thứ Năm</p>")
    settings = PortalSettings.for_site(site)
    settings.sidebar = [("info_box", translated), ("info_box", untranslated)]
    settings.save()

    assert settings.agency.locale == vi and all(block.value.locale == vi for block in settings.sidebar)
    boxes = [box.h2.text for box in soup_of(client.get("/en/")).select(".layout__sidebar .box")]
    assert boxes == ["Hotline", "Lịch tiếp công dân"]
    assert [box.h2.text for box in soup_of(client.get("/vi/")).select(".layout__sidebar .box")] == [
        "Đường dây nóng",
        "Lịch tiếp công dân",
    ]
    assert soup_of(client.get("/en/")).select_one(".brand__name").text == "Thu Nghiem Ward People's Committee"


def test_a_tag_translated_to_a_name_its_language_has_is_refused_on_that_name(
    admin_client, locales, django_capture_on_commit_callbacks
):
    vi, en = locales
    NewsTag.objects.create(locale=en, name="tourism")
    tag = NewsTag.objects.create(locale=vi, name="ngành du lịch")
    english = submit_for_translation(admin_client, tag, django_capture_on_commit_callbacks)
    fill_in(admin_client, english, {"ngành du lịch": "tourism"})

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(edit_url(english), {"action": "publish"}, follow=True)
    # The translation editor marks the name, saying why.
    [typed] = editor(admin_client, english)[1]["initialStringTranslations"]
    assert (typed["data"], typed["error"]) == ("tourism", "Đã có thẻ “tourism” trong ngôn ngữ này.")
    english.refresh_from_db()
    assert english.name == "ngành du lịch" and NewsTag.objects.filter(name="tourism").count() == 1
    assert response.status_code == 200
