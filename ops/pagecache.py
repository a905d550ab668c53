"""A page cache for anonymous visitors, and the content versions that invalidate it.

What is cached: the 200 answers to GET (and HEAD) requests without a session or messages cookie,
for a path under a language prefix (/vi/…, /en/…) whose query string holds nothing but
`?page=<n>` or `?print` (tracking parameters such as `fbclid` and `utm_*` are ignored), unless
the response sets a cookie, is marked private, no-cache or no-store (Wagtail marks pages behind a
view restriction so; `never_cache` views are), or varies on a header other than Cookie. Every
public page varies on Cookie only because Wagtail's user bar looks at the session; requests that
carry one are never served from, nor stored in, the cache. A view whose output depends on any
other cookie must mark itself private (as the poll page does).

The cache key is the host, the language and the path with that query; entries are fresh for
PAGE_CACHE_SECONDS (0 turns the cache off) in the "pages" cache: Redis when REDIS_URL is set, a
file cache on one machine otherwise.

Invalidation: one article published changes its category's listing, the home page, the related
news of its neighbours, the sitemap… so rather than purging URLs, every entry records the content
versions it was rendered under (and the code's release: a deploy changing the templates or the
code invalidates too), and any content change replaces a version:
- a page published, unpublished, deleted or moved, or its privacy changed: the version of its
  site (all its languages);
- a snippet (sidebar boxes, agency profiles, departments, polls…), an image, a document, a
  locale, a site or a generic setting saved or deleted: the global version;
- a site setting (portal settings: sidebar, agency) saved: its site's version.
A stored entry is fresh only while both versions are still those it was rendered under. The
versions are read before the page is rendered, and replaced both at once and again when the
change's transaction commits, so a request that rendered the old content while the change was in
flight cannot store it under the new versions.

A surge of readers must not all render the same page at once, whether its entry went stale (its
PAGE_CACHE_SECONDS are over, or the content changed) or there is none (an announcement everyone
opens as soon as it is out, a cache that was emptied): the first GET to find it so renders the
page, holding a lock in the cache (GRACE_SECONDS at most). Until it is done, the others are served
the entry they would have been served a moment earlier (`X-Page-Cache: stale`), or, when there
is none, wait for the entry it stores (`waited`; WAIT_SECONDS at most, then they render the page
themselves). When the new answer is not to be stored (the page was unpublished, made private, or
failed), the entry is deleted, so no one is served it again, and whoever waited renders the page.

Pages served from the cache still pass through VisitCounterMiddleware (placed before this one),
so visits and views are counted; what a cached page shows of live figures (the article's view
count, the visit statistics box) is up to PAGE_CACHE_SECONDS old.
"""

import hashlib
import logging
import secrets
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.utils.cache import cc_delim_re
from django.utils.encoding import escape_uri_path
from django.utils.translation import get_language_from_path
from wagtail.models import Site

CACHE_ALIAS = "pages"
logger = logging.getLogger(__name__)


def _page_number(value):
    # Written the one way, so that ?page=01, ?page=001… cannot fill the cache with copies.
    return value.isascii() and value.isdigit() and not value.startswith("0") and len(value) <= 6


def paginated(request):
    """Tell the page cache that the page of `request` follows its ?page=: only such a page is
    stored under a page number (one that ignores it, an article, would be stored again for every
    number asked)."""
    request.pagecache_paginated = True


# Query parameters that make a different page, with the values they may take.
CACHED_QUERY = {"page": _page_number, "print": lambda value: value == ""}
# Added by social networks and campaigns to shared links; the page is the same without them.
IGNORED_QUERY = {"fbclid", "gclid", "zarsrc", "zalo_source"}
IGNORED_QUERY_PREFIXES = ("utm_",)
HEADER = "X-Page-Cache"
# While one request renders a page again, how long the others may be given its previous entry
# (at most: gunicorn stops a request after 30 s), and how long an entry is kept past its freshness
# for that purpose.
GRACE_SECONDS = 30
RENDERING = ":rendering"
# How long a request that finds no entry waits for the one rendering the page, looking every
# WAIT_STEP seconds, before it renders the page too (the other may be stuck, or gone).
WAIT_SECONDS = 5
WAIT_STEP = 0.02
GLOBAL_VERSION = "pagecache:version"


def page_cache():
    """The "pages" cache, or the default one in a deployment that configures no other."""
    return caches[CACHE_ALIAS if CACHE_ALIAS in settings.CACHES else "default"]


def _site_version_key(site_id):
    return f"{GLOBAL_VERSION}:{site_id}"


def _version_keys(site_id):
    return [GLOBAL_VERSION, _site_version_key(site_id)]


def current_versions(site_id):
    """The (global, site) content versions, None for one missing from the cache, and the release
    of the code that renders the pages (settings.RELEASE): a deploy invalidates too."""
    return _versions_in(page_cache().get_many(_version_keys(site_id)), site_id)


def _versions_in(found, site_id):
    return (*(found.get(key) for key in _version_keys(site_id)), settings.RELEASE)


def versions_for_rendering(site_id):
    """The versions to render under, made when missing (first use, or evicted); None when the
    cache cannot keep them (then nothing is stored)."""
    cache = page_cache()
    versions = current_versions(site_id)
    if None in versions:
        for key, version in zip(_version_keys(site_id), versions[:2], strict=True):
            if version is None:
                cache.add(key, secrets.token_hex(8), timeout=None)
        versions = current_versions(site_id)
    return None if None in versions else versions


def _replace_versions(keys):
    def replace():
        cache = page_cache()
        versions = {key: secrets.token_hex(8) for key in keys}
        # Not skipped for a failure of this process's a moment ago (ops.cache.RETRY_AFTER): the
        # pages would be served unchanged, an unpublished decree among them, until they expire.
        if getattr(cache, "set_many_now", cache.set_many)(versions, timeout=None):
            logger.error(
                "The cached pages could not be invalidated: they may be served unchanged for up to %s s.",
                settings.PAGE_CACHE_SECONDS,
            )

    replace()
    transaction.on_commit(replace)


def content_changed(site_ids=None):
    """Invalidate the cached pages of these sites, or of every site when `site_ids` is None."""
    _replace_versions([GLOBAL_VERSION] if site_ids is None else [_site_version_key(pk) for pk in site_ids])


def _ignored(name):
    return name in IGNORED_QUERY or name.startswith(IGNORED_QUERY_PREFIXES)


def shared_query(request):
    """The request's query without the parameters the cache ignores: what a page may show of its
    own query (in its links to other pages of a listing, say), since the page stored for it is
    served to everyone who follows a link to it, with other tracking parameters or none."""
    query = QueryDict(request.META.get("QUERY_STRING", ""), mutable=True)
    for name in [name for name in query if _ignored(name)]:
        del query[name]
    return query


def shared_address(request):
    """The request's path and query without the parameters the cache ignores (shared_query)."""
    query = shared_query(request)
    path = escape_uri_path(request.path)
    return f"{path}?{query.urlencode()}" if query else path


def _cache_key(request):
    """The entry for this request, or None when the request must not use the cache."""
    if request.method not in ("GET", "HEAD"):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
        return None
    language = get_language_from_path(request.path_info)
    if language is None:
        return None
    kept = []
    for name, values in QueryDict(request.META.get("QUERY_STRING", "")).lists():
        if _ignored(name):
            continue
        if name not in CACHED_QUERY or len(values) != 1 or not CACHED_QUERY[name](values[0]):
            return None
        kept.append(f"{name}={values[0]}")
    # The scheme too: pages name their own address (the language versions' links).
    target = "\n".join([request.scheme, request.get_host(), language, request.path, *sorted(kept)])
    return "pagecache:page:" + hashlib.sha256(target.encode()).hexdigest()


def _directives(value):
    return {part.split("=")[0].strip().lower() for part in cc_delim_re.split(value) if part.strip()}


def _storable(request, response):
    if request.method != "GET" or response.status_code != 200 or response.streaming or response.cookies:
        return False
    if _directives(response.get("Cache-Control", "")) & {"private", "no-cache", "no-store"}:
        return False
    if "page" in request.GET and not getattr(request, "pagecache_paginated", False):
        return False
    # Cookie: see the module's docstring; Accept-Language: the language is in the path.
    return not _directives(response.get("Vary", "")) - {"cookie", "accept-language"}


class PageCacheMiddleware:
    """Place right after VisitCounterMiddleware, before SessionMiddleware: a page served from the
    cache then touches neither the session nor the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        key = _cache_key(request) if seconds else None
        if key is None:
            return self.get_response(request)
        cache = page_cache()
        entry, versions = _entry_and_versions(cache, key, request.get_host())
        if entry is not None and _fresh(entry, versions):
            return _served(entry, "hit")
        # Only a GET renders for the others: a HEAD's answer is never stored.
        leading = request.method == "GET" and cache.add(key + RENDERING, True, timeout=GRACE_SECONDS)
        if request.method == "GET" and not leading:
            if entry is not None:
                return _served(entry, "stale")
            awaited = _awaited(cache, key)
            if awaited is not None:
                return _served(awaited, "waited")
        try:
            response, stored = self._render_and_store(request, cache, key, seconds)
            if leading and not stored and entry is not None:
                # Unpublished, made private, failing…: the old entry is not served again.
                cache.delete(key)
        finally:
            if leading:
                cache.delete(key + RENDERING)
        return response

    def _render_and_store(self, request, cache, key, seconds):
        site = Site.find_for_request(request)
        site_id = site.pk if site else 0
        versions = versions_for_rendering(site_id)
        response = self.get_response(request)
        if versions is not None and _storable(request, response):
            entry = {
                "site": site_id,
                "versions": versions,
                "fresh_until": time.time() + seconds,
                "headers": list(response.items()),
                "content": response.content,
            }
            cache.set(key, entry, timeout=seconds + GRACE_SECONDS)
            response[HEADER] = "miss"
            return response, True
        return response, False


# {host: the site of the last entry served for it}, for at most MAX_HOSTS hosts.
_site_of_host = {}
MAX_HOSTS = 1000


def _entry_and_versions(cache, key, host):
    """The entry stored under `key` and the current versions of its site, in one cache read
    (one Redis round trip) when the host's site is the one its last entry was rendered for."""
    site_id = _site_of_host.get(host)
    found = cache.get_many([key] if site_id is None else [key, *_version_keys(site_id)])
    entry = found.get(key)
    if entry is None:
        return None, None
    if entry["site"] == site_id:
        return entry, _versions_in(found, site_id)
    if len(_site_of_host) >= MAX_HOSTS:
        _site_of_host.clear()
    _site_of_host[host] = entry["site"]
    return entry, current_versions(entry["site"])


def _awaited(cache, key):
    """The entry that the request rendering the page stores, once it has; None when that request
    stored none, or is not done within WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        found = cache.get_many([key, key + RENDERING])
        if key in found or key + RENDERING not in found or time.monotonic() > deadline:
            return found.get(key)
        time.sleep(WAIT_STEP)


def _fresh(entry, versions):
    return entry.get("fresh_until", 0) > time.time() and versions == entry["versions"]


def _served(entry, how):
    response = HttpResponse(entry["content"])
    for name, value in entry["headers"]:
        response[name] = value
    response[HEADER] = how
    return response
