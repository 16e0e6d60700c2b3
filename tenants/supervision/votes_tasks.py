"""Votes' beat work (collected by ``tenants.supervision.tasks``): open the drafts whose window has
begun and close the open votes whose window is over, every minute per tenant."""

from __future__ import annotations

from celery.schedules import crontab

from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry
from tenants.supervision.votes import do_close_due_votes, do_open_due_votes


@tenant_task(name="tenants.supervision.sweep_votes")
def sweep_votes() -> dict[str, int]:
    """Per tenant: open the due drafts (eligible voters fixed, notified), close the due votes (the
    tally becomes readable). Idempotent."""
    return {"opened": do_open_due_votes(), "closed": do_close_due_votes()}


SCHEDULE = {
    "supervision-votes": tenant_beat_entry("tenants.supervision.sweep_votes", crontab(), window_seconds=30),
}
