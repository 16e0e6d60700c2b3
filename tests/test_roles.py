"""Tenant roles: tenant admins grant and revoke; the public access index follows."""

from __future__ import annotations

from partycloud.tenancy.models import TenantAccess
from tenants.access.models import RoleAssignment, TenantRole
from tenants.access.services import rebuild_tenant_access_index
from tests.conftest import TenantWorld, api
from tests.factories import UserFactory
from tests.isolation import Endpoint, assert_tenant_isolated


def test_tenant_admin_assigns_a_role_by_phone_and_the_user_sees_the_tenant(tenant_a: TenantWorld):
    newcomer = UserFactory()
    response = api(tenant_a.host, tenant_a.admin).post(
        "/api/v1/roles", {"identifier": newcomer.phone, "role": "committee_member"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["role_label"] == "委员"
    me = api(tenant_a.host, newcomer).get("/api/v1/me").json()
    assert me["current_tenant"]["roles"] == ["committee_member"]


def test_a_role_can_be_scoped_to_an_organization(tenant_a: TenantWorld):
    from tenants.organizations.services import do_create_organization

    with tenant_a.tenant:
        committee = do_create_organization(kind="committee", name="甲公司党委")
    newcomer = UserFactory()
    response = api(tenant_a.host, tenant_a.admin).post(
        "/api/v1/roles", {"identifier": newcomer.phone, "role": "secretary", "organization_id": committee.pk}
    )
    assert response.json()["organization_id"] == committee.pk


def test_duplicate_and_unknown_user_are_clear_errors(tenant_a: TenantWorld):
    client = api(tenant_a.host, tenant_a.admin)
    duplicate = client.post("/api/v1/roles", {"identifier": tenant_a.member.phone, "role": "member"})
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "access.role_exists")
    unknown = client.post("/api/v1/roles", {"identifier": "13000000000", "role": "member"})
    assert (unknown.status_code, unknown.json()["code"], unknown.json()["field"]) == (
        404,
        "accounts.user_not_found",
        "identifier",
    )
    bad_role = client.post("/api/v1/roles", {"identifier": tenant_a.member.phone, "role": "king"})
    assert (bad_role.json()["code"], bad_role.json()["field"]) == ("validation.invalid_choice", "role")


def test_members_and_secretaries_cannot_manage_roles(tenant_a: TenantWorld):
    for user in (tenant_a.member, tenant_a.secretary, tenant_a.inspector):
        client = api(tenant_a.host, user)
        assert client.get("/api/v1/roles").status_code == 403
        assert client.post("/api/v1/roles", {"identifier": user.phone, "role": "tenant_admin"}).status_code == 403


def test_the_last_tenant_admin_cannot_be_revoked(tenant_a: TenantWorld):
    with tenant_a.tenant:
        assignment = RoleAssignment.objects.get(role=TenantRole.TENANT_ADMIN)
    response = api(tenant_a.host, tenant_a.admin).delete(f"/api/v1/roles/{assignment.pk}")
    assert (response.status_code, response.json()["code"]) == (409, "access.last_admin")


def test_revoking_updates_the_access_index(tenant_a: TenantWorld):
    with tenant_a.tenant:
        assignment = RoleAssignment.objects.get(user=tenant_a.member)
    assert api(tenant_a.host, tenant_a.admin).delete(f"/api/v1/roles/{assignment.pk}").status_code == 204
    assert not TenantAccess.objects.filter(user=tenant_a.member, tenant=tenant_a.tenant).exists()
    assert api(tenant_a.host, tenant_a.member).get("/api/v1/me").json()["tenants"] == []


def test_nightly_rebuild_repairs_a_drifted_index(tenant_a: TenantWorld):
    TenantAccess.objects.filter(tenant=tenant_a.tenant).delete()
    with tenant_a.tenant:
        fixed = rebuild_tenant_access_index()
    assert fixed == 4
    assert TenantAccess.objects.get(tenant=tenant_a.tenant, user=tenant_a.admin).roles == ["tenant_admin"]


def test_role_assignments_are_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld):
    with tenant_a.tenant:
        assignment = RoleAssignment.objects.get(user=tenant_a.member)
    assert_tenant_isolated(
        Endpoint(
            "/api/v1/roles",
            object_id=assignment.pk,
            change={"role": "tenant_admin"},
            create={"identifier": tenant_b.admin.phone, "role": "tenant_admin"},
        ),
        owner=tenant_a,
        outsider=tenant_b,
    )
