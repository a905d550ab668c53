"""The editorial groups and the default approval workflow (see editorial/roles.py).

Wagtail's own migrations create the groups "Editors" and "Moderators", with page permissions on
the root page (so on every language's tree; wagtail-localize adds "submit translations"), and a
workflow "Moderators approval" on the root page (so over the translators' trees too). They become
"Biên tập viên" and "Phê duyệt", members kept, with their roles' permissions instead of Wagtail's,
and the workflow becomes "Phê duyệt tin bài", on no page until the Vietnamese trees exist.
"""

from django.db import migrations

from editorial import roles

WAGTAIL_GROUPS = {"Editors": roles.EDITORS, "Moderators": roles.APPROVERS}
WAGTAIL_WORKFLOW = "Moderators approval"


def adopt_wagtail_defaults(apps):
    Group = apps.get_model("auth", "Group")
    for wagtail_name, name in WAGTAIL_GROUPS.items():
        group = Group.objects.filter(name=wagtail_name).first()
        if group is None or Group.objects.filter(name=name).exists():
            continue
        group.name = name
        group.save()
        group.permissions.clear()
        apps.get_model("wagtailcore", "GroupPagePermission").objects.filter(group=group).delete()
        apps.get_model("wagtailcore", "GroupCollectionPermission").objects.filter(group=group).delete()
    Workflow = apps.get_model("wagtailcore", "Workflow")
    if not Workflow.objects.filter(name=roles.WORKFLOW).exists():
        Workflow.objects.filter(name=WAGTAIL_WORKFLOW).update(name=roles.WORKFLOW)
        apps.get_model("wagtailcore", "Task").objects.filter(name=WAGTAIL_WORKFLOW).update(name=roles.APPROVAL_TASK)
    apps.get_model("wagtailcore", "WorkflowPage").objects.filter(page__depth=1, workflow__name=roles.WORKFLOW).delete()


def forwards(apps, schema_editor):
    roles.create_all_permissions(apps)
    adopt_wagtail_defaults(apps)
    roles.sync_groups(apps)
    roles.approval_workflow(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
        # The administrators' role is every permission: those of the other installed apps too.
        ("wagtailforms", "0005_alter_formsubmission_form_data"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("wagtailembeds", "0009_embed_cache_until"),
        ("wagtailsearch", "0010_add_text_fields"),
        ("wagtailusers", "0015_userprofile_keyboard_shortcuts"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("axes", "0010_accessattemptexpiration"),
        ("sessions", "0001_initial"),
        ("home", "0004_department"),
        ("news", "0002_department_moves_to_home"),
        ("feedback", "0002_services_move_to_home_departments"),
        ("visits", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
