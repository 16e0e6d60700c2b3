"""The organization tree: kinds, moves and merges that keep history, scoped management."""

from __future__ import annotations

from datetime import date

import pytest

from tenants.access.services import do_assign_role
from tenants.organizations.models import Organization, OrganizationEvent
from tenants.organizations.services import do_create_organization
from tests.conftest import TenantWorld, api
from tests.factories import UserFactory
from tests.isolation import Endpoint, assert_tenant_isolated

ESTABLISHED = date(2000, 1, 1)


@pytest.fixture
def tree(tenant_a: TenantWorld) -> dict[str, Organization]:
    """甲公司党委 → 机关党总支 → 第一/第二党支部 → 第一党小组; 生产党支部 directly under the committee."""
    with tenant_a.tenant:
        committee = do_create_organization(kind="committee", name="甲公司党委", established_on=ESTABLISHED)
        general = do_create_organization(
            kind="general_branch", name="机关党总支", parent=committee, established_on=ESTABLISHED
        )
        first = do_create_organization(kind="branch", name="第一党支部", parent=general, established_on=ESTABLISHED)
        second = do_create_organization(kind="branch", name="第二党支部", parent=general, established_on=ESTABLISHED)
        group = do_create_organization(kind="party_group", name="第一党小组", parent=first, established_on=ESTABLISHED)
        production = do_create_organization(
            kind="branch", name="生产党支部", parent=committee, established_on=ESTABLISHED
        )
    return {
        "committee": committee,
        "general": general,
        "first": first,
        "second": second,
        "group": group,
        "production": production,
    }


def test_admin_builds_a_tree_through_the_api(tenant_a: TenantWorld):
    client = api(tenant_a.host, tenant_a.admin)
    committee = client.post(
        "/api/v1/organizations", {"kind": "committee", "name": "甲公司党委", "established_on": "2000-01-01"}
    ).json()
    branch = client.post(
        "/api/v1/organizations",
        {"kind": "branch", "name": "第一党支部", "parent": committee["id"], "term_started_on": "2024-03-01",
         "established_on": "2000-01-01"},
    )  # fmt: skip
    assert branch.status_code == 201, branch.json()
    assert branch.json()["depth"] == 1
    assert branch.json()["re_election_due_on"] == "2027-03-01"
    assert branch.json()["kind_label"] == "党支部"
    listing = client.get("/api/v1/organizations").json()["results"]
    assert [row["name"] for row in listing] == ["甲公司党委", "第一党支部"]
    assert listing[0]["children_count"] == 1


@pytest.mark.parametrize(
    ("kind", "parent", "code"),
    [
        ("branch", None, "organizations.root_must_be_committee"),
        ("committee", None, "organizations.root_exists"),
        ("general_branch", "first", "organizations.kind_not_allowed"),
        ("branch", "group", "organizations.kind_not_allowed"),
    ],
)
def test_the_tree_refuses_misplaced_organizations(tenant_a: TenantWorld, tree, kind, parent, code):
    body = {"kind": kind, "name": "新组织"} | ({"parent": tree[parent].pk} if parent else {})
    response = api(tenant_a.host, tenant_a.admin).post("/api/v1/organizations", body)
    assert response.status_code in {400, 409}
    assert response.json()["code"] == code
    assert response.json()["message"]


def test_moving_a_branch_moves_its_subtree(tenant_a: TenantWorld, tree):
    client = api(tenant_a.host, tenant_a.admin)
    response = client.post(f"/api/v1/organizations/{tree['first'].pk}/move", {"target": tree["committee"].pk})
    assert response.status_code == 200, response.json()
    with tenant_a.tenant:
        first = Organization.objects.get(pk=tree["first"].pk)
        group = Organization.objects.get(pk=tree["group"].pk)
        assert (first.parent_id, first.depth) == (tree["committee"].pk, 1)
        assert group.path == f"{first.path}{group.pk}/"
        assert group.depth == 2
        assert OrganizationEvent.objects.filter(organization=first, kind="moved").exists()


def test_an_organization_cannot_move_under_itself(tenant_a: TenantWorld, tree):
    response = api(tenant_a.host, tenant_a.admin).post(
        f"/api/v1/organizations/{tree['general'].pk}/move", {"target": tree["first"].pk}
    )
    assert response.json()["code"] == "organizations.move_into_itself"


def test_merging_keeps_the_source_and_moves_its_children(tenant_a: TenantWorld, tree):
    client = api(tenant_a.host, tenant_a.admin)
    response = client.post(f"/api/v1/organizations/{tree['first'].pk}/merge", {"target": tree["second"].pk})
    assert response.status_code == 200, response.json()
    with tenant_a.tenant:
        first = Organization.objects.get(pk=tree["first"].pk)
        assert (first.is_active, first.merged_into_id) == (False, tree["second"].pk)
        assert Organization.objects.get(pk=tree["group"].pk).parent_id == tree["second"].pk
    names = [row["name"] for row in client.get("/api/v1/organizations").json()["results"]]
    assert "第一党支部" not in names
    assert "第一党支部" in [row["name"] for row in client.get("/api/v1/organizations?active=false").json()["results"]]
    history = client.get(f"/api/v1/organizations/{tree['first'].pk}/history").json()
    assert history[0]["kind"] == "merged"


def test_merge_needs_the_same_kind(tenant_a: TenantWorld, tree):
    response = api(tenant_a.host, tenant_a.admin).post(
        f"/api/v1/organizations/{tree['first'].pk}/merge", {"target": tree["general"].pk}
    )
    assert response.json()["code"] == "organizations.merge_kind_mismatch"


def test_a_branch_secretary_manages_only_their_branch(tenant_a: TenantWorld, tree):
    secretary = UserFactory()
    with tenant_a.tenant:
        do_assign_role(user=secretary, role="secretary", organization_id=tree["first"].pk)
    client = api(tenant_a.host, secretary)
    inside = client.post(
        "/api/v1/organizations",
        {"kind": "party_group", "name": "第二党小组", "parent": tree["first"].pk, "established_on": "2010-01-01"},
    )
    assert inside.status_code == 201, inside.json()
    renamed = client.patch(f"/api/v1/organizations/{tree['first'].pk}", {"name": "第一党支部（机关）"})
    assert renamed.status_code == 200
    outside = client.patch(f"/api/v1/organizations/{tree['second'].pk}", {"name": "越权"})
    assert (outside.status_code, outside.json()["code"]) == (403, "organizations.out_of_scope")
    escape = client.post(f"/api/v1/organizations/{tree['group'].pk}/move", {"target": tree["second"].pk})
    assert escape.status_code == 403


def test_members_read_the_tree_but_cannot_change_it(tenant_a: TenantWorld, tree):
    client = api(tenant_a.host, tenant_a.member)
    assert client.get("/api/v1/organizations").status_code == 200
    assert client.patch(f"/api/v1/organizations/{tree['first'].pk}", {"name": "x"}).status_code == 403
    assert (
        client.post(
            "/api/v1/organizations", {"kind": "party_group", "name": "x", "parent": tree["first"].pk}
        ).status_code
        == 403
    )


def test_re_election_changes_are_history(tenant_a: TenantWorld, tree):
    client = api(tenant_a.host, tenant_a.admin)
    client.patch(f"/api/v1/organizations/{tree['first'].pk}", {"term_started_on": "2026-01-10", "term_years": 5})
    with tenant_a.tenant:
        first = Organization.objects.get(pk=tree["first"].pk)
        assert first.re_election_due_on == date(2031, 1, 10)
        assert OrganizationEvent.objects.filter(organization=first, kind="re_elected").exists()


def test_role_scope_must_be_an_existing_organization(tenant_a: TenantWorld, tree):
    client = api(tenant_a.host, tenant_a.admin)
    bad = client.post(
        "/api/v1/roles", {"identifier": tenant_a.member.phone, "role": "secretary", "organization_id": 999999}
    )
    assert bad.json()["code"] == "access.unknown_organization"


def test_organizations_are_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld, tree):
    assert_tenant_isolated(
        Endpoint(
            "/api/v1/organizations",
            object_id=tree["first"].pk,
            change={"name": "入侵"},
            create={"kind": "party_group", "name": "x", "parent": tree["first"].pk},
            deletable=False,
        ),
        owner=tenant_a,
        outsider=tenant_b,
    )


def test_validity_rules_warn_but_never_block(tenant_a: TenantWorld, tree):
    from tenants.organizations.models import CommitteeMember

    with tenant_a.tenant:
        CommitteeMember.objects.create(organization=tree["first"], user=tenant_a.secretary, post="书记")
    rows = {row["id"]: row for row in api(tenant_a.host, tenant_a.admin).get("/api/v1/organizations").json()["results"]}
    codes = {w["code"] for w in rows[tree["first"].pk]["warnings"]}
    assert codes == {"organizations.branch_too_small", "organizations.committee_without_quorum"}
    assert "至少需要 3 名正式党员" in rows[tree["first"].pk]["warnings"][0]["message"]
    assert rows[tree["committee"].pk]["warnings"] == []


def test_re_election_reminders_go_out_once(tenant_a: TenantWorld, tree):
    from tenants.notifications.models import Notification
    from tenants.organizations.tasks import remind_re_elections

    soon = date.today().replace(year=date.today().year - 3) + __import__("datetime").timedelta(days=30)
    api(tenant_a.host, tenant_a.admin).patch(
        f"/api/v1/organizations/{tree['second'].pk}", {"term_started_on": soon.isoformat()}
    )
    with tenant_a.tenant:
        assert remind_re_elections() == 1
        assert remind_re_elections() == 0
        assert Notification.objects.filter(user=tenant_a.admin, title__startswith="换届提醒").count() == 1
    row = api(tenant_a.host, tenant_a.admin).get(f"/api/v1/organizations/{tree['second'].pk}").json()
    assert "organizations.re_election_due" in {w["code"] for w in row["warnings"]}


def test_branch_size_warning_counts_the_full_members_on_record_in_the_branch_and_its_groups(
    tenant_a: TenantWorld, tree
):
    """Three full members (one of them in the branch's party group) make a branch big enough;
    probationary members and those who left do not count."""
    from tenants.members.services import do_update_member
    from tests.test_members import create

    create(tenant_a, tree["first"])
    create(tenant_a, tree["group"])
    create(tenant_a, tree["first"], membership="probationary", confirmed_on=None)
    gone = create(tenant_a, tree["first"])
    with tenant_a.tenant:
        do_update_member(gone, {"status": "deceased"})

    def first_branch() -> dict:
        rows = api(tenant_a.host, tenant_a.admin).get("/api/v1/organizations").json()["results"]
        return next(row for row in rows if row["id"] == tree["first"].pk)

    row = first_branch()
    assert row["full_members"] == 2
    assert "organizations.branch_too_small" in {w["code"] for w in row["warnings"]}
    assert "2" in row["warnings"][0]["message"]  # the count it has

    create(tenant_a, tree["first"])
    row = first_branch()
    assert row["full_members"] == 3
    assert "organizations.branch_too_small" not in {w["code"] for w in row["warnings"]}
