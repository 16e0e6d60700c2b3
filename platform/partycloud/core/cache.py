"""A Redis cache that degrades instead of failing: a Redis outage must not turn requests into 500s.

Everything we keep in the cache can be lost or skipped for a while: throttle counters (the
throttles fail open), the login lockout (it stops locking until Redis is back), the dashboard's
cached figures (recomputed). So while Redis does not answer, reads miss (``default``), writes do
nothing and counters start from the delta; a warning says so, at most once every
``CACHE_OUTAGE_LOG_SECONDS`` per cache and process, and the next call tries Redis again (no
circuit breaker: a refused connection costs a fraction of a millisecond, a silent one at most
``REDIS_SOCKET_CONNECT_TIMEOUT`` seconds).

Sessions are not in the cache (``SESSION_ENGINE`` is the database): signing in keeps working.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# What an unreachable or stalled Redis raises (redis-py wraps socket errors in these).
OUTAGE_ERRORS: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError, OSError)


class DegradingRedisCache(RedisCache):
    """Django's Redis cache; while Redis is unreachable each call answers as if the key were missing."""

    def __init__(self, server: str, params: dict[str, Any]):
        super().__init__(server, params)
        self._alias = str(params.get("KEY_PREFIX", "")) or "cache"
        self._last_warning = 0.0

    def _degrade(self, operation: str, error: Exception, fallback: T) -> T:
        now = time.monotonic()
        if now - self._last_warning >= getattr(settings, "CACHE_OUTAGE_LOG_SECONDS", 30):
            self._last_warning = now
            logger.warning(
                "cache %s unavailable (%s: %s): %s skipped, continuing without it",
                self._alias,
                type(error).__name__,
                error,
                operation,
            )
        return fallback

    def _call(self, operation: str, call: Callable[[], T], fallback: T) -> T:
        try:
            return call()
        except OUTAGE_ERRORS as error:
            return self._degrade(operation, error, fallback)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call("add", lambda: super(DegradingRedisCache, self).add(key, value, timeout, version), False)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", lambda: super(DegradingRedisCache, self).get(key, default, version), default)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._call("set", lambda: super(DegradingRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call("touch", lambda: super(DegradingRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._call("delete", lambda: super(DegradingRedisCache, self).delete(key, version), False)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        keys = list(keys)
        return self._call("get_many", lambda: super(DegradingRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._call("has_key", lambda: super(DegradingRedisCache, self).has_key(key, version), False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # As if the counter had just been created: a lockout or a quota counts from zero again.
        return self._call("incr", lambda: super(DegradingRedisCache, self).incr(key, delta, version), delta)

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        # Django's contract: the keys that failed to be stored.
        return self._call(
            "set_many", lambda: super(DegradingRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        keys = list(keys)
        self._call("delete_many", lambda: super(DegradingRedisCache, self).delete_many(keys, version), None)

    def clear(self) -> None:
        self._call("clear", lambda: super(DegradingRedisCache, self).clear(), None)
