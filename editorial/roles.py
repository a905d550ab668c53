"""The editorial roles: four groups, what each may do, and on which pages.

This module is the source of truth. The data migration creates the groups; `sync_roles` (run by
`load_demo` and on every deployment) brings them up to date with what is declared here. Both only
add: what an administrator grants beyond this in the admin stays.

Page permissions and the approval workflow belong to page trees, one per language under Wagtail's
root page, and the trees are made after the migrations (by `load_demo` or an administrator). A tree
gets them when its top page is created (`grant_new_tree`, a post_save handler); `sync_roles`
catches up with trees made before this app was installed.

Images and documents belong to collections, and Wagtail's permission on a collection reaches the
collections under it. The portal's roles work in a collection of their own (PORTAL_COLLECTION, a
child of the root collection), the administrators in the root collection, and so in every one.

With several agencies in one installation, an agency's trees may go to groups of its own, one per
role (`give_own_staff`, AgencyStaff), with an approval workflow and a collection of images and
documents of its own, another child of the root: its staff then work on its pages and media alone,
and the portal's roles on the others' pages and in the portal's collection, never in an agency's;
snippets belong to a site (home.access).
"""

import hashlib
from dataclasses import dataclass

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Task,
    Workflow,
    WorkflowPage,
    WorkflowState,
)

from .models import AgencyStaff

EDITORS = "Biên tập viên"
APPROVERS = "Phê duyệt"
TRANSLATORS = "Biên dịch viên"
ADMINISTRATORS = "Quản trị"

WORKFLOW = "Phê duyệt tin bài"
APPROVAL_TASK = "Phê duyệt"

ALL = "__all__"

PAGE_PERMISSION_TYPES = ("add", "change", "publish", "bulk_delete", "lock", "unlock")
# The portal's roles work in the portal's collection and the collections under it (an agency's own
# staff, in its own collection: `give_to_own_staff`); the administrators in the root collection, so
# in every one. Wagtail lets whoever may change an image or a document delete it too, even while
# published pages show it: editors and translators upload and choose them, and change (or delete)
# only their own uploads; approvers, who answer for what is published, change any.
OWN_MEDIA = (
    "wagtailimages.add_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.choose_document",
)
SHARED_MEDIA = (*OWN_MEDIA, "wagtailimages.change_image", "wagtaildocs.change_document")
ALL_MEDIA = (*SHARED_MEDIA, "wagtailimages.delete_image", "wagtaildocs.delete_document")
# The portal's collection, under the root as the agencies' own are: the media of the default site's
# agency and of every agency without staff of its own, the sites the portal's roles work on. Found
# by its name, as the groups and the workflow are, and made again when missing. A fixed name, not
# the default site's agency's: that one changes when its profile does, there is none yet when the
# migrations make the roles, and the collection serves every agency the portal's roles work for.
PORTAL_COLLECTION = "Cổng thông tin"
# Translators translate these snippets. Wagtail's snippet permissions are per model; home.snippets
# adds the language and the site: an instance is changed only by those who may change pages in its
# language and of its site, so translators change the translations and never the Vietnamese
# originals.
TRANSLATABLE_SNIPPETS = (
    "home.change_agencyprofile",
    "home.change_infobox",
    "home.change_department",
    "news.change_newstag",
    "feedback.change_survey",
    "visits.change_visitstatsbox",
)


@dataclass(frozen=True)
class Role:
    group: str
    # "app_label.codename" of model permissions, or ALL.
    permissions: tuple[str, ...] | str = ()
    # Collection permissions on the portal's collection (on an agency's own, for its staff), and on
    # the root collection: every collection (the portal's group alone).
    media: tuple[str, ...] = ()
    all_media: tuple[str, ...] = ()
    # Page permission types on the default language's trees, on the other languages' trees, and on
    # Wagtail's root page (every tree).
    source_pages: tuple[str, ...] = ()
    translated_pages: tuple[str, ...] = ()
    all_pages: tuple[str, ...] = ()


# A poll is public at its own address once it exists, so making and changing one is publishing:
# the approvers' work. Editors read the results and the citizens' answers, and export them.
POLL_RESULTS = ("feedback.view_survey", "feedback.view_surveyresponse")
POLLS = ("feedback.add_survey", "feedback.change_survey", *POLL_RESULTS)

ROLES = (
    # Write and edit news, submit it for approval; never publish.
    Role(EDITORS, ("wagtailadmin.access_admin", *POLL_RESULTS), OWN_MEDIA, source_pages=("add", "change")),
    # Review, approve and publish (or ask for changes).
    Role(
        APPROVERS,
        ("wagtailadmin.access_admin", *POLLS),
        SHARED_MEDIA,
        source_pages=("add", "change", "publish", "lock", "unlock"),
    ),
    # Translate and publish the other languages' pages, translate snippets; no Vietnamese page, and
    # no page of their own: it would be published without approval. wagtail-localize creates the
    # translations (and their parents) without "add".
    Role(
        TRANSLATORS,
        ("wagtailadmin.access_admin", "wagtail_localize.submit_translation", *TRANSLATABLE_SNIPPETS),
        OWN_MEDIA,
        translated_pages=("change", "publish"),
    ),
    # Everything, settings and users included, without being superusers: every site's pages, and
    # every collection's images and documents.
    Role(ADMINISTRATORS, ALL, all_media=ALL_MEDIA, all_pages=PAGE_PERMISSION_TYPES),
)


# An agency given staff of its own (`give_own_staff`) has a group in each of these roles, the
# AgencyStaff fields; the portal's administrators administer its site as every other.
AGENCY_ROLES = {EDITORS: "editors", APPROVERS: "approvers", TRANSLATORS: "translators"}


def page_permission(permission_type):
    return f"wagtailcore.{permission_type}_page"


def create_all_permissions(apps):
    """Permissions are normally created after all migrations have run; a migration that syncs the
    roles needs them at once. `apps` is a migration's app registry."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def sync_groups(apps):
    """Create the roles' groups, and give them and the agencies' own groups (AgencyStaff) their
    role's permissions on models, on the portal's collection (made when missing; an agency's own
    collection, for its groups: none while it has none, as the root's would reach every agency's),
    on the root collection (the administrators) and on the root page. `apps` is a migration's app
    registry or `django.apps.apps`.

    Returns the permissions declared here that do not exist (yet) in the database.
    """
    Permission = apps.get_model("auth", "Permission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")

    existing = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.values_list("pk", "content_type__app_label", "codename")
    }
    missing = set()

    def lookup(names):
        missing.update(name for name in names if name not in existing)
        return [existing[name] for name in names if name in existing]

    root_page = Page.objects.get(depth=1)
    root_collection = apps.get_model("wagtailcore", "Collection").objects.get(depth=1)
    for role, group, collection_id in _groups_in_roles(apps):
        group.permissions.add(*lookup(list(existing) if role.permissions == ALL else role.permissions))
        for permission_id in lookup(role.media) if collection_id else ():
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection_id=collection_id, permission_id=permission_id
            )
        for permission_id in lookup(role.all_media) if group.name == role.group else ():
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission_id=permission_id
            )
        for permission_id in lookup([page_permission(kind) for kind in role.all_pages]):
            GroupPagePermission.objects.get_or_create(group=group, page=root_page, permission_id=permission_id)
    return missing


def _groups_in_roles(apps):
    """(role, group, the id of the collection it works in, or None) of the roles' groups (created
    when missing: the portal's collection) and of the agencies' own staff (their own, if any)."""
    Group = apps.get_model("auth", "Group")
    portal = portal_collection(apps)
    found = [(role, Group.objects.get_or_create(name=role.group)[0], portal.pk) for role in ROLES]
    try:
        staff_model = apps.get_model("editorial", "AgencyStaff")
    except LookupError:  # a migration older than the model
        return found
    by_name = {role.group: role for role in ROLES}
    for staff in staff_model.objects.select_related(*AGENCY_ROLES.values()):
        # (A migration older than the collection has none.)
        collection_id = getattr(staff, "collection_id", None)
        found += [(by_name[name], getattr(staff, field), collection_id) for name, field in AGENCY_ROLES.items()]
    return found


def portal_collection(apps=global_apps):
    """The portal's collection (PORTAL_COLLECTION, a child of the root collection), made when
    missing; never an agency's own collection, whatever its name. `apps` is a migration's app
    registry or `django.apps.apps`."""
    model = apps.get_model("wagtailcore", "Collection")
    root = model.objects.get(depth=1)
    children = model.objects.filter(depth=2, path__startswith=root.path).order_by("path")
    found = children.filter(name=PORTAL_COLLECTION).exclude(pk__in=_agencies_collections(apps)).first()
    return found or add_collection(apps, root, PORTAL_COLLECTION)


def _agencies_collections(apps):
    """The ids of the agencies' own collections (AgencyStaff)."""
    try:
        staff_model = apps.get_model("editorial", "AgencyStaff")
    except LookupError:  # a migration older than the model
        return []
    if not any(field.name == "collection" for field in staff_model._meta.get_fields()):
        return []  # a migration older than the collection
    return list(staff_model.objects.exclude(collection=None).values_list("collection", flat=True))


# A migration's models have none of treebeard's methods: the tree's columns (path, depth, numchild)
# are then written here as treebeard writes them, with Wagtail's Collection's path arithmetic.


def add_collection(apps, parent, name):
    """A new collection `name` under `parent`: in the order of their names, as Wagtail adds them,
    or, in a migration, after its siblings."""
    if hasattr(parent, "add_child"):
        return parent.add_child(name=name)
    model = apps.get_model("wagtailcore", "Collection")
    collection = model.objects.create(
        name=name, path=_next_child_path(model, parent), depth=parent.depth + 1, numchild=0
    )
    model.objects.filter(pk=parent.pk).update(numchild=F("numchild") + 1)
    return collection


def _move_collection(apps, collection, parent):
    """Move `collection`, and the collections under it, under `parent`: in the order of their
    names, or, in a migration, after its children."""
    if hasattr(collection, "move"):
        collection.move(parent, pos="sorted-child")
        return
    model = apps.get_model("wagtailcore", "Collection")
    old, new = collection.path, _next_child_path(model, parent)
    shift = parent.depth + 1 - collection.depth
    for node in model.objects.filter(path__startswith=old).order_by("path"):
        node.path, node.depth = new + node.path[len(old) :], node.depth + shift
        node.save(update_fields=["path", "depth"])
    model.objects.filter(path=old[: -Collection.steplen]).update(numchild=F("numchild") - 1)
    model.objects.filter(pk=parent.pk).update(numchild=F("numchild") + 1)


def _next_child_path(model, parent):
    """The path of a new last child of `parent`."""
    last = (
        model.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    step = Collection._str2int(last[-Collection.steplen :]) + 1 if last else 1
    return Collection._get_path(parent.path, parent.depth + 1, step)


def roles_in_the_root_collection(apps=global_apps):
    """Whether the portal's role groups hold a permission on the root collection: an installation,
    or a backup's content, from before the portal's collection (give_the_portal_its_collection)."""
    return (
        apps.get_model("wagtailcore", "GroupCollectionPermission")
        .objects.filter(collection__depth=1, group__name__in=[role.group for role in ROLES if role.media])
        .exists()
    )


def give_the_portal_its_collection(apps):
    """Bring an installation made when the portal's roles worked in the root collection (which
    reaches every collection, the agencies' own included) to the portal's collection: their
    groups' permissions on the root collection move to it, administrators' grants beyond the roles
    included, and so do the images and documents of the root collection (the first agency's, or of
    an agency without staff of its own) and the collections directly under the root that are no
    agency's own and on which no other group than the roles' holds a permission, at any depth (the
    demo's, or one an administrator made for the portal's staff): they stay within the roles'
    reach. The others (an agency's own, or given to its staff by hand) stay under the root, out of
    it. The administrators keep the root collection. `apps` is a migration's app registry or
    `django.apps.apps`.

    Returns the names of the collections moved under the portal's, and of those left under the root
    that the portal's roles no longer reach."""
    model = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root = model.objects.get(depth=1)
    portal = portal_collection(apps)
    portal_groups = [role.group for role in ROLES if role.media]  # the administrators keep the root
    on_root = GroupCollectionPermission.objects.filter(collection=root, group__name__in=portal_groups)
    for group, permission in on_root.values_list("group", "permission"):
        GroupCollectionPermission.objects.get_or_create(group_id=group, collection=portal, permission_id=permission)
    on_root.delete()
    for label in (
        getattr(settings, "WAGTAILIMAGES_IMAGE_MODEL", "wagtailimages.Image"),
        getattr(settings, "WAGTAILDOCS_DOCUMENT_MODEL", "wagtaildocs.Document"),
    ):
        apps.get_model(label).objects.filter(collection=root).update(collection=portal)

    agencies = set(_agencies_collections(apps))
    others = GroupCollectionPermission.objects.exclude(group__name__in=[role.group for role in ROLES])
    given = set(others.values_list("collection__path", flat=True))
    moved, left = [], []
    children = model.objects.filter(depth=2, path__startswith=root.path).exclude(pk=portal.pk)
    for child in list(children.order_by("path")):
        if child.pk in agencies or any(path.startswith(child.path) for path in given):
            left.append(child.name)
            continue
        # (Fresh from the database: a move rewrites paths and counts of children.)
        _move_collection(apps, model.objects.get(pk=child.pk), model.objects.get(pk=portal.pk))
        moved.append(child.name)
    return moved, left


def approval_workflow(apps, name=WORKFLOW, task_name=APPROVAL_TASK, approvers=APPROVERS):
    """The workflow `name`, made when missing: one approval (`task_name`) by the group
    `approvers`. By default, the portal's: one approval by the approvers' group."""
    Workflow = apps.get_model("wagtailcore", "Workflow")
    workflow = Workflow.objects.filter(name=name).first()
    if workflow is None:
        ContentType = apps.get_model("contenttypes", "ContentType")
        task_type, _created = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
        task = apps.get_model("wagtailcore", "GroupApprovalTask").objects.create(
            name=task_name, content_type=task_type, active=True
        )
        task.groups.set([apps.get_model("auth", "Group").objects.get_or_create(name=approvers)[0]])
        workflow = Workflow.objects.create(name=name, active=True)
        apps.get_model("wagtailcore", "WorkflowTask").objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def taken_from_the_roles(top):
    """True when an administrator gave the tree to other groups by hand (another agency's site,
    kept to its own staff): some group holds permissions on it, and none of the roles does."""
    granted = GroupPagePermission.objects.filter(page=top)
    return granted.exists() and not granted.filter(group__name__in=[role.group for role in ROLES]).exists()


def own_staff(top):
    """The AgencyStaff of the agency whose tree `top` (or a translation of it) is, or None."""
    fields = [*AGENCY_ROLES.values(), "workflow"]
    return AgencyStaff.objects.select_related(*fields).filter(tree__translation_key=top.translation_key).first()


def grant_tree(top):
    """Give a language's page tree (`top`, a page directly under the root) to the groups that
    work on it in that language: the agency's own staff (AgencyStaff), or else the portal's
    roles; and put the default language's tree under their approval workflow.

    Workflows apply to a page's subtree, so the other languages' trees stay outside it: what
    translators publish waits for no one. A tree that an administrator took from the roles by
    hand, and its translations, are left to them.
    """
    staff = own_staff(top)
    if staff is None and any(
        taken_from_the_roles(tree) for tree in Page.objects.filter(depth=2, translation_key=top.translation_key)
    ):
        return
    is_source = top.locale_id == Locale.get_default().pk
    permissions = {p.codename: p for p in Permission.objects.filter(content_type__app_label="wagtailcore")}
    for role in ROLES:
        kinds = role.source_pages if is_source else role.translated_pages
        if not kinds:
            continue
        if staff is not None:
            group = getattr(staff, AGENCY_ROLES[role.group])
        else:
            # Recreated if an administrator renamed or deleted it, rather than failing the new page.
            group, _created = Group.objects.get_or_create(name=role.group)
        for kind in kinds:
            GroupPagePermission.objects.get_or_create(group=group, page=top, permission=permissions[f"{kind}_page"])
    if is_source:
        workflow = staff.workflow if staff is not None else approval_workflow(global_apps)
        WorkflowPage.objects.get_or_create(page=top, defaults={"workflow": workflow})


def _agency_name(model, prefix, agency):
    """`prefix – agency`, in the characters a `model`'s name can hold: too long, its end gives way
    to a digest of the agency's whole name, so that agencies whose long names begin alike get
    names of their own."""
    limit = model._meta.get_field("name").max_length
    name = f"{prefix} – {agency}"
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(agency.encode()).hexdigest()[:8]
    return f"{name[: limit - len(digest) - 2]}… {digest}"


class NameTaken(ValueError):
    """An agency's staff would take the name of a group, a workflow or a collection that exists
    already."""


@transaction.atomic
def give_to_own_staff(top, agency):
    """Give an agency's trees (`top`, its home page in the default language, and the
    translations) to groups of its own, one per role of AGENCY_ROLES, named after the role and
    `agency`, with an approval workflow whose approvers are the agency's, and a collection (named
    `agency`, under the root) where they upload and choose images and documents; again, to the
    groups it has. The portal's role groups lose their page permissions there (its administrators
    keep theirs, on the root page), the agency's groups their permissions on the root collection
    (which reached every agency's), and pages in moderation move to the agency's workflow. Raises
    NameTaken rather than share a group, a workflow or a collection with anyone else. Returns the
    AgencyStaff."""
    staff = AgencyStaff.objects.filter(tree=top).first()
    root_collection = Collection.get_first_root_node()
    collection_name = agency[: Collection._meta.get_field("name").max_length]
    names = {field: _agency_name(Group, role, agency) for role, field in AGENCY_ROLES.items()}
    workflow_name = _agency_name(Workflow, WORKFLOW, agency)
    taken = []
    if staff is None or staff.collection is None:
        taken += root_collection.get_children().filter(name=collection_name).values_list("name", flat=True)
    if staff is None:
        taken += Group.objects.filter(name__in=names.values()).values_list("name", flat=True)
        taken += Workflow.objects.filter(name=workflow_name).values_list("name", flat=True)
    if taken:
        raise NameTaken(", ".join(f"“{name}”" for name in taken))
    if staff is None:
        staff = AgencyStaff(tree=top)
        for field, name in names.items():
            setattr(staff, field, Group.objects.create(name=name))
        staff.workflow = approval_workflow(
            global_apps, workflow_name, _agency_name(Task, APPROVAL_TASK, agency), names["approvers"]
        )
    if staff.collection is None:
        staff.collection = root_collection.add_child(name=collection_name)
    staff.save()
    groups = [getattr(staff, field) for field in AGENCY_ROLES.values()]
    GroupCollectionPermission.objects.filter(group__in=groups, collection__depth=1).delete()
    trees = Page.objects.filter(depth=2, translation_key=top.translation_key)
    GroupPagePermission.objects.filter(page__in=trees, group__name__in=[role.group for role in ROLES]).delete()
    WorkflowPage.objects.filter(page__in=trees).exclude(workflow=staff.workflow).delete()
    sync_groups(global_apps)
    for tree in trees:
        grant_tree(tree)
    _move_moderation(top, staff.workflow)
    return staff


def _move_moderation(top, workflow):
    """Pages under `top` waiting in another workflow start again in `workflow`, as submitted by
    the same people: the other workflow's approvers are no longer theirs to approve."""
    states = WorkflowState.objects.active().exclude(workflow=workflow)
    for state in states.filter(base_content_type=ContentType.objects.get_for_model(Page)):
        page = state.content_object
        if page is not None and page.path.startswith(top.path):
            state.cancel()
            workflow.start(page.specific, state.requested_by)


def grant_new_tree(sender, instance, created, raw=False, **kwargs):
    """post_save: a new page directly under the root starts a language's tree."""
    if created and not raw and isinstance(instance, Page) and instance.depth == 2:
        grant_tree(instance)
