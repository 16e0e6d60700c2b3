"""Browser tests: real Chromium against a real uvicorn on the test database.

The scenarios are Node scripts (``scenarios/*.mjs``) that drive the system's Chromium through
``playwright-core`` (a dev dependency of the front end; no browser is downloaded). Each test
here runs one with ``node``, passing URLs and credentials as JSON, and fails with the
script's output. Screenshots go to ``test-artifacts/e2e/``.

The server is a separate process and sees only committed data, so the world of these tests
is created with ``django_db_blocker.unblock()`` and committed: its own tenant (slug
``e2e-bing``), so that the shared ``alpha``/``beta`` fixtures keep the exact state other
tests count on. The tests themselves use ``db`` (pytest-django creates the test database only
for a session where some test asks for it), so their own connection sits in a transaction
that is rolled back; ``committed()`` writes through another connection when the server must
see a change during a test.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.db import connection, connections

from partycloud.accounts.mfa import enrol_with_secret
from partycloud.accounts.models import User
from partycloud.tenancy.models import PartyCommittee
from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tenants.notifications.services import do_notify
from tests.conftest import ROOT_HOST
from tests.factories import PASSWORD, UserFactory, next_unified_code
from tests.live import LiveServer, load_script
from tests.mfa_support import TEST_TOTP_SECRET

REPO = Path(__file__).resolve().parents[2]
FRONTEND = REPO / "frontend"
DIST = FRONTEND / "dist"
SCENARIOS = Path(__file__).resolve().parent / "scenarios"
ARTIFACTS = REPO / "test-artifacts" / "e2e"
HOST_RULES = f"MAP *.{ROOT_HOST} 127.0.0.1, MAP {ROOT_HOST} 127.0.0.1"
# What the build reads: a change in any of these makes dist/ stale.
FRONTEND_SOURCES = ["src", "pwa", "build", "public", "vite.config.ts", "package.json", "package-lock.json"]


def _newest_mtime(paths: list[Path]) -> float:
    newest = 0.0
    for path in paths:
        if path.is_file():
            newest = max(newest, path.stat().st_mtime)
        elif path.is_dir():
            newest = max([newest, *(p.stat().st_mtime for p in path.rglob("*") if p.is_file())])
    return newest


def _dist_is_stale() -> bool:
    built = DIST / "portal.html"
    if not built.is_file() or not (DIST / "sw.js").is_file():
        return True
    sources = [FRONTEND / name for name in FRONTEND_SOURCES] + sorted(FRONTEND.glob("*.html"))
    return _newest_mtime(sources) > built.stat().st_mtime


def provision_e2e_tenant(name: str, short_name: str, slug: str) -> tuple[PartyCommittee, User]:
    """A party committee for a browser scenario, with its first admin 「<short_name>管理员」 (enrolled
    in two-factor sign-in with the tests' secret, as their role requires)."""
    admin = UserFactory(name=f"{short_name}管理员")
    draft = CommitteeDraft(name=name, short_name=short_name, slug=slug, unified_code=next_unified_code())
    tenant = do_provision_tenant(draft, first_admin=admin)
    enrol_with_secret(admin, TEST_TOTP_SECRET)
    return tenant, admin


@pytest.fixture(scope="session")
def frontend_dist() -> Path:
    """frontend/dist, built now if it is missing or older than its sources."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: the browser tests need the built front end (see docs/frontend.md)")
    # One build at a time (pytest-xdist workers share the checkout).
    lock_path = Path(tempfile.gettempdir()) / f"partycloud-frontend-{hashlib.sha256(bytes(REPO)).hexdigest()[:12]}.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (FRONTEND / "node_modules" / ".package-lock.json").is_file():
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=FRONTEND, check=True)
        if _dist_is_stale():
            subprocess.run([npm, "run", "build"], cwd=FRONTEND, check=True)
    return DIST


@pytest.fixture(scope="session")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Chromium is missing: apt-get install --no-install-recommends chromium fonts-wqy-microhei")
    return path


T = TypeVar("T")


def committed(function: Callable[[], T]) -> T:
    """Run ``function`` on a connection of its own (a thread's), so that its writes commit now."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = function()
        except Exception as error:  # noqa: BLE001 -- re-raised in the test's thread
            outcome["error"] = error
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@dataclass
class Person:
    user: User

    def credentials(self) -> dict[str, str]:
        # totpSecret: the scenarios compute the code (lib.mjs) when the sign-in asks for one.
        return {
            "identifier": self.user.phone,
            "password": PASSWORD,
            "name": self.user.name,
            "phone": self.user.phone,
            "totpSecret": TEST_TOTP_SECRET,
        }


@dataclass
class BrowserWorld:
    """The committed data the scenarios use."""

    tenant: PartyCommittee
    admin: Person
    member: Person
    quiet_member: Person
    grantee: Person
    applicant: Person
    group_admin: Person
    notification_title: str


@pytest.fixture(scope="session")
def browser_world(platform_world: dict[str, Any], django_db_blocker: Any) -> BrowserWorld:
    with django_db_blocker.unblock():
        tenant, admin = provision_e2e_tenant("丙公司党委", "丙公司", "e2e-bing")
        member = UserFactory(name="李红")
        quiet_member = UserFactory(name="王静")
        title = "关于召开七月主题党日活动的通知"
        with tenant:
            do_assign_role(user=member, role=TenantRole.MEMBER)
            do_assign_role(user=quiet_member, role=TenantRole.MEMBER)
            # Committed outside a transaction: on_commit pushes at once (nobody listens yet).
            do_notify(member, title, "请全体党员于周五下午三点到三楼会议室参加主题党日活动。")
        connection.set_schema_to_public()
        return BrowserWorld(
            tenant=tenant,
            admin=Person(admin),
            member=Person(member),
            quiet_member=Person(quiet_member),
            grantee=Person(UserFactory(name="赵书记")),
            applicant=Person(UserFactory(name="丁公司申请人")),
            group_admin=Person(platform_world["group_admin"]),
            notification_title=title,
        )


@dataclass
class BrowserRun:
    """Runs scenarios against the live server."""

    server: LiveServer
    chromium: str

    def url(self, host: str) -> str:
        return self.server.url(host, "").rstrip("/")

    def run(self, scenario: str, config: dict[str, Any], on_signal: Callable[[str], str] | None = None) -> list[str]:
        """Run ``scenarios/<scenario>.mjs``; ``on_signal`` answers its ``@@WORD`` lines on stdin."""
        full = {
            **config,
            "chromium": self.chromium,
            "hostResolverRules": HOST_RULES,
            "artifacts": str(ARTIFACTS),
        }
        env = {**os.environ, "NODE_NO_WARNINGS": "1"}
        command = ["node", str(SCENARIOS / f"{scenario}.mjs"), json.dumps(full, ensure_ascii=False)]
        output: list[str] = []
        with subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as process:
            assert process.stdout is not None
            assert process.stdin is not None
            try:
                for line in process.stdout:
                    output.append(line)
                    sys.stdout.write(line)
                    if line.startswith("@@") and on_signal is not None:
                        process.stdin.write(on_signal(line[2:].strip()) + "\n")
                        process.stdin.flush()
                process.wait(timeout=30)
            finally:
                if process.poll() is None:
                    process.kill()
        if process.returncode != 0:
            pytest.fail(f"browser scenario {scenario} failed:\n{''.join(output)}", pytrace=False)
        return output


@pytest.fixture(scope="session")
def browser(frontend_dist: Path, chromium: str, uvicorn_server: LiveServer) -> BrowserRun:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return BrowserRun(uvicorn_server, chromium)


@dataclass
class RecordsWorld:
    """Two committed tenants for the member-records journey: the sender starts with no
    organizations (the admin builds them in the browser); the receiver has its tree."""

    sender: PartyCommittee
    sender_admin: Person
    receiver: PartyCommittee
    receiver_admin: Person
    receiver_branch: str


@pytest.fixture(scope="session")
def records_world(platform_world: dict[str, Any], django_db_blocker: Any) -> RecordsWorld:
    from tenants.organizations.services import do_create_organization

    suffix = secrets.token_hex(2)
    with django_db_blocker.unblock():
        sender, sender_admin = provision_e2e_tenant(f"戊公司{suffix}党委", "戊公司", f"e2e-wu-{suffix}")
        receiver, receiver_admin = provision_e2e_tenant(f"己公司{suffix}党委", "己公司", f"e2e-ji-{suffix}")
        with receiver:
            root = do_create_organization(kind="committee", name=f"己公司{suffix}党委")
            do_create_organization(kind="branch", name="机关党支部", parent=root)
            do_create_organization(kind="branch", name="生产一线党支部", parent=root)
        connection.set_schema_to_public()
    return RecordsWorld(
        sender=sender,
        sender_admin=Person(sender_admin),
        receiver=receiver,
        receiver_admin=Person(receiver_admin),
        receiver_branch="生产一线党支部",
    )


@dataclass
class DevelopmentWorld:
    """A committed tenant for the development journey: a committee, a branch, two full members."""

    tenant: PartyCommittee
    admin: Person
    branch: str
    introducers: list[str]


@pytest.fixture(scope="session")
def development_world(platform_world: dict[str, Any], django_db_blocker: Any) -> DevelopmentWorld:
    from datetime import date

    from tenants.members.services import do_create_member
    from tenants.organizations.services import do_create_organization
    from tests.factories import make_id_card

    suffix = secrets.token_hex(2)
    introducers = ["张建华", "刘秀兰"]
    with django_db_blocker.unblock():
        tenant, admin = provision_e2e_tenant(f"庚公司{suffix}党委", "庚公司", f"e2e-geng-{suffix}")
        with tenant:
            root = do_create_organization(kind="committee", name=f"庚公司{suffix}党委")
            branch = do_create_organization(kind="branch", name="研发党支部", parent=root)
            for index, name in enumerate(introducers):
                do_create_member(
                    {"name": name, "gender": "male", "joined_on": date(2000, 7, 1), "confirmed_on": date(2001, 7, 1),
                     "membership": "full", "dues_category": "employee", "organization": branch},
                    id_card_number=make_id_card(f"1970010{index + 1}"), placed_on=date(2020, 1, 1),
                )  # fmt: skip
        connection.set_schema_to_public()
    return DevelopmentWorld(tenant=tenant, admin=Person(admin), branch="研发党支部", introducers=introducers)


@dataclass
class LearningWorld:
    """A committed tenant for the learning journey: its admin and a member (no library yet), and the
    group admin who looks after the shared library on the root host."""

    tenant: PartyCommittee
    admin: Person
    member: Person
    group_admin: Person


@pytest.fixture(scope="session")
def learning_world(platform_world: dict[str, Any], django_db_blocker: Any) -> LearningWorld:
    from tenants.learning.models import Question, QuestionBank, Quiz, Resource, ResourceStatus

    suffix = secrets.token_hex(2)
    with django_db_blocker.unblock():
        tenant, admin = provision_e2e_tenant(f"辛公司{suffix}党委", "辛公司", f"e2e-xin-{suffix}")
        member = UserFactory(name="周学文")
        with tenant:
            do_assign_role(user=member, role=TenantRole.MEMBER)
            assert not Resource.objects.exists()
            # A published quiz for the member to take (one question of each kind per paper).
            bank = QuestionBank.objects.create(title="党章基础知识")
            Question.objects.create(
                bank=bank,
                kind="single",
                stem="中国共产党的最高理想和最终目标是什么？",
                options=["实现共产主义", "全面建成小康社会", "实现四个现代化"],
                answer=[0],
                explanation="见党章总纲。",
            )
            Question.objects.create(
                bank=bank,
                kind="multiple",
                stem="党员必须履行的义务包括哪些？",
                options=["认真学习", "按期交纳党费", "保守党的秘密", "可以不参加组织生活"],
                answer=[0, 1, 2],
                explanation="见党章第三条。",
            )
            Question.objects.create(
                bank=bank,
                kind="true_false",
                stem="预备党员的预备期为一年。",
                answer=[0],
                explanation="见党章第七条。",
            )
            Quiz.objects.create(
                title="党章基础知识测试",
                bank=bank,
                single_count=1,
                multiple_count=1,
                true_false_count=1,
                time_limit_minutes=10,
                status=ResourceStatus.PUBLISHED,
            )
        connection.set_schema_to_public()
    return LearningWorld(
        tenant=tenant, admin=Person(admin), member=Person(member), group_admin=Person(platform_world["group_admin"])
    )


@pytest.fixture(scope="session")
def learning_browser(frontend_dist: Path, chromium: str, platform_world: dict[str, Any]) -> Iterator[BrowserRun]:
    """Chromium against a server of its own whose Celery tasks run eagerly, inside the request that
    sends them: no worker runs in these tests, and the journey needs a published article indexed
    (and an uploaded document processed) before the member searches for it."""
    from tests.live import start_server, stop_server

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    process, port = start_server(extra_env={"CELERY_TASK_ALWAYS_EAGER": "1"})
    try:
        yield BrowserRun(LiveServer(port), chromium)
    finally:
        stop_server(process)


# ---------------------------------------------------------------- real video


# Short-lived playback URLs: the page renews them every few seconds, and the video must go on
# playing past the first URL's expiry.
PLAYBACK_TTL_SECONDS = 40


@pytest.fixture(scope="session")
def video_browser(frontend_dist: Path, chromium: str, platform_world: dict[str, Any]) -> Iterator[VideoRun]:
    """Chromium against a server of its own wired to a real nginx-rtmp ingest (hooks to the server,
    signed HLS, CORS for the test hosts)."""
    from tests.live import start_server, stop_server

    liveingest = load_script("liveingest")
    nginx = liveingest.NginxRtmp.find()
    if nginx is None or not shutil.which("ffmpeg"):
        pytest.skip("nginx with libnginx-mod-rtmp, or ffmpeg, is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    var = Path(tempfile.mkdtemp(prefix="pc-e2e-live-"))
    ingest = liveingest.LiveIngest(
        var,
        hook_base_url="http://127.0.0.1",  # set below, once the server has its port
        rtmp_port=liveingest.free_port(),
        http_port=liveingest.free_port(),
        control_port=liveingest.free_port(),
        hls_secret=secrets.token_urlsafe(24),
        base_domain=ROOT_HOST,
    )
    env = {**ingest.env(), "LIVE_PLAYBACK_TTL_SECONDS": str(PLAYBACK_TTL_SECONDS)}
    process, port = start_server(extra_env=env)
    ingest.hook_base_url = f"http://127.0.0.1:{port}"
    ingest.site_port = port
    try:
        ingest.start(nginx)
        yield VideoRun(BrowserRun(LiveServer(port), chromium), ingest)
    finally:
        ingest.stop()
        stop_server(process)
        shutil.rmtree(var, ignore_errors=True)


@dataclass
class VideoRun:
    browser: BrowserRun
    ingest: Any


def wait_until(check: Callable[[], bool], timeout: float) -> bool:
    """Poll ``check`` until it is true (True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return False
