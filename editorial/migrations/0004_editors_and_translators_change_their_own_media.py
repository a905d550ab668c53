"""Editors and translators change (and so delete) only the images and documents they uploaded:
any of them could delete a file that published pages show (editorial/roles.py, OWN_MEDIA)."""

from django.db import migrations

from editorial import roles


def forwards(apps, schema_editor):
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupCollectionPermission.objects.filter(
        group__name__in=[roles.EDITORS, roles.TRANSLATORS],
        collection__depth=1,  # where the roles give it; an administrator's grant elsewhere stays
        permission__content_type__app_label__in=["wagtailimages", "wagtaildocs"],
        permission__codename__in=["change_image", "change_document"],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("editorial", "0003_translators_do_not_add_pages")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
