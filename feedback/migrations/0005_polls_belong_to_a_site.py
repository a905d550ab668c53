from django.db import migrations

from home.migrations._sidebar_sites import give_the_site_that_shows_it


def give_polls_a_site(apps, schema_editor):
    """A poll of no site (one that several sidebars showed, or none, when home 0007 gave snippets
    their site, or one an administrator left so since) becomes the site's whose sidebar alone
    shows it, else the default site's, in every language: a poll is one agency's."""
    Survey = apps.get_model("feedback", "Survey")
    give_the_site_that_shows_it(apps, "poll", Survey, Survey.objects.filter(site=None))


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0004_survey_site"),
        ("home", "0007_snippets_site"),
    ]

    operations = [migrations.RunPython(give_polls_a_site, migrations.RunPython.noop)]
