"""Democratic evaluation in Chromium (scenarios/assessment_evaluation.mjs): a branch runs its
annual evaluation of members with a mass rater voting by one-time code on a phone, and the annual
report's table 6 shows the result.

A tenant of its own: a committee with one branch of four members — the secretary and two members
with portal accounts (full members) and a probationary member — and, on the group's roster, a
non-member employee of the company. The secretary (scoped to the branch, two-factor sign-in)
creates and opens the round; the two members write and submit their self-reviews and rate the
others on the portal; the secretary invites the employee by card number and gets the one-time
code on a printable slip; the employee, on a phone without an account, opens the slip's link and
votes; the same code again is refused. The secretary closes the round and records the general
meeting's decision (one 优秀 at most: 3 full members); the tenant admin (the upper committee)
confirms; the members see their grade; table 6 of the annual report counts the grades.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db import connection

from partycloud.accounts.mfa import enrol_with_secret
from partycloud.tenancy.models import PartyCommittee
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tests.e2e.conftest import BrowserRun, Person, provision_e2e_tenant
from tests.factories import UserFactory, make_id_card
from tests.mfa_support import TEST_TOTP_SECRET

pytestmark = [pytest.mark.live, pytest.mark.django_db]


@dataclass
class EvaluationWorld:
    tenant: PartyCommittee
    admin: Person
    secretary: Person
    members: list[Person]  # self-review and rate on the portal
    probationary: str
    rater_card: str
    rater_name: str
    branch: str


@pytest.fixture(scope="session")
def evaluation_world(platform_world: dict[str, Any], django_db_blocker: Any) -> EvaluationWorld:
    from partycloud.hub.models import RosterEntry
    from tenants.members.models import Member
    from tenants.members.services import do_create_member
    from tenants.organizations.services import do_create_organization

    suffix = secrets.token_hex(2)
    rater_card = f"66{secrets.randbelow(10**8):08d}"
    branch_name = "综合办公室党支部"
    with django_db_blocker.unblock():
        tenant, admin = provision_e2e_tenant(f"评公司{suffix}党委", "评公司", f"e2e-ping-{suffix}")
        secretary = UserFactory(name="郑书记")
        first = UserFactory(name="冯晓明")
        second = UserFactory(name="褚建国")
        enrol_with_secret(secretary, TEST_TOTP_SECRET)
        RosterEntry.objects.create(
            card_number=rater_card, name="王群众", employer=tenant, department="综合办公室", hr_party_member=False
        )
        with tenant:
            root = do_create_organization(kind="committee", name=f"评公司{suffix}党委")
            branch = do_create_organization(kind="branch", name=branch_name, parent=root)
            people: list[tuple[str, Any]] = [
                ("郑书记", secretary),
                ("冯晓明", first),
                ("褚建国", second),
                ("卫小红", None),
            ]
            for index, (name, user) in enumerate(people):
                probationary = user is None
                fields: dict[str, Any] = {
                    "name": name, "gender": "female" if probationary else "male", "dues_category": "employee",
                    "organization": branch, "membership": "probationary" if probationary else "full",
                    "joined_on": date(2026, 3, 1) if probationary else date(2005, 7, 1),
                }  # fmt: skip
                if not probationary:
                    fields["confirmed_on"] = date(2006, 7, 1)
                member = do_create_member(
                    fields, id_card_number=make_id_card(f"1980040{index + 1}"), placed_on=date(2020, 1, 1)
                )
                if user is not None:
                    Member.objects.filter(pk=member.pk).update(user=user)
            do_assign_role(user=secretary, role=TenantRole.SECRETARY, organization_id=branch.pk)
            do_assign_role(user=first, role=TenantRole.MEMBER)
            do_assign_role(user=second, role=TenantRole.MEMBER)
        connection.set_schema_to_public()
    return EvaluationWorld(
        tenant=tenant,
        admin=Person(admin),
        secretary=Person(secretary),
        members=[Person(first), Person(second)],
        probationary="卫小红",
        rater_card=rater_card,
        rater_name="王群众",
        branch=branch_name,
    )


def test_a_branch_evaluates_its_members_with_a_mass_rater_on_a_phone_and_table_6_counts_the_grades(
    browser: BrowserRun, evaluation_world: EvaluationWorld
) -> None:
    world = evaluation_world
    portal_url = browser.url(world.tenant.primary_host)
    browser.run(
        "assessment_evaluation",
        {
            "consoleUrl": portal_url + "/console",
            "portalUrl": portal_url,
            "branch": world.branch,
            "admin": world.admin.credentials(),
            "secretary": world.secretary.credentials(),
            "members": [member.credentials() for member in world.members],
            "probationary": world.probationary,
            "raterCard": world.rater_card,
            "raterName": world.rater_name,
            "timeoutMs": 20000,
        },
    )
