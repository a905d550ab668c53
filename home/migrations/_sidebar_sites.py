"""Shared by migrations feedback 0005 and visits 0005 (a module of no migration: its name starts
with "_")."""

from collections import defaultdict


def give_the_site_that_shows_it(apps, block_type, model, snippets):
    """Each of `snippets` (of `model`, of no site) that one site's sidebar alone shows (as a
    `block_type` box) becomes that site's, in every language; any other the default site's. Site
    records that share a home page (a host name with and without "www.") are one site here."""
    Site = apps.get_model("wagtailcore", "Site")
    site_of_home = {}
    for pk, home in Site.objects.order_by("pk").values_list("pk", "root_page_id"):
        site_of_home.setdefault(home, pk)
    showing = defaultdict(set)  # a snippet's translation key: the sites whose sidebars show it
    for settings in apps.get_model("home", "PortalSettings").objects.select_related("site"):
        pks = [block["value"] for block in settings.sidebar.raw_data if block["type"] == block_type]
        for key in model.objects.filter(pk__in=pks).values_list("translation_key", flat=True):
            showing[key].add(site_of_home[settings.site.root_page_id])
    default = Site.objects.filter(is_default_site=True).values_list("pk", flat=True).first()
    for key in set(snippets.values_list("translation_key", flat=True)):
        sites = showing[key]
        site = next(iter(sites)) if len(sites) == 1 else default
        if site is not None:
            model.objects.filter(translation_key=key, site=None).update(site_id=site)
