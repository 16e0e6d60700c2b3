"""The democratic evaluation (issue 16, 民主评议党员): the 1/3 cap at its boundaries, probationary
members taking part ungraded, unqualified grades with reasons and a follow-up, the round's state
machine, peer-rating rules, what a member sees (aggregates, never who rated what), table 6, the
rollup metric, and per-endpoint isolation."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from partycloud.accounts.models import User
from partycloud.audit.models import AuditEvent
from partycloud.core.metrics import Scope
from partycloud.statistics.evaluation import evaluation_counts
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tenants.assessment.evaluation import excellent_cap
from tenants.assessment.evaluation_rollups import evaluation_grades
from tenants.assessment.models import EvaluationRound, EvaluationRule, Participant, PeerRating
from tenants.meetings.models import ActivityKind, Meeting, MeetingStatus
from tenants.members.models import Member
from tenants.notifications.models import Notification
from tenants.organizations.models import Organization
from tests.conftest import TenantWorld, api
from tests.factories import UserFactory
from tests.isolation import Endpoint, assert_tenant_isolated
from tests.test_meetings_records import new_member, tree

BASE = "/api/v1/assessment/evaluations"


def person(world: TenantWorld, organization: Organization, **fields: Any) -> tuple[User, Member]:
    user = UserFactory()
    with world.tenant:
        do_assign_role(user=user, role=TenantRole.MEMBER)
        member = new_member(organization, placed_on=date(2025, 1, 1), phone=user.phone, name=user.name, **fields)
        Member.objects.filter(pk=member.pk).update(user=user)
        member.refresh_from_db()
    return user, member


def scoped(world: TenantWorld, organization: Organization, role: str = TenantRole.SECRETARY) -> User:
    user = UserFactory()
    with world.tenant:
        do_assign_role(user=user, role=role, organization_id=organization.pk)
    return user


class Branch:
    """The first branch of tenant A: ``full`` full members (one in its party group), one
    probationary member; its own secretary, and the committee's secretary above it."""

    def __init__(self, world: TenantWorld, full: int = 4) -> None:
        self.world = world
        self.orgs = tree(world)
        self.people = [person(world, self.orgs["first"]) for _ in range(full - 1)]
        self.people.append(person(world, self.orgs["group"]))
        self.probationary = person(world, self.orgs["first"], membership="probationary", confirmed_on=None)
        self.secretary = scoped(world, self.orgs["first"])
        self.upper = scoped(world, self.orgs["committee"])
        self.worker = api(world.host, self.secretary)

    def create(self, **fields: Any) -> dict[str, Any]:
        today = timezone.localdate()
        body = {
            "organization": self.orgs["first"].pk, "title": "2026年度民主评议党员",
            "opens_on": (today - timedelta(days=10)).isoformat(), "closes_on": (today - timedelta(days=1)).isoformat(),
        } | fields  # fmt: skip
        response = self.worker.post(BASE, body, format="json")
        assert response.status_code == 201, response.content
        result: dict[str, Any] = response.json()
        return result

    def step(self, round_id: int, action: str, user: User | None = None) -> Any:
        client = api(self.world.host, user) if user else self.worker
        return client.post(f"{BASE}/{round_id}/{action}", format="json")

    def participants(self, round_id: int) -> list[dict[str, Any]]:
        body = self.worker.get(f"{BASE}/{round_id}/participants?page_size=100").json()
        rows: list[dict[str, Any]] = body["results"]
        return rows

    def pid(self, round_id: int, member: Member) -> int:
        return next(p["id"] for p in self.participants(round_id) if p["member"]["id"] == member.pk)

    def graded_ids(self, round_id: int) -> list[int]:
        return [p["id"] for p in self.participants(round_id) if p["graded"] and not p["excused"]]

    def decide(self, round_id: int, grades: list[dict[str, Any]], **fields: Any) -> Any:
        return self.worker.post(f"{BASE}/{round_id}/decision", {"grades": grades, **fields}, format="json")


def all_qualified(ids: list[int], excellent: int = 0) -> list[dict[str, Any]]:
    return [{"participant": pid, "grade": "excellent" if i < excellent else "qualified"} for i, pid in enumerate(ids)]


@pytest.fixture
def branch(tenant_a: TenantWorld) -> Branch:
    return Branch(tenant_a)


# ---------------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(("graded", "cap"), [(0, 0), (1, 0), (2, 0), (3, 1), (5, 1), (6, 2), (7, 2), (9, 3)])
def test_the_excellent_cap_is_a_third_of_the_full_members_graded_rounded_down(
    tenant_a: TenantWorld, graded: int, cap: int
) -> None:
    with tenant_a.tenant:
        assert excellent_cap(graded, EvaluationRule.objects.get(version="2019.1")) == cap


@pytest.mark.parametrize(("full", "cap"), [(3, 1), (6, 2), (7, 2)])
def test_the_decision_keeps_to_the_cap_at_its_boundary(tenant_a: TenantWorld, full: int, cap: int) -> None:
    world = Branch(tenant_a, full=full)
    rid = world.create()["id"]
    assert world.step(rid, "open").status_code == 200
    assert world.step(rid, "close").status_code == 200
    ids = world.graded_ids(rid)
    assert len(ids) == full  # the probationary member is not among them
    detail = world.worker.get(f"{BASE}/{rid}").json()
    assert (detail["excellent_cap"], detail["full_graded_count"]) == (cap, full)
    refused = world.decide(rid, all_qualified(ids, excellent=cap + 1))
    assert refused.status_code == 400
    assert refused.json()["code"] == "evaluation.excellent_cap"
    accepted = world.decide(rid, all_qualified(ids, excellent=cap))
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "decided"


def test_probationary_members_take_part_but_are_not_graded(branch: Branch) -> None:
    rid = branch.create()["id"]
    rows = branch.participants(rid)
    assert len(rows) == 5
    probationary = next(p for p in rows if p["member"]["id"] == branch.probationary[1].pk)
    assert probationary["graded"] is False
    assert probationary["membership"] == "probationary"
    branch.step(rid, "open")
    # they rate the others, and are not on anybody's list
    member = api(branch.world.host, branch.probationary[0])
    mine = member.get(f"{BASE}/mine/{rid}").json()
    assert len(mine["ratings"]) == 4
    assert mine["ratings_expected"] == 4
    other = api(branch.world.host, branch.people[0][0]).get(f"{BASE}/mine/{rid}").json()
    assert probationary["id"] not in {r["participant"] for r in other["ratings"]}
    refused = api(branch.world.host, branch.people[0][0]).put(
        f"{BASE}/mine/{rid}/ratings", {"ratings": [{"participant": probationary["id"], "grade": "qualified"}]},
        format="json",
    )  # fmt: skip
    assert refused.json()["code"] == "evaluation.not_rateable"
    branch.step(rid, "close")
    graded = all_qualified(branch.graded_ids(rid))
    refused = branch.decide(rid, [*graded, {"participant": probationary["id"], "grade": "qualified"}])
    assert refused.json()["code"] == "evaluation.grade_not_allowed"


def test_an_unqualified_grade_needs_reasons_and_a_follow_up(branch: Branch) -> None:
    rid = branch.create()["id"]
    branch.step(rid, "open")
    branch.step(rid, "close")
    ids = branch.graded_ids(rid)
    grades = all_qualified(ids)
    grades[0] = {"participant": ids[0], "grade": "unqualified"}
    response = branch.decide(rid, grades)
    assert response.json()["code"] == "evaluation.unqualified_reasons"
    grades[0] |= {"unqualified_reasons": "长期不参加组织生活", "follow_up": "rectify"}
    response = branch.decide(rid, grades)
    assert response.json()["code"] == "evaluation.follow_up_deadline"
    grades[0]["follow_up_deadline"] = "2027-06-30"
    response = branch.decide(rid, grades)
    assert response.status_code == 200, response.content
    row = next(p for p in branch.participants(rid) if p["id"] == ids[0])
    assert (row["grade"], row["follow_up"], row["follow_up_deadline"]) == ("unqualified", "rectify", "2027-06-30")
    # every graded, non-excused participant needs a grade
    assert branch.decide(rid, grades[1:]).json()["code"] == "evaluation.grade_missing"


def test_a_local_rule_applies_to_rounds_opening_after_it(branch: Branch) -> None:
    admin = api(branch.world.host, branch.world.admin)
    today = timezone.localdate()
    body = {"version": "甲.2026", "effective_from": today.replace(month=1, day=1).isoformat(), "source": "本单位",
            "excellent_numerator": 1, "excellent_denominator": 4}  # fmt: skip
    assert branch.worker.post(f"{BASE}/rules", body, format="json").status_code == 403  # admins only
    created = admin.post(f"{BASE}/rules", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["is_local"] is True
    assert admin.post(f"{BASE}/rules", body, format="json").json()["code"] == "evaluation.rule_version_taken"
    early = body | {"version": "甲.旧", "effective_from": "2020-01-01"}
    assert admin.post(f"{BASE}/rules", early, format="json").json()["code"] == "evaluation.rule_effective_from"
    round_ = branch.create()
    assert round_["rule"]["version"] == "甲.2026"
    assert round_["excellent_cap"] == 1  # 4 full members × 1/4


# ---------------------------------------------------------------------------------- the state machine


def test_the_round_moves_draft_open_closed_decided_confirmed_and_refuses_other_steps(branch: Branch) -> None:
    created = branch.create()
    rid = created["id"]
    assert created["status"] == "draft"
    assert branch.worker.post(BASE, {"organization": branch.orgs["first"].pk, "title": "again",
                                     "opens_on": created["opens_on"], "closes_on": created["closes_on"]},
                              format="json").json()["code"] == "evaluation.round_exists"  # fmt: skip
    assert branch.step(rid, "close").json()["code"] == "evaluation.bad_transition"
    assert branch.step(rid, "confirm", branch.upper).json()["code"] == "evaluation.bad_transition"
    assert branch.worker.patch(f"{BASE}/{rid}", {"title": "改名"}, format="json").json()["title"] == "改名"
    opened = branch.step(rid, "open")
    assert opened.json()["status"] == "open"
    with branch.world.tenant:  # participants are told
        notified = Notification.objects.filter(user=branch.people[0][0], link=f"/evaluation/{rid}")
        assert notified.count() == 1
    assert branch.step(rid, "open").json()["code"] == "evaluation.bad_transition"
    assert branch.worker.patch(f"{BASE}/{rid}", {"title": "x"}, format="json").json()["code"] == "evaluation.not_draft"
    assert branch.decide(rid, all_qualified(branch.graded_ids(rid))).json()["code"] == "evaluation.bad_transition"
    branch.step(rid, "close")
    decided = branch.decide(rid, all_qualified(branch.graded_ids(rid)))
    assert decided.json()["status"] == "decided"
    # the branch's own secretary is not the upper committee
    refused = branch.step(rid, "confirm")
    assert (refused.status_code, refused.json()["code"]) == (403, "evaluation.not_upper")
    assert branch.worker.get(f"{BASE}/{rid}").json()["can_confirm"] is False
    assert api(branch.world.host, branch.upper).get(f"{BASE}/{rid}").json()["can_confirm"] is True
    confirmed = branch.step(rid, "confirm", branch.upper)
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["confirmed_by"]
    locked = branch.decide(rid, all_qualified(branch.graded_ids(rid)))
    assert (locked.status_code, locked.json()["code"]) == (409, "evaluation.already_decided")
    with branch.world.tenant:
        events = set(AuditEvent.objects.filter(target_id=str(rid)).values_list("event", flat=True))
    assert {"evaluation.round.create", "evaluation.round.open", "evaluation.round.close",
            "evaluation.round.decide", "evaluation.round.confirm"} <= events  # fmt: skip


def test_a_round_is_a_branchs_and_in_the_workers_scope(branch: Branch) -> None:
    today = timezone.localdate().isoformat()
    body = {"organization": branch.orgs["committee"].pk, "title": "x", "opens_on": today, "closes_on": today}
    assert branch.worker.post(BASE, body, format="json").status_code == 403  # not in the branch secretary's scope
    admin = api(branch.world.host, branch.world.admin)
    assert admin.post(BASE, body, format="json").json()["code"] == "evaluation.not_a_branch"
    other = body | {"organization": branch.orgs["second"].pk}
    assert branch.worker.post(BASE, other, format="json").status_code == 403
    assert admin.post(BASE, other, format="json").json()["code"] == "evaluation.no_participants"
    backwards = body | {"organization": branch.orgs["first"].pk, "closes_on": "2000-01-01"}
    assert admin.post(BASE, backwards, format="json").json()["code"] == "evaluation.bad_dates"
    rid = branch.create()["id"]
    # the second branch's secretary sees nothing of the first branch's round
    stranger = api(branch.world.host, scoped(branch.world, branch.orgs["second"]))
    assert stranger.get(f"{BASE}/{rid}").status_code == 404
    assert stranger.get(BASE).json()["count"] == 0
    assert branch.worker.get(BASE).json()["count"] == 1
    # the inspector reads, and changes nothing
    inspector = api(branch.world.host, branch.world.inspector)
    assert inspector.get(f"{BASE}/{rid}").status_code == 200
    assert inspector.post(f"{BASE}/{rid}/open").status_code == 403


def test_an_excused_participant_is_not_graded_and_excusing_stops_at_the_decision(branch: Branch) -> None:
    rid = branch.create()["id"]
    branch.step(rid, "open")
    branch.step(rid, "close")
    away = branch.pid(rid, branch.people[0][1])
    response = branch.worker.patch(f"{BASE}/{rid}/participants/{away}", {"excused": True}, format="json")
    assert response.json()["excused"] is True
    ids = branch.graded_ids(rid)
    assert away not in ids
    assert len(ids) == 3
    assert branch.worker.get(f"{BASE}/{rid}").json()["excellent_cap"] == 1
    refused = branch.decide(rid, [*all_qualified(ids), {"participant": away, "grade": "qualified"}])
    assert refused.json()["code"] == "evaluation.grade_not_allowed"
    assert branch.decide(rid, all_qualified(ids)).status_code == 200
    again = branch.worker.patch(f"{BASE}/{rid}/participants/{away}", {"excused": False}, format="json")
    assert again.json()["code"] == "evaluation.already_decided"


def test_the_decision_links_a_held_general_meeting_of_the_branch(branch: Branch) -> None:
    rid = branch.create()["id"]
    branch.step(rid, "open")
    branch.step(rid, "close")
    start = timezone.now() - timedelta(days=1)
    with branch.world.tenant:
        kind = ActivityKind.objects.get(code="general_meeting")
        held = Meeting.objects.create(
            organization=branch.orgs["first"],
            kind=kind,
            title="评议党员大会",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            status=MeetingStatus.HELD,
        )
        other = Meeting.objects.create(organization=branch.orgs["second"], kind=kind, title="别的支部",
                                       starts_at=start, ends_at=start + timedelta(hours=2), status=MeetingStatus.HELD)  # fmt: skip
    listed = branch.worker.get(f"{BASE}/{rid}/meetings").json()
    assert [m["id"] for m in listed] == [held.pk]
    grades = all_qualified(branch.graded_ids(rid))
    assert branch.decide(rid, grades, decision_meeting_id=other.pk).json()["code"] == "evaluation.bad_meeting"
    decided = branch.decide(rid, grades, decision_meeting_id=held.pk).json()
    assert decided["decision_meeting"]["title"] == "评议党员大会"


# ---------------------------------------------------------------------------------- the member's side


def test_self_review_and_peer_ratings_while_open_never_oneself(branch: Branch) -> None:
    rid = branch.create()["id"]
    user, member = branch.people[0]
    client = api(branch.world.host, user)
    assert client.get(f"{BASE}/mine").json()["count"] == 0  # a draft is not shown
    assert client.put(f"{BASE}/mine/{rid}/self-review", {"text": "x"}, format="json").status_code == 404
    branch.step(rid, "open")
    assert client.get(f"{BASE}/mine").json()["count"] == 1
    empty = client.put(f"{BASE}/mine/{rid}/self-review", {"text": " ", "submit": True}, format="json")
    assert empty.json()["code"] == "evaluation.self_review_required"
    saved = client.put(f"{BASE}/mine/{rid}/self-review", {"text": "一年来……", "submit": True}, format="json").json()
    assert saved["self_review"] == "一年来……"
    assert saved["self_submitted_at"]
    me = branch.pid(rid, member)
    own = client.put(f"{BASE}/mine/{rid}/ratings", {"ratings": [{"participant": me, "grade": "excellent"}]},
                     format="json")  # fmt: skip
    assert own.json()["code"] == "evaluation.self_rating"
    others = [r["participant"] for r in saved["ratings"]]
    assert me not in others
    assert len(others) == 3
    rated = client.put(f"{BASE}/mine/{rid}/ratings",
                       {"ratings": [{"participant": others[0], "grade": "excellent", "comment": "好"},
                                    {"participant": others[1], "grade": "qualified"}]}, format="json").json()  # fmt: skip
    assert rated["ratings_given"] == 2
    changed = client.put(f"{BASE}/mine/{rid}/ratings",
                         {"ratings": [{"participant": others[0], "grade": "qualified"}]}, format="json").json()  # fmt: skip
    assert changed["ratings_given"] == 2
    assert next(r for r in changed["ratings"] if r["participant"] == others[0])["grade"] == "qualified"
    with branch.world.tenant:
        assert PeerRating.objects.filter(round_id=rid).count() == 2
    branch.step(rid, "close")
    late = client.put(f"{BASE}/mine/{rid}/ratings", {"ratings": [{"participant": others[2], "grade": "qualified"}]},
                      format="json")  # fmt: skip
    assert (late.status_code, late.json()["code"]) == (409, "evaluation.not_open")
    assert client.put(f"{BASE}/mine/{rid}/self-review", {"text": "改"}, format="json").status_code == 409


def test_a_member_sees_aggregates_after_close_and_the_grade_after_confirmation_never_the_raters(
    branch: Branch,
) -> None:
    rid = branch.create()["id"]
    branch.step(rid, "open")
    target_user, target = branch.people[0]
    tid = branch.pid(rid, target)
    raters = [branch.people[1][0], branch.people[2][0], branch.probationary[0]]
    for rater, grade in zip(raters, ["excellent", "excellent", "basically_qualified"], strict=True):
        response = api(branch.world.host, rater).put(
            f"{BASE}/mine/{rid}/ratings", {"ratings": [{"participant": tid, "grade": grade, "comment": f"评{grade}"}]},
            format="json",
        )  # fmt: skip
        assert response.status_code == 200
    client = api(branch.world.host, target_user)
    assert client.get(f"{BASE}/mine/{rid}").json()["peer"] is None  # not while open
    branch.step(rid, "close")
    seen = client.get(f"{BASE}/mine/{rid}").json()
    assert seen["peer"] == {"excellent": 2, "qualified": 0, "basically_qualified": 1, "unqualified": 0, "total": 3}
    assert seen["grade"] == ""
    # no response to the member or the branch's workers names a rater next to a rating
    with branch.world.tenant:
        rater_ids = {p.pk for p in Participant.objects.filter(round_id=rid, member__user__in=raters)}
    detail = client.get(f"{BASE}/mine/{rid}").json()
    listed = json.dumps(client.get(f"{BASE}/mine").json(), ensure_ascii=False)
    assert "rater" not in listed
    assert "rater" not in json.dumps(detail)
    assert not any(user.name in listed for user in raters)
    # the detail's list is the people the member rates, with the member's own ratings (none here)
    assert {r["grade"] for r in detail["ratings"]} == {""}
    assert set(detail) - {"ratings"} == set(seen) - {"ratings"}
    manager_row = next(p for p in branch.participants(rid) if p["id"] == tid)
    assert set(manager_row) == {
        "id", "member", "membership", "graded", "excused", "self_review", "self_submitted_at", "ratings_given",
        "ratings_expected", "peer", "mass", "peer_comments", "grade", "unqualified_reasons", "follow_up",
        "follow_up_deadline",
    }  # fmt: skip
    assert manager_row["peer"]["total"] == 3
    assert manager_row["peer_comments"] == sorted(["评excellent", "评excellent", "评basically_qualified"])
    assert rater_ids  # the raters' participations exist, yet no row above carries them
    ids = branch.graded_ids(rid)
    grades = all_qualified(ids)
    grades[ids.index(tid)]["grade"] = "excellent"
    branch.decide(rid, grades)
    assert client.get(f"{BASE}/mine/{rid}").json()["grade"] == ""  # decided, not yet confirmed
    branch.step(rid, "confirm", branch.upper)
    assert client.get(f"{BASE}/mine/{rid}").json()["grade"] == "excellent"


# ---------------------------------------------------------------------------------- table 6 and the rollup


def confirmed_round(branch: Branch, *, excused: Member | None = None) -> int:
    rid = branch.create()["id"]
    branch.step(rid, "open")
    branch.step(rid, "close")
    if excused is not None:
        branch.worker.patch(f"{BASE}/{rid}/participants/{branch.pid(rid, excused)}", {"excused": True}, format="json")
    ids = branch.graded_ids(rid)
    grades = all_qualified(ids, excellent=1)
    grades[-1] |= {"grade": "basically_qualified"}
    assert branch.decide(rid, grades).status_code == 200
    assert branch.step(rid, "confirm", branch.upper).status_code == 200
    return rid


def test_table_6_counts_confirmed_rounds_by_grade_with_the_ungraded_as_not_rated(branch: Branch) -> None:
    today = timezone.localdate()
    start, end = date(today.year - 1, 12, 31), today
    with branch.world.tenant:
        assert evaluation_counts(start, end) is None  # no round at all: not recorded
    branch.create()
    with branch.world.tenant:
        assert evaluation_counts(start, end) == {
            "excellent": 0, "qualified": 0, "basically_qualified": 0, "unqualified": 0, "not_rated": 0,
        }  # fmt: skip
        EvaluationRound.objects.all().delete()
    confirmed_round(branch, excused=branch.people[3][1])
    expected = {"excellent": 1, "qualified": 1, "basically_qualified": 1, "unqualified": 0, "not_rated": 2}
    with branch.world.tenant:
        assert evaluation_counts(start, end) == expected
        # a round closing outside (start, end] is another year's
        assert evaluation_counts(date(today.year - 2, 12, 31), date(today.year - 1, 12, 31))["not_rated"] == 0
    body = api(branch.world.host, branch.world.admin).get(f"/api/v1/annual-report?date={today.isoformat()}").json()
    table = next(t for t in body["tables"] if t["key"] == "evaluation")
    assert {k: v for k, v in table["rows"][0].items() if k not in {"unit", "tenant"}} == expected | {"total": 5}
    assert not table.get("note")


def test_the_rollup_metric_counts_confirmed_grades_per_branch_in_the_closing_month(branch: Branch) -> None:
    rid = confirmed_round(branch)
    with branch.world.tenant:
        round_ = EvaluationRound.objects.get(pk=rid)
        month = round_.closes_on.replace(day=1)
        rows = evaluation_grades.compute(Scope(today=timezone.localdate(), periods=frozenset({month})))
    counted = {(org, period, dimension): int(value) for org, period, dimension, value in rows}
    first = branch.orgs["first"].pk
    assert counted == {
        (first, month, "excellent"): 1, (first, month, "qualified"): 2, (first, month, "basically_qualified"): 1,
        (first, month, "not_rated"): 1,
    }  # fmt: skip


# ---------------------------------------------------------------------------------- isolation


def test_every_evaluation_endpoint_is_isolated_between_tenants_and_from_anonymous(
    tenant_a: TenantWorld, tenant_b: TenantWorld, branch: Branch
) -> None:
    rid = branch.create()["id"]
    pid = branch.participants(rid)[0]["id"]
    today = timezone.localdate().isoformat()
    local = {"version": "A.1", "effective_from": f"{timezone.localdate().year}-12-31", "excellent_numerator": 1,
             "excellent_denominator": 3}  # fmt: skip
    assert api(tenant_a.host, tenant_a.admin).post(f"{BASE}/rules", local, format="json").status_code == 201
    endpoints = [
        Endpoint(BASE, object_id=rid, change={"title": "改"},
                 create={"organization": branch.orgs["first"].pk, "title": "x", "opens_on": today, "closes_on": today},
                 deletable=False),
        Endpoint(f"{BASE}/rules", change=None,
                 create={"version": "x", "effective_from": "2030-01-01", "excellent_numerator": 1,
                         "excellent_denominator": 2}),
        Endpoint(f"{BASE}/{rid}/participants", detail_url=f"{BASE}/{rid}/participants/{pid}",
                 change={"excused": True}, deletable=False),
        Endpoint(f"{BASE}/{rid}/meetings", change=None, deletable=False),
    ]  # fmt: skip
    for endpoint in endpoints:
        assert_tenant_isolated(endpoint, owner=tenant_a, outsider=tenant_b)
    branch.step(rid, "open")
    before = branch.worker.get(f"{BASE}/{rid}").json()
    actions = [
        ("post", f"{BASE}/{rid}/open", {}), ("post", f"{BASE}/{rid}/close", {}), ("post", f"{BASE}/{rid}/confirm", {}),
        ("post", f"{BASE}/{rid}/decision", {"grades": []}),
        ("put", f"{BASE}/mine/{rid}/self-review", {"text": "x"}),
        ("put", f"{BASE}/mine/{rid}/ratings", {"ratings": [{"participant": pid, "grade": "excellent"}]}),
        ("get", f"{BASE}/mine/{rid}", None),
    ]  # fmt: skip
    for client, expect in (
        (api(tenant_a.host, tenant_b.admin), {403, 404}),
        (api(tenant_a.host, tenant_b.member), {403, 404}),
        (api(tenant_a.host), {401}),
        (api(tenant_b.host, tenant_b.admin), {404}),
    ):
        for method, url, body in actions:
            response = getattr(client, method)(url, body, format="json")
            assert response.status_code in expect, f"{method} {url}: {response.status_code}"
    assert branch.worker.get(f"{BASE}/{rid}").json() == before
    # a member's own list: theirs on their host, nothing for outsiders
    assert api(tenant_a.host, branch.people[0][0]).get(f"{BASE}/mine").json()["count"] == 1
    assert api(tenant_b.host, tenant_b.member).get(f"{BASE}/mine").json()["count"] == 0
    assert api(tenant_a.host, tenant_b.member).get(f"{BASE}/mine").status_code == 403
    assert api(tenant_a.host).get(f"{BASE}/mine").status_code == 401
