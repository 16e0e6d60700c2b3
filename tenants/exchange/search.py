"""Search documents of the exchange: published posts, through the platform's search service.

The search's ACL is a schema's (a tenant's documents are seen by its users, the group's by
everyone): it knows no organizations. So a tenant's post is a document only while it is seen by
the whole tenant — published and addressed to a top-level organization (its audience has no
parent); a post addressed to a branch is found by the posts list's own text filter, which
applies the branch audience (``tenants.exchange.visibility``). The group's published posts are
shared documents.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Q, QuerySet

from partycloud.search.indexing import register_source
from partycloud.tenancy.context import active_schema
from services.search import Marking, SearchDocument, Visibility
from tenants.exchange.models import Post, PostStatus
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
