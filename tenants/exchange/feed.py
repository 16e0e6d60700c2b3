"""The portal's home feed: one answer with the latest posts (news, showcase and micro-videos of my
unit's audience chain and the group), live lessons upcoming or live, my upcoming meetings and my
to-dos. Each section reads its app through that app's public functions; every section is a fixed
handful of queries, whatever the tenant's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from partycloud.accounts.actor import Actor
from partycloud.tenancy.context import active_schema
from tenants.access.services import user_scope
from tenants.exchange.models import PostKind
from tenants.exchange.posts import LocatedPost, PostFilters, list_posts
from tenants.exchange.visibility import PUBLIC, WORKERS
from tenants.live.audience import viewable_lessons, viewer_of
from tenants.live.models import LessonStatus
from tenants.meetings.records import my_meetings
from tenants.notifications.services import unread_count
from tenants.workbench.services import workbench

SECTION_SIZE = 5
LESSON_STATUSES = (LessonStatus.SCHEDULED, LessonStatus.LIVE)


@dataclass
class Feed:
    posts: dict[str, list[LocatedPost]] = field(default_factory=dict)
    lessons: list[dict[str, Any]] = field(default_factory=list)
    meetings: list[dict[str, Any]] = field(default_factory=list)
    todos: dict[str, int | None] = field(default_factory=dict)


def home_feed(actor: Actor) -> Feed:
    feed = Feed()
    for kind in (PostKind.NEWS, PostKind.SHOWCASE, PostKind.MICRO_VIDEO):
        found = list_posts(actor, PostFilters(kind=kind, status="published"), offset=0, limit=SECTION_SIZE)
        feed.posts[kind] = found.rows
    reviews = list_posts(actor, PostFilters(reviewable=True, source="tenant"), offset=0, limit=0).total
    feed.todos = {"reviews": reviews, "workbench": None, "notifications": 0}
    if actor.user is None or active_schema() == PUBLIC:
        return feed  # notifications, lessons, meetings and the workbench are a tenant's
    feed.todos["notifications"] = unread_count(actor.user.pk)
    feed.lessons = _lessons(actor)
    feed.meetings = _meetings(actor)
    feed.todos["workbench"] = _workbench_count(actor)
    return feed


def _lessons(actor: Actor) -> list[dict[str, Any]]:
    viewer = viewer_of(actor)
    if viewer is None:
        return []
    now = timezone.now()
    found = [
        (ref, lesson)
        for ref, lesson in viewable_lessons(viewer, statuses=LESSON_STATUSES)
        if lesson.status == LessonStatus.LIVE or lesson.planned_end_at >= now
    ]
    found.sort(key=lambda pair: (pair[1].status != LessonStatus.LIVE, pair[1].starts_at))
    return [
        {
            "scope": ref.scope.value,
            "id": lesson.pk,
            "title": lesson.title,
            "lecturer": lesson.lecturer,
            "status": lesson.status,
            "starts_at": lesson.starts_at,
            "planned_end_at": lesson.planned_end_at,
        }
        for ref, lesson in found[:SECTION_SIZE]
    ]


def _meetings(actor: Actor) -> list[dict[str, Any]]:
    assert actor.user is not None
    meetings = my_meetings(actor.user).only("id", "title", "starts_at", "ends_at", "place", "status")
    return [
        {
            "id": meeting.pk,
            "title": meeting.title,
            "starts_at": meeting.starts_at,
            "ends_at": meeting.ends_at,
            "place": meeting.place,
            "status": meeting.status,
        }
        for meeting in meetings[:SECTION_SIZE]
    ]


def _workbench_count(actor: Actor) -> int | None:
    """The console workbench's to-dos for a worker (None for a member: they have no workbench)."""
    if not actor.roles & WORKERS:
        return None
    scope = user_scope(actor.user, WORKERS)
    if scope.paths == ():
        return None
    return len(workbench(scope)["todos"])
