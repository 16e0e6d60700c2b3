from __future__ import annotations

from celery.schedules import crontab

from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry
from tenants.notifications.delivery import do_attempt_delivery, do_send_due_deliveries


@tenant_task(name="tenants.notifications.send_deliveries")
def send_deliveries(delivery_ids: list[int]) -> int:
    """Right after a notification commits: its deliveries that are due now."""
    return sum(do_attempt_delivery(delivery_id) is not None for delivery_id in delivery_ids)


@tenant_task(name="tenants.notifications.send_due_deliveries")
def send_due_deliveries() -> dict[str, int]:
    """Per tenant, every minute: deliveries deferred by quiet hours, due for a retry, or whose task was lost."""
    return do_send_due_deliveries()


SCHEDULE = {
    # Notifications outside the app: deferred by quiet hours, retries, lost kicks.
    "notification-deliveries": tenant_beat_entry(
        "tenants.notifications.send_due_deliveries", crontab(minute="*"), window_seconds=45
    ),
}
