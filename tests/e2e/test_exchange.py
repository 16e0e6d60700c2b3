"""The exchange platform in Chromium (scenarios/exchange_micro_video.mjs), as issue 17 asks: a member
on a phone uploads a micro-video (a tiny mp4 made by ffmpeg) and submits it; the branch secretary
approves it in the console (its author could not: the server says so); another member opens it in
the portal, likes it and comments; the first member sees the comment under their video.

A tenant of its own: a committee with one branch, the secretary and two members with member
records (a micro-video is posted for the author's own branch). The server runs Celery eagerly, so
the upload's transcoding runs inside the request that queues it. Screenshots of every step are
copied to ``var/screens/exchange/``.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from partycloud.accounts.mfa import enrol_with_secret
from partycloud.tenancy.models import PartyCommittee
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tests.e2e.conftest import ARTIFACTS, REPO, BrowserRun, Person, provision_e2e_tenant
from tests.factories import UserFactory, make_id_card
from tests.mfa_support import TEST_TOTP_SECRET

pytestmark = [pytest.mark.live, pytest.mark.django_db]

SCREENS = REPO / "var" / "screens" / "exchange"


@dataclass
class ExchangeWorld:
    tenant: PartyCommittee
    secretary: Person
    author: Person
    commenter: Person
    branch: str


@pytest.fixture(scope="session")
def exchange_world(platform_world: dict[str, Any], django_db_blocker: Any) -> ExchangeWorld:
    from tenants.members.models import Member
    from tenants.members.services import do_create_member
    from tenants.organizations.services import do_create_organization

    suffix = secrets.token_hex(2)
    branch_name = "第一党支部"
    with django_db_blocker.unblock():
        tenant, _admin = provision_e2e_tenant(f"交公司{suffix}党委", "交公司", f"e2e-jiao-{suffix}")
        secretary = UserFactory(name="郑书记")
        author = UserFactory(name="冯晓明")
        commenter = UserFactory(name="褚建国")
        enrol_with_secret(secretary, TEST_TOTP_SECRET)
        with tenant:
            root = do_create_organization(kind="committee", name=f"交公司{suffix}党委")
            branch = do_create_organization(kind="branch", name=branch_name, parent=root)
            for index, user in enumerate((secretary, author, commenter)):
                member = do_create_member(
                    {
                        "name": user.name,
                        "gender": "male",
                        "joined_on": date(2005, 7, 1),
                        "confirmed_on": date(2006, 7, 1),
                        "membership": "full",
                        "dues_category": "employee",
                        "organization": branch,
                    },
                    id_card_number=make_id_card(f"1979050{index + 1}"),
                    placed_on=date(2020, 1, 1),
                )
                Member.objects.filter(pk=member.pk).update(user=user)
            do_assign_role(user=secretary, role=TenantRole.SECRETARY, organization_id=branch.pk)
            do_assign_role(user=author, role=TenantRole.MEMBER)
            do_assign_role(user=commenter, role=TenantRole.MEMBER)
        connection.set_schema_to_public()
    return ExchangeWorld(
        tenant=tenant,
        secretary=Person(secretary),
        author=Person(author),
        commenter=Person(commenter),
        branch=branch_name,
    )


@pytest.fixture
def tiny_video(tmp_path: Path) -> Path:
    """Two seconds of a test pattern with a tone, H.264/AAC in MP4 (a few tens of KB)."""
    if not shutil.which("ffmpeg"):
        pytest.skip("ffmpeg is not installed")
    path = tmp_path / "支部微视频.mp4"
    subprocess.run(
        [
            "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15:duration=2",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
            "-movflags", "+faststart", str(path),
        ],
        check=True,
        timeout=60,
    )  # fmt: skip
    return path


def _keep_screens() -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    for picture in ARTIFACTS.glob("exchange_micro_video-*.png"):
        shutil.copy2(picture, SCREENS / picture.name)


def test_a_member_posts_a_micro_video_the_secretary_approves_it_and_a_colleague_comments(
    learning_browser: BrowserRun, exchange_world: ExchangeWorld, tiny_video: Path
) -> None:
    world = exchange_world
    portal_url = learning_browser.url(world.tenant.primary_host)
    try:
        learning_browser.run(
            "exchange_micro_video",
            {
                "consoleUrl": portal_url + "/console",
                "portalUrl": portal_url,
                "secretary": world.secretary.credentials(),
                "author": world.author.credentials(),
                "commenter": world.commenter.credentials(),
                "videoFile": str(tiny_video),
                "title": "我们支部的主题党日",
                "description": "第一党支部开展主题党日活动的短片。",
                "comment": "拍得真好，向你们支部学习！",
                "timeoutMs": 30000,
            },
        )
    finally:
        _keep_screens()
