from __future__ import annotations

from services.tasks import tenant_task
from tenants.access.services import rebuild_tenant_access_index


@tenant_task(name="tenants.access.rebuild_tenant_access_index")
def rebuild_tenant_access_index_task() -> int:
    """Per tenant (sent by the fan-out): repair the public index of roles held here."""
    return rebuild_tenant_access_index()
