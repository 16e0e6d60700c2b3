"""Points (积分, reference only) in Chromium (scenarios/points_reference.mjs): a member with some
study and meeting attendance opens 我的积分 on a phone and sees the 仅供参考 label, the year by
month and by kind (the day's article reads beyond the cap marked 已达当日上限) and the ledger; the
tenant admin sees the branch index without ranks, a member's ledger, the rules and the anomalies
(a colleague who looks scripted, each row explained), turns rankings on and sees ranks.

A tenant of its own: a committee with two branches. The events are seeded server-side the way the
recorders store them (``tenants.points.sources.store`` and the ledger's recompute), as a study
platform and meetings would have produced them: no client posts points.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from partycloud.tenancy.models import PartyCommittee
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tests.e2e.conftest import BrowserRun, Person, provision_e2e_tenant
from tests.factories import UserFactory, make_id_card

pytestmark = [pytest.mark.live, pytest.mark.django_db]


@dataclass
class PointsWorld:
    tenant: PartyCommittee
    admin: Person
    member: Person
    first_branch: str
    second_branch: str


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _seed_events(member_id: int, colleague_id: int, other_id: int, first_id: int, second_id: int) -> None:
    """A year of the member's engagement, a little of the others', and the branches' own meetings."""
    from tenants.points.ledger import recompute_days
    from tenants.points.models import PointKind
    from tenants.points.sources import Recorded, store

    today = timezone.localdate()
    first_of_month = today.replace(day=1)
    records: list[Recorded] = []
    # Today: eight articles read (the cap is 6 a day: two are cut) and 1000 s of reading (4 points).
    for index in range(8):
        records.append(
            Recorded(PointKind.ARTICLE_READ, f"e2e-read:{index}", _at(today, 0, 5 + index), member_id=member_id)
        )
    records.append(
        Recorded(PointKind.READING_TIME, "e2e-reading-today", _at(today, 0, 30), quantity=1000, member_id=member_id)
    )
    # This month's general meeting: the member and a colleague were present; the branch held it.
    records += [
        Recorded(PointKind.MEETING_ATTENDED, "e2e-meeting:1:a", _at(first_of_month, 9), member_id=member_id),
        Recorded(PointKind.MEETING_ATTENDED, "e2e-meeting:1:b", _at(first_of_month, 9), member_id=colleague_id),
        Recorded(PointKind.BRANCH_ACTIVITY, "e2e-branch-meeting:1", _at(first_of_month, 9), organization_id=first_id),
    ]
    # Earlier months of the year: a few articles and videos on the 10th.
    for month in range(1, today.month):
        day = date(today.year, month, 10)
        for index in range(month % 4 + 1):
            records.append(
                Recorded(PointKind.ARTICLE_READ, f"e2e-read:{month}:{index}", _at(day, 20, index), member_id=member_id)
            )
        records.append(Recorded(PointKind.VIDEO_WATCHED, f"e2e-video:{month}", _at(day, 21), member_id=member_id))
    # The second branch: one member at two meetings, two meetings held.
    for number, day in enumerate((first_of_month, first_of_month - timedelta(days=40)), start=2):
        records += [
            Recorded(PointKind.MEETING_ATTENDED, f"e2e-meeting:{number}:c", _at(day, 15), member_id=other_id),
            Recorded(
                PointKind.BRANCH_ACTIVITY, f"e2e-branch-meeting:{number}", _at(day, 15), organization_id=second_id
            ),
        ]
    # The colleague looks scripted: the article cap reached at 07:30 on five days running, and
    # eight videos "watched" within one minute (the anomalies list explains both).
    for back in range(1, 6):
        day = today - timedelta(days=back)
        for index in range(6):
            moment = _at(day, 7, 30) + timedelta(seconds=8 * index)
            records.append(Recorded(PointKind.ARTICLE_READ, f"e2e-bot:{back}:{index}", moment, member_id=colleague_id))
    burst = _at(today - timedelta(days=6), 22, 15)
    for index in range(8):
        records.append(
            Recorded(
                PointKind.VIDEO_WATCHED,
                f"e2e-burst:{index}",
                burst + timedelta(seconds=5 * index),
                member_id=colleague_id,
            )
        )
    recompute_days(store(records))


@pytest.fixture(scope="session")
def points_world(platform_world: dict[str, Any], django_db_blocker: Any) -> PointsWorld:
    from tenants.members.models import Member
    from tenants.members.services import do_create_member
    from tenants.organizations.services import do_create_organization

    suffix = secrets.token_hex(2)
    first_name, second_name = "第一党支部", "第二党支部"
    with django_db_blocker.unblock():
        tenant, admin = provision_e2e_tenant(f"积公司{suffix}党委", "积公司", f"e2e-ji-{suffix}")
        member_user = UserFactory(name="冯晓明")
        with tenant:
            root = do_create_organization(kind="committee", name=f"积公司{suffix}党委")
            first = do_create_organization(kind="branch", name=first_name, parent=root)
            second = do_create_organization(kind="branch", name=second_name, parent=root)
            members = []
            for index, (name, branch) in enumerate((("冯晓明", first), ("褚建国", first), ("卫红", second))):
                members.append(
                    do_create_member(
                        {
                            "name": name,
                            "gender": "male",
                            "joined_on": date(2005, 7, 1),
                            "confirmed_on": date(2006, 7, 1),
                            "membership": "full",
                            "dues_category": "employee",
                            "organization": branch,
                        },
                        id_card_number=make_id_card(f"1976040{index + 1}"),
                        placed_on=date(2020, 1, 1),
                    )
                )
            Member.objects.filter(pk=members[0].pk).update(user=member_user)
            do_assign_role(user=member_user, role=TenantRole.MEMBER)
            _seed_events(members[0].pk, members[1].pk, members[2].pk, first.pk, second.pk)
        connection.set_schema_to_public()
    return PointsWorld(
        tenant=tenant,
        admin=Person(admin),
        member=Person(member_user),
        first_branch=first_name,
        second_branch=second_name,
    )


def test_member_sees_points_as_reference_and_the_admin_turns_rankings_on(
    browser: BrowserRun, points_world: PointsWorld
) -> None:
    world = points_world
    portal_url = browser.url(world.tenant.primary_host)
    browser.run(
        "points_reference",
        {
            "consoleUrl": portal_url + "/console",
            "portalUrl": portal_url,
            "admin": world.admin.credentials(),
            "member": world.member.credentials(),
            "memberName": world.member.user.name,
            "colleagueName": "褚建国",
            "firstBranch": world.first_branch,
            "secondBranch": world.second_branch,
            "timeoutMs": 20000,
        },
    )
