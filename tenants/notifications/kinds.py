"""Notification kinds and the channels each reaches by default.

The defaults are data (one table, read in one place): in-app is always on; push is on for
every kind; email for deadlines (a dated step someone must take); SMS only for urgent kinds
(something already late that costs a member's standing or leaves a pocket member). A person's
own choices (``NotificationPreference``) override the table per kind and channel.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    GENERAL = "general", _("Other notices")
    DEVELOPMENT_DEADLINE = "development.deadline", _("Party member development deadlines")
    RE_ELECTION = "organizations.re_election", _("Terms of office ending")
    TRANSFER_OVERDUE = "transfers.overdue", _("Transfers not received in time")
    DUES_REMINDER = "dues.reminder", _("Dues reminders")
    DUES_ARREARS = "dues.arrears", _("Dues arrears (3 or 6 months)")
    MEETING_NOTICE = "meetings.notice", _("Meeting notices, leave and make-up study")
    MEETING_COMPLIANCE = "meetings.compliance", _("Organizational life still missing this period")
    EXCHANGE_REVIEW = "exchange.review", _("Posts and comments to review, and review results")
    EXCHANGE_REPLY = "exchange.reply", _("Replies to my posts and comments, and mentions")
    ANNOUNCEMENT = "supervision.announcement", _("Announcements of open party affairs")
    SUPERVISION_DEADLINE = "supervision.deadline", _("Reports, petitions and inquiries due or overdue")
    SUPERVISION_NOTICE = "supervision.notice", _("Publicity, surveys and votes")


class Channel(models.TextChoices):
    """Channels outside the app; the in-app list and the live socket are always on."""

    PUSH = "push", _("Push to this phone")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


PUSH, EMAIL, SMS = Channel.PUSH, Channel.EMAIL, Channel.SMS

DEFAULT_CHANNELS: dict[str, frozenset[str]] = {
    NotificationKind.GENERAL: frozenset({PUSH}),
    NotificationKind.DEVELOPMENT_DEADLINE: frozenset({PUSH, EMAIL}),
    NotificationKind.RE_ELECTION: frozenset({PUSH, EMAIL}),
    NotificationKind.TRANSFER_OVERDUE: frozenset({PUSH, EMAIL, SMS}),
    NotificationKind.DUES_REMINDER: frozenset({PUSH, EMAIL}),
    NotificationKind.DUES_ARREARS: frozenset({PUSH, EMAIL, SMS}),
    NotificationKind.MEETING_NOTICE: frozenset({PUSH}),
    NotificationKind.MEETING_COMPLIANCE: frozenset({PUSH, EMAIL}),
    NotificationKind.EXCHANGE_REVIEW: frozenset({PUSH}),
    NotificationKind.EXCHANGE_REPLY: frozenset({PUSH}),
    NotificationKind.ANNOUNCEMENT: frozenset({PUSH}),
    NotificationKind.SUPERVISION_DEADLINE: frozenset({PUSH, EMAIL, SMS}),
    NotificationKind.SUPERVISION_NOTICE: frozenset({PUSH}),
}

# Email is read when the person chooses to; push and SMS wake a phone, so they wait for the
# end of quiet hours.
INTRUSIVE_CHANNELS = frozenset({PUSH, SMS})


def default_enabled(kind: str, channel: str) -> bool:
    return channel in DEFAULT_CHANNELS.get(kind, DEFAULT_CHANNELS[NotificationKind.GENERAL])
