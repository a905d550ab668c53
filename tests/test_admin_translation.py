"""Issue 7 (part): the Wagtail and wagtail-localize admin in Vietnamese (locale_admin/), and the
admin's default language."""

import importlib.util
import json
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import trans_real
from wagtail.users.models import UserProfile

# The apps whose screens editors, approvers and translators use (simple_translation is not
# installed: wagtail-localize replaces it).
ADMIN_APPS = [
    "wagtail",
    "wagtail.admin",
    "wagtail.images",
    "wagtail.documents",
    "wagtail.snippets",
    "wagtail.users",
    "wagtail.sites",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.search",
    "wagtail.contrib.settings",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.table_block",
    "wagtail.contrib.typed_table_block",
    "wagtail.contrib.styleguide",
    "wagtail_localize",
    "wagtail_localize.locales",
]
DOMAINS = ["django", "djangojs"]
ADMIN_CATALOG_DIR = Path(settings.BASE_DIR) / "locale_admin"
PLACEHOLDER = re.compile(r"%\(\w+\)[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[sd]|\{[^{}]*\}")
TAG = re.compile(r"<[^<>]+>")


def app_locale_dir(module):
    return Path(importlib.util.find_spec(module).submodule_search_locations[0]) / "locale"


def source_entries(domain):
    """Every entry of the apps' English catalogs (the complete msgid lists), once per msgid."""
    entries = {}
    for module in ADMIN_APPS:
        path = app_locale_dir(module) / "en" / "LC_MESSAGES" / f"{domain}.po"
        if path.exists():
            for entry in polib.pofile(str(path)):
                if not entry.obsolete:
                    entries.setdefault((entry.msgctxt, entry.msgid), entry)
    return list(entries.values())


def effective_vi_catalog(domain):
    """The Vietnamese catalog Django serves: the apps' own, overridden by LOCALE_PATHS (locale/,
    then locale_admin/), as compiled by `manage.py compiletranslations`."""
    if domain == "django":
        return trans_real.DjangoTranslation("vi")._catalog
    localedirs = [app_locale_dir(module) for module in ADMIN_APPS]
    return trans_real.DjangoTranslation("vi", domain=domain, localedirs=localedirs)._catalog


def catalog_key(entry):
    msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
    return (msgid, 0) if entry.msgid_plural else msgid


def msgstr(entry):
    return entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr


# --- Coverage and integrity of the catalogs ------------------------------------------------------


def test_admin_msgids_are_translated_into_vietnamese(record_property):
    total = translated = 0
    untranslated = []
    for domain in DOMAINS:
        catalog = effective_vi_catalog(domain)
        for entry in source_entries(domain):
            total += 1
            if catalog.get(catalog_key(entry)):
                translated += 1
            else:
                untranslated.append(entry.msgid)
    share = translated / total
    record_property("admin_vi_coverage", f"{share:.2%}")
    print(f"Vietnamese coverage of the admin: {translated}/{total} msgids = {share:.2%}")
    assert total > 1800  # the English catalogs were found
    assert share >= 0.95, f"{len(untranslated)} untranslated, e.g. {untranslated[:10]}"


@pytest.mark.parametrize("domain", DOMAINS)
def test_admin_catalog_keeps_every_placeholder_and_tag(domain):
    po = polib.pofile(str(ADMIN_CATALOG_DIR / "vi" / "LC_MESSAGES" / f"{domain}.po"))
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    problems = []
    for entry in po:
        assert not entry.fuzzy and not entry.obsolete, entry.msgid
        translation = msgstr(entry)
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        placeholders = {p for source in sources for p in PLACEHOLDER.findall(source)}
        missing = {p for p in placeholders if p not in translation}
        unknown = set(PLACEHOLDER.findall(translation)) - placeholders
        tags = TAG.findall(sources[-1])
        missing_tags = {tag for tag in tags if translation.count(tag) < tags.count(tag)}
        if not translation or missing or unknown or missing_tags:
            problems.append((entry.msgid, translation, missing, unknown, missing_tags))
        # Strings that the code concatenates keep their edge spaces.
        if sources[-1].endswith(" "):
            assert translation.endswith(" "), entry.msgid
    assert problems == []
    if domain == "django":
        # python-format strings must survive the % operator with exactly the msgid's keys.
        for entry in po:
            if "python-format" in entry.flags and "%(" in entry.msgid:
                keys = dict.fromkeys(re.findall(r"%\((\w+)\)", entry.msgid + (entry.msgid_plural or "")), 1)
                msgstr(entry) % keys


def test_admin_catalog_follows_the_glossary():
    po = polib.pofile(str(ADMIN_CATALOG_DIR / "vi" / "LC_MESSAGES" / "django.po"))
    by_msgid = {entry.msgid: msgstr(entry) for entry in po}
    assert by_msgid["Publish"] == "Xuất bản"
    assert by_msgid["Unpublish"] == "Hủy xuất bản"
    assert by_msgid["Save draft"] == "Lưu bản nháp"
    assert by_msgid["Snippets"] == "Nội dung chung"
    assert by_msgid["Workflows"] == "Quy trình duyệt"
    assert by_msgid["Approve"] == "Phê duyệt"
    assert by_msgid["Request changes"] == "Yêu cầu chỉnh sửa"
    # One spelling of each word throughout.
    text = "\n".join(by_msgid.values())
    for old_style in ("xoá", "khoá", "huỷ", "tuỳ"):
        assert old_style not in text.lower()


# --- The admin in Vietnamese by default ----------------------------------------------------------


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("bientap", "bientap@example.com", "mat-khau-thu")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def admin_screens(home):
    return {
        "dashboard": (reverse("wagtailadmin_home"), ["Bảng điều khiển", "Trang"], ["Dashboard"]),
        "explorer": (
            reverse("wagtailadmin_explore", args=[home.id]),
            ["Sắp xếp thứ tự menu", "Có trang con", "Ngày cập nhật"],
            ["Sort menu order", "Has child pages", "Date updated"],
        ),
        "editor": (
            reverse("wagtailadmin_pages:edit", args=[home.id]),
            ["Lưu bản nháp", "Xuất bản", "Nội dung", "Quảng bá"],
            ["Save draft", ">Publish<", "Promote"],
        ),
        # HomePage is the only page type so far, created under the root.
        "add page": (
            reverse("wagtailadmin_pages:add", args=["home", "homepage", home.get_parent().id]),
            ["Lưu bản nháp", "Xuất bản"],
            ["Save draft", ">Publish<"],
        ),
    }


def visible(response):
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_admin_screens_are_vietnamese_without_a_preference(admin_client, superuser, home_vi):
    assert not UserProfile.get_for_user(superuser).preferred_language
    for name, (url, vietnamese, english) in admin_screens(home_vi).items():
        html = visible(admin_client.get(url, follow=True))
        assert '<html lang="vi"' in html, name
        for text in vietnamese:
            assert text in html, (name, text)
        for text in english:
            assert text not in html, (name, text)


def test_the_article_forms_help_texts_are_vietnamese_even_where_a_library_gives_its_own(admin_client, news_category):
    url = reverse("wagtailadmin_pages:add", args=("news", "newsarticlepage", news_category.pk))
    html = visible(admin_client.get(url))
    assert "Các từ khóa cách nhau bằng dấu phẩy" in html
    assert "A comma-separated list of tags." not in html  # django-taggit's, which has no Vietnamese


def test_admin_stays_vietnamese_for_an_english_browser(admin_client, home_vi):
    html = visible(admin_client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    assert '<html lang="vi"' in html and "Bảng điều khiển" in html


def test_login_page_is_vietnamese(client, db):
    html = visible(client.get(reverse("wagtailadmin_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    assert "Đăng nhập" in html and "Sign in" not in html
    # Wagtail gives the password field no label; Django would show its name, "Password".
    assert re.search(r'<label[^>]* for="id_password"[^>]*> Mật khẩu<', html)
    assert "Password" not in html


def test_the_public_site_still_follows_the_browser(client, site):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")["Location"] == "/en/"


def test_user_switches_the_admin_to_english_in_account_settings(admin_client, superuser, home_vi):
    account = reverse("wagtailadmin_account")
    assert '<option value="en">English</option>' in visible(admin_client.get(account))
    response = admin_client.post(
        account,
        {
            "name_email-first_name": "Biên",
            "name_email-last_name": "Tập",
            "name_email-email": "bientap@example.com",
            "locale-preferred_language": "en",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-contrast": "system",
            "theme-density": "default",
            "theme-keyboard_shortcuts": "on",
        },
    )
    assert response.status_code == 302
    assert UserProfile.get_for_user(superuser).preferred_language == "en"
    for name, (url, vietnamese, english) in admin_screens(home_vi).items():
        html = visible(admin_client.get(url, follow=True))
        assert '<html lang="en"' in html, name
        for text in english:
            assert text in html, (name, text)
        assert vietnamese[0] not in html, name


# --- JavaScript catalogs ----------------------------------------------------------------------------


def served_js_catalog(client, url):
    response = client.get(url)
    assert response.status_code == 200
    found = re.search(r"const newcatalog = (\{.*?\});\n", response.content.decode(), re.S)
    return json.loads(found.group(1)) if found else {}


@pytest.mark.parametrize(
    "url_name, package",
    [("wagtailadmin_javascript_catalog", "wagtail.admin"), ("wagtail_localize:javascript_catalog", "wagtail_localize")],
)
def test_javascript_catalogs_are_served_in_vietnamese(admin_client, superuser, db, url_name, package):
    own = polib.pofile(str(app_locale_dir(package) / "vi" / "LC_MESSAGES" / "djangojs.po"))
    translated_upstream = {entry.msgid for entry in own if msgstr(entry) and not entry.fuzzy}
    ours = {
        entry.msgid: msgstr(entry)
        for entry in polib.pofile(str(ADMIN_CATALOG_DIR / "vi" / "LC_MESSAGES" / "djangojs.po"))
    }
    english = polib.pofile(str(app_locale_dir(package) / "en" / "LC_MESSAGES" / "djangojs.po"))
    only_ours = [entry.msgid for entry in english if entry.msgid not in translated_upstream and not entry.msgid_plural]
    assert len(only_ours) > 20

    catalog = served_js_catalog(admin_client, reverse(url_name))
    assert {msgid: catalog.get(msgid) for msgid in only_ours} == {msgid: ours[msgid] for msgid in only_ours}

    profile = UserProfile.get_for_user(superuser)
    profile.preferred_language = "en"
    profile.save()
    catalog = served_js_catalog(admin_client, reverse(url_name))
    assert not any(msgid in catalog for msgid in only_ours)
