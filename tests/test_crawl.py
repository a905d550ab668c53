"""Issue 10: a crawler visits every URL of the sitemap, in both languages, and finds no error."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

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
