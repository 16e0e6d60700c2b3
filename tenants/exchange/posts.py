"""Posts of the exchange platform (要闻 news, 成果展示 showcase, 微视频 micro-video): writing,
review, proposals to the level above and to the group, and reading across the tenant and the group.

A tenant's posts are written for a unit (``organization``) by its workers; a micro-video by any
member, for their own branch. Review: draft → pending (submit) → published | rejected (a note says
why); a pending or published post can be withdrawn and, like a returned one, edited and submitted
again. The reviewer is a worker of the post's unit or above (or the tenant admin) and never its
author. On the root host group admins write the group's own posts and publish them directly.

Every write passes the confidentiality gate (DOMAIN_RULES §8) before anything is stored: a refusal
deletes the uploads made for it and is audited. Rich text is sanitized. Search documents follow
every change (``index_on_commit``); videos are transcoded after commit (``tasks``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import GroupRoleKind, User, stored_user
from partycloud.audit.services import do_record_audit
from partycloud.core.confidentiality import check_unclassified
from partycloud.core.errors import Conflict, NotAllowed, NotFoundError, ServiceError
from partycloud.core.richtext import html_to_text, sanitize_html
from partycloud.search.indexing import index_on_commit
from partycloud.tenancy.context import active_schema, active_tenant, use_public_schema, use_tenant
from partycloud.tenancy.models import PartyCommittee
from partycloud.uploads.models import Upload
from partycloud.uploads.services import claim_upload, discard_object
from services.storage import DataClass
from tenants.access.models import RoleAssignment
from tenants.access.services import organizations_by_id, tenant_admins, user_covers, user_scope
from tenants.exchange import uploads
from tenants.exchange.errors import PostCode
from tenants.exchange.models import (
    ExchangeSettings,
    Marking,
    MediaStatus,
    Post,
    PostImage,
    PostKind,
    PostPromotion,
    PostStatus,
    ProposalStatus,
)
from tenants.exchange.visibility import (
    PUBLIC,
    WORKERS,
    can_moderate_post,
    member_organization,
    visible_posts,
)
from tenants.learning.library import do_offer_to_showcase
from tenants.learning.showcase import ShowcaseItemSource, register_showcase_source
from tenants.members.models import COUNTED_STATUSES, Member
from tenants.notifications.kinds import NotificationKind
from tenants.notifications.services import do_notify
from tenants.organizations.models import Organization

SEARCH_KIND = "post"
SHOWCASE_SOURCE = "exchange.post"
MAX_TAGS = 10
MAX_IMAGES = 30
EDITABLE = frozenset({PostStatus.DRAFT, PostStatus.REJECTED, PostStatus.WITHDRAWN})


# ---------------------------------------------------------------- settings and schemas


def exchange_settings() -> ExchangeSettings:
    """The active schema's exchange settings (the defaults until someone saves them)."""
    return ExchangeSettings.objects.order_by("pk").first() or ExchangeSettings()


@contextmanager
def in_group_schema() -> Iterator[None]:
    """Work on the group's posts (public rows) from a tenant host, for the block only. Evaluate
    querysets inside the block."""
    if active_schema() == PUBLIC:
        yield
        return
    tenant = active_tenant()
    use_public_schema()
    try:
        yield
    finally:
        use_tenant(tenant)


def _organization(organization_id: int) -> Organization:
    found = Organization.objects.filter(pk=organization_id).first()
    if found is None:
        raise ServiceError(PostCode.UNKNOWN_ORGANIZATION, _("This organization does not exist."), "organization")
    return found


def organization_names(ids: Sequence[int | None]) -> dict[int, str]:
    """Names of the organizations ``ids`` (of the active tenant; none in the public schema)."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted or active_schema() == PUBLIC:
        return {}
    return {pk: ref.name for pk, ref in organizations_by_id(wanted).items()}


# ---------------------------------------------------------------- who may write


def is_worker_of(actor: Actor, organization_id: int | None) -> bool:
    """A worker (tenant admin, secretary, committee member) whose scope covers the unit."""
    if actor.user is None or organization_id is None:
        return False
    return user_covers(actor.user, organization_id, WORKERS)


def check_can_write(actor: Actor, kind: str, organization_id: int | None) -> int | None:
    """The unit a new post of ``kind`` is written for, or a refusal. Root host: group admins,
    no unit. Tenant: a worker covering the unit; a micro-video by any member for their own unit."""
    if actor.user is None:
        raise NotAllowed(PostCode.NOT_ALLOWED, _("Sign in first."))
    if active_schema() == PUBLIC:
        if GroupRoleKind.GROUP_ADMIN not in actor.group_roles:
            raise NotAllowed(PostCode.NOT_ALLOWED, _("Only group admins write the group's posts."))
        return None
    if organization_id is not None and is_worker_of(actor, organization_id):
        _organization(organization_id)
        return organization_id
    if kind == PostKind.MICRO_VIDEO:
        own = member_organization(actor)
        if own is None:
            raise NotAllowed(
                PostCode.NO_MEMBER_RECORD, _("Only members with a member record here may upload a micro-video.")
            )
        if organization_id is not None and organization_id != own.pk:
            raise NotAllowed(PostCode.NOT_A_WORKER, _("A member posts a micro-video for their own unit only."))
        return own.pk
    if organization_id is None:
        raise ServiceError(PostCode.NO_ORGANIZATION, _("Choose the unit the post is written for."), "organization")
    _organization(organization_id)
    raise NotAllowed(
        PostCode.NOT_A_WORKER, _("Only the unit's secretary, committee members or the tenant admin may do this.")
    )


def can_edit_post(actor: Actor, post: Post) -> bool:
    """The author or a moderator, while the post is a draft, returned or withdrawn."""
    if actor.user is None or post.status not in EDITABLE:
        return False
    return post.author_id == actor.user.pk or can_moderate_post(actor, post)


def check_can_edit(actor: Actor, post: Post) -> None:
    if actor.user is None or (post.author_id != actor.user.pk and not can_moderate_post(actor, post)):
        raise NotAllowed(PostCode.NOT_ALLOWED, _("You may not do this with this post."))
    if post.status not in EDITABLE:
        raise Conflict(PostCode.NOT_EDITABLE, _("Only a draft or a returned post can be changed: withdraw it first."))


# ---------------------------------------------------------------- the gate and the uploads


def refuse_classified(
    texts: list[tuple[str, str | None]], *, actor: Actor, upload_ids: Sequence[UUID], what: str
) -> None:
    """The confidentiality gate, before anything is written: on refusal the uploads made for the
    post are deleted and marked rejected, and the refusal is logged."""
    try:
        check_unclassified(texts)
    except ServiceError as refusal:
        _discard_uploads(upload_ids, refusal.code)
        do_record_audit(
            event="exchange.classified.refuse",
            details={"marking": refusal.extra.get("marking", ""), "field": refusal.field or ""},
            actor=actor,
            target_type="exchange.refused",
            target_id=what[:64],
            target_label=what,
        )
        raise


def _discard_uploads(upload_ids: Sequence[UUID], code: str) -> None:
    for upload in Upload.objects.filter(pk__in=list(upload_ids)):
        discard_object(DataClass(upload.data_class), upload.key)
        upload.status = "rejected"
        upload.error_code = code
        upload.save(update_fields=["status", "error_code"])


def _clean_tags(tags: Sequence[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        tag = tag.strip()[:30]
        if tag and tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ServiceError(PostCode.TOO_MANY_TAGS, _("At most %(count)d tags per post.") % {"count": MAX_TAGS}, "tags")
    return cleaned


def _claim_video(upload_id: UUID, actor: Actor, kind: str) -> Upload:
    video = claim_upload(upload_id, purpose=uploads.VIDEO, user=actor.user)
    limit = exchange_settings().micro_video_max_bytes
    if kind == PostKind.MICRO_VIDEO and (video.size or 0) > limit:
        raise ServiceError(
            PostCode.VIDEO_TOO_LARGE,
            _("The micro-video is larger than %(limit)d MB.") % {"limit": limit // (1024 * 1024)},
            "video_upload",
        )
    return video


def _set_video(post: Post, video: Upload) -> None:
    post.file_key = video.key
    post.file_name = video.filename
    post.file_type = video.detected_type
    post.file_size = video.size
    post.media_status = MediaStatus.QUEUED
    post.media_progress = 0
    post.media_error = ""
    post.hls_prefix = ""
    post.renditions = []
    post.poster_key = ""
    post.duration_seconds = None


def _set_images(post: Post, images: list[Upload], captions: Sequence[str]) -> None:
    post.images.all().delete()
    for position, image in enumerate(images):
        caption = captions[position] if position < len(captions) else ""
        PostImage.objects.create(post=post, position=position, key=image.key, caption=caption[:200])


def _queue_media(post: Post) -> None:
    # Function-level import: the tasks module imports this one (settings, notifying the author).
    from tenants.exchange.tasks import process_post_media

    pk = post.pk
    transaction.on_commit(lambda: process_post_media.delay(pk))


# ---------------------------------------------------------------- writing


@dataclass
class PostDraft:
    kind: str
    title: str
    summary: str = ""
    body_html: str = ""
    marking: str = Marking.INTERNAL
    tags: list[str] = field(default_factory=list)
    organization_id: int | None = None
    cover_upload: UUID | None = None
    image_uploads: list[UUID] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    video_upload: UUID | None = None
    pinned: bool = False
    comments_enabled: bool = True
    comments_need_review: bool = False


def _check_content(kind: str, title: str, body_text: str, has_video: bool) -> None:
    if not title.strip():
        raise ServiceError(PostCode.TITLE_REQUIRED, _("Enter a title."), "title")
    if kind == PostKind.MICRO_VIDEO and not has_video:
        raise ServiceError(
            PostCode.VIDEO_REQUIRED, _("A micro-video needs its video: upload it first."), "video_upload"
        )
    if kind != PostKind.MICRO_VIDEO and not body_text and not has_video:
        raise ServiceError(PostCode.BODY_REQUIRED, _("News and showcase posts need a body."), "body_html")


def do_create_post(*, actor: Actor, draft: PostDraft, submit: bool = False) -> Post:
    """A new post (a draft, or submitted at once); uploads must have been verified."""
    if draft.kind not in PostKind.values:
        raise ServiceError(PostCode.UNKNOWN_FIELD, _("Unknown post kind."), "kind")
    if len(draft.image_uploads) > MAX_IMAGES:
        raise ServiceError(
            PostCode.TOO_MANY_IMAGES, _("At most %(count)d pictures per post.") % {"count": MAX_IMAGES}, "image_uploads"
        )
    organization_id = check_can_write(actor, draft.kind, draft.organization_id)
    tags = _clean_tags(draft.tags)
    body_html = sanitize_html(draft.body_html)
    body_text = html_to_text(body_html)
    _check_content(draft.kind, draft.title, body_text, draft.video_upload is not None)
    upload_ids = [u for u in [draft.video_upload, draft.cover_upload, *draft.image_uploads] if u is not None]
    refuse_classified(
        [("title", draft.title), ("description", draft.summary), ("body", body_text)],
        actor=actor,
        upload_ids=upload_ids,
        what=draft.title,
    )
    moderator = active_schema() == PUBLIC or is_worker_of(actor, organization_id)
    try:
        with transaction.atomic():
            video = _claim_video(draft.video_upload, actor, draft.kind) if draft.video_upload else None
            cover = (
                claim_upload(draft.cover_upload, purpose=uploads.IMAGE, user=actor.user) if draft.cover_upload else None
            )
            images = [claim_upload(image, purpose=uploads.IMAGE, user=actor.user) for image in draft.image_uploads]
            post = Post(
                kind=draft.kind,
                title=draft.title.strip(),
                summary=draft.summary.strip() or body_text[:140],
                body_html=body_html,
                text=body_text,
                marking=draft.marking,
                tags=tags,
                organization_id=organization_id,
                audience_id=organization_id,
                cover_key=cover.key if cover else "",
                author=stored_user(actor.user),
                author_name=_author_name(actor),
                pinned=draft.pinned and moderator,
                comments_enabled=draft.comments_enabled,
                comments_need_review=draft.comments_need_review,
            )
            if video is not None:
                _set_video(post, video)
            if images and video is None:
                post.media_status = MediaStatus.QUEUED  # the pictures' thumbnails
            post.save()
            _set_images(post, images, draft.captions)
            if post.media_status == MediaStatus.QUEUED:
                _queue_media(post)
            if submit:
                _submit(post, actor)
            _after_change(post)
    except ServiceError as refusal:
        if refusal.code == PostCode.VIDEO_TOO_LARGE:
            _discard_uploads(upload_ids, refusal.code)
        raise
    return post


def _author_name(actor: Actor) -> str:
    if active_schema() != PUBLIC and actor.user is not None:
        name = (
            Member.objects.filter(user_id=actor.user.pk, status__in=COUNTED_STATUSES)
            .values_list("name", flat=True)
            .first()
        )
        if name:
            return str(name)[:100]
    return actor.name[:100]


@dataclass
class PostChanges:
    title: str | None = None
    summary: str | None = None
    body_html: str | None = None
    marking: str | None = None
    tags: list[str] | None = None
    cover_upload: UUID | None = None
    clear_cover: bool = False
    image_uploads: list[UUID] | None = None  # replaces the pictures
    captions: list[str] = field(default_factory=list)
    video_upload: UUID | None = None  # replaces the video
    # A moderator's settings, changed in any status:
    pinned: bool | None = None
    comments_enabled: bool | None = None
    comments_need_review: bool | None = None

    @property
    def touches_content(self) -> bool:
        return any(
            value is not None
            for value in (
                self.title, self.summary, self.body_html, self.marking, self.tags, self.cover_upload,
                self.image_uploads, self.video_upload,
            )
        ) or self.clear_cover  # fmt: skip


def do_update_post(post: Post, *, actor: Actor, changes: PostChanges) -> Post:
    """Change a post: its content while it is editable (author or moderator), a moderator's
    settings (pinned, comments) in any status."""
    moderator = can_moderate_post(actor, post)
    if changes.touches_content:
        check_can_edit(actor, post)
    elif not (moderator or can_edit_post(actor, post)):
        raise NotAllowed(PostCode.NOT_ALLOWED, _("You may not do this with this post."))
    if changes.pinned is not None and not moderator:
        raise NotAllowed(PostCode.NOT_ALLOWED, _("Only the unit's workers pin a post."))
    if changes.image_uploads is not None and len(changes.image_uploads) > MAX_IMAGES:
        raise ServiceError(
            PostCode.TOO_MANY_IMAGES, _("At most %(count)d pictures per post.") % {"count": MAX_IMAGES}, "image_uploads"
        )
    if changes.title is not None:
        post.title = changes.title.strip()
    if changes.summary is not None:
        post.summary = changes.summary.strip()
    if changes.body_html is not None:
        post.body_html = sanitize_html(changes.body_html)
        post.text = html_to_text(post.body_html)
    if changes.marking is not None:
        post.marking = changes.marking
    if changes.tags is not None:
        post.tags = _clean_tags(changes.tags)
    for name in ("pinned", "comments_enabled", "comments_need_review"):
        value = getattr(changes, name)
        if value is not None:
            setattr(post, name, value)
    has_video = bool(post.file_key) or changes.video_upload is not None
    _check_content(post.kind, post.title, post.text, has_video)
    upload_ids = [u for u in [changes.video_upload, changes.cover_upload, *(changes.image_uploads or [])] if u]
    refuse_classified(
        [("title", post.title), ("description", post.summary), ("body", post.text)],
        actor=actor,
        upload_ids=upload_ids,
        what=post.title,
    )
    old_keys: list[str] = []
    try:
        with transaction.atomic():
            if changes.video_upload is not None:
                old_keys += [post.file_key] if post.file_key else []
                _set_video(post, _claim_video(changes.video_upload, actor, post.kind))
                _queue_media(post)
            if changes.cover_upload is not None:
                old_keys += [post.cover_key] if post.cover_key else []
                post.cover_key = claim_upload(changes.cover_upload, purpose=uploads.IMAGE, user=actor.user).key
            elif changes.clear_cover:
                old_keys += [post.cover_key] if post.cover_key else []
                post.cover_key = ""
            if changes.image_uploads is not None:
                old_keys += [key for image in post.images.all() for key in (image.key, image.thumbnail_key) if key]
                images = [claim_upload(i, purpose=uploads.IMAGE, user=actor.user) for i in changes.image_uploads]
                _set_images(post, images, changes.captions)
                if images and changes.video_upload is None:
                    post.media_status = MediaStatus.QUEUED  # the new pictures' thumbnails
                    _queue_media(post)
            post.save()
            _after_change(post)
    except ServiceError as refusal:
        if refusal.code == PostCode.VIDEO_TOO_LARGE:
            _discard_uploads(upload_ids, refusal.code)
        raise
    for key in old_keys:
        transaction.on_commit(lambda key=key: discard_object(DataClass.MEDIA, key))  # type: ignore[misc]
    return post


def do_delete_post(post: Post, *, actor: Actor) -> None:
    """The author deletes an unpublished post; moderators any. Stored objects go too, unless the
    group's showcase holds a copy of the post."""
    moderator = can_moderate_post(actor, post)
    if not moderator and not (actor.user is not None and post.author_id == actor.user.pk and post.status in EDITABLE):
        raise NotAllowed(PostCode.NOT_ALLOWED, _("You may not do this with this post."))
    keys = post_object_keys(post)
    # The group's copy of a tenant's post points at the tenant's objects; an original whose copy
    # the group accepted keeps them for the copy.
    keep_objects = bool(post.origin_tenant) or post.group_status == ProposalStatus.APPROVED
    with transaction.atomic():
        uuid = post.uuid
        post.delete()
        index_on_commit(SEARCH_KIND, [str(uuid)])
        do_record_audit(
            event="exchange.post.delete",
            actor=actor,
            target_type="exchange.post",
            target_id=str(uuid),
            target_label=post.title,
        )
        if not keep_objects:
            for key in keys:
                transaction.on_commit(lambda key=key: discard_object(DataClass.MEDIA, key))  # type: ignore[misc]


def post_object_keys(post: Post) -> list[str]:
    keys = [post.file_key, post.cover_key, post.poster_key]
    keys += [key for image in post.images.all() for key in (image.key, image.thumbnail_key)]
    return [key for key in keys if key]


def _after_change(post: Post) -> None:
    index_on_commit(SEARCH_KIND, [str(post.uuid)])


# ---------------------------------------------------------------- review


def _audit(post: Post, event: str, actor: Actor, **details: Any) -> None:
    do_record_audit(
        event=event,
        details=details or None,
        actor=actor,
        target_type="exchange.post",
        target_id=str(post.uuid),
        target_label=post.title,
    )


def _locked(post: Post) -> Post:
    return Post.objects.select_for_update().get(pk=post.pk)


def _refresh(post: Post, locked: Post) -> None:
    for name in (
        "status",
        "submitted_at",
        "reviewed_by_id",
        "reviewed_at",
        "review_note",
        "published_at",
        "audience_id",
        "group_status",
        "media_status",
    ):
        setattr(post, name, getattr(locked, name))


def _bad_transition() -> Conflict:
    return Conflict(PostCode.BAD_TRANSITION, _("This step is not possible in the post's current status."))


def _submit(post: Post, actor: Actor) -> None:
    """Inside the caller's transaction, ``post`` locked or new."""
    if post.status not in EDITABLE:
        raise _bad_transition()
    now = timezone.now()
    post.submitted_at = now
    post.review_note = ""
    if active_schema() == PUBLIC:
        # The group's own posts: group admins publish directly.
        post.status = PostStatus.PUBLISHED
        post.published_at = post.published_at or now
        post.reviewed_by = stored_user(actor.user)
        post.reviewed_at = now
        post.save()
        _audit(post, "exchange.post.publish", actor)
        return
    post.status = PostStatus.PENDING
    post.save()
    link = f"/console/exchange/posts/{post.uuid}"
    for reviewer in reviewers_of(post):
        do_notify(
            reviewer,
            _("A post awaits your review: %(title)s") % {"title": post.title},
            post.author_name,
            link,
            kind=NotificationKind.EXCHANGE_REVIEW,
        )


def reviewers_of(post: Post) -> list[User]:
    """Who reviews ``post``: the workers whose scope covers its unit and the tenant admins,
    never its author."""
    chain: list[int] = []
    if post.organization_id is not None:
        found = organizations_by_id([post.organization_id]).get(post.organization_id)
        chain = [int(part) for part in found.path.strip("/").split("/") if part] if found else []
    covering = RoleAssignment.objects.filter(role__in=WORKERS).filter(
        Q(organization_id__isnull=True) | Q(organization_id__in=chain)
    )
    users = {user.pk: user for user in User.objects.filter(pk__in=covering.values("user_id"))}
    users.update({user.pk: user for user in tenant_admins()})
    users.pop(post.author_id or 0, None)
    return sorted(users.values(), key=lambda user: user.pk)


def do_submit_post(post: Post, *, actor: Actor) -> Post:
    """Send a post to review (on the root host: publish the group's post)."""
    check_can_edit(actor, post)
    with transaction.atomic():
        locked = _locked(post)
        _check_content(locked.kind, locked.title, locked.text, bool(locked.file_key))
        _submit(locked, actor)
        _after_change(locked)
    _refresh(post, locked)
    return post


def check_can_review(actor: Actor, post: Post) -> None:
    if not can_moderate_post(actor, post):
        raise NotAllowed(
            PostCode.NOT_A_WORKER, _("Only the unit's secretary, committee members or the tenant admin may do this.")
        )
    if active_schema() != PUBLIC and actor.user is not None and post.author_id == actor.user.pk:
        raise NotAllowed(
            PostCode.OWN_POST, _("The author of a post cannot review it: another worker of the unit must.")
        )


def notify_author(post: Post, title: str, body: str = "") -> None:
    if post.author is None:
        return
    do_notify(post.author, title, body, f"/portal/exchange/posts/{post.uuid}", kind=NotificationKind.EXCHANGE_REVIEW)


def do_approve_post(post: Post, *, actor: Actor, note: str = "") -> Post:
    """Publish a pending post (a worker of its unit or above, not its author)."""
    check_can_review(actor, post)
    with transaction.atomic():
        locked = _locked(post)
        if locked.status != PostStatus.PENDING:
            raise _bad_transition()
        now = timezone.now()
        locked.status = PostStatus.PUBLISHED
        locked.reviewed_by = stored_user(actor.user)
        locked.reviewed_at = now
        locked.review_note = note[:500]
        locked.published_at = now
        locked.save()
        _audit(locked, "exchange.post.publish", actor)
        notify_author(locked, _("Your post was published: %(title)s") % {"title": locked.title}, note)
        _after_change(locked)
    _refresh(post, locked)
    return post


def do_reject_post(post: Post, *, actor: Actor, note: str) -> Post:
    """Return a pending post to its author with a note."""
    check_can_review(actor, post)
    if not note.strip():
        raise ServiceError(PostCode.NOTE_REQUIRED, _("Say why the post is returned."), "note")
    with transaction.atomic():
        locked = _locked(post)
        if locked.status != PostStatus.PENDING:
            raise _bad_transition()
        locked.status = PostStatus.REJECTED
        locked.reviewed_by = stored_user(actor.user)
        locked.reviewed_at = timezone.now()
        locked.review_note = note.strip()[:500]
        locked.save()
        _audit(locked, "exchange.post.reject", actor, reason=locked.review_note)
        notify_author(locked, _("Your post was returned: %(title)s") % {"title": locked.title}, locked.review_note)
        _after_change(locked)
    _refresh(post, locked)
    return post


def do_withdraw_post(post: Post, *, actor: Actor, note: str = "") -> Post:
    """Take back a pending or published post (its author or a moderator)."""
    if actor.user is None or (post.author_id != actor.user.pk and not can_moderate_post(actor, post)):
        raise NotAllowed(PostCode.NOT_ALLOWED, _("You may not do this with this post."))
    with transaction.atomic():
        locked = _locked(post)
        if locked.status not in {PostStatus.PENDING, PostStatus.PUBLISHED}:
            raise _bad_transition()
        locked.status = PostStatus.WITHDRAWN
        if note:
            locked.review_note = note[:500]
        locked.save()
        _audit(locked, "exchange.post.withdraw", actor, **({"reason": note[:200]} if note else {}))
        _after_change(locked)
    _refresh(post, locked)
    return post


def do_record_view(post: Post) -> None:
    """One more view (an F() update: concurrent readers lose nothing)."""
    Post.objects.filter(pk=post.pk).update(view_count=F("view_count") + 1)


# ---------------------------------------------------------------- proposals to the level above


def _parent_of(organization_id: int) -> int | None:
    found = organizations_by_id([organization_id]).get(organization_id)
    if found is None:
        return None
    chain = [int(part) for part in found.path.strip("/").split("/") if part]
    return chain[-2] if len(chain) >= 2 else None


def do_propose_to_parent(post: Post, *, actor: Actor, note: str = "") -> PostPromotion:
    """Offer a published post to the level above its current audience (its workers decide)."""
    if active_schema() == PUBLIC:
        raise ServiceError(PostCode.GROUP_POST, _("The group's own posts are seen everywhere already."))
    if not can_moderate_post(actor, post):
        raise NotAllowed(
            PostCode.NOT_A_WORKER, _("Only the unit's secretary, committee members or the tenant admin may do this.")
        )
    if post.status != PostStatus.PUBLISHED:
        raise Conflict(PostCode.NOT_PUBLISHED, _("Only a published post can be proposed."))
    current = post.audience_id or post.organization_id
    parent = _parent_of(current) if current is not None else None
    if current is None or parent is None:
        raise ServiceError(PostCode.NO_PARENT, _("This unit has no level above to propose to."))
    with transaction.atomic():
        _locked(post)
        if PostPromotion.objects.filter(post=post, status=ProposalStatus.PROPOSED).exists():
            raise Conflict(PostCode.ALREADY_PROPOSED, _("This post has already been proposed."))
        promotion = PostPromotion.objects.create(
            post=post,
            from_organization_id=current,
            to_organization_id=parent,
            note=note[:300],
            proposed_by=stored_user(actor.user),
        )
        parent_post = Post(organization_id=parent)
        for reviewer in reviewers_of(parent_post):
            if reviewer.pk != (actor.user.pk if actor.user else None):
                do_notify(
                    reviewer,
                    _("A post is proposed to your unit: %(title)s") % {"title": post.title},
                    note,
                    "/console/exchange/promotions",
                    kind=NotificationKind.EXCHANGE_REVIEW,
                )
    return promotion


def visible_promotions(actor: Actor) -> QuerySet[PostPromotion]:
    """Proposals addressed to a unit ``actor`` works for, and those from their units."""
    rows = PostPromotion.objects.select_related("post")
    if active_schema() == PUBLIC or actor.user is None or not actor.roles & WORKERS:
        return rows.none()  # proposals are the workers' business
    return rows.filter(Q(post__in=visible_posts(actor)) | Q(to_organization_id__in=worker_unit_ids(actor)))


def worker_unit_ids(actor: Actor) -> Any:  # a values("pk") subquery
    scope = user_scope(actor.user, WORKERS)
    organizations = Organization.objects.all()
    condition = scope.filter("path")
    return (organizations if condition is None else organizations.filter(condition)).values("pk")


def find_promotion(actor: Actor, promotion_id: int) -> PostPromotion:
    """A proposal ``actor`` sees (addressed to or coming from their units); 404 otherwise."""
    found = visible_promotions(actor).filter(pk=promotion_id).first()
    if found is None:
        raise NotFoundError(PostCode.PROMOTION_NOT_FOUND, _("No such proposal awaiting your unit."))
    return found


def do_decide_promotion(promotion: PostPromotion, *, actor: Actor, accept: bool, note: str = "") -> PostPromotion:
    """The parent unit's workers accept (the post's audience becomes the parent) or decline."""
    if not is_worker_of(actor, promotion.to_organization_id):
        raise NotAllowed(
            PostCode.NOT_A_WORKER, _("Only the unit's secretary, committee members or the tenant admin may do this.")
        )
    with transaction.atomic():
        locked = PostPromotion.objects.select_for_update().get(pk=promotion.pk)
        if locked.status != ProposalStatus.PROPOSED:
            raise Conflict(PostCode.ALREADY_DECIDED, _("This proposal has already been decided."))
        locked.status = ProposalStatus.APPROVED if accept else ProposalStatus.DECLINED
        locked.decided_by = stored_user(actor.user)
        locked.decided_at = timezone.now()
        locked.decision_note = note[:300]
        locked.save()
        post = _locked(locked.post)
        if accept:
            post.audience_id = locked.to_organization_id
            post.save(update_fields=["audience_id", "updated_at"])
            _after_change(post)
        _audit(post, "exchange.post.promote" if accept else "exchange.post.promote_decline", actor)
    return locked


# ---------------------------------------------------------------- proposals to the group (the learning showcase)


def do_propose_post_to_group(post: Post, *, actor: Actor, note: str = "") -> Post:
    """Offer a published post to the group (learning's showcase proposals; the group decides)."""
    if active_schema() == PUBLIC:
        raise ServiceError(PostCode.GROUP_POST, _("The group's own posts are seen everywhere already."))
    if not can_moderate_post(actor, post):
        raise NotAllowed(
            PostCode.NOT_A_WORKER, _("Only the unit's secretary, committee members or the tenant admin may do this.")
        )
    with transaction.atomic():
        locked = _locked(post)
        if locked.status != PostStatus.PUBLISHED:
            raise Conflict(PostCode.NOT_PUBLISHED, _("Only a published post can be proposed."))
        if locked.group_status in {ProposalStatus.PROPOSED, ProposalStatus.APPROVED}:
            raise Conflict(PostCode.ALREADY_PROPOSED, _("This post has already been proposed."))
        locked.group_status = ProposalStatus.PROPOSED
        locked.save(update_fields=["group_status", "updated_at"])
        do_offer_to_showcase(
            source=SHOWCASE_SOURCE, item_uuid=locked.uuid, title=locked.title, kind=locked.kind, actor=actor, note=note
        )
    _refresh(post, locked)
    return post


def _mark_group_decision(uuid: UUID, approved: bool) -> tuple[Post, list[PostImage]] | None:
    """In the proposing tenant's schema: record the group's decision on the original."""
    post = Post.objects.select_for_update().filter(uuid=uuid).first()
    if post is None:
        return None
    post.group_status = ProposalStatus.APPROVED if approved else ProposalStatus.DECLINED
    post.save(update_fields=["group_status", "updated_at"])
    return post, list(post.images.all())


def _make_group_copy(original: tuple[Post, list[PostImage]], tenant: PartyCommittee, actor: Actor) -> UUID:
    """In the public schema: the group's published copy (it points at the tenant's stored objects,
    kept while the copy exists)."""
    post, images = original
    now = timezone.now()
    copy = Post.objects.create(
        kind=post.kind,
        title=post.title,
        summary=post.summary,
        body_html=post.body_html,
        text=post.text,
        marking=post.marking,
        tags=post.tags,
        status=PostStatus.PUBLISHED,
        cover_key=post.cover_key,
        file_key=post.file_key,
        file_name=post.file_name,
        file_type=post.file_type,
        file_size=post.file_size,
        media_status=post.media_status,
        media_progress=post.media_progress,
        hls_prefix=post.hls_prefix,
        renditions=post.renditions,
        poster_key=post.poster_key,
        duration_seconds=post.duration_seconds,
        author=None,
        author_name=post.author_name,
        submitted_at=now,
        reviewed_by=stored_user(actor.user),
        reviewed_at=now,
        published_at=now,
        comments_enabled=post.comments_enabled,
        origin_tenant=tenant.schema_name,
        origin_name=tenant.short_name or tenant.name,
        origin_uuid=post.uuid,
    )
    for image in images:
        PostImage.objects.create(
            post=copy,
            position=image.position,
            key=image.key,
            thumbnail_key=image.thumbnail_key,
            caption=image.caption,
            width=image.width,
            height=image.height,
        )
    _audit(copy, "exchange.post.publish", actor)
    _after_change(copy)
    return copy.uuid


def register_post_showcase() -> None:
    register_showcase_source(ShowcaseItemSource(SHOWCASE_SOURCE, _mark_group_decision, _make_group_copy))


# ---------------------------------------------------------------- reading across the tenant and the group


@dataclass
class LocatedPost:
    post: Post
    schema: str

    @property
    def source(self) -> str:
        """``tenant``: this tenant's own; ``group``: the group's (its own or an accepted copy)."""
        return "group" if self.schema == PUBLIC else "tenant"


def locate_post(actor: Actor, uuid: UUID | str) -> LocatedPost:
    """A post ``actor`` may see from this host: the host's own (every status where they may), else
    on a tenant host the group's published ones. 404 otherwise."""
    schema = active_schema()
    own = visible_posts(actor).filter(uuid=uuid).first()
    if own is not None:
        return LocatedPost(own, schema)
    if schema != PUBLIC and actor.user is not None:
        with in_group_schema():
            shared = Post.objects.filter(uuid=uuid, status=PostStatus.PUBLISHED).prefetch_related("images").first()
            if shared is not None:
                list(shared.images.all())
        if shared is not None:
            return LocatedPost(shared, PUBLIC)
    raise post_not_found()


def post_not_found() -> NotFoundError:
    return NotFoundError(PostCode.NOT_FOUND, _("No such post, or it is not for you."))


@dataclass(frozen=True)
class PostFilters:
    kind: str = ""
    status: str = ""
    organization_id: int | None = None
    text: str = ""
    source: str = ""  # "", "tenant" or "group"
    mine: bool = False
    reviewable: bool = False  # pending posts the caller may review (not their own)


@dataclass
class PostPage:
    total: int
    rows: list[LocatedPost]


def _filtered(posts: QuerySet[Post], filters: PostFilters, actor: Actor) -> QuerySet[Post]:
    if filters.kind:
        posts = posts.filter(kind=filters.kind)
    if filters.status:
        posts = posts.filter(status=filters.status)
    if filters.organization_id is not None:
        posts = posts.filter(organization_id=filters.organization_id)
    if filters.text:
        words = filters.text.strip()
        posts = posts.filter(Q(title__icontains=words) | Q(summary__icontains=words) | Q(text__icontains=words))
    if filters.mine:
        posts = posts.filter(author_id=actor.pk)
    if filters.reviewable:
        posts = posts.filter(status=PostStatus.PENDING).exclude(author_id=actor.pk)
    return posts


ORDER = ("-pinned", "-sort_at", "-id")


def _ordered(posts: QuerySet[Post]) -> QuerySet[Post]:
    return posts.annotate(sort_at=Coalesce("published_at", "created_at")).defer("body_html", "text").order_by(*ORDER)


def list_posts(actor: Actor, filters: PostFilters, *, offset: int, limit: int) -> PostPage:
    """The posts ``actor`` sees here, pinned first then newest: the host's own and, on a tenant
    host, the group's published ones merged in (each row says where it lives)."""
    schema = active_schema()
    parts: list[tuple[str, int, list[Post]]] = []
    if filters.source in ("", "tenant") or schema == PUBLIC:
        own = _ordered(_filtered(visible_posts(actor), filters, actor))
        parts.append((schema, own.count(), list(own[: offset + limit])))
    wants_group = (
        schema != PUBLIC
        and filters.source in ("", "group")
        and filters.status in ("", PostStatus.PUBLISHED)
        and filters.organization_id is None
        and not filters.mine
        and not filters.reviewable
        and actor.user is not None
    )
    if wants_group:
        with in_group_schema():
            group = _ordered(_filtered(Post.objects.filter(status=PostStatus.PUBLISHED), filters, actor))
            parts.append((PUBLIC, group.count(), list(group[: offset + limit])))
    merged = [LocatedPost(post, part_schema) for part_schema, _total, rows in parts for post in rows]
    merged.sort(key=lambda row: (row.post.pinned, row.post.sort_at, row.schema != PUBLIC, row.post.pk), reverse=True)  # type: ignore[attr-defined]
    return PostPage(total=sum(total for _schema, total, _rows in parts), rows=merged[offset : offset + limit])
