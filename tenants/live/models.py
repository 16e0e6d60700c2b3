"""Live lessons and their stream keys.

The app lives in the public schema *and* in every tenant schema (like ``tenants.learning``): a
tenant's lessons are its schema's rows; the **group's** lessons (group-wide, watched from every
subsidiary's host) are the public schema's rows, with ``audience_tenants`` naming the subsidiaries
(empty: all of them). Code addresses a lesson by a ``LessonRef`` (``tenants.live.audience``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class LessonStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    LIVE = "live", _("live")
    ENDED = "ended", _("ended")
    CANCELLED = "cancelled", _("cancelled")


class Lesson(models.Model):
    """A live lesson for the whole tenant (``organization`` null) or an organization's subtree."""

    title = models.CharField(_("title"), max_length=200)
    lecturer = models.CharField(_("lecturer"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    planned_end_at = models.DateTimeField(_("planned end"))
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A tenant lesson's audience: null = the whole tenant, else the organization's subtree. No
    # database constraint: the public schema (group lessons) has no organizations table.
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    # A group lesson's audience: the subsidiaries' PartyCommittee ids; empty = every active one.
    audience_tenants = ArrayField(models.IntegerField(), default=list, blank=True)
    # The organization's 党课 of the quarter (organizational life counts it).
    counts_as_party_lesson = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=LessonStatus.choices, default=LessonStatus.SCHEDULED)
    went_live_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The cover picture: the claimed upload (purpose ``live_cover``) and its object key.
    cover_upload = models.UUIDField(null=True, blank=True)
    cover_key = models.CharField(max_length=300, blank=True)
    # Learning-library resources handed out with the lesson: ``[{"uuid": str, "shared": bool}]``
    # (shared: the group's library, else the lesson's own schema's).
    materials = models.JSONField(default=list, blank=True)
    # When the audience was told the lesson starts soon (the reminder runs once per lesson).
    reminded_at = models.DateTimeField(null=True, blank=True)
    # The recording, once taken into the library (a draft video resource of the lesson's schema).
    recording_resource_uuid = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["status", "starts_at"], name="live_lesson_status_start")]

    def __str__(self) -> str:
        return self.title


class StreamKey(models.Model):
    """A lesson's stream key: only its SHA-256 is stored; the clear key is shown once."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="stream_keys")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set while a media server has an encoder publishing with this key.
    publishing = models.BooleanField(default=False)
    publishing_since = models.DateTimeField(null=True, blank=True)
    last_addr = models.CharField(max_length=64, blank=True)
    # What the media server names the stream, its HLS folder and recordings instead of the key
    # (``<schema>-<lesson id>-<12 hex>``, tenants.live.hooks): set at the key's first publish.
    playback_name = models.CharField(max_length=100, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"stream key {self.pk} of lesson {self.lesson_id} ({state})"


# ------------------------------------------------------------------------------ chat (issue 13)


class ChatEventKind(models.TextChoices):
    MESSAGE = "message", _("message")
    QUESTION = "question", _("question")
    ANSWERED = "answered", _("answered")
    UPVOTES = "upvotes", _("upvotes")
    REMOVED = "removed", _("removed")
    PINNED = "pinned", _("pinned")
    UNPINNED = "unpinned", _("unpinned")
    MUTED = "muted", _("muted")
    UNMUTED = "unmuted", _("unmuted")
    SLOW_MODE = "slow_mode", _("slow mode")
    STATUS = "status", _("status")


class ChatEvent(models.Model):
    """One event of a lesson's chat room, in the lesson's schema (public for a group lesson).

    ``event_id`` is the room's sequence number (Redis ``INCR``, strictly increasing); Redis keeps
    the room's last events for sockets, these rows keep all of them for history and the export.
    A removed message keeps its row (``removed``); a question's ``payload`` carries its upvotes and
    whether it was answered.
    """

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="chat_events")
    event_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=12, choices=ChatEventKind.choices)
    sender_tenant = models.CharField(max_length=30, blank=True)  # the sender's tenant slug
    sender_user_id = models.BigIntegerField(null=True, blank=True)
    sender_display = models.CharField(max_length=200, blank=True)  # 中能电力·张三
    text = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)  # the event as broadcast
    removed = models.BooleanField(default=False)
    at = models.DateTimeField()

    class Meta:
        ordering = ["lesson", "event_id"]
        constraints = [models.UniqueConstraint(fields=["lesson", "event_id"], name="live_chatevent_lesson_event")]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id} of lesson {self.lesson_id}"


class SensitiveWord(models.Model):
    """A word the chat refuses (the tenant's list; the public schema's is the group's list)."""

    word = models.CharField(_("word"), max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["word", "id"]
        constraints = [models.UniqueConstraint(fields=["word"], name="live_sensitiveword_word")]

    def __str__(self) -> str:
        return self.word


class AttendanceRule(models.Model):
    """A version of the live-attendance rule (DOMAIN_RULES §10, *local*): present = watched live
    (playing, in the foreground) at least ``present_numerator / present_denominator`` of the
    lesson's actual duration. The newest version in force on the lesson's day applies; a tenant
    may add its own version. Every verdict names the version it used."""

    version = models.CharField(max_length=40, unique=True)
    effective_from = models.DateField()
    source = models.CharField(max_length=200)
    # A fraction, not a decimal: 2/3 exactly (the verdict at the boundary must not depend on rounding).
    present_numerator = models.PositiveSmallIntegerField(default=2)
    present_denominator = models.PositiveSmallIntegerField(default=3)

    class Meta:
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(present_denominator__gt=0)
                & models.Q(present_numerator__lte=models.F("present_denominator")),
                name="live_attendance_rule_share",
            )
        ]

    def __str__(self) -> str:
        return self.version


class Attendance(models.Model):
    """One person's watch time of one lesson, kept in the VIEWER's tenant schema (a group lesson's
    rows are spread over the tenants, each keeping its own members'). The lesson is named by its
    ``LessonRef`` parts (it may live in the public schema: no foreign key). Live time counts
    towards attendance; replay time is make-up study (补学) only."""

    lesson_scope = models.CharField(max_length=8)  # tenants.live.audience.LessonScope
    lesson_schema = models.CharField(max_length=63)
    lesson_id = models.IntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The member record at the first heartbeat (None: an admin who is not a member here).
    member_id = models.IntegerField(null=True, blank=True)
    organization_id = models.IntegerField(null=True, blank=True)
    live_seconds = models.PositiveIntegerField(default=0)
    replay_seconds = models.PositiveIntegerField(default=0)
    first_beat_at = models.DateTimeField()
    last_beat_at = models.DateTimeField()
    # Counting once across tabs and devices (tenants.learning.study.count_heartbeat).
    last_counted_at = models.DateTimeField(null=True, blank=True)
    sessions = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["lesson_schema", "lesson_id", "user_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lesson_scope", "lesson_schema", "lesson_id", "user"], name="live_attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.lesson_schema}:{self.lesson_id}"
