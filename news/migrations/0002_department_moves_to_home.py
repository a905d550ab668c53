"""News and polls now share one list of the agency's departments (home.Department). The
departments move over with their translations; articles, and their revisions, point at them."""

import django.db.models.deletion
from django.db import migrations, models


def move_departments_to_home(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Old = apps.get_model("news", "Department")
    New = apps.get_model("home", "Department")
    Article = apps.get_model("news", "NewsArticlePage")
    Revision = apps.get_model("wagtailcore", "Revision")
    TranslatableObject = apps.get_model("wagtail_localize", "TranslatableObject")
    TranslationSource = apps.get_model("wagtail_localize", "TranslationSource")

    new_ids = {
        old.pk: New.objects.create(name=old.name, locale_id=old.locale_id, translation_key=old.translation_key).pk
        for old in Old.objects.all()
    }
    for article in Article.objects.exclude(department=None).only("pk", "department"):
        Article.objects.filter(pk=article.pk).update(unit_id=new_ids[article.department_id])
    article_type = ContentType.objects.filter(app_label="news", model="newsarticlepage").first()
    for revision in Revision.objects.filter(content_type=article_type):
        if revision.content.get("department") in new_ids:
            revision.content["department"] = new_ids[revision.content["department"]]
            revision.save(update_fields=["content"])
    old_type = ContentType.objects.filter(app_label="news", model="department").first()
    if old_type:
        new_type, _created = ContentType.objects.get_or_create(app_label="home", model="department")
        TranslatableObject.objects.filter(content_type=old_type).update(content_type=new_type)
        TranslationSource.objects.filter(specific_content_type=old_type).update(specific_content_type=new_type)


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0001_initial"),
        ("home", "0004_department"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ]

    operations = [
        migrations.AddField(
            model_name="newsarticlepage",
            name="unit",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="home.department"
            ),
        ),
        migrations.RunPython(move_departments_to_home, migrations.RunPython.noop),
        migrations.RemoveField(model_name="newsarticlepage", name="department"),
        migrations.RenameField(model_name="newsarticlepage", old_name="unit", new_name="department"),
        migrations.AlterField(
            model_name="newsarticlepage",
            name="department",
            field=models.ForeignKey(
                help_text="The unit that publishes the article.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="home.department",
                verbose_name="posted by",
            ),
        ),
        migrations.DeleteModel(name="Department"),
    ]
