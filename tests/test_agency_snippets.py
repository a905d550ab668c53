"""Snippets that belong to an agency's site (home.models.SiteSnippet: agency profiles, departments,
information boxes, polls, visit statistics boxes): its staff list, change, delete and choose them,
and no other agency's staff do; what belongs to no site every site uses and the default site's staff
change (home.access, home.snippets, home.forms.SnippetForm)."""

import importlib
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from wagtail.admin.panels import get_edit_handler
from wagtail.models import GroupPagePermission, Page, Site
from wagtail.test.utils.form_data import nested_form_data, streamfield
from wagtail_localize.models import StringSegment, Translation

from editorial.roles import ADMINISTRATORS, APPROVERS, EDITORS, WORKFLOW
from feedback.forms import VoteForm
from feedback.models import Survey, SurveyResponse
from home.choosing import site_snippet_models
from home.demo import demo_image, translate
from home.forms import SnippetForm
from home.models import AgencyProfile, Department, HomePage, PortalSettings
from home.snippets import TranslatableSnippetViewSet
from home.text import fold
from news.blocks import ArticleBodyBlock
from news.models import NewsArticlePage, NewsIndexPage, NewsTag
from tests.test_chosen_media import REFUSED, add_url, article_with
from tests.test_feedback import admin_form, admin_url, form_fields, make_survey, soup
from tests.test_roles import denied
from visits.models import VisitStatsBox


@pytest.fixture
def polls(site, ward, locales):
    """A poll of the district's site (the default site), one of the ward's and one of no site."""
    vi = locales[0]
    return {
        "district": make_survey(vi, question="Quận phục vụ thế nào?", site=site),
        "ward": make_survey(vi, question="Phường K phục vụ thế nào?", site=ward["site"]),
        "shared": make_survey(vi, question="Một cửa phục vụ thế nào?"),
    }


QUESTIONS = {"Quận phục vụ thế nào?", "Phường K phục vụ thế nào?", "Một cửa phục vụ thế nào?"}


def listed(client):
    """The questions of the polls in the admin's listing."""
    text = soup(client.get(admin_url("list"), {"locale": "vi"})).get_text()
    return {question for question in QUESTIONS if question in text}


def test_each_agencys_staff_list_their_sites_snippets_and_those_of_every_site(client, polls, ward, role_user):
    client.force_login(ward["approver"])
    assert listed(client) == {"Phường K phục vụ thế nào?", "Một cửa phục vụ thế nào?"}

    client.force_login(role_user(APPROVERS, "pheduyet"))
    assert listed(client) == {"Quận phục vụ thế nào?", "Một cửa phục vụ thế nào?"}

    client.force_login(role_user(ADMINISTRATORS, "quantri"))
    assert listed(client) == QUESTIONS


def may_manage_departments(user):
    departments = Permission.objects.filter(content_type__app_label="home", codename__endswith="_department")
    for group in user.groups.all():
        group.permissions.add(*departments)


def may_delete_polls(*groups):
    permission = Permission.objects.get(content_type__app_label="feedback", codename="delete_survey")
    for group in groups:
        group.permissions.add(permission)


def test_an_agencys_staff_change_only_their_sites_snippets(client, polls, ward):
    may_delete_polls(*ward["approver"].groups.all())
    client.force_login(ward["approver"])
    for name in ("district", "shared"):
        poll = polls[name]
        assert denied(client.get(admin_url("edit", poll.pk))), name
        assert denied(client.post(admin_url("edit", poll.pk), {"question": "Đổi câu hỏi"})), name
        assert denied(client.post(admin_url("delete", poll.pk))), name
        poll.refresh_from_db()
        assert poll.question != "Đổi câu hỏi"

    own = polls["ward"]
    data = form_fields(admin_form(client.get(admin_url("edit", own.pk))))
    assert data["site"] == str(ward["site"].pk)
    data["question"] = "Phường K phục vụ có tốt không?"
    assert client.post(admin_url("edit", own.pk), data).status_code == 302
    own.refresh_from_db()
    assert own.question == "Phường K phục vụ có tốt không?"


def test_the_default_sites_staff_change_their_own_and_every_sites_never_another_agencys(client, polls, ward, role_user):
    approver = role_user(APPROVERS, "pheduyet")
    may_delete_polls(*approver.groups.all())
    client.force_login(approver)
    assert denied(client.get(admin_url("edit", polls["ward"].pk)))
    assert denied(client.post(admin_url("delete", polls["ward"].pk)))
    assert Survey.objects.filter(pk=polls["ward"].pk).exists()
    for name in ("district", "shared"):
        assert client.get(admin_url("edit", polls[name].pk)).status_code == 200, name
    assert client.post(admin_url("delete", polls["district"].pk)).status_code == 302
    assert not Survey.objects.filter(pk=polls["district"].pk).exists()


def test_a_new_snippet_of_an_agencys_staff_is_their_sites(client, site, ward, locales):
    client.force_login(ward["approver"])
    form = admin_form(client.get(admin_url("add") + "?locale=vi"))
    offered = [option["value"] for option in form.select("select[name=site] option")]
    assert offered == ["", str(ward["site"].pk)]  # "" is the empty choice, which they may not keep
    data = form_fields(form)
    assert data["site"] == str(ward["site"].pk)
    data["question"] = "Câu hỏi của phường K"

    for refused in ("", str(site.pk)):
        response = client.post(admin_url("add") + "?locale=vi", {**data, "site": refused})
        assert response.status_code == 200, refused
        assert soup(response).select_one("[data-field-wrapper] .error-message, .w-field__errors"), refused
        assert not Survey.objects.filter(question="Câu hỏi của phường K").exists()

    assert client.post(admin_url("add") + "?locale=vi", data).status_code == 302
    assert Survey.objects.get(question="Câu hỏi của phường K").site == ward["site"]


def test_everyone_picks_a_polls_site_and_its_translations_keep_their_originals(client, site, ward, locales, role_user):
    """A poll is one agency's: its votes and its departments are that agency's. Other snippets the
    administrators may leave to every site."""
    client.force_login(role_user(ADMINISTRATORS, "quantri"))
    data = form_fields(admin_form(client.get(admin_url("add") + "?locale=vi")))
    assert data["site"] == ""
    data["question"] = "Câu hỏi của ai?"
    refused = client.post(admin_url("add") + "?locale=vi", data)
    assert refused.status_code == 200
    assert soup(refused).select_one("[data-field-wrapper] .error-message, .w-field__errors")
    assert not Survey.objects.filter(question="Câu hỏi của ai?").exists()
    assert client.post(admin_url("add") + "?locale=vi", {**data, "site": ward["site"].pk}).status_code == 302
    assert Survey.objects.get(question="Câu hỏi của ai?").site == ward["site"]

    departments = reverse("wagtailsnippets_home_department:add") + "?locale=vi"
    assert client.post(departments, {"name": "Công an", "site": ""}).status_code == 302
    assert Department.objects.get(name="Công an").site is None

    # A translation's site is its original's, even none: its site has gone since.
    poll = Survey.objects.get(question="Câu hỏi của ai?")
    translate(poll, locales[1], {"Câu hỏi của ai?": "Whose question?"})
    Site.objects.filter(pk=ward["site"].pk).delete()
    Translation.objects.update(enabled=False)  # edited in Wagtail's form rather than wagtail-localize's
    english = poll.get_translation(locales[1])
    form = admin_form(client.get(admin_url("edit", english.pk)))
    assert form.select_one("select[name=site]").has_attr("disabled")
    data = form_fields(form)
    data["question"] = "How well did Ward K serve you?"
    assert client.post(admin_url("edit", english.pk), data).status_code == 302
    english.refresh_from_db()
    assert english.question == "How well did Ward K serve you?" and english.site is None

    # Who works for the default site alone gets it picked for them.
    client.force_login(role_user(APPROVERS, "pheduyet"))
    assert form_fields(admin_form(client.get(admin_url("add") + "?locale=vi")))["site"] == str(site.pk)


def test_an_agencys_choosers_offer_no_other_agencys_snippets(client, site, ward, department, locales):
    vi = locales[0]
    Department.objects.create(locale=vi, name="Phòng của quận", site=site)
    Department.objects.create(locale=vi, name="Bộ phận một cửa phường K", site=ward["site"])
    chooser = reverse("wagtailsnippetchoosers_home_department:choose")
    results = reverse("wagtailsnippetchoosers_home_department:choose_results")

    def offered(url):
        response = client.get(url, {"locale": "vi"})
        html = response.json()["html"] if url == chooser else response.content.decode()
        return {
            link.get_text(strip=True)
            for link in BeautifulSoup(html, "html.parser").select("a[data-chooser-modal-choice]")
        }

    client.force_login(ward["editor"])
    assert offered(chooser) == offered(results) == {"Văn phòng", "Bộ phận một cửa phường K"}


def test_an_agencys_editor_cannot_name_another_agencys_snippet_in_a_page(client, site, ward, locales):
    vi = locales[0]
    district = Department.objects.create(locale=vi, name="Phòng của quận", site=site)
    own = Department.objects.create(locale=vi, name="Bộ phận một cửa phường K", site=ward["site"])
    client.force_login(ward["editor"])

    refused = client.post(add_url(ward["category"]), article_with(district))
    assert refused.status_code == 200
    assert REFUSED in refused.content.decode()
    assert not NewsArticlePage.objects.child_of(ward["category"]).exists()

    accepted = client.post(add_url(ward["category"]), article_with(own))
    assert accepted.status_code == 302
    assert NewsArticlePage.objects.child_of(ward["category"]).get().department == own


def test_a_snippets_translations_belong_to_its_site(site, ward, locales):
    vi, en = locales
    poll = make_survey(vi, question="Phường K phục vụ thế nào?", site=ward["site"])
    translate(poll, en, {"Phường K phục vụ thế nào?": "How well does Ward K serve you?"})
    english = poll.get_translation(en)
    assert english.site == ward["site"]

    poll.site = site
    poll.save()
    english.refresh_from_db()
    assert english.site == site

    # wagtail-localize publishes a translation with the site its source had when last synced.
    english.site = ward["site"]
    english.save()
    poll.refresh_from_db()
    english.refresh_from_db()
    assert poll.site == english.site == site


def test_a_new_agencys_profile_is_its_sites(ward):
    assert AgencyProfile.objects.get(site=ward["site"]).name == "Ủy ban nhân dân phường K"


def test_a_site_that_goes_leaves_its_snippets_and_their_votes_to_every_site(site, ward, locales):
    poll = make_survey(locales[0], question="Phường K phục vụ thế nào?", site=ward["site"])
    Site.objects.filter(pk=ward["site"].pk).delete()
    poll.refresh_from_db()
    assert poll.site is None


def test_every_site_snippet_is_kept_to_its_agency_in_the_admin(db):
    models = site_snippet_models()
    assert {model._meta.label for model in models} == {
        "home.AgencyProfile",
        "home.Department",
        "home.InfoBox",
        "feedback.Survey",
        "visits.VisitStatsBox",
    }
    for model in models:
        assert isinstance(model.snippet_viewset, TranslatableSnippetViewSet), model
        form_class = get_edit_handler(model).get_form_class()
        assert issubclass(form_class, SnippetForm) and "site" in form_class.base_fields, model
        assert any(field.field_name == "site" for field in model.translatable_fields), model


def test_another_agencys_snippet_is_not_shown_copied_or_reported(client, site, polls, ward, locales):
    district_box = Department.objects.create(locale=locales[0], name="Phòng của quận", site=site)
    may_manage_departments(ward["approver"])
    client.force_login(ward["approver"])
    for name in ("history", "usage", "copy"):
        url = reverse(f"wagtailsnippets_home_department:{name}", args=[district_box.pk])
        assert denied(client.get(url)), name
    own = Department.objects.create(locale=locales[0], name="Bộ phận một cửa phường K", site=ward["site"])
    for name in ("history", "usage", "copy"):
        url = reverse(f"wagtailsnippets_home_department:{name}", args=[own.pk])
        assert client.get(url).status_code == 200, name

    # The citizens' answers to another agency's poll, and their export.
    for name in ("district", "shared"):  # a poll of no site is the default site's to report
        report = admin_url("report", polls[name].pk)
        assert client.get(report, follow=True).status_code == 404, name
        assert client.get(report, {"export": "csv"}, follow=True).status_code == 404, name
    assert client.get(admin_url("report", polls["ward"].pk), follow=True).status_code == 200


def test_another_agencys_translators_cannot_reach_its_snippets_translations(client, site, ward, locales):
    """wagtail-localize's views of a snippet's translation check only the model's permission."""
    vi, en = locales
    translate(Page.objects.get(pk=ward["site"].root_page_id).specific, en, {"Trang chủ": "Home"})
    own_profile = AgencyProfile.objects.get(site=ward["site"])
    translate(own_profile, en, {own_profile.name: "Ward K People's Committee"})
    district_profile = AgencyProfile.objects.get(locale=vi, site=None)
    district_profile.site = site
    district_profile.save()

    def string_url(profile):
        translation = Translation.objects.get(source__object_id=profile.translation_key, target_locale=en)
        segment = StringSegment.objects.get(source=translation.source, string__data=profile.name)
        return translation, reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk])

    def put(url, value):
        return client.put(url, f"value={value}", content_type="application/x-www-form-urlencoded")

    client.force_login(ward["translator"])
    translation, url = string_url(district_profile)
    assert denied(put(url, "Bị sửa"))
    assert denied(client.post(reverse("wagtail_localize:machine_translate", args=[translation.pk])))
    assert denied(client.post(reverse("wagtail_localize:stop_translation", args=[translation.pk])))
    assert denied(client.post(reverse("wagtail_localize:update_translations", args=[translation.source.pk])))
    submit = reverse("wagtail_localize:submit_snippet_translation", args=["home", "agencyprofile", district_profile.pk])
    assert denied(client.get(submit))
    assert district_profile.get_translation(en).name == "Thu Nghiem Ward People's Committee"
    assert Translation.objects.get(pk=translation.pk).enabled

    # Their own agency's profile, they translate.
    _translation, url = string_url(own_profile)
    assert put(url, "Ward K People's Committee (Da Nang)").status_code == 200
    for crafted in (["home", "agencyprofile", "abc"], ["home", "nosuchmodel", "1"], ["nosuchapp", "x", "1"]):
        url = reverse("wagtail_localize:submit_snippet_translation", args=crafted)
        assert client.get(url, follow=True).status_code == 404, crafted


def test_wagtail_localizes_snippet_api_names_no_other_agencys_snippets(client, site, ward, locales, role_user):
    district = Department.objects.create(locale=locales[0], name="Phòng của quận", site=site)
    own = Department.objects.create(locale=locales[0], name="Bộ phận một cửa phường K", site=ward["site"])

    def detail(department):
        return client.get(reverse("wagtail_localize:snippets_api_detail", args=["home", "department", department.pk]))

    listing = reverse("wagtail_localize:snippets_api_listing", args=["home", "department"])
    client.force_login(ward["editor"])
    assert denied(client.get(listing))
    assert denied(detail(district))
    assert detail(own).status_code == 200
    assert detail(Department.objects.get(name="Văn phòng")).status_code == 200  # every site's

    client.force_login(role_user(ADMINISTRATORS, "quantri"))
    listed = client.get(listing, follow=True).content.decode()
    assert "Phòng của quận" in listed and "Bộ phận một cửa phường K" in listed


def test_searching_the_listing_and_the_chooser_keeps_to_the_users_sites(
    client, admin_user, site, ward, department, locales
):
    vi = locales[0]
    Department.objects.create(locale=vi, name="Phòng Văn hóa quận", site=site)
    Department.objects.create(locale=vi, name="Phòng Văn hóa phường K", site=ward["site"])
    may_manage_departments(ward["approver"])
    listing = reverse("wagtailsnippets_home_department:list_results")
    results = reverse("wagtailsnippetchoosers_home_department:choose_results")
    for user, url in ((ward["approver"], listing), (ward["editor"], results)):
        client.force_login(user)
        page = client.get(url, {"q": "văn hóa", "locale": "vi"}, follow=True)
        assert page.status_code == 200, url
        assert "Phòng Văn hóa phường K" in page.content.decode(), url
        assert "Phòng Văn hóa quận" not in page.content.decode(), url

    # Wagtail's database search backend on SQLite failed on a listing that names its fields.
    client.force_login(admin_user)
    for model in ("department", "agencyprofile"):
        page = client.get(reverse(f"wagtailsnippets_home_{model}:list_results"), {"q": "phường"}, follow=True)
        assert page.status_code == 200, model
    assert "Phòng Văn hóa quận" in client.get(listing, {"q": "văn hóa"}, follow=True).content.decode()


def test_snippets_are_found_by_their_names_typed_without_accents(admin_client, site, make_article, locales):
    Department.objects.create(locale=locales[0], name="Phòng Văn hóa - Thông tin", site=site)
    AgencyProfile.objects.create(locale=locales[0], name="Ủy ban nhân dân phường Hòa Cường", site=site)
    make_article("Có thẻ", tags=["Du lịch Đà Nẵng"])
    for url, name in (
        (reverse("wagtailsnippets_home_department:list_results"), "Phòng Văn hóa - Thông tin"),
        (reverse("wagtailsnippetchoosers_home_department:choose_results"), "Phòng Văn hóa - Thông tin"),
        (reverse("wagtailsnippets_home_agencyprofile:list_results"), "Ủy ban nhân dân phường Hòa Cường"),
        (reverse("wagtailsnippets_news_newstag:list_results"), "Du lịch Đà Nẵng"),
    ):
        for typed in ("VAN HOA", "hoa cuong", "uy ban", "du lich"):
            found = name in admin_client.get(url, {"q": typed, "locale": "vi"}, follow=True).content.decode()
            assert found == (fold(typed) in fold(name)), (url, typed)


def test_a_bulk_deletion_and_the_chooser_name_no_other_agencys_snippet(client, site, ward, locales):
    district = Department.objects.create(locale=locales[0], name="Phòng của quận", site=site)
    own = Department.objects.create(locale=locales[0], name="Bộ phận một cửa phường K", site=ward["site"])
    may_manage_departments(ward["approver"])
    client.force_login(ward["approver"])
    bulk = reverse("wagtail_bulk_action", args=["home", "department", "delete"])
    for ids in (["all"], [district.pk, own.pk]):
        page = client.get(bulk, {"id": ids}, follow=True).content.decode()
        assert "Bộ phận một cửa phường K" in page and "Phòng của quận" not in page, ids
    client.post(f"{bulk}?id={district.pk}&id={own.pk}")
    assert list(Department.objects.filter(pk__in=[district.pk, own.pk])) == [district]

    client.force_login(ward["editor"])
    own = Department.objects.create(locale=locales[0], name="Bộ phận một cửa phường K", site=ward["site"])
    chosen = "wagtailsnippetchoosers_home_department:chosen"
    assert client.get(reverse(chosen, args=[district.pk]), follow=True).status_code == 404
    response = client.get(reverse(chosen, args=[own.pk]), follow=True)
    assert response.json()["result"]["string"] == "Bộ phận một cửa phường K"
    several = reverse("wagtailsnippetchoosers_home_department:chosen_multiple")
    response = client.get(several, {"id": [district.pk, own.pk]}, follow=True)
    assert [item["string"] for item in response.json()["result"]] == ["Bộ phận một cửa phường K"]


def test_a_polls_voters_name_its_sites_departments_or_every_sites(site, ward, department, locales):
    vi = locales[0]
    Department.objects.create(locale=vi, name="Phòng của quận", site=site)
    own = Department.objects.create(locale=vi, name="Bộ phận một cửa phường K", site=ward["site"])
    poll = make_survey(vi, question="Phường K phục vụ thế nào?", site=ward["site"])
    district = Department.objects.get(name="Phòng của quận")

    def offered(poll):
        return {department.name for department in VoteForm(poll, site=ward["site"]).fields["service"].queryset}

    def valid(poll, department):
        data = {"option": poll.options.first().pk, "service": department.pk}
        return VoteForm(poll, data=data, site=ward["site"]).is_valid()

    assert offered(poll) == {"Văn phòng", "Bộ phận một cửa phường K"}
    assert valid(poll, own) and not valid(poll, district)
    # A poll of no site, which every site may show: any department.
    shared = make_survey(vi, question="Một cửa phục vụ thế nào?")
    assert offered(shared) == {"Văn phòng", "Phòng của quận", "Bộ phận một cửa phường K"}


def test_a_sites_settings_show_its_own_snippets_or_every_sites(admin_client, site, ward, locales):
    vi = locales[0]
    district_poll = make_survey(vi, question="Quận phục vụ thế nào?", site=site)
    shared_poll = make_survey(vi, question="Một cửa phục vụ thế nào?")
    form_class = get_edit_handler(PortalSettings).get_form_class()
    settings = PortalSettings.for_site(ward["site"])

    def form(poll):
        data = nested_form_data({"agency": settings.agency_id, "sidebar": streamfield([("poll", poll.pk)])})
        return form_class(data, instance=settings, for_user=None)

    refused = form(district_poll)
    assert not refused.is_valid()
    assert refused.non_field_errors() == ["Hãy chọn nội dung chung của trang web này hoặc của mọi trang web."]
    assert form(shared_poll).is_valid()


def test_profiles_named_by_one_sites_settings_become_that_sites(site, ward, locales):
    """The data migration that came with the site field."""
    migration = importlib.import_module("home.migrations.0006_agency_profile_site")
    AgencyProfile.objects.update(site=None)
    migration.give_profiles_their_site(django_apps, None)
    district = PortalSettings.for_site(site).agency
    assert {profile.site for profile in AgencyProfile.objects.filter(translation_key=district.translation_key)} == {
        site
    }
    assert AgencyProfile.objects.get(name="Ủy ban nhân dân phường K").site == ward["site"]


def test_polls_and_boxes_of_no_site_become_the_sites_that_alone_show_them_else_the_default_sites(site, ward, locales):
    """The data migrations that made a poll, and a box that carries an old portal's total, one
    agency's."""
    vi, en = locales
    shared = make_survey(vi, question="Một cửa phục vụ thế nào?")
    translate(shared, en, {"Một cửa phục vụ thế nào?": "How well does the one-stop desk serve you?"})
    wards = make_survey(vi, question="Phường K phục vụ thế nào?")
    own = make_survey(vi, question="Phường K đã chọn?", site=ward["site"])
    boxes = {
        name: VisitStatsBox.objects.create(locale=vi, title=name, baseline_total=total)
        for name, total in (("quận", 18_029_085), ("phường K", 1_234), ("không có tổng cũ", 0))
    }
    for chosen_site, chosen in (
        (site, [("poll", shared), ("visit_stats", boxes["quận"])]),
        (ward["site"], [("poll", shared), ("poll", wards), ("visit_stats", boxes["phường K"])]),
    ):
        settings = PortalSettings.for_site(chosen_site)
        settings.sidebar = chosen
        settings.save()
    for app, migration, function in (
        ("feedback", "0005_polls_belong_to_a_site", "give_polls_a_site"),
        ("visits", "0005_boxes_with_a_baseline_belong_to_a_site", "give_baselines_a_site"),
    ):
        getattr(importlib.import_module(f"{app}.migrations.{migration}"), function)(django_apps, None)

    def sites(snippet):
        return set(type(snippet).objects.filter(translation_key=snippet.translation_key).values_list("site", flat=True))

    assert sites(shared) == {site.pk}  # shown by several sites: the default site's
    assert sites(wards) == sites(own) == {ward["site"].pk}
    assert sites(boxes["quận"]) == {site.pk} and sites(boxes["phường K"]) == {ward["site"].pk}
    assert sites(boxes["không có tổng cũ"]) == {None}  # every site's, showing each its own figures


def test_departments_and_boxes_used_by_one_site_become_that_sites(site, ward, department, make_article, locales):
    """The data migration for the snippets other than profiles: the articles and polls that name a
    department, and the sidebars that show a box or poll, say whose it is."""
    vi, en = locales
    ward_department = Department.objects.create(locale=vi, name="Bộ phận một cửa phường K")
    translate(ward_department, en, {ward_department.name: "Ward K one-stop desk"})
    shared_department = Department.objects.create(locale=vi, name="Công an")
    make_article("Tin của quận", department=department)
    make_article("Tin chung của quận", department=shared_department)
    for title, chosen in (("Tin phường K", ward_department), ("Tin chung của phường K", shared_department)):
        make_article(title, parent=ward["category"], department=chosen)
    english_only = Department.objects.create(locale=en, name="Culture office")
    english_news = site.root_page.get_translation(en).add_child(instance=NewsIndexPage(title="News", locale=en))
    make_article("District news in English", parent=english_news, department=english_only)
    # One named by the district's articles and by a ward poll's subject; one by a ward poll's votes.
    polled = Department.objects.create(locale=vi, name="Phòng Tài nguyên")
    voted = Department.objects.create(locale=vi, name="Phòng Tư pháp")
    make_article("Tin tài nguyên", department=polled)
    ward_poll = make_survey(vi, question="Phường K?", service=polled)
    translate(ward_poll, en, {"Phường K?": "Ward K?"})
    voted_poll = make_survey(vi, question="Phường K bỏ phiếu?")
    SurveyResponse.objects.create(survey=voted_poll, option=voted_poll.options.first(), service=voted, language="vi")
    shared_poll, unused_poll = make_survey(vi, question="Chung?"), make_survey(vi, question="Chưa dùng?")
    # The ward's site answers at two host names: two site records of one home page.
    www = Site.objects.create(hostname="www.phuong-k.example.vn", root_page_id=ward["site"].root_page_id)
    for chosen_site, boxes in (
        (site, [shared_poll]),
        (ward["site"], [ward_poll.get_translation(en), shared_poll]),
        (www, [voted_poll, shared_poll]),
    ):
        settings = PortalSettings.for_site(chosen_site)
        settings.sidebar = [("poll", poll) for poll in boxes]
        settings.save()
    Department.objects.update(site=None)
    Survey.objects.update(site=None)

    # The models as the migration sees them.
    executor = MigrationExecutor(connection)
    state = executor.loader.project_state(("home", "0007_snippets_site"))
    importlib.import_module("home.migrations.0007_snippets_site").give_snippets_their_site(state.apps, None)

    def sites(snippet):
        return set(type(snippet).objects.filter(translation_key=snippet.translation_key).values_list("site", flat=True))

    assert sites(department) == sites(english_only) == {site.pk}
    ward_sites = {min(ward["site"].pk, www.pk)}
    for ward_snippet in (ward_department, ward_poll, voted_poll, voted):
        assert sites(ward_snippet) == ward_sites, ward_snippet
    for used_by_both_or_none in (shared_department, polled, shared_poll, unused_poll):
        assert sites(used_by_both_or_none) == {None}


def test_a_grant_below_a_sites_home_page_is_work_for_that_site(site, ward, role_user):
    """An administrator may give a group one category of a site's tree: its members work for that
    site, and for no other."""
    from home.access import sites_of, works_for

    group = Group.objects.create(name="Tin phường K")
    GroupPagePermission.objects.create(
        group=group, page=ward["category"], permission=Permission.objects.get(codename="change_page")
    )
    user = role_user(APPROVERS, "tin_phuong_k")
    user.groups.set([group])
    assert sites_of(user) == {ward["site"].pk}
    assert not works_for(user, None) and not works_for(user, site.pk)


def test_a_site_inside_another_sites_tree_is_its_own(site, home_vi, role_user):
    """A ward's home page may sit in the district's tree, served at another host name: a grant in
    the ward's pages is work for the ward alone."""
    from home.access import sites_of, works_for

    ward_home = home_vi.add_child(instance=HomePage(title="Phường L", slug="phuong-l"))
    ward_site = Site.objects.create(hostname="phuong-l.example.vn", port=80, root_page=ward_home)
    ward_news = ward_home.add_child(instance=HomePage(title="Tin phường L", slug="tin"))
    group = Group.objects.create(name="Tin phường L")
    GroupPagePermission.objects.create(
        group=group, page=ward_news, permission=Permission.objects.get(codename="change_page")
    )
    user = role_user(APPROVERS, "tin_phuong_l")
    user.groups.set([group])
    assert sites_of(user) == {ward_site.pk}
    assert not works_for(user, None)


def history_text(client):
    """The site history as the user sees it: the page, and its results alone."""
    page = soup(client.get(reverse("wagtailadmin_reports:site_history"))).get_text()
    results = soup(client.get(reverse("wagtailadmin_reports:site_history_results"))).get_text()
    return page, results


def test_the_site_history_names_no_other_agencys_snippets_or_staff(client, site, polls, ward, locales, role_user):
    """Wagtail lists the actions on every poll to whoever holds a permission on polls, and names in
    its filter everyone who acted on any page."""
    from wagtail.log_actions import log

    district_approver = role_user(APPROVERS, "pheduyet_quan")
    district_approver.first_name, district_approver.last_name = "Nguyễn", "Văn Quận"
    district_approver.save()
    for poll in polls.values():
        log(poll, "wagtail.edit", user=district_approver if poll is polls["district"] else ward["approver"])
    log(Page.objects.get(pk=site.root_page_id), "wagtail.edit", user=district_approver)
    gone = make_survey(locales[0], question="Phường K đã xoá câu hỏi này?", site=ward["site"])
    log(gone, "wagtail.delete")
    gone.delete()
    for name in ("site_history", "site_history_results"):  # guarded as the admin's own views
        assert client.get(reverse(f"wagtailadmin_reports:{name}"))["Location"].startswith(reverse("wagtailadmin_login"))
    own = ("Phường K phục vụ thế nào?", "Một cửa phục vụ thế nào?")
    others = ("Quận phục vụ thế nào?", "Phường K đã xoá câu hỏi này?", "Văn Quận")

    client.force_login(ward["approver"])
    assert "no-cache" in client.get(reverse("wagtailadmin_reports:site_history"))["Cache-Control"]
    for text in history_text(client):
        assert [title for title in own if title not in text] == []
        assert not any(title in text for title in others)
    export = client.get(reverse("wagtailadmin_reports:site_history"), {"export": "csv"}).getvalue().decode()
    assert "Phường K phục vụ thế nào?" in export and "Quận phục vụ thế nào?" not in export

    client.force_login(role_user(ADMINISTRATORS, "quantri"))
    for text in history_text(client):
        assert [title for title in own + others if title not in text] == []


def test_the_translations_report_names_no_other_agencys_pages_or_snippets(
    client, site, home_vi, ward, locales, role_user
):
    """wagtail-localize lists every translation to everyone who may use the admin."""
    vi, en = locales
    district_news = home_vi.add_child(instance=NewsIndexPage(title="Tin của quận"))
    district_news.save_revision().publish()
    translate(district_news, en, {"Tin của quận": "District news"})
    district_profile = AgencyProfile.objects.get(locale=vi, site=None)
    district_profile.site = site
    district_profile.save()
    translate(Page.objects.get(pk=ward["site"].root_page_id).specific, en, {})
    translate(ward["category"], en, {"Tin phường K": "Ward K news"})
    ward_profile = AgencyProfile.objects.get(site=ward["site"], locale=vi)
    translate(ward_profile, en, {ward_profile.name: "Ward K People's Committee"})

    def report(query=None):
        return [
            soup(client.get(reverse(name), query or {})).get_text()
            for name in ("wagtail_localize:translations_report", "wagtail_localize:translations_report_results")
        ]

    client.force_login(ward["translator"])
    for text in report():
        assert "Tin phường K" in text and ward_profile.name in text
        assert "Tin của quận" not in text and district_profile.name not in text
    assert "Tin của quận" not in report({"source_title": "quận"})[1]

    client.force_login(role_user(ADMINISTRATORS, "quantri"))
    for text in report():
        assert all(
            title in text for title in ("Tin phường K", ward_profile.name, "Tin của quận", district_profile.name)
        )
        assert text.index("Tin phường K") < text.index("Tin của quận")  # the newest first


def test_the_page_chooser_offers_an_agencys_staff_its_own_pages_only(
    client, admin_user, ward, make_article, department
):
    district = make_article("Tin của quận")
    draft = district.get_parent().add_child(
        instance=NewsArticlePage(title="Dự thảo của quận", lead="Chưa duyệt", department=department)
    )
    own = make_article("Tin của phường K", parent=ward["category"])

    def shown(user, name, *args, **query):
        client.force_login(user)
        response = client.get(reverse(name, args=args), query)
        assert response.status_code == 200
        return response.json()["html"] if response["Content-Type"] == "application/json" else response.text

    ward_home = ward["category"].get_parent()
    for name, args, query in (
        ("wagtailadmin_choose_page", (), {}),
        ("wagtailadmin_choose_page_child", (district.get_parent().pk,), {}),
        ("wagtailadmin_choose_page_search", (), {"q": "tin"}),
        ("wagtailadmin_choose_page_search", (), {"q": "dự thảo"}),
    ):
        html = shown(ward["editor"], name, *args, **query)
        assert district.title not in html and draft.title not in html, (name, query)
    assert ward_home.title in shown(ward["editor"], "wagtailadmin_choose_page")
    assert ward["category"].title in shown(ward["editor"], "wagtailadmin_choose_page_child", ward_home.pk)
    assert own.title in shown(ward["editor"], "wagtailadmin_choose_page_search", q="tin")
    # Who works for every site chooses among them all.
    html = shown(admin_user, "wagtailadmin_choose_page_search", q="tin")
    assert district.title in html and own.title in html


def test_the_page_chooser_answers_an_agencys_staff_with_their_own_pages_only(
    client, admin_user, ward, news_category, department, role_user
):
    """Pages chosen together in Wagtail's chooser come back from an address that takes any ids,
    with their titles and addresses."""
    draft = news_category.add_child(
        instance=NewsArticlePage(title="Dự thảo của quận", lead="Chưa duyệt", department=department)
    )
    own = ward["category"]

    def chosen(user):
        client.force_login(user)
        response = client.get(reverse("wagtailadmin_choose_page_chosen_multiple"), {"id": [own.pk, draft.pk]})
        assert response.status_code == 200
        return {page["id"]: page["adminTitle"] for page in response.json()["result"]}

    for role in ("editor", "approver"):
        assert chosen(ward[role]) == {own.pk: own.title}, role
    assert chosen(role_user(APPROVERS, "pheduyet")) == {draft.pk: draft.title}
    assert chosen(admin_user) == {own.pk: own.title, draft.pk: draft.title}


def test_the_choosers_answer_ids_that_name_nothing_with_not_found(client, admin_user, department):
    """Wagtail's chosen views fail with a server error on an id that cannot be one."""
    client.force_login(admin_user)
    for url, query in [
        (reverse("wagtailadmin_choose_page_chosen_multiple"), {"id": ["abc", department.pk]}),
        (reverse("wagtailsnippetchoosers_home_department:chosen_multiple"), {"id": [department.pk, "1;"]}),
        (reverse("wagtailsnippetchoosers_home_department:chosen", args=["abc"]), {}),
    ]:
        assert client.get(url, query).status_code == 404, url
    several = client.get(reverse("wagtailsnippetchoosers_home_department:chosen_multiple"), {"id": [department.pk]})
    assert [item["id"] for item in several.json()["result"]] == [str(department.pk)]


@pytest.mark.parametrize("action", ["delete", "move", "publish", "unpublish"])
def test_a_bulk_actions_confirmation_names_no_other_agencys_page(
    client, admin_user, ward, news_category, department, role_user, locales, action
):
    """Wagtail's bulk actions on pages list what a request names, another agency's drafts under
    "you don't have permission": an agency's staff are shown the pages of their trees (its
    translators, of its English tree and of the Vietnamese one it translates)."""
    translate(Page.objects.get(pk=ward["site"].root_page_id).specific, locales[1], {"Trang chủ": "Home"})
    district = news_category.add_child(
        instance=NewsArticlePage(title="Dự thảo của quận", lead="Chưa duyệt", department=department)
    )
    own = ward["category"].add_child(
        instance=NewsArticlePage(title="Dự thảo phường K", lead="Chưa duyệt", department=department)
    )
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", action])
    for role in ("editor", "approver", "translator"):
        client.force_login(ward[role])
        for query in ({"id": [own.pk, district.pk]}, {"id": "all", "childOf": news_category.pk}):
            response = client.get(url, {**query, "next": "/admin/"})
            assert response.status_code == 200, (role, query)
            assert district.title not in response.text, (role, query)
        assert own.title in client.get(url, {"id": [own.pk, district.pk], "next": "/admin/"}).text, role
    for user in (role_user(APPROVERS, "pheduyet"), admin_user):
        client.force_login(user)
        response = client.get(url, {"id": [district.pk], "next": "/admin/"})
        assert response.status_code == 200 and district.title in response.text, user


def test_moving_a_page_names_no_other_agencys_page(client, admin_user, ward, news_category, department, make_article):
    """Wagtail's confirmation of a move (its GET) names the page, its destination and its
    translations to anyone; only the move itself checks the user's permissions."""
    draft = news_category.add_child(
        instance=NewsArticlePage(title="Dự thảo của quận", lead="Chưa duyệt", department=department)
    )
    own = make_article("Tin của phường K", parent=ward["category"])
    other_category = ward["category"].get_parent().add_child(instance=NewsIndexPage(title="Thông báo phường K"))

    def confirmation(page, destination):
        return client.get(reverse("wagtailadmin_pages:move_confirm", args=[page.pk, destination.pk]))

    for role in ("editor", "approver"):
        client.force_login(ward[role])
        for page, destination in ((draft, ward["category"]), (own, news_category)):
            response = confirmation(page, destination)
            assert denied(response), (role, page.title)
            assert draft.title not in response.text and news_category.title not in response.text
        assert denied(client.get(reverse("wagtailadmin_pages:move", args=[draft.pk]))), role
    response = confirmation(own, other_category)
    assert response.status_code == 200 and own.title in response.text and other_category.title in response.text
    client.post(reverse("wagtailadmin_pages:move_confirm", args=[own.pk, other_category.pk]))
    assert Page.objects.get(pk=own.pk).get_parent().pk == other_category.pk
    client.force_login(admin_user)
    assert draft.title in confirmation(draft, ward["category"]).text


def test_a_pages_workflow_views_name_no_other_agencys_page(
    client, ward, news_category, department, role_user, make_article
):
    """Wagtail shows whoever names a page the confirmation of its workflow's cancellation (which
    workflow and task it waits in), and answers its actions and its preview for a page awaiting no
    review with the page's title."""
    district_editor, district_approver = role_user(EDITORS, "bientap"), role_user(APPROVERS, "pheduyet")
    waiting = make_article("Tin chờ duyệt của quận")
    waiting.get_workflow().start(waiting, district_editor)
    draft = news_category.add_child(
        instance=NewsArticlePage(title="Dự thảo của quận", lead="Chưa duyệt", department=department)
    )
    task_state = waiting.current_workflow_state.current_task_state
    urls = [
        reverse("wagtailadmin_pages:confirm_workflow_cancellation", args=[waiting.pk]),
        reverse("wagtailadmin_pages:workflow_action", args=[draft.pk, "approve", task_state.pk]),
        reverse("wagtailadmin_pages:collect_workflow_action_data", args=[draft.pk, "reject", task_state.pk]),
        reverse("wagtailadmin_pages:workflow_preview", args=[draft.pk, task_state.task_id]),
    ]
    hidden = (draft.title, WORKFLOW, task_state.task.name)
    for role in ("editor", "approver"):
        client.force_login(ward[role])
        for url in urls:
            response = client.get(url, follow=True)  # to the page that shows the messages
            assert response.redirect_chain == [(reverse("wagtailadmin_home"), 302)], (role, url)
            assert all(text not in response.text and json.dumps(text)[1:-1] not in response.text for text in hidden)
        assert denied(client.post(urls[1]))

    client.force_login(district_approver)
    assert WORKFLOW in client.get(urls[0]).json()["html"]
    response = client.get(urls[1], follow=True)
    assert response.status_code == 200 and draft.title in response.text  # "… is not awaiting moderation"


def test_the_block_pickers_previews_show_the_editors_own_media(client, ward):
    """The library's newest photo and document are the district's; the ward's editor is shown the
    ward's own."""
    own_photo, district_photo = ward["own_photo"], ward["district_photo"]
    own_document, district_document = ward["own_document"], ward["district_document"]
    client.force_login(ward["editor"])
    for name in ("image", "gallery", "document"):
        block = ArticleBodyBlock.base_blocks[name]
        shown = client.get(reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix}).content.decode()
        if name == "document":
            assert own_document.url in shown and district_document.url not in shown
        else:
            assert Path(own_photo.file.name).stem in shown, name
            assert Path(district_photo.file.name).stem not in shown, name


def test_the_page_types_report_is_for_those_who_work_for_every_site(client, admin_user, ward, make_article):
    draft = make_article("Dự thảo của quận")
    draft.unpublish()
    report = reverse("wagtailadmin_reports:page_types_usage")
    client.force_login(ward["approver"])
    assert denied(client.get(report)) and denied(client.get(reverse("wagtailadmin_reports:page_types_usage_results")))
    assert report not in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(admin_user)
    assert draft.title in client.get(report).content.decode()
    assert report in client.get(reverse("wagtailadmin_home")).content.decode()


def test_a_tag_other_agencies_show_is_changed_by_who_works_for_them_all(
    client, admin_user, site, ward, make_article, locales
):
    vi, en = locales
    translate(Page.objects.get(pk=ward["site"].root_page_id).specific, en, {"Trang chủ": "Home"})
    make_article("Tin của quận", tags=["du lịch"])
    make_article("Tin phường K", tags=["du lịch", "phường K"], parent=ward["category"])
    shared, own = NewsTag.objects.get(name="du lịch"), NewsTag.objects.get(name="phường K")
    for tag in (shared, own):
        translate(tag, en, {tag.name: f"{tag.name} (en)"})

    def edit(tag):
        return client.get(reverse("wagtailsnippets_news_newstag:edit", args=[tag.get_translation(en).pk]))

    def put(tag):
        translation = Translation.objects.get(source__object_id=tag.translation_key, target_locale=en)
        segment = StringSegment.objects.get(source=translation.source)
        url = reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk])
        return client.put(url, "value=Renamed", content_type="application/x-www-form-urlencoded")

    client.force_login(ward["translator"])
    assert denied(edit(shared)) and denied(put(shared))
    assert shared.get_translation(en).name == "du lịch (en)"
    assert edit(own).status_code == 200 and put(own).status_code == 200
    client.force_login(admin_user)
    assert edit(shared).status_code == 200


def test_a_tag_only_another_agencys_drafts_carry_is_not_shown_to_an_agencys_staff(
    client, admin_user, site, ward, make_article, locales
):
    """Its name may be news not yet told. A tag that public news carries, or the agency's own
    drafts, is theirs to see and choose."""
    translate(Page.objects.get(pk=ward["site"].root_page_id).specific, locales[1], {"Trang chủ": "Home"})
    make_article("Tin của quận", tags=["Du lịch Hải Châu"])
    make_article("Dự thảo của quận", tags=["Kỷ luật Chủ tịch phường"]).unpublish()
    unused = NewsTag.objects.create(name="Kỷ luật cán bộ")  # typed on a draft of a live article
    for name in ("Du lịch Hải Châu", "Kỷ luật Chủ tịch phường"):
        translate(NewsTag.objects.get(name=name), locales[1], {name: f"{name} (en)"})
    make_article("Dự thảo phường K", tags=["Kỷ niệm phường K"], parent=ward["category"]).unpublish()
    secret = NewsTag.objects.get(name="Kỷ luật Chủ tịch phường")
    suggestions = reverse("news_tag_suggestions", args=["vi"])
    listing = reverse("wagtailsnippets_news_newstag:list")
    shown = ["Du lịch Hải Châu", "Kỷ niệm phường K"]

    for user in (ward["editor"], ward["translator"]):
        client.force_login(user)
        assert client.get(suggestions, {"term": "k"}).json() == ["Kỷ niệm phường K"]
        assert client.get(suggestions, {"term": "du lich"}).json() == ["Du lịch Hải Châu"]
    assert "Kỷ luật" not in client.get(listing).content.decode()
    assert all(name in client.get(listing).content.decode() for name in shown)
    chooser = reverse("wagtailsnippetchoosers_news_newstag:choose_results")
    for url in (reverse("wagtailsnippets_news_newstag:list_results"), chooser):
        found = client.get(url, {"q": "k"})
        assert found.status_code == 200, url  # searching failed: translation_key was no search filter
        assert "Kỷ niệm phường K" in found.content.decode() and "Kỷ luật" not in found.content.decode(), url
    for tag in (secret, unused):
        assert denied(client.get(reverse("wagtailsnippets_news_newstag:history", args=[tag.pk])))
        assert denied(client.get(reverse("wagtailsnippets_news_newstag:edit", args=[tag.pk])))
        detail = reverse("wagtail_localize:snippets_api_detail", args=["news", "newstag", tag.pk])
        assert denied(client.get(detail))
    assert denied(client.get(reverse("wagtail_localize:snippets_api_listing", args=["news", "newstag"])))
    submit = reverse("wagtail_localize:submit_snippet_translation", args=["news", "newstag", secret.pk])
    assert denied(client.get(submit)) and denied(client.post(submit, {"locales": [locales[1].pk]}))
    assert secret.get_translations().count() == 1  # the portal's own, made above
    report = client.get(reverse("wagtail_localize:translations_report")).content.decode()
    assert "Kỷ luật Chủ tịch phường" not in report and "Du lịch Hải Châu" in report
    client.force_login(admin_user)
    assert sorted(client.get(suggestions, {"term": "k"}).json()) == [
        "Kỷ luật Chủ tịch phường",
        "Kỷ luật cán bộ",
        "Kỷ niệm phường K",
    ]
    assert "Kỷ luật Chủ tịch phường" in client.get(listing).content.decode()


def test_wagtails_tag_autocomplete_suggests_the_tags_the_user_knows(client, admin_user, site, ward, make_article):
    """Wagtail's tag autocomplete of a model (/admin/tag-autocomplete/news/newstag/), which the
    article's tag input does not use (news.forms.ArticleTagWidget), suggested every tag, those that
    only another agency's drafts carry among them."""
    make_article("Tin của quận", tags=["Kinh tế quận"])
    make_article("Dự thảo của quận", tags=["Kỷ luật Chủ tịch phường"]).unpublish()
    own = make_article("Dự thảo phường K", tags=["Kỷ niệm phường K"], parent=ward["category"])
    own.unpublish()
    autocomplete = reverse("wagtailadmin_tag_model_autocomplete", args=["news", "newstag"])

    client.force_login(ward["editor"])
    assert client.get(autocomplete, {"term": "k"}).json() == ["Kinh tế quận", "Kỷ niệm phường K"]
    assert client.get(autocomplete, {"term": "kỷ luật"}).json() == []
    assert client.get(autocomplete).json() == []
    editor = client.get(reverse("wagtailadmin_pages:edit", args=[own.pk])).content.decode()
    assert reverse("news_tag_suggestions", args=["vi"]) in editor and autocomplete not in editor
    for app_name, model_name in (("news", "nothing"), ("news", "newsarticlepage")):
        url = reverse("wagtailadmin_tag_model_autocomplete", args=[app_name, model_name])
        assert client.get(url, {"term": "k"}, follow=True).status_code == 404
    client.force_login(admin_user)
    assert client.get(autocomplete, {"term": "k"}).json() == [
        "Kinh tế quận",
        "Kỷ luật Chủ tịch phường",
        "Kỷ niệm phường K",
    ]


def browser_sends(form):
    """What a browser submits for an admin `form`: not its disabled fields."""
    disabled = {field["name"] for field in form.select("[name][disabled]")}
    return {name: value for name, value in form_fields(form).items() if name not in disabled}


def copied(client, model, original, changes):
    """Copies `original` in the admin as a browser does, changing `changes`; returns the copy."""
    copy_url = reverse(f"{model.snippet_viewset.get_url_name('copy')}", args=[original.pk])
    form = soup(client.get(copy_url)).select_one("form[method=post]:has([name=site])")
    assert not form.select("[name][disabled]")
    response = client.post(form["action"], {**browser_sends(form), **changes})
    assert response.status_code == 302
    return model.objects.exclude(pk=original.pk).get(locale=original.locale, **changes)


def test_a_copy_of_a_translated_snippet_keeps_what_its_form_shows(client, site, ward, locales, role_user):
    """A copy is a new snippet in its language, the original of no translation: the fields that a
    translation takes from its original are the copy's own, offered and saved (they were shown
    disabled, not sent, and lost)."""
    vi, en = locales
    client.force_login(role_user(ADMINISTRATORS, "quantri"))
    profile = AgencyProfile.objects.get(site=ward["site"], locale=vi)
    profile.phone, profile.fax, profile.email = "0236 3 888 888", "0236 3 888 889", "ubnd@phuongk.gov.vn"
    profile.logo = demo_image("Biểu trưng phường K", seed=2, size=(240, 240))
    profile.save()
    english = translate(profile, en, {profile.name: "Ward K People's Committee"})
    Translation.objects.update(enabled=False)
    copy = copied(client, AgencyProfile, english, {"name": "Ward K One-Stop Desk"})
    assert copy.locale == en and copy.translation_key != profile.translation_key
    assert (copy.phone, copy.fax, copy.email, copy.logo, copy.site) == (
        "0236 3 888 888",
        "0236 3 888 889",
        "ubnd@phuongk.gov.vn",
        profile.logo,
        ward["site"],
    )

    box = VisitStatsBox.objects.create(locale=vi, title="Thống kê", baseline_total=123456, show_week=False, site=site)
    english_box = translate(box, en, {"Thống kê": "Statistics"})
    Translation.objects.update(enabled=False)
    copy = copied(client, VisitStatsBox, english_box, {"title": "Visits"})
    assert (copy.locale, copy.baseline_total, copy.show_today, copy.show_week, copy.site) == (
        en,
        123456,
        True,
        False,
        site,
    )
