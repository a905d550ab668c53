"""Issue 7: the editorial groups and what they may do (issue 6's translators included), the page
trees they work on, `sync_roles`, the demo users, and the admin closed to anonymous visitors."""

import importlib
import io
import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    TranslatableMixin,
    Workflow,
    WorkflowPage,
)
from wagtail.permissions import policy_registry
from wagtail.snippets.models import get_snippet_models
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtail_localize.models import StringSegment, Translation, TranslationSource

from editorial import roles
from editorial.models import AgencyStaff
from editorial.panels import trees_to_translate
from editorial.roles import ADMINISTRATORS, APPROVERS, EDITORS, TRANSLATORS
from home.agencies import add_agency_site
from home.demo import translate
from home.management.commands import load_demo
from home.models import AgencyProfile, HomePage, PortalSettings
from home.snippets import (
    TranslatableSnippetDeleteView,
    TranslatableSnippetEditView,
    TranslatableSnippetIndexView,
    TranslatableSnippetPolicy,
)
from news.blocks import PARAGRAPH_FEATURES
from tests.admin_support import PUBLIC_ADMIN_VIEWS, admin_views_without_arguments

ROLE_GROUPS = [EDITORS, APPROVERS, TRANSLATORS, ADMINISTRATORS]


def page_permission_types(group, page):
    return {
        codename.removesuffix("_page")
        for codename in GroupPagePermission.objects.filter(group__name=group, page=page).values_list(
            "permission__codename", flat=True
        )
    }


def denied(response):
    """Wagtail's answer to a signed-in user without permission: back to the dashboard with a
    message (or a bare 403)."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    )


# --- The groups --------------------------------------------------------------------------------


def test_the_migration_creates_the_four_groups_in_place_of_wagtails_defaults(db):
    names = set(Group.objects.values_list("name", flat=True))
    assert set(ROLE_GROUPS) <= names
    assert not names & {"Editors", "Moderators"}
    root = Page.get_first_root_node()
    # Only the administrators hold permissions on the root page, which reaches every language.
    assert set(GroupPagePermission.objects.filter(page=root).values_list("group__name", flat=True)) == {ADMINISTRATORS}
    # The portal's roles work in the portal's collection, a child of the root collection as the
    # agencies' own are; the administrators in the root collection, so in every one.
    portal = roles.portal_collection()
    assert portal.name == roles.PORTAL_COLLECTION and portal.get_parent() == Collection.get_first_root_node()
    for name in ROLE_GROUPS:
        group = Group.objects.get(name=name)
        assert group.permissions.filter(codename="access_admin").exists()
        media = GroupCollectionPermission.objects.filter(group=group)
        if name == ADMINISTRATORS:
            assert set(media.values_list("collection__depth", flat=True)) == {1}
            assert len(media) == len(roles.ALL_MEDIA)
        else:
            assert set(media.values_list("collection", flat=True)) == {portal.pk}
            assert {"add_image", "choose_image", "add_document", "choose_document"} <= set(
                media.values_list("permission__codename", flat=True)
            )
    # Translating belongs to the translators (wagtail-localize gives it to Wagtail's two groups).
    assert set(Group.objects.filter(permissions__codename="submit_translation").values_list("name", flat=True)) == {
        TRANSLATORS,
        ADMINISTRATORS,
    }
    assert not Group.objects.get(name=APPROVERS).permissions.filter(content_type__app_label="auth").exists()


def test_the_default_workflow_is_one_approval_by_the_approvers(db):
    workflow = Workflow.objects.get(name=roles.WORKFLOW)
    assert workflow.active
    tasks = [task.specific for task in workflow.tasks]
    assert [task.name for task in tasks] == [roles.APPROVAL_TASK]
    assert [group.name for group in tasks[0].groups.all()] == [APPROVERS]
    # Wagtail's default workflow on the root page would reach the translators' trees too.
    assert not WorkflowPage.objects.filter(page__depth=1).exists()
    assert not Workflow.objects.filter(name="Moderators approval").exists()


def test_each_language_tree_is_given_to_its_roles_when_it_is_created(home_vi, home_en, make_article, locales):
    assert page_permission_types(EDITORS, home_vi) == {"add", "change"}
    assert page_permission_types(APPROVERS, home_vi) == {"add", "change", "publish", "lock", "unlock"}
    assert page_permission_types(TRANSLATORS, home_vi) == set()
    assert page_permission_types(TRANSLATORS, home_en) == {"change", "publish"}
    assert page_permission_types(EDITORS, home_en) == page_permission_types(APPROVERS, home_en) == set()

    article = make_article("Tin thử quy trình")
    english = translate(article.get_parent(), locales[1], {})
    english_article = translate(article, locales[1], {})
    assert article.get_workflow().name == roles.WORKFLOW
    assert english_article.get_workflow() is None and english.get_workflow() is None


def test_sync_roles_is_idempotent_and_restores_what_roles_grant(home_vi, home_en):
    def state():
        return (
            sorted(GroupPagePermission.objects.values_list("group__name", "page_id", "permission__codename")),
            sorted(Group.objects.values_list("name", "permissions__codename")),
            sorted(GroupCollectionPermission.objects.values_list("group__name", "permission__codename")),
            sorted(WorkflowPage.objects.values_list("page_id", "workflow__name")),
        )

    call_command("sync_roles", verbosity=0)
    before = state()
    call_command("sync_roles", verbosity=0)
    assert state() == before

    GroupPagePermission.objects.filter(group__name=EDITORS).delete()
    WorkflowPage.objects.all().delete()
    Group.objects.get(name=TRANSLATORS).permissions.clear()
    call_command("sync_roles", verbosity=0)
    assert state() == before


def test_sync_roles_refuses_a_permission_that_does_not_exist(db, monkeypatch):
    monkeypatch.setattr(roles, "ROLES", (roles.Role(EDITORS, ("news.fly_department",)),))
    with pytest.raises(CommandError, match="news.fly_department"):
        call_command("sync_roles", verbosity=0)


def test_the_administrators_role_covers_every_permission_without_being_superusers(db):
    from django.contrib.auth.models import Permission

    administrators = Group.objects.get(name=ADMINISTRATORS)
    for codename in ("change_user", "add_group", "change_portalsettings", "change_workflow", "submit_translation"):
        assert administrators.permissions.filter(codename=codename).exists()
    # Apps installed later get theirs from sync_roles.
    call_command("sync_roles", verbosity=0)
    assert administrators.permissions.count() == Permission.objects.count()
    assert page_permission_types(ADMINISTRATORS, Page.get_first_root_node()) == set(roles.PAGE_PERMISSION_TYPES)


# --- What each role may do in the admin -----------------------------------------------------------


@pytest.mark.parametrize("group", [APPROVERS, EDITORS, TRANSLATORS])
def test_only_administrators_edit_the_sites_settings_and_users(client, site, role_user, group):
    someone = role_user(group, "someone")
    colleague = role_user(EDITORS, "colleague")
    urls = [
        reverse("wagtailsettings:edit", args=["home", "portalsettings", site.pk]),
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_users:edit", args=[colleague.pk]),
        reverse("wagtailusers_groups:index"),
        reverse("wagtailsites:index"),
    ]
    client.force_login(someone)
    for url in urls:
        assert denied(client.get(url)), url
    assert denied(client.post(urls[2], {"username": "colleague", "email": "x@example.com", "first_name": "Đổi"}))
    assert get_user_model().objects.get(pk=colleague.pk).first_name == "Colleague"

    client.force_login(role_user(ADMINISTRATORS, "quantri"))
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_administrators_change_settings(client, site, role_user):
    client.force_login(role_user(ADMINISTRATORS, "quantri"))
    url = reverse("wagtailsettings:edit", args=["home", "portalsettings", site.pk])
    response = client.post(url, {"agency": "", "sidebar-count": "0"})
    assert response.status_code == 302
    assert PortalSettings.for_site(site).agency is None


def test_administrators_cannot_make_or_edit_superusers(client, db, role_user, admin_user):
    """Their forms show the "Administrator" box greyed out and ignore it; the rest is saved."""
    administrator = role_user(ADMINISTRATORS, "quantri")
    colleague = role_user(EDITORS, "colleague")
    superuser = get_user_model().objects.create_superuser("root", "root@example.com", "password")
    client.force_login(administrator)
    for url in (reverse("wagtailusers_users:add"), reverse("wagtailusers_users:edit", args=[colleague.pk])):
        box = BeautifulSoup(client.get(url).content, "html.parser").find("input", {"name": "is_superuser"})
        assert box.has_attr("disabled")
    form = {
        "username": "colleague",
        "email": "colleague@example.com",
        "first_name": "Đã đổi",
        "last_name": "Đồng nghiệp",
        "is_active": "on",
        "is_superuser": "on",
        "groups": [Group.objects.get(name=EDITORS).pk],
    }
    assert client.post(reverse("wagtailusers_users:edit", args=[colleague.pk]), form).status_code == 302
    colleague.refresh_from_db()
    assert (colleague.first_name, colleague.is_superuser) == ("Đã đổi", False)
    assert denied(client.get(reverse("wagtailusers_users:edit", args=[superuser.pk])))
    new = {**form, "username": "new-admin", "password1": "x-Secret-2026", "password2": "x-Secret-2026"}
    assert client.post(reverse("wagtailusers_users:add"), new).status_code == 302
    assert not get_user_model().objects.get(username="new-admin").is_superuser

    client.force_login(admin_user)
    box = BeautifulSoup(client.get(reverse("wagtailusers_users:add")).content, "html.parser").find(
        "input", {"name": "is_superuser"}
    )
    assert not box.has_attr("disabled")


def test_administrators_cannot_deactivate_delete_or_regroup_superusers_in_bulk(client, db, role_user):
    administrator = role_user(ADMINISTRATORS, "quantri")
    colleague = role_user(EDITORS, "colleague")
    superuser = get_user_model().objects.create_superuser("root", "root@example.com", "password")
    approvers = Group.objects.get(name=APPROVERS)
    client.force_login(administrator)

    def bulk(action, users, data):
        url = reverse("wagtail_bulk_action", args=["auth", "user", action])
        return client.post(f"{url}?{'&'.join(f'id={user.pk}' for user in users)}", data)

    for users in ([superuser], [colleague, superuser]):
        assert denied(bulk("set_active_state", users, {"mark_as_active": False}))
        assert denied(bulk("assign_role", users, {"role": approvers.pk}))
    bulk("delete", [superuser], {})  # Wagtail leaves superusers out of this one itself
    superuser.refresh_from_db()
    assert superuser.is_active and not superuser.groups.exists()
    assert get_user_model().objects.filter(pk=colleague.pk, is_active=True).exists()
    assert denied(client.post(reverse("wagtailusers_users:delete", args=[superuser.pk])))
    assert get_user_model().objects.filter(pk=superuser.pk).exists()

    # The same actions on the administrators' colleagues go through.
    assert bulk("set_active_state", [colleague], {"mark_as_active": False}).status_code == 302
    assert not get_user_model().objects.get(pk=colleague.pk).is_active


def test_another_agencys_tree_given_to_its_own_groups_stays_theirs(home_vi, locales, role_user):
    # A second agency's site: its tree starts with the portal's roles...
    other_home = Page.get_first_root_node().add_child(instance=HomePage(title="Phường B", locale=locales[0]))
    assert page_permission_types(EDITORS, other_home) == {"add", "change"}
    # ... until an administrator gives it to the agency's own groups.
    GroupPagePermission.objects.filter(page=other_home).delete()
    own_editors = Group.objects.create(name="Biên tập viên phường B")
    for kind in ("add", "change"):
        GroupPagePermission.objects.create(
            group=own_editors, page=other_home, permission=Permission.objects.get(codename=f"{kind}_page")
        )
    # On a tree the roles still work on, what they lost comes back.
    GroupPagePermission.objects.filter(page=home_vi, group__name=APPROVERS, permission__codename="lock_page").delete()

    call_command("sync_roles", verbosity=0)

    assert all(page_permission_types(role.group, other_home) == set() for role in roles.ROLES)
    assert page_permission_types(own_editors.name, other_home) == {"add", "change"}
    assert "lock" in page_permission_types(APPROVERS, home_vi)
    assert not other_home.permissions_for_user(role_user(EDITORS, "bientap")).can_edit()

    # Its English tree, made later (a translator of the first agency may ask wagtail-localize for
    # it), is not the portal's translators' either, not even after sync_roles.
    other_home_en = other_home.copy_for_translation(locales[1])
    call_command("sync_roles", verbosity=0)
    assert not GroupPagePermission.objects.filter(page=other_home_en).exists()
    assert not other_home_en.permissions_for_user(role_user(TRANSLATORS, "biendich")).can_publish()


def test_an_agency_given_staff_of_its_own_works_on_its_site_alone(
    client, home_vi, locales, role_user, django_capture_on_commit_callbacks
):
    ward = add_agency_site("Ủy ban nhân dân phường B", "phuong-b.example.vn", 80)
    out = io.StringIO()
    call_command("give_own_staff", "Phuong-B.example.vn", stdout=out)
    ward_home = Page.objects.get(pk=ward.root_page_id)

    own = {
        role: Group.objects.get(name=f"{role} – Ủy ban nhân dân phường B") for role in (EDITORS, APPROVERS, TRANSLATORS)
    }
    assert all(f"“{group.name}”" in out.getvalue() for group in own.values())
    # The roles' permissions on models, on media in the ward's own collection, and on the pages of
    # the ward's tree only.
    ward_collection = AgencyStaff.objects.get(tree=ward_home).collection
    assert ward_collection.name == "Ủy ban nhân dân phường B"
    assert ward_collection.get_parent() == Collection.get_first_root_node()
    for role in (EDITORS, APPROVERS, TRANSLATORS):
        portal_group = Group.objects.get(name=role)
        assert set(own[role].permissions.all()) == set(portal_group.permissions.all()) != set()
        media = GroupCollectionPermission.objects.filter(group=own[role])
        assert set(media.values_list("permission", flat=True)) == set(
            GroupCollectionPermission.objects.filter(group=portal_group).values_list("permission", flat=True)
        )
        assert set(media.values_list("collection", flat=True)) == {ward_collection.pk}
        assert page_permission_types(role, ward_home) == set()
        assert not GroupPagePermission.objects.filter(group=own[role]).exclude(page=ward_home).exists()
    assert page_permission_types(own[EDITORS].name, ward_home) == {"add", "change"}
    assert page_permission_types(own[APPROVERS].name, ward_home) == {"add", "change", "publish", "lock", "unlock"}
    assert page_permission_types(EDITORS, home_vi) == {"add", "change"}

    def member(group, username):
        user = role_user(EDITORS, username)
        user.groups.set([group])
        return user

    ward_editor, ward_approver = member(own[EDITORS], "bientap_b"), member(own[APPROVERS], "pheduyet_b")
    district_editor, district_approver = role_user(EDITORS, "bientap"), role_user(APPROVERS, "pheduyet")
    assert ward_home.permissions_for_user(ward_editor).can_edit()
    assert not home_vi.permissions_for_user(ward_editor).can_edit()
    assert not ward_home.permissions_for_user(district_editor).can_edit()
    assert ward_home.permissions_for_user(ward_approver).can_publish()
    assert not home_vi.permissions_for_user(ward_approver).can_publish()

    # The ward's news waits for the ward's approvers, the district's for the district's.
    workflow = ward_home.get_workflow()
    assert workflow.name == f"{roles.WORKFLOW} – Ủy ban nhân dân phường B"
    assert home_vi.get_workflow() == Workflow.objects.get(name=roles.WORKFLOW)
    task = workflow.tasks.get().specific
    assert list(task.groups.all()) == [own[APPROVERS]]
    assert task.get_actions(ward_home, ward_approver) and not task.get_actions(ward_home, district_approver)

    # The ward's translators are asked to translate its site, and the English tree that
    # wagtail-localize makes is theirs; the district's translators see neither.
    ward_translator, district_translator = member(own[TRANSLATORS], "biendich_b"), role_user(TRANSLATORS, "biendich")
    assert list(Page.objects.filter(trees_to_translate(ward_translator), depth=2)) == [ward_home]
    assert ward_home not in Page.objects.filter(trees_to_translate(district_translator))
    client.force_login(ward_translator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtail_localize:submit_page_translation", args=[ward_home.pk]), {"locales": [locales[1].pk]}
        )
    assert response.status_code == 302
    ward_home_en = ward_home.get_translation(locales[1])
    # (Wagtail keeps a user's page permissions on the user object: a request has a fresh one.)
    ward_translator = get_user_model().objects.get(pk=ward_translator.pk)
    assert ward_home_en.permissions_for_user(ward_translator).can_publish()
    assert not ward_home_en.permissions_for_user(district_translator).can_edit()
    assert page_permission_types(own[TRANSLATORS].name, ward_home_en) == {"change", "publish"}

    # sync_roles keeps it so and restores what the ward's groups lost; the command again changes nothing.
    own[EDITORS].permissions.remove(Permission.objects.get(codename="view_survey"))
    GroupPagePermission.objects.filter(group=own[APPROVERS], permission__codename="lock_page").delete()
    call_command("sync_roles", verbosity=0)
    call_command("give_own_staff", "phuong-b.example.vn", stdout=io.StringIO())
    assert own[EDITORS].permissions.filter(codename="view_survey").exists()
    assert page_permission_types(own[APPROVERS].name, ward_home) == {"add", "change", "publish", "lock", "unlock"}
    assert page_permission_types(EDITORS, ward_home) == page_permission_types(TRANSLATORS, ward_home_en) == set()
    assert Group.objects.filter(name__endswith="phường B").count() == 3
    assert Workflow.objects.filter(name__endswith="phường B").count() == 1
    assert Collection.objects.filter(name__endswith="phường B").count() == 1
    assert not GroupCollectionPermission.objects.filter(group__in=own.values()).exclude(collection=ward_collection)


def test_an_agencys_staff_upload_and_choose_images_and_documents_in_its_own_collection(client, home_vi, role_user):
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from home.demo import demo_image

    ward = add_agency_site("Ủy ban nhân dân phường E", "phuong-e.example.vn", 80)
    staff = roles.give_to_own_staff(Page.objects.get(pk=ward.root_page_id), ward.site_name)
    ward_editor = role_user(EDITORS, "bientap_e")
    ward_editor.groups.set([staff.editors])
    district_editor = role_user(EDITORS, "bientap")
    district_photo = demo_image("Ảnh của quận", seed=1)
    ward_photo = demo_image("Ảnh của phường E", seed=2)
    ward_photo.collection = staff.collection
    ward_photo.save()
    other_ward = add_agency_site("Ủy ban nhân dân phường H", "phuong-h.example.vn", 80)
    other_staff = roles.give_to_own_staff(Page.objects.get(pk=other_ward.root_page_id), other_ward.site_name)
    other_photo = demo_image("Ảnh của phường H", seed=3)
    other_photo.collection = other_staff.collection
    other_photo.save()
    images = policy_registry.get_by_type(get_image_model())
    assert set(images.instances_user_has_permission_for(ward_editor, "choose")) == {ward_photo}
    # The district's, the portal's roles, choose in the portal's collection alone.
    assert set(images.instances_user_has_permission_for(district_editor, "choose")) == {district_photo}

    # The image chooser shows the ward's editors their own photos only.
    client.force_login(ward_editor)
    chooser = client.get(reverse("wagtailimages_chooser:choose")).json()["html"]
    assert "Ảnh của phường E" in chooser and "Ảnh của quận" not in chooser
    # What they upload goes to the ward's collection.
    uploaded = client.post(
        reverse("wagtaildocs:add"),
        {"title": "Kế hoạch của phường E", "file": ContentFile(b"Ke hoach", name="ke-hoach-e.txt")},
    )
    assert uploaded.status_code == 302
    assert get_document_model().objects.get(title="Kế hoạch của phường E").collection == staff.collection
    # sync_roles, on every deployment, leaves it so.
    call_command("sync_roles", verbosity=0)
    assert set(images.instances_user_has_permission_for(ward_editor, "choose")) == {ward_photo}


def test_give_own_staff_refuses_to_share_a_collection(home_vi):
    add_agency_site("Ủy ban nhân dân phường G", "phuong-g.example.vn", 80)
    Collection.get_first_root_node().add_child(name="Ủy ban nhân dân phường G")
    with pytest.raises(CommandError, match="“Ủy ban nhân dân phường G” exist.*or rename them"):
        call_command("give_own_staff", "phuong-g.example.vn")
    assert not AgencyStaff.objects.exists() and not Group.objects.filter(name__endswith="phường G").exists()


def test_give_own_staff_gives_an_agencys_staff_made_before_collections_one_of_their_own(home_vi):
    ward = add_agency_site("Ủy ban nhân dân phường F", "phuong-f.example.vn", 80)
    call_command("give_own_staff", "phuong-f.example.vn", stdout=io.StringIO())
    staff = AgencyStaff.objects.get(tree_id=ward.root_page_id)
    # Its collection deleted: sync_roles does not give its staff the root, which reaches every agency's.
    staff.collection.delete()
    staff.refresh_from_db()
    call_command("sync_roles", verbosity=0)
    assert not GroupCollectionPermission.objects.filter(group__in=[staff.editors, staff.approvers]).exists()

    # As made before this release: the roles' media on the root collection; and an administrator's
    # grant on a collection of logos that every agency uses.
    root = Collection.get_first_root_node()
    logos = root.add_child(name="Biểu trưng")
    choose_image = Permission.objects.get(codename="choose_image")
    GroupCollectionPermission.objects.create(group=staff.editors, collection=logos, permission=choose_image)
    for name in roles.OWN_MEDIA:
        GroupCollectionPermission.objects.create(
            group=staff.editors, collection=root, permission=Permission.objects.get(codename=name.split(".")[1])
        )

    call_command("give_own_staff", "phuong-f.example.vn", stdout=io.StringIO())
    staff.refresh_from_db()
    assert staff.collection.name == "Ủy ban nhân dân phường F"
    assert set(GroupCollectionPermission.objects.filter(group=staff.editors).values_list("collection", flat=True)) == {
        staff.collection.pk,
        logos.pk,
    }


def test_give_own_staff_names_the_site_it_cannot_find_or_tell_apart(home_vi):
    add_agency_site("Ủy ban nhân dân phường C", "phuong-c.example.vn", 80)
    add_agency_site("Ủy ban nhân dân phường C", "phuong-c.example.vn", 443)
    with pytest.raises(CommandError, match="No site at khong-co.example.vn"):
        call_command("give_own_staff", "khong-co.example.vn")
    with pytest.raises(CommandError, match="phuong-c.example.vn has sites on ports 80, 443: say which with --port"):
        call_command("give_own_staff", "phuong-c.example.vn")
    call_command("give_own_staff", "phuong-c.example.vn", port=443, stdout=io.StringIO())
    # Another site of the same name would share the first one's groups: refused.
    taken = f"“{EDITORS} – Ủy ban nhân dân phường C”, “{APPROVERS} – Ủy ban nhân dân phường C”"
    with pytest.raises(CommandError, match=f"{taken}.*exist.*give the site a name of its own"):
        call_command("give_own_staff", "phuong-c.example.vn", port=80)
    https_home = Site.objects.get(hostname="phuong-c.example.vn", port=443).root_page
    assert page_permission_types(f"{EDITORS} – Ủy ban nhân dân phường C", https_home) == {"add", "change"}
    assert page_permission_types(EDITORS, Site.objects.get(port=80, hostname="phuong-c.example.vn").root_page) == {
        "add",
        "change",
    }


def test_agencies_whose_long_names_begin_alike_get_groups_of_their_own(home_vi):
    """A group's name holds 150 characters: after "Biên dịch viên – ", 133 of the agency's name."""
    common = (
        "Trung tâm Phát triển quỹ đất và Quản lý dự án đầu tư xây dựng các công trình dân dụng, giao thông "
        "và nông nghiệp thuộc Ủy ban nhân dân thành phố Đà Nẵng – Chi nhánh "
    )
    staff = {}
    for host, branch in (("haichau", "Hải Châu"), ("sontra", "Sơn Trà")):
        call_command("add_agency", common + branch, hostname=f"{host}.example.vn", port=80, stdout=io.StringIO())
        call_command("give_own_staff", f"{host}.example.vn", stdout=io.StringIO())
        staff[host] = AgencyStaff.objects.select_related(*roles.AGENCY_ROLES.values()).get(
            tree=Site.objects.get(hostname=f"{host}.example.vn").root_page
        )
    names = {host: [getattr(own, field).name for field in roles.AGENCY_ROLES.values()] for host, own in staff.items()}
    assert set(names["haichau"]).isdisjoint(names["sontra"])
    for own in names.values():
        for role, name in zip(roles.AGENCY_ROLES, own, strict=True):
            # Named after the role and as much of the agency's name as fits, ending with a digest of it.
            assert len(name) <= 150 and re.fullmatch(rf"{role} – {re.escape(common[:100])}.*… [0-9a-f]{{8}}", name)
    assert staff["haichau"].workflow != staff["sontra"].workflow
    # Again: the same groups, none more.
    call_command("give_own_staff", "sontra.example.vn", stdout=io.StringIO())
    assert Group.objects.filter(name__contains=common[:100]).count() == 6

    # A site's name given in Settings → Sites, longer than its workflow's and task's names can hold.
    ward = add_agency_site("Ủy ban nhân dân phường M", "phuong-m.example.vn", 80)
    ward.site_name = "Ủ" * Site._meta.get_field("site_name").max_length
    ward.save()
    call_command("give_own_staff", "phuong-m.example.vn", stdout=io.StringIO())
    workflow = AgencyStaff.objects.get(tree_id=ward.root_page_id).workflow
    assert len(workflow.name) == len(workflow.tasks.get().name) == 255


def test_pages_waiting_for_approval_move_to_the_agencys_own_approvers(home_vi, role_user):
    ward = add_agency_site("Ủy ban nhân dân phường D", "phuong-d.example.vn", 80)
    ward_home = Page.objects.get(pk=ward.root_page_id).specific
    editor, district_approver = role_user(EDITORS, "bientap"), role_user(APPROVERS, "pheduyet")
    ward_home.save_revision(user=editor)
    ward_home.get_workflow().start(ward_home, editor)
    assert ward_home.current_workflow_task.specific.get_actions(ward_home, district_approver)

    call_command("give_own_staff", "phuong-d.example.vn", stdout=io.StringIO())

    ward_home = Page.objects.get(pk=ward.root_page_id).specific
    state = ward_home.current_workflow_state
    assert state.workflow.name == f"{roles.WORKFLOW} – Ủy ban nhân dân phường D" and state.requested_by == editor
    task = ward_home.current_workflow_task.specific
    ward_approver = role_user(APPROVERS, "pheduyet_d")
    ward_approver.groups.set([Group.objects.get(name=f"{APPROVERS} – Ủy ban nhân dân phường D")])
    assert task.get_actions(ward_home, ward_approver) and not task.get_actions(ward_home, district_approver)


def test_translators_translate_and_sync_only_their_own_agencys_pages(
    client, home_vi, make_article, locales, role_user, django_capture_on_commit_callbacks
):
    ward = add_agency_site("Ủy ban nhân dân phường E", "phuong-e.example.vn", 80)
    call_command("give_own_staff", "phuong-e.example.vn", stdout=io.StringIO())
    ward_translator = role_user(TRANSLATORS, "biendich_e")
    ward_translator.groups.set([Group.objects.get(name=f"{TRANSLATORS} – Ủy ban nhân dân phường E")])
    district_translator = role_user(TRANSLATORS, "biendich")
    district_article = make_article("Tin của quận")

    def submit(user, page):
        client.force_login(user)
        url = reverse("wagtail_localize:submit_page_translation", args=[page.pk])
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, {"locales": [locales[1].pk]})

    assert denied(submit(district_translator, ward.root_page))
    assert denied(submit(ward_translator, district_article))
    assert not Page.objects.filter(translation_key=ward.root_page.translation_key, locale=locales[1]).exists()
    assert submit(ward_translator, ward.root_page).status_code == 302
    assert submit(district_translator, district_article).status_code == 302

    # Syncing (and publishing) the translations goes through the same door.
    source = TranslationSource.objects.get(object_id=ward.root_page.translation_key, locale=locales[0])
    sync_url = reverse("wagtail_localize:update_translations", args=[source.pk])
    client.force_login(district_translator)
    assert denied(client.post(sync_url, {"publish_translations": "on"}))
    assert not ward.root_page.get_translation(locales[1]).live
    client.force_login(ward_translator)
    assert client.get(sync_url).status_code == 200


def test_upgrading_takes_back_the_translators_right_to_add_pages(home_en):
    from django.apps import apps

    GroupPagePermission.objects.create(
        group=Group.objects.get(name=TRANSLATORS), page=home_en, permission=Permission.objects.get(codename="add_page")
    )
    importlib.import_module("editorial.migrations.0003_translators_do_not_add_pages").forwards(apps, None)
    assert page_permission_types(TRANSLATORS, home_en) == {"change", "publish"}


def test_a_translation_is_published_only_once_its_source_is(
    client, make_article, role_user, locales, django_capture_on_commit_callbacks
):
    vi, en = locales
    translate(make_article("Tin đã đăng").get_parent(), en, {"Tin tức - Sự kiện": "News"})
    draft = make_article("Tin chưa được duyệt")
    draft.unpublish()
    english = translate(draft, en, {"Tin chưa được duyệt": "Not approved yet"})
    english.unpublish()
    translator = role_user(TRANSLATORS, "biendich")
    client.force_login(translator)
    edit_url = reverse("wagtailadmin_pages:edit", args=[english.pk])
    with django_capture_on_commit_callbacks(execute=True):  # wagtail-localize publishes on commit
        response = client.post(edit_url, {"action": "publish"}, follow=True)
    assert "Bản gốc của trang này chưa được xuất bản" in response.content.decode()
    # Through Wagtail's own form (the translation no longer synchronised), what was typed is kept.
    Translation.objects.filter(source__object_id=draft.translation_key, target_locale=en).update(enabled=False)
    body = streamfield([("paragraph", rich_text("<p>Text.</p>", features=PARAGRAPH_FEATURES))])
    fields = {"title": "Not approved, yet edited", "slug": english.slug, "lead": "Lead.", "body": body}
    fields |= {"department": english.specific.department_id, "tags": "", "related_links": inline_formset([])}
    fields |= {"publication_date": "", "byline": "", "featured_image": "", "seo_title": "", "search_description": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url, nested_form_data({**fields, "action-publish": "action-publish"}), follow=True)
    assert "Bản gốc của trang này chưa được xuất bản" in response.content.decode()
    english.refresh_from_db()
    assert not english.live
    assert english.get_latest_revision_as_object().title == "Not approved, yet edited"
    bulk_publish = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{bulk_publish}?id={english.pk}&next=/admin/", {})
    english.refresh_from_db()
    assert not english.live and client.get(english.url).status_code == 404
    # Whatever else publishes it (wagtail-localize's "publish immediately" after a sync, a subtree
    # published in bulk, a scheduled publication), it does not stay published.
    english.specific.save_revision().publish()
    english.refresh_from_db()
    assert not english.live and client.get(english.url).status_code == 404

    # Once the approvers have published the source, the translation may follow.
    draft.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url, nested_form_data({**fields, "action-publish": "action-publish"}))
    assert response.status_code == 302
    english.refresh_from_db()
    assert english.live and english.title == "Not approved, yet edited"


def test_withdrawing_an_article_withdraws_its_translations(client, make_article, role_user, locales):
    vi, en = locales
    article = make_article("Tin sẽ bị gỡ")
    translate(article.get_parent(), en, {"Tin tức - Sự kiện": "News"})
    english = translate(article, en, {"Tin sẽ bị gỡ": "To be withdrawn"})
    other = make_article("Tin khác")
    other_english = translate(other, en, {"Tin khác": "Another"})
    client.force_login(role_user(APPROVERS, "pheduyet"))
    assert client.post(reverse("wagtailadmin_pages:unpublish", args=[article.pk])).status_code == 302
    english.refresh_from_db()
    assert not english.live and client.get(english.url).status_code == 404
    other_english.refresh_from_db()
    assert other_english.live
    # Withdrawing a translation leaves the source alone.
    other_english.unpublish()
    other.refresh_from_db()
    assert other.live


def test_deleting_an_article_deletes_its_translations_from_its_delete_view_and_in_bulk(
    client, make_article, role_user, locales, settings
):
    vi, en = locales
    translate(make_article("Tin đã đăng").get_parent(), en, {"Tin tức - Sự kiện": "News"})
    article = make_article("Tin sẽ bị xóa")
    english = translate(article, en, {"Tin sẽ bị xóa": "To be deleted"})
    approver = role_user(APPROVERS, "pheduyet")
    client.force_login(approver)
    delete_url = reverse("wagtailadmin_pages:delete", args=[article.pk])
    assert "Xóa trang này cũng sẽ xóa 1 bản dịch của trang." in client.get(delete_url).content.decode()
    assert client.post(delete_url).status_code == 302
    assert not Page.objects.filter(pk__in=[article.pk, english.pk]).exists()

    # Deleted in bulk, too.
    bulk = [make_article(f"Tin xóa hàng loạt {n}") for n in range(2)]
    translated = [translate(page, en, {page.title: f"Deleted in bulk {n}"}) for n, page in enumerate(bulk)]
    bulk_url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete"))
    query = "&".join(f"id={page.pk}" for page in bulk)
    confirmation = client.get(f"{bulk_url}?{query}&next=/admin/").content.decode()
    assert "Các bản dịch bị xóa theo: thao tác này sẽ xóa thêm 2 trang bằng ngôn ngữ khác." in confirmation
    assert 'name="confirm_site_name"' not in confirmation
    settings.WAGTAILADMIN_UNSAFE_PAGE_DELETION_LIMIT = 4  # 2 pages and their 2 translations
    assert 'name="confirm_site_name"' in client.get(f"{bulk_url}?{query}&next=/admin/").content.decode()
    settings.WAGTAILADMIN_UNSAFE_PAGE_DELETION_LIMIT = 10
    # A translation selected with its original is not counted twice (superusers may delete both).
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.com", "password"))
    both = client.get(f"{bulk_url}?id={bulk[0].pk}&id={translated[0].pk}&next=/admin/").content.decode()
    assert "Tin xóa hàng loạt 0" in both and "bằng ngôn ngữ khác" not in both
    client.force_login(approver)
    response = client.post(f"{bulk_url}?{query}&next=/admin/", {}, follow=True)
    assert [str(message).strip() for message in response.context["messages"]] == [
        "Đã xóa 2 trang. 2 trang bằng ngôn ngữ khác bị xóa theo."
    ]
    assert not Page.objects.filter(pk__in=[page.pk for page in bulk + translated]).exists()


def test_editors_and_translators_change_and_delete_only_their_own_uploads(client, role_user, db):
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from home.demo import demo_image

    call_command("sync_roles", verbosity=0)  # as every deployment does: it must not give the right back

    def uploaded(item, user):
        item.uploaded_by_user = user
        item.save()
        return item

    approver = role_user(APPROVERS, "pheduyet")
    shared_image = uploaded(demo_image("Ảnh dùng chung", seed=1), approver)
    shared_document = uploaded(
        get_document_model()(
            title="Kế hoạch",
            file=ContentFile(b"Ke hoach", name="ke-hoach.txt"),
            collection=roles.portal_collection(),
        ),
        approver,
    )
    for group, username in ((EDITORS, "bientap"), (TRANSLATORS, "biendich")):
        user = role_user(group, username)
        own = uploaded(demo_image(f"Ảnh của {username}", seed=2), user)
        client.force_login(user)
        for model, shared in ((get_image_model(), shared_image), (get_document_model(), shared_document)):
            policy = policy_registry.get_by_type(model)
            assert policy.user_has_permission_for_instance(user, "choose", shared)
            assert not policy.user_has_any_permission_for_instance(user, ["change", "delete"], shared)
        assert denied(client.post(reverse("wagtailimages:delete", args=[shared_image.pk])))
        assert denied(client.post(reverse("wagtaildocs:delete", args=[shared_document.pk])))
        assert get_image_model().objects.filter(pk=shared_image.pk).exists()
        assert get_document_model().objects.filter(pk=shared_document.pk).exists()
        assert policy_registry.get_by_type(get_image_model()).user_has_permission_for_instance(user, "change", own)
    for model, shared in ((get_image_model(), shared_image), (get_document_model(), shared_document)):
        assert policy_registry.get_by_type(model).user_has_permission_for_instance(
            role_user(APPROVERS, f"pheduyet-{model._meta.model_name}"), "change", shared
        )


def test_upgrading_takes_back_the_editors_and_translators_right_to_change_anyones_media(db):
    from django.apps import apps

    # The roles worked in the root collection then (editorial 0007 gave them the portal's).
    root, change_image = Collection.get_first_root_node(), Permission.objects.get(codename="change_image")
    for name in (EDITORS, TRANSLATORS, APPROVERS):
        GroupCollectionPermission.objects.create(
            group=Group.objects.get(name=name), collection=root, permission=change_image
        )
    # An administrator's own grant on another collection is theirs to keep.
    press_photos = root.add_child(name="Ảnh báo chí")
    GroupCollectionPermission.objects.create(
        group=Group.objects.get(name=EDITORS), collection=press_photos, permission=change_image
    )
    importlib.import_module("editorial.migrations.0004_editors_and_translators_change_their_own_media").forwards(
        apps, None
    )
    changing = GroupCollectionPermission.objects.filter(permission__codename__in=["change_image", "change_document"])
    assert set(changing.filter(collection=root).values_list("group__name", flat=True)) == {APPROVERS, ADMINISTRATORS}
    assert changing.filter(collection=press_photos, group__name=EDITORS).exists()


def _png():
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_the_portals_roles_upload_to_the_portals_collection_and_approvers_change_what_they_upload(
    client, home_vi, role_user
):
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    ward = add_agency_site("Ủy ban nhân dân phường E", "phuong-e.example.vn", 80)
    staff = roles.give_to_own_staff(Page.objects.get(pk=ward.root_page_id), ward.site_name)
    portal = roles.portal_collection()
    editor, approver = role_user(EDITORS, "bientap"), role_user(APPROVERS, "pheduyet")
    client.force_login(editor)
    # The portal's collection is the only one they may add to: Wagtail puts what they upload there.
    response = client.post(
        reverse("wagtaildocs:add"), {"title": "Kế hoạch của quận", "file": ContentFile(b"Ke hoach", name="kh.txt")}
    )
    assert response.status_code == 302
    document = get_document_model().objects.get(title="Kế hoạch của quận")
    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": ContentFile(_png(), name="anh-quan.png")},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.json()["success"]
    image = get_image_model().objects.get(title="anh-quan.png")
    assert image.collection == document.collection == portal

    # With collections under it (the demo's), Wagtail's upload page offers them after it, first;
    # never the root, nor an agency's.
    press = portal.add_child(name="Ảnh báo chí")
    page = BeautifulSoup(client.get(reverse("wagtailimages:add_multiple")).content, "html.parser")
    offered = [int(option["value"]) for option in page.select("select[name=collection] option")]
    assert offered == [portal.pk, press.pk]
    response = client.post(
        reverse("wagtaildocs:add"),
        {"title": "Sai chỗ", "file": ContentFile(b"x", name="sai.txt"), "collection": staff.collection.pk},
    )
    assert response.status_code == 200 and not get_document_model().objects.filter(title="Sai chỗ").exists()

    # They choose it, and the approvers change it.
    chooser = client.get(reverse("wagtailimages_chooser:choose")).json()["html"]
    assert "anh-quan.png" in chooser
    client.force_login(approver)
    response = client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {"title": "Ảnh của quận", "collection": portal.pk, "tags": ""},
    )
    assert response.status_code == 302
    assert get_image_model().objects.get(pk=image.pk).title == "Ảnh của quận"


def test_upgrading_gives_the_portals_roles_a_collection_of_their_own(home_vi, role_user):
    """editorial 0007, with the models as the migration sees them (no treebeard methods): the
    portal's roles' permissions on the root collection, which reached every agency's, move to the
    portal's collection, with the root's images and documents, and the collections no one else
    was given."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from home.demo import demo_image

    ward = add_agency_site("Ủy ban nhân dân phường C", "phuong-c.example.vn", 80)
    staff = roles.give_to_own_staff(Page.objects.get(pk=ward.root_page_id), ward.site_name)

    photos = [demo_image(title, seed=seed) for seed, title in enumerate(("Ảnh phường C", "Ảnh của quận", "Lễ hội"))]
    ward_photo, root_photo, festival_photo = photos

    def put(item, collection):
        item.collection = collection
        item.save()

    # As made before this release: the roles' media on the root collection, with an administrator's
    # grant beyond them, the first agency's uploads there, and no portal's collection.
    root = Collection.get_first_root_node()
    put(ward_photo, staff.collection)
    put(root_photo, root)
    root_document = get_document_model()(title="Kế hoạch của quận", file=ContentFile(b"Ke hoach", name="kh.txt"))
    root_document.save()
    portal = roles.portal_collection()
    granted = GroupCollectionPermission.objects.filter(group__name__in=[EDITORS, APPROVERS, TRANSLATORS])
    before = sorted(granted.values_list("group__name", "permission__codename"))
    before.append((EDITORS, "delete_document"))
    for name, codename in before:
        GroupCollectionPermission.objects.create(
            group=Group.objects.get(name=name), collection=root, permission=Permission.objects.get(codename=codename)
        )
    demo = Collection.get_first_root_node().add_child(name="Ảnh minh họa")
    put(festival_photo, demo.add_child(name="Lễ hội"))
    for collection in Collection.objects.filter(path__startswith=portal.path).order_by("-depth"):
        collection.delete()
    administrators = sorted(
        GroupCollectionPermission.objects.filter(group__name=ADMINISTRATORS).values_list("collection", "permission")
    )
    # The demo's collection (above), with one under it; a collection given to another group by hand,
    # and one holding such a collection; and a group of the administrator's own on the root.
    by_hand = Group.objects.create(name="Biên tập viên phường Z")
    zone = Collection.get_first_root_node().add_child(name="Phường Z")
    press = Collection.get_first_root_node().add_child(name="Ảnh báo chí")
    private = press.add_child(name="Riêng phường Z")
    choose_image = Permission.objects.get(codename="choose_image")
    for collection in (zone, private):
        GroupCollectionPermission.objects.create(group=by_hand, collection=collection, permission=choose_image)
    photo_desk = Group.objects.create(name="Ban ảnh")
    GroupCollectionPermission.objects.create(
        group=photo_desk, collection=root, permission=Permission.objects.get(codename="change_image")
    )
    approver = role_user(APPROVERS, "pheduyet")
    images = policy_registry.get_by_type(get_image_model())
    assert images.user_has_permission_for_instance(approver, "change", ward_photo)  # the defect

    state = MigrationExecutor(connection).loader.project_state(("editorial", "0007_portal_collection"))
    migration = importlib.import_module("editorial.migrations.0007_portal_collection")
    migration.forwards(state.apps, None)

    portal = roles.portal_collection()
    assert (portal.name, portal.depth) == (roles.PORTAL_COLLECTION, 2)
    moved = GroupCollectionPermission.objects.filter(group__name__in=[EDITORS, APPROVERS, TRANSLATORS])
    assert sorted(moved.values_list("group__name", "permission__codename")) == sorted(before)
    assert set(moved.values_list("collection", flat=True)) == {portal.pk}
    assert (
        sorted(
            GroupCollectionPermission.objects.filter(group__name=ADMINISTRATORS).values_list("collection", "permission")
        )
        == administrators
    )
    assert GroupCollectionPermission.objects.filter(group=photo_desk, collection=root).exists()
    assert get_image_model().objects.get(pk=root_photo.pk).collection == portal
    assert get_document_model().objects.get(pk=root_document.pk).collection == portal
    assert not get_image_model().objects.filter(collection=root).exists()

    def parent(collection):
        return Collection.objects.get(pk=collection.pk).get_parent()

    assert parent(demo) == portal and Collection.objects.get(name="Lễ hội").get_parent().name == "Ảnh minh họa"
    assert get_image_model().objects.get(pk=festival_photo.pk).collection.depth == 4
    assert parent(staff.collection) == parent(zone) == parent(press) == root and parent(private) == press
    assert Collection.find_problems() == ([], [], [], [], [])
    assert [child.name for child in portal.get_children()] == ["Ảnh minh họa"]

    approver = get_user_model().objects.get(pk=approver.pk)
    assert not images.user_has_permission_for_instance(approver, "change", ward_photo)
    for photo in (root_photo, festival_photo):
        assert images.user_has_permission_for_instance(approver, "change", get_image_model().objects.get(pk=photo.pk))

    # Again, and sync_roles on deployment: nothing changes, and the roles get no root back.
    def state_of_things():
        return (
            sorted(GroupCollectionPermission.objects.values_list("group__name", "collection__path", "permission")),
            sorted(Collection.objects.values_list("path", "depth", "numchild", "name")),
        )

    after = state_of_things()
    migration.forwards(state.apps, None)
    call_command("sync_roles", verbosity=0)
    assert state_of_things() == after


def test_a_translator_cannot_touch_vietnamese_pages(client, make_article, role_user):
    article = make_article("Tin tiếng Việt của biên tập viên")
    translator = role_user(TRANSLATORS, "biendich")
    permissions = article.permissions_for_user(translator)
    assert not (permissions.can_edit() or permissions.can_publish() or permissions.can_delete())
    assert not article.get_parent().permissions_for_user(translator).can_add_subpage()

    client.force_login(translator)
    edit_url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    assert denied(client.get(edit_url))
    assert denied(client.post(edit_url, {"title": "Bị sửa", "action-publish": "action-publish"}))
    assert denied(client.post(reverse("wagtailadmin_pages:unpublish", args=[article.pk])))
    assert denied(client.post(reverse("wagtailadmin_pages:delete", args=[article.pk])))
    article.refresh_from_db()
    assert article.live and article.title == "Tin tiếng Việt của biên tập viên"


def test_a_translator_edits_and_publishes_the_english_translation(
    client, make_article, role_user, locales, django_capture_on_commit_callbacks
):
    from wagtail_localize.models import StringSegment, Translation

    article = make_article("Quận tổ chức ngày hội đọc sách")
    translate(article.get_parent(), locales[1], {"Tin tức - Sự kiện": "News"})
    english = translate(article, locales[1], {})
    translation = Translation.objects.get(source__object_id=article.translation_key, target_locale=locales[1])
    title_segment = StringSegment.objects.get(source=translation.source, string__data=article.title)

    translator = role_user(TRANSLATORS, "biendich")
    assert english.permissions_for_user(translator).can_publish()
    client.force_login(translator)
    edit_url = reverse("wagtailadmin_pages:edit", args=[english.pk])
    assert client.get(edit_url).status_code == 200
    segment_url = reverse("wagtail_localize:edit_string_translation", args=[translation.pk, title_segment.pk])
    response = client.put(
        segment_url, "value=The+district+holds+a+reading+festival", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(edit_url, {"action": "publish"}).status_code == 302
    english.refresh_from_db()
    assert english.live and english.title == "The district holds a reading festival"
    assert client.get(english.url).status_code == 200

    # No page of their own in English (it would go live unapproved), yet every new Vietnamese
    # article is theirs to translate: wagtail-localize makes its English draft.
    category = english.get_parent()
    assert not category.permissions_for_user(translator).can_add_subpage()
    assert denied(client.get(reverse("wagtailadmin_pages:add", args=("news", "newsarticlepage", category.pk))))
    fresh = make_article("Phường ra mắt mô hình dân vận mới")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtail_localize:submit_page_translation", args=[fresh.pk]), {"locales": [locales[1].pk]}
        )
    assert response.status_code == 302
    assert fresh.get_translation(locales[1]).permissions_for_user(translator).can_publish()


def test_translators_translate_snippets_and_editors_do_not(
    client, role_user, site, locales, django_capture_on_commit_callbacks
):
    from home.models import Department

    service = Department.objects.create(locale=locales[0], name="Bộ phận một cửa")
    submit_url = reverse("wagtail_localize:submit_snippet_translation", args=["home", "department", service.pk])
    client.force_login(role_user(EDITORS, "bientap"))
    assert denied(client.get(submit_url))

    client.force_login(role_user(TRANSLATORS, "biendich"))
    assert client.get(submit_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(submit_url, {"locales": [locales[1].pk]}).status_code == 302
    english = service.get_translation(locales[1])
    assert client.get(reverse("wagtailsnippets_home_department:edit", args=[english.pk])).status_code == 200


def test_translators_translate_news_tags_and_never_rename_the_originals(
    client, role_user, site, locales, make_article, django_capture_on_commit_callbacks
):
    en = locales[1]
    tag = make_article("Có thẻ", tags=["du lịch"]).tags.get()
    submit_url = reverse("wagtail_localize:submit_snippet_translation", args=["news", "newstag", tag.pk])

    client.force_login(role_user(TRANSLATORS, "biendich"))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(submit_url, {"locales": [en.pk]}).status_code == 302
    # The name is translated; the slug is the same in every language, not a string to translate.
    source = Translation.objects.get(target_locale=en, source__object_id=tag.translation_key).source
    assert list(StringSegment.objects.filter(source=source).values_list("string__data", flat=True)) == ["du lịch"]
    english = tag.get_translation(en)
    assert english.slug == tag.slug
    assert client.get(reverse("wagtailsnippets_news_newstag:edit", args=[english.pk])).status_code == 200
    assert denied(client.get(reverse("wagtailsnippets_news_newstag:edit", args=[tag.pk])))
    assert denied(client.post(reverse("wagtailsnippets_news_newstag:edit", args=[tag.pk]), {"name": "Du lịch biển"}))
    tag.refresh_from_db()
    assert tag.name == "du lịch"


def test_translators_change_the_translations_of_snippets_never_the_originals(client, site, locales, role_user):
    vi, en = locales
    original = AgencyProfile.objects.get(locale=vi)
    translation = original.get_translation(en)
    name = original.name

    def edit_url(agency):
        return reverse("wagtailsnippets_home_agencyprofile:edit", args=[agency.pk])

    def listing(locale):
        return client.get(reverse("wagtailsnippets_home_agencyprofile:list"), {"locale": locale.language_code})

    client.force_login(role_user(TRANSLATORS, "biendich"))
    assert denied(client.get(edit_url(original)))
    assert denied(client.post(edit_url(original), {"name": "Tên do biên dịch viên sửa"}))
    assert denied(client.get(reverse("wagtailsnippets_home_agencyprofile:delete", args=[original.pk])))
    original.refresh_from_db()
    assert original.name == name
    assert edit_url(original) not in listing(vi).content.decode()
    # The English translation, in wagtail-localize's editor.
    assert client.get(edit_url(translation)).status_code == 200
    assert edit_url(translation) in listing(en).content.decode()

    client.force_login(role_user(ADMINISTRATORS, "quantri"))
    assert client.get(edit_url(original)).status_code == 200
    assert edit_url(original) in listing(vi).content.decode()


def test_a_right_to_delete_snippets_reaches_only_the_users_languages(client, site, locales, role_user):
    """Translators hold no "delete" on snippets; an administrator who grants it still does not
    give them the Vietnamese originals."""
    vi, en = locales
    original = AgencyProfile.objects.get(locale=vi)
    translation = original.get_translation(en)
    translator = role_user(TRANSLATORS, "biendich")
    Group.objects.get(name=TRANSLATORS).permissions.add(
        Permission.objects.get(content_type__app_label="home", codename="delete_agencyprofile")
    )

    def delete_url(agency):
        return reverse("wagtailsnippets_home_agencyprofile:delete", args=[agency.pk])

    client.force_login(translator)
    assert denied(client.post(delete_url(original)))
    assert AgencyProfile.objects.filter(pk=original.pk).exists()
    listing = client.get(reverse("wagtailsnippets_home_agencyprofile:list"), {"locale": "vi"}).content.decode()
    assert delete_url(original) not in listing
    assert client.get(delete_url(translation)).status_code == 200


def test_every_translatable_snippet_is_changed_only_in_its_users_languages(db):
    translatable = [model for model in get_snippet_models() if issubclass(model, TranslatableMixin)]
    assert {model._meta.label for model in translatable} == {
        "home.AgencyProfile",
        "home.InfoBox",
        "home.Department",
        "news.NewsTag",
        "feedback.Survey",
        "visits.VisitStatsBox",
    }
    for model in translatable:
        viewset = model.snippet_viewset
        assert isinstance(policy_registry.get_by_type(model), TranslatableSnippetPolicy), model
        assert issubclass(viewset.index_view_class, TranslatableSnippetIndexView), model
        assert issubclass(viewset.edit_view_class, TranslatableSnippetEditView), model
        assert issubclass(viewset.delete_view_class, TranslatableSnippetDeleteView), model


# --- Anonymous visitors -------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page_for_every_admin_url(client, site, make_article):
    article = make_article("Tin cho khách vãng lai")
    urls = [(name, reverse(name)) for name in admin_views_without_arguments() if name not in PUBLIC_ADMIN_VIEWS]
    assert len(urls) > 100  # the walk found the admin's views
    urls += [
        ("edit", reverse("wagtailadmin_pages:edit", args=[article.pk])),
        ("history", reverse("wagtailadmin_pages:history", args=[article.pk])),
        ("explore", reverse("wagtailadmin_explore", args=[article.get_parent().pk])),
        ("settings", reverse("wagtailsettings:edit", args=["home", "portalsettings", site.pk])),
        ("user", reverse("wagtailusers_users:edit", args=[1])),
        ("translate", reverse("wagtail_localize:submit_page_translation", args=[article.pk])),
    ]
    login = reverse("wagtailadmin_login")
    for name, url in urls:
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302, (name, url, response.status_code)
            assert re.match(rf"^{login}\?next=", response["Location"]), (name, url, response["Location"])


# --- Demo users ---------------------------------------------------------------------------------


def test_load_demo_makes_one_user_per_role_in_development_only(demo, settings, locales):
    from editorial.demo import DEMO_USERS

    usernames = [username for _group, username, _name in DEMO_USERS]
    assert not get_user_model().objects.filter(username__in=usernames).exists()  # DEBUG is off in tests
    home_vi = demo.root_page
    assert page_permission_types(EDITORS, home_vi) == {"add", "change"}
    assert page_permission_types(TRANSLATORS, home_vi.get_translation(locales[1])) == {"change", "publish"}

    settings.DEBUG = True
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    for group, username, _name in DEMO_USERS:
        user = get_user_model().objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group] and not user.is_superuser
        assert user.check_password(load_demo.DEMO_ADMIN_PASSWORD)
        assert f"{group}: user: {username} password: {load_demo.DEMO_ADMIN_PASSWORD}" in output.getvalue()
    users = list(get_user_model().objects.order_by("pk").values_list("pk", "username", "password"))
    call_command("load_demo", stdout=io.StringIO())
    assert list(get_user_model().objects.order_by("pk").values_list("pk", "username", "password")) == users
