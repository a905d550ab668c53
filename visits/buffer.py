"""The buffers in front of the daily counters.

Without a buffer (VISITS_BUFFER = "database") every counted page view writes the database, and
SQLite lets one writer in at a time. With one, a count is a cheap write elsewhere, and a flush
adds the sums to the database at least once a minute: from `manage.py flush_visits` (cron or a
systemd timer) and from the first counted request after a minute without a flush.

- "redis" (the default with REDIS_URL, required with several servers): an HINCRBY on a
  "pending" hash in Redis. A flush renames the hash to a new batch and lists it, atomically
  (a Lua script); counts arriving from then on start a fresh "pending" hash.
- "spool" (the default on one machine without Redis): one line appended to a file of the
  process's own under VISITS_SPOOL_DIR, a new file every BUCKET seconds. A file is a batch once
  no process can still be writing it: GRACE seconds after its time is over (a line is written
  microseconds after its file is chosen, under a lock held for nothing else).

Either way a flush never loses or repeats a count: one flusher at a time (a Redis lock, or a
lock on a file); each batch is added to the counters in one database transaction that also
records the batch's name (AppliedBatch), then deleted. If the transaction fails, the batch stays
and the next flush retries it; if deleting fails after the commit, the next flush finds the batch
recorded as applied and only deletes it.

While Redis does not answer, a count goes to the database instead (FallbackCount). Redis may have
applied it all the same: the answer was lost when Redis stopped, or Redis hung and ran the
command when it resumed. So every count carries a random token, which Redis keeps with the batch
for TOKEN_SECONDS after the batch is claimed; each flush looks for the fallback counts' tokens
there and takes back the database's copy of those Redis has too. A spool file that cannot be
written sends its count to the database too (nothing can have applied it twice).
"""

import fcntl
import functools
import logging
import os
import socket
import threading
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

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
# Spool files: a new one every BUCKET seconds, taken GRACE seconds after its time is over.
BUCKET = 10
GRACE = 60

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
    return settings.VISITS_BUFFER in ("redis", "spool")


def add(site_id, day, kind, key="", by=1):
    field = f"{site_id}|{day.isoformat()}|{kind}|{key}"
    if settings.VISITS_BUFFER == "redis":
        _redis_add(field, site_id, day, kind, key, by)
        return
    try:
        _spool_write(f"{field}\t{by}\n")
    except OSError as error:
        logger.warning("The spool cannot be written (%s): counting in the database directly.", error)
        DailyCount.objects.increment(site_id, day, kind, key, by)


def flush_if_due():
    """Flush from a request when no flush has started for a minute."""
    if settings.VISITS_BUFFER == "redis":
        _redis_flush_if_due()
        return
    try:
        due = time.time() - (spool_dir() / "flushed").stat().st_mtime >= FLUSH_INTERVAL
    except FileNotFoundError:
        due = True
    if due:
        flush()


def flush(everything=False):
    """Move the buffered counts into the database, from Redis when REDIS_URL is set and from
    this server's spool, whichever buffer is on now (counts buffered before a change of
    VISITS_BUFFER still arrive). Returns the number of batches applied, or None when another
    process is flushing. `everything` takes the spool files still being written too: only for
    when no server is running."""
    results = []
    if settings.REDIS_URL:
        results.append(_flush_redis())
    if settings.VISITS_BUFFER == "spool" or any(spool_dir().glob("*.spool")):
        results.append(_flush_spool(everything))
    if results and all(result is None for result in results):
        return None
    return sum(result or 0 for result in results)


def _apply(batch, counts):
    """Add a batch's counts, {"site|day|kind|key": by}, to the counters, once."""
    if AppliedBatch.objects.filter(name=batch).exists():
        return
    fields = [(field.split("|"), by) for field, by in counts.items()]
    # Counts of a site deleted since they were buffered have nowhere to go.
    sites = set(Site.objects.filter(pk__in={int(field[0]) for field, _by in fields}).values_list("pk", flat=True))
    with transaction.atomic():
        AppliedBatch.objects.create(name=batch)
        for (site_id, day, kind, key), by in fields:
            if int(site_id) in sites:
                DailyCount.objects.increment(int(site_id), date.fromisoformat(day), kind, key, by)
        AppliedBatch.objects.filter(applied_at__lt=timezone.now() - timedelta(days=LEDGER_DAYS)).delete()


# --- Redis -----------------------------------------------------------------------------------


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


def _redis_add(field, site_id, day, kind, key, by):
    """Add to a counter in Redis, or in the database while Redis does not answer."""
    if cache.unavailable(settings.REDIS_URL):
        DailyCount.objects.increment(site_id, day, kind, key, by)
        return
    token = uuid.uuid4().hex
    try:
        client().eval(_ADD, 2, _key("pending"), _key("pending-tokens"), field, by, token)
    except redis.RedisError as error:
        cache.failed(settings.REDIS_URL)
        logger.warning("Redis did not answer (%s): counting in the database directly.", error)
        with transaction.atomic():
            DailyCount.objects.increment(site_id, day, kind, key, by)
            counter = DailyCount.objects.get(site_id=site_id, day=day, kind=kind, key=key)
            FallbackCount.objects.create(token=token, counter=counter, by=by)


def _redis_flush_if_due():
    """Without Redis the request has nothing to flush, and a flush that Redis left halfway is
    finished by the next one."""
    if cache.unavailable(settings.REDIS_URL):
        return
    try:
        if client().set(_key("recent-flush"), 1, nx=True, ex=FLUSH_INTERVAL):
            flush()
    except redis.RedisError as error:
        cache.failed(settings.REDIS_URL)
        logger.warning("Redis is unreachable: buffered counts wait for the next flush (%s).", error)


def _flush_redis():
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
            _apply(batch, {field.decode(): int(by) for field, by in r.hgetall(batch).items()})
            with r.pipeline() as pipe:
                pipe.delete(batch).srem(_key("batches"), batch).execute()
        _reconcile_fallbacks(r)
        return len(batches)
    finally:
        lock.release()


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
        counted_twice = Counter()
        for fallback in fallbacks:
            if fallback.token in in_redis:
                counted_twice[fallback.counter_id] += fallback.by
        with transaction.atomic():
            for counter_id, by in counted_twice.items():
                DailyCount.objects.filter(pk=counter_id).update(count=F("count") - by)
            FallbackCount.objects.filter(
                pk__in=[f.pk for f in fallbacks if f.token in in_redis or f.recorded_at < settled_before]
            ).delete()


# --- Spool files -----------------------------------------------------------------------------

_spool_lock = threading.Lock()
_spool = {}  # the file this process appends to: its folder, bucket and process, and descriptor


def spool_dir():
    return Path(settings.VISITS_SPOOL_DIR)


def _spool_write(line):
    with _spool_lock:
        current = (spool_dir(), int(time.time()) // BUCKET, os.getpid())
        # A new file each BUCKET seconds; a new one too if `flush_visits --all` took this one.
        if _spool.get("current") != current or os.fstat(_spool["fd"]).st_nlink == 0:
            if _spool:
                os.close(_spool.pop("fd"))
                _spool.clear()
            directory, bucket, pid = current
            directory.mkdir(parents=True, exist_ok=True)
            # A name never used before: the ledger knows batches by their names.
            path = directory / f"{bucket}-{pid}-{uuid.uuid4().hex[:12]}.spool"
            _spool.update(current=current, fd=os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o640))
        # One write() to a file opened O_APPEND: whole lines, whatever else appends.
        os.write(_spool["fd"], line.encode())


def _flush_spool(everything):
    spool_dir().mkdir(parents=True, exist_ok=True)
    with open(spool_dir() / "flush.lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None
        now = time.time()
        (spool_dir() / "flushed").touch()
        os.utime(spool_dir() / "flushed", (now, now))
        closed = (now - GRACE) // BUCKET  # buckets before this one are no longer written
        batches = sorted(
            path for path in spool_dir().glob("*.spool") if everything or int(path.name.split("-")[0]) < closed
        )
        for path in batches:
            _apply(f"spool:{socket.gethostname()[:40]}:{path.name}", _read_spool(path))
            path.unlink()
        return len(batches)


def _read_spool(path):
    counts = Counter()
    for line in path.read_text().splitlines():
        field, _tab, by = line.partition("\t")
        if field.count("|") == 3 and by.isdigit():
            counts[field] += int(by)
        else:
            # A process killed in the middle of a write leaves at most one part of a line.
            logger.warning("Skipped an incomplete line of %s: %r", path.name, line)
    return counts
