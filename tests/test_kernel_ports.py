"""The kernel's ports (issue 12): lower apps announce or ask, higher apps answer.

accounts sends signals that the audit log records; tenancy asks a registered grant for the
first tenant admin and runs registered setups on every cloned schema; accounts lists /me's
tenants through tenancy's lookup; access reads organization paths through the lookup that
organizations registers; the audit writer takes an ``Actor``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory

from partycloud.accounts import services as accounts_services
from partycloud.accounts.actor import Actor
from partycloud.accounts.signals import login_failed, login_succeeded
from partycloud.audit.models import AuditEvent
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import ServiceError
from partycloud.tenancy import schemas
from partycloud.tenancy import services as tenancy_services
from partycloud.tenancy.models import TenantAccess
from tenants.access import services as access_services
from tenants.access.models import RoleAssignment, TenantRole
from tenants.access.services import do_assign_role, do_sync_tenant_access, organizations_by_id
from tenants.organizations.lookups import organization_refs
from tenants.organizations.services import do_create_organization
from tenants.outbox.triggers import install as install_outbox_triggers
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.factories import PASSWORD, UserFactory, next_unified_code
from tests.mfa_support import sign_in

# ---------------------------------------------------------------- accounts -> audit, by signals


def test_a_login_is_announced_by_accounts_and_recorded_by_the_audit_receiver(tenant_a: TenantWorld):
    heard: list[dict[str, Any]] = []

    def listen(sender: Any, **kwargs: Any) -> None:
        heard.append(kwargs)

    login_succeeded.connect(listen)
    try:
        response = api(tenant_a.host).post(
            "/api/v1/auth/login",
            {"identifier": tenant_a.member.phone, "password": PASSWORD},
            HTTP_USER_AGENT="PartyCloudTest/1.0",
        )
    finally:
        login_succeeded.disconnect(listen)
    assert response.status_code == 200
    [signal] = heard
    assert signal["user"] == tenant_a.member
    assert isinstance(signal["actor"], Actor)
    assert signal["actor"].user == tenant_a.member
    entry = AuditEvent.objects.filter(event="auth.login", actor=tenant_a.member).latest("id")
    assert entry.tenant_id == tenant_a.tenant.pk
    assert entry.ip_address == "127.0.0.1"
    assert entry.user_agent == "PartyCloudTest/1.0"
    assert entry.actor_role == TenantRole.MEMBER


def test_a_failed_login_is_recorded_with_the_attempt_count_from_the_signal(tenant_a: TenantWorld):
    heard: list[dict[str, Any]] = []

    def listen(sender: Any, **kwargs: Any) -> None:
        heard.append(kwargs)

    login_failed.connect(listen)
    try:
        response = api(tenant_a.host).post(
            "/api/v1/auth/login", {"identifier": tenant_a.secretary.phone, "password": "wrong"}
        )
    finally:
        login_failed.disconnect(listen)
    assert response.status_code == 400
    assert heard[0]["user"] == tenant_a.secretary
    assert heard[0]["attempt"] == 1
    entry = AuditEvent.objects.filter(event="auth.login_failed", target_id=str(tenant_a.secretary.pk)).latest("id")
    assert entry.actor is None
    assert entry.details["attempt"] == 1
    assert entry.ip_address == "127.0.0.1"


def test_a_logout_is_recorded_through_djangos_user_logged_out(tenant_a: TenantWorld):
    client = api(tenant_a.host)
    assert sign_in(client, tenant_a.admin, PASSWORD).status_code == 200
    assert client.post("/api/v1/auth/logout").status_code == 204
    entry = AuditEvent.objects.filter(event="auth.logout", actor=tenant_a.admin).latest("id")
    assert entry.target_id == str(tenant_a.admin.pk)
    assert entry.ip_address == "127.0.0.1"


def test_an_anonymous_logout_records_nothing(tenant_a: TenantWorld):
    before = AuditEvent.objects.filter(event="auth.logout").count()
    assert api(tenant_a.host).post("/api/v1/auth/logout").status_code == 204
    assert AuditEvent.objects.filter(event="auth.logout").count() == before


def test_a_group_role_grant_and_revoke_are_recorded_with_the_actor(group_admin: Any):
    newcomer = UserFactory()
    client = api(ROOT_HOST, group_admin)
    created = client.post("/api/v1/group-roles", {"identifier": newcomer.phone, "role": "group_viewer"})
    assert created.status_code == 201, created.json()
    assert client.delete(f"/api/v1/group-roles/{created.json()['id']}").status_code == 204
    events = AuditEvent.objects.filter(target_label=newcomer.name, actor=group_admin).order_by("id")
    assert [event.event for event in events] == ["group_role.grant", "group_role.revoke"]
    assert all(event.actor_role == "group_admin" for event in events)


# ---------------------------------------------------------------- the audit writer takes an Actor


def test_the_audit_takes_the_user_address_and_user_agent_from_the_actor(tenant_a: TenantWorld):
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Browser/2")
    request.user = tenant_a.admin
    actor = Actor.of(request)
    entry = do_record_audit(event="audit.export", actor=actor, target_type="audit.auditevent")
    assert (entry.actor, entry.actor_name) == (tenant_a.admin, tenant_a.admin.name)
    assert (entry.ip_address, entry.user_agent) == ("10.1.2.3", "Browser/2")


def test_an_actor_built_outside_a_request_records_no_address(tenant_a: TenantWorld):
    entry = do_record_audit(event="audit.export", actor=Actor.for_user(tenant_a.admin))
    assert entry.actor == tenant_a.admin
    assert entry.ip_address is None
    assert entry.user_agent == ""
    system = do_record_audit(event="audit.export", actor=Actor.system())
    assert system.actor is None
    assert system.actor_name == ""


def test_the_deprecated_user_and_request_form_still_records_the_same(tenant_a: TenantWorld):
    request = RequestFactory().get("/", REMOTE_ADDR="10.9.8.7", HTTP_USER_AGENT="Old/1")
    entry = do_record_audit(event="audit.export", actor=tenant_a.admin, request=request)
    assert (entry.actor, entry.ip_address, entry.user_agent) == (tenant_a.admin, "10.9.8.7", "Old/1")


def test_the_role_at_write_time_comes_from_the_actor_in_the_tenant(tenant_a: TenantWorld):
    with tenant_a.tenant:
        entry = do_record_audit(event="audit.export", actor=Actor.for_user(tenant_a.inspector))
    assert entry.actor_role == TenantRole.DISCIPLINE_INSPECTOR
    assert entry.tenant_id == tenant_a.tenant.pk


# ---------------------------------------------------------------- tenancy's hooks


def test_access_registers_the_first_admin_grant_and_outbox_its_clone_setup():
    assert tenancy_services._first_admin_grant is access_services.grant_first_admin
    assert install_outbox_triggers in schemas._clone_setups
    assert accounts_services._tenant_directory is tenancy_services.tenant_directory
    assert access_services._organizations is organization_refs


def test_provisioning_assigns_the_first_admin_through_the_registered_grant(
    group_admin: Any, monkeypatch: pytest.MonkeyPatch
):
    calls: list[tuple[str, Any, Any]] = []
    real_grant = access_services.grant_first_admin

    def grant(user: Any, actor: Any) -> None:
        calls.append((connection.schema_name, user, actor))
        real_grant(user, actor)

    monkeypatch.setattr(tenancy_services, "_first_admin_grant", grant)
    admin = UserFactory()
    actor = Actor.for_user(group_admin)
    tenant = tenancy_services.do_provision_tenant(
        tenancy_services.CommitteeDraft(
            name="丙公司党委", short_name="丙公司", slug="gamma-hook", unified_code=next_unified_code()
        ),
        first_admin=admin,
        actor=actor,
    )
    assert calls == [(tenant.schema_name, admin, actor)]
    with tenant:
        assignment = RoleAssignment.objects.get(user=admin)
    assert assignment.role == TenantRole.TENANT_ADMIN
    assert assignment.granted_by == group_admin
    assert TenantAccess.objects.get(user=admin, tenant=tenant).roles == [TenantRole.TENANT_ADMIN]
    grant_entry = AuditEvent.objects.get(event="role.grant", tenant=tenant)
    assert grant_entry.actor == group_admin


def test_provisioning_with_a_first_admin_refuses_when_no_app_registered_the_grant(
    tenant_a: TenantWorld, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(tenancy_services, "_first_admin_grant", None)
    with pytest.raises(ImproperlyConfigured):
        tenancy_services._grant_first_admin(tenant_a.tenant, UserFactory(), None)


def test_every_cloned_schema_runs_the_registered_setups(monkeypatch: pytest.MonkeyPatch, tenant_a: TenantWorld):
    seen: list[str] = []
    monkeypatch.setattr(schemas, "_clone_setups", [*schemas._clone_setups, seen.append])
    assert schemas.refill_spare_pool(size=1) == 1
    spare = schemas.SpareSchema.objects.get()
    assert seen == [spare.schema_name]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.triggers WHERE trigger_schema = %s AND trigger_name LIKE 'outbox_%%'",
            [spare.schema_name],
        )
        assert cursor.fetchone()[0] > 0
    schemas.drop_spare(spare)


# ---------------------------------------------------------------- access <- organizations


def test_role_scopes_read_organization_paths_through_the_registered_lookup(tenant_a: TenantWorld):
    with tenant_a.tenant:
        committee = do_create_organization(kind="committee", name="查询党委")
        branch = do_create_organization(kind="branch", name="查询支部", parent=committee)
        found = organizations_by_id([committee.pk, branch.pk])
        assert found[branch.pk].path.startswith(found[committee.pk].path)
        assert found[branch.pk].name == "查询支部"
        assert found[branch.pk].is_active
        secretary = UserFactory()
        do_assign_role(user=secretary, role=TenantRole.SECRETARY, organization_id=committee.pk)
        assert access_services.user_covers(secretary, branch.pk, {TenantRole.SECRETARY})
        assert access_services.user_covers(Actor.for_user(secretary), branch.pk, {TenantRole.SECRETARY})
        assert access_services.user_scope(secretary, {TenantRole.SECRETARY}).paths == (found[committee.pk].path,)


def test_a_role_cannot_be_scoped_to_an_organization_no_lookup_knows(
    tenant_a: TenantWorld, monkeypatch: pytest.MonkeyPatch
):
    with tenant_a.tenant:
        committee = do_create_organization(kind="committee", name="未登记党委")
        monkeypatch.setattr(access_services, "_organizations", access_services._no_organizations)
        with pytest.raises(ServiceError) as refused:
            do_assign_role(user=UserFactory(), role=TenantRole.SECRETARY, organization_id=committee.pk)
    assert refused.value.code == "access.unknown_organization"


# ---------------------------------------------------------------- the one writer of TenantAccess


def test_do_sync_tenant_access_keeps_a_row_while_a_role_or_a_counted_record_is_here(
    tenant_a: TenantWorld, monkeypatch: pytest.MonkeyPatch
):
    person = UserFactory()
    records = {person.pk}
    monkeypatch.setattr(access_services, "_member_record_sources", [lambda user_id: user_id in records])
    with tenant_a.tenant:
        do_sync_tenant_access(person.pk)
        row = TenantAccess.objects.get(user=person, tenant=tenant_a.tenant)
        assert (row.roles, row.has_member_record) == ([], True)
        do_assign_role(user=person, role=TenantRole.MEMBER)
        row.refresh_from_db()
        assert (row.roles, row.has_member_record) == ([TenantRole.MEMBER], True)
        RoleAssignment.objects.filter(user=person).delete()
        records.clear()
        do_sync_tenant_access(person.pk)
        assert not TenantAccess.objects.filter(user=person, tenant=tenant_a.tenant).exists()
