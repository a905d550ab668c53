"""A Redis cache that degrades instead of failing.

Wagtail and the portal use the cache as an accelerator (site root paths, page fragments, visit
markers, rate limits). When Redis is down, Django's own RedisCache raises on every call and
every page would fail; this one logs the outage and behaves like an empty cache that cannot
store: reads miss, writes do nothing and return False, `incr` raises ValueError as for a missing
key. Pages keep being served from the database.

After a failure the process leaves that Redis alone for RETRY_AFTER seconds (the visit buffer
too, see visits/buffer.py): a Redis that hangs rather than refusing connections would otherwise
cost every call its timeout, and a page makes several.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
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


class ResilientRedisCache(RedisCache):
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

    def get_or_set(self, key, default, timeout=DEFAULT_TIMEOUT, version=None):
        value = self.get(key, version=version)
        if value is None:
            value = default() if callable(default) else default
            if not self.add(key, value, timeout=timeout, version=version):
                # Another server stored its value first: everyone must use that one. Without
                # Redis the read misses too, and ours is all there is.
                value = self.get(key, default=value, version=version)
        return value
