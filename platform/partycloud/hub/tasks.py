from __future__ import annotations

from celery.schedules import crontab

from partycloud.hub.pockets import detect_unreceived_transfers, detect_unregistered_members
from services.tasks import tenant_task


@tenant_task(name="hub.detect_pocket_members")
def detect_pocket_members() -> int:
    """Public schema, nightly: open cases for party members who are on no branch's roll."""
    return detect_unregistered_members() + detect_unreceived_transfers()


SCHEDULE = {
    # Pocket members (口袋党员): roster vs member records across tenants.
    "pocket-members": {"task": "hub.detect_pocket_members", "schedule": crontab(hour=3, minute=30)},
}
