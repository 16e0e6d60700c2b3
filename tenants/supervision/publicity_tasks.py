"""Cadre publicity's background work: closing the publicities whose last day is over."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry
from tenants.supervision.publicity import do_close_ended


@tenant_task(name="supervision.close_ended_publicities")
def close_ended_publicities() -> int:
    """Per tenant: close the open publicities whose window ended before today (Asia/Shanghai).
    Idempotent; runs just after midnight and again every hour (a missed run catches up)."""
    return do_close_ended()


SCHEDULE: dict[str, dict[str, Any]] = {
    "supervision-publicity-close": tenant_beat_entry(
        "supervision.close_ended_publicities", crontab(minute=5), window_seconds=600
    ),
}
