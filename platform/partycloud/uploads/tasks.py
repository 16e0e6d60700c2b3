"""Celery entry points of uploads."""

from __future__ import annotations

from partycloud.uploads.services import do_abort_stale_uploads
from services.tasks import tenant_task


# The name predates the move from services.storage: beat schedules and queued messages use it.
@tenant_task(name="services.storage.abort_stale_uploads")
def abort_stale_uploads() -> int:
    """Per schema, daily: pending uploads older than a day are aborted and their bytes deleted."""
    return do_abort_stale_uploads()
