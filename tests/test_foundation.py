"""Issue 2: a runnable portal: languages, site settings, layout, demo content, settings."""

import hashlib
import hmac
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.utils import translation
from django.utils.http import urlencode
from wagtail.documents import get_document_model
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    GroupPagePermission,
    Locale,
    Page,
    PageViewRestriction,
    Site,
)

from editorial.roles import EDITORS
from home.choosing import site_snippet_models
from home.demo import translate
from home.models import AgencyProfile, HomePage, PortalSettings
from home.text import fold, slugify_vi
from news.models import NewsArticlePage
from portal.views import bad_request, page_not_found, permission_denied, server_error

BASE_DIR = Path(settings.BASE_DIR)


# --- Languages and URLs ------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept_language, expected",
    [("", "/vi/"), ("vi-VN,vi;q=0.9", "/vi/"), ("en-US,en;q=0.9", "/en/"), ("fr-FR,fr;q=0.9", "/vi/")],
)
def test_root_redirects_to_the_visitors_language(client, site, accept_language, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.parametrize("accept_language", ["", "en-US,en;q=0.9"])
def test_other_addresses_without_their_language_lead_to_the_vietnamese_page(client, site, accept_language):
    response = client.get("/tin-tuc/?page=2", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 302
    assert response["Location"] == "/vi/tin-tuc/?page=2"


def test_home_page_is_served_in_both_languages(client, site):
    vi = client.get("/vi/")
    en = client.get("/en/")
    assert vi.status_code == en.status_code == 200
    assert '<html lang="vi">' in vi.text and '<html lang="en">' in en.text
    assert "Ủy ban nhân dân phường Thử Nghiệm" in vi.text
    assert "Thu Nghiem Ward People&#x27;s Committee" in en.text
    assert "Bỏ qua, đến nội dung chính" in vi.text  # the skip link, from the vi catalog
    assert "Skip to main content" in en.text


def test_language_switcher_and_hreflang_point_at_the_other_home(client, site):
    html = client.get("/vi/").text
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/">' in html
    assert '<link rel="alternate" hreflang="vi" href="http://testserver/vi/">' in html
    assert re.search(r'<a href="/en/" hreflang="en" lang="en">English</a>', html)
    assert re.search(r'<a href="/vi/" hreflang="vi" lang="vi" aria-current="true">Tiếng Việt</a>', html)


def test_unknown_pages_get_a_404_in_the_visitors_language(client, site):
    vi = client.get("/vi/khong-co-trang-nay/")
    en = client.get("/en/no-such-page/")
    assert vi.status_code == en.status_code == 404
    assert "Không tìm thấy trang" in vi.text
    assert "Page not found" in en.text
    # The switcher leads to the other language's home, not to the same missing address there.
    assert re.search(r'<a href="/en/" hreflang="en" lang="en">English</a>', vi.text)
    assert re.search(r'<a href="/vi/" hreflang="vi" lang="vi">Tiếng Việt</a>', en.text)
    assert 'rel="alternate" hreflang' not in vi.text


def test_the_admins_addresses_never_lead_to_a_language(admin_client, site):
    """A 404 of the admin is its own answer: Django's LocaleMiddleware sent it to /vi/admin/…, the
    public 404 page, whatever asked (the admin API's clients, a form's POST)."""
    api = admin_client.get("/admin/api/main/pages/999999/")
    assert api.status_code == 404 and api["Content-Type"] == "application/json"
    for response in (
        admin_client.post("/admin/pages/999999/edit/", {"title": "Tin"}),
        admin_client.get("/admin/khong-co-trang-nay/"),
    ):
        assert response.status_code == 404


# A worker thread keeps the language of the last request it served: an error raised before the
# request's language is chosen (a refused host, a cache failing) must not show the page in it.
OTHER_LANGUAGE = {"vi": "en", "en": "vi"}


@pytest.mark.parametrize("language, text", [("vi", "Đã có lỗi xảy ra"), ("en", "Something went wrong")])
def test_server_error_page_needs_no_database_and_speaks_the_language(rf, language, text):
    with translation.override(OTHER_LANGUAGE[language]):
        response = server_error(rf.get(f"/{language}/"))
    assert response.status_code == 500
    assert text in response.content.decode()
    assert f'<html lang="{language}">' in response.content.decode()


@pytest.mark.parametrize(
    "view, language, text",
    [
        (permission_denied, "vi", "Bạn không có quyền xem trang này."),
        (permission_denied, "en", "You do not have permission to see this page."),
        (bad_request, "vi", "Yêu cầu không hợp lệ"),
        (bad_request, "en", "Bad request"),
        (page_not_found, "vi", "Không tìm thấy trang"),
        (page_not_found, "en", "Page not found"),
    ],
)
def test_refusals_get_the_portals_page_in_the_visitors_language(rf, site, view, language, text):
    with translation.override(OTHER_LANGUAGE[language]):
        response = view(rf.get(f"/{language}/"), Exception("never shown"))
    body = response.content.decode()
    assert text in body and f'<html lang="{language}">' in body
    assert "never shown" not in body


def test_an_error_page_shown_once_the_language_is_chosen_keeps_it(rf):
    request = rf.get("/admin/pages/")
    request.LANGUAGE_CODE = "en"
    with translation.override("en"):
        assert "You do not have permission" in permission_denied(request, Exception()).content.decode()


@pytest.mark.parametrize("page_cache_seconds", [0, 300])
def test_a_request_for_a_host_the_site_does_not_serve_gets_the_portals_400_page(
    client, site, settings, page_cache_seconds
):
    settings.ALLOWED_HOSTS = ["haichau.example.vn"]
    settings.PAGE_CACHE_SECONDS = page_cache_seconds  # which asks for the host before the language is chosen
    with translation.override("en"):
        response = client.get("/vi/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.text and "css/error.css" in response.text


@pytest.mark.parametrize(
    "cookie, text",
    [
        (False, "Trình duyệt của bạn không gửi cookie bảo vệ biểu mẫu này."),
        (True, "Có thể biểu mẫu đã được mở quá lâu"),
    ],
)
def test_a_form_refused_by_the_csrf_check_says_why_and_how_to_keep_what_was_typed(site, cookie, text):
    browser = Client(enforce_csrf_checks=True)
    if cookie:
        browser.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32
    response = browser.post("/vi/_util/login/", {"username": "bientap", "password": "x"})
    assert response.status_code == 403
    assert "Không xác minh được biểu mẫu" in response.text and text in response.text
    assert "sao chép những gì bạn đã nhập" in response.text
    assert "DEBUG" not in response.text


def test_a_database_out_of_reach_gives_the_friendly_error_page_not_a_trace(site, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(HomePage, "get_context", unreachable)
    response = Client(raise_request_exception=False).get("/vi/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Đã có lỗi xảy ra" in body
    assert "Traceback" not in body and "Connection refused" not in body


# --- Private pages: what a visitor sees of them ----------------------------------------------


def test_a_page_behind_a_password_asks_for_it_on_the_portals_page_and_shows_nothing_of_it(client, make_article):
    article = make_article("Kế hoạch nội bộ tháng 12")
    english = translate(article, Locale.objects.get(language_code="en"), {article.title: "Internal plan"})
    PageViewRestriction.objects.create(page=article, restriction_type="password", password="mat-khau")
    response = client.get(article.url)
    page = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert page.select_one("main h1").text == "Cần nhập mật khẩu"
    assert page.select_one(".site-header") and page.select_one(".site-footer")
    assert page.select_one('meta[name="viewport"]') and page.select_one('meta[name="robots"]')["content"] == "noindex"
    assert "Kế hoạch nội bộ" not in response.text  # not even in the title or the description
    assert english.url not in response.text  # nor where its translation is: the switcher leads home
    assert page.select_one('.language-switcher a[hreflang="en"]')["href"] == "/en/"
    form = page.select_one("main form.access-form")
    assert form.select_one("label[for=id_password]").text == "Mật khẩu"
    fields = {field["name"]: field.get("value", "") for field in form.select("input[name]")}

    wrong = BeautifulSoup(client.post(form["action"], {**fields, "password": "sai"}).content, "html.parser")
    assert wrong.select_one(".form-field--invalid .form-field__error").text == (
        "Mật khẩu bạn nhập không đúng. Vui lòng thử lại."
    )
    right = client.post(form["action"], {**fields, "password": "mat-khau"}, follow=True)
    assert BeautifulSoup(right.content, "html.parser").select_one("main h1").text.strip() == article.title


def test_a_document_behind_a_password_asks_for_it_on_the_portals_page(client, site):
    private = Collection.get_first_root_node().add_child(name="Nội bộ")
    CollectionViewRestriction.objects.create(collection=private, restriction_type="password", password="mat-khau")
    document = get_document_model()(title="Kế hoạch chưa công bố", collection=private)
    document.file.save("ke-hoach.txt", ContentFile(b"Van ban"), save=False)
    document.save()
    response = client.get(document.url)
    page = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert page.select_one("main h1").text == "Cần nhập mật khẩu" and page.select_one(".site-header")
    assert "Kế hoạch chưa công bố" not in response.text
    form = page.select_one("main form.access-form")
    fields = {field["name"]: field.get("value", "") for field in form.select("input[name]")}
    served = client.post(form["action"], {**fields, "password": "mat-khau"}, follow=True)
    assert b"".join(served.streaming_content) == b"Van ban"


def test_a_page_for_signed_in_users_sends_visitors_to_the_portals_sign_in_page(client, make_article):
    article = make_article("Tin nội bộ")
    PageViewRestriction.objects.create(page=article, restriction_type="login")
    get_user_model().objects.create_user("canbo", "canbo@example.com", "mat-khau-dai-1")
    to_sign_in = client.get(article.url)
    assert to_sign_in.status_code == 302
    response = client.get(to_sign_in["Location"])
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("main h1").text == "Đăng nhập"
    assert "Trang này chỉ dành cho người dùng đã đăng nhập." in response.text
    assert page.select_one(".site-header") and page.select_one("main label[for=id_username]")
    form = page.select_one("main form.access-form")
    fields = {field["name"]: field.get("value", "") for field in form.select("input[name]")}

    wrong = client.post(form["action"], {**fields, "username": "canbo", "password": "sai"})
    alert = BeautifulSoup(wrong.content, "html.parser").select_one("main [role=alert]")
    assert alert.text.startswith("Vui lòng điền vào Tên đăng nhập và mật khẩu chính xác.")
    right = client.post(form["action"], {**fields, "username": "canbo", "password": "mat-khau-dai-1"})
    assert right.status_code == 302 and right["Location"] == article.url
    client.logout()
    # Opened by itself (no page to go back to): the home page, not Django's /accounts/profile/.
    fields = {**fields, "next": "", "username": "canbo", "password": "mat-khau-dai-1"}
    assert client.post(form["action"], fields)["Location"] == "/"
    with translation.override("en"):
        assert "This page is for signed-in users only." in client.get("/en/_util/login/").text


def test_the_sign_in_page_in_another_language_still_leads_to_the_page_asked_for(client, make_article):
    article = make_article("Tin nội bộ")
    PageViewRestriction.objects.create(page=article, restriction_type="login")
    get_user_model().objects.create_user("canbo", "canbo@example.com", "mat-khau-dai-1")

    def switcher(url):
        page = BeautifulSoup(client.get(url).content, "html.parser")
        return {link["hreflang"]: link["href"] for link in page.select(".language-switcher a")}

    links = switcher(client.get(article.url)["Location"])
    assert links == {code: f"/{code}/_util/login/?{urlencode({'next': article.url})}" for code in ("vi", "en")}
    page = BeautifulSoup(client.get(links["en"]).content, "html.parser")
    assert page.select_one("main h1").text == "Sign in"
    form = page.select_one("main form.access-form")
    fields = {field["name"]: field.get("value", "") for field in form.select("input[name]")}
    signed_in = client.post(form["action"], {**fields, "username": "canbo", "password": "mat-khau-dai-1"})
    assert signed_in["Location"] == article.url
    client.logout()
    # Only a page of this site is kept, as the sign-in page would go to no other.
    for elsewhere in ("https://evil.example/", "//evil.example/", "javascript:alert(1)", ""):
        assert switcher(f"/vi/_util/login/?{urlencode({'next': elsewhere})}")["en"] == "/en/_util/login/"
    assert switcher("/vi/_util/login/")["en"] == "/en/_util/login/"


# --- Site settings: nothing about one agency is hard-coded ---------------------------------


def test_the_agency_comes_from_site_settings(client, site):
    agency = PortalSettings.for_site(site).agency
    agency.name = "Ủy ban nhân dân xã Hòa Bắc"
    agency.phone = "0236 3 000 111"
    agency.save()
    html = client.get("/vi/").text
    assert "Ủy ban nhân dân xã Hòa Bắc" in html
    assert 'href="tel:02363000111"' in html
    assert "Thử Nghiệm" not in html


def test_one_installation_hosts_several_agencies(client, site, locales):
    vi, _en = locales
    other_home = site.root_page.get_parent().add_child(
        instance=HomePage(title="Trang chủ phường", slug="trang-chu-phuong", locale=vi)
    )
    other_home.save_revision().publish()
    other_site = Site.objects.create(hostname="phuong.example.vn", port=80, root_page=other_home)
    other_settings = PortalSettings.for_site(other_site)
    other_settings.agency = AgencyProfile.objects.create(locale=vi, portal_name="Cổng", name="UBND phường Hải Châu")
    other_settings.save()

    default = client.get("/vi/", HTTP_HOST="testserver").text
    other = client.get("/vi/", HTTP_HOST="phuong.example.vn").text
    assert "Ủy ban nhân dân phường Thử Nghiệm" in default and "UBND phường Hải Châu" not in default
    assert "UBND phường Hải Châu" in other and "Thử Nghiệm" not in other


def test_add_agency_starts_each_agencys_site_from_the_command_line(client, locales, settings):
    settings.ALLOWED_HOSTS = ["quan.example.vn"]
    district, ward = "Ủy ban nhân dân quận Thử Nghiệm", "Ủy ban nhân dân phường Thử Nghiệm"
    out = io.StringIO()
    call_command("add_agency", district, hostname="quan.example.vn", port=80, stdout=out)
    assert "Add quan.example.vn to ALLOWED_HOSTS" not in out.getvalue()
    # The first takes the place of Wagtail's welcome page as the default site.
    assert not Page.objects.filter(depth=2).exact_type(Page).exists()
    default = Site.objects.get(is_default_site=True)
    assert (default.hostname, default.port, default.site_name) == ("quan.example.vn", 80, district)

    call_command("add_agency", ward, hostname="Phuong.Example.vn", port=80, parent="Quận Thử Nghiệm", stdout=out)
    assert "Add phuong.example.vn to ALLOWED_HOSTS, or the site answers 400." in out.getvalue()
    settings.ALLOWED_HOSTS += ["phuong.example.vn"]
    other = Site.objects.get(hostname="phuong.example.vn")
    assert not other.is_default_site and Site.objects.count() == 2
    for host, own, not_own in (("quan.example.vn", district, ward), ("phuong.example.vn", ward, district)):
        html = client.get("/vi/", HTTP_HOST=host).text
        assert own in html and not_own not in html, host
    assert "Quận Thử Nghiệm" in client.get("/vi/", HTTP_HOST="phuong.example.vn").text
    # Its page tree is the editorial roles' to work on, with the approval workflow.
    assert GroupPagePermission.objects.filter(page=other.root_page, group__name=EDITORS).exists()
    assert other.root_page.get_workflow() is not None

    with pytest.raises(CommandError, match="A site at phuong.example.vn:80 exists already"):
        call_command("add_agency", "Trùng", hostname="phuong.example.vn", port=80, stdout=out)
    with pytest.raises(CommandError, match="is not a host name: give it alone"):
        call_command("add_agency", "Sai", hostname="https://phuong.example.vn/", stdout=out)
    assert AgencyProfile.objects.count() == 2
    # The same host name on another port (another agency's site: a site's name is its own) gets a
    # home page of its own.
    call_command("add_agency", "Ủy ban nhân dân xã Thử Nghiệm", hostname="phuong.example.vn", port=443, stdout=out)
    assert Site.objects.get(hostname="phuong.example.vn", port=443).root_page.slug == "phuong-example-vn-2"


def test_add_agency_refuses_a_name_a_parent_or_a_port_it_could_not_keep_or_give_own_staff_use(locales):
    def refused(match, name="Ủy ban nhân dân phường Mới", **options):
        with pytest.raises(CommandError, match=match):
            call_command("add_agency", name, **{"hostname": "phuong.example.vn", "port": 80, **options})

    district = "Ủy ban nhân dân quận Thử Nghiệm"
    call_command("add_agency", district, hostname="quan.example.vn", port=80, stdout=io.StringIO())
    nameless = Site.objects.create(hostname="cu.example.vn", port=80, root_page=Page.objects.get(depth=2))
    counts = _row_counts()
    for name in ("", "   "):
        refused("The agency's name is empty: give it", name)
    longest = min(AgencyProfile._meta.get_field("name").max_length, Site._meta.get_field("site_name").max_length)
    refused(f"The agency's name is {longest + 1} characters long: shorten it to {longest} at most", "Ủ" * (longest + 1))
    longest_parent = AgencyProfile._meta.get_field("parent_name").max_length
    too_long = "T" * (longest_parent + 1)
    refused(
        f"The parent authority's name is {len(too_long)} characters long: shorten it to {longest_parent}",
        parent=too_long,
    )
    for port in (0, -443, 65536, 99999999999):
        refused(f"^{port} is not a port: give one from 1 to 65535", port=port)
    # Another site's name (the same once stripped), or the host name of a site with none, would
    # name the agency's groups as that site's: give_own_staff would refuse one of the two.
    refused(f"The site at quan.example.vn:80 goes by “{district}” already: give this agency a name", f" {district} ")
    refused("The site at cu.example.vn:80 goes by “cu.example.vn” already", nameless.hostname)
    assert _row_counts() == counts

    # The longest name and parent, stripped, on the last port: stored whole, and given staff of its own.
    ward = "Ủy ban nhân dân phường Mới "
    ward += "D" * (longest - len(ward))
    parent = "T" * longest_parent
    call_command("add_agency", f"  {ward}\t", hostname="phuong.example.vn", port=65535, parent=f" {parent} ")
    site = Site.objects.get(hostname="phuong.example.vn")
    assert (site.site_name, site.port, site.root_url) == (ward, 65535, "http://phuong.example.vn:65535")
    assert AgencyProfile.objects.filter(site=site, name=ward, parent_name=parent).exists()
    call_command("give_own_staff", "phuong.example.vn", stdout=io.StringIO())
    call_command("give_own_staff", "quan.example.vn", stdout=io.StringIO())


def test_public_pages_load_nothing_from_other_hosts(client, demo):
    for url in ("/vi/", "/en/", "/vi/khong-co/"):
        html = client.get(url).text
        external = re.findall(r'(?:src|href)="(?:https?:)?//(?!testserver|127\.0\.0\.1)[^"]+"', html)
        assert external == [], url
        assert "/static/css/portal.css" in html


# --- Demo content, `make run` -------------------------------------------------------------


def _row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_the_demos_snippets_are_the_demo_agencys(demo):
    """Another agency added beside the demo must not be offered the demo's profile, boxes,
    departments and polls, as it would be offered those of no site."""
    kept = {model.__name__: set(model.objects.values_list("site", flat=True)) for model in site_snippet_models()}
    assert {"AgencyProfile", "InfoBox", "Department", "Survey"} <= kept.keys()
    assert {name: sites for name, sites in kept.items() if sites} == dict.fromkeys(
        [name for name, sites in kept.items() if sites], {demo.pk}
    )
    assert all(kept[name] for name in ("AgencyProfile", "InfoBox", "Department", "Survey"))


@override_settings(DEBUG=True)
def test_load_demo_prints_a_working_admin_login_and_is_idempotent(client, db):
    out = io.StringIO()
    call_command("load_demo", "--admin-url", "http://127.0.0.1:8123/admin/", stdout=out)
    login = re.search(r"http://127.0.0.1:8123/admin/ user: (\S+) password: (\S+)", out.getvalue())
    assert login, out.getvalue()

    counts = _row_counts()
    call_command("load_demo", stdout=io.StringIO())
    assert _row_counts() == counts

    assert client.get("/").status_code == 302
    assert client.get("/vi/").status_code == 200
    assert client.get("/en/").status_code == 200
    response = client.post("/admin/login/", {"username": login[1], "password": login[2]})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@override_settings(DEBUG=True)
def test_load_demo_prints_the_demo_password_only_for_the_accounts_it_is_the_password_of(db, monkeypatch):
    from editorial.demo import DEMO_USERS
    from home.management.commands import load_demo

    User = get_user_model()
    usernames = [load_demo.DEMO_ADMIN_USERNAME] + [username for _group, username, _name in DEMO_USERS]

    def run(password):
        """load_demo's output with DEMO_ADMIN_PASSWORD=password, each of its logins checked."""
        monkeypatch.setattr(load_demo, "DEMO_ADMIN_PASSWORD", password)
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        out = out.getvalue()
        logins = dict(re.findall(r" user: (\S+) password: (\S+)\n", out))
        assert all(User.objects.get(username=user).check_password(logins[user]) for user in logins), out
        return out, logins

    out, logins = run("portal-demo-2026")
    assert logins == dict.fromkeys(usernames, "portal-demo-2026")

    # An administrator changed the demo administrator's password and deactivated the approver.
    admin = User.objects.get(username="admin")
    admin.set_password("mat-khau-rieng-2027")
    admin.save()
    User.objects.filter(username="pheduyet").update(is_active=False)
    passwords = dict(User.objects.values_list("username", "password"))
    out, logins = run("portal-demo-2026")
    assert logins == dict.fromkeys(set(usernames) - {"admin", "pheduyet"}, "portal-demo-2026"), out
    assert "user: admin existed already and kept its password, which is not the demo password" in out
    assert "user: pheduyet is deactivated and cannot sign in" in out

    # Run with another demo password, the accounts keep theirs, and say so; one made now has it.
    User.objects.filter(username="biendichvien").delete()
    out, logins = run("another-pass-2027")
    assert logins == {"biendichvien": "another-pass-2027"}, out
    for username in set(usernames) - {"pheduyet", "biendichvien"}:
        assert f"user: {username} existed already and kept its password" in out
    assert dict(User.objects.exclude(username="biendichvien").values_list("username", "password")) == {
        username: password for username, password in passwords.items() if username != "biendichvien"
    }


def test_load_demo_serves_the_demo_site_at_the_admins_host_and_port_even_when_loaded_before(client, db):
    def addresses(host):
        """The addresses an article of the demo gives of itself (canonical link, Open Graph, JSON-LD,
        the source printed on paper) and the hosts of its image's, requested at `host`."""
        article = NewsArticlePage.objects.live().filter(locale__language_code="vi", featured_image__isnull=False)[0]
        page = BeautifulSoup(client.get(article.url, HTTP_HOST=host).content, "html.parser")
        data = json.loads(page.find("script", type="application/ld+json").string)
        own = {
            page.find("link", rel="canonical")["href"],
            page.find("meta", property="og:url")["content"],
            data["mainEntityOfPage"],
            page.select_one(".article__source").get_text().removeprefix("Nguồn: "),
        }
        images = {page.find("meta", property="og:image")["content"], *data["image"]}
        return own - {f"http://{host}{article.url}"}, {image.split("/media/")[0] for image in images}

    call_command("load_demo", "--admin-url", "http://127.0.0.1:8931/admin/", stdout=io.StringIO())
    assert [site.root_url for site in Site.objects.all()] == ["http://127.0.0.1:8931"]
    assert addresses("127.0.0.1:8931") == (set(), {"http://127.0.0.1:8931"})

    # Loaded again for `make run` on another address, the demo moves there; nothing else changes.
    counts = _row_counts()
    call_command("load_demo", "--admin-url", "http://localhost:8932/admin/", stdout=io.StringIO())
    assert [site.root_url for site in Site.objects.all()] == ["http://localhost:8932"]
    assert addresses("localhost:8932") == (set(), {"http://localhost:8932"})
    call_command("load_demo", stdout=io.StringIO())
    assert [site.root_url for site in Site.objects.all()] == ["http://127.0.0.1:8000"]
    assert _row_counts() == counts

    for admin_url in ("127.0.0.1:8931", "http://127.0.0.1:99999/admin/", "http:///admin/"):
        with pytest.raises(CommandError, match="is not an address such as http://127.0.0.1:8000/admin/"):
            call_command("load_demo", "--admin-url", admin_url, stdout=io.StringIO())
    call_command("add_agency", "Ủy ban nhân dân phường Thử Nghiệm", hostname="phuong.example.vn", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Another site is at phuong.example.vn:443"):
        call_command("load_demo", "--admin-url", "https://phuong.example.vn/admin/", stdout=io.StringIO())
    assert Site.objects.get(is_default_site=True).root_url == "http://127.0.0.1:8000"


def test_load_demo_creates_no_admin_outside_development(db):
    from django.contrib.auth import get_user_model

    call_command("load_demo", stdout=io.StringIO())
    assert not get_user_model().objects.exists()


def test_demo_site_is_branded_for_hai_chau_in_both_languages(client, demo):
    assert "Ủy ban nhân dân quận Hải Châu" in client.get("/vi/").text
    english = client.get("/en/").text
    assert "Hai Chau District People&#x27;s Committee" in english
    assert "Hotline" in english  # the sidebar box, translated


# --- Configuration -------------------------------------------------------------------------


def test_makemigrations_finds_nothing(db):
    call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_defaults_follow_the_issue():
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.WAGTAIL_I18N_ENABLED


def test_vietnamese_formats(db):
    import datetime

    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.utils.formats import date_format

    day = datetime.date(2020, 10, 14)
    with translation.override("vi"):
        assert date_format(day) == "14/10/2020"
        assert intcomma(18029085) == "18.029.085"
    with translation.override("en"):
        assert date_format(day) == "14 October 2020"
        assert intcomma(18029085) == "18,029,085"


def _production(env, *args):
    unset = {"SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL", "WAGTAILADMIN_BASE_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.update({"DJANGO_SETTINGS_MODULE": "portal.settings.production", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _production({}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("address", [None, "", "https://", "haichau.danang.gov.vn"])
def test_production_refuses_to_start_without_the_admins_address(address):
    """The links of the workflow's e-mails would lead approvers to the development server."""
    env = {"SECRET_KEY": "x" * 60} | ({} if address is None else {"WAGTAILADMIN_BASE_URL": address})
    result = _production(env, "check")
    assert result.returncode != 0
    assert "WAGTAILADMIN_BASE_URL is not set to an address" in result.stderr


def test_production_reads_the_mail_relay_from_the_environment():
    env = {
        "SECRET_KEY": "x" * 60,
        "WAGTAILADMIN_BASE_URL": "https://portal.example.vn/",
        "EMAIL_HOST": "smtp.example.vn",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "portal",
        "EMAIL_HOST_PASSWORD": "relay-secret",
        "EMAIL_USE_TLS": "1",
    }
    names = ["WAGTAILADMIN_BASE_URL", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"]
    code = f"from django.conf import settings as s; print(*[getattr(s, n) for n in {names + ['EMAIL_USE_TLS']}])"
    result = _production(env, "shell", "-c", code)
    assert result.stdout.splitlines()[-1].split() == [
        "https://portal.example.vn",
        "smtp.example.vn",
        "587",
        "portal",
        "relay-secret",
        "True",
    ], result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = _production(
        {"SECRET_KEY": "x" * 60, "WAGTAILADMIN_BASE_URL": "https://portal.example.vn", "DEBUG": "1"}, "check"
    )
    assert result.returncode != 0
    assert "DEBUG is on" in result.stderr


def test_production_check_deploy_is_clean(tmp_path):
    env = {
        "SECRET_KEY": "k3y-" + "a1B2c3D4e5F6g7H8i9J0" * 3,
        "ALLOWED_HOSTS": "portal.example.vn",
        "WAGTAILADMIN_BASE_URL": "https://portal.example.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = _production(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


# --- The one Vietnamese normaliser ---------------------------------------------------------


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Đà Nẵng", "da nang"),
        ("ĐÀ NẴNG", "da nang"),
        ("dân vận khéo", "dan van kheo"),
        ("Quận Hải Châu", "quan hai chau"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_slugs_keep_d_stroke():
    assert slugify_vi("Đà Nẵng tổ chức hội nghị") == "da-nang-to-chuc-hoi-nghi"
    assert (
        slugify_vi("Quận Hải Châu: Tiếp tục thực hiện “dân vận khéo”")
        == "quan-hai-chau-tiep-tuc-thuc-hien-dan-van-kheo"
    )


# --- Recognising visitors without storing them ------------------------------------------------


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "6.6.6.6", "10.0.0.1"),  # no proxy trusted: X-Forwarded-For is the client's own claim
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the one trusted proxy appended the client
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (1, "", "10.0.0.1"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(rf, settings, proxies, forwarded, expected):
    from home.visitors import client_ip

    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_visitor_hash_depends_on_key_address_and_browser_and_reveals_neither(rf):
    from home.visitors import keyed, visitor_hash

    request = rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Firefox")
    same = rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Firefox")
    digest = visitor_hash(request, "key-1")
    assert digest == visitor_hash(same, "key-1")
    assert digest != visitor_hash(request, "key-2")
    assert digest != visitor_hash(rf.get("/", REMOTE_ADDR="203.0.113.8", HTTP_USER_AGENT="Firefox"), "key-1")
    assert digest != visitor_hash(rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Chrome"), "key-1")
    assert "203.0.113.7" not in digest and len(digest) == 64
    # HMAC-SHA256 of "address\nbrowser": the digests stored with the votes already cast stay valid.
    assert digest == hmac.new(b"key-1", b"203.0.113.7\nFirefox", hashlib.sha256).hexdigest()
    # A key made ready for many visitors (visit counting's salt of the day) gives the same digests.
    ready = keyed("key-1")
    assert visitor_hash(request, ready) == digest and visitor_hash(request, ready) == digest


def test_every_page_type_gets_an_ascii_slug_from_a_vietnamese_title(site, locales):
    from wagtail.models import Page

    page = Page.get_first_root_node().add_child(instance=HomePage(title="Trang chủ Đà Nẵng", locale=locales[0]))
    assert page.slug == "trang-chu-da-nang"
