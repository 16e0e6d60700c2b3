"""Demo data: three subsidiaries with admins and members; idempotent with --if-empty."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from partycloud.accounts.models import GroupRole
from partycloud.tenancy.models import PartyCommittee
from tenants.access.models import RoleAssignment
from tests.conftest import api


def test_seed_demo_creates_three_subsidiaries_and_prints_working_logins(db, platform_world):
    out = StringIO()
    call_command("seed_demo", "--members", "2", stdout=out)
    text = out.getvalue()
    assert "13800000001" in text
    assert "http://power.partycloud.test" in text
    slugs = set(PartyCommittee.objects.subsidiaries().values_list("slug", flat=True))
    assert {"power", "build", "finance"} <= slugs
    with PartyCommittee.objects.get(slug="power"):
        assert RoleAssignment.objects.filter(role="member").count() == 4
        from tenants.members.models import Member
        from tenants.organizations.models import Organization

        assert Organization.objects.count() == 6
        assert Member.objects.count() == 4  # secretary, inspector and two members, each with a record
    assert GroupRole.objects.filter(user__phone="13800000001", role="group_admin").exists()
    login = api("power.partycloud.test").post(
        "/api/v1/auth/login", {"identifier": "13900000101", "password": "dangjian2026"}
    )
    assert login.status_code == 200
    assert login.json()["current_tenant"]["roles"] == ["tenant_admin"]
    assert login.json()["name"]  # a realistic Chinese name

    again = StringIO()
    call_command("seed_demo", "--if-empty", stdout=again)
    assert "already present" in again.getvalue()
