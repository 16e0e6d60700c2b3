"""The member's live-lesson pages in Chromium on a phone (scenarios/portal_live_lessons.mjs).

A tenant of its own with a member and three lessons for the whole tenant: one scheduled in two
hours, one live now, one that ended yesterday. The member finds them in the three tabs, opens the
scheduled one (countdown), chats and asks a question, then opens the live one. No media server
runs in these tests, so the live lesson shows its state and the chat, not video.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from partycloud.tenancy.models import PartyCommittee
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tests.e2e.conftest import BrowserRun, Person, provision_e2e_tenant
from tests.factories import UserFactory

pytestmark = [pytest.mark.live, pytest.mark.django_db]


@dataclass
class LiveWorld:
    tenant: PartyCommittee
    member: Person
    upcoming: dict[str, Any]
    live: dict[str, Any]
    past: dict[str, Any]


@pytest.fixture(scope="session")
def live_world(platform_world: dict[str, Any], django_db_blocker: Any) -> LiveWorld:
    from tenants.live.models import Lesson, LessonStatus

    suffix = secrets.token_hex(2)
    now = timezone.now()
    with django_db_blocker.unblock():
        tenant, admin = provision_e2e_tenant(f"壬公司{suffix}党委", "壬公司", f"e2e-ren-{suffix}")
        member = UserFactory(name="孙立新")
        with tenant:
            do_assign_role(user=member, role=TenantRole.MEMBER)
            common = {"organizer": admin, "lecturer": "陈教授"}
            upcoming = Lesson.objects.create(
                title="学习贯彻党的二十届四中全会精神专题党课",
                description="请各支部组织党员按时收看，会后开展交流研讨。",
                starts_at=now + timedelta(hours=2),
                planned_end_at=now + timedelta(hours=3, minutes=30),
                counts_as_party_lesson=True,
                **common,
            )
            live = Lesson.objects.create(
                title="新时代党员先锋模范作用讲座",
                starts_at=now - timedelta(minutes=10),
                planned_end_at=now + timedelta(minutes=50),
                status=LessonStatus.LIVE,
                went_live_at=now - timedelta(minutes=8),
                **common,
            )
            past = Lesson.objects.create(
                title="党史学习教育：伟大建党精神",
                starts_at=now - timedelta(days=1, hours=2),
                planned_end_at=now - timedelta(days=1, hours=1),
                status=LessonStatus.ENDED,
                went_live_at=now - timedelta(days=1, hours=2),
                ended_at=now - timedelta(days=1, hours=1),
                **common,
            )
        connection.set_schema_to_public()
    lessons = {name: {"id": lesson.pk, "title": lesson.title} for name, lesson in
               (("upcoming", upcoming), ("live", live), ("past", past))}  # fmt: skip
    return LiveWorld(tenant=tenant, member=Person(member), **lessons)


def test_member_watches_live_lessons_on_a_phone(browser: BrowserRun, live_world: LiveWorld) -> None:
    browser.run(
        "portal_live_lessons",
        {
            "portalUrl": browser.url(live_world.tenant.primary_host),
            "siteName": live_world.tenant.title,
            "member": live_world.member.credentials(),
            "upcoming": live_world.upcoming,
            "live": live_world.live,
            "past": live_world.past,
        },
    )
