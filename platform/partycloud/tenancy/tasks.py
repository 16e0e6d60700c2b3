from __future__ import annotations

from partycloud.tenancy.schemas import refill_spare_pool
from services.tasks import tenant_task


@tenant_task(name="tenancy.refill_spare_schemas")
def refill_spare_schemas() -> int:
    """Public schema: top up the pool of pre-cloned spare schemas."""
    return refill_spare_pool()
