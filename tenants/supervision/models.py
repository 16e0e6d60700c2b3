"""The supervision platform's records (监督平台): open party affairs (党务公开) with read receipts,
cadre pre-appointment publicity (任前公示) with objections, surveys (问卷), anonymous votes (匿名
投票), whistleblowing and petitions (网上信访举报) and members' inquiries (询问·质询).

The app lives in the public schema and in every tenant schema. The group's own announcements
(group-wide) are public rows, their receipts too (one per recipient in every tenant). Everything
else is a tenant's. Organization references are plain ids (the public schema has no
organizations table; organizations are never deleted).

Deadlines in working days use China's calendar (``partycloud.core.workdays``); the durations
are versioned rules (``SupervisionRuleSet``, DOMAIN_RULES §7).

Anonymity (votes; anonymous surveys and reports): the rows that hold what someone chose or wrote
anonymously carry no user, no time and no sequence (random UUID keys); see each model.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SupervisionRuleSet(models.Model):
    """A version of the supervision deadlines, effective from a day (the newest in force on the
    day something starts applies). 2019.1 built in; a tenant may add a *local* version."""

    version = models.CharField(max_length=40, unique=True)
    effective_from = models.DateField()
    source = models.CharField(max_length=200)
    is_local = models.BooleanField(default=False)
    publicity_min_working_days = models.PositiveSmallIntegerField(default=5)  # 任前公示 ≥ 5 working days
    report_ack_working_days = models.PositiveSmallIntegerField(default=15)  # 受理 within 15 working days
    report_close_days = models.PositiveSmallIntegerField(default=60)  # 办结 within 60 days of acknowledging
    report_extension_max_days = models.PositiveSmallIntegerField(default=30)  # one 延期 of at most 30 days
    report_feedback_working_days = models.PositiveSmallIntegerField(default=15)  # result fed back after closing
    inquiry_reply_working_days = models.PositiveSmallIntegerField(default=15)  # 询问 answered within
    reminder_days_before = models.PositiveSmallIntegerField(default=3)  # remind the assignee this many days before
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return self.version


class Scope(models.TextChoices):
    """Who an announcement, publicity, survey or vote is for."""

    UNIT = "unit", _("the unit's own members")  # members held directly by ``organization_id``
    SUBTREE = "subtree", _("the unit and the organizations under it")
    TENANT = "tenant", _("the whole subsidiary")
    GROUP = "group", _("group-wide")  # the group's announcements only (public rows)


class Marking(models.TextChoices):
    PUBLIC = "public", _("public")
    INTERNAL = "internal", _("internal")


# ---------------------------------------------------------------- 党务公开: announcements


class AnnouncementStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Announcement(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    body_html = models.TextField(_("body"), blank=True)  # sanitized
    text = models.TextField(blank=True)
    category = models.CharField(_("category"), max_length=40, blank=True)  # 党务公开 topic: 组织建设, 党费 …
    marking = models.CharField(_("marking"), max_length=10, choices=Marking.choices, default=Marking.INTERNAL)
    organization_id = models.BigIntegerField(null=True, blank=True)  # the issuing unit (null: the group)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.SUBTREE)
    requires_signature = models.BooleanField(_("confirm as read"), default=False)  # 签收
    status = models.CharField(max_length=10, choices=AnnouncementStatus.choices, default=AnnouncementStatus.DRAFT)
    pinned = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)  # cached at publishing
    read_count = models.PositiveIntegerField(default=0)  # F() updates with each first read
    signed_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-pinned", "-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class AnnouncementAttachment(models.Model):
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="attachments")
    position = models.PositiveIntegerField(default=0)
    key = models.CharField(max_length=300)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["announcement_id", "position", "id"]

    def __str__(self) -> str:
        return self.name


class AnnouncementRecipient(models.Model):
    """Who an announcement went to, fixed when it is published (a member who joins later is not
    counted as unread), with the read receipt. In the public schema (a group announcement) one
    row per recipient in every tenant, with the tenant and unit as they were."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    tenant_schema = models.CharField(max_length=63, blank=True)
    tenant_name = models.CharField(max_length=100, blank=True)
    organization_id = models.BigIntegerField(null=True, blank=True)
    organization_name = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=100)
    first_read_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["announcement_id", "organization_name", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="supervision_one_receipt")]
        indexes = [models.Index(fields=["user", "first_read_at"], name="supervision_receipt_user")]

    def __str__(self) -> str:
        return f"{self.announcement_id} → {self.user_id}"


# ---------------------------------------------------------------- 任前公示: cadre publicity


class PublicityStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    OPEN = "open", _("in its window")
    CLOSED = "closed", _("window closed")
    CONCLUDED = "concluded", _("concluded")  # objections handled, the outcome recorded
    WITHDRAWN = "withdrawn", _("withdrawn")


class CadrePublicity(models.Model):
    """A pre-appointment publicity: who is proposed for which post, shown to the scope for a window
    of at least the rule's working days (the end computed on the working-day calendar); it closes
    by itself at the end of its last day."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    organization_id = models.BigIntegerField()  # the unit publishing (its committee)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.SUBTREE)
    body_html = models.TextField(_("body"), blank=True)  # the candidates' particulars, sanitized
    text = models.TextField(blank=True)
    # The people proposed: [{"name", "gender", "born", "current_post", "proposed_post", "note"}].
    candidates = models.JSONField(default=list)
    contact = models.CharField(_("where to object"), max_length=300, blank=True)  # phone, mailbox, office
    rule_set = models.ForeignKey(SupervisionRuleSet, on_delete=models.PROTECT, null=True, related_name="+")
    window_working_days = models.PositiveSmallIntegerField(default=5)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)  # last day of the window, inclusive
    status = models.CharField(max_length=10, choices=PublicityStatus.choices, default=PublicityStatus.DRAFT)
    outcome = models.TextField(_("outcome"), blank=True)  # recorded when concluded
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title


class ObjectionStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    HANDLED = "handled", _("handled")


class PublicityObjection(models.Model):
    """An objection received during the window, confidentially: the text and the objector's name
    and contact are encrypted (core.crypto); only the publishing unit's committee and the
    discipline inspectors read them, and every read is audited. Anonymous when ``user`` is null."""

    publicity = models.ForeignKey(CadrePublicity, on_delete=models.CASCADE, related_name="objections")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    candidate_name = models.CharField(max_length=100, blank=True)  # whom it concerns (one of ``candidates``)
    body_encrypted = models.TextField()
    name_encrypted = models.TextField(blank=True)
    contact_encrypted = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.RECEIVED)
    outcome_encrypted = models.TextField(blank=True)  # how it was handled
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["publicity_id", "received_at", "id"]

    def __str__(self) -> str:
        return f"objection {self.pk}"


# ---------------------------------------------------------------- 问卷: surveys


class CampaignStatus(models.TextChoices):
    """A survey's or a vote's life."""

    DRAFT = "draft", _("draft")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")
    CANCELLED = "cancelled", _("cancelled")


class Survey(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    organization_id = models.BigIntegerField()
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.SUBTREE)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    results_to_respondents = models.BooleanField(_("respondents see the results after closing"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    eligible_count = models.PositiveIntegerField(default=0)  # fixed when it opens
    response_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="supervision_survey_window"
            )
        ]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    RATING = "rating", _("rating")
    TEXT = "text", _("text")


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(default=True)
    max_choices = models.PositiveSmallIntegerField(null=True, blank=True)  # multiple choice
    rating_max = models.PositiveSmallIntegerField(default=5)  # rating: 1..rating_max
    # Rating tallies: counts per value, index 0 = rating 1 (every response rewrites the list).
    rating_counts = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["survey_id", "position", "id"]

    def __str__(self) -> str:
        return self.text


class SurveyOption(models.Model):
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(_("option"), max_length=200)
    # The tally: every response to the survey updates every option of the survey in one statement
    # (``count + chosen``), so no row's version tells which options the last respondent chose.
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["question_id", "position", "id"]

    def __str__(self) -> str:
        return self.text


class SurveyRespondent(models.Model):
    """An eligible respondent, fixed when the survey opens, and whether they answered: no time."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="respondents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization_id = models.BigIntegerField(null=True, blank=True)
    responded = models.BooleanField(default=False)

    class Meta:
        ordering = ["survey_id", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="supervision_one_respondent")]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.user_id}"


class SurveyResponse(models.Model):
    """A named survey's response (anonymous surveys keep none: tallies and text answers only)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    name = models.CharField(max_length=100, blank=True)
    organization_name = models.CharField(max_length=100, blank=True)
    # {question id: option ids | rating | text}
    answers = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["survey_id", "submitted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="supervision_one_response")]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.user_id}"


class SurveyTextAnswer(models.Model):
    """A text answer. Anonymous surveys write them to ``SurveyTextPool`` first; the pool is released
    here in random order only in batches (``survey_text_batch`` answers, or all at closing), so
    neither a key, a row's position nor its transaction points at a respondent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="text_answers")
    text = models.TextField()

    class Meta:
        ordering = ["question_id", "id"]

    def __str__(self) -> str:
        return str(self.id)


class SurveyTextPool(models.Model):
    """Anonymous text answers waiting to be released in a shuffled batch (see SurveyTextAnswer)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.id)


# ---------------------------------------------------------------- 匿名投票: anonymous votes


class Vote(models.Model):
    """An anonymous vote. There are no ballots: casting sets the voter's ``voted`` flag and adds
    one to the chosen options' counts in ONE statement that rewrites EVERY option of the vote
    (``count = count + (id = ANY(chosen))``), so all options carry the same row version and the
    voter's transaction tells nothing about the choice. Turnout is live; the tally shows once
    the vote is closed."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    organization_id = models.BigIntegerField()
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.SUBTREE)
    max_choices = models.PositiveSmallIntegerField(_("choices per voter"), default=1)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    eligible_count = models.PositiveIntegerField(default=0)  # fixed when it opens
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="supervision_vote_window"
            )
        ]

    def __str__(self) -> str:
        return self.title


class VoteOption(models.Model):
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(_("option"), max_length=200)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["vote_id", "position", "id"]

    def __str__(self) -> str:
        return self.text


class VoteVoter(models.Model):
    """An eligible voter, fixed when the vote opens (rows created in member order), and whether
    they voted: no time, no choice."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="voters")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization_id = models.BigIntegerField(null=True, blank=True)
    voted = models.BooleanField(default=False)

    class Meta:
        ordering = ["vote_id", "id"]
        constraints = [models.UniqueConstraint(fields=["vote", "user"], name="supervision_one_voter")]

    def __str__(self) -> str:
        return f"{self.vote_id} {self.user_id}"


# ---------------------------------------------------------------- 信访举报: reports and petitions


class ReportKind(models.TextChoices):
    REPORT = "report", _("report (举报)")
    PETITION = "petition", _("petition (信访)")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("received")  # waiting to be acknowledged (受理)
    ACKNOWLEDGED = "acknowledged", _("acknowledged")  # being handled
    EXTENDED = "extended", _("extended")  # handled under an extension (延期)
    CLOSED = "closed", _("closed")  # 办结: the result recorded
    DECLINED = "declined", _("not accepted")  # 不予受理, with the reason fed back


class Report(models.Model):
    """A report or petition. Routed when filed to the discipline inspectors of the level ABOVE the
    accused's unit (the parent organization's; the group's when the unit is the subsidiary's top
    committee), never to anyone holding a role in the accused's own unit. Everything written by
    the reporter or about the case is encrypted at rest (core.crypto); the reporter follows the
    case with a tracking code (only its hash is kept); every read is audited."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(max_length=20, unique=True)  # 举报编号 shown to handlers, e.g. JB-2026-0007
    kind = models.CharField(max_length=10, choices=ReportKind.choices, default=ReportKind.REPORT)
    anonymous = models.BooleanField(default=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reporter_name_encrypted = models.TextField(blank=True)
    reporter_contact_encrypted = models.TextField(blank=True)
    accused_organization_id = models.BigIntegerField()  # the accused's unit
    accused_name_encrypted = models.TextField(blank=True)  # the person (or "the unit")
    subject_encrypted = models.TextField()
    content_encrypted = models.TextField()
    tracking_code_hash = models.CharField(max_length=128, unique=True)
    # Where it went: the inspectors of ``routed_organization_id`` (null and ``to_group``: the group's).
    routed_organization_id = models.BigIntegerField(null=True, blank=True)
    to_group = models.BooleanField(default=False)
    status = models.CharField(max_length=14, choices=ReportStatus.choices, default=ReportStatus.RECEIVED)
    rule_set = models.ForeignKey(SupervisionRuleSet, on_delete=models.PROTECT, null=True, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)
    acknowledge_due = models.DateField()  # received + 15 working days
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    close_due = models.DateField(null=True, blank=True)  # acknowledged + 60 days (+ the extension)
    extended_days = models.PositiveSmallIntegerField(default=0)  # at most once, at most 30
    extension_reason_encrypted = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    result_encrypted = models.TextField(blank=True)
    feedback_due = models.DateField(null=True, blank=True)  # closed + 15 working days
    fed_back_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)  # overdue: the group was told
    last_reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(extended_days__lte=30), name="supervision_report_extension_max"),
            models.CheckConstraint(
                condition=models.Q(to_group=True, routed_organization_id__isnull=True)
                | models.Q(to_group=False, routed_organization_id__isnull=False),
                name="supervision_report_routed",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ReportAssignee(models.Model):
    """An inspector the report is assigned to (routing picks them; never one with a role in the
    accused's unit). The group's inspectors are not listed: they read through the group's API."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="assignees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report_id", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="supervision_one_assignee")]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.user_id}"


class ReportAttachment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    key = models.CharField(max_length=300)  # t/<schema>/report/<uuid>: the private bucket
    name_encrypted = models.TextField()
    content_type = models.CharField(max_length=120, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    from_reporter = models.BooleanField(default=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report_id", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} attachment {self.pk}"


class ReportMessageAuthor(models.TextChoices):
    REPORTER = "reporter", _("reporter")
    INSPECTOR = "inspector", _("inspector")


class ReportMessage(models.Model):
    """The conversation between the inspectors and the reporter (questions, answers, feedback)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=10, choices=ReportMessageAuthor.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body_encrypted = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    read_by_reporter_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["report_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} message {self.pk}"


class ReportEvent(models.Model):
    """The case history: received, routed, acknowledged, extended, reminded, escalated, closed …"""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note_encrypted = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind}"


class ReportEscalation(models.Model):
    """Public schema: an overdue report told to the group (no content: the tenant, the number, what
    is overdue and since when). The group's inspectors open the case through an audited read."""

    tenant_schema = models.CharField(max_length=63)
    tenant_name = models.CharField(max_length=100)
    report_uuid = models.UUIDField()
    number = models.CharField(max_length=20)
    overdue = models.CharField(max_length=20)  # "acknowledge" | "close" | "feedback"
    due_on = models.DateField()
    escalated_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-escalated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_schema", "report_uuid", "overdue"], name="supervision_one_escalation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tenant_schema} {self.number} {self.overdue}"


# ---------------------------------------------------------------- 询问·质询: inquiries


class InquiryStatus(models.TextChoices):
    OPEN = "open", _("waiting for the reply")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")  # the member accepted the reply, or it was closed after answering


class Inquiry(models.Model):
    """A member asks their committee (询问) or challenges a decision (质询); the reply is due within
    the rule's working days; overdue inquiries escalate to the level above."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    is_challenge = models.BooleanField(default=False)  # 质询 rather than 询问
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    asker_name = models.CharField(max_length=100)
    organization_id = models.BigIntegerField()  # the committee asked
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("question"))
    status = models.CharField(max_length=10, choices=InquiryStatus.choices, default=InquiryStatus.OPEN)
    rule_set = models.ForeignKey(SupervisionRuleSet, on_delete=models.PROTECT, null=True, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to_id = models.BigIntegerField(null=True, blank=True)  # the organization above (null: group)
    satisfied = models.BooleanField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at", "-id"]

    def __str__(self) -> str:
        return self.subject
