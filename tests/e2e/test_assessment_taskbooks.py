"""Task books (工作任务书) in Chromium (scenarios/assessment_taskbooks.mjs): the group admin writes
this year's template (four indicators by area, one fed by the meetings held; the weights first
miss 100 and publishing says why) and publishes it; the tenant admin finds the book in the
console, cascades it to a branch (adapting a weight and adding the branch's own indicator, then
issuing it), attaches evidence to the tenant's book (a note and a small file), self-assesses and
submits; the group admin sees it in the progress table, opens it, scores every indicator with a
comment and approves; the tenant's book is locked and shows the final score.

A tenant of its own: a committee with one branch; the tenant admin (two-factor sign-in) does the
tenant's part.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db import connection

from partycloud.tenancy.models import PartyCommittee
from tests.conftest import ROOT_HOST
from tests.e2e.conftest import BrowserRun, Person, provision_e2e_tenant
from tests.factories import make_id_card

pytestmark = [pytest.mark.live, pytest.mark.django_db]


@dataclass
class TaskBooksWorld:
    tenant: PartyCommittee
    admin: Person
    committee: str
    branch: str
    group_admin: Person


@pytest.fixture(scope="session")
def taskbooks_world(platform_world: dict[str, Any], django_db_blocker: Any) -> TaskBooksWorld:
    from tenants.members.services import do_create_member
    from tenants.organizations.services import do_create_organization

    suffix = secrets.token_hex(2)
    committee_name = f"庚公司{suffix}党委"
    branch_name = "生产运行党支部"
    with django_db_blocker.unblock():
        tenant, admin = provision_e2e_tenant(committee_name, f"庚公司{suffix}", f"e2e-geng-{suffix}")
        with tenant:
            root = do_create_organization(kind="committee", name=committee_name)
            branch = do_create_organization(kind="branch", name=branch_name, parent=root)
            for index, name in enumerate(("钱立新", "孙海燕", "周明")):
                do_create_member(
                    {"name": name, "gender": "male", "joined_on": date(2008, 7, 1), "confirmed_on": date(2009, 7, 1),
                     "membership": "full", "dues_category": "employee", "organization": branch},
                    id_card_number=make_id_card(f"1978040{index + 1}"), placed_on=date(2020, 1, 1),
                )  # fmt: skip
        connection.set_schema_to_public()
    return TaskBooksWorld(
        tenant=tenant,
        admin=Person(admin),
        committee=committee_name,
        branch=branch_name,
        group_admin=Person(platform_world["group_admin"]),
    )


def test_group_publishes_a_task_book_the_tenant_cascades_and_submits_and_the_group_approves(
    learning_browser: BrowserRun, taskbooks_world: TaskBooksWorld
) -> None:
    # The server whose Celery tasks run eagerly (no worker runs here): publishing delivers the
    # template to every subsidiary, and the uploaded evidence file is verified, within the requests.
    browser = learning_browser
    world = taskbooks_world
    tenant_url = browser.url(world.tenant.primary_host)
    browser.run(
        "assessment_taskbooks",
        {
            "consoleUrl": tenant_url + "/console",
            "rootUrl": browser.url(ROOT_HOST),
            "tenantName": world.tenant.short_name,
            "committee": world.committee,
            "branch": world.branch,
            "admin": world.admin.credentials(),
            "groupAdmin": world.group_admin.credentials(),
            "timeoutMs": 20000,
        },
    )
