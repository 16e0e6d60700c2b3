"""The group dashboard API: reads rollups only, drill-down to records is audited, viewers read."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from partycloud.audit.models import AuditAction, AuditEvent
from partycloud.rollups.history import backfill_tenant, past_months
from partycloud.rollups.relay import relay_until_empty
from tenants.members.models import MemberTenure
from tenants.organizations.models import Organization
from tenants.organizations.services import do_create_organization, do_update_organization
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.isolation import Endpoint, assert_root_only
from tests.test_rollups import new_member

pytestmark = pytest.mark.django_db


def populate(world: TenantWorld, members: int, *, female: int = 0) -> Organization:
    with world.tenant:
        committee = do_create_organization(kind="committee", name=f"{world.tenant.short_name}党委")
        branch = do_create_organization(kind="branch", name="第一党支部", parent=committee)
        for index in range(members):
            new_member(branch, gender="female" if index < female else "male")
    relay_until_empty(world.tenant)
    return branch


@pytest.fixture
def world(tenant_a: TenantWorld, tenant_b: TenantWorld) -> dict[str, Any]:
    return {"a": populate(tenant_a, 3, female=1), "b": populate(tenant_b, 2, female=2)}


def test_dashboard_shows_each_tenant_and_the_group_total(
    world: dict[str, Any], tenant_a: TenantWorld, tenant_b: TenantWorld, group_viewer: Any
) -> None:
    response = api(ROOT_HOST, group_viewer).get("/api/v1/group/dashboard")
    assert response.status_code == 200, response.json()
    data = response.json()
    rows = {row["id"]: row for row in data["tenants"]}
    assert rows[tenant_a.tenant.pk]["figures"]["members"] == 3
    assert rows[tenant_b.tenant.pk]["figures"]["women_share"] == 100.0
    assert data["kpis"]["members"] >= 5
    assert data["kpis"]["branches"] >= 2
    assert data["age_seconds"] is not None  # "updated 12 s ago"
    assert {figure["key"] for figure in data["figures"]} >= {"members", "arrears_rate", "study_minutes"}


def test_traffic_lights_follow_the_thresholds_the_group_sets(
    world: dict[str, Any], tenant_a: TenantWorld, group_admin: Any, group_viewer: Any
) -> None:
    admin = api(ROOT_HOST, group_admin)
    body = {"figure": "members", "green_until": 10, "amber_until": 3, "higher_is_worse": False}
    assert admin.put("/api/v1/group/dashboard/thresholds", body).status_code == 200
    row = next(r for r in admin.get("/api/v1/group/dashboard").json()["tenants"] if r["id"] == tenant_a.tenant.pk)
    assert row["lights"]["members"] == "amber"  # 3 members: below green (10), at amber (3)
    wrong = admin.put("/api/v1/group/dashboard/thresholds", {**body, "amber_until": 20})
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "rollups.threshold_order"
    assert api(ROOT_HOST, group_viewer).put("/api/v1/group/dashboard/thresholds", body).status_code == 403


def test_parent_tenants_show_their_subtree(
    world: dict[str, Any], tenant_a: TenantWorld, tenant_b: TenantWorld, group_admin: Any
) -> None:
    tenant_b.tenant.parent = tenant_a.tenant
    tenant_b.tenant.save(update_fields=["parent"])
    try:
        rows = {r["id"]: r for r in api(ROOT_HOST, group_admin).get("/api/v1/group/dashboard").json()["tenants"]}
        assert rows[tenant_a.tenant.pk]["subtree"]["members"] == 5
        assert rows[tenant_b.tenant.pk]["parent"] == tenant_a.tenant.pk
    finally:
        tenant_b.tenant.parent = None
        tenant_b.tenant.save(update_fields=["parent"])


def test_drill_down_to_organizations_and_audited_member_lists(
    world: dict[str, Any], tenant_a: TenantWorld, tenant_b: TenantWorld, group_viewer: Any
) -> None:
    viewer = api(ROOT_HOST, group_viewer)
    organizations = viewer.get(f"/api/v1/group/dashboard/tenants/{tenant_a.tenant.pk}/organizations").json()
    committee = next(row for row in organizations if row["kind"] == "committee")
    assert committee["figures"]["members"] == 0
    assert committee["subtree"]["members"] == 3
    branch = world["a"]
    url = f"/api/v1/group/dashboard/tenants/{tenant_a.tenant.pk}/organizations/{branch.pk}/members"
    members = viewer.get(url).json()
    assert members["count"] == 3
    assert all("*" in row["phone"] or row["phone"] == "" for row in members["results"])
    assert AuditEvent.objects.filter(action=AuditAction.READ, tenant=tenant_a.tenant, actor=group_viewer).exists()
    # The other tenant's organization id under this tenant is nothing.
    other = f"/api/v1/group/dashboard/tenants/{tenant_a.tenant.pk}/organizations/{world['b'].pk + 10_000}/members"
    assert viewer.get(other).status_code == 404


def test_every_table_downloads_as_excel_and_the_download_is_audited(
    world: dict[str, Any], tenant_a: TenantWorld, group_admin: Any
) -> None:
    admin = api(ROOT_HOST, group_admin)
    for url in (
        "/api/v1/group/dashboard",
        "/api/v1/group/dashboard/trends",
        "/api/v1/group/dashboard/compliance",
        f"/api/v1/group/dashboard/tenants/{tenant_a.tenant.pk}/organizations",
        f"/api/v1/group/dashboard/tenants/{tenant_a.tenant.pk}/organizations/{world['a'].pk}/members",
    ):
        response = admin.get(url, {"format": "xlsx"})
        assert response.status_code == 200, url
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        assert sheet.max_row >= 2, url
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=group_admin).count() >= 5


def test_compliance_lists_each_check_per_tenant(world: dict[str, Any], group_admin: Any) -> None:
    data = api(ROOT_HOST, group_admin).get("/api/v1/group/dashboard/compliance").json()
    assert {check["key"] for check in data["checks"]} == {"reelections", "transfers", "pockets", "dues"}
    assert all(row["passed"] <= len(data["checks"]) for row in data["tenants"])


def test_trends_cover_the_months_asked(world: dict[str, Any], group_admin: Any) -> None:
    data = api(ROOT_HOST, group_admin).get("/api/v1/group/dashboard/trends", {"months": 6}).json()
    assert len(data["periods"]) == 6
    assert data["series"]["members"][-1] >= 5


def test_months_before_the_first_relay_are_no_data_not_zero(tenant_a: TenantWorld, group_admin: Any) -> None:
    populate(tenant_a, 3)  # relayed today: the rollups start this month
    series = api(ROOT_HOST, group_admin).get("/api/v1/group/dashboard/trends", {"months": 4}).json()["series"]
    assert series["members"] == [None, None, None, 3]  # a gap, not a jump from 0
    assert series["organizations"][:3] == [None, None, None]
    earlier = f"{past_months(date.today(), 2)[0]:%Y-%m}"
    board = api(ROOT_HOST, group_admin).get("/api/v1/group/dashboard", {"period": earlier}).json()
    assert board["kpis"]["members"] is None  # the month picker's earlier months: "—", not 0
    assert {row["figures"]["members"] for row in board["tenants"]} == {None}


def test_the_backfill_recomputes_past_months_from_tenures_and_establishment_dates(
    tenant_a: TenantWorld, group_admin: Any
) -> None:
    populate(tenant_a, 3)
    two_months_ago = past_months(date.today(), 2)[0] + timedelta(days=9)
    with tenant_a.tenant:
        for organization in Organization.objects.all():
            do_update_organization(organization, established_on=date(2020, 7, 1))
        earliest = MemberTenure.objects.order_by("id")[:2]
        MemberTenure.objects.filter(pk__in=[t.pk for t in earliest]).update(started_on=two_months_ago)
    assert backfill_tenant(tenant_a.tenant, months=3) == past_months(date.today(), 3)
    series = api(ROOT_HOST, group_admin).get("/api/v1/group/dashboard/trends", {"months": 5}).json()["series"]
    assert series["members"] == [None, 0, 2, 2, 3]  # joined their branch two months ago, one today
    assert series["organizations"] == [None, 2, 2, 2, 2]
    assert series["transfers_pending"][1:4] == [None, None, None]  # no history of pending transfers
    assert series["dues_assessed"][1:] == [0, 0, 0, 0]  # dues are computed month by month: none assessed
    assert backfill_tenant(tenant_a.tenant, months=3) == []  # measured months are kept


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/group/dashboard",
        "/api/v1/group/dashboard/trends",
        "/api/v1/group/dashboard/compliance",
        "/api/v1/group/dashboard/thresholds",
        "/api/v1/group/dashboard/drift-reports",
    ],
)
def test_dashboard_is_for_the_group_only(
    url: str, world: dict[str, Any], tenant_a: TenantWorld, group_admin: Any
) -> None:
    assert_root_only(Endpoint(url), allowed=group_admin, tenant_users=[tenant_a.admin, tenant_a.member])
    assert api(tenant_a.host, tenant_a.admin).get(url).status_code == 404  # no such page on a tenant host


def test_drill_down_is_for_the_group_only(world: dict[str, Any], tenant_a: TenantWorld, group_admin: Any) -> None:
    url = f"/api/v1/group/dashboard/tenants/{tenant_a.tenant.pk}/organizations/{world['a'].pk}/members"
    assert_root_only(Endpoint(url), allowed=group_admin, tenant_users=[tenant_a.admin])


def test_a_relayed_change_shows_at_once_despite_the_cache(
    world: dict[str, Any], tenant_a: TenantWorld, group_admin: Any
) -> None:
    admin = api(ROOT_HOST, group_admin)

    def members() -> float:
        rows = admin.get("/api/v1/group/dashboard").json()["tenants"]
        return float(next(row for row in rows if row["id"] == tenant_a.tenant.pk)["figures"]["members"])

    assert members() == 3
    with tenant_a.tenant:
        new_member(world["a"])
    assert members() == 3  # not relayed yet: the dashboard reads rollups only
    relay_until_empty(tenant_a.tenant)
    assert members() == 4


def test_backfill_rollups_command_rebuilds_one_tenant(tenant_a: TenantWorld) -> None:
    populate(tenant_a, 2)
    out = io.StringIO()
    call_command("backfill_rollups", "--tenant", tenant_a.tenant.slug, "--months", "2", stdout=out)
    assert f"{past_months(date.today(), 2)[0]:%Y-%m}" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("backfill_rollups", "--tenant", "no-such-tenant")
