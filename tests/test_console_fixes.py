"""Smaller console fixes found by the walk: the org tree's 书记 from any of the three records that
say it, and a development application that must state the applicant's gender."""

from __future__ import annotations

from typing import Any

import pytest

from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tenants.organizations.models import CommitteeMember
from tenants.organizations.services import do_create_organization, do_update_organization
from tests.conftest import TenantWorld, api
from tests.factories import UserFactory, make_id_card


@pytest.fixture
def tree(tenant_a: TenantWorld) -> dict[str, Any]:
    with tenant_a.tenant:
        committee = do_create_organization(kind="committee", name="甲党委")
        return {
            "committee": committee,
            "recorded": do_create_organization(kind="branch", name="第一党支部", parent=committee),
            "role": do_create_organization(kind="branch", name="第二党支部", parent=committee),
            "term": do_create_organization(kind="branch", name="第三党支部", parent=committee),
            "none": do_create_organization(kind="branch", name="第四党支部", parent=committee),
        }


def test_the_org_tree_shows_each_secretary_from_the_record_the_role_or_the_term(tenant_a: TenantWorld, tree):
    with tenant_a.tenant:
        do_update_organization(tree["recorded"], secretary=UserFactory(name="王书记"))
        do_assign_role(user=UserFactory(name="李书记"), role=TenantRole.SECRETARY, organization_id=tree["role"].pk)
        # A deputy is not the secretary; the one whose post is 书记 is.
        CommitteeMember.objects.create(organization=tree["term"], user=UserFactory(name="周副书记"), post="副书记")
        CommitteeMember.objects.create(organization=tree["term"], user=UserFactory(name="赵书记"), post="书记")
        # A committee-wide secretary role does not make anyone the secretary of each branch.
        do_assign_role(user=UserFactory(name="全委书记"), role=TenantRole.SECRETARY)
    client = api(tenant_a.host, tenant_a.admin)
    rows = {row["name"]: row["secretary_name"] for row in client.get("/api/v1/organizations").json()["results"]}
    assert rows == {
        "甲党委": None,
        "第一党支部": "王书记",
        "第二党支部": "李书记",
        "第三党支部": "赵书记",
        "第四党支部": None,
    }
    one = client.get(f"/api/v1/organizations/{tree['role'].pk}").json()
    assert one["secretary_name"] == "李书记"


def test_a_new_application_must_state_the_gender(tenant_a: TenantWorld, tree):
    body = {"name": "陈晓", "id_card_number": make_id_card("19980305"), "organization": tree["recorded"].pk,
            "applied_on": "2026-01-10"}  # fmt: skip
    client = api(tenant_a.host, tenant_a.admin)
    refused = client.post("/api/v1/development/cases", body, format="json")
    assert refused.status_code == 400
    assert refused.json()["field"] == "gender"
    created = client.post("/api/v1/development/cases", {**body, "gender": "female"}, format="json")
    assert created.status_code == 201, created.json()
