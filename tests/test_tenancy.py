"""Tenants: provisioning by cloning, host routing, status changes, settings."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django_tenants.utils import schema_exists

from partycloud.tenancy.models import CommitteeStatus, PartyCommittee, SpareSchema
from partycloud.tenancy.schemas import migration_fingerprint, refill_spare_pool
from tenants.access.models import RoleAssignment, TenantRole
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.factories import PASSWORD, UserFactory, next_unified_code
from tests.isolation import Endpoint, assert_root_only, assert_tenant_isolated


def provision_body(slug: str, **extra: object) -> dict[str, object]:
    return {
        "name": f"{slug}有限公司党委",
        "short_name": slug,
        "slug": slug,
        "unified_code": next_unified_code(),
        **extra,
    }


def test_group_admin_provisions_a_tenant_whose_host_works_at_once(group_admin, tenant_a):
    first_admin = UserFactory()
    response = api(ROOT_HOST, group_admin).post(
        "/api/v1/tenants", provision_body("gamma", first_admin=first_admin.phone), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["url"].startswith("http://gamma.partycloud.test")
    site = api("gamma.partycloud.test").get("/api/v1/site")
    assert site.status_code == 200
    assert site.json()["name"] == "gamma有限公司党委"
    roles = api("gamma.partycloud.test", first_admin).get("/api/v1/roles")
    assert roles.status_code == 200
    assert [row["role"] for row in roles.json()["results"]] == ["tenant_admin"]


def test_provisioned_schema_is_a_clone_with_the_templates_migrations(group_admin, tenant_a):
    response = api(ROOT_HOST, group_admin).post("/api/v1/tenants", provision_body("delta"), format="json")
    assert response.status_code == 201
    assert migration_fingerprint("t_delta") == migration_fingerprint("tenant_template")


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"slug": "A b"}, "tenancy.slug_format", "slug"),
        ({"slug": "www"}, "tenancy.slug_reserved", "slug"),
        ({"slug": "alpha"}, "tenancy.slug_taken", "slug"),
        ({"unified_code": "91310000000000000X"}, "tenancy.unified_code_check", "unified_code"),
        ({"unified_code": "123"}, "validation.max_length", None),
    ],
)
def test_provisioning_refuses_bad_input_with_the_field_at_fault(group_admin, tenant_a, change, code, field):
    body = provision_body("epsilon") | change
    response = api(ROOT_HOST, group_admin).post("/api/v1/tenants", body, format="json")
    assert response.status_code in {400, 409}
    payload = response.json()
    if code.startswith("validation."):
        assert payload["field"] == "unified_code"
    else:
        assert (payload["code"], payload["field"]) == (code, field)
    assert payload["message"]
    assert not schema_exists("t_epsilon")


def test_unified_code_already_used_is_a_conflict(group_admin, tenant_a):
    body = provision_body("zeta", unified_code=tenant_a.tenant.unified_code)
    response = api(ROOT_HOST, group_admin).post("/api/v1/tenants", body, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "tenancy.unified_code_taken"


def test_group_viewer_reads_tenants_but_cannot_provision_or_suspend(group_viewer, tenant_a):
    client = api(ROOT_HOST, group_viewer)
    listing = client.get("/api/v1/tenants")
    assert listing.status_code == 200
    assert {row["slug"] for row in listing.json()["results"]} >= {"alpha", "beta"}
    assert client.post("/api/v1/tenants", provision_body("eta"), format="json").status_code == 403
    assert client.post(f"/api/v1/tenants/{tenant_a.tenant.pk}/suspend").status_code == 403


def test_tenant_list_hides_the_group_root_and_the_template(group_admin, tenant_a):
    slugs = {row["slug"] for row in api(ROOT_HOST, group_admin).get("/api/v1/tenants?page_size=200").json()["results"]}
    assert "group-root" not in slugs
    assert "tenant-template" not in slugs


def test_suspended_tenant_answers_with_a_clear_error_and_reactivates(group_admin, tenant_a: TenantWorld):
    root = api(ROOT_HOST, group_admin)
    assert root.post(f"/api/v1/tenants/{tenant_a.tenant.pk}/suspend", {"reason": "整改"}).status_code == 200
    response = api(tenant_a.host, tenant_a.admin).get("/api/v1/roles")
    assert response.status_code == 403
    assert response.json()["code"] == "tenancy.suspended"
    assert "暂停" in response.json()["message"]
    page = api(tenant_a.host).get("/", HTTP_ACCEPT="text/html")
    assert page.status_code == 403
    assert "暂停" in page.content.decode()
    assert root.post(f"/api/v1/tenants/{tenant_a.tenant.pk}/activate").status_code == 200
    assert api(tenant_a.host, tenant_a.admin).get("/api/v1/roles").status_code == 200


def test_archiving_keeps_the_data(group_admin, tenant_a: TenantWorld):
    with tenant_a.tenant:
        before = RoleAssignment.objects.count()
    root = api(ROOT_HOST, group_admin)
    assert root.post(f"/api/v1/tenants/{tenant_a.tenant.pk}/archive").status_code == 200
    response = api(tenant_a.host, tenant_a.admin).get("/api/v1/roles")
    assert response.status_code == 410
    assert response.json()["code"] == "tenancy.archived"
    connection.set_schema_to_public()
    assert schema_exists(tenant_a.tenant.schema_name)
    with PartyCommittee.objects.get(pk=tenant_a.tenant.pk):
        assert RoleAssignment.objects.count() == before


def test_invalid_status_transition_is_refused(group_admin, tenant_a):
    response = api(ROOT_HOST, group_admin).post(f"/api/v1/tenants/{tenant_a.tenant.pk}/activate")
    assert response.status_code == 409
    assert response.json()["code"] == "tenancy.bad_transition"


def test_unknown_host_gets_a_clear_404(db):
    response = api("nobody.partycloud.test").get("/api/v1/site")
    assert response.status_code == 404
    assert response.json()["code"] == "tenancy.unknown_host"


def test_tenant_admin_changes_settings_members_only_read_them(tenant_a: TenantWorld):
    admin = api(tenant_a.host, tenant_a.admin)
    response = admin.patch("/api/v1/settings", {"display_name": "甲公司党建", "locale": "en"}, format="json")
    assert response.status_code == 200
    assert response.json()["display_name"] == "甲公司党建"
    member = api(tenant_a.host, tenant_a.member)
    assert member.get("/api/v1/settings").json()["display_name"] == "甲公司党建"
    assert member.patch("/api/v1/settings", {"display_name": "x"}, format="json").status_code == 403


def test_tenant_settings_are_isolated(tenant_a, tenant_b):
    assert_tenant_isolated(
        Endpoint("/api/v1/settings", detail_url="/api/v1/settings", change={"display_name": "hacked"}, deletable=False),
        owner=tenant_a,
        outsider=tenant_b,
    )


def test_tenant_endpoints_are_root_only(group_admin, tenant_a, tenant_b):
    assert_root_only(
        Endpoint("/api/v1/tenants", object_id=tenant_a.tenant.pk, change={"name": "x"}, create=provision_body("theta")),
        allowed=group_admin,
        tenant_users=[tenant_a.admin, tenant_b.admin, tenant_a.member],
    )
    # The URL does not exist on a tenant host.
    assert api(tenant_a.host, tenant_a.admin).get("/api/v1/tenants").status_code == 404


@override_settings(TENANT_WARM_POOL_SIZE=1)
def test_warm_pool_spare_is_renamed_on_provisioning_and_stale_spares_are_dropped(group_admin, tenant_a):
    assert refill_spare_pool() == 1
    spare = SpareSchema.objects.get()
    response = api(ROOT_HOST, group_admin).post("/api/v1/tenants", provision_body("iota"), format="json")
    assert response.status_code == 201
    assert not schema_exists(spare.schema_name)
    assert schema_exists("t_iota")
    assert not SpareSchema.objects.exists()
    # A spare cloned before a migration (different fingerprint) is never used.
    refill_spare_pool()
    SpareSchema.objects.update(fingerprint="old")
    stale = SpareSchema.objects.get().schema_name
    assert refill_spare_pool() == 1
    assert not schema_exists(stale)


def test_management_command_provisions_with_the_same_service(db, platform_world):
    admin = UserFactory()
    call_command(
        "provision_tenant",
        name="命令行公司党委",
        short_name="命令行",
        slug="kappa",
        unified_code=next_unified_code(),
        admin=admin.phone,
    )
    tenant = PartyCommittee.objects.get(slug="kappa")
    assert tenant.status == CommitteeStatus.ACTIVE
    with tenant:
        assert RoleAssignment.objects.filter(user=admin, role=TenantRole.TENANT_ADMIN).exists()
    login = api("kappa.partycloud.test").post(
        "/api/v1/auth/login", {"identifier": admin.phone, "password": PASSWORD}, format="json"
    )
    assert login.status_code == 202
    assert login.json()["step"] == "enrol"
    assert api("kappa.partycloud.test", admin).get("/api/v1/me").json()["current_tenant"]["roles"] == ["tenant_admin"]


def test_active_tenant_is_the_real_committee_when_a_schema_was_chosen_by_name(tenant_a):
    """Celery tasks run eagerly (make run's seeding) inside ``set_schema``: links still need the
    committee's URL, which django-tenants' FakeTenant lacks."""
    from django.db import connection

    from partycloud.tenancy.context import active_tenant

    connection.set_schema(tenant_a.tenant.schema_name)  # type: ignore[attr-defined]
    assert active_tenant().url == tenant_a.tenant.url
    assert active_tenant().name == tenant_a.tenant.name
