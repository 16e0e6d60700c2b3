"""Whistleblowing in Chromium (scenarios/supervision_report.mjs): an anonymous report is filed on a
phone, acknowledged by the RIGHT inspector in the console and followed by tracking code.

A tenant of its own: a committee, a general branch (机关党总支) and under it the accused branch
(财务党支部). Two discipline inspectors have a scope that covers the accused branch's parent: 王清
(inspector of the general branch, nothing else) and 赵书记, who is ALSO the accused branch's
secretary — routing must leave him out. Nobody signs in to file: the reporter opens ``/report`` on
a phone, files against 财务党支部 anonymously and keeps the tracking code shown once. 王清 finds the
report in 信访举报, opens it (the page says reads are audited), acknowledges it and asks the
reporter a question; 赵书记 opens 信访举报 and finds nothing. The reporter tracks by code, sees
已受理 and the question, and answers; 王清 sees the answer. Screenshots (also copied to
``var/screens/reports/``) are looked at.
"""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from partycloud.accounts.mfa import enrol_with_secret
from partycloud.tenancy.models import PartyCommittee
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tests.e2e.conftest import ARTIFACTS, REPO, BrowserRun, Person, provision_e2e_tenant
from tests.factories import UserFactory
from tests.mfa_support import TEST_TOTP_SECRET

pytestmark = [pytest.mark.live, pytest.mark.django_db]

SCREENS = REPO / "var" / "screens" / "reports"


@dataclass
class ReportWorld:
    tenant: PartyCommittee
    inspector: Person  # the general branch's inspector: the report is routed to him
    secretary: Person  # the accused branch's secretary, also an inspector above it: never routed to
    parent_unit: str
    accused_unit: str


@pytest.fixture(scope="session")
def report_world(platform_world: dict[str, Any], django_db_blocker: Any) -> ReportWorld:
    from tenants.organizations.services import do_create_organization

    suffix = secrets.token_hex(2)
    parent_name, accused_name = "机关党总支", "财务党支部"
    with django_db_blocker.unblock():
        tenant, _admin = provision_e2e_tenant(f"监公司{suffix}党委", "监公司", f"e2e-jian-{suffix}")
        inspector = UserFactory(name="王清")
        secretary = UserFactory(name="赵书记")
        for user in (inspector, secretary):
            enrol_with_secret(user, TEST_TOTP_SECRET)
        with tenant:
            root = do_create_organization(kind="committee", name=f"监公司{suffix}党委")
            parent = do_create_organization(kind="general_branch", name=parent_name, parent=root)
            accused = do_create_organization(kind="branch", name=accused_name, parent=parent)
            do_create_organization(kind="branch", name="销售党支部", parent=parent)
            do_assign_role(user=inspector, role=TenantRole.DISCIPLINE_INSPECTOR, organization_id=parent.pk)
            do_assign_role(user=secretary, role=TenantRole.SECRETARY, organization_id=accused.pk)
            do_assign_role(user=secretary, role=TenantRole.DISCIPLINE_INSPECTOR, organization_id=parent.pk)
        connection.set_schema_to_public()
    return ReportWorld(
        tenant=tenant,
        inspector=Person(inspector),
        secretary=Person(secretary),
        parent_unit=parent_name,
        accused_unit=accused_name,
    )


def _keep_screens(scenario: str) -> None:
    """The scenario's screenshots, also under var/screens/reports/ (where the brief looks)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    for picture in Path(ARTIFACTS).glob(f"{scenario}-*.png"):
        shutil.copy2(picture, SCREENS / picture.name)


def test_an_anonymous_report_is_acknowledged_by_the_right_inspector_and_followed_by_tracking_code(
    browser: BrowserRun, report_world: ReportWorld
) -> None:
    world = report_world
    site = browser.url(world.tenant.primary_host)
    try:
        browser.run(
            "supervision_report",
            {
                "portalUrl": site,
                "consoleUrl": site + "/console",
                "inspector": world.inspector.credentials(),
                "secretary": world.secretary.credentials(),
                "accusedUnit": world.accused_unit,
                "parentUnit": world.parent_unit,
                "timeoutMs": 20000,
            },
        )
    finally:
        _keep_screens("supervision_report")
