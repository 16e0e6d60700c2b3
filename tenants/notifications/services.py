"""Sending and reading notifications. Run in the tenant's schema.

``do_notify`` is the one entry point for every module: it stores the in-app notification,
plans its deliveries outside the app (push, email, SMS: ``delivery``) by the person's
preferences for its ``kind``, and after commit pushes it to open sockets and kicks the
deliveries due now."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django_tenants.utils import schema_context

from partycloud.accounts.models import User
from partycloud.tenancy.context import active_schema
from services.realtime.groups import send_to_group, send_to_groups, user_group
from tenants.notifications.delivery import kick_deliveries, plan_deliveries, plan_many_deliveries
from tenants.notifications.kinds import NotificationKind
from tenants.notifications.models import Notification


def serialize(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "link": notification.link,
        "created_at": notification.created_at.isoformat(),
        "read_at": notification.read_at.isoformat() if notification.read_at else None,
    }


def unread_count(user_id: int) -> int:
    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()


def do_notify(
    user: User, title: str, body: str = "", link: str = "", *, kind: str = NotificationKind.GENERAL
) -> Notification:
    """Store a notification, plan its deliveries by the person's preferences for ``kind``, and
    push it to the user's sockets once the transaction commits."""
    notification = Notification.objects.create(user=user, kind=kind, title=title[:200], body=body, link=link)
    deliveries = plan_deliveries(notification, notification.created_at)
    kick_deliveries([d.pk for d in deliveries if d.next_attempt_at and d.next_attempt_at <= notification.created_at])
    schema = active_schema()
    payload = serialize(notification)

    def push() -> None:
        # on_commit callbacks may run after the caller left the tenant's context.
        with schema_context(schema):
            unread = unread_count(user.pk)
        send_to_group(
            user_group(schema, user.pk), {"type": "notification.message", "notification": payload, "unread": unread}
        )

    transaction.on_commit(push)
    return notification


def do_notify_many(
    users: Sequence[User], title: str, body: str = "", link: str = "", *, kind: str = NotificationKind.GENERAL
) -> int:
    """``do_notify`` for a large audience (a live lesson's thousands of members): the
    notifications and their deliveries in bulk, one push to everybody's sockets after commit.
    Returns how many were stored."""
    if not users:
        return 0
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        [Notification(user=user, kind=kind, title=title[:200], body=body, link=link, created_at=now) for user in users],
        batch_size=2000,
    )
    deliveries = plan_many_deliveries(notifications, now)
    kick_deliveries([d.pk for d in deliveries if d.next_attempt_at and d.next_attempt_at <= now])
    schema = active_schema()
    payloads = {notification.user_id: serialize(notification) for notification in notifications}

    def push() -> None:
        with schema_context(schema):
            unread = dict(
                Notification.objects.filter(user_id__in=payloads, read_at__isnull=True)
                .values("user_id")
                .annotate(n=Count("id"))
                .values_list("user_id", "n")
            )
        send_to_groups(
            [
                (
                    user_group(schema, user_id),
                    {"type": "notification.message", "notification": payload, "unread": unread.get(user_id, 0)},
                )
                for user_id, payload in payloads.items()
            ]
        )

    transaction.on_commit(push)
    return len(notifications)


def do_notify_once(
    user: User, title: str, body: str = "", link: str = "", *, kind: str = NotificationKind.GENERAL
) -> bool:
    """Notify unless this user already has a notification with ``link`` (reminder tasks rerun daily)."""
    if Notification.objects.filter(user=user, link=link).exists():
        return False
    do_notify(user, title, body, link, kind=kind)
    return True


def do_push_event(user_ids: Iterable[int], event: dict[str, Any]) -> None:
    """Push a live event (``{"type": "<app>.<what>", ...}``, e.g. ``meetings.signed_in``) to the
    users' notification sockets in this tenant once the transaction commits. Nothing is stored:
    it refreshes an open screen, it is not a notification."""
    schema = active_schema()
    groups = [user_group(schema, user_id) for user_id in sorted(set(user_ids))]
    if not groups:
        return
    transaction.on_commit(
        lambda: send_to_groups([(group, {"type": "event.message", "event": event}) for group in groups])
    )


def do_mark_read(user_id: int, notification_id: int | None = None) -> int:
    """Mark one notification (or all) of the user read; returns how many changed."""
    unread = Notification.objects.filter(user_id=user_id, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
