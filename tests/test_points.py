"""Points (积分, DOMAIN_RULES §6), reference only: the ledger (caps at their boundaries, study
time per day, the rule version switching at local midnight, recompute idempotent and equal to
incremental, the nightly check), the API (reference-only label, rankings hidden by default,
the branch index arithmetic, local rule versions, anomalies explained, no client-posted points)
and the isolation of every endpoint."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import URLPattern
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partycloud.accounts.actor import Actor
from partycloud.audit.models import AuditEvent
from tenants.members.models import Member
from tenants.organizations.models import Organization
from tenants.organizations.services import do_create_organization
from tenants.points import api as points_api
from tenants.points.ledger import check, recompute, recompute_days
from tenants.points.models import PointEntry, PointEvent, PointKind, PointRuleSet, PointSettings
from tenants.points.services import branch_index, do_add_rule_set
from tenants.points.sources import Recorded, store
from tests.conftest import TenantWorld, api
from tests.factories import UserFactory
from tests.isolation import Endpoint, assert_tenant_isolated
from tests.test_rollups import new_member

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 5, 12)
_keys = itertools.count(1)


def at(day: date, hour: int = 9, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=SHANGHAI)


def event(
    kind: str, when: datetime, *, member: Member | None = None, organization: Organization | None = None,
    quantity: int = 1,
) -> PointEvent:  # fmt: skip
    """An event as a recorder would store it (the ledger's input)."""
    return PointEvent.objects.create(
        kind=kind, source_key=f"test:{next(_keys)}", member_id=member.pk if member else None,
        organization_id=organization.pk if organization else None, occurred_at=when,
        day=timezone.localdate(when), quantity=quantity,
    )  # fmt: skip


def entries(member: Member) -> list[tuple[str, date, int, int, bool, str]]:
    rows = PointEntry.objects.filter(member_id=member.pk).order_by("day", "event__occurred_at", "event_id")
    return [(e.kind, e.day, e.raw_points, e.points, e.capped, e.rule_version) for e in rows]


def total(member: Member, kind: str | None = None) -> int:
    rows = PointEntry.objects.filter(member_id=member.pk)
    if kind:
        rows = rows.filter(kind=kind)
    return sum(rows.values_list("points", flat=True))


@dataclass
class Place:
    committee: Organization
    branch: Organization
    other: Organization


@pytest.fixture
def place(tenant_a: TenantWorld) -> Place:
    with tenant_a.tenant:
        committee = do_create_organization(kind="committee", name="甲公司党委")
        branch = do_create_organization(kind="branch", name="第一党支部", parent=committee)
        other = do_create_organization(kind="branch", name="第二党支部", parent=committee)
        return Place(committee, branch, other)


@pytest.fixture
def someone(tenant_a: TenantWorld, place: Place) -> Member:
    with tenant_a.tenant:
        return new_member(place.branch, phone=tenant_a.member.phone)


# ------------------------------------------------------------------------------ the ledger


@pytest.mark.parametrize(("count", "expected", "capped"), [(5, 5, 0), (6, 6, 0), (7, 6, 1)])
def test_the_daily_cap_at_its_boundary(tenant_a, someone, count, expected, capped):
    with tenant_a.tenant:
        for minute in range(count):
            event(PointKind.ARTICLE_READ, at(DAY, 9, minute), member=someone)
        recompute(member_id=someone.pk)
        assert total(someone) == expected  # cap 6 a day (2019.1)
        rows = entries(someone)
        assert sum(row[4] for row in rows) == capped
        if capped:
            assert rows[-1][2:5] == (1, 0, True)  # the 7th in event order is the one cut
        # The next day starts over.
        event(PointKind.ARTICLE_READ, at(DAY + timedelta(days=1), 0, 0), member=someone)
        recompute(member_id=someone.pk)
        assert total(someone) == expected + 1


@pytest.mark.parametrize(("seconds", "points"), [(239, 0), (240, 1), (241, 1), (479, 1), (480, 2)])
def test_reading_time_earns_a_point_per_whole_four_minutes(tenant_a, someone, seconds, points):
    with tenant_a.tenant:
        event(PointKind.READING_TIME, at(DAY), member=someone, quantity=seconds)
        recompute(member_id=someone.pk)
        assert total(someone) == points


def test_study_time_is_counted_on_the_days_running_total(tenant_a, someone):
    with tenant_a.tenant:
        # Two 3-minute stretches of reading on one day make one point (4 minutes a point)...
        event(PointKind.READING_TIME, at(DAY, 9), member=someone, quantity=180)
        event(PointKind.READING_TIME, at(DAY, 20), member=someone, quantity=180)
        # ...but the next day starts at zero: 3 minutes earn nothing.
        event(PointKind.READING_TIME, at(DAY + timedelta(days=1), 9), member=someone, quantity=180)
        recompute(member_id=someone.pk)
        assert [row[2:4] for row in entries(someone)] == [(0, 0), (1, 1), (0, 0)]


@pytest.mark.parametrize(("seconds", "points", "capped"), [(1919, 7, False), (1920, 8, False), (2160, 8, True)])
def test_reading_time_cap_at_its_boundary(tenant_a, someone, seconds, points, capped):
    with tenant_a.tenant:
        event(PointKind.READING_TIME, at(DAY), member=someone, quantity=seconds)
        recompute(member_id=someone.pk)
        assert total(someone) == points  # cap 8 points a day = 32 minutes
        assert entries(someone)[0][4] is capped


def test_a_new_rule_version_applies_from_local_midnight(tenant_a, someone):
    with tenant_a.tenant:
        tomorrow = timezone.localdate() + timedelta(days=1)
        do_add_rule_set(
            Actor.system(), version="local-2", effective_from=tomorrow,
            rules=[{"kind": PointKind.ARTICLE_READ, "points": 2, "unit": 1, "daily_cap": 10}],
        )  # fmt: skip
        before = event(PointKind.ARTICLE_READ, at(tomorrow - timedelta(days=1), 23, 59, 59), member=someone)
        after = event(PointKind.ARTICLE_READ, at(tomorrow, 0, 0, 0), member=someone)
        # 16:00 UTC is midnight in Shanghai: the UTC date is still the day before.
        assert after.occurred_at.astimezone(ZoneInfo("UTC")).date() == tomorrow - timedelta(days=1)
        recompute(member_id=someone.pk)
        got = {entry.event_id: entry for entry in PointEntry.objects.filter(member_id=someone.pk)}
        assert (got[before.pk].points, got[before.pk].rule_version) == (1, "2019.1")
        assert (got[after.pk].points, got[after.pk].rule_version) == (2, "local-2")
        # The kinds the local version left out keep the previous version's rules.
        local = PointRuleSet.objects.get(version="local-2")
        assert local.is_local
        assert local.rules.count() == len(PointKind.values)
        assert local.rules.get(kind=PointKind.READING_TIME).unit == 240


def test_a_branch_earns_its_own_points_without_a_cap(tenant_a, place):
    with tenant_a.tenant:
        for hour in range(8, 16):
            event(PointKind.BRANCH_ACTIVITY, at(DAY, hour), organization=place.branch)
        recompute(organization_id=place.branch.pk)
        rows = PointEntry.objects.filter(organization_id=place.branch.pk)
        assert sum(row.points for row in rows) == 8 * 5
        assert not any(row.capped for row in rows)


KINDS = [PointKind.ARTICLE_READ, PointKind.QUIZ_COMPLETED, PointKind.READING_TIME, PointKind.MEETING_ATTENDED]
EVENTS = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(0, 2), st.integers(0, 24 * 60 * 3 - 1), st.integers(1, 900)),
    max_size=25,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(EVENTS)
def test_recompute_is_idempotent_and_incremental_equals_full(tenant_a, place, events):
    with tenant_a.tenant:
        PointEvent.objects.all().delete()
        members = [new_member(place.branch, name=f"假设{i}") for i in range(3)]
        touched: set[Any] = set()
        for kind, who, minute, seconds in events:
            quantity = seconds if kind == PointKind.READING_TIME else 1
            when = at(DAY) + timedelta(minutes=minute)
            key = f"h:{kind}:{who}:{minute}"  # the same key twice is a duplicate: ignored
            touched |= store([Recorded(kind, key, when, quantity=quantity, member_id=members[who].pk)])
            recompute_days(touched)  # incremental, as the recorders do
        incremental = sorted(
            PointEntry.objects.values_list("event_id", "kind", "day", "raw_points", "points", "capped")
        )
        recompute()
        full = sorted(PointEntry.objects.values_list("event_id", "kind", "day", "raw_points", "points", "capped"))
        ids = sorted(PointEntry.objects.values_list("id", flat=True))
        assert recompute() == 0  # a second full run writes nothing
        assert sorted(PointEntry.objects.values_list("id", flat=True)) == ids
        assert incremental == full
        assert (
            len({key for _k, key in PointEvent.objects.values_list("kind", "source_key")}) == PointEvent.objects.count()
        )
        for member in members:  # no day's points of a kind exceed its cap
            for kind, cap in ((PointKind.ARTICLE_READ, 6), (PointKind.QUIZ_COMPLETED, 6), (PointKind.READING_TIME, 8)):
                per_day: dict[date, int] = {}
                for day, points in PointEntry.objects.filter(member_id=member.pk, kind=kind).values_list(
                    "day", "points"
                ):
                    per_day[day] = per_day.get(day, 0) + points
                assert all(points <= cap for points in per_day.values())
        assert check()["drift"] == 0


def test_the_nightly_check_reports_drift_without_writing(tenant_a, someone, caplog):
    with tenant_a.tenant:
        for minute in range(3):
            event(PointKind.ARTICLE_READ, at(DAY, 9, minute), member=someone)
        recompute()
        assert check()["drift"] == 0
        PointEntry.objects.filter(member_id=someone.pk).update(points=5)
        result = check()
        assert result["drift"] == 3
        assert len(result["examples"]) == 3
        assert "drift" in caplog.text
        assert total(someone) == 15  # the check changed nothing
        assert recompute(member_id=someone.pk) == 3
        assert check()["drift"] == 0


# ------------------------------------------------------------------------------ the API


def test_my_points_are_labelled_reference_only(tenant_a, someone):
    with tenant_a.tenant:
        today = timezone.localdate()
        event(PointKind.ARTICLE_READ, at(today, 0, 1), member=someone)
        event(PointKind.MEETING_ATTENDED, at(today.replace(day=1), 0, 1), member=someone)
        recompute()
    body = api(tenant_a.host, tenant_a.member).get("/api/v1/points/me").json()
    assert body["reference_only"] is True
    assert body["member"]["id"] == someone.pk
    assert body["total"] == 4
    assert body["today"] >= 1
    assert body["rule_version"] == "2019.1"
    months = {row["month"]: row["points"] for row in body["by_month"]}
    assert len(months) == 12
    assert months[f"{today:%Y-%m}"] == 4
    kinds = {row["kind"]: row for row in body["by_kind"]}
    assert kinds["meeting_attended"]["points"] == 3
    assert kinds["article_read"]["events"] == 1
    ledger = api(tenant_a.host, tenant_a.member).get("/api/v1/points/me/ledger").json()
    assert ledger["count"] == 2
    assert {row["kind"] for row in ledger["results"]} == {"article_read", "meeting_attended"}
    assert set(ledger["results"][0]) >= {"rule_version", "raw_points", "points", "capped", "source", "quantity"}
    only = api(tenant_a.host, tenant_a.member).get("/api/v1/points/me/ledger?kind=meeting_attended").json()
    assert only["count"] == 1
    assert api(tenant_a.host, tenant_a.member).get("/api/v1/points/me/ledger?kind=likes").status_code == 400


def test_someone_without_a_member_record_has_no_points_page(tenant_a):
    response = api(tenant_a.host, tenant_a.admin).get("/api/v1/points/me")
    assert response.status_code == 404
    assert response.json()["code"] == "points.not_a_member"


def test_rankings_are_hidden_until_the_tenant_turns_them_on(tenant_a, place):
    with tenant_a.tenant:
        low, high = new_member(place.branch, name="张一"), new_member(place.branch, name="张二")
        event(PointKind.MEETING_ATTENDED, at(DAY), member=high)
        recompute()
    admin = api(tenant_a.host, tenant_a.admin)
    rows = admin.get("/api/v1/points/members?year=2026").json()["results"]
    assert [row["member"]["name"] for row in rows] == ["张一", "张二"]  # by organization and name
    assert all(row["rank"] is None for row in rows)
    assert all(row["rank"] is None for row in admin.get("/api/v1/points/branches?year=2026").json()["results"])
    assert admin.get("/api/v1/points/settings").json()["rankings_enabled"] is False
    # A secretary sees the settings but cannot change them.
    secretary = api(tenant_a.host, tenant_a.secretary)
    assert secretary.get("/api/v1/points/settings").status_code == 200
    assert secretary.put("/api/v1/points/settings", {"rankings_enabled": True}, format="json").status_code == 403
    response = admin.put("/api/v1/points/settings", {"rankings_enabled": True}, format="json")
    assert response.status_code == 200
    assert response.json()["rankings_enabled"] is True
    rows = admin.get("/api/v1/points/members?year=2026").json()["results"]
    assert [(row["member"]["name"], row["points"], row["rank"]) for row in rows] == [("张二", 3, 1), ("张一", 0, 2)]
    with tenant_a.tenant:
        assert AuditEvent.objects.filter(event="points.settings.update").exists()
        assert low.pk != high.pk


def test_the_branch_index_is_own_points_plus_the_mean_of_member_points(tenant_a, place):
    with tenant_a.tenant:
        members = [new_member(place.branch) for _ in range(3)]
        for member, meetings in zip(members, (1, 2, 0), strict=True):
            for hour in range(meetings):
                event(PointKind.MEETING_ATTENDED, at(DAY, 9 + hour), member=member)
        event(PointKind.BRANCH_ACTIVITY, at(DAY), organization=place.branch)
        recompute()
    rows = api(tenant_a.host, tenant_a.admin).get("/api/v1/points/branches?year=2026").json()["results"]
    found = {row["organization"]["name"]: row for row in rows}
    assert set(found) == {"第一党支部", "第二党支部"}  # the committee has no branch index
    first = found["第一党支部"]
    # own 5 + (3 + 6 + 0) ÷ 3 members = 5 + 3.00
    assert (first["own_points"], first["member_points"], first["member_count"]) == (5, 9, 3)
    assert (first["mean_member_points"], first["index"]) == ("3.00", "8.00")
    empty = found["第二党支部"]
    assert (empty["member_count"], empty["mean_member_points"], empty["index"]) == (0, "0.00", "0.00")
    assert branch_index(5, 10, 3) == (Decimal("3.33"), Decimal("8.33"))
    assert branch_index(0, 2, 3) == (Decimal("0.67"), Decimal("0.67"))
    # Another month has nothing.
    rows = api(tenant_a.host, tenant_a.admin).get("/api/v1/points/branches?year=2026&month=6").json()["results"]
    assert {row["organization"]["name"]: row["index"] for row in rows}["第一党支部"] == "0.00"


def test_a_secretary_sees_only_their_subtree(tenant_a, place):
    from tenants.access.models import RoleAssignment, TenantRole
    from tenants.access.services import do_assign_role

    secretary = UserFactory()
    with tenant_a.tenant:
        mine, theirs = new_member(place.branch, name="本支部"), new_member(place.other, name="外支部")
        do_assign_role(user=secretary, role=TenantRole.SECRETARY, organization_id=place.branch.pk)
        assert RoleAssignment.objects.filter(user=secretary).exists()
    client = api(tenant_a.host, secretary)
    names = [row["member"]["name"] for row in client.get("/api/v1/points/members").json()["results"]]
    assert names == ["本支部"]
    assert client.get(f"/api/v1/points/members/{mine.pk}").status_code == 200
    assert client.get(f"/api/v1/points/members/{theirs.pk}").status_code == 404
    assert client.get(f"/api/v1/points/members/{theirs.pk}/ledger").status_code == 404
    assert client.get(f"/api/v1/points/members?organization={place.other.pk}").status_code == 403
    assert client.get("/api/v1/points/anomalies").status_code == 403
    assert api(tenant_a.host, tenant_a.member).get("/api/v1/points/members").status_code == 403


def test_a_tenant_admin_adds_a_local_rule_version_checked_kind_by_kind(tenant_a):
    admin = api(tenant_a.host, tenant_a.admin)
    today = timezone.localdate()
    good = {"version": "2027.local", "effective_from": str(today), "source": "本单位积分细则",
            "rules": [{"kind": "article_read", "points": 1, "unit": 1, "daily_cap": 8},
                      {"kind": "video_time", "points": 1, "unit": 600, "daily_cap": None}]}  # fmt: skip
    cases = [
        ({"effective_from": str(today - timedelta(days=1))}, "points.rule_effective_from"),
        ({"rules": [good["rules"][0], good["rules"][0]]}, "points.rule_duplicate_kind"),
        ({"rules": [{"kind": "video_time", "points": 1, "unit": 30, "daily_cap": 5}]}, "points.rule_bad_unit"),
        ({"rules": [{"kind": "article_read", "points": 1, "unit": 60, "daily_cap": 5}]}, "points.rule_bad_unit"),
        ({"rules": [{"kind": "article_read", "points": 101, "unit": 1, "daily_cap": 5}]}, "points.rule_bad_points"),
        ({"rules": [{"kind": "article_read", "points": 1, "unit": 1, "daily_cap": 0}]}, "points.rule_bad_cap"),
        ({"version": "2019.1"}, "points.rule_version_taken"),
    ]
    for change, code in cases:
        response = admin.post("/api/v1/points/rules", good | change, format="json")
        assert (response.status_code, response.json()["code"]) == (400, code), change
    assert api(tenant_a.host, tenant_a.secretary).post("/api/v1/points/rules", good, format="json").status_code == 403
    response = admin.post("/api/v1/points/rules", good, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_local"]
    assert body["in_force"]
    assert len(body["rules"]) == len(PointKind.values)
    rules = {rule["kind"]: rule for rule in body["rules"]}
    assert rules["video_time"]["unit"] == 600
    assert rules["video_time"]["daily_cap"] is None
    assert rules["reading_time"]["unit"] == 240  # carried over
    listed = api(tenant_a.host, tenant_a.member).get("/api/v1/points/rules").json()["results"]
    assert [(row["version"], row["in_force"]) for row in listed] == [("2027.local", True), ("2019.1", False)]
    with tenant_a.tenant:
        assert AuditEvent.objects.filter(event="points.rule.create").exists()


def test_anomalies_list_repeated_cap_hits_at_one_minute_and_inhuman_speed(tenant_a, place):
    today = timezone.localdate()
    with tenant_a.tenant:
        robot, busy, fast = (new_member(place.branch, name=name) for name in ("机器", "勤奋", "太快"))
        for back in range(1, 6):  # 5 days: the 6th article at 07:30 each day reaches the cap
            day = today - timedelta(days=back)
            for second in range(6):
                event(PointKind.ARTICLE_READ, at(day, 7, 30, second * 9), member=robot)
        for back in range(1, 5):  # only 4 days at the same minute: not listed
            day = today - timedelta(days=back)
            for second in range(6):
                event(PointKind.ARTICLE_READ, at(day, 8, 0, second * 9), member=busy)
        event(PointKind.ARTICLE_READ, at(today - timedelta(days=5), 21, 0), member=busy)
        for second in range(7):  # 7 quizzes within one minute
            event(PointKind.QUIZ_COMPLETED, at(today - timedelta(days=2), 10, 0, second * 8), member=fast)
        for second in range(6):  # 6 within one minute: humanly possible
            event(PointKind.QUIZ_COMPLETED, at(today - timedelta(days=3), 10, 0, second * 8), member=busy)
        recompute()
    response = api(tenant_a.host, tenant_a.admin).get("/api/v1/points/anomalies")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(row["member"]["name"], row["reason"], row["kind"]) for row in rows] == [
        ("太快", "too_fast", "quiz_completed"),
        ("机器", "same_minute_cap", "article_read"),
    ]
    cap = rows[1]
    assert cap["minute"] == "07:30"
    assert len(cap["days"]) == 5
    assert "07:30" in cap["explanation"]
    assert rows[0]["events"] == 7
    assert "7" in rows[0]["explanation"]
    # Outside a shorter window the cap pattern has fewer than 5 days.
    rows = api(tenant_a.host, tenant_a.admin).get("/api/v1/points/anomalies?days=4").json()["results"]
    assert [row["reason"] for row in rows] == ["too_fast"]


def test_no_endpoint_accepts_points_or_events_from_a_client(tenant_a, someone):
    """Only the rules endpoint has a POST (a rule version, for a tenant admin); nothing writes an
    event or an entry, whatever a client sends."""
    patterns = [p for p in points_api.urlpatterns if isinstance(p, URLPattern)]
    writers = {
        pattern.name for pattern in patterns
        if any(hasattr(pattern.callback.view_class, method) for method in ("post", "patch", "delete"))  # type: ignore[attr-defined]
    }  # fmt: skip
    assert writers == {"points-rules"}
    forged = {"kind": "article_read", "points": 100, "quantity": 10_000, "member_id": someone.pk, "source_key": "x"}
    for user in (tenant_a.member, tenant_a.admin):
        client = api(tenant_a.host, user)
        for url in ("me", "me/ledger", "members", f"members/{someone.pk}", f"members/{someone.pk}/ledger",
                    "branches", "anomalies", "events", "ledger"):  # fmt: skip
            for method in ("post", "put", "patch"):
                assert getattr(client, method)(f"/api/v1/points/{url}", forged, format="json").status_code in (
                    403, 404, 405,
                )  # fmt: skip
    with tenant_a.tenant:
        assert not PointEvent.objects.filter(source_key="x").exists()
        assert PointEntry.objects.filter(points=100).count() == 0


# ------------------------------------------------------------------------------ isolation


def test_every_points_endpoint_is_tenant_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld, place):
    today = timezone.localdate()
    with tenant_a.tenant:
        mine = new_member(place.branch, phone=tenant_a.admin.phone)
        for second in range(7):
            event(PointKind.QUIZ_COMPLETED, at(today, 0, 0, second), member=mine)
        event(PointKind.BRANCH_ACTIVITY, at(today, 0, 0), organization=place.branch)
        recompute()
        do_add_rule_set(
            Actor.system(), version="A.local", effective_from=today + timedelta(days=30),
            rules=[{"kind": "login", "points": 1, "unit": 1, "daily_cap": 1}],
        )  # fmt: skip
        PointSettings.objects.create(rankings_enabled=True)
    endpoints = [
        Endpoint("/api/v1/points/me", change=None, deletable=False),
        Endpoint("/api/v1/points/me/ledger", change=None, deletable=False),
        Endpoint("/api/v1/points/members", object_id=mine.pk, change=None, deletable=False),
        Endpoint("/api/v1/points/members", object_id=mine.pk, change=None, deletable=False,
                 detail_url=f"/api/v1/points/members/{mine.pk}/ledger"),
        Endpoint("/api/v1/points/branches", change=None, deletable=False),
        Endpoint("/api/v1/points/settings", object_id="settings", change={"rankings_enabled": False},
                 deletable=False, detail_url="/api/v1/points/settings"),
        Endpoint("/api/v1/points/rules", change=None, deletable=False,
                 create={"version": "B", "effective_from": str(today), "rules": []}),
        Endpoint("/api/v1/points/anomalies", change=None, deletable=False),
    ]  # fmt: skip
    for endpoint in endpoints:
        assert_tenant_isolated(endpoint, owner=tenant_a, outsider=tenant_b)
    with tenant_a.tenant:
        assert not PointRuleSet.objects.filter(version="B").exists()
        assert PointSettings.objects.get().rankings_enabled is True
    with tenant_b.tenant:
        assert not PointRuleSet.objects.filter(version="B").exists()
