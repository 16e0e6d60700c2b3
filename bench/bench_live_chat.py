"""Live chat fan-out: N viewers over real WebSockets, M chat messages per second, vs a naive baseline.

Everything runs on this machine and is bounded in time:

- a throwaway database (``support.bench_database``) with one tenant, one live lesson per run,
  one user per viewer (``member`` role, bulk-inserted) and separate sender users;
- a private ``redis-server`` on a free port (so the Redis figures are ours alone);
- K web processes (``bench/live_chat_server.py``: uvicorn, one per port, no compression),
  viewers spread over them round-robin;
- load generators in separate processes (asyncio + ``websockets``, up to ``--per-generator``
  connections each), authenticating with ``?token=<JWT>``, and one sender process that posts
  ``--rate`` messages/s (``say``) spread over ``--senders`` users, each text
  ``bench <seq> <send time>``.

Every viewer records the arrival time of each bench message: latency = arrival − send (same
clock). Lost = accepted sends (acked) − distinct ones received, for every viewer connected
through the whole window; duplicates are counted too. Server RSS per connection (from
/proc, before vs after connecting), CPU of servers / generators / Redis / everything else on
the machine during the window, Redis commands per second and PUBLISH/EVALSHA counts.

Modes: ``product`` (``partycloud.asgi``: the chat consumer of ``tenants.live``, the settings'
``RedisPubSubChannelLayer``) and ``baseline`` (``bench/live_chat_baseline.py``: Channels'
default ``RedisChannelLayer``, one ``group_send`` and one frame per message); experiments
``product-nohop`` / ``product-fixed`` (the product with what the profile pointed at changed in
the server process by ``live_chat_server.py``; nothing shipped). A step "holds"
when every viewer connected, 0 lost, 0 duplicates and p99 < ``--target-p99``.

    .venv/bin/python bench/bench_live_chat.py                      # 500 viewers, both modes, ~2 min
    .venv/bin/python bench/bench_live_chat.py --viewers 500,1000,2000,5000 --mode product
    .venv/bin/python bench/bench_live_chat.py --viewers 2000 --processes 1,2 --mode product
    .venv/bin/python bench/bench_live_chat.py --viewers 300 --mode product --profile
    .venv/bin/python bench/bench_live_chat.py --viewers 300 --mode product,product-nohop,baseline
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import multiprocessing as mp
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support import REPO, bench_database, unified_code

HERE = Path(__file__).resolve().parent

APPS = {
    "product": "partycloud.asgi:application",
    "baseline": "live_chat_baseline:application",
    # The product with one change made by the bench's server launcher: batches dispatched to the
    # consumer without Channels' per-message close_old_connections thread hop (see live_chat_server.py).
    "product-nohop": "partycloud.asgi:application",
    # ... and the room's tick not waiting for its PostgreSQL write before the next broadcast.
    "product-fixed": "partycloud.asgi:application",
}
BENCH_TEXT = re.compile(r"bench (\d+) (\d+\.\d+)")
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------ small helpers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_port(port: int, seconds: float = 60, process: Any = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server for port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


def raise_nofile() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    total = sum(values[:8])
    return (total - idle) / CLK_TCK, total / CLK_TCK


def percentile(ordered: array | list[float], q: float) -> float:
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# ------------------------------------------------------------------ load generator (child process)


def generator_main(pipe: Any, index: int, plan: dict[str, Any]) -> None:
    raise_nofile()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(_generator(pipe, index, plan))


async def _recv_control(pipe: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, pipe.recv)


async def _open(plan: dict[str, Any], port: int, token: str) -> Any:
    from websockets.asyncio.client import connect

    uri = f"ws://{plan['host']}/ws/live/{plan['path']}?token={token}"
    ws = await connect(
        uri,
        host="127.0.0.1",
        port=port,
        compression=None,
        open_timeout=plan["connect_timeout"],
        ping_interval=None,
        close_timeout=1,
        max_size=2**24,
    )
    first = json.loads(await asyncio.wait_for(ws.recv(), plan["connect_timeout"]))
    if first.get("type") != "welcome":
        await ws.close()
        raise RuntimeError(f"first frame {first.get('type')!r}")
    return ws


@dataclass
class ViewerState:
    counts: bytearray
    ws: Any = None
    connected: bool = False
    closed: bool = False
    error: str = ""  # why it did not connect
    dropped: str = ""  # why it closed after connecting


async def _generator(pipe: Any, index: int, plan: dict[str, Any]) -> None:
    """Open ``plan["clients"]`` sockets, record every bench message; answer the coordinator."""
    slots = plan["max_seq"] + 1
    viewers = [ViewerState(bytearray(slots)) for _ in plan["clients"]]
    latencies = array("d")
    latency_seqs = array("l")
    per_seq = array("l", bytes(8 * slots))  # connections that received each seq (first time)
    frames = [0]
    gate = asyncio.Semaphore(plan["connect_concurrency"])
    started = time.perf_counter()

    async def run(state: ViewerState, port: int, token: str) -> None:
        async with gate:
            try:
                state.ws = await _open(plan, port, token)
            except Exception as error:  # noqa: BLE001 - every failure is a counted outcome
                code = getattr(getattr(error, "rcvd", None), "code", None)
                state.error = f"{type(error).__name__}{f' {code}' if code else ''}"
                return
        state.connected = True
        counts = state.counts
        try:
            async for frame in state.ws:
                now = time.time()
                frames[0] += 1
                for match in BENCH_TEXT.finditer(frame):
                    seq = int(match.group(1))
                    if seq >= slots:
                        continue
                    if counts[seq] == 0:
                        per_seq[seq] += 1
                        latencies.append(now - float(match.group(2)))
                        latency_seqs.append(seq)
                    if counts[seq] < 255:
                        counts[seq] += 1
        except Exception as error:  # noqa: BLE001
            state.dropped = type(error).__name__
        state.closed = True

    tasks = [
        asyncio.create_task(run(state, port, token))
        for state, (port, token) in zip(viewers, plan["clients"], strict=True)
    ]
    while any(not (v.connected or v.error) for v in viewers):
        await asyncio.sleep(0.05)
    errors: dict[str, int] = {}
    for v in viewers:
        if v.error:
            errors[v.error] = errors.get(v.error, 0) + 1
    pipe.send(("connected", sum(v.connected for v in viewers), errors, time.perf_counter() - started))

    while True:
        command, payload = await _recv_control(pipe)
        if command == "mark":
            frames[0] = 0
            pipe.send(True)
        elif command == "count":
            low, high = payload
            pipe.send(sum(per_seq[low:high]))
        elif command == "collect":
            accepted, low, high = payload
            accepted_set = set(accepted)
            lost = dupes = unexpected = dropped = 0
            reasons: dict[str, int] = {}
            for v in viewers:
                if not v.connected:
                    continue
                if v.closed:
                    dropped += 1
                    reason = v.dropped or "closed by the server"
                    reasons[reason] = reasons.get(reason, 0) + 1
                    continue
                counts = v.counts
                lost += sum(1 for seq in accepted if counts[seq] == 0)
                dupes += sum(c - 1 for c in counts[low:high] if c > 1)
                unexpected += sum(1 for seq in range(low, high) if counts[seq] and seq not in accepted_set)
            window = array("d", (lat for lat, seq in zip(latencies, latency_seqs, strict=True) if low <= seq < high))
            pipe.send(
                {
                    "lost": lost,
                    "dupes": dupes,
                    "unexpected": unexpected,
                    "dropped": dropped,
                    "drop_reasons": reasons,
                    "frames": frames[0],
                    "latencies": window.tobytes(),
                }
            )
        elif command == "close":
            open_sockets = [v.ws for v in viewers if v.ws is not None and not v.closed]
            if open_sockets:
                await asyncio.wait([asyncio.create_task(ws.close()) for ws in open_sockets], timeout=10)
            for task in tasks:
                task.cancel()
            pipe.send("closed")
            return


# ------------------------------------------------------------------ sender (child process)


def sender_main(pipe: Any, plan: dict[str, Any]) -> None:
    raise_nofile()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(_sender(pipe, plan))


async def _sender(pipe: Any, plan: dict[str, Any]) -> None:
    """Post ``rate`` messages/s round-robin over the sender sockets when told; report the acks."""
    sockets = []
    errors: dict[str, int] = {}
    for port, token in plan["clients"]:
        try:
            sockets.append(await _open(plan, port, token))
        except Exception as error:  # noqa: BLE001
            errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
    accepted: list[int] = []
    refused: dict[str, int] = {}
    answered = [0]
    waiting: dict[str, Any] = {"target": -1, "event": asyncio.Event()}

    async def read(ws: Any) -> None:
        try:
            async for frame in ws:
                if '"ack"' not in frame and '"refused"' not in frame:
                    continue
                message = json.loads(frame)
                if message.get("type") == "ack":
                    accepted.append(int(message["client_id"]))
                elif message.get("type") == "refused":
                    code = message.get("code", "?")
                    refused[code] = refused.get(code, 0) + 1
                else:
                    continue
                answered[0] += 1
                if answered[0] >= waiting["target"]:
                    waiting["event"].set()
        except Exception:  # noqa: BLE001, S110 - a dropped sender shows as unacked sends
            pass

    readers = [asyncio.create_task(read(ws)) for ws in sockets]
    dead: set[Any] = set()
    pipe.send(("connected", len(sockets), errors))
    while True:
        command, payload = await _recv_control(pipe)
        if command == "close":
            break
        start_at, low, count = payload
        accepted.clear()
        refused.clear()
        answered[0] = 0
        waiting["target"], waiting["event"] = count, asyncio.Event()
        lag_max = 0.0
        unsent = 0
        for seq in range(low, low + count):
            due = start_at + (seq - low) / plan["rate"]
            delay = due - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                lag_max = max(lag_max, -delay)
            # Round-robin over the senders still connected (a socket the server dropped is skipped).
            for attempt in range(len(sockets)):
                ws = sockets[(seq + attempt) % len(sockets)]
                if ws in dead:
                    continue
                text = f"bench {seq} {time.time():.6f}"
                try:
                    await ws.send(json.dumps({"type": "say", "text": text, "client_id": str(seq)}))
                    break
                except Exception:  # noqa: BLE001 - counted: the socket is dead
                    dead.add(ws)
            else:
                unsent += 1
        waiting["target"] = count - unsent
        if answered[0] >= waiting["target"]:
            waiting["event"].set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(waiting["event"].wait(), plan["ack_timeout"])
        pipe.send(
            {
                "accepted": sorted(accepted),
                "refused": dict(refused),
                "lag_max": lag_max,
                "unsent": unsent,
                "dead_senders": len(dead),
            }
        )
    await asyncio.wait([asyncio.create_task(ws.close()) for ws in sockets], timeout=5)
    for task in readers:
        task.cancel()
    pipe.send("closed")


# ------------------------------------------------------------------ the platform side


@dataclass
class World:
    database_url: str
    host: str
    viewer_tokens: list[str]
    sender_tokens: list[str]
    lessons: list[int]


def build_world(database_url: str, viewers: int, senders: int, lessons: int) -> World:
    from datetime import timedelta

    from django.utils import timezone
    from rest_framework_simplejwt.tokens import RefreshToken

    from partycloud.accounts.models import User
    from partycloud.tenancy.models import TenantAccess
    from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant
    from tenants.access.models import RoleAssignment
    from tenants.live.models import Lesson, LessonStatus

    started = time.perf_counter()
    admin = User.objects.create_user("13700000001", "bench-pass-2026", name="基准管理员")
    tenant = do_provision_tenant(
        CommitteeDraft(name="基准直播党委", short_name="基准", slug="bench", unified_code=unified_code(1)),
        first_admin=admin,
    )
    with tenant:
        users = User.objects.bulk_create(
            [
                User(phone=f"139{i:08d}", name=f"观众{i}", password="!")  # unusable password: JWT only
                for i in range(viewers + senders)
            ],
            batch_size=2000,
        )
        RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role="member") for u in users], batch_size=2000)
        TenantAccess.objects.bulk_create(
            [TenantAccess(user=u, tenant=tenant, roles=["member"]) for u in users], batch_size=2000
        )
        now = timezone.now()
        lesson_ids = [
            Lesson.objects.create(
                title=f"基准直播 {i}",
                lecturer="讲师",
                starts_at=now,
                planned_end_at=now + timedelta(hours=3),
                organizer=admin,
                status=LessonStatus.LIVE,
                went_live_at=now,
            ).pk
            for i in range(lessons)
        ]
    tokens = [str(RefreshToken.for_user(u).access_token) for u in users]
    print(
        f"set-up: tenant {tenant.primary_host}, {len(users)} users with the member role, {lessons} live lessons, "
        f"tokens — {time.perf_counter() - started:.1f} s"
    )
    return World(database_url, tenant.primary_host, tokens[:viewers], tokens[viewers:], lesson_ids)


class Redis:
    """A private redis-server for the run (or an existing one with --redis-url)."""

    def __init__(self, url: str | None) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.dir: str | None = None
        if url:
            self.url = url
        else:
            port = free_port()
            self.dir = tempfile.mkdtemp(prefix="bench-live-redis-")
            self.process = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    self.dir,
                    "--maxclients",
                    "20000",
                    "--loglevel",
                    "warning",
                ],
                stdout=subprocess.DEVNULL,
            )
            wait_port(port)
            self.url = f"redis://127.0.0.1:{port}/0"
        import redis

        self.client = redis.Redis.from_url(self.url)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def stats(self) -> dict[str, int]:
        info = self.client.info("stats")
        commands = self.client.info("commandstats")
        out = {"commands": int(info["total_commands_processed"])}
        for name in ("publish", "evalsha", "eval", "lpush", "bzpopmin", "zadd", "spublish"):
            out[name] = int(commands.get(f"cmdstat_{name}", {}).get("calls", 0))
        return out

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)


@dataclass
class Server:
    port: int
    process: Any
    log: Path
    log_offset: int = 0

    def new_errors(self) -> tuple[int, str]:
        """Tracebacks the process logged since the last call, and the last exception line."""
        text = self.log.read_text(errors="replace")[self.log_offset :]
        self.log_offset += len(text)
        lines = [line for line in text.splitlines() if line and not line.startswith((" ", "Traceback"))]
        errors = [line for line in lines if re.match(r"^[\w.]+(Error|Exception)\b", line)]
        return text.count("Traceback (most recent call last)"), (errors[-1][:160] if errors else "")


def start_servers(mode: str, count: int, world: World, redis_url: str, profile_dir: str | None) -> list[Server]:
    logs = REPO / "var" / "bench_live_chat"
    logs.mkdir(parents=True, exist_ok=True)
    servers = []
    for _ in range(count):
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": world.database_url,
            "DJANGO_SETTINGS_MODULE": "partycloud.settings",
            "DJANGO_DEBUG": "0",
            "REDIS_URL": redis_url,
            "TENANT_WARM_POOL_SIZE": "0",
            "PYTHONPATH": f"{REPO}:{REPO / 'platform'}:{HERE}",
        }
        env.pop("BENCH_PROFILE", None)
        env.pop("BENCH_TIMERS", None)
        env.pop("BENCH_SKIP_DISPATCH_HOP", None)
        env.pop("BENCH_PERSIST_OFF_TICK", None)
        if mode in ("product-nohop", "product-fixed"):
            env["BENCH_SKIP_DISPATCH_HOP"] = "1"
        if mode == "product-fixed":
            env["BENCH_PERSIST_OFF_TICK"] = "1"
        if profile_dir:
            env["BENCH_PROFILE"] = f"{profile_dir}/{mode}-{port}.prof"
            env["BENCH_TIMERS"] = f"{profile_dir}/{mode}-{port}.timers.json"
        log = logs / f"{mode}-{port}.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                [sys.executable, str(HERE / "live_chat_server.py"), APPS[mode], str(port)],
                cwd=REPO,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        servers.append(Server(port, process, log))
    for server in servers:
        wait_port(server.port, process=server.process)
    return servers


def stop_servers(servers: list[Server]) -> None:
    for server in servers:
        server.process.terminate()
    for server in servers:
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


def warm_up(world: World, servers: list[Server], lesson: int) -> None:
    """One socket per server first: imports, the lookup caches and Redis connections exist before RSS is read."""

    async def once() -> None:
        plan = {"host": world.host, "path": f"tenant/{lesson}", "connect_timeout": 60}
        for server in servers:
            ws = await _open(plan, server.port, world.sender_tokens[0])
            await ws.close()

    asyncio.run(once())


# ------------------------------------------------------------------ one ladder: servers up, N grows


@dataclass
class Result:
    mode: str
    viewers: int
    processes: int
    connected: int = 0
    connect_errors: dict[str, int] = field(default_factory=dict)
    drop_reasons: dict[str, int] = field(default_factory=dict)
    connect_rate: float = 0.0  # new sockets per second in this step
    sent: int = 0
    accepted: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    lost: int = 0
    dupes: int = 0
    unexpected: int = 0
    dropped: int = 0
    delivered: int = 0
    frames_per_viewer_s: float = 0.0
    p50: float = math.nan
    p95: float = math.nan
    p99: float = math.nan
    max: float = math.nan
    rss_per_conn_kib: float = 0.0
    server_rss_mib: float = 0.0
    server_cpu: float = 0.0  # % of one core, summed over the web processes, during the window
    generator_cpu: float = 0.0
    redis_cpu: float = 0.0
    other_cpu: float = 0.0  # everything else on the machine (other people's work)
    redis_cps: float = 0.0
    redis_publish: int = 0
    redis_evalsha: int = 0
    server_errors: int = 0
    last_error: str = ""
    lag_max: float = 0.0
    window: float = 0.0
    holds: bool = False

    def line(self) -> str:
        notes = f" connect errors {self.connect_errors}" if self.connect_errors else ""
        if self.drop_reasons:
            notes += f" dropped {self.drop_reasons}"
        if self.refused:
            notes += f" refused {self.refused}"
        if self.server_errors:
            notes += f" server tracebacks {self.server_errors} (last: {self.last_error})"
        return (
            f"{self.mode:8s} N={self.viewers:5d} K={self.processes}  connected {self.connected}/{self.viewers} "
            f"({self.connect_rate:.0f}/s)  accepted {self.accepted}/{self.sent}  "
            f"p50 {self.p50 * 1000:6.0f} ms  p95 {self.p95 * 1000:6.0f} ms  p99 {self.p99 * 1000:6.0f} ms  "
            f"max {self.max * 1000:6.0f} ms  lost {self.lost}  dupes {self.dupes}  dropped {self.dropped}  "
            f"frames/viewer/s {self.frames_per_viewer_s:.1f}  RSS {self.server_rss_mib:.0f} MiB "
            f"({self.rss_per_conn_kib:.1f} KiB/conn)  CPU server {self.server_cpu:.0f}% gen {self.generator_cpu:.0f}% "
            f"redis {self.redis_cpu:.0f}% other {self.other_cpu:.0f}%  redis {self.redis_cps:.0f} cmd/s  "
            f"PUBLISH {self.redis_publish}  EVAL(SHA) {self.redis_evalsha}  send lag max {self.lag_max * 1000:.0f} ms"
            f"  -> {'holds' if self.holds else 'FAILS'}{notes}"
        )


def _spawn(context: Any, target: Any, *args: Any) -> tuple[Any, Any]:
    parent, child = context.Pipe()
    process = context.Process(target=target, args=(child, *args), daemon=True)
    process.start()
    return parent, process


def run_ladder(
    args: argparse.Namespace, world: World, redis: Redis, mode: str, processes: int, lesson: int, ladder: list[int]
) -> list[Result]:
    """Start the servers once; add viewers step by step (500 → 1000 → …), measuring a window at each."""
    results: list[Result] = []
    profile_dir = str(REPO / "var" / "bench_live_chat" / "profiles") if args.profile else None
    if profile_dir:
        Path(profile_dir).mkdir(parents=True, exist_ok=True)
    servers = start_servers(mode, processes, world, redis.url, profile_dir)
    context = mp.get_context("spawn")
    per_step = int(args.rate * args.seconds)
    max_seq = per_step * len(ladder)
    generators: list[tuple[Any, Any]] = []
    sender: tuple[Any, Any] | None = None
    began = time.perf_counter()
    try:
        warm_up(world, servers, lesson)
        ports = [server.port for server in servers]
        pids = [server.process.pid for server in servers]
        rss_start = sum(rss_bytes(pid) for pid in pids)
        for server in servers:
            server.new_errors()
        base = {
            "host": world.host,
            "path": f"tenant/{lesson}",
            "connect_timeout": args.connect_timeout,
            "connect_concurrency": args.connect_concurrency,
            "max_seq": max_seq,
        }
        senders = [(ports[i % len(ports)], token) for i, token in enumerate(world.sender_tokens[: args.senders])]
        sender = _spawn(context, sender_main, {**base, "clients": senders, "rate": args.rate, "ack_timeout": 10})
        _, sender_sockets, sender_errors = sender[0].recv()
        connected = 0
        for step, viewers in enumerate(ladder):
            if time.perf_counter() - began > args.budget:
                print(f"{mode} K={processes}: time budget of {args.budget:.0f} s used up, N={viewers} not run")
                break
            result = Result(mode, viewers, processes)
            if sender_errors:
                result.connect_errors.update({f"sender {k}": v for k, v in sender_errors.items()})
            # ---- connect the new viewers (their own generator processes)
            previous = connected if not results else results[-1].viewers
            new = [(ports[i % len(ports)], world.viewer_tokens[i]) for i in range(previous, viewers)]
            started = time.perf_counter()
            fresh = [
                _spawn(
                    context, generator_main, len(generators) + i, {**base, "clients": new[j : j + args.per_generator]}
                )
                for i, j in enumerate(range(0, len(new), args.per_generator))
            ]
            for parent, _ in fresh:
                _, ok, errors, _seconds = parent.recv()
                connected += ok
                for key, value in errors.items():
                    result.connect_errors[key] = result.connect_errors.get(key, 0) + value
            result.connect_rate = len(new) / (time.perf_counter() - started)
            generators += fresh
            result.connected = connected
            time.sleep(1)  # let the connect burst settle before the window
            rss = sum(rss_bytes(pid) for pid in pids)
            result.server_rss_mib = rss / 2**20
            result.rss_per_conn_kib = (rss - rss_start) / max(1, connected + sender_sockets) / 1024
            # ---- the measured window: sending, then draining
            for parent, _ in generators:
                parent.send(("mark", None))
                parent.recv()
            watched = {"server": pids, "gen": [p.pid for _, p in generators] + [sender[1].pid]}
            cpu_start = {k: sum(cpu_seconds(pid) for pid in v) for k, v in watched.items()}
            redis_cpu_start = cpu_seconds(redis.pid) if redis.pid else 0.0
            busy_start, _ = machine_busy_seconds()
            redis_start = redis.stats()
            window_start = time.perf_counter()
            low = step * per_step
            sender[0].send(("go", (time.time() + 0.2, low, per_step)))
            sent = sender[0].recv()
            accepted = sent["accepted"]
            result.sent, result.accepted, result.refused = per_step, len(accepted), sent["refused"]
            result.lag_max = sent["lag_max"]
            if sent["dead_senders"]:
                result.drop_reasons["sender sockets dropped"] = sent["dead_senders"]
            expected = len(accepted) * connected
            deadline = time.perf_counter() + args.drain
            while time.perf_counter() < deadline:
                for parent, _ in generators:
                    parent.send(("count", (low, low + per_step)))
                if sum(parent.recv() for parent, _ in generators) >= expected:
                    break
                time.sleep(0.2)
            window = time.perf_counter() - window_start
            cpu_end = {k: sum(cpu_seconds(pid) for pid in v) for k, v in watched.items()}
            redis_cpu = (cpu_seconds(redis.pid) - redis_cpu_start) if redis.pid else 0.0
            busy_end, _ = machine_busy_seconds()
            redis_end = redis.stats()
            result.window = window
            server_cpu = cpu_end["server"] - cpu_start["server"]
            generator_cpu = cpu_end["gen"] - cpu_start["gen"]
            result.server_cpu = 100 * server_cpu / window
            result.generator_cpu = 100 * generator_cpu / window
            result.redis_cpu = 100 * redis_cpu / window
            ours = server_cpu + generator_cpu + redis_cpu
            result.other_cpu = max(0.0, 100 * ((busy_end - busy_start) - ours) / window)
            result.redis_cps = (redis_end["commands"] - redis_start["commands"]) / window
            result.redis_publish = redis_end["publish"] - redis_start["publish"]
            result.redis_evalsha = (
                redis_end["evalsha"] + redis_end["eval"] - redis_start["evalsha"] - redis_start["eval"]
            )
            # ---- what every viewer got
            latencies = array("d")
            frames = 0
            for parent, _ in generators:
                parent.send(("collect", (accepted, low, low + per_step)))
            for parent, _ in generators:
                report = parent.recv()
                result.lost += report["lost"]
                result.dupes += report["dupes"]
                result.unexpected += report["unexpected"]
                result.dropped += report["dropped"]
                frames += report["frames"]
                for key, value in report["drop_reasons"].items():
                    result.drop_reasons[key] = result.drop_reasons.get(key, 0) + value
                chunk = array("d")
                chunk.frombytes(report["latencies"])
                latencies.extend(chunk)
            result.frames_per_viewer_s = frames / max(1, connected) / window
            ordered = sorted(latencies)
            result.delivered = len(ordered)
            result.p50, result.p95, result.p99 = (percentile(ordered, q) for q in (0.5, 0.95, 0.99))
            result.max = ordered[-1] if ordered else math.nan
            for server in servers:
                count, last = server.new_errors()
                result.server_errors += count
                result.last_error = last or result.last_error
            result.holds = (
                result.connected == viewers
                and result.accepted == per_step
                and result.lost == 0
                and result.dupes == 0
                and result.dropped == 0
                and result.p99 < args.target_p99
            )
            results.append(result)
            print(result.line(), flush=True)
            if not result.holds and not args.keep_going:
                break
    finally:
        for parent, process in [*generators, *([sender] if sender else [])]:
            try:
                parent.send(("close", None))
                if parent.poll(20):
                    parent.recv()
            except (OSError, EOFError):
                pass
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
        stop_servers(servers)
        errors = sum(server.new_errors()[0] for server in servers)
        if errors:
            print(
                f"{mode} K={processes}: {errors} server tracebacks while the sockets closed (see {servers[0].log.parent})"
            )
    if profile_dir:
        print_profile(profile_dir, mode)
    return results


def print_profile(profile_dir: str, mode: str) -> None:
    import pstats

    files = sorted(str(p) for p in Path(profile_dir).glob(f"{mode}-*.prof"))
    if not files:
        return
    for timers in sorted(Path(profile_dir).glob(f"{mode}-*.timers.json")):
        print(f"--- wall-clock timers of {timers.name}")
        for name, figures in json.loads(timers.read_text()).items():
            print(f"  {name:42s} {figures}")
        timers.unlink()
    stats = pstats.Stats(*files)
    print(f"--- cProfile of the {mode} server's event loop ({len(files)} process(es)), top by own time")
    stats.sort_stats("tottime").print_stats(18)
    print("--- ... by cumulative time")
    stats.sort_stats("cumulative").print_stats(25)
    for file in files:
        Path(file).unlink()


# ------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--viewers", default="500", help="comma-separated ladder, e.g. 500,1000,2000,5000")
    parser.add_argument("--rate", type=float, default=20.0, help="messages per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="sending window per step")
    parser.add_argument("--processes", default="1", help="web processes, comma-separated, e.g. 1,2")
    parser.add_argument(
        "--mode",
        default="both",
        help="comma-separated: product, baseline, product-nohop, product-fixed; both = product,baseline",
    )
    parser.add_argument("--senders", type=int, default=0, help="sender users (default: rate × 6)")
    parser.add_argument("--per-generator", type=int, default=2500, help="connections per load-generator process")
    parser.add_argument("--connect-concurrency", type=int, default=64, help="handshakes in flight per generator")
    parser.add_argument("--connect-timeout", type=float, default=120.0)
    parser.add_argument("--drain", type=float, default=8.0, help="max seconds to wait for deliveries after sending")
    parser.add_argument("--target-p99", type=float, default=0.5)
    parser.add_argument("--budget", type=float, default=900, help="seconds per ladder before skipping larger N")
    parser.add_argument("--keep-going", action="store_true", help="run larger N after a step fails")
    parser.add_argument("--profile", action="store_true", help="cProfile the servers' event loops (slower!)")
    parser.add_argument("--redis-url", default=None, help="use this Redis instead of a private redis-server")
    args = parser.parse_args()
    ladder = [int(v) for v in args.viewers.split(",")]
    process_counts = [int(v) for v in args.processes.split(",")]
    modes = ["product", "baseline"] if args.mode == "both" else args.mode.split(",")
    if not set(modes) <= set(APPS):
        parser.error(f"--mode: choose from {', '.join(APPS)} or both")
    args.senders = args.senders or max(1, int(args.rate * 6))
    raise_nofile()
    os.environ.setdefault("JWT_ACCESS_MINUTES", "240")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/partycloud")
    began = time.perf_counter()
    load = os.getloadavg()
    print(
        f"live chat bench: viewers {ladder}, {args.rate:g} msg/s for {args.seconds:g} s from {args.senders} senders, "
        f"web processes {process_counts}, modes {modes}; {os.cpu_count()} cores, load average before "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    redis = Redis(args.redis_url)
    results: list[Result] = []
    try:
        with bench_database(f"live_chat_{os.environ.get('TEST_RUN_ID', 'run')}") as database_url:
            runs = len(process_counts) * len(modes)
            world = build_world(database_url, max(ladder), args.senders, runs)
            lessons = iter(world.lessons)
            for processes in process_counts:
                for mode in modes:
                    results += run_ladder(args, world, redis, mode, processes, next(lessons), ladder)
    finally:
        redis.stop()
    print_summary(results, time.perf_counter() - began)


def print_summary(results: list[Result], elapsed: float) -> None:
    print()
    print(
        "| mode | N | web procs | connected | p50 | p95 | p99 | lost | dupes | RSS/conn | server CPU | Redis cmd/s | PUBLISH | EVALSHA | holds |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r.mode} | {r.viewers:,} | {r.processes} | {r.connected:,} | {r.p50 * 1000:.0f} ms | "
            f"{r.p95 * 1000:.0f} ms | {r.p99 * 1000:.0f} ms | {r.lost} | {r.dupes} | {r.rss_per_conn_kib:.0f} KiB | "
            f"{r.server_cpu:.0f}% | {r.redis_cps:,.0f} | {r.redis_publish:,} | {r.redis_evalsha:,} | "
            f"{'yes' if r.holds else 'no'} |"
        )
    by_key = {(r.mode, r.viewers, r.processes): r for r in results}
    for r in results:
        base = by_key.get(("baseline", r.viewers, r.processes))
        if r.mode.startswith("product") and base is not None and base.p99 > 0 and r.server_cpu > 0:
            print(
                f"N={r.viewers} K={r.processes}: baseline/{r.mode} p99 {base.p99 / r.p99:.2f}x, "
                f"server CPU {base.server_cpu / r.server_cpu:.2f}x, Redis commands {base.redis_cps / max(1, r.redis_cps):.1f}x"
            )
    for mode in sorted({r.mode for r in results}):
        for processes in sorted({r.processes for r in results}):
            held = [r.viewers for r in results if r.mode == mode and r.processes == processes and r.holds]
            print(f"largest N that holds, {mode}, {processes} web process(es): {max(held) if held else 'none'}")
    print(f"total {elapsed:.0f} s")


if __name__ == "__main__":
    main()
