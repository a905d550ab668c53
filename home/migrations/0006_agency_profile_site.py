from collections import Counter

from django.db import migrations


def give_profiles_their_site(apps, schema_editor):
    """An agency profile that one site's settings name is that site's, in every language."""
    PortalSettings = apps.get_model("home", "PortalSettings")
    AgencyProfile = apps.get_model("home", "AgencyProfile")
    named = list(PortalSettings.objects.exclude(agency=None).values_list("agency_id", "site_id"))
    sites_naming = Counter(agency for agency, _site in named)
    for agency, site in named:
        if sites_naming[agency] == 1:
            key = AgencyProfile.objects.get(pk=agency).translation_key
            AgencyProfile.objects.filter(translation_key=key, site=None).update(site_id=site)


class Migration(migrations.Migration):
    dependencies = [("home", "0005_snippet_site")]

    operations = [migrations.RunPython(give_profiles_their_site, migrations.RunPython.noop)]
