"""Self-service: a subsidiary applies, a group admin approves, the applicant becomes its first admin."""

from __future__ import annotations

import pyotp

from partycloud.accounts.models import User
from partycloud.tenancy.models import ApplicationStatus, TenantApplication
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.factories import PASSWORD, UserFactory, next_unified_code
from tests.isolation import Endpoint, assert_root_only


def application_body(slug: str) -> dict[str, str]:
    return {
        "name": f"{slug}新能源有限公司党委",
        "short_name": "新能源党委",
        "slug": slug,
        "unified_code": next_unified_code(),
        "reason": "新成立子公司，申请入驻党建云",
    }


def test_applicant_becomes_first_admin_after_approval(group_admin: User, platform_world, db):
    applicant = UserFactory()
    applied = api(ROOT_HOST, applicant).post("/api/v1/tenant-applications", application_body("lambda"))
    assert applied.status_code == 201, applied.json()
    assert applied.json()["status"] == "pending"
    assert api(ROOT_HOST, applicant).get("/api/v1/tenant-applications").json()["count"] == 1

    approved = api(ROOT_HOST, group_admin).post(f"/api/v1/tenant-applications/{applied.json()['id']}/approve")
    assert approved.status_code == 201, approved.json()
    assert approved.json()["slug"] == "lambda"

    # A tenant admin must sign in with a code: the first sign-in sets up the authenticator.
    client = api("lambda.partycloud.test")
    login = client.post("/api/v1/auth/login", {"identifier": applicant.phone, "password": PASSWORD})
    assert (login.status_code, login.json()["step"]) == (202, "enrol")
    challenge = login.json()["challenge"]
    secret = client.post("/api/v1/auth/mfa/enrolment", {"challenge": challenge}).json()["secret"]
    signed_in = client.post("/api/v1/auth/login/enrol", {"challenge": challenge, "code": pyotp.TOTP(secret).now()})
    assert signed_in.status_code == 200, signed_in.json()
    assert signed_in.json()["current_tenant"]["roles"] == ["tenant_admin"]
    again = api(ROOT_HOST, group_admin).post(f"/api/v1/tenant-applications/{applied.json()['id']}/approve")
    assert (again.status_code, again.json()["code"]) == (409, "tenancy.application_decided")


def test_rejection_needs_a_reason_and_frees_the_short_address(group_admin: User, platform_world, db):
    applicant = UserFactory()
    application = api(ROOT_HOST, applicant).post("/api/v1/tenant-applications", application_body("mu")).json()
    duplicate = api(ROOT_HOST, UserFactory()).post("/api/v1/tenant-applications", application_body("mu"))
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "tenancy.slug_pending")
    admin = api(ROOT_HOST, group_admin)
    no_reason = admin.post(f"/api/v1/tenant-applications/{application['id']}/reject", {"note": " "})
    assert no_reason.json()["code"] == "tenancy.reason_required"
    rejected = admin.post(f"/api/v1/tenant-applications/{application['id']}/reject", {"note": "材料不全"})
    assert rejected.json()["status"] == "rejected"
    assert api(ROOT_HOST, UserFactory()).post("/api/v1/tenant-applications", application_body("mu")).status_code == 201


def test_only_group_admins_decide(group_viewer: User, tenant_a: TenantWorld):
    application = api(ROOT_HOST, tenant_a.member).post("/api/v1/tenant-applications", application_body("nu")).json()
    for user in (group_viewer, tenant_a.member, tenant_a.admin):
        assert api(ROOT_HOST, user).post(f"/api/v1/tenant-applications/{application['id']}/approve").status_code in {
            403,
            404,
        }
    assert TenantApplication.objects.get(pk=application["id"]).status == ApplicationStatus.PENDING


def test_applications_are_submitted_at_the_root_only(tenant_a: TenantWorld):
    response = api(tenant_a.host, tenant_a.member).post("/api/v1/tenant-applications", application_body("xi"))
    assert response.status_code == 404


def test_applicants_see_only_their_own_applications(group_admin: User, tenant_a: TenantWorld, tenant_b: TenantWorld):
    mine = api(ROOT_HOST, tenant_a.member).post("/api/v1/tenant-applications", application_body("omicron")).json()
    assert_root_only(
        Endpoint("/api/v1/tenant-applications", object_id=mine["id"], change={"slug": "hacked"}),
        allowed=group_admin,
        tenant_users=[tenant_b.admin, tenant_b.member],
    )
    assert api(ROOT_HOST).post("/api/v1/tenant-applications", application_body("pi")).status_code == 401
