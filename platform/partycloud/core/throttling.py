"""API throttles in one Redis round trip, failing open when Redis is unreachable (ADR 0016).

A fixed window per caller: one Lua script increments the window's counter, starts its expiry
on the first hit and returns the count with the seconds left (the ``Retry-After``). DRF's own
throttles keep a list of timestamps in the cache: a GET and a SET per throttle, two throttles
per request.

Keys carry the schema (``<THROTTLE_KEY_PREFIX>:throttle:<schema>:<scope>:<caller>``), like every tenant key.
When Redis does not answer within ``THROTTLE_REDIS_TIMEOUT_SECONDS`` the request is let through
and one warning is logged; Redis is then left alone for ``THROTTLE_REDIS_BACKOFF_SECONDS``
(no retry storm, no timeout paid by every request of an outage).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import connection
from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)

# KEYS[1]: the counter; ARGV[1]: the window in seconds. Returns {count, seconds left}.
_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  return {count, tonumber(ARGV[1])}
end
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""


class _Counter:
    """The process' Redis client for throttles, and whether Redis is being left alone."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._client: Redis[bytes] | None = None
        self._script: Any = None
        self._resting_until = 0.0

    def _connect(self) -> Any:
        with self._lock:
            if self._script is None:
                timeout = settings.THROTTLE_REDIS_TIMEOUT_SECONDS
                # No retries: a throttle that waits for Redis costs more than it protects.
                self._client = Redis.from_url(
                    settings.REDIS_URL,
                    socket_timeout=timeout,
                    socket_connect_timeout=timeout,
                    retry=Retry(NoBackoff(), 0),
                )
                self._script = self._client.register_script(_HIT)
            return self._script

    def hit(self, key: str, window: int) -> tuple[int, int] | None:
        """The count in this window (this hit included) and the seconds left; None when Redis is unreachable."""
        if time.monotonic() < self._resting_until:
            return None
        try:
            script = self._script or self._connect()
            count, ttl = script(keys=[key], args=[window])
        except (RedisError, OSError) as error:
            with self._lock:
                first = time.monotonic() >= self._resting_until
                self._resting_until = time.monotonic() + settings.THROTTLE_REDIS_BACKOFF_SECONDS
            if first:
                logger.warning(
                    "throttles unavailable (%s: %s): requests pass unthrottled for %ss, continuing without it",
                    type(error).__name__,
                    error,
                    settings.THROTTLE_REDIS_BACKOFF_SECONDS,
                )
            return None
        return int(count), int(ttl)

    def reset(self) -> None:
        """Forget the client and any back-off (tests; a changed REDIS_URL)."""
        with self._lock:
            if self._client is not None:
                self._client.close()
            self._client, self._script, self._resting_until = None, None, 0.0


counter = _Counter()


class RedisRateThrottle(SimpleRateThrottle):
    """``scope``'s rate from ``DEFAULT_THROTTLE_RATES``, counted in Redis with one round trip."""

    num_requests: int | None
    duration: int | None

    def caller(self, request: Request) -> str | None:
        """Who is counted, or None when this throttle does not apply."""
        raise NotImplementedError

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        caller = self.caller(request)
        if caller is None:
            return None
        schema = getattr(connection, "schema_name", "public")
        return f"{settings.THROTTLE_KEY_PREFIX}:throttle:{schema}:{self.scope}:{caller}"

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        assert self.num_requests is not None
        assert self.duration is not None
        result = counter.hit(key, self.duration)
        if result is None:
            return True  # fail open: Redis is down
        count, self.seconds_left = result
        return count <= self.num_requests

    def wait(self) -> float | None:
        return max(1, getattr(self, "seconds_left", self.duration or 1))


class AnonThrottle(RedisRateThrottle):
    """Anonymous callers, by address."""

    scope = "anon"

    def caller(self, request: Request) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.get_ident(request)


class UserThrottle(RedisRateThrottle):
    """Signed-in callers, by user."""

    scope = "user"

    def caller(self, request: Request) -> str | None:
        if request.user and request.user.is_authenticated:
            return str(request.user.pk)
        return None


class ScopedThrottle(RedisRateThrottle):
    """The view's ``throttle_scope`` (e.g. ``login``), by user or address."""

    scope_attr = "throttle_scope"

    def __init__(self) -> None:
        # The scope is the view's: known in allow_request (as in DRF's ScopedRateThrottle).
        pass

    def allow_request(self, request: Request, view: Any) -> bool:
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def caller(self, request: Request) -> str | None:
        if request.user and request.user.is_authenticated:
            return f"user:{request.user.pk}"
        return self.get_ident(request)
