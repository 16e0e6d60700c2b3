"""Cadre pre-appointment publicity (issue 17, 任前公示): windows of at least 5 working days on
China's calendar (across National Day and the Spring Festival 2026), never fewer than the rule;
objections only during the window, encrypted, read by the unit and the inspectors (audited);
closing by itself after the last day; concluding once every objection is handled; the rules and
the calendar endpoints; isolation of every endpoint."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from partycloud.accounts.models import User
from partycloud.audit.models import AuditEvent
from tenants.notifications.kinds import NotificationKind
from tenants.notifications.models import Notification
from tenants.supervision import publicity as service
from tenants.supervision.models import CadrePublicity, PublicityObjection, PublicityStatus
from tenants.supervision.publicity_tasks import close_ended_publicities
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.isolation import Endpoint, assert_tenant_isolated
from tests.test_meetings_records import tree
from tests.test_supervision_announcements import person, scoped

BASE = "/api/v1/supervision/publicities"
CANDIDATES = [
    {
        "name": "张伟",
        "gender": "male",
        "born": "1980-05",
        "current_post": "办公室副主任",
        "proposed_post": "办公室主任",
    },
    {"name": "李娜", "gender": "female", "current_post": "科员", "proposed_post": "副科长"},
]


def on(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    """Pretend today (Asia/Shanghai) is ``day`` for the publicity rules."""
    monkeypatch.setattr(service, "today", lambda: day)


class Committee:
    """Tenant A's tree, a member in the first branch, one in its party group and one in the second."""

    def __init__(self, world: TenantWorld) -> None:
        self.world = world
        self.orgs = tree(world)
        self.member = person(world, self.orgs["first"])
        self.grouped = person(world, self.orgs["group"])
        self.second = person(world, self.orgs["second"])
        self.secretary = scoped(world, self.orgs["first"])
        self.client = api(world.host, self.secretary)

    def create(self, **fields: Any) -> dict[str, Any]:
        body = {
            "title": "关于拟任干部的任前公示", "organization": self.orgs["first"].pk, "scope": "subtree",
            "body_html": "<p>经研究，拟任命以下同志</p>", "candidates": CANDIDATES, "contact": "电话 0755-1234567",
        } | fields  # fmt: skip
        response = self.client.post(BASE, body, format="json")
        assert response.status_code == 201, response.content
        result: dict[str, Any] = response.json()
        return result

    def publish(self, publicity_id: int, starts_on: date, **fields: Any) -> Any:
        return self.client.post(
            f"{BASE}/{publicity_id}/publish", {"starts_on": starts_on.isoformat(), **fields}, format="json"
        )

    def opened(self, monkeypatch: pytest.MonkeyPatch, starts_on: date = date(2026, 9, 28)) -> dict[str, Any]:
        on(monkeypatch, date(2026, 9, 20))
        created = self.create()
        response = self.publish(created["id"], starts_on)
        assert response.status_code == 200, response.content
        result: dict[str, Any] = response.json()
        return result

    def as_user(self, user: User | None) -> Any:
        assert user is not None
        return api(self.world.host, user)


@pytest.fixture
def committee(tenant_a: TenantWorld) -> Committee:
    return Committee(tenant_a)


# ---------------------------------------------------------------------------------- the window


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 9, 28), date(2026, 10, 9)),  # 国庆: Sep 28-30, Oct 8-9
        (date(2026, 2, 12), date(2026, 2, 25)),  # 春节: Feb 12-13, the worked Saturday Feb 14, Feb 24-25
        (date(2026, 3, 2), date(2026, 3, 6)),  # an ordinary week
        (date(2026, 3, 7), date(2026, 3, 13)),  # a Saturday start: day one is the Monday
    ],
)
def test_a_window_of_five_working_days_follows_the_holidays(committee: Committee, start: date, end: date) -> None:
    with committee.world.tenant:
        assert service.window(start).ends_on == end
    preview = committee.client.get(f"/api/v1/supervision/working-days?start={start.isoformat()}").json()
    assert (preview["ends_on"], preview["days"], preview["min_working_days"]) == (end.isoformat(), 5, 5)
    assert preview["calendar_loaded"] is True
    assert preview["warning"] == ""


def test_publishing_computes_the_window_and_refuses_fewer_working_days_than_the_rule(
    committee: Committee, monkeypatch: pytest.MonkeyPatch
) -> None:
    on(monkeypatch, date(2026, 9, 20))
    created = committee.create()
    short = committee.publish(created["id"], date(2026, 9, 28), working_days=4)
    assert short.status_code == 400
    body = short.json()
    assert body["code"] == "supervision.window_too_short"
    assert "2019.1" in body["message"]
    assert "5" in body["message"]
    past = committee.publish(created["id"], date(2026, 9, 19))
    assert past.json()["code"] == "supervision.starts_in_past"
    longer = committee.publish(created["id"], date(2026, 9, 28), working_days=7)
    assert longer.status_code == 200, longer.content
    detail = longer.json()
    assert (detail["status"], detail["starts_on"], detail["ends_on"]) == ("open", "2026-09-28", "2026-10-12")
    assert detail["window_working_days"] == 7
    assert detail["rule"]["version"] == "2019.1"
    assert detail["warnings"] == []
    with committee.world.tenant:
        told = set(
            Notification.objects.filter(kind=NotificationKind.SUPERVISION_NOTICE).values_list("user_id", flat=True)
        )
    assert told == {u.pk for u in (committee.member, committee.grouped) if u}
    again = committee.publish(created["id"], date(2026, 9, 28))
    assert again.json()["code"] == "supervision.publicity_not_draft"


def test_a_year_without_its_calendar_is_counted_monday_to_friday_and_says_so(committee: Committee) -> None:
    preview = committee.client.get("/api/v1/supervision/working-days?start=2099-01-05").json()
    assert preview["calendar_loaded"] is False
    assert preview["unloaded_years"] == [2099]
    assert "2099" in preview["warning"]
    assert preview["ends_on"] == "2099-01-09"
    calendar = committee.client.get("/api/v1/supervision/calendar?year=2099").json()
    assert calendar["loaded"] is False
    assert calendar["warning"]
    assert committee.client.get("/api/v1/supervision/calendar?year=1900").status_code == 400


def test_the_calendar_lists_the_year_s_holidays_and_worked_weekends(committee: Committee) -> None:
    calendar = committee.client.get("/api/v1/supervision/calendar?year=2026").json()
    assert calendar["loaded"] is True
    holidays = {row["day"]: row["name"] for row in calendar["holidays"]}
    assert holidays["2026-10-01"] == "国庆节"
    assert "2026-02-16" in holidays
    assert "2026-02-14" in {row["day"] for row in calendar["workdays"]}


def test_candidates_are_validated(committee: Committee) -> None:
    empty = committee.client.post(
        BASE, {"title": "x", "organization": committee.orgs["first"].pk, "candidates": []}, format="json"
    )
    assert empty.json()["code"] == "supervision.bad_candidates"
    twice = committee.client.post(
        BASE,
        {"title": "x", "organization": committee.orgs["first"].pk, "candidates": [CANDIDATES[0], CANDIDATES[0]]},
        format="json",
    )
    assert twice.json()["code"] == "supervision.bad_candidates"
    missing = committee.client.post(
        BASE, {"title": "x", "organization": committee.orgs["first"].pk, "candidates": [{"name": "王"}]}, format="json"
    )
    assert missing.status_code == 400
    response = committee.client.post(
        BASE,
        {"title": "秘密★ 干部任免", "organization": committee.orgs["first"].pk, "candidates": CANDIDATES},
        format="json",
    )
    assert response.json()["code"] == "confidentiality.classified"


# ---------------------------------------------------------------------------------- objections


def test_objections_are_taken_only_during_the_window(committee: Committee, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = committee.opened(monkeypatch)
    uuid = opened["uuid"]
    member = committee.as_user(committee.member)
    listed = member.get(f"{BASE}/open").json()
    assert [row["uuid"] for row in listed["results"]] == [uuid]
    assert listed["results"][0]["can_object"] is False  # before the first day
    url = f"{BASE}/open/{uuid}/objections"
    body = {"candidate_name": "张伟", "body": "该同志在某项目中存在问题", "anonymous": True}
    early = member.post(url, body, format="json")
    assert early.status_code == 409
    assert early.json()["code"] == "supervision.publicity_not_open_yet"
    on(monkeypatch, date(2026, 10, 9))  # the last day
    assert member.get(f"{BASE}/open/{uuid}").json()["can_object"] is True
    filed = member.post(url, body, format="json")
    assert filed.status_code == 201, filed.content
    assert filed.json()["anonymous"] is True
    named = committee.as_user(committee.grouped).post(
        url, {"body": "建议组织进一步了解情况", "anonymous": False, "contact": "13800000000"}, format="json"
    )
    assert named.status_code == 201
    unknown = member.post(url, {"candidate_name": "王五", "body": "x"}, format="json")
    assert unknown.json()["code"] == "supervision.unknown_candidate"
    on(monkeypatch, date(2026, 10, 10))
    late = member.post(url, body, format="json")
    assert late.status_code == 409
    assert late.json()["code"] == "supervision.publicity_window_over"
    with committee.world.tenant:
        rows = list(PublicityObjection.objects.order_by("id"))
        assert len(rows) == 2
        assert rows[0].user_id is None
        assert "存在问题" not in rows[0].body_encrypted  # encrypted at rest
        assert rows[1].user_id == (committee.grouped.pk if committee.grouped else None)
        # Filing leaves no audit entry naming the objector.
        assert not AuditEvent.objects.filter(target_type="supervision.publicityobjection").exists()
    # Outside the scope (the second branch): not shown, not reachable.
    outsider = committee.as_user(committee.second)
    assert outsider.get(f"{BASE}/open").json()["count"] == 0
    on(monkeypatch, date(2026, 10, 9))
    assert outsider.post(url, body, format="json").status_code == 404


def test_the_unit_and_the_inspector_read_objections_audited_and_record_their_handling(
    committee: Committee, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = committee.opened(monkeypatch)
    pid = opened["id"]
    on(monkeypatch, date(2026, 9, 29))
    committee.as_user(committee.member).post(
        f"{BASE}/open/{opened['uuid']}/objections", {"body": "反映的问题", "anonymous": True}, format="json"
    )
    read = committee.client.get(f"{BASE}/{pid}/objections").json()
    assert read["count"] == 1
    row = read["results"][0]
    assert (row["body"], row["anonymous"], row["name"], row["status"]) == ("反映的问题", True, "", "received")
    inspector = api(committee.world.host, committee.world.inspector)
    assert inspector.get(f"{BASE}/{pid}").status_code == 200
    assert inspector.get(f"{BASE}/{pid}/objections").json()["count"] == 1
    with committee.world.tenant:
        reads = AuditEvent.objects.filter(event="supervision.objection.read")
        assert reads.count() == 2
        assert {tuple(event.details["objections"]) for event in reads} == {(row["id"],)}
    # A worker of another branch does not read them; a member neither.
    other = scoped(committee.world, committee.orgs["second"])
    assert api(committee.world.host, other).get(f"{BASE}/{pid}/objections").status_code == 404
    assert committee.as_user(committee.member).get(f"{BASE}/{pid}/objections").status_code == 403
    handled = inspector.post(
        f"{BASE}/{pid}/objections/{row['id']}/handle", {"outcome": "经核实，反映问题不属实"}, format="json"
    )
    assert handled.status_code == 200, handled.content
    assert (handled.json()["status"], handled.json()["outcome"]) == ("handled", "经核实，反映问题不属实")
    # The inspector reads but does not run the publicity.
    assert inspector.post(f"{BASE}/{pid}/withdraw").status_code == 403


def test_a_publicity_closes_by_itself_and_is_concluded_once_every_objection_is_handled(
    committee: Committee, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = committee.opened(monkeypatch)
    pid = opened["id"]
    on(monkeypatch, date(2026, 9, 30))
    committee.as_user(committee.member).post(
        f"{BASE}/open/{opened['uuid']}/objections", {"body": "意见", "anonymous": True}, format="json"
    )
    early = committee.client.post(f"{BASE}/{pid}/conclude", {"outcome": "公示期满无异议"}, format="json")
    assert early.json()["code"] == "supervision.publicity_not_closed"
    with committee.world.tenant:
        assert service.do_close_ended(date(2026, 10, 9)) == 0  # the last day is still in the window
        assert service.do_close_ended(date(2026, 10, 10)) == 1
        assert service.do_close_ended(date(2026, 10, 10)) == 0  # idempotent
        assert close_ended_publicities() == 0
        assert CadrePublicity.objects.get(pk=pid).status == PublicityStatus.CLOSED
    on(monkeypatch, date(2026, 10, 10))
    assert committee.as_user(committee.member).get(f"{BASE}/open").json()["count"] == 0
    pending = committee.client.post(f"{BASE}/{pid}/conclude", {"outcome": "公示期满"}, format="json")
    assert pending.status_code == 409
    assert pending.json()["code"] == "supervision.objections_pending"
    objection = committee.client.get(f"{BASE}/{pid}/objections").json()["results"][0]
    committee.client.post(f"{BASE}/{pid}/objections/{objection['id']}/handle", {"outcome": "已核实"}, format="json")
    done = committee.client.post(
        f"{BASE}/{pid}/conclude", {"outcome": "公示期满，反映问题已核实，按程序任命"}, format="json"
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "concluded"
    assert done.json()["concluded_by"]


def test_the_beat_task_closes_publicities_in_the_tenant_it_runs_in(
    committee: Committee, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = committee.opened(monkeypatch)
    with committee.world.tenant:
        CadrePublicity.objects.filter(pk=opened["id"]).update(ends_on=timezone.localdate().replace(year=2020))
        assert close_ended_publicities() == 1


# ---------------------------------------------------------------------------------- rules


def test_a_tenant_admin_adds_a_local_rule_within_bounds(committee: Committee) -> None:
    admin = api(committee.world.host, committee.world.admin)
    rules = admin.get("/api/v1/supervision/rules").json()
    assert [rule["version"] for rule in rules] == ["2019.1"]
    today = timezone.localdate()
    body = {"version": "本单位2027", "effective_from": today.isoformat(), "publicity_min_working_days": 7}
    assert committee.client.post("/api/v1/supervision/rules", body, format="json").status_code == 403
    too_short = admin.post("/api/v1/supervision/rules", body | {"publicity_min_working_days": 3}, format="json")
    assert too_short.status_code == 400
    too_long = admin.post("/api/v1/supervision/rules", body | {"report_extension_max_days": 31}, format="json")
    assert too_long.status_code == 400
    created = admin.post("/api/v1/supervision/rules", body, format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["is_local"], created.json()["report_ack_working_days"]) == (True, 15)
    assert (
        admin.post("/api/v1/supervision/rules", body, format="json").json()["code"] == "supervision.rule_version_exists"
    )
    preview = committee.client.get(f"/api/v1/supervision/working-days?start={today.isoformat()}").json()
    assert (preview["min_working_days"], preview["rule_version"]) == (7, "本单位2027")
    assert api(committee.world.host, committee.world.member).get("/api/v1/supervision/rules").status_code == 403
    assert api(committee.world.host).get("/api/v1/supervision/rules").status_code == 401


def test_the_group_reads_its_own_rules_on_the_root_host(committee: Committee, group_admin: User) -> None:
    assert api(ROOT_HOST, group_admin).get("/api/v1/supervision/rules").json()[0]["version"] == "2019.1"
    assert api(ROOT_HOST, committee.world.admin).get("/api/v1/supervision/rules").status_code == 403


# ---------------------------------------------------------------------------------- isolation


def test_every_publicity_endpoint_is_isolated(
    committee: Committee, tenant_b: TenantWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = committee.opened(monkeypatch)
    pid, uuid = opened["id"], opened["uuid"]
    draft = committee.create(title="草稿公示")
    world = committee.world
    assert_tenant_isolated(
        Endpoint(BASE, object_id=draft["id"], change={"title": "改"}, create={"title": "x", "organization": 1}),
        owner=world,
        outsider=tenant_b,
    )
    assert_tenant_isolated(
        Endpoint(f"{BASE}/{pid}/objections", change=None, deletable=False), owner=world, outsider=tenant_b
    )
    on(monkeypatch, date(2026, 9, 29))
    for user, host, expect in (
        (tenant_b.admin, world.host, {403}),
        (tenant_b.member, world.host, {403}),
        (None, world.host, {401}),
        (tenant_b.admin, tenant_b.host, {404}),
    ):
        client = api(host, user)
        for url, body in (
            (f"{BASE}/{pid}/publish", {"starts_on": "2026-09-28"}),
            (f"{BASE}/{pid}/withdraw", {}),
            (f"{BASE}/{pid}/conclude", {"outcome": "x"}),
            (f"{BASE}/{pid}/objections/1/handle", {"outcome": "x"}),
        ):
            assert client.post(url, body, format="json").status_code in expect, (url, user)
    for user, host, expect in (
        (tenant_b.member, world.host, {403}),
        (None, world.host, {401}),
        (tenant_b.admin, tenant_b.host, {404}),
    ):
        client = api(host, user)
        assert client.get(f"{BASE}/open/{uuid}").status_code in expect
        filed = client.post(f"{BASE}/open/{uuid}/objections", {"body": "x"}, format="json")
        assert filed.status_code in expect
    for url in ("/api/v1/supervision/calendar", "/api/v1/supervision/working-days"):
        assert api(world.host).get(url).status_code == 401
    with world.tenant:
        assert not PublicityObjection.objects.exists()
        assert CadrePublicity.objects.get(pk=pid).status == PublicityStatus.OPEN
