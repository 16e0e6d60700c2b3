"""Assessment (考核, DOMAIN_RULES §5 and §11): the annual task books (工作任务书) a unit receives
from the level above, with their indicators, evidence, self-assessment, review and approval; and
the annual democratic evaluation of members (民主评议党员) with self-review, peer review, the
anonymous rating by the masses (群众测评), the branch general meeting's decision and the upper
committee's confirmation.

Task books: the group's template lives in the public schema (``partycloud.taskbooks``); on
publication each tenant receives a copy here (``TaskBook`` with ``template_id`` set, for the
tenant's top organization), which it may cascade to its organizations (a child ``TaskBook`` with
``parent`` set, adapted, with the unit's own indicators). Scores are computed by
``tenants.assessment.scoring`` from the indicator's scoring rule; the stored figures are what that
computation gave when the step was taken, so a locked book never changes.

Evaluation: the masses' ballots are unlinkable at the database level: ``MassInvitation`` knows the
person and a hash of their one-time code but only a ``voted`` flag (no time, no ballot);
``MassBallot`` has a random key and no time, person or code. One vote per code is the flag, set in
the same transaction as the ballot's insert.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# ============================================================================== task books


class TaskBookStatus(models.TextChoices):
    DRAFT = "draft", _("draft")  # a cascade being prepared by the unit above
    ISSUED = "issued", _("issued")  # received: the unit fills in evidence and its self-assessment
    SUBMITTED = "submitted", _("submitted for review")
    RETURNED = "returned", _("returned for changes")
    REVIEWED = "reviewed", _("reviewed")  # scored by the level above, awaiting approval
    APPROVED = "approved", _("approved and locked")


class ScoringRule(models.TextChoices):
    BINARY = "binary", _("done / not done")
    GRADED = "graded", _("graded levels")
    COUNT = "count", _("count against a target")


class EvidenceSource(models.TextChoices):
    """Where an indicator's figure comes from. ``manual``: files and notes only; the others are
    platform figures for the book's organization and its subtree over the book's year so far."""

    MANUAL = "manual", _("files and notes")
    MEETINGS_HELD = "meetings_held", _("meetings held vs expected (compliance engine)")
    DUES_ON_TIME = "dues_on_time", _("dues paid on time")
    DEVELOPMENT_ON_SCHEDULE = "development_on_schedule", _("development steps on schedule")
    STUDY_PARTICIPATION = "study_participation", _("study participation")
    TRANSFERS_IN_TIME = "transfers_in_time", _("transfers handled in time")


class IndicatorOrigin(models.TextChoices):
    TEMPLATE = "template", _("from the level above")
    LOCAL = "local", _("the unit's own addition")


class TaskBook(models.Model):
    """One organization's task book for one year."""

    year = models.PositiveSmallIntegerField()
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="task_books")
    title = models.CharField(max_length=200)
    # The group template it was received from (public schema, no foreign key), and its version.
    template_id = models.IntegerField(null=True, blank=True)
    template_version = models.PositiveIntegerField(default=0)
    # The book it was cascaded from (None: received from the group).
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    status = models.CharField(max_length=12, choices=TaskBookStatus.choices, default=TaskBookStatus.ISSUED)
    # The soft limit on the number of indicators (the level above sets it; above it the UI warns).
    indicator_limit = models.PositiveSmallIntegerField(default=20)
    self_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    review_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    final_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    review_comment = models.TextField(blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "organization_id", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="assessment_one_book_per_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class Indicator(models.Model):
    """One KPI item of a task book (指标): weight, scoring rule, evidence, deadline, and the
    unit's self-assessment and the reviewer's score."""

    book = models.ForeignKey(TaskBook, on_delete=models.CASCADE, related_name="indicators")
    # The template indicator (or the parent book's indicator) it came from; None for local ones.
    source_indicator_id = models.IntegerField(null=True, blank=True)
    origin = models.CharField(max_length=10, choices=IndicatorOrigin.choices, default=IndicatorOrigin.TEMPLATE)
    position = models.PositiveSmallIntegerField(default=0)
    area = models.CharField(max_length=50)  # 领域: e.g. 政治建设, 组织建设
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=5, decimal_places=2)
    scoring = models.CharField(max_length=10, choices=ScoringRule.choices, default=ScoringRule.BINARY)
    # graded: [{"label": "优秀", "fraction": "1"}, {"label": "良好", "fraction": "0.8"}, ...]
    levels = models.JSONField(default=list, blank=True)
    target = models.PositiveIntegerField(null=True, blank=True)  # count: the target count
    evidence_required = models.CharField(max_length=300, blank=True)
    evidence_source = models.CharField(max_length=30, choices=EvidenceSource.choices, default=EvidenceSource.MANUAL)
    deadline = models.DateField(null=True, blank=True)
    # Self-assessment: binary {"done": bool}; graded {"level": index}; count {"count": n}.
    self_value = models.JSONField(null=True, blank=True)
    self_note = models.TextField(blank=True)
    self_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    # The platform figure when the unit submitted (automatic evidence), e.g.
    # {"value": "0.92", "numerator": 46, "denominator": 50, "measured_at": "...", "detail": {...}}.
    measured = models.JSONField(null=True, blank=True)
    review_value = models.JSONField(null=True, blank=True)
    review_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    review_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["book_id", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Evidence(models.Model):
    """A file or a note attached to an indicator (uploaded directly to the store, purpose
    ``assessment_evidence``). Platform figures are not stored here: they are computed."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="evidence")
    note = models.TextField(blank=True)
    upload = models.UUIDField(null=True, blank=True)
    key = models.CharField(max_length=300, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator_id", "id"]

    def __str__(self) -> str:
        return self.filename or self.note[:40]


class TaskBookEvent(models.Model):
    """The book's history: issued, cascaded, submitted, returned, reviewed, approved, reopened
    (reopening an approved book needs a reason and is audited)."""

    book = models.ForeignKey(TaskBook, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    reason = models.TextField(blank=True)
    # Who did it: a user of this tenant, or the group (actor_label says who, for group reviewers).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=100, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["book_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.book_id} {self.action}"


# ============================================================================== democratic evaluation


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("excellent")
    QUALIFIED = "qualified", _("qualified")
    BASICALLY_QUALIFIED = "basically_qualified", _("basically qualified")
    UNQUALIFIED = "unqualified", _("unqualified")


class FollowUp(models.TextChoices):
    """What follows an 不合格 grade."""

    RECTIFY = "rectify", _("correct within a deadline")  # 限期改正
    PERSUADE_TO_LEAVE = "persuade_to_leave", _("persuade to leave")  # 劝退
    REMOVE = "remove", _("remove from the party")  # 除名


class EvaluationRule(models.Model):
    """A version of the evaluation rule (DOMAIN_RULES §5, *local*): excellent at most
    ``excellent_numerator / excellent_denominator`` of the full members graded (rounded down).
    The newest version in force on the round's opening day applies; a tenant may add its own."""

    version = models.CharField(max_length=40, unique=True)
    effective_from = models.DateField()
    source = models.CharField(max_length=200)
    is_local = models.BooleanField(default=False)
    excellent_numerator = models.PositiveSmallIntegerField(default=1)
    excellent_denominator = models.PositiveSmallIntegerField(default=3)

    class Meta:
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(excellent_denominator__gt=0)
                & models.Q(excellent_numerator__lte=models.F("excellent_denominator")),
                name="assessment_excellent_share",
            )
        ]

    def __str__(self) -> str:
        return self.version


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    OPEN = "open", _("open: self-review, peer review and mass rating")
    CLOSED = "closed", _("closed: awaiting the general meeting's decision")
    DECIDED = "decided", _("decided by the general meeting")
    CONFIRMED = "confirmed", _("confirmed by the upper committee")


class EvaluationRound(models.Model):
    """A branch's annual evaluation round."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="evaluation_rounds"
    )
    year = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    rule = models.ForeignKey(EvaluationRule, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    opens_on = models.DateField()
    closes_on = models.DateField()
    # The branch general meeting that decided (组织生活 record), when recorded.
    decision_meeting_id = models.IntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "organization_id"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="assessment_one_round_per_year")]

    def __str__(self) -> str:
        return self.title


class Participant(models.Model):
    """A member taking part in a round. Probationary members take part but are not graded
    (``graded`` False); a member absent with leave is ``excused`` and not graded either."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    graded = models.BooleanField(default=True)
    excused = models.BooleanField(default=False)
    self_review = models.TextField(blank=True)
    self_submitted_at = models.DateTimeField(null=True, blank=True)
    # The general meeting's decision ("" until decided; always "" for ungraded participants).
    grade = models.CharField(max_length=20, choices=Grade.choices, blank=True)
    unqualified_reasons = models.TextField(blank=True)
    follow_up = models.CharField(max_length=20, choices=FollowUp.choices, blank=True)
    follow_up_deadline = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["round_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="assessment_one_participation"),
            models.CheckConstraint(
                condition=models.Q(grade="") | models.Q(graded=True, excused=False),
                name="assessment_grade_only_graded",
            ),
            models.CheckConstraint(
                condition=~models.Q(grade="unqualified")
                | (~models.Q(unqualified_reasons="") & ~models.Q(follow_up="")),
                name="assessment_unqualified_reasons",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.member_id}"


class PeerRating(models.Model):
    """A member's rating of another participant. The rater is kept (one rating per pair) but no
    API shows who rated what: members see aggregates only."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="peer_ratings")
    rater = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="ratings_given")
    ratee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="ratings_received")
    grade = models.CharField(max_length=20, choices=Grade.choices)
    comment = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round_id", "ratee_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rater", "ratee"], name="assessment_one_peer_rating"),
            models.CheckConstraint(condition=~models.Q(rater=models.F("ratee")), name="assessment_no_self_rating"),
        ]

    def __str__(self) -> str:
        return f"{self.rater_id} -> {self.ratee_id}"


class MassInvitation(models.Model):
    """A non-member employee invited from the roster to rate (群众测评). The one-time code is shown
    once when issued and stored only as a hash; ``voted`` is a flag with no time and no link to
    the ballot."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="mass_invitations")
    card_number = models.CharField(max_length=32)
    name = models.CharField(max_length=50)
    code_hash = models.CharField(max_length=64, unique=True)
    voted = models.BooleanField(default=False)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round_id", "card_number"]
        constraints = [models.UniqueConstraint(fields=["round", "card_number"], name="assessment_one_invitation")]

    def __str__(self) -> str:
        return f"{self.round_id} {self.card_number}"


class MassBallot(models.Model):
    """One anonymous ballot of the masses: a random key, the round, and nothing else that could
    point to its voter (no time, no code, no sequence)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="mass_ballots")
    # The masses' rating of the branch itself (optional).
    branch_grade = models.CharField(max_length=20, choices=Grade.choices, blank=True)

    class Meta:
        ordering = ["round_id", "id"]

    def __str__(self) -> str:
        return str(self.id)


class MassRating(models.Model):
    # Random keys here too: a sequence would order the ratings as they were cast.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(MassBallot, on_delete=models.CASCADE, related_name="ratings")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="mass_ratings")
    grade = models.CharField(max_length=20, choices=Grade.choices)

    class Meta:
        ordering = ["ballot_id", "participant_id"]
        constraints = [models.UniqueConstraint(fields=["ballot", "participant"], name="assessment_one_mass_rating")]

    def __str__(self) -> str:
        return f"{self.ballot_id} {self.participant_id}"
