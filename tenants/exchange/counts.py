"""The cached counts of the exchange (likes, favourites, shares, comments, replies, threads) and
their nightly check (docs/exchange.md, "Interactions").

A count changes only here, by an ``F()`` update in the transaction that inserts or deletes the
row it counts, and only when that row really was inserted or deleted: a reaction is inserted with
``INSERT … ON CONFLICT DO NOTHING RETURNING id`` (the unique constraint decides between racing
requests; no row back, no increment); a delete increments by minus what it deleted; a comment's
status moves under a row lock and the count follows the move (visible → hidden −1, back +1). So
twenty people liking at once give exactly twenty, one person liking ten times at once gives one.

``recount`` recomputes every count of the active schema from the rows and fixes (and logs) drift.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from tenants.exchange.models import (
    Board,
    Comment,
    CommentReport,
    CommentStatus,
    Post,
    Reaction,
    ReactionKind,
    ShareLink,
    TargetType,
    Thread,
)

logger = logging.getLogger(__name__)

REACTION_FIELDS = {ReactionKind.LIKE: "like_count", ReactionKind.FAVOURITE: "favourite_count"}


def target_model(target_type: str) -> type[Post] | type[Thread]:
    return Post if target_type == TargetType.POST else Thread


def bump(model: type[models.Model], pk: int, field: str, delta: int) -> None:
    """``field += delta`` in the database (never below zero)."""
    if delta == 0:
        return
    expression: Any = F(field) + delta if delta > 0 else Greatest(F(field) + delta, Value(0))
    model._default_manager.filter(pk=pk).update(**{field: expression})


def _reaction_field(target_type: str, kind: str) -> str | None:
    field = REACTION_FIELDS.get(ReactionKind(kind))
    # A thread has no favourite count: its favourites are only listed.
    if field is None or not any(f.name == field for f in target_model(target_type)._meta.fields):
        return None
    return field


@transaction.atomic
def add_reaction(*, user_id: int, target_type: str, target_id: int, kind: str, tenant_schema: str) -> bool:
    """Insert the reaction unless it exists; count it only if this call inserted it."""
    table = Reaction._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, target_type, target_id, kind, tenant_schema, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (user_id, target_type, target_id, kind) DO NOTHING RETURNING id",
            [user_id, target_type, target_id, kind, tenant_schema, timezone.now()],
        )
        inserted = cursor.fetchone() is not None
    field = _reaction_field(target_type, kind)
    if inserted and field:
        bump(target_model(target_type), target_id, field, +1)
    return inserted


@transaction.atomic
def remove_reaction(*, user_id: int, target_type: str, target_id: int, kind: str) -> bool:
    """Delete the reaction; the count goes down by what this call deleted (0 or 1)."""
    deleted, _detail = Reaction.objects.filter(
        user_id=user_id, target_type=target_type, target_id=target_id, kind=kind
    ).delete()
    field = _reaction_field(target_type, kind)
    if deleted and field:
        bump(target_model(target_type), target_id, field, -deleted)
    return bool(deleted)


def _comment_delta(comment: Comment, delta: int) -> None:
    """A visible comment (or reply) appeared (+1) or went away (−1) on its target."""
    if comment.target_type == TargetType.POST:
        bump(Post, comment.target_id, "comment_count", delta)
        return
    bump(Thread, comment.target_id, "reply_count", delta)
    if delta > 0:
        Thread.objects.filter(pk=comment.target_id).update(last_reply_at=comment.created_at)


def comment_shown(comment: Comment) -> None:
    """A comment inserted visible (in the caller's transaction)."""
    _comment_delta(comment, +1)


@transaction.atomic
def set_comment_status(comment_id: int, status: str, **changes: Any) -> tuple[Comment, str]:
    """Move a comment to ``status`` under a row lock (with ``changes`` to other fields); the count
    follows. Returns the comment and its status before."""
    comment = Comment.objects.select_for_update().get(pk=comment_id)
    before = comment.status
    comment.status = status
    for name, value in changes.items():
        setattr(comment, name, value)
    comment.save(update_fields=["status", *changes])
    if before != status:
        if before == CommentStatus.VISIBLE:
            _comment_delta(comment, -1)
        elif status == CommentStatus.VISIBLE:
            _comment_delta(comment, +1)
    return comment, before


def _thread_delta(thread: Thread, delta: int) -> None:
    bump(Board, thread.board_id, "thread_count", delta)


def thread_shown(thread: Thread) -> None:
    _thread_delta(thread, +1)


@transaction.atomic
def set_thread_status(thread_id: int, status: str, **changes: Any) -> tuple[Thread, str]:
    """As ``set_comment_status`` for a thread and its board's thread count."""
    thread = Thread.objects.select_for_update(of=("self",)).get(pk=thread_id)
    before = thread.status
    thread.status = status
    for name, value in changes.items():
        setattr(thread, name, value)
    thread.save(update_fields=["status", *changes])
    if before != status:
        if before == CommentStatus.VISIBLE:
            _thread_delta(thread, -1)
        elif status == CommentStatus.VISIBLE:
            _thread_delta(thread, +1)
    return thread, before


def add_report(comment_id: int) -> None:
    bump(Comment, comment_id, "report_count", +1)


# ------------------------------------------------------------------------------ the nightly check


def _counted(queryset: Any, outer: str = "pk") -> Coalesce:
    return Coalesce(Subquery(queryset.values("n")[:1]), Value(0))


def _reactions(target_type: str, kind: str) -> Coalesce:
    return _counted(
        Reaction.objects.filter(target_type=target_type, target_id=OuterRef("pk"), kind=kind)
        .order_by()
        .values("target_id")
        .annotate(n=Count("id"))
    )


def _visible_comments(target_type: str) -> Coalesce:
    return _counted(
        Comment.objects.filter(target_type=target_type, target_id=OuterRef("pk"), status=CommentStatus.VISIBLE)
        .order_by()
        .values("target_id")
        .annotate(n=Count("id"))
    )


def _checks() -> list[tuple[type[models.Model], str, Coalesce]]:
    return [
        (Post, "like_count", _reactions(TargetType.POST, ReactionKind.LIKE)),
        (Post, "favourite_count", _reactions(TargetType.POST, ReactionKind.FAVOURITE)),
        (Post, "comment_count", _visible_comments(TargetType.POST)),
        (
            Post,
            "share_count",
            _counted(ShareLink.objects.filter(post=OuterRef("pk")).order_by().values("post").annotate(n=Count("id"))),
        ),
        (Thread, "like_count", _reactions(TargetType.THREAD, ReactionKind.LIKE)),
        (Thread, "reply_count", _visible_comments(TargetType.THREAD)),
        (
            Board,
            "thread_count",
            _counted(
                Thread.objects.filter(board=OuterRef("pk"), status=CommentStatus.VISIBLE)
                .order_by()
                .values("board")
                .annotate(n=Count("id"))
            ),
        ),
        (
            Comment,
            "report_count",
            _counted(
                CommentReport.objects.filter(comment=OuterRef("pk"))
                .order_by()
                .values("comment")
                .annotate(n=Count("id"))
            ),
        ),
    ]


def recount(schema: str = "") -> dict[str, int]:
    """Recompute every cached count of the active schema; fix and log what drifted. Returns how
    many rows were fixed per ``model.field``."""
    fixed: dict[str, int] = {}
    for model, field, real in _checks():
        label = f"{model._meta.model_name}.{field}"
        drifted = list(
            model._default_manager.annotate(real=real).filter(~Q(**{field: F("real")})).values_list("pk", field, "real")
        )
        for pk, cached, actual in drifted:
            with transaction.atomic():
                # Recomputed inside the update: a like landing meanwhile is counted, not lost.
                model._default_manager.filter(pk=pk).update(**{field: real})
            logger.warning(
                "exchange count drift in %s: %s #%s was %s, counted %s", schema or "?", label, pk, cached, actual
            )
        if drifted:
            fixed[label] = len(drifted)
    return fixed
