"""Issue 10: a crawler visits every URL of the sitemap, in both languages, and the admin as each
role, and finds no error."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale
from wagtail.snippets.models import get_snippet_models
from wagtail_localize.models import Translation

from editorial.roles import ADMINISTRATORS, APPROVERS, EDITORS, TRANSLATORS
from feedback.models import Survey
from home.models import AgencyProfile, Department, InfoBox
from news.models import NewsArticlePage, NewsIndexPage, NewsTag
from tests.admin_support import admin_views_without_arguments
from visits.models import VisitStatsBox

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def sitemap_paths(client, demo):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = [loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP_NS}loc")]
    return [urlsplit(location).path for location in locations]


def test_every_public_page_of_the_sitemap_answers_without_error(client, sitemap_paths):
    assert any(path.startswith("/vi/") for path in sitemap_paths)
    assert any(path.startswith("/en/") for path in sitemap_paths)
    failures = {}
    for path in sitemap_paths:
        for variant in (path, path + "?print", path + "?page=2", path + "?page=x"):
            status = client.get(variant).status_code
            if status >= 500 or (variant == path and status != 200):
                failures[variant] = status
    assert failures == {}


def test_links_found_on_the_home_pages_answer_without_error(client, demo):
    """What the sitemap leaves out: feeds, poll pages, menus, the language switcher."""
    import re

    seen, failures = set(), {}
    for home in ("/vi/", "/en/"):
        for href in re.findall(r'href="(/[^"#]*)"', client.get(home).text):
            if href in seen or href.startswith(("/static/", "/media/")):
                continue
            seen.add(href)
            status = client.get(href).status_code
            if status >= 400:
                failures[href] = status
    assert len(seen) > 10
    assert failures == {}


# --- The admin, as each role ---------------------------------------------------------------------

# What a page's editors open in the admin, by URL name (each takes the page's id).
PAGE_VIEWS = [
    "wagtailadmin_explore",
    "wagtailadmin_pages:edit",
    "wagtailadmin_pages:view_draft",
    "wagtailadmin_pages:preview_on_edit",
    "wagtailadmin_pages:history",
    "wagtailadmin_pages:workflow_history",
    "wagtailadmin_pages:usage",
    "wagtailadmin_pages:add_subpage",
    "wagtailadmin_pages:copy",
    "wagtailadmin_pages:move",
    "wagtailadmin_pages:delete",
    "wagtailadmin_pages:unpublish",
    "wagtail_localize:submit_page_translation",
]


def admin_object_urls(site, users):
    """The admin's views of the demo content: its pages, snippets, settings, media, users and
    translations, in both languages."""
    vi, en = Locale.objects.get(language_code="vi"), Locale.objects.get(language_code="en")
    article = NewsArticlePage.objects.filter(locale=en).first().get_translation(vi)
    category = article.get_parent().specific
    assert isinstance(category, NewsIndexPage)
    pages = [site.root_page, category, article]
    pages += [page.get_translation(en) for page in pages]
    urls = [reverse(name, args=[page.pk]) for page in pages for name in PAGE_VIEWS]

    snippet_models = get_snippet_models()
    assert set(snippet_models) == {AgencyProfile, InfoBox, Department, NewsTag, Survey, VisitStatsBox}
    for model in snippet_models:
        # Every view of the snippet's that takes its id: edit, history, usage, a poll's report...
        viewset = model.snippet_viewset
        actions = [pattern.name for pattern in viewset.get_urlpatterns() if pattern.pattern.regex.groups == 1]
        snippet = model.objects.filter(locale=vi).first()
        for instance in (snippet, snippet.get_translation(en)):
            urls += [reverse(viewset.get_url_name(action), args=[instance.pk]) for action in actions]
        meta = model._meta
        submit = "wagtail_localize:submit_snippet_translation"
        urls.append(reverse(submit, args=[meta.app_label, meta.model_name, snippet.pk]))
        if "report" in actions:
            report = reverse(viewset.get_url_name("report"), args=[snippet.pk])
            urls += [f"{report}?export=csv", f"{report}?export=xlsx"]

    for translation in Translation.objects.filter(target_locale=en)[:2]:
        urls += [
            reverse("wagtail_localize:update_translations", args=[translation.source.pk]),
            reverse("wagtail_localize:download_pofile", args=[translation.pk]),
            reverse("wagtail_localize:preview_translation", args=[translation.pk]),
        ]

    image = get_image_model().objects.first()
    image_views = ("edit", "delete", "image_usage", "url_generator")
    urls += [reverse(f"wagtailimages:{name}", args=[image.pk]) for name in image_views]
    document = get_document_model().objects.first()
    urls += [reverse(f"wagtaildocs:{name}", args=[document.pk]) for name in ("edit", "delete", "document_usage")]

    urls.append(reverse("wagtailsettings:edit", args=["home", "portalsettings", site.pk]))
    for user in users:
        urls += [reverse(f"wagtailusers_users:{name}", args=[user.pk]) for name in ("edit", "delete", "history")]
    urls += [reverse("wagtailusers_groups:edit", args=[group.pk]) for group in Group.objects.all()]
    return urls


@pytest.mark.slow
def test_every_admin_url_answers_each_role_without_error(client, demo, role_user):
    groups = (EDITORS, APPROVERS, TRANSLATORS, ADMINISTRATORS)
    roles = {group: role_user(group, f"user{number}") for number, group in enumerate(groups)}
    roles["superuser"] = get_user_model().objects.create_superuser("root", "root@example.com", "password")
    users = list(roles.values())
    # Wagtail's /admin/failwhale/ fails on purpose, to try out error reporting.
    urls = [reverse(name) for name in admin_views_without_arguments() if name != "wagtailadmin_error_test"]
    assert len(urls) > 100
    object_urls = admin_object_urls(demo, users)
    urls += object_urls
    login = reverse("wagtailadmin_login")

    client.raise_request_exception = False
    failures, statuses = [], {}
    for role, user in roles.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            statuses[role, url] = response.status_code
            # A view that signed the user out would turn every later one into a redirect.
            if response.status_code >= 500 or response.get("Location", "").startswith(login):
                failures.append(f"{role}: {url} {response.status_code}")
    assert not failures, "\n".join(failures)
    # The crawl reached the content: a superuser opens every edit form it asked for.
    edit_urls = [url for url in object_urls if "/edit/" in url]
    assert len(edit_urls) > 20
    assert [url for url in edit_urls if statuses["superuser", url] != 200] == []
