"""Issue 13's end-to-end scenario: a group-wide live lesson, with real video (scenarios/live_group_lesson.mjs).

The group admin schedules a lesson for two subsidiaries on the group site and reads its stream
key; the script pushes an ffmpeg test pattern to a real nginx-rtmp ingest. Member A (subsidiary
one, on a phone) sees it go live by itself and plays it, chats and asks a question; member B
(subsidiary two, desktop) sees A's message; a member of a third subsidiary, not in the audience,
finds no such lesson. The group admin mutes A on the monitor; the encoder stops; both pages turn
ended; the group site's attendance shows the two subsidiaries and not the third.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection

from partycloud.tenancy.models import PartyCommittee
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tenants.organizations.services import do_create_organization
from tests.conftest import ROOT_HOST
from tests.e2e.conftest import ARTIFACTS, Person, VideoRun, committed, provision_e2e_tenant
from tests.factories import UserFactory
from tests.live_support import add_member

pytestmark = [pytest.mark.live, pytest.mark.django_db]


@dataclass
class Subsidiary:
    tenant: PartyCommittee
    member: Person
    branch: str


@dataclass
class GroupLessonWorld:
    one: Subsidiary
    two: Subsidiary
    outsider: Subsidiary  # not in the lesson's audience
    group_admin: Person


def _subsidiary(name: str, short_name: str, slug: str, member_name: str, branch_name: str) -> Subsidiary:
    tenant, _admin = provision_e2e_tenant(name, short_name, slug)
    with tenant:
        root = do_create_organization(kind="committee", name=name)
        branch = do_create_organization(kind="branch", name=branch_name, parent=root)
        # A member record in the branch, linked to the login by the phone: the lesson's expected audience.
        member = add_member(branch, UserFactory(name=member_name))
        do_assign_role(user=member, role=TenantRole.MEMBER)
    connection.set_schema_to_public()
    return Subsidiary(tenant=tenant, member=Person(member), branch=branch_name)


def _forget_group_chat_rooms() -> None:
    """Group lessons live in the public schema, whose ids start again at 1 in every test database,
    while their chat rooms are in Redis under the run's prefix: a room of an earlier run's lesson 1
    would greet this run's lesson 1 with its old messages."""
    from django.conf import settings

    from tenants.live.chat import sredis

    client, _scripts = sredis()
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "pc")
    for key in client.scan_iter(match=f"{prefix}:live:{{public:*"):
        client.delete(key)


@pytest.fixture(scope="session")
def group_lesson_world(platform_world: dict[str, Any], django_db_blocker: Any) -> GroupLessonWorld:
    suffix = secrets.token_hex(2)
    _forget_group_chat_rooms()
    with django_db_blocker.unblock():
        one = _subsidiary(f"子公司一{suffix}党委", f"子公司一{suffix}", f"e2e-zi1-{suffix}", "林晓燕", "营销党支部")
        two = _subsidiary(f"子公司二{suffix}党委", f"子公司二{suffix}", f"e2e-zi2-{suffix}", "黄志明", "技术党支部")
        outsider = _subsidiary(
            f"子公司三{suffix}党委", f"子公司三{suffix}", f"e2e-zi3-{suffix}", "吴秀英", "财务党支部"
        )
    return GroupLessonWorld(one, two, outsider, Person(platform_world["group_admin"]))


def _unit(subsidiary: Subsidiary) -> dict[str, Any]:
    return {"name": subsidiary.tenant.name, "shortName": subsidiary.tenant.short_name}


def test_group_lesson_from_scheduling_through_video_chat_and_mute_to_attendance(
    video_browser: VideoRun, group_lesson_world: GroupLessonWorld
) -> None:
    from tenants.live.models import Attendance, Lesson, LessonStatus
    from tenants.live.rules import actual_seconds

    world = group_lesson_world
    browser = video_browser.browser
    title = f"集团直播党课：学习贯彻全会精神{secrets.token_hex(2)}"
    browser.run(
        "live_group_lesson",
        {
            "rootUrl": browser.url(ROOT_HOST),
            "groupAdmin": world.group_admin.credentials(),
            "title": title,
            "one": {**_unit(world.one), "url": browser.url(world.one.tenant.primary_host),
                    "member": world.one.member.credentials()},
            "two": {**_unit(world.two), "url": browser.url(world.two.tenant.primary_host),
                    "member": world.two.member.credentials()},
            "outsider": {**_unit(world.outsider), "url": browser.url(world.outsider.tenant.primary_host),
                         "member": world.outsider.member.credentials()},
            "timeoutMs": 30000,
        },
    )  # fmt: skip

    # What the pages showed is what the database holds: the lesson ended, each audience
    # member's live time counted in their own tenant, nothing in the third.
    def outcome() -> dict[str, Any]:
        connection.set_schema_to_public()
        lesson = Lesson.objects.get(title=title)
        seconds = {}
        for key, subsidiary in (("one", world.one), ("two", world.two), ("outsider", world.outsider)):
            with subsidiary.tenant:
                rows = Attendance.objects.filter(lesson_scope="group", lesson_id=lesson.pk)
                seconds[key] = [row.live_seconds for row in rows]
        connection.set_schema_to_public()
        return {"status": lesson.status, "audience": lesson.audience_tenants, "seconds": seconds,
                "actual_seconds": actual_seconds(lesson)}  # fmt: skip

    found = committed(outcome)
    (ARTIFACTS / "live_group_lesson-database.json").write_text(json.dumps(found, indent=2))
    assert found["status"] == LessonStatus.ENDED
    assert sorted(found["audience"]) == sorted([world.one.tenant.pk, world.two.tenant.pk])
    assert len(found["seconds"]["one"]) == 1, found
    assert found["seconds"]["one"][0] >= 15, found
    assert len(found["seconds"]["two"]) == 1, found
    assert found["seconds"]["two"][0] >= 15, found
    assert found["seconds"]["outsider"] == [], found
