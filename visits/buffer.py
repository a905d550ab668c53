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
from django.utils import timezone
from wagtail.models import Site

from .models import AppliedBatch, DailyCount

logger = logging.getLogger(__name__)

FLUSH_INTERVAL = 60
LOCK_TIMEOUT = 300
# Batches applied are remembered this long, far longer than any retry takes.
LEDGER_DAYS = 7
BUCKET = 10
GRACE = 60

_CLAIM = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('SADD', KEYS[3], KEYS[2])
return 1
"""


def enabled():
    return settings.VISITS_BUFFER in ("redis", "spool")


def add(site_id, day, kind, key="", by=1):
    field = f"{site_id}|{day.isoformat()}|{kind}|{key}"
    if settings.VISITS_BUFFER == "redis":
        client().hincrby(_key("pending"), field, by)
    else:
        _spool_write(f"{field}\t{by}\n")


def flush_if_due():
    """Flush from a request when no flush has started for a minute."""
    if settings.VISITS_BUFFER == "redis":
        due = client().set(_key("recent-flush"), 1, nx=True, ex=FLUSH_INTERVAL)
    else:
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
def _client(url):
    return redis.Redis.from_url(url)


def client():
    return _client(settings.REDIS_URL)


def _key(name):
    # One hash tag for every key, so that the claim script also runs on Redis Cluster; the
    # cache's key prefix keeps installations that share a Redis apart.
    return f"{{{settings.CACHES['default'].get('KEY_PREFIX', '')}:visits}}:{name}"


def _flush_redis():
    r = client()
    lock = r.lock(_key("flush-lock"), timeout=LOCK_TIMEOUT)
    if not lock.acquire(blocking=False):
        return None
    try:
        r.set(_key("recent-flush"), 1, ex=FLUSH_INTERVAL)
        r.eval(_CLAIM, 3, _key("pending"), _key(f"batch:{uuid.uuid4().hex}"), _key("batches"))
        batches = sorted(name.decode() for name in r.smembers(_key("batches")))
        for batch in batches:
            _apply(batch, {field.decode(): int(by) for field, by in r.hgetall(batch).items()})
            with r.pipeline() as pipe:
                pipe.delete(batch).srem(_key("batches"), batch).execute()
        return len(batches)
    finally:
        lock.release()


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
