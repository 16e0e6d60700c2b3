"""The server-side recorders of points (tenants.points.sources): study events and study time
(capped once, by the ledger), meeting attendance, make-ups and a branch's own points, live-lesson
attendance (replays never earn live points), duplicates ignored, incremental marks, the on-demand
collection of a member's page, the registry, and the beat tasks."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from partycloud.accounts.models import User
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tenants.learning.models import StudyDay, StudyEvent, StudyEventKind
from tenants.live.models import Attendance, Lesson, LessonStatus
from tenants.meetings.models import ActivityKind, AttendanceStatus, Attendee, MakeUpTask, Meeting, MeetingStatus
from tenants.members.models import Member
from tenants.organizations.models import Organization
from tenants.organizations.services import do_create_organization
from tenants.points import sources
from tenants.points.ledger import last_check
from tenants.points.models import PointEntry, PointEvent, PointKind, RecorderMark
from tenants.points.tasks import SCHEDULE, check_points_ledger, collect_points
from tests.conftest import TenantWorld, api
from tests.factories import UserFactory
from tests.test_rollups import new_member

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def points(member: Member, kind: str | None = None) -> int:
    rows = PointEntry.objects.filter(member_id=member.pk)
    return sum((rows.filter(kind=kind) if kind else rows).values_list("points", flat=True))


@pytest.fixture
def branch(tenant_a: TenantWorld) -> Organization:
    with tenant_a.tenant:
        committee = do_create_organization(kind="committee", name="甲公司党委")
        return do_create_organization(kind="branch", name="第一党支部", parent=committee)


def person(world: TenantWorld, branch: Organization) -> tuple[User, Member]:
    user = UserFactory()
    with world.tenant:
        return user, new_member(branch, phone=user.phone)


def study(user: User, kind: str, when: datetime, key: str) -> StudyEvent:
    return StudyEvent.objects.create(user=user, kind=kind, occurred_at=when, rule_version="2019.1", dedupe_key=key)


# ------------------------------------------------------------------------------ learning


def test_study_events_become_points_for_the_member_of_the_user(tenant_a, branch):
    user, member = person(tenant_a, branch)
    stranger = UserFactory()  # no member record here: earns nothing
    today = timezone.localdate()
    with tenant_a.tenant:
        for i in range(7):
            study(user, StudyEventKind.ARTICLE_READ, at(today, 8, i), f"a{i}")
        study(user, StudyEventKind.QUIZ_COMPLETED, at(today, 9), "q")
        study(user, StudyEventKind.VIDEO_WATCHED, at(today, 10), "v")
        study(stranger, StudyEventKind.ARTICLE_READ, at(today, 8), "s")
        sources.collect()
        assert points(member, PointKind.ARTICLE_READ) == 6  # the 7th was cut by the cap
        assert PointEntry.objects.filter(member_id=member.pk, capped=True).count() == 1
        assert points(member) == 8
        assert not PointEvent.objects.filter(source_key__startswith="study:", member_id__isnull=True).exists()
        assert PointEvent.objects.count() == 9  # the stranger's event is not recorded
        # Collecting again records nothing twice.
        sources.collect(full=True)
        assert PointEvent.objects.count() == 9
        assert points(member) == 8


def test_study_time_is_read_before_the_learning_credit_cap_and_capped_once_by_the_ledger(tenant_a, branch):
    user, member = person(tenant_a, branch)
    today = timezone.localdate()
    with tenant_a.tenant:
        # 40 minutes of reading counted (the learning platform credits at most 32 of them).
        day = StudyDay.objects.create(
            user=user, day=today, reading_seconds=2400, video_seconds=299, credited_reading_seconds=1920,
            credited_video_seconds=299, last_counted_at=at(today, 21),
        )  # fmt: skip
        sources.collect()
        event = PointEvent.objects.get(kind=PointKind.READING_TIME)
        assert (event.quantity, event.day, event.source_key) == (
            2400,
            today,
            f"study-day:reading_time:{user.pk}:{today}",
        )
        entry = PointEntry.objects.get(event=event)
        assert (entry.raw_points, entry.points, entry.capped) == (10, 8, True)  # capped once, here
        assert points(member, PointKind.VIDEO_TIME) == 0  # 299 s < 5 minutes
        # The day grows: the same event is updated, never a second one.
        day.video_seconds = 300
        day.last_counted_at = at(today, 22)
        day.save()
        sources.collect()
        assert PointEvent.objects.filter(kind=PointKind.VIDEO_TIME).count() == 1
        assert points(member, PointKind.VIDEO_TIME) == 1


def test_collecting_is_incremental_from_the_mark(tenant_a, branch):
    user, member = person(tenant_a, branch)
    today = timezone.localdate()
    with tenant_a.tenant:
        study(user, StudyEventKind.ARTICLE_READ, timezone.now() - timedelta(minutes=1), "new")
        sources.collect()
        mark = RecorderMark.objects.get(source="learning")
        assert mark.position
        # An event older than the mark (minus the overlap) is not read by an incremental run...
        study(user, StudyEventKind.ARTICLE_READ, at(today - timedelta(days=3)), "old")
        sources.collect()
        assert PointEvent.objects.filter(member_id=member.pk).count() == 1
        # ...but the nightly full run reads everything.
        sources.collect(full=True)
        assert PointEvent.objects.filter(member_id=member.pk).count() == 2
        assert points(member) == 2


def test_a_members_page_collects_their_recent_events_on_demand(tenant_a, branch):
    user, _member = person(tenant_a, branch)
    with tenant_a.tenant:
        do_assign_role(user=user, role=TenantRole.MEMBER)
        study(user, StudyEventKind.QUIZ_COMPLETED, timezone.now(), "q")
    body = api(tenant_a.host, user).get("/api/v1/points/me").json()
    assert body["total"] == 1
    assert body["reference_only"] is True


def test_recorders_are_a_registry(tenant_a):
    def volunteer(since: Any, user_ids: Any) -> list[sources.Recorded]:
        return []

    sources.register_recorder("volunteer-test", volunteer, [PointKind.VOLUNTEER_HOURS])
    try:
        sources.register_recorder("volunteer-test", volunteer, [PointKind.VOLUNTEER_HOURS])  # again: fine
        with pytest.raises(ValueError, match="registered twice"):
            sources.register_recorder("volunteer-test", lambda since, user_ids: [], [PointKind.VOLUNTEER_HOURS])
        with pytest.raises(ValueError, match="claims kinds"):
            sources.register_recorder("exchange-test", volunteer, [PointKind.ARTICLE_READ])
        assert {"learning", "meetings", "live", "volunteer-test"} <= set(sources.recorders())
    finally:
        sources._RECORDERS.pop("volunteer-test")


# ------------------------------------------------------------------------------ meetings


def test_meetings_attendance_make_ups_and_the_branchs_own_points(tenant_a, branch):
    there, present = person(tenant_a, branch)
    away, absent = person(tenant_a, branch)
    today = timezone.localdate()
    with tenant_a.tenant:
        kind = ActivityKind.objects.get(code="general_meeting")
        committee_kind = ActivityKind.objects.get(code="committee_meeting")

        def meeting(organization: Organization, status: str = MeetingStatus.HELD, hour: int = 9) -> Meeting:
            starts = at(today, hour)
            return Meeting.objects.create(
                organization=organization, kind=kind if organization == branch else committee_kind,
                title="支部党员大会", starts_at=starts, ends_at=starts + timedelta(hours=2), status=status,
                held_at=timezone.now() if status == MeetingStatus.HELD else None,
            )  # fmt: skip

        held = meeting(branch)
        planned = meeting(branch, MeetingStatus.PLANNED, hour=14)
        meeting(branch.parent)  # a committee's meeting: no branch points
        for found, user, status in ((held, there, "present"), (held, away, "absent"), (planned, there, "present")):
            member = Member.objects.get(user=user)
            Attendee.objects.create(meeting=found, user=user, member=member, name=member.name, status=status)
        Attendee.objects.create(meeting=held, name="列席人员", is_guest=True, status=AttendanceStatus.PRESENT)
        MakeUpTask.objects.create(meeting=held, user=away, completed_at=timezone.now(), note="学习了会议精神")
        MakeUpTask.objects.create(meeting=held, user=there)  # not completed
        sources.collect()
        assert points(present, PointKind.MEETING_ATTENDED) == 3  # the planned meeting earns nothing
        assert points(absent, PointKind.MEETING_ATTENDED) == 0
        assert points(absent, PointKind.MEETING_MADE_UP) == 1
        assert points(present, PointKind.MEETING_MADE_UP) == 0
        own = PointEntry.objects.filter(organization_id__isnull=False)
        assert [(entry.organization_id, entry.kind, entry.points) for entry in own] == [
            (branch.pk, PointKind.BRANCH_ACTIVITY, 5)
        ]
        assert not PointEvent.objects.filter(member_id__isnull=True, organization_id__isnull=True).exists()
        # The attendance is corrected to absent: the nightly full run retracts the event and its points.
        Attendee.objects.filter(meeting=held, user=there).update(status=AttendanceStatus.ABSENT)
        sources.collect()
        assert points(present, PointKind.MEETING_ATTENDED) == 3  # an incremental run only adds
        sources.collect(full=True)
        assert points(present, PointKind.MEETING_ATTENDED) == 0
        assert not PointEvent.objects.filter(member_id=present.pk, kind=PointKind.MEETING_ATTENDED).exists()
        assert points(absent, PointKind.MEETING_MADE_UP) == 1  # the rest stays


# ------------------------------------------------------------------------------ live lessons


def lesson(world: TenantWorld | None, *, ended: bool = True) -> Lesson:
    went_live = timezone.now() - timedelta(hours=3)
    data = {"title": "党课", "starts_at": went_live, "planned_end_at": went_live + timedelta(hours=1),
            "status": LessonStatus.ENDED if ended else LessonStatus.LIVE, "went_live_at": went_live,
            "ended_at": went_live + timedelta(hours=1) if ended else None}  # fmt: skip
    if world is None:
        connection.set_schema_to_public()
        return Lesson.objects.create(**data)
    with world.tenant:
        return Lesson.objects.create(**data)


def watched(world: TenantWorld, found: Lesson, user: User, live: int, replay: int = 0, *, group: bool = False) -> None:
    member = Member.objects.filter(user=user).first()
    Attendance.objects.create(
        lesson_scope="group" if group else "tenant", lesson_schema="public" if group else world.tenant.schema_name,
        lesson_id=found.pk, user=user, member_id=member.pk if member else None, live_seconds=live,
        replay_seconds=replay, first_beat_at=timezone.now() - timedelta(hours=2), last_beat_at=timezone.now(),
    )  # fmt: skip


def test_live_attendance_earns_points_and_replays_never_do(tenant_a, branch):
    people = {name: person(tenant_a, branch) for name in ("live", "partly", "replay", "both", "group", "ongoing")}
    ended, ongoing, group = lesson(tenant_a), lesson(tenant_a, ended=False), lesson(None)
    with tenant_a.tenant:
        watched(tenant_a, ended, people["live"][0], 2400)  # 2/3 of the hour: present
        watched(tenant_a, ended, people["partly"][0], 2399)  # partly: no points
        watched(tenant_a, ended, people["replay"][0], 0, replay=3600)  # a full replay: 补学, no live points
        watched(tenant_a, ended, people["both"][0], 600, replay=3600)  # replay never tops up live time
        watched(tenant_a, group, people["group"][0], 3000, group=True)  # the group's lesson counts too
        watched(tenant_a, ongoing, people["ongoing"][0], 3000)  # not ended yet: nothing yet
        sources.collect()
        earned = {name: points(member, PointKind.LIVE_ATTENDED) for name, (_user, member) in people.items()}
        assert earned == {"live": 3, "partly": 0, "replay": 0, "both": 0, "group": 3, "ongoing": 0}
        assert points(people["replay"][1]) == 0
        # The lesson ends later: the next incremental run sees it.
        now = timezone.now()
        Lesson.objects.filter(pk=ongoing.pk).update(
            status=LessonStatus.ENDED, went_live_at=now - timedelta(hours=1), ended_at=now
        )
        Attendance.objects.update(last_beat_at=now - timedelta(hours=1))  # nobody watched since the last run
        sources.collect()
        assert points(people["ongoing"][1], PointKind.LIVE_ATTENDED) == 3


# ------------------------------------------------------------------------------ the beat


def test_the_beat_collects_every_few_minutes_and_checks_the_ledger_nightly(tenant_a, branch):
    assert set(SCHEDULE) == {"points-collect", "points-check"}
    assert SCHEDULE["points-collect"]["args"][0] == "tenants.points.collect"
    assert SCHEDULE["points-check"]["args"][0] == "tenants.points.check_ledger"
    user, member = person(tenant_a, branch)
    with tenant_a.tenant:
        study(user, StudyEventKind.ARTICLE_READ, timezone.now(), "a")
        collect_points.run()
        assert points(member) == 1
        PointEntry.objects.update(points=0)
        result = check_points_ledger.run()
        assert result == {"entries": 1, "drift": 1}
        found = last_check()
        assert found is not None
        assert found["drift"] == 1
    body = api(tenant_a.host, tenant_a.admin).get("/api/v1/points/settings").json()
    assert body["last_check"]["drift"] == 1
