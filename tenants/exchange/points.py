"""Points for the exchange (DOMAIN_RULES §6): a member whose post is published earns one
``contribution_published`` event per post (key ``post:<id>``), recorded server-side by the points
app's collector from this read-only query. A withdrawn post is no longer reported: the nightly
full run retracts its event."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from tenants.exchange.models import Post, PostStatus
from tenants.points.models import PointKind
from tenants.points.sources import Recorded, register_recorder


def record_contributions(since: datetime | None, user_ids: Collection[int] | None) -> Iterable[Recorded]:
    """Published posts of this tenant written by someone (the points app resolves the member)."""
    posts = Post.objects.filter(status=PostStatus.PUBLISHED, author__isnull=False, published_at__isnull=False)
    if since is not None:
        posts = posts.filter(published_at__gte=since)
    if user_ids is not None:
        posts = posts.filter(author_id__in=list(user_ids))
    for post_id, author_id, published_at in posts.values_list("pk", "author_id", "published_at").iterator():
        assert published_at is not None  # filtered above
        yield Recorded(PointKind.CONTRIBUTION_PUBLISHED, f"post:{post_id}", published_at, user_id=author_id)


def register_post_recorder() -> None:
    register_recorder("exchange.posts", record_contributions, [PointKind.CONTRIBUTION_PUBLISHED])
