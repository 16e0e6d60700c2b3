from __future__ import annotations

from celery.schedules import crontab

from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry
from tenants.access.services import rebuild_tenant_access_index


@tenant_task(name="tenants.access.rebuild_tenant_access_index")
def rebuild_tenant_access_index_task() -> int:
    """Per tenant (sent by the fan-out): repair the public index of roles held here."""
    return rebuild_tenant_access_index()


SCHEDULE = {
    # Nightly drift repair of the public index of who has access where.
    "tenant-access-index": tenant_beat_entry(
        "tenants.access.rebuild_tenant_access_index", crontab(hour=2, minute=0), window_seconds=3 * 3600
    ),
}
