"""Throttles in one Redis round trip (partycloud.core.throttling), failing open without Redis."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from redis import Redis

from partycloud.core import throttling
from partycloud.core.throttling import RedisRateThrottle
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.factories import PASSWORD


@pytest.fixture
def rates(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Tight rates for the test (DRF reads DEFAULT_THROTTLE_RATES once, into the class)."""
    tight = {"anon": "3/min", "user": "3/min", "login": "2/min"}
    monkeypatch.setattr(RedisRateThrottle, "THROTTLE_RATES", tight)
    throttling.counter.reset()
    clear_throttle_keys()
    yield tight
    clear_throttle_keys()
    throttling.counter.reset()


def clear_throttle_keys() -> None:
    redis = Redis.from_url(settings.REDIS_URL)
    keys = redis.keys(f"{settings.THROTTLE_KEY_PREFIX}:throttle:*")
    if keys:
        redis.delete(*keys)


def throttle_keys() -> dict[str, tuple[int, int]]:
    redis = Redis.from_url(settings.REDIS_URL)
    return {
        key.decode(): (int(redis.get(key) or 0), int(redis.ttl(key)))
        for key in redis.keys(f"{settings.THROTTLE_KEY_PREFIX}:throttle:*")
    }


def test_user_throttle_counts_in_one_key_per_schema_and_answers_429_with_retry_after(
    tenant_a: TenantWorld, rates: dict[str, str]
):
    client = api(tenant_a.host, tenant_a.admin)
    statuses = [client.get("/api/v1/roles").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/roles")
    assert refused.json()["code"] == "throttled"
    assert 1 <= refused.json()["retry_after"] <= 60
    assert 1 <= int(refused["Retry-After"]) <= 60
    key = f"{settings.THROTTLE_KEY_PREFIX}:throttle:{tenant_a.tenant.schema_name}:user:{tenant_a.admin.pk}"
    count, ttl = throttle_keys()[key]
    assert count == 5
    assert 0 < ttl <= 60


def test_anonymous_callers_are_counted_by_address(tenant_a: TenantWorld, rates: dict[str, str]):
    client = api(tenant_a.host)
    assert [client.get("/api/v1/site").status_code for _ in range(4)] == [200, 200, 200, 429]
    keys = throttle_keys()
    assert list(keys) == [f"{settings.THROTTLE_KEY_PREFIX}:throttle:{tenant_a.tenant.schema_name}:anon:127.0.0.1"]


def test_login_scope(db: Any, platform_world: Any, rates: dict[str, str]):
    client = api(ROOT_HOST)
    body = {"identifier": "13900000000", "password": PASSWORD}
    statuses = [client.post("/api/v1/auth/login", body).status_code for _ in range(3)]
    assert statuses[:2] != [429, 429]
    assert statuses[2] == 429
    assert any(":login:" in key for key in throttle_keys())


def test_one_round_trip_per_request(tenant_a: TenantWorld, rates: dict[str, str], monkeypatch: pytest.MonkeyPatch):
    calls: list[str] = []
    real_hit = throttling.counter.hit

    def counting_hit(key: str, window: int) -> tuple[int, int] | None:
        calls.append(key)
        return real_hit(key, window)

    monkeypatch.setattr(throttling.counter, "hit", counting_hit)
    assert api(tenant_a.host, tenant_a.admin).get("/api/v1/roles").status_code == 200
    assert api(tenant_a.host).get("/api/v1/site").status_code == 200
    assert len(calls) == 2  # the user's request: the user scope only; the anonymous one: anon only


def test_redis_down_lets_requests_through_with_one_warning(
    tenant_a: TenantWorld, rates: dict[str, str], settings: Any, caplog: pytest.LogCaptureFixture
):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    throttling.counter.reset()
    client = api(tenant_a.host, tenant_a.admin)
    with caplog.at_level(logging.WARNING, logger="partycloud.core.throttling"):
        statuses = [client.get("/api/v1/roles").status_code for _ in range(6)]
    assert statuses == [200] * 6  # the rate is 3/min: without Redis nothing is counted
    warnings = [record for record in caplog.records if record.name == "partycloud.core.throttling"]
    assert len(warnings) == 1
    assert "throttles unavailable" in warnings[0].getMessage()
    assert "continuing without it" in warnings[0].getMessage()
