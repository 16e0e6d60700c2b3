"""Identity: login by phone or card, JWT, lockout, registration rules, /me, group roles."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import identify_hasher

from partycloud.accounts.models import GroupRole, GroupRoleKind, User, mask_phone, normalize_phone
from partycloud.audit.models import AuditAction, AuditEvent
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.factories import PASSWORD, UserFactory
from tests.isolation import Endpoint, assert_root_only
from tests.mfa_support import sign_in


def login(host: str, identifier: str, password: str = PASSWORD, language: str = "zh-hans"):
    return api(host, language=language).post(
        "/api/v1/auth/login", {"identifier": identifier, "password": password}, format="json"
    )


def test_login_by_phone_or_employee_card_number(tenant_a: TenantWorld):
    user = tenant_a.member
    assert login(tenant_a.host, user.phone).status_code == 200
    response = login(tenant_a.host, user.employee_card_number.lower())
    assert response.status_code == 200
    assert response.json()["current_tenant"]["roles"] == ["member"]


def test_session_login_then_me_and_logout(tenant_a: TenantWorld):
    client = api(tenant_a.host)
    assert sign_in(client, tenant_a.admin, PASSWORD).status_code == 200
    me = client.get("/api/v1/me").json()
    assert me["id"] == tenant_a.admin.pk
    assert me["tenants"][0]["slug"] == "alpha"
    assert "tenant_admin" in me["current_tenant"]["roles"]
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert client.get("/api/v1/me").status_code == 401


def test_jwt_pair_and_refresh_for_native_apps(tenant_a: TenantWorld):
    client = api(tenant_a.host)
    pair = client.post("/api/v1/auth/token", {"identifier": tenant_a.member.phone, "password": PASSWORD}).json()
    me = api(tenant_a.host)
    me.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert me.get("/api/v1/me").json()["id"] == tenant_a.member.pk
    refreshed = client.post("/api/v1/auth/token/refresh", {"refresh": pair["refresh"]})
    assert refreshed.status_code == 200
    assert refreshed.json()["access"]


def test_me_lists_every_tenant_where_the_user_has_a_role(tenant_a: TenantWorld, tenant_b: TenantWorld):
    from tenants.access.services import do_assign_role

    with tenant_b.tenant:
        do_assign_role(user=tenant_a.member, role="secretary")
    me = api(ROOT_HOST, tenant_a.member).get("/api/v1/me").json()
    assert {(t["slug"], tuple(t["roles"])) for t in me["tenants"]} == {("alpha", ("member",)), ("beta", ("secretary",))}
    assert me["current_tenant"] is None


def test_failed_logins_lock_the_account_on_every_host(tenant_a: TenantWorld, tenant_b: TenantWorld):
    user = tenant_a.member
    for attempt in range(settings.LOGIN_MAX_FAILURES - 1):
        response = login(tenant_a.host, user.phone, "wrong-password1")
        assert response.status_code == 400
        assert response.json()["code"] == "auth.invalid_credentials"
        assert f"还可尝试 {settings.LOGIN_MAX_FAILURES - 1 - attempt} 次" in response.json()["message"]
    locked = login(tenant_a.host, user.phone, "wrong-password1")
    assert locked.status_code == 429
    assert locked.json()["code"] == "auth.locked"
    # Locked means locked: the right password on another host is refused too.
    elsewhere = login(tenant_b.host, user.phone)
    assert elsewhere.status_code == 429
    assert "分钟后再试" in elsewhere.json()["message"]
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, target_id=str(user.pk)).count() >= 4


def test_errors_are_translated_to_english_on_request(tenant_a: TenantWorld):
    response = login(tenant_a.host, tenant_a.member.phone, "nope-nope1", language="en")
    assert response.json()["message"].startswith("Wrong phone number")
    anonymous = api(tenant_a.host, language="en").get("/api/v1/me")
    assert anonymous.json() == {
        "code": "auth.not_authenticated",
        "message": "Authentication credentials were not provided.",
        "field": None,
    }


def test_disabled_account_cannot_log_in(tenant_a: TenantWorld):
    user = UserFactory(is_active=False)
    response = login(tenant_a.host, user.phone)
    assert response.status_code == 403
    assert response.json()["code"] == "auth.inactive"


def test_register_applies_password_rules_and_uniqueness(db, platform_world):
    client = api(ROOT_HOST)
    weak = client.post("/api/v1/auth/register", {"phone": "13311112222", "name": "赵六", "password": "12345678"})
    assert weak.status_code == 400
    assert weak.json()["code"] == "auth.weak_password"
    assert "字母和数字" in weak.json()["message"]
    bad_phone = client.post("/api/v1/auth/register", {"phone": "2331111", "name": "赵六", "password": "abc12345xyz"})
    assert (bad_phone.json()["code"], bad_phone.json()["field"]) == ("auth.bad_phone", "phone")
    created = client.post(
        "/api/v1/auth/register", {"phone": "+86 133-1111-2222", "name": "赵六", "password": "abc12345xyz"}
    )
    assert created.status_code == 201
    assert created.json()["phone"] == "13311112222"
    again = client.post("/api/v1/auth/register", {"phone": "13311112222", "name": "赵六", "password": "abc12345xyz"})
    assert (again.status_code, again.json()["code"]) == (409, "auth.phone_taken")


def test_passwords_are_hashed_with_argon2(db, platform_world):
    user = UserFactory()
    assert identify_hasher(user.password).algorithm == "argon2"
    from partycloud.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_change_password_checks_the_old_one(tenant_a: TenantWorld):
    client = api(tenant_a.host, tenant_a.member)
    wrong = client.post("/api/v1/me/password", {"old_password": "x", "new_password": "newpass2026x"})
    assert wrong.json()["code"] == "auth.wrong_password"
    assert (
        client.post("/api/v1/me/password", {"old_password": PASSWORD, "new_password": "newpass2026x"}).status_code
        == 204
    )
    assert login(tenant_a.host, tenant_a.member.phone, "newpass2026x").status_code == 200


def test_phone_helpers():
    assert normalize_phone("＋86 １３８-1234-5678") == "13812345678"
    assert mask_phone("13812345678") == "138****5678"


def test_lists_show_masked_phone_numbers(tenant_a: TenantWorld):
    rows = api(tenant_a.host, tenant_a.admin).get("/api/v1/roles").json()["results"]
    assert all("****" in row["user"]["phone"] for row in rows)


def test_group_admin_grants_and_revokes_group_roles(group_admin: User, tenant_a: TenantWorld, tenant_b: TenantWorld):
    client = api(ROOT_HOST, group_admin)
    granted = client.post("/api/v1/group-roles", {"identifier": tenant_a.member.phone, "role": "group_viewer"})
    assert granted.status_code == 201
    assert api(ROOT_HOST, tenant_a.member).get("/api/v1/tenants").status_code == 200
    assert client.delete(f"/api/v1/group-roles/{granted.json()['id']}").status_code == 204
    assert api(ROOT_HOST, tenant_a.member).get("/api/v1/tenants").status_code == 403
    last_admin = GroupRole.objects.get(role=GroupRoleKind.GROUP_ADMIN)
    refused = client.delete(f"/api/v1/group-roles/{last_admin.pk}")
    assert (refused.status_code, refused.json()["code"]) == (409, "accounts.last_group_admin")


def test_group_roles_are_root_only(group_admin: User, tenant_a: TenantWorld, tenant_b: TenantWorld):
    grant = GroupRole.objects.filter(role=GroupRoleKind.GROUP_ADMIN).first()
    assert grant is not None
    assert_root_only(
        Endpoint(
            "/api/v1/group-roles",
            object_id=grant.pk,
            change={"role": "group_viewer"},
            create={"identifier": tenant_a.admin.phone, "role": "group_admin"},
        ),
        allowed=group_admin,
        tenant_users=[tenant_a.admin, tenant_b.admin],
    )
    assert api(tenant_a.host, tenant_a.admin).get("/api/v1/group-roles").status_code == 404


def test_me_on_another_tenants_host_shows_no_roles_there(tenant_a: TenantWorld, tenant_b: TenantWorld):
    me = api(tenant_a.host, tenant_b.admin).get("/api/v1/me").json()
    assert me["current_tenant"]["roles"] == []
    assert [t["slug"] for t in me["tenants"]] == ["beta"]
    assert api(tenant_a.host).get("/api/v1/me").status_code == 401
    assert api(tenant_a.host).post("/api/v1/me/password", {"old_password": "x", "new_password": "y"}).status_code == 401
