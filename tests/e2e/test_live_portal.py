"""The member's live-lesson pages in Chromium on a phone (scenarios/portal_live_lessons.mjs).

A tenant of its own with a member and three lessons for the whole tenant: one scheduled in two
hours, one live now, one that ended yesterday. The member finds them in the three tabs, opens the
scheduled one (countdown), chats and asks a question, then opens the live one. No media server
runs in these tests, so the live lesson shows its state and the chat, not video.
"""

from __future__ import annotations

import secrets
import subprocess
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from partycloud.tenancy.models import PartyCommittee
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tests.e2e.conftest import (
    PLAYBACK_TTL_SECONDS,
    BrowserRun,
    Person,
    VideoRun,
    committed,
    provision_e2e_tenant,
    wait_until,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.live, pytest.mark.django_db]


@dataclass
class LiveWorld:
    tenant: PartyCommittee
    admin: User
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
    return LiveWorld(tenant=tenant, admin=admin, member=Person(member), **lessons)


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


# ---------------------------------------------------------------- real video


def test_member_sees_the_lesson_go_live_plays_it_past_url_expiry_and_sees_it_end(
    video_browser: VideoRun, live_world: LiveWorld
) -> None:
    from tenants.live.models import Lesson, LessonStatus
    from tenants.live.services import do_issue_stream_key

    admin = live_world.admin
    now = timezone.now()

    def schedule_soon() -> int:
        with live_world.tenant:
            lesson = Lesson.objects.create(
                title="党课直播：学习新修订的《中国共产党纪律处分条例》",
                lecturer="王书记",
                starts_at=now + timedelta(minutes=5),
                planned_end_at=now + timedelta(minutes=65),
                organizer=admin,
            )
            return lesson.pk

    lesson_id = committed(schedule_soon)

    def status() -> str:
        with live_world.tenant:
            return str(Lesson.objects.get(pk=lesson_id).status)

    def issue_key() -> str:
        with live_world.tenant:
            lesson = Lesson.objects.get(pk=lesson_id)
            return do_issue_stream_key(lesson, actor=Actor.for_user(admin)).key

    pusher: dict[str, subprocess.Popen[bytes]] = {}

    def on_signal(word: str) -> str:
        if word == "PUSH":
            key = committed(issue_key)
            command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re"]
            command += ["-f", "lavfi", "-i", "testsrc=size=640x360:rate=25"]
            command += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"]
            command += ["-t", "150", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency"]
            command += ["-pix_fmt", "yuv420p", "-g", "50", "-c:a", "aac", "-f", "flv"]
            command += [f"{video_browser.ingest.rtmp_url}/{key}"]
            pusher["ffmpeg"] = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
            assert wait_until(lambda: committed(status) == LessonStatus.LIVE, 20), "on_publish did not take it live"
            return "PUSHING"
        if word == "STOP":
            ffmpeg = pusher.pop("ffmpeg")
            assert ffmpeg.stdin is not None
            ffmpeg.stdin.write(b"q")  # ffmpeg's own graceful stop: the RTMP session closes cleanly
            ffmpeg.stdin.flush()
            ffmpeg.wait(timeout=15)
            assert wait_until(lambda: committed(status) == LessonStatus.ENDED, 20), "on_publish_done did not end it"
            return "STOPPED"
        raise AssertionError(f"unexpected signal {word}")

    try:
        video_browser.browser.run(
            "portal_live_video",
            {
                "portalUrl": video_browser.browser.url(live_world.tenant.primary_host),
                "member": live_world.member.credentials(),
                "lesson": {"id": lesson_id, "scope": "tenant"},
                "playbackTtlSeconds": PLAYBACK_TTL_SECONDS,
                "timeoutMs": 30000,
            },
            on_signal=on_signal,
        )
    finally:
        for ffmpeg in pusher.values():
            ffmpeg.kill()

    # The heartbeats counted (~50 s of live watching, a beat every 15 s: the server counts the gaps).
    def watched() -> int:
        from tenants.live.models import Attendance

        with live_world.tenant:
            row = Attendance.objects.filter(lesson_id=lesson_id, user=live_world.member.user).first()
            return row.live_seconds if row is not None else 0

    assert committed(watched) >= 15
