"""Read-only queries for the points recorders (tenants.points.sources): who attended a live
lesson LIVE (DOMAIN_RULES §10: watched at least the attendance rule's share of the actual live
duration). Replay time (补学) is never read here: replays earn no live-attendance points."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.db.models import Q

from partycloud.tenancy.context import active_schema
from tenants.live.audience import PUBLIC, LessonRef, LessonScope, in_lesson_schema
from tenants.live.models import Attendance, Lesson
from tenants.live.rules import Verdict, actual_seconds, rule_for


def live_presences(
    since: datetime | None, user_ids: Collection[int] | None
) -> list[tuple[str, str, int, int, int | None, datetime]]:
    """``(scope, schema, lesson_id, user_id, member_id, went_live_at)`` of the viewers present
    LIVE at ended lessons that ended, or were watched, at or after ``since``; each viewer's
    verdict under this tenant's attendance rule in force when the lesson went live."""
    rows = Attendance.objects.all()
    if user_ids is not None:
        rows = rows.filter(user_id__in=list(user_ids))
    if since is not None:
        ended_here = Lesson.objects.filter(ended_at__gte=since).values_list("pk", flat=True)
        with in_lesson_schema(LessonRef(LessonScope.GROUP, 0, PUBLIC)):
            ended_group = list(Lesson.objects.filter(ended_at__gte=since).values_list("pk", flat=True))
        rows = rows.filter(
            Q(last_beat_at__gte=since)
            | Q(lesson_scope=LessonScope.TENANT.value, lesson_schema=active_schema(), lesson_id__in=list(ended_here))
            | Q(lesson_scope=LessonScope.GROUP.value, lesson_schema=PUBLIC, lesson_id__in=ended_group)
        )
    by_lesson: dict[LessonRef, list[Attendance]] = {}
    for row in rows.filter(live_seconds__gt=0).order_by("id"):
        by_lesson.setdefault(LessonRef(LessonScope(row.lesson_scope), row.lesson_id, row.lesson_schema), []).append(row)
    found = []
    for ref, attendances in by_lesson.items():
        with in_lesson_schema(ref):
            lesson = Lesson.objects.filter(pk=ref.lesson_id).first()
        if lesson is None or lesson.ended_at is None or lesson.went_live_at is None:
            continue
        rule, actual = rule_for(lesson), actual_seconds(lesson)
        for row in attendances:
            if rule.verdict(row.live_seconds, actual) is Verdict.PRESENT:
                found.append(
                    (ref.scope.value, ref.schema, ref.lesson_id, row.user_id, row.member_id, lesson.went_live_at)
                )
    return found
