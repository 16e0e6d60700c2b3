from __future__ import annotations

from partycloud.hub.pockets import detect_unreceived_transfers, detect_unregistered_members
from services.tasks import tenant_task


@tenant_task(name="hub.detect_pocket_members")
def detect_pocket_members() -> int:
    """Public schema, nightly: open cases for party members who are on no branch's roll."""
    return detect_unregistered_members() + detect_unreceived_transfers()
