"""Tenant-aware Celery: a real worker (in a thread) on the real Redis broker."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from celery.schedules import crontab
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st
from redis import Redis

from partycloud.celery import app
from partycloud.tenancy.models import PartyCommittee
from partycloud.tenancy.tasks import fan_out_to_tenants
from services.tasks import tenant_task
from services.tasks.periodic import FAN_OUT_TASK, spread_offset, tenant_beat_entry
from services.tasks.schedules import beat_schedule
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
    for name, item in beat_schedule().items():
        if item["task"] == entry["task"]:
            assert item["args"][0] in app.tasks, f"{name} fans out an unknown task"
        else:
            assert item["task"] in app.tasks, f"{name} schedules an unknown task"


# The beat schedule as it was when services/tasks/schedules.py still named every app's task (issue 12):
# each app now declares its own entries (``SCHEDULE`` in its tasks module) and the wiring collects them.
SCHEDULE_BEFORE_THE_APPS_DECLARED_THEIR_OWN = {
    "tenant-access-index": tenant_beat_entry(
        "tenants.access.rebuild_tenant_access_index", crontab(hour=2, minute=0), window_seconds=3 * 3600
    ),
    "overdue-transfers": tenant_beat_entry(
        "tenants.transfers.alert_overdue_transfers", crontab(hour=8, minute=0), window_seconds=1800
    ),
    "re-elections": tenant_beat_entry(
        "tenants.organizations.remind_re_elections", crontab(hour=8, minute=30), window_seconds=1800
    ),
    "dues-month": tenant_beat_entry(
        "tenants.dues.assess_month", crontab(day_of_month=1, hour=1, minute=0), window_seconds=3 * 3600
    ),
    "development-deadlines": tenant_beat_entry(
        "tenants.development.remind_deadlines", crontab(hour=9, minute=0), window_seconds=1800
    ),
    "notification-deliveries": tenant_beat_entry(
        "tenants.notifications.send_due_deliveries", crontab(minute="*"), window_seconds=45
    ),
    "pocket-members": {"task": "hub.detect_pocket_members", "schedule": crontab(hour=3, minute=30)},
    "stale-uploads": tenant_beat_entry(
        "services.storage.abort_stale_uploads", crontab(hour=4, minute=0), window_seconds=3600
    ),
    "stale-uploads-group": {"task": "services.storage.abort_stale_uploads", "schedule": crontab(hour=4, minute=0)},
    "search-reconcile": tenant_beat_entry("search.reconcile", crontab(minute="*/15"), window_seconds=600),
    "search-reconcile-group": {"task": "search.reconcile", "schedule": crontab(minute="*/15")},
    "spare-schemas": {"task": "tenancy.refill_spare_schemas", "schedule": crontab(minute="*/10")},
    "rollups-drain": {"task": "rollups.drain", "schedule": 10.0, "options": {"expires": 10}},
    "rollups-sweep": {"task": "rollups.sweep", "schedule": crontab(minute="*/5")},
    "rollups-recompute": {"task": "rollups.recompute", "schedule": crontab(hour=0, minute=30)},
}


def test_a_per_tenant_entry_is_a_fan_out_spread_over_its_window():
    assert tenant_beat_entry("a.b", 60, window_seconds=600, month="2026-06-01") == {
        "task": FAN_OUT_TASK,
        "schedule": 60,
        "args": ("a.b", 600),
        "kwargs": {"kwargs": {"month": "2026-06-01"}},
        "options": {"expires": 600},
    }
    assert tenant_beat_entry("a.b", 60, window_seconds=45)["options"] == {"expires": 60}


def test_the_assembled_beat_schedule_is_the_one_from_before_the_apps_declared_their_own():
    # Plus what live lessons (issue 13, declared in their own tasks module) added since.
    from tenants.live.tasks import SCHEDULE as LIVE_SCHEDULE

    assert set(LIVE_SCHEDULE) == {
        "live-reminders",
        "live-reminders-group",
        "live-sweep",
        "live-sweep-group",
        "live-clean-hls",
    }
    # And search's catch-up after an engine outage (issue 14).
    catch_up = {"search-catch-up": {"task": "search.catch_up", "schedule": 60.0, "options": {"expires": 60}}}
    # And the re-drive of work queued while the broker was down (issue 14).
    redrive = {
        "member-imports-redrive": tenant_beat_entry(
            "tenants.members.redrive_imports", crontab(minute="*/5"), window_seconds=120
        ),
        "learning-media-redrive": tenant_beat_entry(
            "learning.redrive_media", crontab(minute="*/5"), window_seconds=120
        ),
        "learning-media-redrive-group": {"task": "learning.redrive_media", "schedule": crontab(minute="*/5")},
    }
    # And the reminders of organizational life still missing before a period closes (issue 15).
    from tenants.meetings.tasks import SCHEDULE as MEETINGS_SCHEDULE

    assert set(MEETINGS_SCHEDULE) == {"meetings-compliance"}
    # And the catch-up delivery of the year's published task-book template (issue 16).
    from partycloud.taskbooks.tasks import SCHEDULE as TASKBOOKS_SCHEDULE

    assert set(TASKBOOKS_SCHEDULE) == {"taskbooks-deliver-pending"}
    # And points (issue 16): the recorders every five minutes, the ledger's nightly check.
    points = {
        "points-collect": tenant_beat_entry("tenants.points.collect", crontab(minute="*/5"), window_seconds=240),
        "points-check": tenant_beat_entry(
            "tenants.points.check_ledger", crontab(hour=3, minute=15), window_seconds=3600
        ),
    }
    # And supervision (issue 17): each part's <part>_tasks.SCHEDULE, merged by tenants.supervision.tasks.
    from tenants.supervision.tasks import SCHEDULE as SUPERVISION_SCHEDULE

    assert SUPERVISION_SCHEDULE["supervision-publicity-close"] == tenant_beat_entry(
        "supervision.close_ended_publicities", crontab(minute=5), window_seconds=600
    )
    assert SUPERVISION_SCHEDULE["supervision-surveys"] == tenant_beat_entry(
        "tenants.supervision.sweep_surveys", crontab(), window_seconds=30
    )
    assert SUPERVISION_SCHEDULE["supervision-votes"] == tenant_beat_entry(
        "tenants.supervision.sweep_votes", crontab(), window_seconds=30
    )
    expected = {
        **SCHEDULE_BEFORE_THE_APPS_DECLARED_THEIR_OWN, **LIVE_SCHEDULE, **catch_up, **redrive, **MEETINGS_SCHEDULE,
        **TASKBOOKS_SCHEDULE, **points, **SUPERVISION_SCHEDULE,
    }  # fmt: skip
    assert beat_schedule() == expected
    app.finalize()  # what beat and the worker do once Django and the tasks are loaded
    assert app.conf.beat_schedule == expected


def test_two_apps_cannot_declare_one_beat_entry(monkeypatch: pytest.MonkeyPatch):
    dues = apps.get_app_config("dues")
    monkeypatch.setattr(apps, "get_app_configs", lambda: [dues, dues])
    with pytest.raises(ImproperlyConfigured, match=r"'dues-month' is declared by tenants\.dues\.tasks and"):
        beat_schedule()
