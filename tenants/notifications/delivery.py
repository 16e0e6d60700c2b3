"""Delivering notifications outside the app: one ``Delivery`` per notification and channel,
attempted by Celery, retried with backoff, dead-lettered after ``NOTIFY_MAX_ATTEMPTS``.

Deliveries are rows first and tasks second: ``do_notify`` writes them in the caller's
transaction, a task is kicked after commit for those due now, and a per-tenant sweep every
minute sends whatever is due (deferred by quiet hours, waiting for a retry, or whose task was
lost). A row is claimed with ``SELECT … FOR UPDATE SKIP LOCKED``, so the kick and the sweep
never send the same delivery twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import Conflict
from partycloud.tenancy.context import active_schema, active_tenant
from services.notify import DeliveryError, Message, push
from services.notify.email import send_email
from services.notify.push import PushTarget, send_push
from services.notify.sms import send_sms
from tenants.notifications.errors import NotificationsCode
from tenants.notifications.kinds import INTRUSIVE_CHANNELS, Channel, default_enabled
from tenants.notifications.models import Delivery, DeliveryStatus, Notification, PushSubscription
from tenants.notifications.preferences import earliest_send_time, preferences_of, quiet_hours_of_many

DUE_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
SWEEP_BATCH = 500


def retry_delay(attempts: int) -> timedelta:
    """1 min, 4 min, 16 min, ~1 h, ~4 h, then 6 h: transient outages pass, a long one is not hammered."""
    return min(FIRST_RETRY * (1 << 2 * max(attempts - 1, 0)), LONGEST_WAIT)


def plan_deliveries(notification: Notification, now: datetime) -> list[Delivery]:
    """The deliveries this notification needs: the channels the person keeps on for its kind and
    can be reached on, each due now or at the end of their quiet hours."""
    return plan_many_deliveries([notification], now)


def plan_many_deliveries(notifications: Sequence[Notification], now: datetime) -> list[Delivery]:
    """``plan_deliveries`` for many notifications at once (their users loaded): a fixed number
    of queries whatever their number."""
    user_ids = {notification.user_id for notification in notifications}
    kinds = {notification.kind for notification in notifications}
    chosen = preferences_of(user_ids, kinds)
    quiet = quiet_hours_of_many(user_ids)
    with_device = set(PushSubscription.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    push_ready = push.is_configured()
    planned = []
    for notification in notifications:
        user = notification.user
        reachable: dict[str, bool] = {Channel.PUSH: push_ready and user.pk in with_device,
                                      Channel.EMAIL: bool(user.email), Channel.SMS: bool(user.phone)}  # fmt: skip
        for channel in Channel.values:
            wanted = chosen.get((user.pk, notification.kind, channel), default_enabled(notification.kind, channel))
            if not (wanted and reachable[channel]):
                continue
            due = (quiet[user.pk].until(now) or now) if channel in INTRUSIVE_CHANNELS else now
            planned.append(Delivery(notification=notification, channel=channel, next_attempt_at=due, created_at=now))
    return Delivery.objects.bulk_create(planned, batch_size=2000)


def message_of(notification: Notification) -> Message:
    link = notification.link
    if link.startswith("/"):
        link = f"{active_tenant().url}{link}"
    return Message(title=notification.title, body=notification.body, link=link)


def send_to_devices(delivery: Delivery, message: Message, now: datetime) -> int:
    """Push to every device of the person; forget those the push service no longer knows.
    Returns how many accepted; raises when none did and some failed for another reason."""
    accepted, errors = 0, []
    for subscription in PushSubscription.objects.filter(user_id=delivery.notification.user_id):
        target = PushTarget(subscription.endpoint, subscription.p256dh, subscription.auth)
        try:
            send_push(target, message, tag=f"notification-{delivery.notification_id}")
        except DeliveryError as error:
            if error.gone:
                subscription.delete()
            else:
                errors.append(error)
            continue
        accepted += 1
        PushSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=now)
    if not accepted and errors:
        raise DeliveryError("; ".join(str(e) for e in errors), permanent=all(e.permanent for e in errors))
    return accepted


def send_delivery(delivery: Delivery, now: datetime) -> bool:
    """Send on the delivery's channel; False when there is nobody to send to any more."""
    notification = delivery.notification
    user: User = notification.user
    message = message_of(notification)
    if delivery.channel == Channel.PUSH:
        return send_to_devices(delivery, message, now) > 0
    if delivery.channel == Channel.EMAIL:
        if not user.email:
            return False
        send_email(user.email, message, footer=_("Change what reaches you in the portal: Me → Notification settings."))
        return True
    if not user.phone:
        return False
    send_sms(user.phone, message)
    return True


def record_failure(delivery: Delivery, error: DeliveryError, now: datetime) -> None:
    delivery.attempts += 1
    delivery.last_error = str(error)[:500]
    if error.permanent or delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.DEAD, None
    else:
        delivery.status = DeliveryStatus.FAILED
        retry_at = now + retry_delay(delivery.attempts)
        delivery.next_attempt_at = earliest_send_time(delivery.notification.user_id, delivery.channel, retry_at)


def do_attempt_delivery(delivery_id: int, now: datetime | None = None) -> str | None:
    """Attempt one delivery if it is due and nobody else holds it; returns its new status."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("notification__user")
            .filter(pk=delivery_id, status__in=DUE_STATUSES, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        try:
            reached = send_delivery(delivery, now)
        except DeliveryError as error:
            record_failure(delivery, error, now)
        else:
            delivery.attempts += 1
            delivery.status = DeliveryStatus.SENT if reached else DeliveryStatus.SKIPPED
            delivery.sent_at = now if reached else None
            delivery.next_attempt_at = None
            delivery.last_error = "" if reached else _("No way to reach this person on this channel any more.")
        delivery.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at", "last_error"])
        return str(delivery.status)


def due_delivery_ids(now: datetime) -> list[int]:
    return list(
        Delivery.objects.filter(status__in=DUE_STATUSES, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def do_send_due_deliveries(now: datetime | None = None) -> dict[str, int]:
    """Attempt every delivery that is due; counts by resulting status."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for delivery_id in due_delivery_ids(now):
        status = do_attempt_delivery(delivery_id, now)
        if status is not None:
            counts[status] = counts.get(status, 0) + 1
    return counts


def do_retry_delivery(delivery_id: int, *, actor: Actor, now: datetime | None = None) -> Delivery:
    """A tenant admin sends a dead (or failing) delivery again now: one more attempt."""
    delivery = Delivery.objects.select_related("notification__user").filter(pk=delivery_id).first()
    if delivery is None or delivery.status not in {DeliveryStatus.DEAD, DeliveryStatus.FAILED}:
        raise Conflict(NotificationsCode.NOT_RETRYABLE, _("Only failed deliveries can be retried."))
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = now or timezone.now()
    delivery.save(update_fields=["status", "next_attempt_at"])
    do_record_audit(
        event="notification.delivery.retry",
        details={"channel": delivery.channel},
        actor=actor,
        target=delivery,
        target_label=delivery.notification.user.name,
    )
    kick_deliveries([delivery.pk])
    return delivery


def kick_deliveries(delivery_ids: list[int]) -> None:
    """Send these as soon as the transaction commits (the sweep catches them if the task is lost)."""
    if not delivery_ids:
        return
    # Imported here: tasks import this module for the services they run.
    from tenants.notifications.tasks import send_deliveries

    schema = active_schema()

    def send() -> None:
        # The task runs in the schema active when it is sent; on_commit may run after the caller left it.
        with schema_context(schema):
            send_deliveries.delay(delivery_ids)

    transaction.on_commit(send)
