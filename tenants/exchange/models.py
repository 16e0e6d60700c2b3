"""The exchange platform's records (交流平台): posts (要闻, 成果展示, 微视频), interactions (likes,
favourites, shares, comments with replies, reports of comments) and the members' community
(boards, threads; a thread's replies are comments).

Like the learning library, the app lives in the public schema *and* in every tenant schema: a
tenant's posts, boards and the interactions on them are rows of its schema; the group's posts
(its own news and the copies of posts a tenant proposed and the group accepted) and the
group-wide boards are public rows. Interactions live beside what they are on (a member of a
tenant liking a group post writes a public row): users are global, so a user id works in both.

Counts shown on a post or thread are cached columns, changed only with ``F()`` updates in the
same transaction as the row they count (``exchange.counts``); a nightly check recounts them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PostKind(models.TextChoices):
    NEWS = "news", _("news")  # 要闻
    SHOWCASE = "showcase", _("showcase")  # 成果展示 (精品党课 and other achievements)
    MICRO_VIDEO = "micro_video", _("micro-video")  # 微视频


class PostStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PENDING = "pending", _("awaiting review")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("returned")
    WITHDRAWN = "withdrawn", _("withdrawn")


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


class ProposalStatus(models.TextChoices):
    """A post offered to a wider audience: the level above in the tenant, or the group."""

    NONE = "none", _("not proposed")
    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", _("accepted")
    DECLINED = "declined", _("declined")


class Post(models.Model):
    """A post of the exchange platform. Written by a unit (``organization``), reviewed by that
    unit's workers before it is published (author ≠ reviewer), seen by the members of
    ``audience`` and its subtree (the unit itself at first; the level above once it accepts a
    proposal). In the public schema ``organization`` and ``audience`` are null: a group post is
    seen in every tenant."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=PostKind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body_html = models.TextField(_("body"), blank=True)  # sanitized (core.richtext)
    text = models.TextField(blank=True)  # the body's plain text, for search and the gate
    marking = models.CharField(_("marking"), max_length=10, choices=Marking.choices, default=Marking.INTERNAL)
    tags = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    # Organization ids, not foreign keys: the app also lives in the public schema, which has no
    # organizations table (services check that the ids exist; organizations are never deleted).
    organization_id = models.BigIntegerField(null=True, blank=True)
    audience_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=PostStatus.choices, default=PostStatus.DRAFT)
    cover_key = models.CharField(max_length=300, blank=True)
    # A video (micro-videos; news and showcase may carry one): the stored file and its HLS ladder.
    file_key = models.CharField(max_length=300, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_type = models.CharField(max_length=120, blank=True)
    file_size = models.BigIntegerField(null=True, blank=True)
    media_status = models.CharField(max_length=12, choices=MediaStatus.choices, default=MediaStatus.NONE)
    media_progress = models.FloatField(default=0)
    media_error = models.CharField(max_length=300, blank=True)
    hls_prefix = models.CharField(max_length=300, blank=True)
    renditions = models.JSONField(default=list, blank=True)
    poster_key = models.CharField(max_length=300, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    author_name = models.CharField(max_length=100, blank=True)  # as shown (the member's name)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    comments_enabled = models.BooleanField(_("comments enabled"), default=True)
    comments_need_review = models.BooleanField(_("comments need review"), default=False)
    # Proposals: to the level above inside the tenant (PostPromotion rows), and to the group
    # (the learning showcase's proposal flow; a public copy remembers where it came from).
    group_status = models.CharField(max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.NONE)
    origin_tenant = models.CharField(max_length=63, blank=True)
    origin_name = models.CharField(max_length=100, blank=True)
    origin_uuid = models.UUIDField(null=True, blank=True)
    # Cached counts (exchange.counts): F() updates in the transaction of the row counted.
    like_count = models.PositiveIntegerField(default=0)
    favourite_count = models.PositiveIntegerField(default=0)
    share_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)  # visible comments and replies
    view_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-pinned", "-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "kind", "-published_at"], name="exchange_post_feed"),
            models.Index(fields=["audience_id", "status"], name="exchange_post_audience"),
        ]

    def __str__(self) -> str:
        return self.title


class PostImage(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveIntegerField(default=0)
    key = models.CharField(max_length=300)
    thumbnail_key = models.CharField(max_length=300, blank=True)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["post_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.post_id}#{self.position}"


class PostPromotion(models.Model):
    """A published post proposed to the level above inside the tenant: the parent's workers
    accept (the post's ``audience`` becomes the parent) or decline."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="promotions")
    from_organization_id = models.BigIntegerField()  # ids: see Post.organization_id
    to_organization_id = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED)
    note = models.CharField(_("note"), max_length=300, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post"], condition=models.Q(status="proposed"), name="exchange_one_open_promotion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.post_id} → {self.to_organization_id}"


class TargetType(models.TextChoices):
    """What an interaction is on: a post or a community thread (same schema as the interaction)."""

    POST = "post", _("post")
    THREAD = "thread", _("community thread")


class ReactionKind(models.TextChoices):
    LIKE = "like", _("like")
    FAVOURITE = "favourite", _("favourite")


class Reaction(models.Model):
    """A like or a favourite: one per user, target and kind (unliking deletes the row)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    target_type = models.CharField(max_length=8, choices=TargetType.choices)
    target_id = models.BigIntegerField()
    kind = models.CharField(max_length=10, choices=ReactionKind.choices)
    tenant_schema = models.CharField(max_length=63, blank=True)  # the reacting user's tenant (public rows)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "target_type", "target_id", "kind"], name="exchange_one_reaction")
        ]
        indexes = [models.Index(fields=["target_type", "target_id", "kind"], name="exchange_reaction_target")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.target_type}:{self.target_id}"


class ShareLink(models.Model):
    """A share of a post: a link with an unguessable token that opens the post (for those allowed
    to see it, or for anyone when the post is public-marked and the tenant allows outside shares)."""

    token = models.CharField(max_length=32, unique=True)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="shares")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    tenant_schema = models.CharField(max_length=63, blank=True)  # the sharer's tenant (public rows)
    created_at = models.DateTimeField(default=timezone.now)
    opened_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.token


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("awaiting review")
    VISIBLE = "visible", _("visible")
    HIDDEN = "hidden", _("hidden")  # by the author of the post, a moderator or after reports
    DELETED = "deleted", _("deleted by its author")


class Comment(models.Model):
    """A comment on a post, or a reply in a community thread; ``parent`` makes it a reply to a
    comment (one level: a reply to a reply hangs under the same top comment, ``reply_to`` names
    whom it answers). Text only, checked against the sensitive words and the confidentiality gate."""

    target_type = models.CharField(max_length=8, choices=TargetType.choices)
    target_id = models.BigIntegerField()
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    reply_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    author_name = models.CharField(max_length=100, blank=True)
    tenant_schema = models.CharField(max_length=63, blank=True)  # the author's tenant (public rows)
    body = models.TextField(_("comment"))
    mentions = ArrayField(models.BigIntegerField(), default=list, blank=True)  # user ids mentioned (@)
    status = models.CharField(max_length=10, choices=CommentStatus.choices, default=CommentStatus.VISIBLE)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.CharField(max_length=300, blank=True)
    report_count = models.PositiveIntegerField(default=0)
    like_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "status", "created_at"], name="exchange_comment_target")
        ]

    def __str__(self) -> str:
        return f"{self.target_type}:{self.target_id} #{self.pk}"


class CommentReportStatus(models.TextChoices):
    OPEN = "open", _("open")
    UPHELD = "upheld", _("upheld: comment hidden")
    DISMISSED = "dismissed", _("dismissed")


class CommentReport(models.Model):
    """A member reports a comment (one report per person and comment)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(max_length=10, choices=CommentReportStatus.choices, default=CommentReportStatus.OPEN)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="exchange_one_report_per_person")]

    def __str__(self) -> str:
        return f"report {self.comment_id}"


class Board(models.Model):
    """A community board (党员社区): a unit's board (its subtree's members post), a tenant-wide one
    (``organization`` null) or, in the public schema, a group-wide topic board."""

    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=300, blank=True)
    organization_id = models.BigIntegerField(null=True, blank=True)  # ids: see Post.organization_id
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    posts_need_review = models.BooleanField(_("posts need review"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    thread_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Thread(models.Model):
    """A community post; its replies are ``Comment`` rows on ``(thread, id)``."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("body"))  # plain text with @mentions
    mentions = ArrayField(models.BigIntegerField(), default=list, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    author_name = models.CharField(max_length=100, blank=True)
    tenant_schema = models.CharField(max_length=63, blank=True)
    status = models.CharField(max_length=10, choices=CommentStatus.choices, default=CommentStatus.VISIBLE)
    pinned = models.BooleanField(_("pinned"), default=False)
    locked = models.BooleanField(_("closed for replies"), default=False)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.CharField(max_length=300, blank=True)
    report_count = models.PositiveIntegerField(default=0)
    like_count = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_reply_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pinned", "-last_reply_at", "-created_at", "-id"]
        indexes = [models.Index(fields=["board", "status", "-pinned", "-created_at"], name="exchange_thread_board")]

    def __str__(self) -> str:
        return self.title


class ExchangeSettings(models.Model):
    """A schema's exchange settings (one row): comments reviewed before they show, hiding a comment
    after enough reports, and shares outside the platform."""

    comments_need_review = models.BooleanField(_("comments need review"), default=False)
    hide_after_reports = models.PositiveSmallIntegerField(_("hide a comment after this many reports"), default=3)
    allow_outside_shares = models.BooleanField(_("public posts may be shared outside the platform"), default=False)
    micro_video_max_seconds = models.PositiveIntegerField(_("micro-video length limit (seconds)"), default=180)
    micro_video_max_bytes = models.BigIntegerField(_("micro-video size limit (bytes)"), default=200 * 1024 * 1024)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "exchange settings"

    def __str__(self) -> str:
        return "exchange settings"
