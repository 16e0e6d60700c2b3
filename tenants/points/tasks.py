from __future__ import annotations

from typing import Any

from celery.schedules import crontab

from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry
from tenants.points import ledger, sources


@tenant_task(name="tenants.points.collect")
def collect_points() -> dict[str, int]:
    """Per tenant, every few minutes: run the recorders from their marks and update the ledger."""
    return sources.collect()


@tenant_task(name="tenants.points.check_ledger")
def check_points_ledger() -> dict[str, Any]:
    """Per tenant, nightly: collect everything again (late corrections), then recompute the
    ledger into a scratch comparison and report drift (log and the admin page's last check)."""
    sources.collect(full=True)
    result = ledger.check()
    return {"entries": result["entries"], "drift": result["drift"]}


SCHEDULE = {
    # Points (reference only): recorders read their sources incrementally.
    "points-collect": tenant_beat_entry("tenants.points.collect", crontab(minute="*/5"), window_seconds=240),
    # The nightly recompute check of the ledger.
    "points-check": tenant_beat_entry("tenants.points.check_ledger", crontab(hour=3, minute=15), window_seconds=3600),
}
