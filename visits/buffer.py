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

While Redis does not answer, a count goes to the database instead (FallbackCount). Redis may have
applied it all the same: the answer was lost when Redis stopped, or Redis hung and ran the
command when it resumed. So every count carries a random token, which Redis keeps with the batch
for TOKEN_SECONDS after the batch is claimed; each flush looks for the fallback counts' tokens
there and takes back the database's copy of those Redis has too.
"""

import functools
import logging
import uuid
from datetime import date, timedelta

import redis
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from redis.backoff import NoBackoff
from redis.retry import Retry
from wagtail.models import Site

from ops import cache

from .models import AppliedBatch, DailyCount, FallbackCount

logger = logging.getLogger(__name__)

_NO_RETRY = Retry(NoBackoff(), 0)

FLUSH_INTERVAL = 60
LOCK_TIMEOUT = 300
# Batches applied are remembered this long, far longer than any retry takes.
LEDGER_DAYS = 7
# A batch's tokens are kept this long after it is claimed, for the fallback counts made while it
# was pending to find; a fallback count whose token no flush found for a minute was never applied.
TOKEN_SECONDS = 15 * 60
FALLBACKS_AT_ONCE = 1000

_ADD = """
redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
"""

_CLAIM = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('SADD', KEYS[3], KEYS[2])
if redis.call('EXISTS', KEYS[4]) == 1 then
  redis.call('RENAME', KEYS[4], KEYS[5])
  redis.call('EXPIRE', KEYS[5], ARGV[1])
  redis.call('ZADD', KEYS[6], redis.call('TIME')[1], KEYS[5])
end
return 1
"""


def enabled():
    return settings.VISITS_BUFFER == "redis"


@functools.cache
def _client(url, **options):
    return redis.Redis.from_url(url, **options)


def client():
    # The cache's timeouts: a hung Redis must not hold the request for long. No retries: a count
    # whose answer was lost goes to the database, which the next flush reconciles (see above).
    options = settings.CACHES["default"].get("OPTIONS", {})
    timeouts = {name: options[name] for name in ("socket_connect_timeout", "socket_timeout") if name in options}
    return _client(settings.REDIS_URL, retry=_NO_RETRY, **timeouts)


def _key(name):
    # One hash tag for every key, so that the claim script also runs on Redis Cluster; the
    # cache's key prefix keeps installations that share a Redis apart.
    return f"{{{settings.CACHES['default'].get('KEY_PREFIX', '')}:visits}}:{name}"


def add(site_id, day, kind, key="", by=1):
    """Add to a counter in Redis, or in the database while Redis does not answer."""
    if cache.unavailable(settings.REDIS_URL):
        DailyCount.objects.increment(site_id, day, kind, key, by)
        return
    token = uuid.uuid4().hex
    try:
        client().eval(
            _ADD, 2, _key("pending"), _key("pending-tokens"), f"{site_id}|{day.isoformat()}|{kind}|{key}", by, token
        )
    except redis.RedisError as error:
        cache.failed(settings.REDIS_URL)
        logger.warning("Redis did not answer (%s): counting in the database directly.", error)
        with transaction.atomic():
            DailyCount.objects.increment(site_id, day, kind, key, by)
            counter = DailyCount.objects.get(site_id=site_id, day=day, kind=kind, key=key)
            FallbackCount.objects.create(token=token, counter=counter, by=by)


def flush_if_due():
    """Flush from a request when no flush has started for a minute. Without Redis the request
    has nothing to flush, and a flush that Redis left halfway is finished by the next one."""
    if cache.unavailable(settings.REDIS_URL):
        return
    try:
        if client().set(_key("recent-flush"), 1, nx=True, ex=FLUSH_INTERVAL):
            flush()
    except redis.RedisError as error:
        cache.failed(settings.REDIS_URL)
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
        name = uuid.uuid4().hex
        keys = [_key("pending"), _key(f"batch:{name}"), _key("batches")]
        keys += [_key("pending-tokens"), _key(f"tokens:{name}"), _key("token-sets")]
        r.eval(_CLAIM, len(keys), *keys, TOKEN_SECONDS)
        batches = sorted(name.decode() for name in r.smembers(_key("batches")))
        for batch in batches:
            _apply(r, batch)
        _reconcile_fallbacks(r)
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


def _reconcile_fallbacks(r):
    """Take back the fallback counts that Redis applied too; forget those it has not applied
    within a minute (a command that reached Redis runs as soon as Redis can run anything)."""
    r.zremrangebyscore(_key("token-sets"), "-inf", r.time()[0] - TOKEN_SECONDS)
    token_sets = [_key("pending-tokens"), *(name.decode() for name in r.zrange(_key("token-sets"), 0, -1))]
    settled_before = timezone.now() - timedelta(seconds=FLUSH_INTERVAL)
    last = 0
    while fallbacks := list(FallbackCount.objects.filter(pk__gt=last).order_by("pk")[:FALLBACKS_AT_ONCE]):
        last = fallbacks[-1].pk
        tokens = [fallback.token for fallback in fallbacks]
        in_redis = set()
        for token_set in token_sets:
            in_redis.update(
                token for token, found in zip(tokens, r.smismember(token_set, tokens), strict=True) if found
            )
        with transaction.atomic():
            for fallback in fallbacks:
                if fallback.token in in_redis:
                    DailyCount.objects.filter(pk=fallback.counter_id).update(count=F("count") - fallback.by)
            FallbackCount.objects.filter(
                pk__in=[f.pk for f in fallbacks if f.token in in_redis or f.recorded_at < settled_before]
            ).delete()
