"""Search documents of the exchange: published posts and community threads, through the
platform's search service.

The search's ACL is a schema's (a tenant's documents are seen by its users, the group's by
everyone): it knows no organizations. So a tenant's post is a document only while it is seen by
the whole tenant — published and addressed to a top-level organization (its audience has no
parent); a post addressed to a branch is found by the posts list's own text filter, which
applies the branch audience (``tenants.exchange.visibility``). The group's published posts are
shared documents.

Community threads (kind ``thread``) the same way: a visible thread of an active tenant-wide board
(``organization`` null) is a tenant's document, a thread of a group-wide board (public schema) a
shared one; a unit's board's threads are found by the threads list's own ``search`` filter.
``tenants.exchange.community`` calls ``index_threads`` on every change (post, approve, hide,
unhide, delete, board changed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Q, QuerySet

from partycloud.search.indexing import index_on_commit, register_source
from partycloud.tenancy.context import active_schema
from services.search import Marking, SearchDocument, Visibility
from tenants.exchange.models import CommentStatus, Post, PostStatus, Thread
from tenants.organizations.models import Organization

PUBLIC = "public"
SEARCH_KIND = "post"
# Raise when what a document holds changes: every version changes and the reconcile rewrites them.
DOCUMENT_FORMAT = 1
VERSION_FIELDS = ("updated_at", "status", "audience_id", "cover_key", "duration_seconds", "media_status")


def _indexable() -> QuerySet[Post]:
    posts = Post.objects.filter(status=PostStatus.PUBLISHED)
    if active_schema() == PUBLIC:
        return posts
    # Top-level organizations: their path is one id ("/1/").
    tops = Organization.objects.filter(parent__isnull=True).values("pk")
    return posts.filter(Q(audience_id__in=tops))


def _versions(rows: QuerySet[Post]) -> Iterator[tuple[str, str]]:
    for uuid, *values in rows.values_list("uuid", *VERSION_FIELDS).iterator():
        digest = hashlib.blake2b(repr((DOCUMENT_FORMAT, *values)).encode(), digest_size=12)
        yield str(uuid), digest.hexdigest()


def post_source_label(post: Post, schema: str) -> str:
    """``tenant``: the tenant's own; ``group``: the group's own news; ``showcase``: a tenant's
    post the group accepted."""
    if schema != PUBLIC:
        return "tenant"
    return "showcase" if post.origin_tenant else "group"


def post_card_data(post: Post) -> dict[str, Any]:
    return {
        "uuid": str(post.uuid),
        "post_kind": post.kind,
        "has_cover": bool(post.cover_key),
        "duration_seconds": post.duration_seconds,
        "origin_name": post.origin_name,
        "author_name": post.author_name,
    }


class PostSource:
    kind = SEARCH_KIND

    def load(self, ids: Sequence[str]) -> list[SearchDocument]:
        schema = active_schema()
        rows = _indexable().filter(uuid__in=list(ids))
        versions = dict(_versions(rows))
        return [
            SearchDocument(
                doc_id=f"{schema}:{SEARCH_KIND}:{post.uuid}",
                owner_tenant=schema,
                visibility=Visibility.SHARED if schema == PUBLIC else Visibility.OWNER,
                marking=Marking(post.marking),
                kind=SEARCH_KIND,
                title=post.title,
                body=post.text,
                summary=post.summary,
                category="",
                tags=list(post.tags),
                source=post_source_label(post, schema),
                published_at=post.published_at,
                data=post_card_data(post),
                version=versions[str(post.uuid)],
            )
            for post in rows
        ]

    def all_ids(self) -> Iterable[str]:
        return (str(uuid) for uuid in _indexable().values_list("uuid", flat=True).iterator())

    def versions(self) -> Iterable[tuple[str, str]]:
        return _versions(_indexable())


def register_post_source() -> None:
    register_source(PostSource())


# ------------------------------------------------------------------------------ community threads

THREAD_KIND = "thread"
THREAD_FORMAT = 1
THREAD_VERSION_FIELDS = ("title", "body", "status", "board__is_active", "board__organization_id", "board__name")


def _indexable_threads() -> QuerySet[Thread]:
    """Visible threads of active boards seen by the whole schema: in a tenant, its tenant-wide
    boards (``organization`` null; a unit's board is read by its subtree only, and found by the
    threads list's own text filter); in the public schema, the group-wide boards (shared)."""
    return Thread.objects.filter(
        status=CommentStatus.VISIBLE, board__is_active=True, board__organization_id__isnull=True
    ).select_related("board")


def _thread_versions(rows: QuerySet[Thread]) -> Iterator[tuple[str, str]]:
    for pk, *values in rows.values_list("pk", *THREAD_VERSION_FIELDS).iterator():
        digest = hashlib.blake2b(repr((THREAD_FORMAT, *values)).encode(), digest_size=12)
        yield str(pk), digest.hexdigest()


def thread_card_data(thread: Thread, schema: str) -> dict[str, Any]:
    """What a result card needs to link to the thread (portal ``/exchange/community/<scope>/threads/<id>``)."""
    return {
        "id": thread.pk,
        "scope": "group" if schema == PUBLIC else "tenant",
        "board": thread.board_id,
        "board_name": thread.board.name,
        "author_name": thread.author_name,
    }


class ThreadSource:
    kind = THREAD_KIND

    def load(self, ids: Sequence[str]) -> list[SearchDocument]:
        schema = active_schema()
        rows = _indexable_threads().filter(pk__in=[int(pk) for pk in ids if str(pk).isdigit()])
        versions = dict(_thread_versions(rows))
        return [
            SearchDocument(
                doc_id=f"{schema}:{THREAD_KIND}:{thread.pk}",
                owner_tenant=schema,
                visibility=Visibility.SHARED if schema == PUBLIC else Visibility.OWNER,
                marking=Marking.INTERNAL,  # members' talk: never public
                kind=THREAD_KIND,
                title=thread.title,
                body=thread.body,
                summary=thread.body[:200],
                category=thread.board.name,
                source="group" if schema == PUBLIC else "tenant",
                published_at=thread.created_at,
                data=thread_card_data(thread, schema),
                version=versions[str(thread.pk)],
            )
            for thread in rows
        ]

    def all_ids(self) -> Iterable[str]:
        return (str(pk) for pk in _indexable_threads().values_list("pk", flat=True).iterator())

    def versions(self) -> Iterable[tuple[str, str]]:
        return _thread_versions(_indexable_threads())


def register_thread_source() -> None:
    register_source(ThreadSource())


def index_threads(ids: Iterable[int]) -> None:
    """After commit, (re)index these threads of the current schema (gone ones are deleted)."""
    index_on_commit(THREAD_KIND, [str(pk) for pk in ids])


def index_board_threads(board_id: int) -> None:
    """A board changed (deactivated, renamed): every thread of it again."""
    index_threads(Thread.objects.filter(board_id=board_id).values_list("pk", flat=True))
