"""The buffers in front of the counters: sightings wait there, and a flush applies them.

Without a buffer (VISITS_BUFFER = "database") every counted page view applies its sighting in
the database, and SQLite lets one writer in at a time. With one, a sighting is a line written
elsewhere, and a flush applies the lines (sightings.apply): from the flusher process under
gunicorn (flusher.py), from `manage.py flush_visits` (cron or a systemd timer), and when the
sightings written down find no flush started for a minute (by a server process's courier, or
once the request's answer is sent; a part of the spool at a time: see REQUEST_FLUSH_FILES).

- "redis" (the default with REDIS_URL, required with several servers): an RPUSH on a "pending"
  list in Redis. A flush renames the list to a new batch and lists it, atomically (a Lua
  script); sightings arriving from then on start a fresh "pending" list.
- "spool" (the default on one machine without Redis): one line appended to a file of the
  process's own under VISITS_SPOOL_DIR, a new file every BUCKET seconds. A file is a batch once
  no process can still be writing it: GRACE seconds after its time is over (a line is written
  microseconds after its file is chosen, under a lock held for nothing else).

Either way a flush never loses or repeats a sighting: one flusher at a time (a Redis lock, or a
lock on a file); each batch is applied in one database transaction that also records the
batch's name (AppliedBatch), then deleted. If the transaction fails, the batch stays and the next
flush retries it; if deleting fails after the commit, the next flush finds the batch recorded as
applied and only deletes it.

While Redis does not answer, or a spool file cannot be written, the sighting is applied in the
database at once. Redis may have kept it all the same (its answer lost when Redis stopped, or a
hung Redis ran the command when it resumed): a sighting applied twice counts once (sightings.py).
"""

import fcntl
import functools
import logging
import os
import socket
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from redis.backoff import NoBackoff
from redis.retry import Retry

from ops import cache

from . import sightings
from .models import AppliedBatch
from .sightings import Seen

logger = logging.getLogger(__name__)

_NO_RETRY = Retry(NoBackoff(), 0)

FLUSH_INTERVAL = 60
LOCK_TIMEOUT = 300
# Batches applied are remembered this long, far longer than any retry takes.
LEDGER_DAYS = 7
# Spool files: a new one every BUCKET seconds, taken GRACE seconds after its time is over.
BUCKET = 10
GRACE = 60
# A flush holds its process's other threads (Python's GIL): one from a request takes this many
# spool files at most (one process's sightings of ten seconds each), and the next request the
# rest. `flush_visits` takes them all.
REQUEST_FLUSH_FILES = 2

_CLAIM = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('SADD', KEYS[3], KEYS[2])
return 1
"""


def enabled():
    return settings.VISITS_BUFFER in ("redis", "spool")


def add(*seen):
    """Buffer sightings, in one write; apply them in the database at once when the buffer cannot
    take them."""
    lines = [sighting.line() for sighting in seen]
    try:
        if settings.VISITS_BUFFER == "spool":
            _spool_write("".join(line + "\n" for line in lines))
            return
        # Redis, unless it failed a moment ago (ops.cache: no request waits for it twice).
        if not cache.unavailable(settings.REDIS_URL):
            client().rpush(_key("pending"), *lines)
            return
    except redis.RedisError as error:
        cache.failed(settings.REDIS_URL)
        logger.warning("Redis did not answer (%s): counting in the database directly.", error)
    except OSError as error:
        logger.warning("The spool cannot be written (%s): counting in the database directly.", error)
    sightings.apply(list(seen))


def flush_when_due():
    """Flush when no flush started for a minute (or the last one left spool files for the next).
    The courier (courier.py) calls it after writing sightings down, or `counting.record` once the
    page is sent."""
    try:
        if _flush_due() and flush(files=REQUEST_FLUSH_FILES) is None:
            # Another process is flushing (the flusher, with much to do): not this process's
            # business for a minute, rather than a try on each request.
            _not_due_until[_due_key()] = time.time() + FLUSH_INTERVAL
    except Exception:
        # The visitor has the page; the counts wait for the next flush.
        logger.exception("Could not flush the visit counts")


def _due_key():
    return _key("recent-flush") if settings.VISITS_BUFFER == "redis" else spool_dir()


def _flush_due():
    # Redis, or the "flushed" file's time, is asked when this process's copy says that a minute
    # may have passed, not on each counted request: a round trip or a system call lets the
    # process's other threads take Python's lock, and the request waits to get it back.
    where = _due_key()
    if time.time() < _not_due_until.get(where, 0):
        return False
    if settings.VISITS_BUFFER == "redis":
        # Without Redis there is nothing to flush, and a flush that Redis left halfway is
        # finished by the next one.
        if cache.unavailable(settings.REDIS_URL):
            return False
        try:
            with client().pipeline(transaction=False) as pipe:
                started, seconds_left = pipe.set(where, 1, nx=True, ex=FLUSH_INTERVAL).ttl(where).execute()
        except redis.RedisError as error:
            cache.failed(settings.REDIS_URL)
            logger.warning("Redis is unreachable: buffered sightings wait for the next flush (%s).", error)
            return False
        if not started:
            _not_due_until[where] = time.time() + seconds_left
        return bool(started)
    try:
        _not_due_until[where] = (where / "flushed").stat().st_mtime + FLUSH_INTERVAL
    except FileNotFoundError:
        return True
    return time.time() >= _not_due_until[where]


def flush(everything=False, files=None):
    """Apply the buffered sightings, from Redis when REDIS_URL is set and from this server's
    spool, whichever buffer is on now (sightings buffered before a change of VISITS_BUFFER still
    arrive). Returns the number of batches applied, or None when another process is flushing.
    `everything` takes the spool files still being written too: only for when no server is
    running (a server would go on writing to the file taken from it, and those lines would be
    lost; this process moves to a new file). `files` takes at most that many spool files, the
    oldest, and leaves the flush due when more are waiting."""
    results = []
    if settings.REDIS_URL:
        results.append(_flush_redis())
    if settings.VISITS_BUFFER == "spool" or any(spool_dir().glob("*.spool")):
        results.append(_flush_spool(everything, files))
    if results and all(result is None for result in results):
        return None
    return sum(result or 0 for result in results)


def _apply(batch, lines):
    """Apply a batch's sightings, once."""
    if AppliedBatch.objects.filter(name=batch).exists():
        return
    batch_sightings = []
    for line in lines:
        try:
            batch_sightings.append(Seen.parse(line))
        except ValueError:
            logger.warning("Skipped an unreadable line of %s: %r", batch, line)
    with transaction.atomic():
        AppliedBatch.objects.create(name=batch)
        sightings.apply(batch_sightings)
        AppliedBatch.objects.filter(applied_at__lt=timezone.now() - timedelta(days=LEDGER_DAYS)).delete()


# --- Redis -----------------------------------------------------------------------------------


@functools.cache
def _client(url, **options):
    return redis.Redis.from_url(url, **options)


def client():
    # The cache's timeouts: a hung Redis must not hold the request for long. No retries: a
    # sighting whose answer was lost is applied in the database, and counts once (see above).
    options = settings.CACHES["default"].get("OPTIONS", {})
    timeouts = {name: options[name] for name in ("socket_connect_timeout", "socket_timeout") if name in options}
    return _client(settings.REDIS_URL, retry=_NO_RETRY, **timeouts)


def _key(name):
    # One hash tag for every key, so that the claim script also runs on Redis Cluster; the
    # cache's key prefix keeps installations that share a Redis apart.
    return f"{{{settings.CACHES['default'].get('KEY_PREFIX', '')}:visits}}:{name}"


def _flushed_now(r):
    r.set(_key("recent-flush"), 1, ex=FLUSH_INTERVAL)
    _not_due_until[_key("recent-flush")] = time.time() + FLUSH_INTERVAL


def _flush_redis():
    r = client()
    lock = r.lock(_key("flush-lock"), timeout=LOCK_TIMEOUT)
    if not lock.acquire(blocking=False):
        return None
    try:
        _flushed_now(r)
        # Named after the moment of the claim, then a random part (a name never used before, for
        # the ledger): batches left by failed flushes are applied in the order they were claimed,
        # as sightings.apply needs (a visitor's later sightings applied first would count a visit
        # again).
        keys = [_key("pending"), _key(f"batch:{time.time_ns():020d}-{uuid.uuid4().hex[:12]}"), _key("batches")]
        r.eval(_CLAIM, len(keys), *keys)
        batches = sorted(name.decode() for name in r.smembers(_key("batches")))
        for batch in batches:
            _apply(batch, [line.decode() for line in r.lrange(batch, 0, -1)])
            with r.pipeline() as pipe:
                pipe.delete(batch).srem(_key("batches"), batch).execute()
        # The minute without a flush that makes requests flush starts when a long one ends too.
        _flushed_now(r)
        return len(batches)
    finally:
        lock.release()


# --- Spool files -----------------------------------------------------------------------------

_spool_lock = threading.Lock()
# The file this process appends to now: ((folder, bucket, process), descriptor). Replaced, not
# changed, so that writing needs no lock.
_spool = None
# (descriptor, bucket) of the files before, closed a bucket after the one they were replaced in:
# a thread that read `_spool` just before may still be writing to one.
_retired = []
# {Redis key or spool folder: when this process next asks whether a flush is due}
_not_due_until = {}


def spool_dir():
    return _path(settings.VISITS_SPOOL_DIR)


@functools.cache
def _path(name):
    return Path(name)


def _spool_write(lines):
    current = (spool_dir(), int(time.time()) // BUCKET, os.getpid())
    spool = _spool
    if spool is None or spool[0] != current:
        spool = _next_spool_file(current)
    # One write() to a file opened O_APPEND: whole lines, whatever else appends.
    os.write(spool[1], lines.encode())


def _next_spool_file(current):
    """A new file each BUCKET seconds (and in a new process)."""
    global _spool
    with _spool_lock:
        if _spool is not None and _spool[0] == current:
            return _spool  # another thread opened it
        directory, bucket, pid = current
        for retired in [retired for retired in _retired if retired[1] < bucket - 1]:
            os.close(retired[0])
            _retired.remove(retired)
        directory.mkdir(parents=True, exist_ok=True)
        # A name never used before: the ledger knows batches by their names.
        path = directory / f"{bucket}-{pid}-{uuid.uuid4().hex[:12]}.spool"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o640)
        if _spool is not None:
            _retired.append((_spool[1], bucket))
        _spool = (current, fd)
        return _spool


def _flush_spool(everything, files):
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
        if everything:
            _leave_spool_file()
        batches = sorted(
            path for path in spool_dir().glob("*.spool") if everything or int(path.name.split("-")[0]) < closed
        )
        for path in batches[:files]:
            *lines, tail = path.read_text().split("\n")
            if tail:
                # A process killed in the middle of a write leaves the start of a line, unended.
                logger.warning("Skipped an incomplete line of %s: %r", path.name, tail)
            _apply(f"spool:{socket.gethostname()[:40]}:{path.name}", lines)
            path.unlink()
        if len(batches[:files]) < len(batches):
            os.utime(spool_dir() / "flushed", (now - FLUSH_INTERVAL, now - FLUSH_INTERVAL))
            _not_due_until.pop(spool_dir(), None)
        else:
            # The minute without a flush that makes requests flush starts when a long one ends too.
            done = time.time()
            os.utime(spool_dir() / "flushed", (done, done))
            _not_due_until[spool_dir()] = done + FLUSH_INTERVAL
        return len(batches[:files])


def _leave_spool_file():
    """Have this process write to a new file: a flush of everything takes the one it writes."""
    global _spool
    with _spool_lock:
        if _spool is not None:
            _retired.append((_spool[1], int(time.time()) // BUCKET))
            _spool = None
