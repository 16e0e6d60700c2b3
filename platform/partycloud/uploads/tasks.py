"""Celery entry points of uploads."""

from __future__ import annotations

from celery.schedules import crontab

from partycloud.uploads.services import do_abort_stale_uploads
from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry


# The name predates the move from services.storage: beat schedules and queued messages use it.
@tenant_task(name="services.storage.abort_stale_uploads")
def abort_stale_uploads() -> int:
    """Per schema, daily: pending uploads older than a day are aborted and their bytes deleted."""
    return do_abort_stale_uploads()


SCHEDULE = {
    # Uploads started but never completed: abort them and delete their bytes (tenants, then the group).
    "stale-uploads": tenant_beat_entry(
        "services.storage.abort_stale_uploads", crontab(hour=4, minute=0), window_seconds=3600
    ),
    "stale-uploads-group": {"task": "services.storage.abort_stale_uploads", "schedule": crontab(hour=4, minute=0)},
}
