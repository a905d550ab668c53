"""What counts as a visit and as a page view, and where the counts go.

- A visit is a visitor's first public page view after 30 minutes without one (on that site).
- A page view counts once per visitor, page and 30 minutes, the page's translations together:
  a reload, or the same article in the other language, within the half hour is not counted
  again. Both windows restart with each page the visitor sees.
- Visitors are recognised by `home.visitors.visitor_hash` under a salt made for the day and
  dropped from the cache when the day ends: yesterday's hashes cannot be linked to today's, and
  a visit in progress at midnight counts again on the new day. The "seen" markers are cache
  keys made of such hashes, expiring after 30 minutes; nothing else about a visitor is kept.
- Counted: 200 GET responses of public Wagtail pages (see `is_countable`) for people. Editors
  (users who may use the admin) reading the site are not counted: they check their own pages
  over and over, which would inflate the view counts of fresh articles.
"""

import secrets
from contextlib import nullcontext
from datetime import datetime, time, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from home.visitors import visitor_hash

from . import buffer
from .bots import is_bot
from .models import DailyCount

WINDOW = 30 * 60
PREFETCH_HEADERS = {
    "Sec-Purpose": "prefetch",  # also "prefetch;prerender"
    "Purpose": "prefetch",
    "X-Purpose": "preview",
    "X-Moz": "prefetch",
}


def local_today():
    """Today in the agency's time zone (TIME_ZONE), whatever time zone a request activated."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


def is_countable(request, response):
    """Whether a response carrying a served page may count: see the module's docstring."""
    if request.method != "GET" or response.status_code != 200:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if getattr(request, "is_preview", False) or getattr(request, "is_dummy", False):
        return False
    if any(value in request.headers.get(header, "").lower() for header, value in PREFETCH_HEADERS.items()):
        return False
    if is_bot(request.headers.get("User-Agent", "")):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated and user.has_perm("wagtailadmin.access_admin"))


def _daily_salt(today):
    midnight = datetime.combine(today + timedelta(days=1), time(), tzinfo=timezone.get_default_timezone())
    # A minute's grace for servers whose clocks differ slightly.
    expires_in = int((midnight - timezone.now()).total_seconds()) + 60
    key = f"visits:salt:{today.isoformat()}"
    return cache.get_or_set(key, lambda: secrets.token_hex(32), timeout=max(expires_in, 60))


def _first_in_window(key):
    """True when `key` was not seen in the last 30 minutes; each sighting restarts the window.

    While the cache is unavailable (ops.cache.ResilientRedisCache: `add` and `touch` both
    answer False) nothing can be remembered, so every view counts as new rather than none.
    """
    return cache.add(key, 1, WINDOW) or not cache.touch(key, WINDOW)


def record(request, site_id, page_key):
    """Count the visit and the view, if they are new, of a page served to `request`."""
    today = local_today()
    visitor = visitor_hash(request, _daily_salt(today))
    counts = []
    if _first_in_window(f"visits:seen:{site_id}:{visitor}"):
        counts.append((DailyCount.Kind.VISIT, ""))
    if _first_in_window(f"visits:viewed:{site_id}:{page_key}:{visitor}"):
        counts.append((DailyCount.Kind.VIEW, page_key))
    if counts:
        # Straight to the database, both counters in one write transaction: on SQLite every write
        # transaction waits for the database-wide lock.
        with nullcontext() if buffer.enabled() else transaction.atomic():
            for kind, key in counts:
                add(site_id, today, kind, key)
    if buffer.enabled():
        buffer.flush_if_due()


def add(site_id, day, kind, key="", by=1):
    """Add to a counter, through the buffer when it is on."""
    if buffer.enabled():
        buffer.add(site_id, day, kind, key, by)
    else:
        DailyCount.objects.increment(site_id, day, kind, key, by)
