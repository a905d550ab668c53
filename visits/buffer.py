"""The optional Redis buffer in front of the daily counters (VISITS_BUFFER = "redis").

Busy portals would otherwise write a database row on every visit. With the buffer, each count is
an HINCRBY on a "pending" hash, and a flush moves the sums into the database at least once a
minute: from `manage.py flush_visits` (cron or a systemd timer) and from the first request after
a minute without one.

A flush never loses or repeats a count:
1. Under a Redis lock (one flusher at a time), a Lua script renames "pending" to a new batch key
   and lists it in the set of batches, atomically: counts arriving from now on start a fresh
   "pending" hash for the next flush.
2. Each listed batch is added to the counters in one database transaction, which also records
   the batch's name (AppliedBatch). If the transaction fails, nothing was written and the batch
   stays listed; the next flush retries it.
3. The batch key is deleted and unlisted. If that fails after the commit, the next flush finds
   the batch recorded as applied and only deletes it.
"""

import functools
import logging
import uuid
from datetime import date, timedelta

import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from .models import AppliedBatch, DailyCount

logger = logging.getLogger(__name__)

FLUSH_INTERVAL = 60
LOCK_TIMEOUT = 300
# Batches applied are remembered this long, far longer than any retry takes.
LEDGER_DAYS = 7

_CLAIM = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('SADD', KEYS[3], KEYS[2])
return 1
"""


def enabled():
    return settings.VISITS_BUFFER == "redis"


@functools.cache
def _client(url):
    return redis.Redis.from_url(url)


def client():
    return _client(settings.REDIS_URL)


def _key(name):
    # One hash tag for every key, so that the claim script also runs on Redis Cluster; the
    # cache's key prefix keeps installations that share a Redis apart.
    return f"{{{settings.CACHES['default'].get('KEY_PREFIX', '')}:visits}}:{name}"


def add(site_id, day, kind, key="", by=1):
    client().hincrby(_key("pending"), f"{site_id}|{day.isoformat()}|{kind}|{key}", by)


def flush_if_due():
    """Flush from a request when no flush has started for a minute. Without Redis the request
    has nothing to flush, and a flush that Redis left halfway is finished by the next one."""
    try:
        if client().set(_key("recent-flush"), 1, nx=True, ex=FLUSH_INTERVAL):
            flush()
    except redis.RedisError as error:
        logger.warning("Redis is unreachable: buffered counts wait for the next flush (%s).", error)


def flush():
    """Move the buffered counts into the database. Returns the number of batches applied, or
    None when another process is flushing."""
    r = client()
    lock = r.lock(_key("flush-lock"), timeout=LOCK_TIMEOUT)
    if not lock.acquire(blocking=False):
        return None
    try:
        r.set(_key("recent-flush"), 1, ex=FLUSH_INTERVAL)
        r.eval(_CLAIM, 3, _key("pending"), _key(f"batch:{uuid.uuid4().hex}"), _key("batches"))
        batches = sorted(name.decode() for name in r.smembers(_key("batches")))
        for batch in batches:
            _apply(r, batch)
        return len(batches)
    finally:
        lock.release()


def _apply(r, batch):
    if not AppliedBatch.objects.filter(name=batch).exists():
        counts = [(field.decode().split("|"), int(by)) for field, by in r.hgetall(batch).items()]
        # Counts of a site deleted since they were buffered have nowhere to go.
        sites = set(Site.objects.filter(pk__in={int(field[0]) for field, _by in counts}).values_list("pk", flat=True))
        with transaction.atomic():
            AppliedBatch.objects.create(name=batch)
            for (site_id, day, kind, key), by in counts:
                if int(site_id) in sites:
                    DailyCount.objects.increment(int(site_id), date.fromisoformat(day), kind, key, by)
            AppliedBatch.objects.filter(applied_at__lt=timezone.now() - timedelta(days=LEDGER_DAYS)).delete()
    with r.pipeline() as pipe:
        pipe.delete(batch).srem(_key("batches"), batch).execute()
