"""Organizational-life records (issue 15): the rule table at its boundaries (a branch reaching 7
full members mid-year, a local version from a quarter's first day), the annual plan, meetings
with invitees, notices, leave, minutes, resolutions and quorum, holding with make-ups, the
live-lesson bridge, permissions and per-endpoint isolation."""

from __future__ import annotations

import itertools
import time
from datetime import date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from partycloud.audit.models import AuditEvent
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tenants.live.audience import LessonRef, LessonScope
from tenants.live.models import Attendance as LiveAttendance
from tenants.live.models import Lesson, LessonStatus
from tenants.live.signals import lesson_ended
from tenants.meetings.demo import seed_meetings
from tenants.meetings.models import (
    ActivityKind,
    ActivityRequirement,
    ActivityRule,
    MakeUpTask,
    Meeting,
    PlannedActivity,
)
from tenants.meetings.records import do_generate_plan
from tenants.meetings.rules import full_members_on, requirements_for, rule_in_force, rule_on, rules_between
from tenants.members.models import DisciplinaryProbation, Member
from tenants.members.services import do_create_member
from tenants.notifications.models import Notification
from tenants.organizations.models import Organization
from tenants.organizations.services import do_create_organization
from tests.conftest import TenantWorld, api
from tests.factories import UserFactory, make_id_card
from tests.isolation import Endpoint, assert_tenant_isolated

_serials = itertools.count(7000)


def new_member(organization: Organization, placed_on: date | None = None, **fields: Any) -> Member:
    """An active member record (full unless ``membership`` says otherwise), counting from ``placed_on``."""
    serial = next(_serials)
    birth = date(1960 + serial % 25, 1 + serial % 12, 1 + serial % 28)
    data = {
        "name": f"党员{serial}", "gender": "male", "joined_on": date(2010, 7, 1), "confirmed_on": date(2011, 7, 1),
        "membership": "full", "dues_category": "employee", "organization": organization, "birth_date": birth,
    } | fields  # fmt: skip
    return do_create_member(
        data, id_card_number=make_id_card(birth.strftime("%Y%m%d")), placed_on=placed_on, audit=False
    )


def tree(world: TenantWorld) -> dict[str, Organization]:
    with world.tenant:
        committee = do_create_organization(kind="committee", name=f"{world.tenant.short_name}党委")
        first = do_create_organization(kind="branch", name="第一党支部", parent=committee)
        second = do_create_organization(kind="branch", name="第二党支部", parent=committee)
        group = do_create_organization(kind="party_group", name="第一党小组", parent=first)
    return {"committee": committee, "first": first, "second": second, "group": group}


def codes(requirements: list[ActivityRequirement]) -> set[str]:
    return {r.kind.code for r in requirements}


# ---------------------------------------------------------------------------------- rules


def test_the_2018_rule_binds_branches_groups_and_committees_by_kind(tenant_a: TenantWorld) -> None:
    orgs = tree(tenant_a)
    with tenant_a.tenant:
        rule = rule_in_force(date(2026, 3, 1))
        assert rule.version == "2018.1"
        day = date(2026, 3, 1)
        assert codes(requirements_for(orgs["first"], rule, day)) == {
            "general_meeting", "party_lecture", "theme_day", "life_meeting", "democratic_evaluation", "heart_talk",
        }  # fmt: skip
        assert codes(requirements_for(orgs["group"], rule, day)) == {"group_meeting"}
        assert codes(requirements_for(orgs["committee"], rule, day)) == set()


def test_a_branch_reaching_seven_full_members_mid_year_owes_committee_meetings_from_then_on(
    tenant_a: TenantWorld,
) -> None:
    orgs = tree(tenant_a)
    with tenant_a.tenant:
        for _ in range(4):
            new_member(orgs["first"], placed_on=date(2025, 1, 10))
        for _ in range(2):  # members of its party group count for the branch
            new_member(orgs["group"], placed_on=date(2025, 1, 10))
        new_member(orgs["first"], membership="probationary", confirmed_on=None, placed_on=date(2025, 1, 10))
        new_member(orgs["first"], placed_on=date(2026, 6, 15))  # the seventh full member
        rule = rule_in_force(date(2026, 1, 1))
        assert full_members_on(date(2026, 6, 14), [orgs["first"]])[orgs["first"].pk] == 6
        assert "committee_meeting" not in codes(requirements_for(orgs["first"], rule, date(2026, 6, 14)))
        assert "committee_meeting" in codes(requirements_for(orgs["first"], rule, date(2026, 6, 15)))
        # the month starting after it: bound; the month it happened in, judged on its first day: not
        assert "committee_meeting" not in codes(requirements_for(orgs["first"], rule, date(2026, 6, 1)))
        assert "committee_meeting" in codes(requirements_for(orgs["first"], rule, date(2026, 7, 1)))
        # bulk callers count many organizations in one query
        counts = full_members_on(date(2026, 7, 1), [orgs["first"], orgs["second"], orgs["group"]])
        assert counts == {orgs["first"].pk: 7, orgs["second"].pk: 0, orgs["group"].pk: 2}
        assert "committee_meeting" in codes(requirements_for(orgs["first"], rule, date(2026, 7, 1), full_members=7))
        assert "committee_meeting" not in codes(requirements_for(orgs["first"], rule, date(2026, 7, 1), full_members=6))


def local_rule(version: str, effective_from: date, **changes: Any) -> ActivityRule:
    """A local version copying 2018.1 with ``changes`` ({kind code: minimum})."""
    base = ActivityRule.objects.get(version="2018.1")
    rule = ActivityRule.objects.create(
        version=version, effective_from=effective_from, source="本单位规定", local=True, committee_threshold=7
    )
    for requirement in base.requirements.all():
        ActivityRequirement.objects.create(
            rule=rule, kind=requirement.kind, period=requirement.period, applies_to=requirement.applies_to,
            minimum=changes.pop(requirement.kind.code, requirement.minimum),
        )  # fmt: skip
    for code, minimum in changes.items():
        kind = ActivityKind.objects.get(code=code)
        ActivityRequirement.objects.create(rule=rule, kind=kind, period="month", applies_to="branch", minimum=minimum)
    return rule


def test_a_local_version_applies_from_its_quarters_first_day(tenant_a: TenantWorld) -> None:
    orgs = tree(tenant_a)
    with tenant_a.tenant:
        kind = ActivityKind.objects.create(code="branch_day", name="支部活动日", stats_category="branch_day")
        local_rule("2026.Q3", date(2026, 7, 1), theme_day=2, branch_day=1)
        assert rule_in_force(date(2026, 6, 30)).version == "2018.1"
        q3 = rule_in_force(date(2026, 7, 1))
        assert q3.version == "2026.Q3"
        required = {r.kind.code: r.minimum for r in requirements_for(orgs["first"], q3, date(2026, 7, 1))}
        assert required["theme_day"] == 2
        assert required["branch_day"] == 1
        # a year under two versions: both, oldest first, picked per day
        year = rules_between(date(2026, 1, 1), date(2026, 12, 31))
        assert [r.version for r in year] == ["2018.1", "2026.Q3"]
        picked = rule_on(year, date(2026, 9, 30))
        assert picked is not None
        assert picked.version == "2026.Q3"
        picked = rule_on(year, date(2026, 6, 30))
        assert picked is not None
        assert picked.version == "2018.1"
        # a retired tenant kind binds nobody any more
        kind.is_active = False
        kind.save()
        assert "branch_day" not in codes(
            requirements_for(orgs["first"], rule_in_force(date(2026, 8, 1)), date(2026, 8, 1))
        )


def test_an_inactive_organization_owes_nothing(tenant_a: TenantWorld) -> None:
    orgs = tree(tenant_a)
    with tenant_a.tenant:
        orgs["second"].is_active = False
        assert requirements_for(orgs["second"], rule_in_force(date(2026, 1, 1)), date(2026, 1, 1)) == []


# ---------------------------------------------------------------------------------- helpers for meetings

BASE = "/api/v1/meetings"
TZ = timezone.get_default_timezone()


def person(world: TenantWorld, organization: Organization, **fields: Any) -> tuple[User, Member]:
    """A user with the member role and an active member record in ``organization`` (since 2025)."""
    user = UserFactory()
    with world.tenant:
        do_assign_role(user=user, role=TenantRole.MEMBER)
        return user, new_member(organization, placed_on=date(2025, 1, 1), phone=user.phone, name=user.name, **fields)


def scoped_secretary(world: TenantWorld, organization: Organization) -> User:
    user = UserFactory()
    with world.tenant:
        do_assign_role(user=user, role=TenantRole.SECRETARY, organization_id=organization.pk)
    return user


def general_meeting_body(organization: Organization, starts_at: datetime, **fields: Any) -> dict[str, Any]:
    with_kind = ActivityKind.objects.get(code=fields.pop("kind_code", "general_meeting"))
    return {
        "organization": organization.pk, "kind": with_kind.pk, "title": "第四季度支部党员大会",
        "starts_at": starts_at.isoformat(), "ends_at": (starts_at + timedelta(hours=2)).isoformat(),
        "place": "三楼会议室", "agenda": "1. 学习；2. 表决",
    } | fields  # fmt: skip


def create_meeting(
    world: TenantWorld, client: Any, organization: Organization, starts_at: datetime, **fields: Any
) -> dict[str, Any]:
    with world.tenant:
        body = general_meeting_body(organization, starts_at, **fields)
    response = client.post(f"{BASE}/create", body, format="json")
    assert response.status_code == 201, response.content
    result: dict[str, Any] = response.json()
    return result


def attendee_of(detail: dict[str, Any], name: str) -> dict[str, Any]:
    return next(a for a in detail["attendees"] if a["name"] == name)


@pytest.fixture
def branch_world(tenant_a: TenantWorld) -> dict[str, Any]:
    """The first branch of tenant A: 5 full members (one in its party group), 1 probationary, 1 full
    member under 留党察看; the tenant's secretary manages the whole tenant."""
    orgs = tree(tenant_a)
    people = [person(tenant_a, orgs["first"]) for _ in range(4)]
    people.append(person(tenant_a, orgs["group"]))
    probationary = person(tenant_a, orgs["first"], membership="probationary", confirmed_on=None)
    suspended = person(tenant_a, orgs["first"])
    with tenant_a.tenant:
        DisciplinaryProbation.objects.create(
            member=suspended[1], started_on=date(2025, 6, 1), ends_on=date(2027, 6, 1), decision="甲纪发〔2025〕1号"
        )
    return {"orgs": orgs, "people": people, "probationary": probationary, "suspended": suspended}


# ---------------------------------------------------------------------------------- the plan


def test_the_plan_is_generated_from_the_rules_once_and_follows_the_committee_threshold(tenant_a: TenantWorld) -> None:
    orgs = tree(tenant_a)
    with tenant_a.tenant:
        for _ in range(6):
            new_member(orgs["first"], placed_on=date(2025, 1, 10))
        new_member(orgs["first"], placed_on=date(2026, 6, 15))  # the seventh: a committee from July
    client = api(tenant_a.host, tenant_a.secretary)
    response = client.post(f"{BASE}/plans/generate", {"organization": orgs["first"].pk, "year": 2026}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    lines = [(item["month"], item["kind_code"]) for item in body["items"]]
    assert [m for m, code in lines if code == "general_meeting"] == [2, 5, 8, 11]  # one per quarter
    assert [m for m, code in lines if code == "party_lecture"] == [2, 5, 8, 11]
    assert [m for m, code in lines if code == "theme_day"] == list(range(1, 13))
    assert [m for m, code in lines if code == "committee_meeting"] == list(range(7, 13))
    assert [m for m, code in lines if code == "life_meeting"] == [7]
    assert "heart_talk" not in {code for _, code in lines}  # pairs of people, not a meeting
    assert all(item["generated"] for item in body["items"])
    assert body["created"] == len(lines)
    again = client.post(f"{BASE}/plans/generate", {"organization": orgs["first"].pk, "year": 2026}, format="json")
    assert again.json()["created"] == 0
    assert len(again.json()["items"]) == len(lines)
    # a party group's plan: its monthly group meeting
    group = client.post(f"{BASE}/plans/generate", {"organization": orgs["group"].pk, "year": 2026}, format="json")
    assert {item["kind_code"] for item in group.json()["items"]} == {"group_meeting"}
    # edit, add and delete lines by hand
    item = body["items"][0]
    changed = client.patch(f"{BASE}/plans/items/{item['id']}", {"month": 3, "title": "开门红"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["month"] == 3
    with tenant_a.tenant:
        kind = ActivityKind.objects.get(code="theme_day")
    added = client.post(
        f"{BASE}/plans/items",
        {"organization": orgs["first"].pk, "year": 2026, "month": 13, "kind": kind.pk},
        format="json",
    )
    assert added.status_code == 400
    assert added.json()["code"] == "meetings.bad_month"
    assert client.delete(f"{BASE}/plans/items/{item['id']}").status_code == 204


# ---------------------------------------------------------------------------------- meetings


def test_a_meeting_invites_the_branch_and_its_groups_and_the_notice_reaches_each_invitee_once(
    tenant_a: TenantWorld, branch_world: dict[str, Any]
) -> None:
    orgs = branch_world["orgs"]
    client = api(tenant_a.host, tenant_a.secretary)
    detail = create_meeting(
        tenant_a, client, orgs["first"], datetime(2026, 12, 20, 9, 0, tzinfo=TZ), guests=[{"name": "列席人"}]
    )
    names = {a["name"] for a in detail["attendees"]}
    assert {user.name for user, _ in branch_world["people"]} <= names  # the party group's member too
    assert attendee_of(detail, "列席人")["is_guest"] is True
    assert attendee_of(detail, branch_world["probationary"][0].name)["has_vote"] is False
    assert attendee_of(detail, branch_world["suspended"][0].name)["has_vote"] is False
    assert attendee_of(detail, branch_world["people"][0][0].name)["has_vote"] is True
    assert detail["quorum"]["voting_members"] == 5  # full members less the one under 留党察看
    assert detail["quorum"]["required"] == 3
    first = client.post(f"{BASE}/{detail['id']}/notify")
    assert first.status_code == 200, first.content
    assert first.json()["notified"] == 7
    assert first.json()["status"] == "notified"
    assert client.post(f"{BASE}/{detail['id']}/notify").json()["notified"] == 0
    with tenant_a.tenant:
        user = branch_world["people"][0][0]
        notices = Notification.objects.filter(user=user, kind="meetings.notice")
        assert notices.count() == 1
        assert "三楼会议室" in notices.get().body
    # the member sees it among their upcoming meetings
    mine = api(tenant_a.host, user).get(f"{BASE}/mine")
    assert mine.status_code == 200
    assert [row["id"] for row in mine.json()["results"]] == [detail["id"]]
    assert mine.json()["results"][0]["my_status"] == "invited"
    # deleting is over once invitees were told: cancel instead
    assert client.delete(f"{BASE}/{detail['id']}").json()["code"] == "meetings.not_deletable"


def test_holding_a_general_meeting_needs_more_than_half_of_the_voters_present(
    tenant_a: TenantWorld, branch_world: dict[str, Any]
) -> None:
    orgs = branch_world["orgs"]
    client = api(tenant_a.host, tenant_a.secretary)
    with tenant_a.tenant:
        do_generate_plan(orgs["first"], 2026, actor=Actor.for_user(tenant_a.admin))
    starts = timezone.now() - timedelta(hours=1)
    detail = create_meeting(tenant_a, client, orgs["first"], starts)
    people = branch_world["people"]
    url = f"{BASE}/{detail['id']}"
    for user, _ in people[:2]:
        aid = attendee_of(detail, user.name)["id"]
        assert client.patch(f"{url}/attendees/{aid}", {"status": "present"}, format="json").status_code == 200
    # the probationary member present does not count towards the quorum
    aid = attendee_of(detail, branch_world["probationary"][0].name)["id"]
    client.patch(f"{url}/attendees/{aid}", {"status": "present"}, format="json")
    refused = client.post(f"{url}/hold")
    assert refused.status_code == 400
    assert refused.json()["code"] == "meetings.quorum_not_met"
    assert "2" in refused.json()["message"]
    assert "5" in refused.json()["message"]
    aid = attendee_of(detail, people[2][0].name)["id"]
    client.patch(f"{url}/attendees/{aid}", {"status": "absent", "absence_reason": "出差"}, format="json")
    client.patch(f"{url}/attendees/{aid}", {"status": "present"}, format="json")
    held = client.post(f"{url}/hold")
    assert held.status_code == 200, held.content
    body = held.json()
    assert body["status"] == "held"
    assert body["quorum"] == {"voting_members": 5, "voting_present": 3, "required": 3, "met": True}
    assert body["rule_version"] == "2018.1"
    assert attendee_of(body, people[3][0].name)["status"] == "absent"
    with tenant_a.tenant:
        owed = set(MakeUpTask.objects.filter(meeting_id=detail["id"]).values_list("user_id", flat=True))
        assert owed == {people[3][0].pk, people[4][0].pk, branch_world["suspended"][0].pk}
        month = timezone.localtime(starts).month
        assert PlannedActivity.objects.filter(
            organization=orgs["first"], kind__code="general_meeting", meeting_id=detail["id"]
        ).exists() == (month in (2, 5, 8, 11))
        assert AuditEvent.objects.filter(event="meetings.meeting.hold").exists()
        assert AuditEvent.objects.filter(event="meetings.attendance.edit").count() == 5
    assert client.post(f"{url}/hold").json()["code"] == "meetings.already_held"
    # a resolution passes with more than half of the 5 voters for it
    passed = client.post(
        f"{url}/resolutions", {"text": "通过预备党员转正", "votes_for": 3, "votes_against": 0}, format="json"
    )
    assert passed.status_code == 201
    assert passed.json()["passed"] is True
    failed = client.post(f"{url}/resolutions", {"text": "另一议题", "votes_for": 2, "abstentions": 1}, format="json")
    assert failed.json()["passed"] is False
    too_many = client.post(f"{url}/resolutions", {"text": "x", "votes_for": 4}, format="json")
    assert too_many.json()["code"] == "meetings.votes_invalid"
    # the absentee completes the make-up
    absentee = api(tenant_a.host, people[3][0])
    tasks = absentee.get(f"{BASE}/makeups", {"done": "false"}).json()["results"]
    assert [task["meeting"] for task in tasks] == [detail["id"]]
    done = absentee.post(f"{BASE}/makeups/{tasks[0]['id']}/complete", {"note": "已学习会议记录"}, format="json")
    assert done.status_code == 200
    assert done.json()["completed_at"] is not None
    assert absentee.get(f"{BASE}/makeups", {"done": "false"}).json()["count"] == 0
    attendance = absentee.get(f"{BASE}/mine/attendance", {"year": timezone.localdate().year}).json()
    assert (attendance["held"], attendance["present"], attendance["rate"]) == (1, 0, 0.0)


def test_a_meeting_cannot_be_held_before_it_starts(tenant_a: TenantWorld, branch_world: dict[str, Any]) -> None:
    client = api(tenant_a.host, tenant_a.secretary)
    detail = create_meeting(
        tenant_a, client, branch_world["orgs"]["first"], timezone.now() + timedelta(days=1), kind_code="theme_day"
    )
    refused = client.post(f"{BASE}/{detail['id']}/hold")
    assert refused.json()["code"] == "meetings.not_started"


def test_leave_is_requested_before_the_start_and_decided_by_the_secretary(
    tenant_a: TenantWorld, branch_world: dict[str, Any]
) -> None:
    orgs = branch_world["orgs"]
    secretary = scoped_secretary(tenant_a, orgs["first"])
    with tenant_a.tenant:
        Organization.objects.filter(pk=orgs["first"].pk).update(secretary=secretary)
    client = api(tenant_a.host, secretary)
    detail = create_meeting(tenant_a, client, orgs["first"], timezone.now() + timedelta(days=2), kind_code="theme_day")
    user = branch_world["people"][0][0]
    member_client = api(tenant_a.host, user)
    # not told yet: not the member's meeting
    assert member_client.post(f"{BASE}/mine/{detail['id']}/leave", {"reason": "出差"}, format="json").status_code == 404
    client.post(f"{BASE}/{detail['id']}/notify")
    assert member_client.get(f"{BASE}/mine").json()["results"][0]["can_request_leave"] is True
    asked = member_client.post(f"{BASE}/mine/{detail['id']}/leave", {"reason": "出差北京"}, format="json")
    assert asked.status_code == 200, asked.content
    assert asked.json()["my_status"] == "leave_requested"
    again = member_client.post(f"{BASE}/mine/{detail['id']}/leave", {"reason": "出差"}, format="json")
    assert again.json()["code"] == "meetings.leave_already"
    with tenant_a.tenant:
        assert Notification.objects.filter(user=secretary, kind="meetings.notice").count() == 1
    aid = attendee_of(client.get(f"{BASE}/{detail['id']}").json(), user.name)["id"]
    # a member cannot decide leave
    assert (
        member_client.post(
            f"{BASE}/{detail['id']}/attendees/{aid}/leave-decision", {"approve": True}, format="json"
        ).status_code
        == 403
    )
    decided = client.post(f"{BASE}/{detail['id']}/attendees/{aid}/leave-decision", {"approve": True}, format="json")
    assert decided.status_code == 200
    assert decided.json()["status"] == "leave_approved"
    with tenant_a.tenant:
        assert (
            Notification.objects.filter(user=user, title__contains="批准").count()
            + Notification.objects.filter(user=user, title__contains="approved").count()
            == 1
        )
        assert AuditEvent.objects.filter(event="meetings.leave.decide").count() == 1
    assert (
        client.post(f"{BASE}/{detail['id']}/attendees/{aid}/leave-decision", {"approve": False}, format="json").json()[
            "code"
        ]
        == "meetings.leave_not_requested"
    )
    # after the start: too late
    with tenant_a.tenant:
        Meeting.objects.filter(pk=detail["id"]).update(starts_at=timezone.now() - timedelta(minutes=1))
    other = api(tenant_a.host, branch_world["people"][1][0])
    late = other.post(f"{BASE}/mine/{detail['id']}/leave", {"reason": "迟到"}, format="json")
    assert late.json()["code"] == "meetings.leave_too_late"
    held = client.post(f"{BASE}/{detail['id']}/hold").json()
    assert attendee_of(held, user.name)["status"] == "leave_approved"
    with tenant_a.tenant:
        assert MakeUpTask.objects.filter(meeting_id=detail["id"], user=user).exists()


def test_minutes_are_sanitized_and_a_classified_marking_is_refused_and_logged(
    tenant_a: TenantWorld, branch_world: dict[str, Any]
) -> None:
    client = api(tenant_a.host, tenant_a.secretary)
    detail = create_meeting(
        tenant_a, client, branch_world["orgs"]["first"], timezone.now() - timedelta(hours=1), kind_code="theme_day"
    )
    url = f"{BASE}/{detail['id']}"
    saved = client.post(
        f"{url}/minutes",
        {"minutes": '<p onclick="x()">会议记录<script>alert(1)</script></p>', "minutes_marking": "internal"},
        format="json",
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["minutes"] == "<p>会议记录</p>"
    refused = client.post(f"{url}/minutes", {"minutes": "<p>【绝密】某事项</p>"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "confidentiality.classified"
    assert client.get(url).json()["minutes"] == "<p>会议记录</p>"
    with tenant_a.tenant:
        assert AuditEvent.objects.filter(event="meetings.classified.refuse").count() == 1
    bad = client.post(f"{url}/minutes", {"minutes": "<p>x</p>", "minutes_marking": "secret"}, format="json")
    assert bad.status_code == 400
    # an invitee reads the minutes once the meeting is held, not before
    client.post(f"{url}/notify")
    member = api(tenant_a.host, branch_world["people"][0][0])
    assert member.get(f"{BASE}/mine/{detail['id']}").json()["minutes"] == ""
    client.post(f"{url}/hold")
    assert member.get(f"{BASE}/mine/{detail['id']}").json()["minutes"] == "<p>会议记录</p>"
    # someone else of the tenant, not invited: no such meeting for them
    outsider, _ = person(tenant_a, branch_world["orgs"]["second"])
    assert api(tenant_a.host, outsider).get(f"{BASE}/mine/{detail['id']}").status_code == 404
    assert api(tenant_a.host, outsider).get(url).status_code == 403


def test_a_secretary_of_another_branch_can_neither_see_nor_edit_the_meeting(
    tenant_a: TenantWorld, branch_world: dict[str, Any]
) -> None:
    orgs = branch_world["orgs"]
    client = api(tenant_a.host, tenant_a.secretary)
    detail = create_meeting(tenant_a, client, orgs["first"], timezone.now() + timedelta(days=3), kind_code="theme_day")
    other = api(tenant_a.host, scoped_secretary(tenant_a, orgs["second"]))
    url = f"{BASE}/{detail['id']}"
    assert other.get(url).status_code == 404
    assert other.patch(url, {"title": "改"}, format="json").status_code == 404
    assert other.post(f"{url}/notify").status_code == 404
    assert other.post(f"{url}/minutes", {"minutes": "x"}, format="json").status_code == 404
    assert detail["id"] not in {row["id"] for row in other.get(f"{BASE}/list").json()["results"]}
    with tenant_a.tenant:
        body = general_meeting_body(orgs["first"], timezone.now() + timedelta(days=3))
    assert other.post(f"{BASE}/create", body, format="json").json()["code"] == "meetings.out_of_scope"
    assert (
        other.post(
            f"{BASE}/plans/generate", {"organization": orgs["first"].pk, "year": 2026}, format="json"
        ).status_code
        == 404
    )
    # the inspector reads, and changes nothing
    inspector = api(tenant_a.host, tenant_a.inspector)
    assert inspector.get(url).status_code == 200
    assert inspector.patch(url, {"title": "改"}, format="json").status_code == 403
    # the branch's own secretary edits
    own = api(tenant_a.host, scoped_secretary(tenant_a, orgs["first"]))
    changed = own.patch(url, {"title": "十二月主题党日"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["title"] == "十二月主题党日"
    assert changed.json()["permissions"]["can_edit"] is True


def test_a_live_lesson_given_as_the_branchs_party_lecture_becomes_its_record(
    tenant_a: TenantWorld, branch_world: dict[str, Any]
) -> None:
    orgs = branch_world["orgs"]
    (watcher_user, watcher_member), (absent_user, _) = branch_world["people"][:2]
    went_live = timezone.now() - timedelta(hours=2)
    with tenant_a.tenant:
        lesson = Lesson.objects.create(
            title="学习党章党课", starts_at=went_live, planned_end_at=went_live + timedelta(hours=1),
            status=LessonStatus.ENDED, went_live_at=went_live, ended_at=went_live + timedelta(hours=1),
            organization=orgs["first"], counts_as_party_lesson=True,
        )  # fmt: skip
        LiveAttendance.objects.create(
            lesson_scope="tenant", lesson_schema=tenant_a.tenant.schema_name, lesson_id=lesson.pk,
            user=watcher_user, member_id=watcher_member.pk, organization_id=orgs["first"].pk, live_seconds=3000,
            first_beat_at=went_live, last_beat_at=went_live,
        )  # fmt: skip
        ref = LessonRef(LessonScope.TENANT, lesson.pk, tenant_a.tenant.schema_name)
        lesson_ended.send(sender=Lesson, ref=ref, lesson=lesson)
        lesson_ended.send(sender=Lesson, ref=ref, lesson=lesson)  # ends again (a reconnect): one record
        meeting = Meeting.objects.get(lesson_id=lesson.pk)
        assert Meeting.objects.filter(lesson_id=lesson.pk).count() == 1
        assert meeting.kind.code == "party_lecture"
        assert meeting.status == "held"
        assert meeting.organization_id == orgs["first"].pk
        present = meeting.attendees.get(user=watcher_user)
        assert (present.status, present.method) == ("present", "live")
        assert meeting.attendees.get(user=absent_user).status == "absent"
        assert MakeUpTask.objects.filter(meeting=meeting, user=absent_user).exists()
        assert not MakeUpTask.objects.filter(meeting=meeting, user=watcher_user).exists()
        # a lesson that is not a 党课 makes no record
        other = Lesson.objects.create(
            title="普通直播", starts_at=went_live, planned_end_at=went_live + timedelta(hours=1), status=LessonStatus.ENDED,
            went_live_at=went_live, ended_at=went_live + timedelta(hours=1), organization=orgs["first"],
        )  # fmt: skip
        lesson_ended.send(
            sender=Lesson, ref=LessonRef(LessonScope.TENANT, other.pk, tenant_a.tenant.schema_name), lesson=other
        )
        assert not Meeting.objects.filter(lesson_id=other.pk).exists()
    detail = api(tenant_a.host, tenant_a.secretary).get(f"{BASE}/{meeting.pk}").json()
    assert detail["lesson"] == {"scope": "tenant", "schema": tenant_a.tenant.schema_name, "id": lesson.pk}


def test_tenant_kinds_and_local_rules_are_the_tenant_admins(tenant_a: TenantWorld) -> None:
    admin = api(tenant_a.host, tenant_a.admin)
    kind = admin.post(
        f"{BASE}/kinds", {"code": "central_group_study", "name": "中心组学习", "stats_category": "study"}, format="json"
    )
    assert kind.status_code == 201, kind.content
    assert kind.json()["builtin"] is False
    assert (
        api(tenant_a.host, tenant_a.secretary)
        .post(f"{BASE}/kinds", {"code": "x_day", "name": "x"}, format="json")
        .status_code
        == 403
    )
    with tenant_a.tenant:
        builtin = ActivityKind.objects.get(code="general_meeting")
    assert (
        admin.patch(f"{BASE}/kinds/{builtin.pk}", {"code": "gm"}, format="json").json()["code"]
        == "meetings.kind_builtin"
    )
    assert admin.patch(f"{BASE}/kinds/{builtin.pk}", {"name": "党员大会"}, format="json").status_code == 200
    year = timezone.localdate().year
    rows = [{"kind": kind.json()["id"], "period": "month", "minimum": 1, "applies_to": "committee"}]
    created = admin.post(
        f"{BASE}/rules",
        {"version": f"{year}.L1", "effective_from": f"{year}-07-01", "requirements": rows},
        format="json",
    )
    assert created.status_code == 201, created.content
    codes_ = {r["kind_code"] for r in created.json()["requirements"]}
    assert {"central_group_study", "general_meeting", "committee_meeting"} <= codes_
    too_early = admin.post(f"{BASE}/rules", {"version": "old", "effective_from": f"{year - 1}-12-31"}, format="json")
    assert too_early.json()["code"] == "meetings.rule_effective_from"
    listed = admin.get(f"{BASE}/rules").json()
    assert [r["version"] for r in listed][-1] == "2018.1"


# ---------------------------------------------------------------------------------- isolation


def test_every_records_endpoint_is_isolated_between_tenants_and_from_anonymous(
    tenant_a: TenantWorld, tenant_b: TenantWorld, branch_world: dict[str, Any]
) -> None:
    orgs = branch_world["orgs"]
    client = api(tenant_a.host, tenant_a.admin)
    detail = create_meeting(tenant_a, client, orgs["first"], timezone.now() - timedelta(hours=1), kind_code="theme_day")
    mid = detail["id"]
    aid = detail["attendees"][0]["id"]
    client.post(f"{BASE}/plans/generate", {"organization": orgs["first"].pk, "year": 2026}, format="json")
    own_kind = client.post(f"{BASE}/kinds", {"code": "a_branch_day", "name": "支部活动日"}, format="json").json()
    year = timezone.localdate().year
    client.post(f"{BASE}/rules", {"version": "A.1", "effective_from": f"{year}-12-01"}, format="json")
    with tenant_a.tenant:
        item = PlannedActivity.objects.filter(organization=orgs["first"]).first()
        kind = ActivityKind.objects.get(code="theme_day")
        assert item is not None
    endpoints = [
        Endpoint(f"{BASE}/list", detail_url=f"{BASE}/{mid}", change={"title": "改"}),
        Endpoint(
            f"{BASE}/kinds",
            object_id=own_kind["id"],
            change={"name": "改"},
            create={"code": "zz", "name": "z"},
            deletable=False,
        ),
        Endpoint(f"{BASE}/rules", change=None, create={"version": "x", "effective_from": "2030-01-01"}),
        Endpoint(f"{BASE}/plans/items/{item.pk}", detail_url=f"{BASE}/plans/items/{item.pk}", change={"month": 2}),
        Endpoint(
            f"{BASE}/list", detail_url=f"{BASE}/{mid}/attendees/{aid}", change={"status": "present"}, deletable=False
        ),
    ]
    for endpoint in endpoints:
        assert_tenant_isolated(endpoint, owner=tenant_a, outsider=tenant_b)
    # The actions: B's tokens on A's host and anonymous callers are refused and change nothing.
    before = client.get(f"{BASE}/{mid}").json()
    posts = [
        (f"{BASE}/{mid}/notify", {}), (f"{BASE}/{mid}/hold", {}), (f"{BASE}/{mid}/cancel", {"reason": "x"}),
        (f"{BASE}/{mid}/minutes", {"minutes": "x"}), (f"{BASE}/{mid}/resolutions", {"text": "x"}),
        (f"{BASE}/{mid}/attendees", {"name": "x"}), (f"{BASE}/{mid}/files", {"upload": str(uuid4())}),
        (f"{BASE}/{mid}/attendees/{aid}/leave-decision", {"approve": True}),
        (f"{BASE}/mine/{mid}/leave", {"reason": "x"}), (f"{BASE}/makeups/1/complete", {}),
        (f"{BASE}/plans/generate", {"organization": orgs["first"].pk, "year": 2026}),
        (f"{BASE}/plans/items", {"organization": orgs["first"].pk, "year": 2026, "month": 1, "kind": kind.pk}),
        (f"{BASE}/create", general_meeting_body_in(tenant_a, orgs["first"])),
    ]  # fmt: skip
    gets = [f"{BASE}/plans?organization={orgs['first'].pk}&year=2026", f"{BASE}/mine", f"{BASE}/mine/{mid}",
            f"{BASE}/mine/attendance", f"{BASE}/makeups"]  # fmt: skip
    for who, outsider_client, expect in (
        ("B admin token", api(tenant_a.host, tenant_b.admin), {403, 404}),
        ("B member token", api(tenant_a.host, tenant_b.member), {403, 404}),
        ("anonymous", api(tenant_a.host), {401}),
    ):
        for url, body in posts:
            status = outsider_client.post(url, body, format="json").status_code
            assert status in expect, f"{who} POST {url}: {status}"
        assert outsider_client.delete(f"{BASE}/{mid}/files/1").status_code in expect
        for url in gets:
            status = outsider_client.get(url).status_code
            assert status in expect, f"{who} GET {url}: {status}"
    # B's admin on B's own host: none of A's meetings
    b_admin = api(tenant_b.host, tenant_b.admin)
    assert b_admin.get(f"{BASE}/mine/{mid}").status_code == 404
    assert client.get(f"{BASE}/{mid}").json() == before


def general_meeting_body_in(world: TenantWorld, organization: Organization) -> dict[str, Any]:
    with world.tenant:
        return general_meeting_body(organization, timezone.now() + timedelta(days=1))


def test_the_demo_seeds_tenant_kinds_plans_held_meetings_and_one_next_week(
    tenant_a: TenantWorld, branch_world: dict[str, Any]
) -> None:
    orgs = branch_world["orgs"]
    today = timezone.localdate()
    with tenant_a.tenant:
        started = time.monotonic()
        seed_meetings(Actor.for_user(tenant_a.admin), [orgs["first"], orgs["second"]], today)
        elapsed = time.monotonic() - started
        seed_meetings(Actor.for_user(tenant_a.admin), [orgs["first"], orgs["second"]], today)  # idempotent
        assert set(ActivityKind.objects.filter(builtin=False).values_list("name", flat=True)) == {
            "中心组学习",
            "支部活动日",
        }
        rule = rule_in_force(today)
        assert rule.local
        assert "branch_activity_day" in codes(requirements_for(orgs["first"], rule, today))
        assert "central_group_study" in codes(requirements_for(orgs["committee"], rule, today))
        general = Meeting.objects.exclude(minutes="").get(organization=orgs["first"], kind__code="general_meeting")
        assert general.status == "held"
        assert "会议议程" in general.minutes
        assert general.resolutions.get().passed is True
        upcoming = Meeting.objects.get(organization=orgs["first"], status="notified")
        assert upcoming.starts_at.date() > today
        assert PlannedActivity.objects.filter(organization=orgs["first"], year=today.year).exists()
        # the second branch has no members: its general meeting cannot be held (no quorum) and stays recorded
        assert Meeting.objects.filter(
            organization=orgs["second"], kind__code="general_meeting", status="planned"
        ).exists()
        # the closed months of the year, held, in the first branch (the second has no members)
        closed = Meeting.objects.filter(organization=orgs["first"], starts_at__date__lt=today.replace(day=1))
        if today.month > 2:
            assert closed.filter(kind__code="theme_day", status="held").count() >= today.month - 2
            first_held = closed.filter(status="held").order_by("starts_at").first()
            assert first_held is not None
            assert first_held.attendees.filter(status="present").exists()
            assert PlannedActivity.objects.filter(organization=orgs["first"], meeting=first_held).exists()
        assert not Meeting.objects.filter(organization=orgs["second"], kind__code="committee_meeting").exists()
    print(f"demo meetings for 2 branches: {elapsed:.2f} s")
    assert elapsed < 10, f"demo meetings took {elapsed:.1f} s"


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_a_photo_is_a_verified_meeting_file_upload_read_through_a_signed_url(
    tenant_a: TenantWorld, branch_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from tests.learning_support import fetch, uploaded_id

    client = api(tenant_a.host, tenant_a.secretary)
    detail = create_meeting(
        tenant_a, client, branch_world["orgs"]["first"], timezone.now() - timedelta(hours=1), kind_code="theme_day"
    )
    upload = uploaded_id(client, "meeting_file", "合影.png", "image/png", PNG)
    attached = client.post(f"{BASE}/{detail['id']}/files", {"upload": upload}, format="json")
    assert attached.status_code == 201, attached.content
    assert attached.json()["is_photo"] is True
    assert fetch(client, attached.json()["url"]) == (200, PNG)
    again = client.post(f"{BASE}/{detail['id']}/files", {"upload": upload}, format="json")
    assert again.status_code == 409  # an upload is claimed once
    listed = client.get(f"{BASE}/{detail['id']}").json()["files"]
    assert [f["filename"] for f in listed] == ["合影.png"]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"{BASE}/{detail['id']}/files/{listed[0]['id']}").status_code == 204
    assert client.get(f"{BASE}/{detail['id']}").json()["files"] == []
    assert fetch(client, attached.json()["url"])[0] == 404


def test_the_lists_queries_do_not_grow_with_the_page(tenant_a: TenantWorld, branch_world: dict[str, Any]) -> None:
    orgs = branch_world["orgs"]
    client = api(tenant_a.host, tenant_a.secretary)
    member = api(tenant_a.host, branch_world["people"][0][0])

    def counted(target: Any, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert target.get(url).status_code == 200
        return len(queries)

    def add(count: int) -> None:
        for number in range(count):
            created = create_meeting(
                tenant_a, client, orgs["first"], timezone.now() + timedelta(days=3 + number), kind_code="theme_day"
            )
            client.post(f"{BASE}/{created['id']}/notify")

    add(2)
    few = (counted(client, f"{BASE}/list"), counted(member, f"{BASE}/mine"))
    add(4)
    many = (counted(client, f"{BASE}/list"), counted(member, f"{BASE}/mine"))
    assert many == few
    row = client.get(f"{BASE}/list", {"organization": orgs["first"].pk, "kind": "theme_day"}).json()["results"][0]
    assert (row["invited"], row["present"], row["attendance_rate"], row["status"]) == (7, 0, 0.0, "notified")
    assert row["kind"]["code"] == "theme_day"
    assert client.get(f"{BASE}/list", {"search": "不存在的会议"}).json()["count"] == 0


def test_invitees_are_added_a_planned_meeting_deleted_and_a_notified_one_cancelled_with_notice(
    tenant_a: TenantWorld, branch_world: dict[str, Any]
) -> None:
    orgs = branch_world["orgs"]
    client = api(tenant_a.host, tenant_a.secretary)
    first = create_meeting(
        tenant_a, client, orgs["first"], timezone.now() + timedelta(days=2), kind_code="theme_day", invite_members=False
    )
    assert first["attendees"] == []
    member = branch_world["people"][0][1]
    added = client.post(f"{BASE}/{first['id']}/attendees", {"member": member.pk}, format="json")
    assert added.status_code == 201, added.content
    assert added.json()["has_vote"] is True
    twice = client.post(f"{BASE}/{first['id']}/attendees", {"member": member.pk}, format="json")
    assert twice.json()["code"] == "meetings.attendee_exists"
    _outsider, outsider_member = person(tenant_a, orgs["second"])
    refused = client.post(f"{BASE}/{first['id']}/attendees", {"member": outsider_member.pk}, format="json")
    assert refused.json()["code"] == "meetings.not_a_member"
    guest = client.post(f"{BASE}/{first['id']}/attendees", {"name": "上级党委联系人"}, format="json")
    assert guest.json()["is_guest"] is True
    assert client.delete(f"{BASE}/{first['id']}").status_code == 204
    second = create_meeting(tenant_a, client, orgs["first"], timezone.now() + timedelta(days=2), kind_code="theme_day")
    client.post(f"{BASE}/{second['id']}/notify")
    assert client.post(f"{BASE}/{second['id']}/cancel", {"reason": ""}, format="json").json()["code"] == (
        "meetings.reason_required"
    )
    cancelled = client.post(f"{BASE}/{second['id']}/cancel", {"reason": "与上级会议冲突"}, format="json")
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled"
    with tenant_a.tenant:
        assert Notification.objects.filter(user=branch_world["people"][0][0], kind="meetings.notice").count() == 2
    assert client.post(f"{BASE}/{second['id']}/hold").json()["code"] == "meetings.cancelled"
    plan = client.get(f"{BASE}/plans", {"organization": orgs["first"].pk, "year": 2026})
    assert plan.status_code == 200
    assert plan.json()["items"] == []


def test_the_plan_opens_on_the_top_of_the_callers_scope(tenant_a: TenantWorld) -> None:
    orgs = tree(tenant_a)
    secretary = UserFactory(name="第二支部书记")
    with tenant_a.tenant:
        do_assign_role(user=secretary, role="secretary", organization_id=orgs["second"].pk)
    response = api(tenant_a.host, secretary).get(f"{BASE}/plans", {"year": 2026})
    assert response.status_code == 200, response.content
    assert response.json()["organization"] == orgs["second"].pk
    # another branch, asked by name, is still outside the scope
    refused = api(tenant_a.host, secretary).get(f"{BASE}/plans", {"year": 2026, "organization": orgs["first"].pk})
    assert refused.status_code == 404
