"""Supervision (监督平台) in Chromium: open party affairs and anonymous votes.

- scenarios/supervision_announcement.mjs: the group admin writes an announcement on the root host
  and publishes it group-wide (delivered to every subsidiary by the eager Celery tasks); a member of
  the subsidiary opens it in the portal on a phone (his first reading is counted); the group's
  receipts page shows him as read, per subsidiary and per person, and a colleague as unread; the
  group reminds the unread.
- scenarios/supervision_vote.mjs: the tenant admin creates an anonymous vote in the console and
  opens it; a member on an iPhone-sized phone votes (the confirmation says the vote is anonymous
  and final) and sees the turnout; the organizer sees the turnout move and closes the vote; the
  member sees the tally.

A tenant of its own: a committee with two branches, three members with accounts. Screenshots are
copied to ``var/screens/supervision/``.
"""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db import connection

from partycloud.tenancy.models import PartyCommittee
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tests.conftest import ROOT_HOST
from tests.e2e.conftest import ARTIFACTS, REPO, BrowserRun, Person, provision_e2e_tenant
from tests.factories import UserFactory, make_id_card

pytestmark = [pytest.mark.live, pytest.mark.django_db]

SCREENS = REPO / "var" / "screens" / "supervision"


@dataclass
class SupervisionWorld:
    tenant: PartyCommittee
    admin: Person
    reader: Person
    colleague: Person
    voter: Person
    committee: str
    branch: str
    group_admin: Person


@pytest.fixture(scope="session")
def supervision_world(platform_world: dict[str, Any], django_db_blocker: Any) -> SupervisionWorld:
    from tenants.members.models import Member
    from tenants.members.services import do_create_member
    from tenants.organizations.services import do_create_organization

    suffix = secrets.token_hex(2)
    committee_name = f"监公司{suffix}党委"
    branch_name = "综合管理党支部"
    people = {"reader": "郑晓东", "colleague": "吴雪梅", "voter": "冯志远"}
    with django_db_blocker.unblock():
        tenant, admin = provision_e2e_tenant(committee_name, f"监公司{suffix}", f"e2e-jian-{suffix}")
        users = {key: UserFactory(name=name) for key, name in people.items()}
        with tenant:
            root = do_create_organization(kind="committee", name=committee_name)
            branch = do_create_organization(kind="branch", name=branch_name, parent=root)
            other = do_create_organization(kind="branch", name="生产一线党支部", parent=root)
            for index, (key, name) in enumerate(people.items()):
                member = do_create_member(
                    {"name": name, "gender": "male", "joined_on": date(2006, 7, 1), "confirmed_on": date(2007, 7, 1),
                     "membership": "full", "dues_category": "employee",
                     "organization": branch if key != "colleague" else other},
                    id_card_number=make_id_card(f"1979050{index + 1}"), placed_on=date(2020, 1, 1),
                )  # fmt: skip
                Member.objects.filter(pk=member.pk).update(user=users[key])
                do_assign_role(user=users[key], role=TenantRole.MEMBER)
        connection.set_schema_to_public()
    return SupervisionWorld(
        tenant=tenant,
        admin=Person(admin),
        reader=Person(users["reader"]),
        colleague=Person(users["colleague"]),
        voter=Person(users["voter"]),
        committee=committee_name,
        branch=branch_name,
        group_admin=Person(platform_world["group_admin"]),
    )


def _keep_screens(scenario: str) -> None:
    """The scenario's screenshots, also under var/screens/supervision/ (looked at by people)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    for picture in ARTIFACTS.glob(f"{scenario}-*.png"):
        shutil.copy2(picture, SCREENS / picture.name)


def test_group_publishes_an_announcement_and_sees_who_read_it(
    learning_browser: BrowserRun, supervision_world: SupervisionWorld
) -> None:
    # The eager server: publishing sends one delivery task per subsidiary, run within the request.
    world = supervision_world
    try:
        learning_browser.run(
            "supervision_announcement",
            {
                "rootUrl": learning_browser.url(ROOT_HOST),
                "portalUrl": learning_browser.url(world.tenant.primary_host),
                "tenantName": world.tenant.name,
                "groupAdmin": world.group_admin.credentials(),
                "reader": world.reader.credentials(),
                "colleagueName": world.colleague.user.name,
                "timeoutMs": 20000,
            },
        )
    finally:
        _keep_screens("supervision_announcement")


def test_member_votes_anonymously_on_a_phone_and_sees_the_tally_after_closing(
    learning_browser: BrowserRun, supervision_world: SupervisionWorld
) -> None:
    world = supervision_world
    tenant_url = learning_browser.url(world.tenant.primary_host)
    try:
        learning_browser.run(
            "supervision_vote",
            {
                "consoleUrl": tenant_url + "/console",
                "portalUrl": tenant_url,
                "admin": world.admin.credentials(),
                "voter": world.voter.credentials(),
                "branch": world.branch,
                "timeoutMs": 20000,
            },
        )
    finally:
        _keep_screens("supervision_vote")
