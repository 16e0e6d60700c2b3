"""Demo lessons for ``seed_demo``: the group's upcoming lesson for every subsidiary, and in one
subsidiary an upcoming branch lesson and an ended one (the 往期 list). Run in the schema it fills;
does nothing when that schema has lessons already."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from django.utils import timezone

from partycloud.accounts.actor import Actor
from tenants.live.models import Lesson, LessonStatus
from tenants.live.services import do_schedule_lesson
from tenants.organizations.models import Organization


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


def seed_group_lessons(actor: Actor, materials: list[UUID]) -> None:
    """The group's lesson for all subsidiaries, with the first shared resources as materials."""
    if Lesson.objects.exists():
        return
    do_schedule_lesson(
        actor=actor, title="学习贯彻党的二十大精神集团专题党课", lecturer="集团党委书记",
        description="集团党委书记为全集团党员讲授专题党课，各单位组织党员集中收看。",
        starts_at=_at(3, 15), planned_end_at=_at(3, 16), audience_tenants=[], counts_as_party_lesson=True,
        materials=materials[:2],
    )  # fmt: skip


def seed_tenant_lessons(actor: Actor, branch: Organization) -> None:
    """An upcoming lesson for ``branch`` and an ended one for the whole tenant."""
    if Lesson.objects.exists():
        return
    do_schedule_lesson(
        actor=actor, title=f"{branch.name}季度党课：从党史中汲取奋进力量", lecturer="支部书记",
        description="支部书记讲党课，全体党员参加。", starts_at=_at(1, 19), planned_end_at=_at(1, 20),
        organization=branch, counts_as_party_lesson=True,
    )  # fmt: skip
    starts = _at(-7, 15)
    ended = do_schedule_lesson(
        actor=actor, title="党风廉政建设专题党课", lecturer="纪委书记", description="以案为鉴，警钟长鸣。",
        starts_at=starts, planned_end_at=starts + timedelta(hours=1), now=starts - timedelta(days=1),
    )  # fmt: skip
    Lesson.objects.filter(pk=ended.pk).update(
        status=LessonStatus.ENDED, went_live_at=starts, ended_at=starts + timedelta(minutes=58), reminded_at=starts
    )
