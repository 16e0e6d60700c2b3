"""Organizational life in Chromium (scenarios/meetings_qr_and_card.mjs): a branch secretary plans
the quarter and holds a general meeting with QR and employee-card sign-in; the group sees it.

A tenant of its own: a committee with one branch of three full members — the secretary and two
members with portal accounts, one of whom holds an employee card on the group's roster. The
secretary (scoped to the branch, two-factor sign-in) generates the year's plan, creates a general
meeting starting now, notifies the invitees and opens the QR screen; a member on a phone reads
the QR code from the screen's image with the portal's scanner and is signed in (a second scan
says so; a stale code asks for the newest one); the other is signed in by card; the minutes are
saved and the meeting held (2 of 3 voters present: the quorum holds); the compliance table shows
the general meeting met for the quarter; the group admin sees the tenant's figure.
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
from tests.conftest import ROOT_HOST
from tests.e2e.conftest import BrowserRun, Person, committed, provision_e2e_tenant
from tests.factories import UserFactory, make_id_card
from tests.mfa_support import TEST_TOTP_SECRET

pytestmark = [pytest.mark.live, pytest.mark.django_db]


@dataclass
class MeetingsWorld:
    tenant: PartyCommittee
    secretary: Person
    scanner: Person  # signs in with the QR code on a phone
    card_holder: Person  # signed in by employee card on the host's device
    card_number: str
    branch: str
    group_admin: Person


@pytest.fixture(scope="session")
def meetings_world(platform_world: dict[str, Any], django_db_blocker: Any) -> MeetingsWorld:
    from partycloud.hub.models import RosterEntry
    from tenants.members.models import Member
    from tenants.members.services import do_create_member
    from tenants.organizations.services import do_create_organization

    suffix = secrets.token_hex(2)
    card_number = f"88{secrets.randbelow(10**8):08d}"  # what a card reader types: digits
    branch_name = "综合办公室党支部"
    with django_db_blocker.unblock():
        tenant, _admin = provision_e2e_tenant(f"申公司{suffix}党委", "申公司", f"e2e-shen-{suffix}")
        secretary = UserFactory(name="郑书记")
        scanner = UserFactory(name="冯晓明")
        card_holder = UserFactory(name="褚建国", employee_card_number=card_number)
        enrol_with_secret(secretary, TEST_TOTP_SECRET)
        RosterEntry.objects.create(
            card_number=card_number, name="褚建国", employer=tenant, department="综合办公室", hr_party_member=True
        )
        with tenant:
            root = do_create_organization(kind="committee", name=f"申公司{suffix}党委")
            branch = do_create_organization(kind="branch", name=branch_name, parent=root)
            for index, user in enumerate((secretary, scanner, card_holder)):
                member = do_create_member(
                    {"name": user.name, "gender": "male", "joined_on": date(2005, 7, 1), "confirmed_on": date(2006, 7, 1),
                     "membership": "full", "dues_category": "employee", "organization": branch,
                     "employee_card_number": user.employee_card_number or ""},
                    id_card_number=make_id_card(f"1975030{index + 1}"), placed_on=date(2020, 1, 1),
                )  # fmt: skip
                Member.objects.filter(pk=member.pk).update(user=user)
            do_assign_role(user=secretary, role=TenantRole.SECRETARY, organization_id=branch.pk)
            do_assign_role(user=scanner, role=TenantRole.MEMBER)
            do_assign_role(user=card_holder, role=TenantRole.MEMBER)
        connection.set_schema_to_public()
    return MeetingsWorld(
        tenant=tenant,
        secretary=Person(secretary),
        scanner=Person(scanner),
        card_holder=Person(card_holder),
        card_number=card_number,
        branch=branch_name,
        group_admin=Person(platform_world["group_admin"]),
    )


def test_secretary_holds_a_general_meeting_with_qr_and_card_sign_in_and_the_group_sees_it(
    browser: BrowserRun, meetings_world: MeetingsWorld
) -> None:
    from partycloud.rollups.relay import relay_until_empty

    world = meetings_world
    portal_url = browser.url(world.tenant.primary_host)

    def on_signal(word: str) -> str:
        # No Celery worker runs here: the test relays the tenant's outbox into the group's rollups.
        assert word == "RELAY", f"unexpected signal {word}"
        committed(lambda: relay_until_empty(world.tenant))
        return "RELAYED"

    browser.run(
        "meetings_qr_and_card",
        {
            "consoleUrl": portal_url + "/console",
            "portalUrl": portal_url,
            "rootUrl": browser.url(ROOT_HOST),
            "tenantName": world.tenant.short_name,  # the group's tables name subsidiaries by short name
            "branch": world.branch,
            "secretary": world.secretary.credentials(),
            "scanner": world.scanner.credentials(),
            "cardHolder": world.card_holder.credentials(),
            "cardNumber": world.card_number,
            "groupAdmin": world.group_admin.credentials(),
            "timeoutMs": 20000,
        },
        on_signal=on_signal,
    )
