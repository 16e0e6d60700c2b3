"""Live-lesson attendance (issue 13): heartbeats counted once across tabs, the gap cap, only
playing time, replay as 补学 only, verdicts at the 2/3 boundary with the rule version, expected
audiences, the xlsx, a group lesson per tenant on the root host, isolation, the party-lesson
count for organizational life and the rollup metric."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from partycloud.audit.models import AuditEvent
from partycloud.core.errors import Conflict
from partycloud.rollups.models import RollupSummary, RollupValue
from partycloud.rollups.relay import relay_until_empty
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tenants.live.attendance import do_record_live_heartbeat, party_lesson_attendance
from tenants.live.audience import LessonRef, LessonScope, find_viewable, viewer_of
from tenants.live.models import Attendance, AttendanceRule, Lesson, LessonStatus
from tenants.live.rules import Rule, Verdict
from tenants.live.signals import lesson_ended
from tenants.members.models import Member
from tenants.organizations.models import Organization
from tenants.organizations.services import do_create_organization
from tenants.outbox.models import OutboxEvent
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.factories import UserFactory
from tests.isolation import Endpoint, assert_root_only, assert_tenant_isolated
from tests.test_rollups import new_member

# A heartbeat every 15 s from every viewer: its cost is bounded (host, user, roles, member, scope,
# lesson, the locked row and its update: 8 statements, each after a SET search_path).
QUERIES_PER_BEAT = 20
T0 = datetime(2026, 11, 20, 19, 0, tzinfo=timezone.get_default_timezone())


@dataclass
class Branches:
    committee: Organization
    first: Organization
    second: Organization


def branches(world: TenantWorld) -> Branches:
    with world.tenant:
        committee = do_create_organization(kind="committee", name=f"{world.tenant.short_name}党委")
        first = do_create_organization(kind="branch", name="第一党支部", parent=committee)
        second = do_create_organization(kind="branch", name="第二党支部", parent=committee)
    return Branches(committee, first, second)


def watcher(world: TenantWorld, organization: Organization, name: str = "") -> tuple[User, Member]:
    """A user with an active member record in ``organization``."""
    user = UserFactory()
    with world.tenant:
        fields = {"phone": user.phone} | ({"name": name} if name else {})
        return user, new_member(organization, **fields)


def lesson_in(
    world: TenantWorld | None,
    *,
    status: str = LessonStatus.LIVE,
    organization: Organization | None = None,
    went_live_at: datetime = T0,
    length: timedelta = timedelta(hours=1),
    **fields: Any,
) -> Lesson:
    """A lesson already live (or ended after ``length``): the tenant's, or the group's (world None)."""
    data = {
        "title": "学习贯彻党的二十大精神", "starts_at": went_live_at, "planned_end_at": went_live_at + length,
        "status": status, "went_live_at": went_live_at, "organization": organization,
        "ended_at": went_live_at + length if status == LessonStatus.ENDED else None,
    } | fields  # fmt: skip
    if world is None:
        connection.set_schema_to_public()  # a request may have left a tenant's schema active
        return Lesson.objects.create(**data)
    with world.tenant:
        return Lesson.objects.create(**data)


def beat(world: TenantWorld, user: User, lesson: Lesson, at: datetime, **kwargs: Any) -> int:
    """One heartbeat through the service (at a chosen time); the seconds it counted."""
    scope = LessonScope.GROUP if lesson.audience_tenants or kwargs.pop("group", False) else LessonScope.TENANT
    body = {"session": "tab-1", "state": "playing", "mode": "live"} | kwargs
    with world.tenant:
        viewer = viewer_of(Actor.for_user(user))
        assert viewer is not None
        ref = LessonRef.of(scope, lesson.pk)
        found = find_viewable(ref, viewer)
        return do_record_live_heartbeat(viewer=viewer, ref=ref, lesson=found, now=at, **body).counted_seconds


def row_of(world: TenantWorld, user: User, lesson: Lesson) -> Attendance:
    with world.tenant:
        return Attendance.objects.get(user=user, lesson_id=lesson.pk)


def heartbeat_url(lesson: Lesson, scope: str = "tenant") -> str:
    return f"/api/v1/live/watch/{scope}/{lesson.pk}/heartbeat"


def report_url(lesson: Lesson) -> str:
    return f"/api/v1/live/lessons/{lesson.pk}/attendance"


# ---------------------------------------------------------------------------------- heartbeats


def test_two_tabs_count_the_same_seconds_once(tenant_a: TenantWorld) -> None:
    tree = branches(tenant_a)
    user, _member = watcher(tenant_a, tree.first)
    lesson = lesson_in(tenant_a)
    s = timedelta(seconds=1)
    counted = [
        beat(tenant_a, user, lesson, T0, session="a"),
        beat(tenant_a, user, lesson, T0 + 5 * s, session="b"),
        beat(tenant_a, user, lesson, T0 + 15 * s, session="a"),
        beat(tenant_a, user, lesson, T0 + 20 * s, session="b"),
        beat(tenant_a, user, lesson, T0 + 30 * s, session="a"),
        beat(tenant_a, user, lesson, T0 + 35 * s, session="b"),
    ]
    assert counted == [0, 0, 15, 5, 10, 5]
    row = row_of(tenant_a, user, lesson)
    assert (row.live_seconds, row.replay_seconds) == (35, 0)  # T0 → T0+35 s, once
    assert row.organization_id == tree.first.pk  # the member's branch at the first beat


def test_a_gap_longer_than_the_maximum_counts_only_the_maximum(tenant_a: TenantWorld) -> None:
    tree = branches(tenant_a)
    user, _member = watcher(tenant_a, tree.first)
    lesson = lesson_in(tenant_a)
    assert beat(tenant_a, user, lesson, T0) == 0
    assert beat(tenant_a, user, lesson, T0 + timedelta(seconds=50)) == 20  # the study rule's max gap
    # Silent for more than three gaps: the session is forgotten, the silence not counted.
    assert beat(tenant_a, user, lesson, T0 + timedelta(seconds=200)) == 0
    assert row_of(tenant_a, user, lesson).live_seconds == 20


def test_paused_and_hidden_time_is_not_counted(tenant_a: TenantWorld) -> None:
    tree = branches(tenant_a)
    user, _member = watcher(tenant_a, tree.first)
    lesson = lesson_in(tenant_a)
    s = timedelta(seconds=1)
    counted = [
        beat(tenant_a, user, lesson, T0),
        beat(tenant_a, user, lesson, T0 + 10 * s, state="paused"),  # played until the pause
        beat(tenant_a, user, lesson, T0 + 25 * s, state="paused"),
        beat(tenant_a, user, lesson, T0 + 40 * s, state="hidden"),
        beat(tenant_a, user, lesson, T0 + 55 * s),  # counting starts over
        beat(tenant_a, user, lesson, T0 + 70 * s),
    ]
    assert counted == [0, 10, 0, 0, 0, 15]
    assert row_of(tenant_a, user, lesson).live_seconds == 25
    only_hidden, _m = watcher(tenant_a, tree.first)
    for second in range(0, 60, 15):
        assert beat(tenant_a, only_hidden, lesson, T0 + second * s, state="hidden") == 0
    assert row_of(tenant_a, only_hidden, lesson).live_seconds == 0


def test_the_closing_live_beat_just_after_the_end_counts_up_to_the_end(tenant_a: TenantWorld) -> None:
    tree = branches(tenant_a)
    user, _member = watcher(tenant_a, tree.first)
    lesson = lesson_in(tenant_a)
    s = timedelta(seconds=1)
    assert [beat(tenant_a, user, lesson, T0), beat(tenant_a, user, lesson, T0 + 15 * s)] == [0, 15]
    with tenant_a.tenant:
        Lesson.objects.filter(pk=lesson.pk).update(status=LessonStatus.ENDED, ended_at=T0 + 20 * s)
    # The player's last beat arrives 5 s after the end: the 5 s up to the end count, not the 10 s.
    assert beat(tenant_a, user, lesson, T0 + 25 * s, state="paused") == 5
    assert row_of(tenant_a, user, lesson).live_seconds == 20
    # Later than the heartbeat gap after the end: not live any more.
    with pytest.raises(Conflict):
        beat(tenant_a, user, lesson, T0 + 60 * s)


def test_replay_counts_as_make_up_study_only(tenant_a: TenantWorld) -> None:
    tree = branches(tenant_a)
    user, _member = watcher(tenant_a, tree.first)
    lesson = lesson_in(tenant_a, status=LessonStatus.ENDED)
    client = api(tenant_a.host, user, language="en")
    refused = client.post(heartbeat_url(lesson), {"session": "x", "state": "playing", "mode": "live"}, format="json")
    assert refused.status_code == 409, refused.content
    assert refused.json()["code"] == "live.not_live"
    assert "not live" in refused.json()["message"]
    later = timezone.now()
    for second in range(0, 61, 15):
        beat(tenant_a, user, lesson, later + timedelta(seconds=second), mode="replay")
    row = row_of(tenant_a, user, lesson)
    assert (row.live_seconds, row.replay_seconds) == (0, 60)
    report = api(tenant_a.host, tenant_a.admin).get(report_url(lesson)).json()
    line = next(m for m in report["members"] if m["member_id"] == _member.pk)
    assert (line["verdict"], line["watched_seconds"], line["replay_seconds"]) == ("absent", 0, 60)
    assert report["totals"]["replay"] == 1
    assert report["totals"]["present"] == 0


def test_live_mode_before_the_lesson_is_live_is_refused_and_replay_counts_nothing(tenant_a: TenantWorld) -> None:
    tree = branches(tenant_a)
    user, _member = watcher(tenant_a, tree.first)
    lesson = lesson_in(tenant_a, status=LessonStatus.SCHEDULED)
    with tenant_a.tenant:
        Lesson.objects.filter(pk=lesson.pk).update(went_live_at=None)
    with pytest.raises(Conflict):
        beat(tenant_a, user, lesson, T0)
    assert beat(tenant_a, user, lesson, T0, mode="replay") == 0
    with tenant_a.tenant:
        assert not Attendance.objects.filter(lesson_id=lesson.pk).exists()


def test_heartbeat_over_the_api(tenant_a: TenantWorld) -> None:
    tree = branches(tenant_a)
    user, _member = watcher(tenant_a, tree.first)
    lesson = lesson_in(tenant_a, went_live_at=timezone.now() - timedelta(minutes=5))
    client = api(tenant_a.host, user)
    first = client.post(heartbeat_url(lesson), {"session": "s1", "state": "playing", "mode": "live"}, format="json")
    assert first.status_code == 200, first.content
    assert first.json() == {"counted_seconds": 0, "watched_seconds": 0, "mode": "live"}
    with CaptureQueriesContext(connection) as queries:
        second = client.post(heartbeat_url(lesson), {"session": "s2", "state": "playing", "mode": "live"})
    assert second.status_code == 200
    assert len(queries) <= QUERIES_PER_BEAT, "\n".join(q["sql"][:150] for q in queries)
    bad = client.post(heartbeat_url(lesson), {"session": "s1", "state": "dancing", "mode": "live"}, format="json")
    assert bad.status_code == 400
    assert api(tenant_a.host).post(heartbeat_url(lesson), {}, format="json").status_code == 401
    unknown = client.post(heartbeat_url(lesson, "planet"), {"session": "s", "state": "playing", "mode": "live"})
    assert unknown.status_code == 404


# ---------------------------------------------------------------------------------- verdicts


def test_the_rule_is_exact_at_two_thirds() -> None:
    rule = Rule("2026.1", 2, 3)
    assert rule.verdict(2400, 3600) is Verdict.PRESENT
    assert rule.verdict(2399, 3600) is Verdict.PARTLY
    assert rule.verdict(1, 3600) is Verdict.PARTLY
    assert rule.verdict(0, 3600) is Verdict.ABSENT
    assert rule.verdict(2, 3) is Verdict.PRESENT  # no rounding of 2/3


def test_verdicts_at_the_boundary_with_the_rule_version(tenant_a: TenantWorld) -> None:
    tree = branches(tenant_a)
    lesson = lesson_in(tenant_a, status=LessonStatus.ENDED, length=timedelta(hours=1))
    people = {name: watcher(tenant_a, tree.first, name) for name in ("甲", "乙", "丙", "丁")}
    with tenant_a.tenant:
        for name, seconds in (("甲", 2400), ("乙", 2399), ("丙", 0)):
            user, member = people[name]
            Attendance.objects.create(
                lesson_scope="tenant", lesson_schema=tenant_a.tenant.schema_name, lesson_id=lesson.pk, user=user,
                member_id=member.pk, organization_id=tree.first.pk, live_seconds=seconds,
                replay_seconds=600 if name == "丙" else 0, first_beat_at=T0, last_beat_at=T0,
            )  # fmt: skip
    report = api(tenant_a.host, tenant_a.admin).get(report_url(lesson)).json()
    assert report["rule"] == {"version": "2026.1", "share": 0.6667, "share_label": "2/3"}
    assert report["actual_seconds"] == 3600
    verdicts = {line["name"]: line["verdict"] for line in report["members"]}
    assert verdicts == {"甲": "present", "乙": "partly", "丙": "absent", "丁": "absent"}  # 丁 never watched
    assert report["totals"] == {
        "expected": 4, "present": 1, "partly": 1, "absent": 2, "replay": 1, "rate": 25.0,
    }  # fmt: skip
    assert report["organizations"] == [
        {"id": tree.first.pk, "name": "第一党支部", "expected": 4, "present": 1, "partly": 1, "absent": 2,
         "replay": 1, "rate": 25.0},
    ]  # fmt: skip
    # A newer local version (here: half) applies to lessons from its date on, and says so.
    with tenant_a.tenant:
        AttendanceRule.objects.create(
            version="2026.2-local", effective_from=T0.date(), source="test", present_numerator=1, present_denominator=2
        )
    again = api(tenant_a.host, tenant_a.admin).get(report_url(lesson)).json()
    assert again["rule"]["version"] == "2026.2-local"
    assert {line["name"]: line["verdict"] for line in again["members"]}["乙"] == "present"


def test_a_subtree_lesson_expects_only_its_subtree(tenant_a: TenantWorld) -> None:
    tree = branches(tenant_a)
    inside, inside_member = watcher(tenant_a, tree.first)
    outside, outside_member = watcher(tenant_a, tree.second)
    lesson = lesson_in(tenant_a, organization=tree.first, went_live_at=timezone.now() - timedelta(minutes=1))
    body = {"session": "s", "state": "playing", "mode": "live"}
    assert api(tenant_a.host, inside).post(heartbeat_url(lesson), body, format="json").status_code == 200
    assert api(tenant_a.host, outside).post(heartbeat_url(lesson), body, format="json").status_code == 404
    report = api(tenant_a.host, tenant_a.admin).get(report_url(lesson)).json()
    assert [line["member_id"] for line in report["members"]] == [inside_member.pk]
    assert outside_member.pk not in {line["member_id"] for line in report["members"]}
    # ?organization= narrows a whole-tenant lesson to a subtree.
    everyone = lesson_in(tenant_a, went_live_at=timezone.now() - timedelta(minutes=1))
    narrowed = api(tenant_a.host, tenant_a.admin).get(report_url(everyone), {"organization": tree.second.pk}).json()
    assert [line["member_id"] for line in narrowed["members"]] == [outside_member.pk]


def test_a_branch_secretary_sees_their_branch_of_a_whole_tenant_lesson(tenant_a: TenantWorld) -> None:
    tree = branches(tenant_a)
    _u1, first_member = watcher(tenant_a, tree.first)
    _u2, _second_member = watcher(tenant_a, tree.second)
    secretary = UserFactory()
    with tenant_a.tenant:
        do_assign_role(user=secretary, role=TenantRole.SECRETARY, organization_id=tree.first.pk)
    lesson = lesson_in(tenant_a, status=LessonStatus.ENDED)
    report = api(tenant_a.host, secretary).get(report_url(lesson))
    assert report.status_code == 200, report.content
    assert [line["member_id"] for line in report.json()["members"]] == [first_member.pk]
    assert api(tenant_a.host, tenant_a.member).get(report_url(lesson)).status_code == 403


def test_the_workbook_lists_members_and_organizations_and_is_audited(tenant_a: TenantWorld) -> None:
    tree = branches(tenant_a)
    user, _member = watcher(tenant_a, tree.first, "张三")
    watcher(tenant_a, tree.second, "李四")
    lesson = lesson_in(tenant_a, status=LessonStatus.ENDED, length=timedelta(minutes=30))
    with tenant_a.tenant:
        Attendance.objects.create(
            lesson_scope="tenant", lesson_schema=tenant_a.tenant.schema_name, lesson_id=lesson.pk, user=user,
            member_id=_member.pk, organization_id=tree.first.pk, live_seconds=1500, first_beat_at=T0, last_beat_at=T0,
        )  # fmt: skip
    response = api(tenant_a.host, tenant_a.admin).get(f"{report_url(lesson)}.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    members = list(workbook["参学明细"].iter_rows(values_only=True))
    assert members[0][:2] == ("课程", "学习贯彻党的二十大精神")
    assert ("第一党支部", "张三", 25, 0, "出席") in members
    assert ("第二党支部", "李四", 0, 0, "缺席") in members
    organizations = list(workbook["按组织统计"].iter_rows(values_only=True))
    assert organizations[0][:3] == ("党组织", "应参学", "出席")
    assert organizations[-1] == ("合计", 2, 1, 0, 1, 0, 50)
    with tenant_a.tenant:
        assert AuditEvent.objects.filter(event="live.attendance.export").count() == 1


# ---------------------------------------------------------------------------------- group lessons


def test_a_group_lesson_is_reported_per_tenant_on_the_root_host(
    tenant_a: TenantWorld, tenant_b: TenantWorld, group_admin: User, group_viewer: User
) -> None:
    tree_a, tree_b = branches(tenant_a), branches(tenant_b)
    a1, a1_member = watcher(tenant_a, tree_a.first)
    watcher(tenant_a, tree_a.second)
    b1, _b1_member = watcher(tenant_b, tree_b.first)
    lesson = lesson_in(None, audience_tenants=[tenant_a.tenant.pk, tenant_b.tenant.pk])
    s = timedelta(seconds=1)
    for second in range(0, 46, 15):  # a1: 45 s live
        beat(tenant_a, a1, lesson, T0 + second * s)
    for second in range(0, 16, 15):  # b1: 15 s live
        beat(tenant_b, b1, lesson, T0 + second * s)
    # Each tenant keeps its own members' rows.
    with tenant_a.tenant:
        assert list(Attendance.objects.values_list("user_id", "lesson_scope", "lesson_schema")) == [
            (a1.pk, "group", "public")
        ]
    with tenant_b.tenant:
        assert list(Attendance.objects.values_list("user_id", flat=True)) == [b1.pk]
    over_api = api(tenant_b.host, b1).post(
        heartbeat_url(lesson, "group"), {"session": "t", "state": "playing", "mode": "live"}, format="json"
    )
    assert over_api.status_code == 200, over_api.content
    assert over_api.json()["watched_seconds"] == 15
    connection.set_schema_to_public()  # the request left tenant B's schema active
    Lesson.objects.filter(pk=lesson.pk).update(status=LessonStatus.ENDED, ended_at=T0 + 60 * s)
    url = f"/api/v1/group/live/lessons/{lesson.pk}/attendance"
    body = api(ROOT_HOST, group_admin).get(url).json()
    rows = {row["tenant"]: row for row in body["tenants"]}
    assert body["actual_seconds"] == 60
    assert rows[tenant_a.tenant.pk] | {"name": ""} == {
        "tenant": tenant_a.tenant.pk, "name": "", "expected": 2, "present": 1, "partly": 0, "absent": 1,
        "replay": 0, "rate": 50.0, "rule_version": "2026.1",
    }  # fmt: skip
    assert (rows[tenant_b.tenant.pk]["present"], rows[tenant_b.tenant.pk]["partly"]) == (0, 1)
    assert body["totals"] == {"expected": 3, "present": 1, "partly": 1, "absent": 1, "replay": 0, "rate": 33.3}
    assert_root_only(Endpoint(url), allowed=group_viewer, tenant_users=[tenant_a.admin, tenant_b.member])
    # From a tenant host, the tenant's admin reads its own part only.
    mine = api(tenant_a.host, tenant_a.admin).get(f"/api/v1/live/watch/group/{lesson.pk}/attendance").json()
    assert [line["member_id"] for line in mine["members"] if line["verdict"] == "present"] == [a1_member.pk]
    assert mine["totals"]["expected"] == 2
    assert (
        api(tenant_a.host, tenant_a.member).get(f"/api/v1/live/watch/group/{lesson.pk}/attendance").status_code == 403
    )
    # A group lesson for tenant A only is not B's.
    only_a = lesson_in(None, audience_tenants=[tenant_a.tenant.pk])
    assert api(tenant_b.host, tenant_b.admin).get(f"/api/v1/live/watch/group/{only_a.pk}/attendance").status_code == 404
    hb = {"session": "s", "state": "playing", "mode": "live"}
    assert api(tenant_b.host, b1).post(heartbeat_url(only_a, "group"), hb, format="json").status_code == 404


def test_attendance_endpoints_are_tenant_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld) -> None:
    tree = branches(tenant_a)
    _user, _member = watcher(tenant_a, tree.first)
    lesson = lesson_in(tenant_a, status=LessonStatus.ENDED)
    for detail in (report_url(lesson),):
        assert_tenant_isolated(
            Endpoint("/api/v1/live/lessons", object_id=lesson.pk, detail_url=detail, change=None, deletable=False),
            owner=tenant_a,
            outsider=tenant_b,
        )
    # Heartbeats: another tenant's user on A's host, or on their own host, never reach A's lesson.
    body = {"session": "s", "state": "playing", "mode": "replay"}
    assert api(tenant_a.host, tenant_b.member).post(heartbeat_url(lesson), body, format="json").status_code == 404
    assert api(tenant_a.host).post(heartbeat_url(lesson), body, format="json").status_code == 401
    assert api(tenant_a.host).get(f"{report_url(lesson)}.xlsx").status_code == 401
    assert api(tenant_a.host, tenant_b.admin).get(f"{report_url(lesson)}.xlsx").status_code in {403, 404}
    # A group lesson's tenant part: anonymous 401, another tenant's admin on A's host 403/404.
    group = lesson_in(None, status=LessonStatus.ENDED, audience_tenants=[tenant_a.tenant.pk])
    for suffix in ("", ".xlsx"):
        url = f"/api/v1/live/watch/group/{group.pk}/attendance{suffix}"
        assert api(tenant_a.host).get(url).status_code == 401
        assert api(tenant_a.host, tenant_b.admin).get(url).status_code in {403, 404}
        assert api(tenant_b.host, tenant_b.admin).get(url).status_code == 404  # B is not in the audience
        assert api(tenant_a.host, tenant_a.admin).get(url).status_code == 200


# ---------------------------------------------------------------------------------- organizational life


def test_party_lesson_attendance_of_an_organization_in_a_quarter(tenant_a: TenantWorld) -> None:
    tree = branches(tenant_a)
    user, member = watcher(tenant_a, tree.first)
    watcher(tenant_a, tree.second)
    counted = lesson_in(tenant_a, status=LessonStatus.ENDED, organization=tree.first, counts_as_party_lesson=True)
    lesson_in(tenant_a, status=LessonStatus.ENDED, organization=tree.second, counts_as_party_lesson=True)
    lesson_in(tenant_a, status=LessonStatus.ENDED, counts_as_party_lesson=False)  # not a 党课
    lesson_in(  # another quarter
        tenant_a, status=LessonStatus.ENDED, counts_as_party_lesson=True, went_live_at=T0 - timedelta(days=120)
    )
    group = lesson_in(None, status=LessonStatus.ENDED, counts_as_party_lesson=True, audience_tenants=[])
    with tenant_a.tenant:
        Attendance.objects.create(
            lesson_scope="tenant", lesson_schema=tenant_a.tenant.schema_name, lesson_id=counted.pk, user=user,
            member_id=member.pk, organization_id=tree.first.pk, live_seconds=3000, first_beat_at=T0, last_beat_at=T0,
        )  # fmt: skip
        found = party_lesson_attendance(tree.first.pk, date(2026, 10, 1), date(2026, 12, 31))
    assert [(item["scope"], item["id"]) for item in found] == [("group", group.pk), ("tenant", counted.pk)]
    first = found[1]
    assert (first["expected"], first["present"], first["partly"], first["absent"]) == (1, 1, 0, 0)
    assert first["rule_version"] == "2026.1"
    assert (found[0]["expected"], found[0]["absent"]) == (1, 1)  # the group lesson: the branch's member


# ---------------------------------------------------------------------------------- the rollup


def test_the_rollup_metric_is_the_present_share_of_lessons_ended_in_the_month(
    tenant_a: TenantWorld, tenant_b: TenantWorld, group_admin: User
) -> None:
    tree = branches(tenant_a)
    people = [watcher(tenant_a, tree.first) for _ in range(3)]
    lesson = lesson_in(tenant_a, went_live_at=T0)
    with tenant_a.tenant:
        for index, (user, member) in enumerate(people):
            Attendance.objects.create(
                lesson_scope="tenant", lesson_schema=tenant_a.tenant.schema_name, lesson_id=lesson.pk, user=user,
                member_id=member.pk, organization_id=tree.first.pk, live_seconds=(3600, 2400, 100)[index],
                first_beat_at=T0, last_beat_at=T0,
            )  # fmt: skip
        # The lesson ends: the receiver flags the month in the tenant's outbox.
        Lesson.objects.filter(pk=lesson.pk).update(status=LessonStatus.ENDED, ended_at=T0 + timedelta(hours=1))
        lesson.refresh_from_db()
        OutboxEvent.objects.all().delete()
        lesson_ended.send(
            sender=Lesson, ref=LessonRef(LessonScope.TENANT, lesson.pk, tenant_a.tenant.schema_name), lesson=lesson
        )
        assert list(OutboxEvent.objects.values_list("topic", "period")) == [("live", date(2026, 11, 1))]
    relay_until_empty(tenant_a.tenant, today=date(2026, 11, 22))
    values = dict(
        RollupValue.objects.filter(
            tenant=tenant_a.tenant, metric="live.attendance_rate", period=date(2026, 11, 1)
        ).values_list("dimension", "value")
    )
    assert values == {"lessons": Decimal(1), "expected": Decimal(3), "present": Decimal(2)}
    summary = RollupSummary.objects.get(tenant=tenant_a.tenant, period=date(2026, 11, 1))
    assert summary.figures["live_attendance_rate"] == pytest.approx(66.7)
    assert summary.figures["live_lessons"] == 1
    dashboard = api(ROOT_HOST, group_admin).get("/api/v1/group/dashboard", {"period": "2026-11"})
    assert dashboard.status_code == 200, dashboard.content
    row = next(t for t in dashboard.json()["tenants"] if t["id"] == tenant_a.tenant.pk)
    assert row["figures"]["live_attendance_rate"] == pytest.approx(66.7)
    # A group lesson that ends flags the tenants of its audience only.
    group = lesson_in(None, status=LessonStatus.ENDED, audience_tenants=[tenant_a.tenant.pk])
    for world in (tenant_a, tenant_b):
        with world.tenant:
            OutboxEvent.objects.all().delete()
    lesson_ended.send(sender=Lesson, ref=LessonRef(LessonScope.GROUP, group.pk, "public"), lesson=group)
    with tenant_a.tenant:
        assert OutboxEvent.objects.filter(topic="live").count() == 1
    with tenant_b.tenant:
        assert not OutboxEvent.objects.exists()
