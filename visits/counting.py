"""What counts as a visit and as a page view, and where the counts go.

- A visit is a visitor's first public page view after 30 minutes without one (on that site).
- A page view counts once per visitor, page and 30 minutes, the page's translations together:
  a reload, or the same article in the other language, within the half hour is not counted
  again. Both windows restart with each page the visitor sees.
- Visitors are recognised by `home.visitors.visitor_hash` under a salt made for the day and
  dropped from the cache when the day ends: yesterday's hashes cannot be linked to today's, and
  a visit in progress at midnight counts again on the new day. Such a hash, the page and the
  moment make a sighting (sightings.py), the only trace of a visitor, deleted after 30 minutes.
- Counted: 200 GET responses of public Wagtail pages (see `is_countable`) for people. Editors
  (users who may use the admin) reading the site are not counted: they check their own pages
  over and over, which would inflate the view counts of fresh articles.
"""

import logging
import secrets
import threading
import time as time_module
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished
from django.dispatch import receiver
from django.utils import timezone

from home.visitors import keyed, visitor_hash

from . import buffer, courier, sightings
from .bots import is_bot

# As request.META names them: request.headers would parse every header of each counted request.
PREFETCH_HEADERS = {
    "HTTP_SEC_PURPOSE": "prefetch",  # also "prefetch;prerender"
    "HTTP_PURPOSE": "prefetch",
    "HTTP_X_PURPOSE": "preview",
    "HTTP_X_MOZ": "prefetch",
}
logger = logging.getLogger(__name__)

# {day: (salt, the salt made ready for visitor_hash, until when to use this copy without asking
# the shared cache)}: the salt as read back from the shared cache
_salts = {}
SALT_MEMORY = 60
# (time zone, the day's first and next day's first timestamps, the day): the day of local_today
_today = (None, 0.0, 0.0, None)


def local_today():
    """Today in the agency's time zone (TIME_ZONE), whatever time zone a request activated. Every
    counted page asks: the day is worked out once, and kept while the clock is within it."""
    global _today
    zone, start, end, day = _today
    now = time_module.time()
    if zone is not timezone.get_default_timezone() or not start <= now < end:
        zone = timezone.get_default_timezone()
        day = datetime.fromtimestamp(now, zone).date()
        start = datetime.combine(day, time(), tzinfo=zone).timestamp()
        end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone).timestamp()
        _today = (zone, start, end, day)
    return day


def is_countable(request, response):
    """Whether a response carrying a served page may count: see the module's docstring."""
    if request.method != "GET" or response.status_code != 200:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if getattr(request, "is_preview", False) or getattr(request, "is_dummy", False):
        return False
    if any(value in request.META.get(header, "").lower() for header, value in PREFETCH_HEADERS.items()):
        return False
    if is_bot(request.META.get("HTTP_USER_AGENT", "")):
        return False
    # Without a session there is no signed-in user: most visitors' sessions are not looked up.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated and user.has_perm("wagtailadmin.access_admin"))


def _daily_salt(today):
    """The day's salt, the same for every process, made ready for visitor_hash: the first process
    to need it stores it in the shared cache. A process keeps a copy once it has read it back from
    there, and asks the cache again a minute later. When the cache cannot give it (unreachable, or
    the salt evicted, or lost with a Redis restarted without its data), a process that has the
    day's salt goes on with its copy, and offers it as the value to store: if such a process is the
    first to notice, it puts the lost salt back, and today's visitors are still recognised. A salt
    made while the cache is unavailable by a process without one (then each view counts as a new
    visitor's) is never kept."""
    salt, ready, until = _salts.get(today, (None, None, 0))
    if until > time_module.monotonic():
        return ready
    midnight = datetime.combine(today + timedelta(days=1), time(), tzinfo=timezone.get_default_timezone())
    # A minute's grace for servers whose clocks differ slightly.
    expires_in = int((midnight - timezone.now()).total_seconds()) + 60
    key = f"visits:salt:{today.isoformat()}"
    stored = cache.get_or_set(key, salt or (lambda: secrets.token_hex(32)), timeout=max(expires_in, 60))
    if stored != salt:
        salt, ready = stored, keyed(stored)
    if cache.get(key) == salt:
        _salts.clear()
        _salts[today] = (salt, ready, time_module.monotonic() + SALT_MEMORY)
    return ready


# The sighting of the page this thread is sending: (request, site id, page key)
_answering = threading.local()


def record_after_the_answer(request, site_id, page_key):
    """Have `record` run once the page is sent (request_finished, in the thread that served it):
    the visitor does not wait for the count. Under `make bench`'s load, counting took ~30 µs of a
    worker's processor time but 50–330 µs of the request's, waiting for Python's lock (which the
    worker's other threads hold) or for a processor: a tenth of a page served from the cache.
    Writing the sighting down is left to the courier (courier.py) for the same reason."""
    _answering.sighting = (request, site_id, page_key)


@receiver(request_finished)
def _record_the_answered_page(**kwargs):
    sighting = getattr(_answering, "sighting", None)
    if sighting is None:
        return
    _answering.sighting = None
    try:
        record(*sighting)
    except Exception:
        # Statistics must never cost a visitor the page, nor the next one.
        logger.exception("Could not count a visit to %s", sighting[0].path)


def record(request, site_id, page_key):
    """Record that `request`'s visitor was served a page; its visit and view count if new."""
    today = local_today()
    seen = sightings.Seen(timezone.now(), site_id, today, visitor_hash(request, _daily_salt(today)), page_key)
    if not buffer.enabled():
        sightings.apply([seen])
    elif settings.VISITS_HAND_OVER_SECONDS:
        courier.hand_over(seen)
    else:
        buffer.add(seen)
        buffer.flush_when_due()
