from collections import defaultdict

from django.db import migrations

# The snippets a site's settings put in its sidebar, by block type: (app label, model name).
SIDEBAR_BOXES = {
    "info_box": ("home", "InfoBox"),
    "poll": ("feedback", "Survey"),
    "visit_stats": ("visits", "VisitStatsBox"),
}


def give_snippets_their_site(apps, schema_editor):
    """A box or poll that only one site's sidebar shows, and a department that only one site's
    articles and polls name (a poll's subject, its votes' department), is that site's, in every
    language (as 0006 did for agency profiles): its agency's staff keep changing it. One that
    several sites use, or none, stays every site's. Site records that share a home page (a host
    name with and without "www.") are one site here."""
    Site = apps.get_model("wagtailcore", "Site")
    Page = apps.get_model("wagtailcore", "Page")
    Department = apps.get_model("home", "Department")
    Survey = apps.get_model("feedback", "Survey")
    sites = defaultdict(list)  # the translation key of a home page: the ids of its site records
    for pk, key in Site.objects.values_list("pk", "root_page__translation_key"):
        sites[key].append(pk)
    # The tree of each site's home page in every language, innermost first (a site may be inside another's).
    trees = sorted(
        Page.objects.filter(translation_key__in=sites).values_list("path", "translation_key"),
        key=lambda tree: -len(tree[0]),
    )
    using = defaultdict(set)  # (model, translation key): the home pages of the sites that use it

    for settings in apps.get_model("home", "PortalSettings").objects.select_related("site__root_page"):
        chosen = defaultdict(set)
        for block in settings.sidebar.raw_data:
            if block["type"] in SIDEBAR_BOXES:
                chosen[apps.get_model(*SIDEBAR_BOXES[block["type"]])].add(block["value"])
        for model, pks in chosen.items():
            for key in model.objects.filter(pk__in=pks).values_list("translation_key", flat=True):
                using[model, key].add(settings.site.root_page.translation_key)

    articles = apps.get_model("news", "NewsArticlePage").objects.exclude(department=None)
    for path, key in articles.values_list("path", "department__translation_key"):
        home = next((home for root, home in trees if path.startswith(root)), None)
        if home is not None:
            using[Department, key].add(home)
    # A poll's site offers its citizens only its own departments and those of every site.
    responses = apps.get_model("feedback", "SurveyResponse").objects.exclude(service=None)
    for survey, department in [
        *Survey.objects.exclude(service=None).values_list("translation_key", "service__translation_key"),
        *responses.values_list("survey__translation_key", "service__translation_key").distinct(),
    ]:
        using[Department, department] |= using[Survey, survey]

    for (model, key), homes in using.items():
        if len(homes) == 1:
            model.objects.filter(translation_key=key, site=None).update(site_id=min(sites[homes.pop()]))


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0006_agency_profile_site"),
        ("feedback", "0004_survey_site"),
        ("visits", "0004_visitstatsbox_site"),
        ("news", "0005_photo_alternative_text"),
    ]

    operations = [migrations.RunPython(give_snippets_their_site, migrations.RunPython.noop)]
