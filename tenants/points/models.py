"""Points (积分, DOMAIN_RULES §6): reference data, never a quota.

Events come only from the server-side recorders (``tenants.points.sources``: study events of the
learning platform, meeting attendance and make-up, live-lesson attendance; volunteer hours and
exchange contributions when those apps land), never from a client. Each ``PointEvent`` has a
natural key, so recording twice changes nothing. The ledger (``PointEntry``) is derived from the
events by ``tenants.points.ledger`` under the versioned ``PointRule`` in force on the event's
local day, with its daily cap; it can be recomputed from the events at any time and a nightly
check does so and reports drift.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PointKind(models.TextChoices):
    LOGIN = "login", _("daily log-in")
    ARTICLE_READ = "article_read", _("article read")
    VIDEO_WATCHED = "video_watched", _("video watched")
    READING_TIME = "reading_time", _("reading time")
    VIDEO_TIME = "video_time", _("video time")
    QUIZ_COMPLETED = "quiz_completed", _("quiz completed")
    MEETING_ATTENDED = "meeting_attended", _("meeting attended")
    MEETING_MADE_UP = "meeting_made_up", _("meeting made up (补学)")
    LIVE_ATTENDED = "live_attended", _("live lesson attended live")
    VOLUNTEER_HOURS = "volunteer_hours", _("volunteer hours")
    CONTRIBUTION_PUBLISHED = "contribution_published", _("contribution published in the exchange")
    BRANCH_ACTIVITY = "branch_activity", _("branch activity held")  # the branch's own points
    # The exchange's interactions (issue 17): a like earns nothing (DOMAIN_RULES §6).
    SHARE = "share", _("post shared")
    COMMENT = "comment", _("comment posted")


class PointRuleSet(models.Model):
    """A version of the point rules, effective from a day (the newest in force on an event's local
    day applies). The built-in version follows the 学习强国 2019 defaults; a tenant may add a
    *local* version."""

    version = models.CharField(max_length=40, unique=True)
    effective_from = models.DateField()
    source = models.CharField(max_length=200)
    is_local = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return self.version


class PointRule(models.Model):
    """Points for one kind of event: ``points`` per ``unit`` of the event's quantity (1 for a
    counted event; seconds of study time, e.g. 240 = 1 point per 4 minutes; hours of volunteering),
    at most ``daily_cap`` points a local day (None: no cap)."""

    rule_set = models.ForeignKey(PointRuleSet, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(max_length=30, choices=PointKind.choices)
    points = models.PositiveSmallIntegerField(default=1)
    unit = models.PositiveIntegerField(default=1)
    daily_cap = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["rule_set_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "kind"], name="points_one_rule_per_kind"),
            models.CheckConstraint(condition=models.Q(unit__gt=0), name="points_unit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_set_id} {self.kind}"


class PointEvent(models.Model):
    """One thing that happened, as a server-side recorder saw it. Exactly one of ``member_id`` (a
    member's event) and ``organization_id`` (a branch's own event) is set."""

    kind = models.CharField(max_length=30, choices=PointKind.choices)
    # The recorder's natural key, e.g. "study:<StudyEvent.id>", "meeting:<id>:<member id>".
    source_key = models.CharField(max_length=120)
    member_id = models.IntegerField(null=True, blank=True)
    organization_id = models.IntegerField(null=True, blank=True)
    occurred_at = models.DateTimeField()
    day = models.DateField()  # the local day (Asia/Shanghai) of occurred_at: the cap's day
    quantity = models.PositiveIntegerField(default=1)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_key"], name="points_event_once"),
            models.CheckConstraint(
                condition=models.Q(member_id__isnull=False, organization_id__isnull=True)
                | models.Q(member_id__isnull=True, organization_id__isnull=False),
                name="points_event_one_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["member_id", "day"], name="points_event_member_day"),
            models.Index(fields=["organization_id", "day"], name="points_event_org_day"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_key}"


class PointEntry(models.Model):
    """The ledger: the points an event earned under its rule version, after the daily cap
    (``raw_points`` before it; ``capped`` when the cap cut them)."""

    event = models.OneToOneField(PointEvent, on_delete=models.CASCADE, related_name="entry")
    member_id = models.IntegerField(null=True, blank=True)
    organization_id = models.IntegerField(null=True, blank=True)
    kind = models.CharField(max_length=30, choices=PointKind.choices)
    day = models.DateField()
    rule_version = models.CharField(max_length=40)
    raw_points = models.PositiveIntegerField()
    points = models.PositiveIntegerField()
    capped = models.BooleanField(default=False)

    class Meta:
        ordering = ["-day", "-id"]
        indexes = [
            models.Index(fields=["member_id", "day"], name="points_entry_member_day"),
            models.Index(fields=["organization_id", "day"], name="points_entry_org_day"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.points}"


class PointSettings(models.Model):
    """This tenant's choices (one row): rankings are off unless the tenant turns them on."""

    rankings_enabled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "points settings"


class RecorderMark(models.Model):
    """How far each recorder has read its source (a watermark), so collecting is incremental;
    recording is idempotent anyway, so a lost mark only costs time."""

    source = models.CharField(max_length=40, unique=True)
    position = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.source} {self.position}"
