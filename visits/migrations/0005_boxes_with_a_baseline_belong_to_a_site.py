from django.db import migrations, models


def give_baselines_the_default_site(apps, schema_editor):
    """A box of no site that carries an old portal's total becomes the default site's, in every
    language: that total is one agency's, and other sites showed it as theirs."""
    Site = apps.get_model("wagtailcore", "Site")
    default = Site.objects.filter(is_default_site=True).first()
    if default is not None:
        boxes = apps.get_model("visits", "VisitStatsBox").objects.filter(site=None)
        keys = boxes.exclude(baseline_total=0).values("translation_key")
        boxes.filter(translation_key__in=keys).update(site=default)


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0004_visitstatsbox_site"),
        ("home", "0007_snippets_site"),
    ]

    operations = [
        migrations.AlterField(
            model_name="visitstatsbox",
            name="baseline_total",
            field=models.PositiveBigIntegerField(
                default=0,
                help_text="Visits counted by the agency's old portal; added to the total only, on its site only.",
                verbose_name="baseline total",
            ),
        ),
        migrations.RunPython(give_baselines_the_default_site, migrations.RunPython.noop),
    ]
