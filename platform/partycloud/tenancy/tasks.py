from __future__ import annotations

from typing import Any

from celery.schedules import crontab

from partycloud.tenancy.models import PartyCommittee
from partycloud.tenancy.schemas import refill_spare_pool
from services.tasks import tenant_task
from services.tasks.periodic import FAN_OUT_TASK, spread_offset


@tenant_task(name="tenancy.refill_spare_schemas")
def refill_spare_schemas() -> int:
    """Public schema: top up the pool of pre-cloned spare schemas."""
    return refill_spare_pool()


@tenant_task(name=FAN_OUT_TASK, bind=True, ignore_result=False)  # its count is read by tests
def fan_out_to_tenants(
    self: Any, task_name: str, window_seconds: int = 3600, kwargs: dict[str, Any] | None = None
) -> int:
    """Public schema (beat, ``services.tasks.periodic.tenant_beat_entry``): send ``task_name`` into
    every active tenant, spread over ``window_seconds``."""
    task = self.app.tasks[task_name]
    sent = 0
    for tenant in PartyCommittee.objects.active().only("id", "schema_name", "status", "kind"):
        with tenant:
            task.apply_async(
                kwargs=kwargs or {}, countdown=spread_offset(tenant.schema_name, task_name, window_seconds)
            )
        sent += 1
    return sent


SCHEDULE = {
    # Keep spare schemas ready for near-instant provisioning.
    "spare-schemas": {"task": "tenancy.refill_spare_schemas", "schedule": crontab(minute="*/10")},
}
