"""Tenant-aware Celery: a real worker (in a thread) on the real Redis broker."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st
from redis import Redis

from partycloud.celery import app
from partycloud.tenancy.models import PartyCommittee
from services.tasks import tenant_task
from services.tasks.periodic import fan_out_to_tenants, spread_offset, tenant_beat_entry
from services.tasks.schedules import BEAT_SCHEDULE
from tenants.access.models import RoleAssignment
from tests.conftest import TenantWorld


@tenant_task(name="tests.schema_probe")
def schema_probe(marker: str) -> str:
    """Report where the task ran: its schema and what it can see there."""
    # Role assignments exist only in tenant schemas: the public schema has no such table.
    visible = RoleAssignment.objects.count() if connection.schema_name != "public" else "-"
    seen = f"{connection.schema_name}:{visible}"
    Redis.from_url(settings.REDIS_URL).rpush(marker, seen)
    return seen


@pytest.fixture
def worker(platform_world) -> Iterator[str]:
    """A real worker consuming a queue of its own (the Redis server is shared with other runs)."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10):
        yield queue
    app.conf.task_default_queue = previous


def wait_for(marker: str, count: int, timeout: float = 45) -> list[str]:
    client = Redis.from_url(settings.REDIS_URL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        values = [v.decode() for v in client.lrange(marker, 0, -1)]
        if len(values) >= count:
            client.delete(marker)
            return values
        time.sleep(0.05)
    raise AssertionError(f"only {client.llen(marker)} of {count} task results arrived in {timeout}s")


def test_a_task_sent_inside_a_tenant_runs_in_that_schema(worker, tenant_a: TenantWorld, tenant_b: TenantWorld):
    marker = f"probe-{uuid.uuid4().hex}"
    with tenant_a.tenant:
        schema_probe.delay(marker)
    with tenant_b.tenant:
        schema_probe.delay(marker)
    schema_probe.delay(marker)
    assert sorted(wait_for(marker, 3)) == ["public:-", "t_alpha:4", "t_beta:4"]


def test_fan_out_sends_the_task_once_into_every_active_tenant(worker, tenant_a: TenantWorld, tenant_b: TenantWorld):
    # Other tests (the browser ones) may have committed more tenants: expect every active one.
    active = sorted(PartyCommittee.objects.active().values_list("schema_name", flat=True))
    assert {"t_alpha", "t_beta"} <= set(active)
    marker = f"fan-{uuid.uuid4().hex}"
    result = fan_out_to_tenants.delay("tests.schema_probe", 0, {"marker": marker})
    assert result.get(timeout=45) == len(active)
    ran = sorted(wait_for(marker, len(active)))
    assert [entry.split(":")[0] for entry in ran] == active
    assert {"t_alpha:4", "t_beta:4"} <= set(ran)


@given(schema=st.from_regex(r"t_[a-z]{2,20}", fullmatch=True), window=st.integers(min_value=1, max_value=86400))
def test_spread_offset_is_stable_and_inside_the_window(schema: str, window: int):
    offset = spread_offset(schema, "x.task", window)
    assert 0 <= offset < window
    assert offset == spread_offset(schema, "x.task", window)


def test_spread_offsets_actually_spread():
    offsets = [spread_offset(f"t_tenant{i}", "x.task", 3600) for i in range(200)]
    # 200 tenants over an hour: no minute holds more than a handful of them.
    per_minute = [sum(1 for o in offsets if o // 60 == minute) for minute in range(60)]
    assert max(per_minute) <= 12


def test_every_per_tenant_schedule_entry_goes_through_the_fan_out():
    entry = tenant_beat_entry("a.b", 60, window_seconds=600)
    assert entry["task"] == "services.tasks.fan_out_to_tenants"
    app.loader.import_default_modules()  # what a worker does at start: every app's tasks module
    for name, item in BEAT_SCHEDULE.items():
        if item["task"] == entry["task"]:
            assert item["args"][0] in app.tasks, f"{name} fans out an unknown task"
        else:
            assert item["task"] in app.tasks, f"{name} schedules an unknown task"
