from __future__ import annotations

from celery.schedules import crontab
from django.utils import timezone

from partycloud.accounts.models import User
from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry
from tenants.access.services import tenant_admins
from tenants.notifications.kinds import NotificationKind
from tenants.notifications.services import do_notify
from tenants.transfers.models import Transfer
from tenants.transfers.services import overdue_transfers


@tenant_task(name="tenants.transfers.alert_overdue_transfers")
def alert_overdue_transfers() -> int:
    """Per tenant, daily: tell the tenant admins (and whoever started it) about each transfer
    that was not received within its validity. Both sides run this, so both are told."""
    today = timezone.localdate()
    admins = tenant_admins()
    alerted = 0
    for transfer in overdue_transfers(today):
        if transfer.overdue_alerted_on == today:
            continue
        recipients = {user.pk: user for user in admins}
        if transfer.initiated_by_id:
            initiator = User.objects.filter(pk=transfer.initiated_by_id).first()
            if initiator is not None:
                recipients[initiator.pk] = initiator
        for user in recipients.values():
            do_notify(
                user,
                f"组织关系转接逾期未接收：{transfer.member_name}（{transfer.number}）",
                f"有效期至 {transfer.valid_until:%Y-%m-%d}，请尽快联系对方处理，防止出现口袋党员。",
                f"/console/transfers/{transfer.pk}",
                kind=NotificationKind.TRANSFER_OVERDUE,
            )
        Transfer.objects.filter(pk=transfer.pk).update(overdue_alerted_on=today)
        alerted += 1
    return alerted


SCHEDULE = {
    # Transfers not received within their validity: alert both sides every morning.
    "overdue-transfers": tenant_beat_entry(
        "tenants.transfers.alert_overdue_transfers", crontab(hour=8, minute=0), window_seconds=1800
    ),
}
