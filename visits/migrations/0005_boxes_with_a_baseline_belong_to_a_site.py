from django.db import migrations, models

from home.migrations._sidebar_sites import give_the_site_that_shows_it


def give_baselines_a_site(apps, schema_editor):
    """A box of no site that carries an old portal's total becomes the site's whose sidebar alone
    shows it, else the default site's, in every language: that total is one agency's, and other
    sites showed it as theirs."""
    VisitStatsBox = apps.get_model("visits", "VisitStatsBox")
    with_baseline = VisitStatsBox.objects.filter(site=None).exclude(baseline_total=0)
    give_the_site_that_shows_it(apps, "visit_stats", VisitStatsBox, with_baseline)


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
        migrations.RunPython(give_baselines_a_site, migrations.RunPython.noop),
    ]
