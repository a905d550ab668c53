"""The translators translate the news tags (news.NewsTag, editorial/roles.py); the
administrators' role takes the tags' permissions too."""

from django.db import migrations

from editorial import roles


def forwards(apps, schema_editor):
    roles.create_all_permissions(apps)
    roles.sync_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_roles"),
        ("news", "0003_newstag"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
