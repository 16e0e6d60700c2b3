"""The audit log: recorded by services, read by tenant admins (their tenant) and group staff."""

from __future__ import annotations

from partycloud.accounts.models import User
from partycloud.audit.models import AuditAction, AuditEvent
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.factories import UserFactory
from tests.isolation import Endpoint, assert_root_only, assert_tenant_isolated


def test_role_change_is_audited_with_actor_tenant_and_address(tenant_a: TenantWorld):
    newcomer = UserFactory()
    api(tenant_a.host, tenant_a.admin).post(
        "/api/v1/roles", {"identifier": newcomer.phone, "role": "member"}, REMOTE_ADDR="10.1.2.3"
    )
    event = AuditEvent.objects.filter(action=AuditAction.CREATE, target_type="access.roleassignment").first()
    assert event is not None
    assert (event.actor_id, event.tenant_id, event.ip_address) == (tenant_a.admin.pk, tenant_a.tenant.pk, "10.1.2.3")


def test_tenant_admin_sees_only_their_tenant(tenant_a: TenantWorld, tenant_b: TenantWorld):
    api(tenant_b.host, tenant_b.admin).patch("/api/v1/settings", {"display_name": "乙"})
    api(tenant_a.host, tenant_a.admin).patch("/api/v1/settings", {"display_name": "甲"})
    rows = api(tenant_a.host, tenant_a.admin).get("/api/v1/audit-events?page_size=200").json()["results"]
    assert rows
    assert {row["tenant"] for row in rows} == {tenant_a.tenant.pk}


def test_inspector_reads_members_do_not(tenant_a: TenantWorld):
    assert api(tenant_a.host, tenant_a.inspector).get("/api/v1/audit-events").status_code == 200
    assert api(tenant_a.host, tenant_a.member).get("/api/v1/audit-events").status_code == 403


def test_group_staff_query_across_tenants_with_filters(
    group_viewer: User, tenant_a: TenantWorld, tenant_b: TenantWorld
):
    api(tenant_b.host, tenant_b.admin).patch("/api/v1/settings", {"display_name": "乙"})
    client = api(ROOT_HOST, group_viewer)
    everything = client.get("/api/v1/audit-events?page_size=200").json()["results"]
    assert {tenant_a.tenant.pk, tenant_b.tenant.pk} <= {row["tenant"] for row in everything}
    only_b = client.get(f"/api/v1/audit-events?tenant={tenant_b.tenant.pk}&action=update").json()["results"]
    assert only_b
    assert {row["tenant"] for row in only_b} == {tenant_b.tenant.pk}
    assert all(row["action"] == "update" for row in only_b)


def test_audit_events_are_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld):
    api(tenant_a.host, tenant_a.admin).patch("/api/v1/settings", {"display_name": "甲"})
    event = AuditEvent.objects.filter(tenant=tenant_a.tenant).first()
    assert event is not None
    assert_tenant_isolated(
        Endpoint("/api/v1/audit-events", object_id=event.pk, change={"summary": "tampered"}),
        owner=tenant_a,
        outsider=tenant_b,
    )


def test_group_audit_log_and_summary_are_root_only(
    group_admin: User, group_viewer: User, tenant_a: TenantWorld, tenant_b: TenantWorld
):
    api(tenant_a.host, tenant_a.admin).patch("/api/v1/settings", {"display_name": "甲"})
    event = AuditEvent.objects.filter(tenant=tenant_a.tenant).first()
    assert event is not None
    tenant_users = [tenant_a.admin, tenant_a.inspector, tenant_b.admin]
    assert_root_only(
        Endpoint("/api/v1/audit-events", object_id=event.pk, change={"summary": "x"}),
        allowed=group_viewer,
        tenant_users=tenant_users,
    )
    assert_root_only(Endpoint("/api/v1/group/summary", change=None), allowed=group_viewer, tenant_users=tenant_users)
    summary = api(ROOT_HOST, group_admin).get("/api/v1/group/summary").json()
    assert summary["tenants"]["active"] >= 2
    assert summary["members"] >= 2
    assert api(tenant_a.host, tenant_a.admin).get("/api/v1/group/summary").status_code == 404
