"""Points for interactions (DOMAIN_RULES §6): a share (``share``, daily cap 3) and a comment that
shows (``comment``, daily cap 5); a like earns nothing. Recorded server-side by the points app's
collector from these read-only queries, in the tenant's schema: the tenant's own rows and the
group's rows its people wrote (``tenant_schema``). A comment hidden or deleted later is no longer
reported: the nightly full run retracts its event; one held for review counts once approved."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from django.db.models import Q, QuerySet
from django_tenants.utils import schema_context

from partycloud.tenancy.context import active_schema
from tenants.exchange.models import Comment, CommentStatus, ShareLink
from tenants.points.models import PointKind
from tenants.points.sources import Recorded, register_recorder

PUBLIC = "public"


def _shares(
    shares: QuerySet[ShareLink], since: datetime | None, user_ids: Collection[int] | None
) -> QuerySet[ShareLink]:
    shares = shares.filter(created_by__isnull=False)
    if since is not None:
        shares = shares.filter(created_at__gte=since)
    if user_ids is not None:
        shares = shares.filter(created_by_id__in=list(user_ids))
    return shares


def _comments(
    comments: QuerySet[Comment], since: datetime | None, user_ids: Collection[int] | None
) -> QuerySet[Comment]:
    comments = comments.filter(status=CommentStatus.VISIBLE, author__isnull=False)
    if since is not None:
        # Approved late: its moderation time is what is new.
        comments = comments.filter(Q(created_at__gte=since) | Q(moderated_at__gte=since))
    if user_ids is not None:
        comments = comments.filter(author_id__in=list(user_ids))
    return comments


def _recorded(scope: str, shares: QuerySet[ShareLink], comments: QuerySet[Comment]) -> list[Recorded]:
    found = [
        Recorded(PointKind.SHARE, f"share:{scope}:{pk}", created_at, user_id=user_id)
        for pk, user_id, created_at in shares.values_list("pk", "created_by_id", "created_at")
    ]
    found += [
        Recorded(PointKind.COMMENT, f"comment:{scope}:{pk}", created_at, user_id=user_id)
        for pk, user_id, created_at in comments.values_list("pk", "author_id", "created_at")
    ]
    return found


def record_interactions(since: datetime | None, user_ids: Collection[int] | None) -> Iterable[Recorded]:
    """This tenant's shares and visible comments, then its people's on the group's rows."""
    schema = active_schema()
    if schema == PUBLIC:
        return []
    found = _recorded(
        "tenant", _shares(ShareLink.objects.all(), since, user_ids), _comments(Comment.objects.all(), since, user_ids)
    )
    with schema_context(PUBLIC):
        found += _recorded(
            "group",
            _shares(ShareLink.objects.filter(tenant_schema=schema), since, user_ids),
            _comments(Comment.objects.filter(tenant_schema=schema), since, user_ids),
        )
    return found


def register_interaction_recorder() -> None:
    register_recorder("exchange.interactions", record_interactions, [PointKind.SHARE, PointKind.COMMENT])
