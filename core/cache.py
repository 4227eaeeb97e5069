"""A Redis cache that degrades instead of failing when Redis is unreachable.

Django's RedisCache raises on every call while Redis is down, and every page touches the cache
(allauth's rate limits, DRF's throttles, app caches): one stopped Redis would turn the whole site
into 500s. This backend treats an unreachable Redis as an empty cache that stores nothing:

- reads (get, get_many, has_key) answer the default / nothing / False;
- writes (set, touch, delete, set_many, delete_many, clear) do nothing and report it
  (False, or every key as not stored for set_many);
- add answers True although nothing is stored: callers use add as a lock (allauth's rate
  limits take `cache.add(lock_key)` and refuse the request with a 429 when it returns False),
  and a lock nobody can hold must not refuse every login. The price: rate limits and
  add-based "only once" guards are not enforced while Redis is down (docs/reliability.md);
- incr/decr raise CacheUnavailable: a counter cannot be invented, and a caller that counts
  (throttles, quotas) must decide for itself whether to let the request through.

Every failure is logged (at most once per LOG_INTERVAL seconds per process, so that a Redis
outage does not flood the logs). Keys are still built by the configured KEY_FUNCTION
(tenants.cache.make_key), so tenant prefixing is unchanged, and the client reconnects by itself
on the next call once Redis is back.

The "platform" cache (routing generation) keeps Django's plain RedisCache on purpose:
tenants.routing must SEE the failure to stop trusting its per-process map.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What "Redis is unreachable" looks like from redis-py: refused or dropped connections and
# socket timeouts. Anything else (a wrong type stored under a key, a bad command) is a bug and
# still raises.
UNAVAILABLE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)


class CacheUnavailable(Exception):
    """The cache server cannot be reached; raised where no neutral answer exists (incr, decr)."""


class ResilientRedisCache(RedisCache):
    """RedisCache that logs and degrades on connection errors (see the module docstring)."""

    LOG_INTERVAL = 30.0

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        # Fail fast: a page waits at most this long for a Redis that does not answer.
        options.setdefault("socket_connect_timeout", 1)
        options.setdefault("socket_timeout", 2)
        super().__init__(server, {**params, "OPTIONS": options})
        self._last_logged = 0.0
        self._log_lock = threading.Lock()

    def _unavailable(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        with self._log_lock:
            if now - self._last_logged < self.LOG_INTERVAL:
                return
            self._last_logged = now
        logger.error(
            "Cache unavailable (%s failed: %s); serving without the cache until it is back",
            operation,
            error,
        )

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNAVAILABLE_ERRORS as error:
            self._unavailable("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE_ERRORS as error:
            self._unavailable("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNAVAILABLE_ERRORS as error:
            self._unavailable("has_key", error)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNAVAILABLE_ERRORS as error:
            self._unavailable("set", error)
            return False
        return True

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNAVAILABLE_ERRORS as error:
            self._unavailable("add", error)
            return True  # fail open: see the module docstring

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNAVAILABLE_ERRORS as error:
            self._unavailable("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNAVAILABLE_ERRORS as error:
            self._unavailable("delete", error)
            return False

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNAVAILABLE_ERRORS as error:
            self._unavailable("set_many", error)
            return list(data)  # Django's contract: the keys that were not stored

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except UNAVAILABLE_ERRORS as error:
            self._unavailable("delete_many", error)

    def clear(self):
        try:
            return super().clear()
        except UNAVAILABLE_ERRORS as error:
            self._unavailable("clear", error)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE_ERRORS as error:
            self._unavailable("incr", error)
            raise CacheUnavailable(
                f"cannot increment {key!r}: the cache server is unreachable ({error})"
            ) from error

    def decr(self, key, delta=1, version=None):
        # BaseCache.decr is incr(-delta); spelled out so the error names the right operation.
        try:
            return super().incr(key, -delta, version)
        except UNAVAILABLE_ERRORS as error:
            self._unavailable("decr", error)
            raise CacheUnavailable(
                f"cannot decrement {key!r}: the cache server is unreachable ({error})"
            ) from error
