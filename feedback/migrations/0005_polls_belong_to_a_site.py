from django.db import migrations


def give_polls_the_default_site(apps, schema_editor):
    """A poll of no site (one that several sidebars showed, or none, when home 0007 gave snippets
    their site, or one an administrator left so since) becomes the default site's, in every
    language: a poll is one agency's."""
    Site = apps.get_model("wagtailcore", "Site")
    default = Site.objects.filter(is_default_site=True).first()
    if default is not None:
        apps.get_model("feedback", "Survey").objects.filter(site=None).update(site=default)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0004_survey_site"),
        ("home", "0007_snippets_site"),
    ]

    operations = [migrations.RunPython(give_polls_the_default_site, migrations.RunPython.noop)]
