"""Surveys' beat work (collected by ``tenants.supervision.tasks``): open the drafts whose window
has begun and close the open surveys whose window is over, every minute per tenant."""

from __future__ import annotations

from celery.schedules import crontab

from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry
from tenants.supervision.surveys import do_close_due_surveys, do_open_due_surveys


@tenant_task(name="tenants.supervision.sweep_surveys")
def sweep_surveys() -> dict[str, int]:
    """Per tenant: open the due drafts (respondents fixed, notified), close the due surveys (the
    pooled text answers released). Idempotent."""
    return {"opened": do_open_due_surveys(), "closed": do_close_due_surveys()}


SCHEDULE = {
    "supervision-surveys": tenant_beat_entry("tenants.supervision.sweep_surveys", crontab(), window_seconds=30),
}
