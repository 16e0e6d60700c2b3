"""A bounded mixed load: the app as production runs it, a realistic tenant, everybody at once.

For ``BENCH_SECONDS`` (default 600) it drives, against one server and one Celery worker:

- members browsing the portal API: the live-now card, news and library lists (search), library
  details, their dues, their study record;
- members studying: a study session per resource with ``start``, a ``tick`` every few seconds
  and ``stop`` (learning heartbeats);
- admins listing members (20 a page) and exporting the list and the dues ledger as .xlsx;
- a live chat: members on the lesson's WebSocket (``/ws/live/tenant/<id>``), each saying
  something every few seconds and waiting for its ``ack``.

It reports requests by kind with p50/p95/p99, errors (anything but a 2xx, a refused or lost
chat message, a dropped socket: must be 0), and the resident memory (RSS) of every server and
worker process sampled every 10 s: the means of the first, middle and last minute after the
warm-up. Memory is *flat* when every process's last minute is within 10 % or 25 MB of its first,
or, past a high-water mark reached early, its second half added at most 5 % or 10 MB (``Window``;
``--short``: fifths of the run instead of minutes).

    .venv/bin/python bench/bench_mixed_load.py                  # 10 minutes (BENCH_SECONDS=600)
    BENCH_SECONDS=60 .venv/bin/python bench/bench_mixed_load.py --short

Needs PostgreSQL (DATABASE_URL's server: a throwaway database is created) and Redis (REDIS_URL;
use a database number of your own). The machine's load is printed with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import logging
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support import REPO, bench_database

VENV_BIN = Path(sys.executable).parent
SAMPLE_SECONDS = 10.0
WARM_UP_SECONDS = 20.0
# Flat memory: no process grows by more than both of these between the first and last window.
FLAT_RATIO = 0.10
FLAT_BYTES = 25 * 2**20
# ... or no more than these over the second half of the run (see Window).
SECOND_HALF_RATIO = 0.05
SECOND_HALF_BYTES = 10 * 2**20


# ------------------------------------------------------------------ the app


@dataclass
class App:
    port: int
    processes: dict[str, subprocess.Popen[bytes]]

    def stop(self) -> None:
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def failed(self) -> list[str]:
        return [name for name, process in self.processes.items() if process.poll() is not None]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_app(env: dict[str, str], *, web_workers: int = 2, concurrency: int = 2) -> App:
    """The production layout, started the way ``scripts/run.py`` does (the one place to change
    when the server layout changes): the ASGI server with ``web_workers`` processes, no
    per-message deflate, and a Celery worker with a prefork pool of ``concurrency``. Each is a
    process group of its own (its children are sampled and stopped with it)."""
    port = free_port()
    web = [str(VENV_BIN / "uvicorn"), "partycloud.asgi:application", "--host", "127.0.0.1", "--port", str(port)]
    web += ["--lifespan", "off", "--ws-per-message-deflate", "false", "--log-level", "warning"]
    web += ["--workers", str(web_workers)]
    worker = [str(VENV_BIN / "celery"), "-A", "partycloud", "worker", "--loglevel=WARNING"]
    worker += [f"--concurrency={concurrency}", "--without-gossip", "--without-mingle"]
    processes = {
        name: subprocess.Popen(command, cwd=REPO, env=env, stdin=subprocess.DEVNULL, start_new_session=True)
        for name, command in {"web": web, "worker": worker}.items()
    }
    app = App(port, processes)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if app.failed():
            app.stop()
            raise RuntimeError(f"{', '.join(app.failed())} exited while starting")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return app
        time.sleep(0.2)
    app.stop()
    raise RuntimeError("the web server did not listen within 90 s")


def app_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "partycloud.settings",
        "DJANGO_DEBUG": "0",
        "PYTHONPATH": f"{REPO}:{REPO / 'platform'}",
        "TENANT_WARM_POOL_SIZE": "0",
    }


# ------------------------------------------------------------------ memory


def descendants(pid: int) -> list[int]:
    """The process and every process under it (from /proc)."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            children[parent].append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue.extend(children.get(current, []))
    return found


def rss_bytes(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def process_label(pid: int) -> str:
    with contextlib.suppress(OSError):
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        for marker, label in (("resource_tracker", "resource tracker"), ("multiprocessing.spawn", "server process")):
            if marker in command:
                return label
        return " ".join(part.rsplit("/", 1)[-1] for part in command.split()[:4])[:40]
    return "?"


@dataclass
class Memory:
    samples: dict[str, list[tuple[float, int]]] = field(default_factory=lambda: defaultdict(list))

    def sample(self, app: App, now: float) -> None:
        for name, process in app.processes.items():
            for position, pid in enumerate(sorted(descendants(process.pid))):
                size = rss_bytes(pid)
                if size:
                    self.samples[f"{name}[{position}] {pid} {process_label(pid)}"].append((now, size))

    def windows(self, end: float, width: float) -> list[Window]:
        """Per process: the mean RSS of the first, middle and last ``width`` seconds of the run."""
        rows = []
        for name, points in sorted(self.samples.items()):

            def mean(start: float, points: list[tuple[float, int]] = points) -> float | None:
                sizes = [size for at, size in points if start <= at <= start + width]
                return statistics.mean(sizes) if sizes else None

            first, middle, last = mean(0), mean((end - width) / 2), mean(end - width)
            if first is not None and middle is not None and last is not None:
                series = [size / 2**20 for at, size in points if at % 60 < SAMPLE_SECONDS]
                rows.append(Window(name, first, middle, last, series))
        return rows


@dataclass
class Window:
    """A process's memory over the run. *Flat*: the last window is within 10 % or 25 MB of the
    first, or — when the first minutes reached a high-water mark (the first .xlsx export a
    process builds, caches filled) — the second half of the run added at most 5 % or 10 MB:
    a leak grows with the work, and the work is the same in both halves."""

    name: str
    first: float
    middle: float
    last: float
    series: list[float]  # MB, about once a minute

    @property
    def flat(self) -> bool:
        overall = self.last - self.first
        second_half = self.last - self.middle
        return overall <= max(FLAT_RATIO * self.first, FLAT_BYTES) or second_half <= max(
            SECOND_HALF_RATIO * self.middle, SECOND_HALF_BYTES
        )


# ------------------------------------------------------------------ the world


@dataclass
class World:
    host: str
    members: list[str]  # JWTs of members with a login
    admins: list[str]
    resources: list[str]  # published resource UUIDs of the tenant
    lesson: int
    mint: Callable[[], None] = lambda: None


def id_card(serial: int) -> str:
    first17 = f"110101{1960 + serial % 30}0{1 + serial % 9}1{serial % 10}{serial % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]
    return first17 + check


def import_members(count: int, branch: str) -> int:
    """``count`` members through the import path (a sheet, validated, inserted in bulk)."""
    from openpyxl import Workbook

    from partycloud.accounts.actor import Actor
    from tenants.members.imports import COLUMNS, do_create_import_job, run_import

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    for index in range(count):
        number = id_card(10_000 + index)
        values = {
            "姓名": f"成员{index}", "性别": "男" if int(number[16]) % 2 else "女", "民族": "汉族", "身份证号": number,
            "学历": "大学本科", "工作岗位": "技术员", "手机号": f"186{index:08d}", "员工卡号": f"B{index}",
            "入党日期": "2012.07.01", "转正日期": "2013/7/1", "党员类别": "正式党员", "党费类别": "在职",
            "所在党组织": branch, "加入支部日期": "",
        }  # fmt: skip
        sheet.append([values[column] for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    actor = Actor.system()
    job = do_create_import_job(actor=actor, filename="成员.xlsx", content=buffer.getvalue(), mapping=None)
    job = run_import(job, actor=actor)
    if job.status != "succeeded":
        raise RuntimeError(f"the seed import failed: {job.message} {job.errors[:3]}")
    return job.imported_rows


def build_world(members_with_login: int, extra_members: int) -> World:
    """The demo group (``seed_demo``: three subsidiaries, a year of history, libraries, lessons),
    ``extra_members`` more members imported into the first, and a live lesson there."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import RefreshToken

    from partycloud.accounts.models import User
    from partycloud.tenancy.models import PartyCommittee
    from tenants.access.models import RoleAssignment, TenantRole
    from tenants.learning.models import Resource, ResourceStatus
    from tenants.live.models import Lesson, LessonStatus
    from tenants.members.models import Member
    from tenants.organizations.models import Organization, OrganizationKind

    started = time.perf_counter()
    call_command("seed_demo", members=members_with_login, verbosity=0, stdout=io.StringIO())
    seeded = time.perf_counter()
    tenant = PartyCommittee.objects.filter(kind="subsidiary").order_by("pk").first()
    assert tenant is not None
    with tenant:
        branch = Organization.objects.filter(kind=OrganizationKind.BRANCH, is_active=True).order_by("pk").first()
        assert branch is not None
        imported = import_members(extra_members, branch.name)
        member_ids = list(
            RoleAssignment.objects.filter(role=TenantRole.MEMBER).values_list("user_id", flat=True).distinct()
        )
        admin_ids = list(RoleAssignment.objects.filter(role=TenantRole.TENANT_ADMIN).values_list("user_id", flat=True))
        resources = [
            str(u) for u in Resource.objects.filter(status=ResourceStatus.PUBLISHED).values_list("uuid", flat=True)
        ]
        organizer = User.objects.get(pk=admin_ids[0])
        now = timezone.now()
        lesson = Lesson.objects.create(
            title="负载测试直播", lecturer="讲师", starts_at=now, planned_end_at=now + timedelta(hours=3),
            organizer=organizer, status=LessonStatus.LIVE, went_live_at=now,
        )  # fmt: skip
        total = Member.objects.count()
    users = {user.pk: user for user in User.objects.filter(pk__in=member_ids + admin_ids)}
    world = World(tenant.primary_host, [], [], resources, lesson.pk)

    def mint() -> None:
        # Access tokens live 30 minutes by default: minted again before each phase.
        world.members = [str(RefreshToken.for_user(users[pk]).access_token) for pk in member_ids]
        world.admins = [str(RefreshToken.for_user(users[pk]).access_token) for pk in admin_ids]

    mint()
    world.mint = mint
    print(
        f"set-up: {tenant.primary_host} with {total} members ({imported} imported), {len(member_ids)} member "
        f"logins, {len(admin_ids)} admin(s), {len(resources)} published resources, lesson {lesson.pk} live — "
        f"seed {seeded - started:.0f} s, import {time.perf_counter() - seeded:.0f} s",
        flush=True,
    )
    return world


# ------------------------------------------------------------------ the load


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)

    def ok(self, kind: str, seconds: float) -> None:
        self.latencies[kind].append(seconds)

    def error(self, kind: str, what: str) -> None:
        self.errors[kind] += 1
        if len(self.examples) < 10:
            self.examples.append(f"{kind}: {what}")

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


class Load:
    """Virtual users in one asyncio loop (the servers are other processes)."""

    def __init__(self, world: World, port: int, results: Results, until: float) -> None:
        self.world, self.port, self.results, self.until = world, port, results, until
        self.rng = random.Random(14)

    def running(self) -> bool:
        return time.monotonic() < self.until

    def client(self, token: str) -> Any:
        import httpx

        # Idle connections are dropped by the client after 2 s, before the server's keep-alive
        # timeout (uvicorn: 5 s) closes them: a request sent on a connection the server is closing
        # at that instant fails (ReadError), a race of the client's, not the app's (seen with the
        # 5 s heartbeats; a browser retries, a proxy keeps its own upstream connections).
        return httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{self.port}",
            headers={"Host": f"{self.world.host}:{self.port}", "Authorization": f"Bearer {token}"},
            timeout=60,
            limits=httpx.Limits(keepalive_expiry=2.0),
        )

    async def call(self, client: Any, kind: str, method: str, url: str, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            response = await client.request(method, url, **kwargs)
        except Exception as error:  # noqa: BLE001 - every failure is counted
            self.results.error(kind, f"{type(error).__name__}: {error}")
            return None
        if 200 <= response.status_code < 300:
            self.results.ok(kind, time.perf_counter() - started)
            return response
        self.results.error(kind, f"{method} {url} → {response.status_code} {response.text[:160]}")
        return None

    async def pause(self, seconds: float) -> None:
        await asyncio.sleep(min(self.rng.uniform(0.5, 1.5) * seconds, max(0.0, self.until - time.monotonic())))

    async def member_browsing(self, token: str) -> None:
        async with self.client(token) as client:
            while self.running():
                await self.call(client, "portal live-now", "GET", "/api/v1/live/watch/")
                await self.pause(1)
                await self.call(client, "portal news", "GET", "/api/v1/search", params={"kind": "article"})
                await self.pause(1)
                listed = await self.call(client, "portal library", "GET", "/api/v1/search", params={"page_size": 20})
                await self.pause(1)
                uuids = [row.get("uuid") for row in (listed.json().get("results", []) if listed else [])]
                uuids = [u for u in uuids if u] or self.world.resources
                if uuids:
                    item = self.rng.choice(uuids)
                    await self.call(client, "portal library item", "GET", f"/api/v1/learning/library/{item}")
                    await self.pause(1)
                await self.call(client, "portal my dues", "GET", "/api/v1/dues/assessments/mine")
                await self.pause(1)
                await self.call(client, "portal my study", "GET", "/api/v1/learning/study/me")
                await self.pause(2)

    async def member_studying(self, token: str, tick: float) -> None:
        if not self.world.resources:
            return
        async with self.client(token) as client:
            while self.running():
                resource = self.rng.choice(self.world.resources)
                session = uuid.uuid4().hex
                position = 0.0
                beat = {"resource": resource, "session": session}
                url = "/api/v1/learning/study/heartbeats"
                await self.call(client, "study heartbeat", "POST", url, json={**beat, "state": "start"})
                for _ in range(self.rng.randint(4, 10)):
                    if not self.running():
                        break
                    await self.pause(tick)
                    position += tick
                    body = {**beat, "state": "tick", "position": position}
                    await self.call(client, "study heartbeat", "POST", url, json=body)
                await self.call(client, "study heartbeat", "POST", url, json={**beat, "state": "stop"})
                await self.pause(2)

    async def admin(self, token: str, export_every: int) -> None:
        async with self.client(token) as client:
            rounds = 0
            while self.running():
                page = self.rng.randint(1, 5)
                await self.call(client, "admin member list", "GET", "/api/v1/members", params={"page": page})
                await self.pause(3)
                rounds += 1
                if rounds % export_every == 0:
                    await self.call(client, "admin member export", "GET", "/api/v1/members/export")
                    await self.pause(3)
                    await self.call(client, "admin ledger export", "GET", "/api/v1/dues/assessments/ledger-export")
                    await self.pause(3)

    async def chatter(self, token: str, every: float, index: int) -> None:
        from websockets.asyncio.client import connect

        uri = f"ws://{self.world.host}/ws/live/tenant/{self.world.lesson}?token={token}"
        started = time.perf_counter()
        try:
            ws = await connect(uri, host="127.0.0.1", port=self.port, compression=None, open_timeout=60)
            welcome = json.loads(await asyncio.wait_for(ws.recv(), 60))
            if welcome.get("type") != "welcome":
                raise RuntimeError(f"first frame {welcome.get('type')!r}")
        except Exception as error:  # noqa: BLE001
            self.results.error("chat connect", f"{type(error).__name__}: {error}")
            return
        self.results.ok("chat connect", time.perf_counter() - started)
        pending: dict[str, float] = {}

        async def read() -> None:
            async for frame in ws:
                message = json.loads(frame)
                client_id = str(message.get("client_id", ""))
                if message.get("type") == "ack" and client_id in pending:
                    self.results.ok("chat say→ack", time.perf_counter() - pending.pop(client_id))
                elif message.get("type") == "refused" and client_id in pending:
                    pending.pop(client_id)
                    self.results.error("chat say→ack", f"refused {message.get('code')}")

        reader = asyncio.create_task(read())
        sequence = 0
        try:
            await self.pause(every)
            while self.running() and not reader.done():
                sequence += 1
                client_id = f"{index}-{sequence}"
                pending[client_id] = time.perf_counter()
                await ws.send(json.dumps({"type": "say", "text": f"学习体会 {sequence}", "client_id": client_id}))
                await self.pause(every)
            await asyncio.sleep(2)  # the last acks
        finally:
            if reader.done() and reader.exception() is not None:
                self.results.error("chat socket", f"dropped: {reader.exception()!r}")
            reader.cancel()
            await ws.close()
        for _client_id in pending:
            self.results.error("chat say→ack", "no ack")


@dataclass
class Mix:
    browsing: int = 12
    studying: int = 6
    admins: int = 2
    chatting: int = 8
    heartbeat_seconds: float = 5.0
    export_every: int = 10  # admin rounds (~3 s each) between two exports
    chat_every: float = 5.0


async def drive(world: World, port: int, seconds: float, mix: Mix, results: Results) -> None:
    load = Load(world, port, results, time.monotonic() + seconds)
    members = world.members
    tasks = [load.member_browsing(members[i % len(members)]) for i in range(mix.browsing)]
    tasks += [load.member_studying(members[(mix.browsing + i) % len(members)], mix.heartbeat_seconds)
              for i in range(mix.studying)]  # fmt: skip
    tasks += [load.admin(world.admins[i % len(world.admins)], mix.export_every) for i in range(mix.admins)]
    tasks += [load.chatter(members[(mix.browsing + mix.studying + i) % len(members)], mix.chat_every, i)
              for i in range(mix.chatting)]  # fmt: skip
    await asyncio.gather(*tasks)


def percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Report:
    seconds: float
    results: Results
    memory: list[Window]
    window: str

    @property
    def flat(self) -> bool:
        return all(window.flat for window in self.memory)

    def lines(self) -> list[str]:
        out = [f"{'kind':24} {'requests':>9} {'req/s':>7} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"]
        kinds = sorted(set(self.results.latencies) | set(self.results.errors))
        total = 0
        for kind in kinds:
            ordered = sorted(self.results.latencies.get(kind, []))
            total += len(ordered)
            figures = (
                [f"{percentile(ordered, q) * 1000:8.1f}" for q in (0.5, 0.95, 0.99)] if ordered else ["       -"] * 3
            )
            out.append(
                f"{kind:24} {len(ordered):9d} {len(ordered) / self.seconds:7.2f} {self.results.errors.get(kind, 0):6d} "
                + " ".join(figures)
            )
        out.append(f"{'all':24} {total:9d} {total / self.seconds:7.2f} {self.results.error_count:6d}")
        out.append(f"memory (RSS, MB): {self.window}")
        for window in self.memory:
            change = (window.last - window.first) / window.first * 100
            half = (window.last - window.middle) / window.middle * 100
            out.append(
                f"  {window.name:44} {window.first / 2**20:6.1f} → {window.middle / 2**20:6.1f} → "
                f"{window.last / 2**20:6.1f} (run {change:+5.1f} %, 2nd half {half:+5.1f} %) "
                f"{'flat' if window.flat else 'GROWS'}"
            )
            out.append(f"    once a minute: {' '.join(f'{mb:.0f}' for mb in window.series)}")
        out.extend(f"error: {example}" for example in self.results.examples)
        return out


def run(seconds: float, *, short: bool, mix: Mix, members_with_login: int, extra_members: int) -> Report:
    """Seed, start the app, drive the mix for ``seconds`` while sampling memory; stop everything."""
    # A run of its own (the test suite's runs are told apart by TEST_RUN_ID): its database, its
    # queue and its cache keys, whoever else uses the Redis server (set before Django loads).
    name = f"mixed{os.environ.get('TEST_RUN_ID', '')}"
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = f"bench-{name}"
    os.environ["CACHE_KEY_PREFIX"] = f"bench-{name}"
    with bench_database(name) as database_url:
        logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request otherwise
        world = build_world(members_with_login, extra_members)
        from django.db import connections

        connections.close_all()
        app = start_app(app_env(database_url))
        memory = Memory()
        results = Results()
        try:
            # Warm-up: every kind once (lazy imports, first connections), not counted.
            warm = Results()
            asyncio.run(drive(world, app.port, WARM_UP_SECONDS, Mix(2, 1, 1, 1, 2.0, 1, 4.0), warm))
            if warm.error_count:
                print("warm-up errors:", *warm.examples, sep="\n  ", flush=True)
            world.mint()
            started = time.monotonic()

            async def sample() -> None:
                while time.monotonic() - started < seconds + 1:
                    memory.sample(app, time.monotonic() - started)
                    await asyncio.sleep(SAMPLE_SECONDS)

            async def both() -> None:
                sampler = asyncio.create_task(sample())
                await drive(world, app.port, seconds, mix, results)
                memory.sample(app, time.monotonic() - started)
                sampler.cancel()

            asyncio.run(both())
            elapsed = time.monotonic() - started
            if app.failed():
                results.error("processes", f"{', '.join(app.failed())} exited during the run")
        finally:
            app.stop()
    width = max(SAMPLE_SECONDS, elapsed / 5) if short else 60.0
    window = f"means of the first, middle and last {width:.0f} s"
    return Report(elapsed, results, memory.windows(elapsed, width), window)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--short", action="store_true", help="memory windows of a fifth of the run (for CI)")
    parser.add_argument("--members-with-login", type=int, default=int(os.environ.get("BENCH_MEMBER_LOGINS", 40)))
    parser.add_argument("--extra-members", type=int, default=int(os.environ.get("BENCH_EXTRA_MEMBERS", 2000)))
    args = parser.parse_args()
    seconds = float(os.environ.get("BENCH_SECONDS", 600))
    print(f"machine before: {Path('/proc/loadavg').read_text().strip()} (load averages 1/5/15 min), "
          f"{os.cpu_count()} cores", flush=True)  # fmt: skip
    report = run(
        seconds, short=args.short, mix=Mix(), members_with_login=args.members_with_login,
        extra_members=args.extra_members,
    )  # fmt: skip
    print("\n".join(report.lines()))
    print(f"machine after: {Path('/proc/loadavg').read_text().strip()}")
    verdict = report.results.error_count == 0 and report.flat
    print(f"errors: {report.results.error_count}, memory {'flat' if report.flat else 'GROWS'}")
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
