"""The learning platform's records.

The app lives in the public schema *and* in every tenant schema: the group's shared library
is the public schema's rows (published by group admins, visible in every tenant), a tenant's
own library is the rows of its schema. A resource is addressed by its UUID everywhere, so a
study record in a tenant can point at a group resource without a cross-schema foreign key.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ResourceKind(models.TextChoices):
    ARTICLE = "article", _("article")
    DOCUMENT = "document", _("document")
    GALLERY = "gallery", _("gallery")
    VIDEO = "video", _("video")
    LINK = "link", _("link")


class ResourceStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


class Marking(models.TextChoices):
    """Content markings (DOMAIN_RULES §8); classified content is never accepted."""

    PUBLIC = "public", _("public")
    INTERNAL = "internal", _("internal")


class MediaStatus(models.TextChoices):
    NONE = "none", _("nothing to process")
    QUEUED = "queued", _("queued")
    PROCESSING = "processing", _("processing")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


class ShowcaseStatus(models.TextChoices):
    NONE = "none", _("not proposed")
    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", _("approved")
    DECLINED = "declined", _("declined")


class Category(models.Model):
    """A library category (两学一做, 中心组学习, 党规党章, 精品党课 …), per library."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=ResourceKind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    # Articles: sanitized HTML and its plain text; documents: the text extracted from the file.
    body_html = models.TextField(_("body"), blank=True)
    text = models.TextField(blank=True)
    link_url = models.URLField(_("link"), max_length=500, blank=True)
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    tags = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    marking = models.CharField(_("marking"), max_length=10, choices=Marking.choices, default=Marking.INTERNAL)
    status = models.CharField(_("status"), max_length=10, choices=ResourceStatus.choices, default=ResourceStatus.DRAFT)
    # The stored file (documents, videos): a key in the media bucket, t/<schema>/<kind>/<uuid>.
    file_key = models.CharField(max_length=300, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_type = models.CharField(max_length=120, blank=True)
    file_size = models.BigIntegerField(null=True, blank=True)
    cover_key = models.CharField(max_length=300, blank=True)
    # Derived media: document preview pages, the HLS ladder of a video and its poster.
    media_status = models.CharField(max_length=12, choices=MediaStatus.choices, default=MediaStatus.NONE)
    media_progress = models.FloatField(default=0)
    media_error = models.CharField(max_length=300, blank=True)
    preview_keys = models.JSONField(default=list, blank=True)
    hls_prefix = models.CharField(max_length=300, blank=True)
    renditions = models.JSONField(default=list, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    # A tenant's resource proposed to the group's showcase; a showcase copy in the group's
    # library remembers where it came from.
    showcase_status = models.CharField(max_length=10, choices=ShowcaseStatus.choices, default=ShowcaseStatus.NONE)
    origin_tenant = models.CharField(max_length=63, blank=True)
    origin_name = models.CharField(max_length=100, blank=True)
    origin_uuid = models.UUIDField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "-published_at"], name="learning_resource_published")]

    def __str__(self) -> str:
        return self.title


class GalleryImage(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveIntegerField(default=0)
    key = models.CharField(max_length=300)
    thumbnail_key = models.CharField(max_length=300, blank=True)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.resource_id}#{self.position}"


class ShowcaseProposal(models.Model):
    """A tenant proposes one of its resources, or an item of another app (``source``), to the
    group's showcase (public schema only)."""

    tenant_schema = models.CharField(max_length=63)
    tenant_name = models.CharField(max_length=100)
    # What is proposed: a learning resource, or an item of another app (``tenants.learning.showcase``).
    source = models.CharField(max_length=30, default="learning.resource")
    resource_uuid = models.UUIDField()  # the proposed item's uuid, whatever its source
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12)  # the item's kind in its source (a resource's, a post's)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=ShowcaseStatus.choices, default=ShowcaseStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    copy_uuid = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_schema", "resource_uuid"],
                condition=models.Q(status="proposed"),
                name="learning_one_open_proposal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.tenant_schema}: {self.title}"


class Regulation(models.Model):
    """A regulation in the regulations library (党规党章 知识库), split into searchable articles."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    file_key = models.CharField(max_length=300, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_type = models.CharField(max_length=120, blank=True)
    marking = models.CharField(_("marking"), max_length=10, choices=Marking.choices, default=Marking.PUBLIC)
    status = models.CharField(_("status"), max_length=10, choices=ResourceStatus.choices, default=ResourceStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.title


class RegulationArticle(models.Model):
    regulation = models.ForeignKey(Regulation, on_delete=models.CASCADE, related_name="articles")
    position = models.PositiveIntegerField()
    number = models.CharField(max_length=20, blank=True)  # 第一条; blank for a preamble
    heading = models.CharField(max_length=200, blank=True)  # the chapter it falls under
    text = models.TextField()

    class Meta:
        ordering = ["regulation", "position"]
        constraints = [models.UniqueConstraint(fields=["regulation", "position"], name="learning_article_position")]

    def __str__(self) -> str:
        return f"{self.regulation_id} {self.number}"


class Course(models.Model):
    """An ordered list of resources, from this library or the group's shared one."""

    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=ResourceStatus.choices, default=ResourceStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class CourseItem(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    resource_uuid = models.UUIDField()
    # A copy of what the learner sees in the outline, so the outline needs no cross-schema read.
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=ResourceKind.choices)

    class Meta:
        ordering = ["course", "position"]
        constraints = [models.UniqueConstraint(fields=["course", "position"], name="learning_course_item_position")]

    def __str__(self) -> str:
        return f"{self.course_id}#{self.position} {self.title}"


class StudyMode(models.TextChoices):
    READING = "reading", _("reading")
    VIDEO = "video", _("video")


class StudyDay(models.Model):
    """One user's study time on one day. The row is locked while a heartbeat counts, so two tabs
    or devices never count the same seconds twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    reading_seconds = models.PositiveIntegerField(default=0)
    video_seconds = models.PositiveIntegerField(default=0)
    # What counts towards points: the daily caps of the study rule applied (DOMAIN_RULES §6).
    credited_reading_seconds = models.PositiveIntegerField(default=0)
    credited_video_seconds = models.PositiveIntegerField(default=0)
    # Time is counted up to here, by whichever session counted last.
    last_counted_at = models.DateTimeField(null=True, blank=True)
    # The sessions (tab or device) counting now: {session id: time of its last heartbeat}.
    sessions = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="learning_one_study_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"


class StudyRecord(models.Model):
    """One user's study of one resource (own library or the group's)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    resource_uuid = models.UUIDField()
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=ResourceKind.choices)
    seconds = models.PositiveIntegerField(default=0)
    position = models.FloatField(default=0)  # where the video was
    completed_at = models.DateTimeField(null=True, blank=True)
    first_studied_at = models.DateTimeField(default=timezone.now)
    last_studied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_studied_at"]
        constraints = [models.UniqueConstraint(fields=["user", "resource_uuid"], name="learning_one_study_record")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.title}"


class StudyEventKind(models.TextChoices):
    """What the points engine (a later issue) turns into points, under the rule's daily caps."""

    ARTICLE_READ = "article_read", _("article read")
    VIDEO_WATCHED = "video_watched", _("video watched")
    READING_TIME = "reading_time", _("reading time")
    VIDEO_TIME = "video_time", _("video time")
    QUIZ_COMPLETED = "quiz_completed", _("quiz completed")


class StudyEvent(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=StudyEventKind.choices)
    resource_uuid = models.UUIDField(null=True, blank=True)
    quantity = models.PositiveIntegerField(default=1)  # seconds for *_time, 1 otherwise
    occurred_at = models.DateTimeField(default=timezone.now)
    rule_version = models.CharField(max_length=20)
    # A natural key so retries never record an event twice (e.g. article_read:<uuid>:<day>).
    dedupe_key = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], condition=~models.Q(dedupe_key=""), name="learning_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.occurred_at:%Y-%m-%d}"


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    TRUE_FALSE = "true_false", _("true or false")


class QuestionBank(models.Model):
    title = models.CharField(_("title"), max_length=200)
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=12, choices=QuestionKind.choices)
    stem = models.TextField(_("question"))
    # Choices as written; true/false questions have none. The answer is the indices of the
    # correct choices (true/false: [0] for true, [1] for false).
    options = models.JSONField(default=list, blank=True)
    answer = models.JSONField(default=list)
    explanation = models.TextField(_("explanation"), blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["bank", "id"]

    def __str__(self) -> str:
        return self.stem[:40]


class Quiz(models.Model):
    """A paper generated per attempt from a question bank: so many questions of each kind."""

    title = models.CharField(_("title"), max_length=200)
    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="quizzes")
    single_count = models.PositiveIntegerField(default=0)
    multiple_count = models.PositiveIntegerField(default=0)
    true_false_count = models.PositiveIntegerField(default=0)
    points_per_question = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("10"))
    time_limit_minutes = models.PositiveIntegerField(default=30)
    pass_percent = models.PositiveIntegerField(default=60)
    max_attempts = models.PositiveIntegerField(default=3)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ResourceStatus.choices, default=ResourceStatus.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class QuizAttempt(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The generated paper: [{id, kind, stem, options, answer, explanation}] with choices shuffled
    # (the answer re-indexed), so later edits to the bank do not change a taken paper.
    paper = models.JSONField(default=list)
    answers = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    deadline_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("0"))
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.quiz_id} {self.user_id} {self.started_at:%Y-%m-%d %H:%M}"
