"""Snippets that belong to an agency's site (home.models.SiteSnippet: agency profiles, departments,
information boxes, polls, visit statistics boxes): its staff list, change, delete and choose them,
and no other agency's staff do; what belongs to no site every site uses and the default site's staff
change (home.access, home.snippets, home.forms.SnippetForm)."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.admin.panels import get_edit_handler
from wagtail.models import GroupPagePermission, Site
from wagtail_localize.models import StringSegment, Translation

from editorial.roles import ADMINISTRATORS, APPROVERS
from feedback.models import Survey
from home.choosing import site_snippet_models
from home.demo import translate
from home.forms import SnippetForm
from home.models import AgencyProfile, Department
from home.snippets import TranslatableSnippetViewSet
from news.models import NewsArticlePage
from tests.test_chosen_media import REFUSED, add_url, article_with
from tests.test_feedback import admin_form, admin_url, form_fields, make_survey, soup
from tests.test_roles import denied


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
    departments = Permission.objects.filter(content_type__app_label="home", codename__endswith="_department")
    for group in ward["approver"].groups.all():
        group.permissions.add(*departments)
    client.force_login(ward["approver"])
    for name in ("history", "usage", "copy"):
        url = reverse(f"wagtailsnippets_home_department:{name}", args=[district_box.pk])
        assert denied(client.get(url)), name
    own = Department.objects.create(locale=locales[0], name="Bộ phận một cửa phường K", site=ward["site"])
    for name in ("history", "usage", "copy"):
        url = reverse(f"wagtailsnippets_home_department:{name}", args=[own.pk])
        assert client.get(url).status_code == 200, name

    # The citizens' answers to another agency's poll, and their export.
    report = admin_url("report", polls["district"].pk)
    assert client.get(report, follow=True).status_code == 404
    assert client.get(report, {"export": "csv"}, follow=True).status_code == 404
    assert client.get(admin_url("report", polls["ward"].pk), follow=True).status_code == 200


def test_another_agencys_translators_cannot_reach_its_snippets_translations(
    client, site, ward, locales, django_capture_on_commit_callbacks
):
    """wagtail-localize's views of a snippet's translation check only the model's permission."""
    vi, en = locales
    district_profile = AgencyProfile.objects.get(locale=vi, site=None)
    district_profile.site = site
    district_profile.save()
    english = district_profile.get_translation(en)
    translation = Translation.objects.get(source__object_id=district_profile.translation_key, target_locale=en)
    segment = StringSegment.objects.filter(source=translation.source).first()

    client.force_login(ward["translator"])
    string_url = reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk])
    assert denied(client.put(string_url, "value=Bị sửa", content_type="application/x-www-form-urlencoded"))
    assert denied(client.post(reverse("wagtail_localize:machine_translate", args=[translation.pk])))
    assert denied(client.post(reverse("wagtail_localize:stop_translation", args=[translation.pk])))
    assert denied(client.post(reverse("wagtail_localize:update_translations", args=[translation.source.pk])))
    submit = reverse("wagtail_localize:submit_snippet_translation", args=["home", "agencyprofile", district_profile.pk])
    assert denied(client.get(submit))
    english.refresh_from_db()
    assert english.name == "Thu Nghiem Ward People's Committee"
    assert Translation.objects.get(pk=translation.pk).enabled


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
