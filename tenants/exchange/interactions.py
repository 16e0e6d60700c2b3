"""Interactions on posts and community threads (docs/exchange.md, "Interactions"): likes and
favourites, shares, comments with one level of replies and @mentions.

A target is ``(target_type, target_id)`` in the schema that is active: a subsidiary's rows on its
host, the group's rows (public schema) in ``in_scope(Scope.GROUP)``. Interactions are rows beside
their target; a member of a subsidiary interacting with a group post writes a public row that
names their tenant (``tenant_schema``).

Counts on the target change only in ``exchange.counts`` (``F()`` updates in the transaction of
the row counted, guarded by the unique constraint). Text passes ``check_text`` before anything is
written: length, the confidentiality gate (§8: refused, logged, nothing stored) and the sensitive
words (the schema's list; on group rows the group's list and the writer's tenant's).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User, stored_user
from partycloud.audit.services import do_record_audit
from partycloud.core.confidentiality import find_marking
from partycloud.core.errors import NotFoundError, ServiceError
from partycloud.tenancy.context import active_schema
from partycloud.tenancy.models import PartyCommittee
from partycloud.uploads.services import download_url
from services.storage import DataClass
from tenants.exchange import community, counts, mentions
from tenants.exchange.errors import InteractionCode
from tenants.exchange.models import (
    Comment,
    CommentReport,
    CommentReportStatus,
    CommentStatus,
    Marking,
    Post,
    PostStatus,
    Reaction,
    ReactionKind,
    ShareLink,
    TargetType,
    Thread,
)
from tenants.exchange.posts import exchange_settings, in_group_schema
from tenants.exchange.visibility import can_moderate_post, can_see_post, visible_posts
from tenants.live.moderation import fold, words_of_active_schema

PUBLIC = "public"
COMMENT_MAX_LENGTH = 1000
THREAD_MAX_LENGTH = 5000
MAX_MENTIONS = 10


# ------------------------------------------------------------------------------ scope


class Scope(StrEnum):
    TENANT = "tenant"  # the host's schema
    GROUP = "group"  # the group's rows (public schema)


def parse_scope(raw: str | None) -> Scope:
    try:
        return Scope(raw or Scope.TENANT)
    except ValueError:
        raise ServiceError(InteractionCode.BAD_SCOPE, _("Scope is “tenant” or “group”."), "scope") from None


def current_scope() -> Scope:
    return Scope.GROUP if active_schema() == PUBLIC else Scope.TENANT


@contextmanager
def in_scope(scope: Scope) -> Iterator[None]:
    """Run the block in the schema of ``scope`` (the group's rows from a subsidiary's host); the
    host's schema is active again afterwards. Evaluate querysets inside the block."""
    if scope is Scope.TENANT:
        yield
        return
    with in_group_schema():
        yield


def parse_id(raw: Any) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ServiceError(InteractionCode.TARGET_NOT_FOUND, _("Give a valid id."), "target_id") from None
    if value <= 0 or value > 2**62:
        raise ServiceError(InteractionCode.TARGET_NOT_FOUND, _("Give a valid id."), "target_id")
    return value


def home_schema(actor: Actor) -> str:
    """The schema of the caller's host (their tenant; public on the group's host)."""
    return actor.schema_name


def stored_tenant_schema(actor: Actor) -> str:
    """What a row written now records in ``tenant_schema``: the writer's tenant on group rows."""
    return actor.schema_name if active_schema() == PUBLIC and actor.schema_name != PUBLIC else ""


# ------------------------------------------------------------------------------ targets


@dataclass
class Target:
    """A post or a thread the caller may see, with what the interaction rules need of it."""

    type: TargetType
    id: int
    title: str
    author_id: int | None
    open: bool  # accepts comments (a published post with comments on; a visible, unlocked thread)
    needs_review: bool  # comments are held for review
    moderator: bool  # the caller moderates it
    post: Post | None = None
    thread: Thread | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def author_moderates(self) -> bool:
        """The post's author hides and unhides comments under it too."""
        return self.type == TargetType.POST


def _not_found() -> NotFoundError:
    return NotFoundError(
        InteractionCode.TARGET_NOT_FOUND, _("This post or thread does not exist or is not visible to you.")
    )


def post_target(actor: Actor, post: Post) -> Target:
    review = post.comments_need_review or exchange_settings().comments_need_review
    return Target(
        type=TargetType.POST,
        id=post.pk,
        title=post.title,
        author_id=post.author_id,
        open=post.status == PostStatus.PUBLISHED and post.comments_enabled,
        needs_review=review,
        moderator=can_moderate_post(actor, post),
        post=post,
    )


def thread_target(actor: Actor, thread: Thread) -> Target:
    board = thread.board
    return Target(
        type=TargetType.THREAD,
        id=thread.pk,
        title=thread.title,
        author_id=thread.author_id,
        open=thread.status == CommentStatus.VISIBLE and not thread.locked and board.is_active,
        needs_review=board.posts_need_review or exchange_settings().comments_need_review,
        moderator=community.can_moderate_board(actor, board),
        thread=thread,
    )


def locate_target(actor: Actor, target_type: str, target_id: int) -> Target:
    """The post or thread ``actor`` may see in the active schema (404 otherwise, also for a bad type)."""
    if target_type == TargetType.POST:
        post = Post.objects.filter(pk=target_id).first()
        if post is None or not can_see_post(actor, post):
            raise _not_found()
        return post_target(actor, post)
    if target_type == TargetType.THREAD:
        thread = community.visible_thread(actor, target_id)
        if thread is None:
            raise _not_found()
        return thread_target(actor, thread)
    raise _not_found()


def target_author_can_hide(actor: Actor, target: Target) -> bool:
    return target.author_moderates and actor.user is not None and target.author_id == actor.user.pk


def check_published(target: Target) -> None:
    """Reactions and shares are on published posts and visible threads only."""
    if target.post is not None and target.post.status != PostStatus.PUBLISHED:
        raise ServiceError(InteractionCode.BAD_TARGET, _("This post is not published."))
    if target.thread is not None and target.thread.status != CommentStatus.VISIBLE:
        raise ServiceError(InteractionCode.BAD_TARGET, _("This thread is not visible yet."))


# ------------------------------------------------------------------------------ checking text


def _sensitive_words(actor: Actor) -> frozenset[str]:
    """The sensitive words for a text written now: the active schema's list; on group rows
    written from a subsidiary, that subsidiary's list too (as live chat does for group lessons)."""
    schema = active_schema()
    words = words_of_active_schema(schema)
    home = home_schema(actor)
    if schema == PUBLIC and home != PUBLIC:
        with schema_context(home):
            words = words | words_of_active_schema(home)
    return words


def check_text(
    actor: Actor, texts: Sequence[tuple[str, str]], *, what: str, max_length: int = COMMENT_MAX_LENGTH
) -> None:
    """Length, the confidentiality gate and the sensitive words, for ``(field, text)`` pairs,
    before anything is written. A classified marking is logged (outside any transaction, so the
    log stays although nothing is stored)."""
    for name, text in texts:
        if not text.strip():
            raise ServiceError(InteractionCode.COMMENT_EMPTY, _("Write something first."), name)
        if len(text) > max_length:
            raise ServiceError(
                InteractionCode.COMMENT_TOO_LONG,
                _("The text has %(length)s characters; at most %(limit)s are allowed.")
                % {"length": len(text), "limit": max_length},
                name,
            )
    marking = find_marking([(name if name in {"title", "body"} else "body", text) for name, text in texts])
    if marking is not None:
        do_record_audit(
            event="exchange.comment.classified_refuse",
            details={"marking": marking.text, "field": marking.source},
            actor=actor,
            target_type="exchange.refused_comment",
            target_id=what[:64],
            target_label=what,
        )
        raise ServiceError(
            InteractionCode.COMMENT_CLASSIFIED,
            _(
                "The text carries the classified marking “%(marking)s”. Classified material must not be "
                "put on an internet-facing system: nothing was stored."
            )
            % {"marking": marking.text},
            marking.source,
            extra={"marking": marking.text},
        )
    words = _sensitive_words(actor)
    for name, text in texts:
        folded = fold(text)
        if any(word and word in folded for word in words):
            raise ServiceError(
                InteractionCode.COMMENT_SENSITIVE,
                _("The text contains a word that is not allowed here; change it and try again."),
                name,
            )


# ------------------------------------------------------------------------------ reactions


def parse_reaction_kind(raw: str) -> ReactionKind:
    try:
        return ReactionKind(raw)
    except ValueError:
        raise NotFoundError(InteractionCode.BAD_TARGET, _("No such reaction (like or favourite).")) from None


def reaction_state(actor: Actor, target: Target) -> dict[str, Any]:
    mine = set(
        Reaction.objects.filter(
            user_id=actor.user.pk if actor.user else 0, target_type=target.type, target_id=target.id
        ).values_list("kind", flat=True)
    )
    row = target.post or target.thread
    return {
        "target_type": target.type,
        "target_id": target.id,
        "scope": current_scope(),
        "liked": ReactionKind.LIKE in mine,
        "favourited": ReactionKind.FAVOURITE in mine,
        "like_count": getattr(row, "like_count", 0),
        "favourite_count": getattr(row, "favourite_count", 0),
    }


def do_react(actor: Actor, target: Target, kind: ReactionKind) -> bool:
    """Like or favourite; True when a row was added (a second like changes nothing)."""
    assert actor.user is not None
    check_published(target)
    return counts.add_reaction(
        user_id=actor.user.pk,
        target_type=target.type,
        target_id=target.id,
        kind=kind,
        tenant_schema=stored_tenant_schema(actor),
    )


def do_unreact(actor: Actor, target: Target, kind: ReactionKind) -> bool:
    """Unlike or unfavourite; True when a row was removed."""
    assert actor.user is not None
    return counts.remove_reaction(user_id=actor.user.pk, target_type=target.type, target_id=target.id, kind=kind)


def my_favourites(actor: Actor) -> QuerySet[Reaction]:
    return Reaction.objects.filter(user_id=actor.user.pk if actor.user else 0, kind=ReactionKind.FAVOURITE).order_by(
        "-created_at", "-id"
    )


def favourite_rows(actor: Actor, reactions: Sequence[Reaction]) -> list[dict[str, Any]]:
    post_ids = [r.target_id for r in reactions if r.target_type == TargetType.POST]
    thread_ids = [r.target_id for r in reactions if r.target_type == TargetType.THREAD]
    posts = {post.pk: post for post in visible_posts(actor).filter(pk__in=post_ids)} if post_ids else {}
    threads = (
        {thread.pk: thread for thread in community.visible_threads(actor).filter(pk__in=thread_ids)}
        if thread_ids
        else {}
    )
    rows = []
    for reaction in reactions:
        title, summary, kind, available, post_uuid = "", "", None, False, None
        if reaction.target_type == TargetType.POST:
            post = posts.get(reaction.target_id)
            if post is not None:
                title, summary, kind, available, post_uuid = post.title, post.summary, post.kind, True, post.uuid
        else:
            thread = threads.get(reaction.target_id)
            if thread is not None:
                title, summary, available = thread.title, thread.body[:200], True
        rows.append(
            {
                "id": reaction.pk,
                "target_type": reaction.target_type,
                "target_id": reaction.target_id,
                "scope": current_scope(),
                "title": title,
                "summary": summary,
                "post_kind": kind,
                "post_uuid": post_uuid,
                "available": available,
                "created_at": reaction.created_at,
            }
        )
    return rows


# ------------------------------------------------------------------------------ shares


def share_url(token: str, scope: Scope) -> str:
    """The portal page that opens a share (on the sharer's host)."""
    return f"/exchange/shared/{token}"


def do_share(actor: Actor, target: Target) -> dict[str, Any]:
    """A share link for a post (the post's share count +1 in the same transaction)."""
    if target.post is None:
        raise ServiceError(InteractionCode.BAD_TARGET, _("Only posts can be shared."))
    check_published(target)
    with transaction.atomic():
        share = ShareLink.objects.create(
            token=secrets.token_urlsafe(24)[:32],
            post=target.post,
            created_by=stored_user(actor.user),
            tenant_schema=stored_tenant_schema(actor),
        )
        counts.bump(Post, target.post.pk, "share_count", +1)
    target.post.refresh_from_db(fields=["share_count"])
    return {
        "token": share.token,
        "url": share_url(share.token, current_scope()),
        "share_count": target.post.share_count,
        "created_at": share.created_at,
    }


def _find_share(token: str) -> tuple[ShareLink, Scope] | None:
    """The share in the host's schema, else among the group's (a group post shared here)."""
    if not token or len(token) > 32:
        return None
    share = ShareLink.objects.select_related("post").filter(token=token).first()
    if share is not None:
        return share, current_scope()
    if active_schema() != PUBLIC:
        with in_scope(Scope.GROUP):
            share = ShareLink.objects.select_related("post").filter(token=token).first()
        if share is not None:
            return share, Scope.GROUP
    return None


def do_open_share(actor: Actor, token: str) -> dict[str, Any]:
    """The post a share link opens, counted (the link's opens and the post's views)."""
    found = _find_share(token)
    missing = NotFoundError(InteractionCode.SHARE_NOT_FOUND, _("This share link does not open anything."))
    if found is None:
        raise missing
    share, scope = found
    with in_scope(scope):
        post = share.post
        if post.status != PostStatus.PUBLISHED:
            raise missing
        outside = post.marking == Marking.PUBLIC and exchange_settings().allow_outside_shares
        allowed = actor.user is not None and _caller_belongs(actor) and can_see_post(actor, post)
        if not allowed and not outside:
            if actor.user is None:
                raise ServiceError(InteractionCode.SHARE_SIGN_IN, _("Sign in to open this shared post."), status=401)
            raise missing
        with transaction.atomic():
            counts.bump(ShareLink, share.pk, "opened_count", +1)
            counts.bump(Post, post.pk, "view_count", +1)
        post.refresh_from_db()
        cover = _media_url(post.cover_key)
        return {
            "token": share.token,
            "scope": scope,
            "id": post.pk,
            "uuid": post.uuid,
            "kind": post.kind,
            "title": post.title,
            "summary": post.summary,
            "body_html": post.body_html,
            "marking": post.marking,
            "author_name": post.author_name,
            "origin_name": post.origin_name,
            "published_at": post.published_at,
            "cover_url": cover,
            "video_url": None,
            "like_count": post.like_count,
            "favourite_count": post.favourite_count,
            "share_count": post.share_count,
            "comment_count": post.comment_count,
            "view_count": post.view_count,
            "signed_in": allowed,
        }


def _media_url(key: str) -> str | None:
    """A signed URL of a stored image (the post's cover): media, like the learning library's."""
    return download_url(DataClass.MEDIA, key) if key else None


def _caller_belongs(actor: Actor) -> bool:
    """The caller is someone of the host (a role or a member record there, or group staff)."""
    return bool(actor.group_roles) if actor.schema_name == PUBLIC else bool(actor.roles) or bool(actor.group_roles)


# ------------------------------------------------------------------------------ comments


def _visible_to(actor: Actor, target: Target) -> Q:
    """Which comments of ``target`` ``actor`` reads: visible ones, their own (not deleted), and
    for moderators (and the post's author) the pending and hidden ones too."""
    seen = Q(status=CommentStatus.VISIBLE)
    if actor.user is not None:
        seen |= Q(author_id=actor.user.pk, status__in=[CommentStatus.PENDING, CommentStatus.HIDDEN])
    if target.moderator or target_author_can_hide(actor, target):
        seen |= Q(status__in=[CommentStatus.PENDING, CommentStatus.HIDDEN])
    return seen


def top_comments(actor: Actor, target: Target) -> QuerySet[Comment]:
    """The top comments ``actor`` reads, oldest first; a deleted one stays (as a placeholder)
    while it has replies they read."""
    seen = _visible_to(actor, target)
    replies = Comment.objects.filter(parent=OuterRef("pk")).filter(seen)
    return (
        Comment.objects.filter(target_type=target.type, target_id=target.id, parent__isnull=True)
        .alias(has_replies=Exists(replies))
        .filter(seen | Q(status=CommentStatus.DELETED, has_replies=True))
        .order_by("created_at", "id")
    )


def _people(user_ids: set[int]) -> dict[int, dict[str, Any]]:
    return {pk: {"id": pk, "name": name} for pk, name in User.objects.filter(pk__in=user_ids).values_list("pk", "name")}


def _tenant_names(schemas: set[str]) -> dict[str, str]:
    return {
        schema: short or name
        for schema, short, name in PartyCommittee.objects.filter(schema_name__in=schemas).values_list(
            "schema_name", "short_name", "name"
        )
    }


def comment_rows(
    actor: Actor, target: Target, comments: Sequence[Comment], *, with_replies: bool
) -> list[dict[str, Any]]:
    """The comments as the API shows them to ``actor`` (replies under each top comment)."""
    replies: dict[int, list[Comment]] = {}
    if with_replies:
        tops = [c.pk for c in comments if c.parent_id is None]
        for reply in (
            Comment.objects.filter(parent_id__in=tops).filter(_visible_to(actor, target)).order_by("created_at", "id")
        ):
            replies.setdefault(reply.parent_id or 0, []).append(reply)
    hides = target.moderator or target_author_can_hide(actor, target)
    rows = build_rows(
        actor,
        [*comments, *(reply for group in replies.values() for reply in group)],
        moderates=lambda comment: target.moderator,
        hides=lambda comment: hides,
    )
    result = []
    for comment in comments:
        data = rows[comment.pk]
        if with_replies:
            data["replies"] = [rows[reply.pk] for reply in replies.get(comment.pk, [])]
        result.append(data)
    return result


def build_rows(
    actor: Actor,
    comments: Sequence[Comment],
    *,
    moderates: Callable[[Comment], bool],
    hides: Callable[[Comment], bool],
) -> dict[int, dict[str, Any]]:
    """Each comment as the API shows it to ``actor``, by id (a fixed number of queries)."""
    user_ids = {c.author_id for c in comments if c.author_id} | {c.reply_to_id for c in comments if c.reply_to_id}
    user_ids |= {pk for c in comments for pk in c.mentions} | {c.moderated_by_id for c in comments if c.moderated_by_id}
    people = _people(user_ids)
    units = _tenant_names({c.tenant_schema for c in comments if c.tenant_schema})
    me = actor.user.pk if actor.user else None
    ids = [c.pk for c in comments]
    reported = (
        set(CommentReport.objects.filter(comment__in=ids, reporter_id=me).values_list("comment_id", flat=True))
        if me and ids
        else set()
    )
    open_reports: dict[int, int] = {}
    if ids and any(moderates(c) for c in comments):
        for comment_id in CommentReport.objects.filter(comment__in=ids, status=CommentReportStatus.OPEN).values_list(
            "comment_id", flat=True
        ):
            open_reports[comment_id] = open_reports.get(comment_id, 0) + 1

    def row(comment: Comment) -> dict[str, Any]:
        deleted = comment.status == CommentStatus.DELETED
        mine = me is not None and comment.author_id == me
        moderator = moderates(comment)
        author = people.get(comment.author_id or 0) or (
            {"id": comment.author_id, "name": comment.author_name} if comment.author_id else None
        )
        return {
            "id": comment.pk,
            "target_type": comment.target_type,
            "target_id": comment.target_id,
            "parent": comment.parent_id,
            "reply_to": people.get(comment.reply_to_id) if comment.reply_to_id else None,
            "author": None if deleted else author,
            "author_unit": "" if deleted else units.get(comment.tenant_schema, ""),
            "body": "" if deleted else comment.body,
            "mentions": [] if deleted else [people[pk] for pk in comment.mentions if pk in people],
            "status": comment.status,
            "moderation_note": comment.moderation_note if (mine or hides(comment)) and not deleted else "",
            "like_count": comment.like_count,
            "report_count": open_reports.get(comment.pk, 0) if moderator else 0,
            "created_at": comment.created_at,
            "mine": mine,
            "can_delete": mine and not deleted,
            "can_moderate": hides(comment) and not deleted,
            "reported": comment.pk in reported,
            "moderated_by": people.get(comment.moderated_by_id or 0) if moderator else None,
            "moderated_at": comment.moderated_at if moderator else None,
        }

    return {comment.pk: row(comment) for comment in comments}


def locate_comment(actor: Actor, comment_id: int) -> tuple[Comment, Target]:
    """A comment ``actor`` may read, with its target (404 otherwise)."""
    missing = NotFoundError(
        InteractionCode.COMMENT_NOT_FOUND, _("This comment does not exist or is not visible to you.")
    )
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        raise missing
    try:
        target = locate_target(actor, comment.target_type, comment.target_id)
    except NotFoundError:
        raise missing from None
    if not Comment.objects.filter(pk=comment.pk).filter(_visible_to(actor, target)).exists():
        raise missing
    return comment, target


def check_can_comment(actor: Actor, target: Target) -> None:
    if actor.user is None:
        raise ServiceError(InteractionCode.NOT_AUTHOR, _("Sign in first."), status=401)
    if not target.open:
        raise ServiceError(InteractionCode.COMMENTS_CLOSED, _("Comments are closed here."))
    if target.thread is not None:
        community.check_can_post(actor, target.thread.board)


def do_comment(
    actor: Actor, target: Target, *, body: str, parent_id: int | None = None, mention_ids: Sequence[int] = ()
) -> Comment:
    """Comment on a post, or reply in a thread / to a comment. Checked first (nothing is written
    when refused); held as ``pending`` when the target needs review (not for its moderators)."""
    check_can_comment(actor, target)
    assert actor.user is not None
    body = body.strip()
    max_length = THREAD_MAX_LENGTH if target.type == TargetType.THREAD else COMMENT_MAX_LENGTH
    check_text(actor, [("body", body)], what=f"{target.type}:{target.id}", max_length=max_length)
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(
            pk=parent_id, target_type=target.type, target_id=target.id, status=CommentStatus.VISIBLE
        ).first()
        if parent is None:
            raise ServiceError(
                InteractionCode.BAD_PARENT, _("Reply to a visible comment of the same post or thread."), "parent"
            )
    mentioned = mentions.check_mentions(actor, mention_ids)
    status = CommentStatus.PENDING if target.needs_review and not target.moderator else CommentStatus.VISIBLE
    with transaction.atomic():
        comment = Comment.objects.create(
            target_type=target.type,
            target_id=target.id,
            parent=(parent.parent if parent is not None and parent.parent_id else parent),
            reply_to_id=parent.author_id if parent is not None else None,
            author=actor.user,
            author_name=actor.user.name,
            tenant_schema=stored_tenant_schema(actor),
            body=body,
            mentions=[user.pk for user in mentioned],
            status=status,
        )
        if status == CommentStatus.VISIBLE:
            counts.comment_shown(comment)
            mentions.notify_comment(target, comment)
    return comment


def do_delete_comment(actor: Actor, target: Target, comment: Comment) -> None:
    """The author deletes their comment (kept as a placeholder while replies hang under it)."""
    if actor.user is None or comment.author_id != actor.user.pk:
        raise ServiceError(InteractionCode.NOT_AUTHOR, _("Only the author may delete a comment."), status=403)
    counts.set_comment_status(comment.pk, CommentStatus.DELETED)
