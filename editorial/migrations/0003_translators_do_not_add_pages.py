"""Translators translate pages and publish the translations; they no longer write pages of their
own in the other languages' trees, which would be published without approval (editorial/roles.py).
wagtail-localize creates a translated page, and its parents, without that permission."""

from django.db import migrations

from editorial import roles


def forwards(apps, schema_editor):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupPagePermission.objects.filter(group__name=roles.TRANSLATORS, permission__codename="add_page").delete()


class Migration(migrations.Migration):
    dependencies = [("editorial", "0002_news_tags")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
