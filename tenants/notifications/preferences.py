"""Who wants what, where and when: preferences by kind and channel, quiet hours, devices."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.models import User
from partycloud.core.errors import ServiceError
from services.notify import push
from tenants.notifications.errors import NotificationsCode
from tenants.notifications.kinds import INTRUSIVE_CHANNELS, Channel, NotificationKind, default_enabled
from tenants.notifications.models import NotificationPreference, PushSubscription, QuietHours


@dataclass(frozen=True)
class Quiet:
    enabled: bool
    start: time
    end: time

    def until(self, moment: datetime) -> datetime | None:
        """The end of the quiet period ``moment`` falls in (aware, local), or None when not quiet."""
        if not self.enabled or self.start == self.end:
            return None
        local = timezone.localtime(moment)
        now = local.time()
        spans_midnight = self.start > self.end
        quiet = (now >= self.start or now < self.end) if spans_midnight else (self.start <= now < self.end)
        if not quiet:
            return None
        day = local.date() + timedelta(days=1) if spans_midnight and now >= self.start else local.date()
        return timezone.make_aware(datetime.combine(day, self.end), timezone.get_current_timezone())


def quiet_hours_of(user_id: int) -> Quiet:
    row = QuietHours.objects.filter(user_id=user_id).first()
    if row is None:
        return Quiet(True, QuietHours.DEFAULT_START, QuietHours.DEFAULT_END)
    return Quiet(row.enabled, row.start, row.end)


def quiet_hours_of_many(user_ids: Iterable[int]) -> dict[int, Quiet]:
    """``quiet_hours_of`` for many people in one query (a default for those without a row)."""
    default = Quiet(True, QuietHours.DEFAULT_START, QuietHours.DEFAULT_END)
    found = {
        row.user_id: Quiet(row.enabled, row.start, row.end) for row in QuietHours.objects.filter(user_id__in=user_ids)
    }
    return defaultdict(lambda: default, found)


def preferences_of(user_ids: Iterable[int], kinds: Iterable[str]) -> dict[tuple[int, str, str], bool]:
    """The choices these people made for these kinds: ``(user_id, kind, channel) -> enabled``."""
    rows = NotificationPreference.objects.filter(user_id__in=user_ids, kind__in=kinds)
    return {(user_id, kind, channel): enabled for user_id, kind, channel, enabled in rows.values_list(
        "user_id", "kind", "channel", "enabled")}  # fmt: skip


def earliest_send_time(user_id: int, channel: str, moment: datetime) -> datetime:
    """``moment``, or the end of the person's quiet hours for channels that wake a phone."""
    if channel not in INTRUSIVE_CHANNELS:
        return moment
    return quiet_hours_of(user_id).until(moment) or moment


def enabled_channels(user_id: int, kind: str) -> set[str]:
    chosen = dict(NotificationPreference.objects.filter(user_id=user_id, kind=kind).values_list("channel", "enabled"))
    return {channel for channel in Channel.values if chosen.get(channel, default_enabled(kind, channel))}


def reachable_channels(user: User) -> dict[str, str]:
    """Channels this person can be reached on now → '' ; the others → why not (for the settings page)."""
    has_device = PushSubscription.objects.filter(user_id=user.pk).exists()
    return {
        Channel.PUSH: ""
        if push.is_configured() and has_device
        else (
            _("Push is not set up on this platform.") if not push.is_configured() else _("No phone has push turned on.")
        ),
        Channel.EMAIL: "" if user.email else _("No email address on your profile."),
        Channel.SMS: "" if user.phone else _("No mobile number on your profile."),
    }


def preference_matrix(user: User) -> dict[str, Any]:
    """Everything the 通知设置 page shows."""
    chosen = {
        (kind, channel): enabled
        for kind, channel, enabled in NotificationPreference.objects.filter(user_id=user.pk).values_list(
            "kind", "channel", "enabled"
        )
    }
    quiet = quiet_hours_of(user.pk)
    reasons = reachable_channels(user)
    return {
        "kinds": [
            {
                "kind": kind,
                "label": str(label),
                "channels": {
                    channel: chosen.get((kind, channel), default_enabled(kind, channel)) for channel in Channel.values
                },
            }
            for kind, label in NotificationKind.choices
        ],
        "channels": [
            {"channel": channel, "label": str(label), "reachable": not reasons[channel], "reason": reasons[channel]}
            for channel, label in Channel.choices
        ],
        "quiet_hours": {"enabled": quiet.enabled, "start": quiet.start, "end": quiet.end},
        "push": {
            "public_key": push.vapid_public_key(),
            "devices": PushSubscription.objects.filter(user_id=user.pk).count(),
        },
    }


def check_preferences(preferences: list[dict[str, Any]]) -> None:
    for item in preferences:
        if item.get("kind") not in NotificationKind.values:
            raise ServiceError(NotificationsCode.UNKNOWN_KIND, _("Unknown notification kind."), "preferences")
        if item.get("channel") not in Channel.values:
            raise ServiceError(NotificationsCode.UNKNOWN_CHANNEL, _("Unknown channel."), "preferences")


@transaction.atomic
def do_update_preferences(
    user: User, preferences: list[dict[str, Any]], quiet_hours: dict[str, Any] | None = None
) -> dict[str, Any]:
    check_preferences(preferences)
    for item in preferences:
        NotificationPreference.objects.update_or_create(
            user=user, kind=item["kind"], channel=item["channel"], defaults={"enabled": bool(item["enabled"])}
        )
    if quiet_hours is not None:
        QuietHours.objects.update_or_create(
            user=user,
            defaults={
                "enabled": bool(quiet_hours.get("enabled", True)),
                "start": quiet_hours.get("start", QuietHours.DEFAULT_START),
                "end": quiet_hours.get("end", QuietHours.DEFAULT_END),
            },
        )
    return preference_matrix(user)


def check_push_subscription(endpoint: str, p256dh: str, auth: str) -> None:
    if not push.is_configured():
        raise ServiceError(NotificationsCode.PUSH_NOT_CONFIGURED, _("Push is not set up on this platform."))
    if not p256dh or not auth:
        raise ServiceError(
            NotificationsCode.BAD_SUBSCRIPTION, _("The browser gave an incomplete push subscription."), "endpoint"
        )
    if not push.endpoint_allowed(endpoint):
        # The server posts to this URL: only the browsers' push services, never an address of the caller's choosing.
        raise ServiceError(
            NotificationsCode.UNKNOWN_PUSH_SERVICE, _("This browser's push service is not supported."), "endpoint"
        )


def do_subscribe_push(user: User, endpoint: str, p256dh: str, auth: str, user_agent: str = "") -> PushSubscription:
    """Register this device; a device that another person used before now belongs to this one."""
    check_push_subscription(endpoint, p256dh, auth)
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"user": user, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:300]},
    )
    return subscription


def do_unsubscribe_push(user: User, endpoint: str) -> int:
    deleted, _rows = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted
