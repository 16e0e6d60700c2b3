"""The console's home (工作台): to-dos from every module sorted by deadline, the month's figures,
the caller's scope, refusals and isolation; and the console capabilities agree with the APIs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.access.capabilities import CAPABILITIES
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tenants.dues.assessments import do_assess_month
from tenants.dues.models import DuesBase
from tenants.organizations.services import do_create_organization
from tests.conftest import TenantWorld, api
from tests.factories import UserFactory
from tests.isolation import Endpoint, assert_tenant_isolated
from tests.workbench_support import WorkbenchScenario, months_back, open_more_cases, seed_workbench


@pytest.fixture
def scenario(tenant_a: TenantWorld, tenant_b: TenantWorld) -> WorkbenchScenario:
    with tenant_b.tenant:
        do_create_organization(kind="committee", name="乙党委")
    return seed_workbench(tenant_a.tenant, counterpart=tenant_b.tenant)


def kinds(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(todo["kind"], todo["subject"]) for todo in body["todos"]]


def figures(body: dict[str, Any]) -> dict[str, Any]:
    return {figure["key"]: figure["value"] for figure in body["figures"]}


def test_the_tenant_admin_sees_every_module_due_soonest_first(tenant_a: TenantWorld, scenario: WorkbenchScenario):
    response = api(tenant_a.host, tenant_a.admin).get("/api/v1/workbench")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["whole_tenant"] is True
    assert sorted(kinds(body)) == sorted([
        ("development.talk_due", "陈晓"),
        ("development.talk_due", "周杰"),
        ("transfers.awaiting_acceptance", "王强"),
        ("transfers.overdue", "赵敏"),
        ("dues.exemption_pending", "张明"),
        ("dues.arrears_warning", "孙丽"),
        ("organizations.re_election_due", "第一党支部"),
        ("members.import_failed", "党员名册.xlsx"),
    ])  # fmt: skip
    # Overdue first, then what is due now (undated), then by days left.
    todos = body["todos"]
    assert todos[0]["kind"] == "transfers.overdue"
    assert todos[0]["overdue"] is True
    assert todos[0]["days_left"] == -5
    effective = [todo["due_on"] or body["today"] for todo in todos]
    assert effective == sorted(effective)
    assert {todo["kind"] for todo in todos[1:4]} == {
        "dues.exemption_pending", "dues.arrears_warning", "members.import_failed"
    }  # fmt: skip
    by_kind = {todo["kind"]: todo for todo in todos}
    # Each links to the page where it is done, in Chinese.
    talk = next(todo for todo in todos if todo["subject"] == "陈晓")
    assert talk["title"] == "与入党申请人谈话"
    assert talk["link"]["path"].startswith("/development/")
    assert by_kind["transfers.awaiting_acceptance"]["link"] == {
        "path": "/transfers", "query": {"kind": "within", "status": "pending"}
    }  # fmt: skip
    assert by_kind["transfers.overdue"]["link"] == {"path": "/transfers", "query": {"kind": "outgoing", "overdue": "1"}}
    assert by_kind["dues.arrears_warning"]["link"] == {"path": "/dues", "query": {"tab": "arrears"}}
    assert by_kind["dues.arrears_warning"]["title"] == "已连续 3 个月未缴纳党费"
    assert by_kind["dues.exemption_pending"]["link"] == {"path": "/dues", "query": {"tab": "exemptions"}}
    assert by_kind["organizations.re_election_due"]["days_left"] == 20
    assert by_kind["members.import_failed"]["detail"] == "2 行有错误"
    numbers = figures(body)
    assert (numbers["members.total"], numbers["members.probationary"], numbers["organizations.total"]) == (5, 1, 3)
    assert numbers["development.applicant"] == 2
    assert numbers["transfers.pending"] == 2
    assert Decimal(str(numbers["dues.assessed"])) == Decimal("2") * Decimal("90.00")  # 6000 × 1.5 % each
    assert Decimal(str(numbers["dues.paid"])) == Decimal("90.00")
    assert numbers["learning.study_minutes"] == 40


def test_the_queries_do_not_grow_with_the_open_development_cases(tenant_a: TenantWorld, scenario: WorkbenchScenario):
    """Each case's deadlines come from steps, discussions and rules loaded once for all cases."""
    client = api(tenant_a.host, tenant_a.admin)
    client.get("/api/v1/workbench")  # warm: the first request on a host loads its tenant and caches

    def measured() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/workbench")
        assert response.status_code == 200, response.json()
        return len(queries), sum(todo["module"] == "development" for todo in response.json()["todos"])

    with_two, todos_of_two = measured()
    open_more_cases(tenant_a.tenant, [scenario.first, scenario.second], 18)
    with_twenty, todos_of_twenty = measured()
    assert todos_of_twenty > todos_of_two + 10  # the new cases' deadlines are all computed and shown
    assert with_twenty == with_two, f"{with_two} queries with 2 open cases, {with_twenty} with 20"


def test_english_titles_follow_accept_language(tenant_a: TenantWorld, scenario: WorkbenchScenario):
    body = api(tenant_a.host, tenant_a.admin, language="en").get("/api/v1/workbench").json()
    titles = {todo["kind"]: todo["title"] for todo in body["todos"]}
    assert titles["transfers.awaiting_acceptance"] == "Transfer awaiting acceptance"
    assert {figure["label"] for figure in body["figures"]} >= {"Party members", "Study minutes this month"}


def test_a_branch_secretary_sees_their_subtree_only(tenant_a: TenantWorld, scenario: WorkbenchScenario):
    body = api(tenant_a.host, scenario.first_secretary).get("/api/v1/workbench").json()
    assert (body["whole_tenant"], body["scope"]) == (False, ["第一党支部"])
    # Their case, the transfer their branch receives, the term ending; not the second branch's
    # case, arrears or outgoing transfer, nor what only the tenant admin decides (reductions, imports).
    assert sorted(kinds(body)) == sorted([
        ("development.talk_due", "陈晓"),
        ("transfers.awaiting_acceptance", "王强"),
        ("organizations.re_election_due", "第一党支部"),
    ])  # fmt: skip
    numbers = figures(body)
    assert (numbers["members.total"], numbers["organizations.total"], numbers["development.applicant"]) == (2, 1, 1)
    assert numbers["transfers.pending"] == 1
    assert numbers["learning.study_minutes"] == 30  # 张明 studies in the first branch


def test_the_secretary_of_the_other_branch_sees_its_arrears_and_overdue_transfer(
    tenant_a: TenantWorld, scenario: WorkbenchScenario
):
    with tenant_a.tenant:
        secretary = UserFactory()
        do_assign_role(user=secretary, role=TenantRole.COMMITTEE_MEMBER, organization_id=scenario.second.pk)
    body = api(tenant_a.host, secretary).get("/api/v1/workbench").json()
    assert sorted(kinds(body)) == sorted([
        ("development.talk_due", "周杰"),
        ("transfers.overdue", "赵敏"),
        ("dues.arrears_warning", "孙丽"),
    ])  # fmt: skip


def test_arrears_of_six_months_start_the_self_withdrawal_procedure(tenant_a: TenantWorld, scenario: WorkbenchScenario):
    with tenant_a.tenant:
        DuesBase.objects.filter(member=scenario.members["sun"]).update(effective_from=months_back(scenario.today, 6))
        for back in (5, 4, 3):
            do_assess_month(months_back(scenario.today, back))
    body = api(tenant_a.host, tenant_a.admin).get("/api/v1/workbench").json()
    arrears = [todo for todo in body["todos"] if todo["module"] == "dues" and todo["subject"] == "孙丽"]
    assert [(todo["kind"], todo["since"]) for todo in arrears] == [
        ("dues.arrears_withdrawal", months_back(scenario.today, 5).isoformat())
    ]
    assert "6" in arrears[0]["title"]
    assert "自行脱党" in arrears[0]["title"]


def test_members_and_inspectors_are_refused_and_the_portal_is_theirs(
    tenant_a: TenantWorld, scenario: WorkbenchScenario
):
    for user in (tenant_a.member, tenant_a.inspector):
        response = api(tenant_a.host, user).get("/api/v1/workbench")
        assert response.status_code == 403, response.json()
    assert api(tenant_a.host).get("/api/v1/workbench").status_code == 401


def test_the_workbench_is_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld, scenario: WorkbenchScenario):
    assert_tenant_isolated(
        Endpoint("/api/v1/workbench", change=None, deletable=False), owner=tenant_a, outsider=tenant_b
    )
    # B's admin on B's host sees B's workbench: only the transfer B must receive, nothing of A's.
    body = api(tenant_b.host, tenant_b.admin).get("/api/v1/workbench").json()
    assert kinds(body) == [("transfers.awaiting_acceptance", "赵敏")]
    assert figures(body)["members.total"] == 0


# The API that backs each console page: a capability in /me must open it, and a role the
# API refuses must not see the page in the menu.
PAGE_ENDPOINTS = {
    "workbench": "/api/v1/workbench",
    "organizations": "/api/v1/organizations",
    "members": "/api/v1/members",
    "member_imports": "/api/v1/member-imports",
    "transfers": "/api/v1/transfers",
    "development": "/api/v1/development/cases",
    "dues": "/api/v1/dues/assessments",
    "annual_report": "/api/v1/annual-report",
    "learning": "/api/v1/learning/resources",
    "live": "/api/v1/live/lessons",
    "meetings": "/api/v1/meetings/list",
    "task_books": "/api/v1/assessment/task-books",
    "evaluations": "/api/v1/assessment/evaluations",
    "points": "/api/v1/points/members",
    "announcements": "/api/v1/supervision/announcements",
    "publicity": "/api/v1/supervision/publicities",
    "surveys": "/api/v1/supervision/surveys",
    "votes": "/api/v1/supervision/votes",
    "reports": "/api/v1/supervision/reports",
    "inquiries": "/api/v1/supervision/inquiries",
    "pocket_members": "/api/v1/pocket-members",
    "deliveries": "/api/v1/notification-deliveries",
    "settings": "/api/v1/settings",
    "roles": "/api/v1/roles",
    "audit": "/api/v1/audit-events",
}


def test_me_lists_the_console_pages_of_each_role_and_the_apis_agree(tenant_a: TenantWorld, scenario: WorkbenchScenario):
    assert set(PAGE_ENDPOINTS) == set(CAPABILITIES)
    users = {
        "tenant_admin": tenant_a.admin,
        "branch secretary": scenario.first_secretary,
        "inspector": tenant_a.inspector,
        "member": tenant_a.member,
    }
    seen = {}
    for label, user in users.items():
        client = api(tenant_a.host, user)
        capabilities = client.get("/api/v1/me").json()["current_tenant"]["capabilities"]
        seen[label] = capabilities
        for page, url in PAGE_ENDPOINTS.items():
            if page in capabilities:
                status = client.get(url).status_code
                assert status == 200, f"{label} has {page} but {url} answers {status}"
    # Every page but the reports: those go to the discipline inspectors only, never the admin.
    assert seen["tenant_admin"] == [page for page in CAPABILITIES if page != "reports"]
    assert seen["branch secretary"] == [
        "workbench",
        "organizations",
        "members",
        "transfers",
        "development",
        "dues",
        "live",
        "meetings",
        "task_books",
        "evaluations",
        "points",
        "announcements",
        "publicity",
        "surveys",
        "votes",
        "inquiries",
    ]
    assert seen["inspector"] == ["annual_report", "reports", "audit"]
    assert seen["member"] == []
    # The pages a role lacks are refused by their API (a menu never hides what the API would allow
    # the role to change): imports, roles, settings changes.
    secretary = api(tenant_a.host, scenario.first_secretary)
    assert secretary.get("/api/v1/member-imports").status_code == 403
    assert secretary.get("/api/v1/roles").status_code == 403
    assert secretary.patch("/api/v1/settings", {"name": "x"}, format="json").status_code == 403
