"""Parts of the public pages that many pages share (the header, the main menu, the sidebar, the
footer), cached so that a page the page cache misses does not render them again.

A fragment's key holds its name, the host, the language and the versions of ops/pagecache.py
(the global one, the site's and the code's release), so whatever invalidates the page cache (a
page published, a snippet, an image or a site setting saved, a deploy…) invalidates the
fragments at once. The versions are read once a request, before any fragment is rendered, the
way the page cache reads them. Fragments live at most FRAGMENT_CACHE_SECONDS (0 turns them off),
which bounds what they show of the clock (a poll that opens or closes; the sidebar also expires
at its polls' next opening or closing).

Nothing about the visitor goes into a fragment, and no fragment is read or stored for a preview
or a signed-in user: what a fragment shows about the page it is on (the main menu's current
item, the poll's "next" address) is filled in after it comes from the cache.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language
from wagtail.models import Site

from ops.pagecache import versions_for_rendering

_VERSIONS = "_fragment_versions"


def _versions(request):
    """(site id, versions) of this request, read once; versions is None when the cache cannot
    keep them."""
    if not hasattr(request, _VERSIONS):
        site = Site.find_for_request(request)
        site_id = site.pk if site else 0
        setattr(request, _VERSIONS, (site_id, versions_for_rendering(site_id)))
    return getattr(request, _VERSIONS)


def fragment_key(request, name, *parts):
    """The cache key of fragment `name` (varying on `parts` too) for this request, or None when
    the request must not use fragments."""
    if request is None or not settings.FRAGMENT_CACHE_SECONDS or getattr(request, "is_preview", False):
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return None
    site_id, versions = _versions(request)
    if versions is None:
        return None
    target = "\n".join(map(str, [name, request.scheme, request.get_host(), get_language(), site_id, *versions, *parts]))
    return "fragment:" + hashlib.sha256(target.encode()).hexdigest()


def cached_fragment(request, name, make, *parts):
    """What `make()` returns for this request's fragment `name` (varying on `parts` too), from
    the cache when it is there. `make` may return `Expiring(value, seconds)` to keep the value
    for less than FRAGMENT_CACHE_SECONDS."""
    key = fragment_key(request, name, *parts)
    found = cache.get(key) if key else None
    if found is not None:
        return found[0]
    value, seconds = _value_and_seconds(make())
    if key:
        seconds = min(settings.FRAGMENT_CACHE_SECONDS, seconds if seconds is not None else float("inf"))
        if seconds > 0:
            cache.set(key, (value,), int(seconds))
    return value


class Expiring:
    """A fragment's value that must not be kept past `seconds`."""

    def __init__(self, value, seconds):
        self.value, self.seconds = value, seconds


def _value_and_seconds(made):
    if isinstance(made, Expiring):
        return made.value, made.seconds
    return made, None
