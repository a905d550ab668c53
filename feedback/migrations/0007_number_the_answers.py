"""Answers saved without a number (the demo's polls): numbered in the order they were shown, since
the admin numbers only the answers it saves, which then moved away from the others."""

from django.db import migrations


def number_the_answers(apps, schema_editor):
    SurveyOption = apps.get_model("feedback", "SurveyOption")
    surveys = SurveyOption.objects.filter(sort_order=None).values_list("survey_id", flat=True).distinct()
    for survey_id in surveys:
        # The unnumbered in the order they were written, then the numbered.
        options = list(SurveyOption.objects.filter(survey_id=survey_id).order_by("sort_order", "pk"))
        options.sort(key=lambda option: (option.sort_order is not None, option.sort_order or 0, option.pk))
        for number, option in enumerate(options):
            option.sort_order = number
        SurveyOption.objects.bulk_update(options, ["sort_order"])


class Migration(migrations.Migration):
    dependencies = [("feedback", "0006_departments_named_by_polls_are_kept")]

    operations = [migrations.RunPython(number_the_answers, migrations.RunPython.noop)]
