"""Organizational life (组织生活, DOMAIN_RULES §2): the activity kinds and their expected
frequencies as versioned rule data, each organization's annual plan, meeting records with
invitees, sign-in, leave, minutes, resolutions and make-up study, and the compliance reminders.

The frequencies are data, not code: an ``ActivityRule`` version (effective from a date, with its
source document) holds one ``ActivityRequirement`` per kind; the newest version in force on a
period's first day applies, and a tenant may add a *local* version (its own kinds, such as
中心组学习 or 支部活动日, with their own frequency). Every compliance verdict names the version.
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Period(models.TextChoices):
    MONTH = "month", _("month")
    QUARTER = "quarter", _("quarter")
    YEAR = "year", _("year")


class AppliesTo(models.TextChoices):
    """Which organizations a requirement binds (DOMAIN_RULES §2)."""

    BRANCH = "branch", _("every branch")
    # Only a branch with a committee: at least ``ActivityRule.committee_threshold`` full members.
    BRANCH_WITH_COMMITTEE = "branch_with_committee", _("branches with a committee")
    PARTY_GROUP = "party_group", _("every party group")
    # 党委 and 党总支 (e.g. 中心组学习 of a committee).
    COMMITTEE = "committee", _("party committees and general branches")
    # Heart-to-heart talks: each committee member with each member of the branch, per period.
    BRANCH_PAIRS = "branch_pairs", _("each committee member with each member")


class StatsCategory(models.TextChoices):
    """What the group's annual 组织生活频次统计 counts a kind as."""

    BRANCH_DAY = "branch_day", _("branch activity day")
    LIFE_MEETING = "life_meeting", _("organizational life meeting")
    DEMOCRATIC_EVALUATION = "democratic_evaluation", _("democratic evaluation")
    STUDY = "study", _("collective study")
    OTHER = "other", _("other")


class ActivityKind(models.Model):
    """A kind of organizational-life activity: the eight of the regulations (``builtin``, codes from
    DOMAIN_RULES §2) and those a tenant defines for itself."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    builtin = models.BooleanField(default=False, editable=False)
    # The general meeting decides by vote: more than half of the full members with voting rights
    # must be present, and a resolution passes with more than half of them voting for it.
    needs_quorum = models.BooleanField(default=False)
    # A three-meetings-one-lesson kind (三会一课): the group's compliance matrix shows it.
    three_one = models.BooleanField(default=False)
    stats_category = models.CharField(max_length=24, choices=StatsCategory.choices, default=StatsCategory.OTHER)
    is_active = models.BooleanField(default=True)
    ordering = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["ordering", "id"]

    def __str__(self) -> str:
        return self.name


class ActivityRule(models.Model):
    """One version of the expected frequencies. The newest version in force on a period's first
    day applies; ``local`` versions are a tenant's own (*local* in DOMAIN_RULES)."""

    version = models.CharField(max_length=40, unique=True)
    effective_from = models.DateField()
    source = models.CharField(max_length=200)
    local = models.BooleanField(default=False)
    # A branch has a committee from this many full members (支部委员会: 7).
    committee_threshold = models.PositiveSmallIntegerField(default=7)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return self.version


class ActivityRequirement(models.Model):
    """Within a rule version: at least ``minimum`` activities of ``kind`` per ``period`` for every
    organization that ``applies_to`` names."""

    rule = models.ForeignKey(ActivityRule, on_delete=models.CASCADE, related_name="requirements")
    kind = models.ForeignKey(ActivityKind, on_delete=models.PROTECT, related_name="requirements")
    period = models.CharField(max_length=8, choices=Period.choices)
    minimum = models.PositiveSmallIntegerField(default=1)
    applies_to = models.CharField(max_length=24, choices=AppliesTo.choices)

    class Meta:
        ordering = ["rule_id", "kind__ordering", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "kind"], name="meetings_requirement_once"),
            models.CheckConstraint(condition=models.Q(minimum__gte=1), name="meetings_requirement_minimum"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.kind_id} ≥ {self.minimum}/{self.period}"


class PlannedActivity(models.Model):
    """One line of an organization's annual plan: an activity of a kind planned in a month.
    Generated from the rules (``generated``) and editable; a held meeting fulfils it."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    kind = models.ForeignKey(ActivityKind, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    generated = models.BooleanField(default=False)
    meeting = models.ForeignKey("Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "year", "month", "kind__ordering", "id"]
        indexes = [models.Index(fields=["organization", "year"], name="meetings_plan_org_year")]
        constraints = [
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="meetings_plan_month"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.year}-{self.month:02d} {self.kind_id}"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("planned")  # recorded, invitees not told yet
    NOTIFIED = "notified", _("notified")  # invitees told (in-app and WebSocket)
    HELD = "held", _("held")  # took place: counts for compliance
    CANCELLED = "cancelled", _("cancelled")


class LocalDate(models.Func):
    """The day of a timestamp in the site's time zone (settings.TIME_ZONE, the tenants' Asia/Shanghai):
    ``timezone(text, timestamptz)`` is immutable, so a generated column may use it."""

    output_field = models.DateField()

    def __init__(self, expression: str) -> None:
        super().__init__(expression)

    @property
    def template(self) -> str:  # type: ignore[override]
        zone = settings.TIME_ZONE
        if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", zone):
            raise ValueError(f"unexpected TIME_ZONE {zone!r}")
        return f"((%(expressions)s AT TIME ZONE '{zone}')::date)"


def new_signin_secret() -> str:
    return secrets.token_hex(16)


class Meeting(models.Model):
    """A record of one activity of organizational life (会议记录)."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    kind = models.ForeignKey(ActivityKind, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agenda = models.TextField(_("agenda"), blank=True)
    # Rich text, sanitized (core.richtext) and checked by the confidentiality gate before saving.
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_marking = models.CharField(max_length=12, default="internal")  # public / internal
    status = models.CharField(max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    held_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=300, blank=True)
    # A general meeting's quorum, fixed when it is marked held: the full members with voting
    # rights of the organization (应到) and those present (实到).
    voting_members = models.PositiveIntegerField(null=True, blank=True)
    voting_present = models.PositiveIntegerField(null=True, blank=True)
    # The live lesson this party lecture was given as (tenants.live LessonRef parts), if any:
    # attendance then comes from the watch time.
    lesson_scope = models.CharField(max_length=8, blank=True)
    lesson_schema = models.CharField(max_length=63, blank=True)
    lesson_id = models.IntegerField(null=True, blank=True)
    # Rotating QR sign-in codes are HMACs over (meeting, 30-second window) with this secret.
    signin_secret = models.CharField(max_length=32, default=new_signin_secret, editable=False)
    # The rule version in force when the meeting was held (for the record; verdicts recompute).
    rule_version = models.CharField(max_length=40, blank=True)
    # The start's day in the tenant's time zone (a meeting straddling midnight counts on its start
    # day): what compliance counts by, and the outbox's period column (its trigger truncates in UTC).
    starts_on = models.GeneratedField(
        expression=LocalDate("starts_at"),
        output_field=models.DateField(),
        db_persist=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "starts_at"], name="meetings_org_start"),
            models.Index(fields=["status", "starts_at"], name="meetings_status_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="meetings_ends_after"),
        ]

    def __str__(self) -> str:
        return self.title


class AttendanceStatus(models.TextChoices):
    INVITED = "invited", _("invited")
    PRESENT = "present", _("present")
    ABSENT = "absent", _("absent")
    LEAVE_REQUESTED = "leave_requested", _("leave requested")
    LEAVE_APPROVED = "leave_approved", _("on approved leave")


class SignInMethod(models.TextChoices):
    QR = "qr", _("QR code")
    CARD = "card", _("employee card")
    MANUAL = "manual", _("by the host")
    LIVE = "live", _("live lesson watch time")


class Attendee(models.Model):
    """An invitee of a meeting (a member of the organization, or a guest) and what became of them:
    present (with the sign-in method), absent with a reason, or on leave the secretary approved."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    member = models.ForeignKey("members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # A guest (列席) has a name and no vote; a member's name is copied for the record.
    name = models.CharField(_("name"), max_length=60)
    is_guest = models.BooleanField(default=False)
    # A full member with voting rights at the time of invitation (probationary members and
    # members under disciplinary probation have none).
    has_vote = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=AttendanceStatus.choices, default=AttendanceStatus.INVITED)
    absence_reason = models.CharField(max_length=300, blank=True)
    leave_reason = models.CharField(max_length=300, blank=True)
    leave_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    leave_decided_at = models.DateTimeField(null=True, blank=True)
    signed_in_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(max_length=8, choices=SignInMethod.choices, blank=True)
    signed_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting_id", "is_guest", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=models.Q(user__isnull=False), name="meetings_attendee_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} at {self.meeting_id} ({self.status})"


class Resolution(models.Model):
    """A decision of a meeting; a general meeting's records its votes (DOMAIN_RULES §2)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="resolutions")
    text = models.TextField(_("resolution"))
    votes_for = models.PositiveIntegerField(null=True, blank=True)
    votes_against = models.PositiveIntegerField(null=True, blank=True)
    abstentions = models.PositiveIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting_id", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class MeetingFile(models.Model):
    """A photo or attachment of a meeting, uploaded directly to the store (partycloud.uploads)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="files")
    upload = models.UUIDField()
    key = models.CharField(max_length=300)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    is_photo = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting_id", "id"]

    def __str__(self) -> str:
        return self.filename


class MakeUpTask(models.Model):
    """补学: an absentee catches up on a held meeting (reads the minutes, watches the recording)
    and confirms it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="makeups")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("what I learned"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="meetings_makeup_once")]

    def __str__(self) -> str:
        return f"make-up of {self.meeting_id} by {self.user_id}"


class ReminderStage(models.TextChoices):
    TWO_WEEKS = "two_weeks", _("two weeks before the period closes")
    THREE_DAYS = "three_days", _("three days before the period closes")


class ComplianceReminder(models.Model):
    """A reminder sent to an organization's secretary that a kind is still missing in a period:
    one row per (organization, kind, period, stage), so each is sent once."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    kind = models.ForeignKey(ActivityKind, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    stage = models.CharField(max_length=12, choices=ReminderStage.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "period_start", "stage"], name="meetings_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.kind_id} {self.period_start} {self.stage}"
