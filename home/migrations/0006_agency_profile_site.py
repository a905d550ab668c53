from collections import defaultdict

from django.db import migrations


def give_profiles_their_site(apps, schema_editor):
    """An agency profile (in any language) that one site's settings name is that site's, in every
    language; one that several sites name stays every site's."""
    PortalSettings = apps.get_model("home", "PortalSettings")
    AgencyProfile = apps.get_model("home", "AgencyProfile")
    naming = defaultdict(set)
    for key, site in PortalSettings.objects.exclude(agency=None).values_list("agency__translation_key", "site_id"):
        naming[key].add(site)
    for key, sites in naming.items():
        if len(sites) == 1:
            AgencyProfile.objects.filter(translation_key=key, site=None).update(site_id=sites.pop())


class Migration(migrations.Migration):
    dependencies = [("home", "0005_snippet_site")]

    operations = [migrations.RunPython(give_profiles_their_site, migrations.RunPython.noop)]
