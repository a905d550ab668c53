"""The portal's cache backends: Redis that degrades instead of failing, and a file cache that
keeps what it must (the day's salt of the visit counters, rate limits) on one machine.

Wagtail and the portal use the cache as an accelerator (site root paths, page fragments, the
visit counters' salt, rate limits). When Redis is down, Django's own RedisCache raises on every call and
every page would fail; ResilientRedisCache logs the outage and behaves like an empty cache that
cannot store: reads miss, writes do nothing and return False, `incr` raises ValueError as for a
missing key. Pages keep being served from the database.

After a failure the process leaves that Redis alone for RETRY_AFTER seconds (the visit buffer
too, see visits/buffer.py): a Redis that hangs rather than refusing connections would otherwise
cost every call its timeout, and a page makes several.
"""

import ctypes
import errno
import fcntl
import logging
import os
import pickle
import tempfile
import time
import zlib

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

RETRY_AFTER = 2.0
_unavailable_until = {}  # Redis URL: when to try it again (time.monotonic())


def unavailable(url):
    """Whether Redis at `url` failed in this process less than RETRY_AFTER seconds ago."""
    return time.monotonic() < _unavailable_until.get(url, 0)


def failed(url):
    _unavailable_until[url] = time.monotonic() + RETRY_AFTER


def _degrade(fallback):
    def decorator(method):
        def wrapper(self, *args, **kwargs):
            url = self._servers[0]
            if not unavailable(url):
                try:
                    return method(self, *args, **kwargs)
                except RedisError as error:
                    failed(url)
                    log.warning("Cache unavailable (%s: %s); going on without it.", type(error).__name__, error)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

        return wrapper

    return decorator


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (cache unavailable).")


class _RedisCacheClient(RedisCacheClient):
    """Django's makes a redis.Redis for every command, and redis-py fills a table of some 170
    response callbacks for each: about a tenth of a millisecond, several times on every page
    served from the cache. One client per connection pool does (clients are thread-safe)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if pool not in self._clients:
            self._clients[pool] = self._client(connection_pool=pool)
        return self._clients[pool]


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _RedisCacheClient

    get = _degrade(lambda key, default=None, version=None: default)(RedisCache.get)
    get_many = _degrade({})(RedisCache.get_many)
    has_key = _degrade(False)(RedisCache.has_key)
    set = _degrade(False)(RedisCache.set)
    add = _degrade(False)(RedisCache.add)
    touch = _degrade(False)(RedisCache.touch)
    delete = _degrade(False)(RedisCache.delete)
    set_many = _degrade(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    delete_many = _degrade(None)(RedisCache.delete_many)
    incr = _degrade(_missing_key)(RedisCache.incr)
    clear = _degrade(False)(RedisCache.clear)

    def set_many_now(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """set_many, tried even while this process leaves Redis alone after a failure: for a write
        that must not be skipped for a hiccup a moment ago (the page cache's invalidation).
        Returns the keys not set."""
        try:
            return RedisCache.set_many(self, data, timeout, version)
        except RedisError as error:
            failed(self._servers[0])
            log.warning("Cache unavailable (%s: %s); going on without it.", type(error).__name__, error)
            return list(data)

    def get_or_set(self, key, default, timeout=DEFAULT_TIMEOUT, version=None):
        value = self.get(key, version=version)
        if value is None:
            value = default() if callable(default) else default
            if not self.add(key, value, timeout=timeout, version=version):
                # Another server stored its value first: everyone must use that one. Without
                # Redis the read misses too, and ours is all there is.
                value = self.get(key, default=value, version=version)
        return value


class FileCache(FileBasedCache):
    """Django's file cache, with three changes for the caches of one machine without Redis.

    Django's lists the whole folder on every write, and past MAX_ENTRIES (300 by default) deletes
    a third of the entries at random: the visit counters' daily salt could go with them, and every
    visitor of the day would be counted again. Here the folder is listed at most once a
    minute per process, and expired entries go before any live one, so MAX_ENTRIES can be large.

    `add` is atomic between processes: the entry is written to a new file, then moved into
    place only if no file has the name (Linux's renameat2 with RENAME_NOREPLACE; elsewhere a hard
    link, which never replaces a file either). Two processes cannot both store the day's salt. A
    rename rather than a link and an unlink, because on ext4 creating
    a file right after deleting one costs ten times as much.

    And so is `incr` (and `decr`): Django's reads the value, then sets the sum, and two workers
    counting the same vote rate limit at once would both write the same number. Here the read and
    the write are made under a lock on one file of the folder (INCR_LOCK, which Django's listing
    of entries, the names ending in .djcache, leaves alone), and the entry keeps its expiry where
    Django's would get the default timeout.
    """

    CULL_INTERVAL = 60
    INCR_LOCK = "incr.lock"

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._next_cull = 0.0

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.has_key(key, version):  # a returning visitor: one read, no write
            return False
        self._createdir()
        self._cull()
        fname = self._key_to_file(key, version)
        fd, tmp_path = tempfile.mkstemp(dir=self._dir)
        try:
            with open(fd, "wb") as f:
                self._write_content(f, timeout, value)
            try:
                _move_unless_taken(tmp_path, fname)
            except FileExistsError:
                if self.has_key(key, version):  # which deletes an expired entry
                    return False
                try:
                    _move_unless_taken(tmp_path, fname)
                except FileExistsError:  # another process stored it meanwhile
                    return False
            return True
        finally:
            if os.path.exists(tmp_path):
                os.remove(tmp_path)

    def incr(self, key, delta=1, version=None):
        self._createdir()
        fname = self._key_to_file(key, version)
        with open(os.path.join(self._dir, self.INCR_LOCK), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
            try:
                with open(fname, "rb") as f:
                    expiry = pickle.load(f)
                    value = pickle.loads(zlib.decompress(f.read()))
            except (FileNotFoundError, EOFError):  # an empty file is an expired entry to Django
                raise ValueError(f"Key '{key}' not found") from None
            if expiry is not None and expiry < time.time():
                raise ValueError(f"Key '{key}' not found")
            value += delta
            fd, tmp_path = tempfile.mkstemp(dir=self._dir)
            try:
                with open(fd, "wb") as f:
                    f.write(pickle.dumps(expiry, self.pickle_protocol))
                    f.write(zlib.compress(pickle.dumps(value, self.pickle_protocol)))
                os.replace(tmp_path, fname)
            except BaseException:
                os.remove(tmp_path)
                raise
        return value

    def _cull(self):
        now = time.monotonic()
        if now < self._next_cull:
            return
        self._next_cull = now + self.CULL_INTERVAL
        filelist = self._list_cache_files()
        if len(filelist) < self._max_entries:
            return
        for fname in filelist:
            try:
                with open(fname, "rb") as f:
                    self._is_expired(f)
            except FileNotFoundError:
                pass
        super()._cull()


_RENAME_NOREPLACE = 1
_AT_FDCWD = -100
_renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)


def _move_unless_taken(source, target):
    """Move `source` to `target`, or raise FileExistsError if `target` exists; atomically."""
    if _renameat2 is not None:
        if _renameat2(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), _RENAME_NOREPLACE) == 0:
            return
        error = ctypes.get_errno()
        if error not in (errno.EINVAL, errno.ENOSYS):  # not a file system or kernel without it
            raise OSError(error, os.strerror(error), target)
    os.link(source, target)
    os.remove(source)
