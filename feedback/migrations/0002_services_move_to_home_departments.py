"""Polls and news now share one list of the agency's departments (home.Department). The
services move over with their translations; surveys and votes point at them."""

import django.db.models.deletion
from django.db import migrations, models


def move_services_to_home(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Service = apps.get_model("feedback", "Service")
    Department = apps.get_model("home", "Department")
    TranslatableObject = apps.get_model("wagtail_localize", "TranslatableObject")
    TranslationSource = apps.get_model("wagtail_localize", "TranslationSource")

    new_ids = {
        service.pk: Department.objects.create(
            name=service.name, locale_id=service.locale_id, translation_key=service.translation_key
        ).pk
        for service in Service.objects.all()
    }
    for model_name in ("Survey", "SurveyResponse"):
        model = apps.get_model("feedback", model_name)
        for old_id, new_id in new_ids.items():
            model.objects.filter(service_id=old_id).update(unit_id=new_id)
    old_type = ContentType.objects.filter(app_label="feedback", model="service").first()
    if old_type:
        new_type, _created = ContentType.objects.get_or_create(app_label="home", model="department")
        TranslatableObject.objects.filter(content_type=old_type).update(content_type=new_type)
        TranslationSource.objects.filter(specific_content_type=old_type).update(specific_content_type=new_type)


def _unit():
    return models.ForeignKey(
        null=True, blank=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="home.department"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("home", "0004_department"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ]

    operations = [
        migrations.AddField(model_name="survey", name="unit", field=_unit()),
        migrations.AddField(model_name="surveyresponse", name="unit", field=_unit()),
        migrations.RunPython(move_services_to_home, migrations.RunPython.noop),
        migrations.RemoveField(model_name="survey", name="service"),
        migrations.RemoveField(model_name="surveyresponse", name="service"),
        migrations.RenameField(model_name="survey", old_name="unit", new_name="service"),
        migrations.RenameField(model_name="surveyresponse", old_name="unit", new_name="service"),
        migrations.AlterField(
            model_name="survey",
            name="service",
            field=models.ForeignKey(
                blank=True,
                help_text="What the poll is about, if it is about one only. Otherwise voters may name the one they used.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="surveys",
                to="home.department",
                verbose_name="department or service",
            ),
        ),
        migrations.AlterField(
            model_name="surveyresponse",
            name="service",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="responses",
                to="home.department",
                verbose_name="department or service",
            ),
        ),
        migrations.DeleteModel(name="Service"),
    ]
