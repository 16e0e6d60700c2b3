"""The request path (issue 14): an authenticated, tenant-routed API list vs a trivial Django view,
on the production server layout.

Starts the web server exactly as `make run` and the chart do (scripts/webserver.py: uvicorn,
WEB_CONCURRENCY processes, HTTP on WEB_THREADS threads each), then keeps 32 requests in
flight for BENCH_SECONDS per endpoint with `wrk` (or an httpx client when wrk is missing) and
opens tenant WebSockets (/ws/notifications?token=…) from 32 clients for the same time.
Everything shares the machine's cores: compare the ratios, measured in the same run.

    python bench/bench_request_overhead.py                      # the production layout
    python bench/bench_request_overhead.py --layouts threads,asgi,asgi-1,gthread --workers 2

Layouts: ``threads`` (production: uvicorn workers, HTTP through Django's WSGI handler on a
thread pool, persistent database connections), ``asgi`` (uvicorn workers, Django's ASGI
handler, a connection per request), ``asgi-1`` (issue 2's layout: one uvicorn process),
``gthread`` (gunicorn's threaded WSGI workers: HTTP only, no WebSockets; needs gunicorn, which is
not a dependency: `uv pip install gunicorn` to compare).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
from support import REPO, bench_database, unified_code

CONCURRENCY = 32
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))


def _webserver():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("webserver", REPO / "scripts" / "webserver.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


webserver = _webserver()


def server_command(layout: str, port: int, processes: int) -> tuple[list[str], dict[str, str]]:
    quiet = ["--log-level", "warning", "--no-access-log"]
    if layout == "threads":
        return webserver.command(sys.executable, host="127.0.0.1", port=port, processes=processes, extra=quiet), {}
    if layout == "asgi":
        command = webserver.command(sys.executable, host="127.0.0.1", port=port, processes=processes, extra=quiet)
        return command, {"WEB_THREADS": "0", "DATABASE_CONN_MAX_AGE": "0"}
    if layout == "asgi-1":
        command = webserver.command(sys.executable, host="127.0.0.1", port=port, processes=1, extra=quiet)
        return command, {"WEB_THREADS": "0", "DATABASE_CONN_MAX_AGE": "0"}
    if layout == "gthread":
        threads = os.environ.get("WEB_THREADS", "8")
        command = [
            sys.executable, "-m", "gunicorn", "partycloud.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", str(processes), "--worker-class", "gthread", "--threads", threads, "--log-level", "warning",
        ]  # fmt: skip
        return command, {}
    raise SystemExit(f"unknown layout {layout!r}")


async def load(port: int, host: str, path: str, headers: dict[str, str]) -> tuple[float, float, float, dict[str, int]]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers={"Host": host, **headers}, limits=limits
    ) as client:
        await asyncio.gather(*(client.get(path) for _ in range(CONCURRENCY)))
        deadline = time.perf_counter() + SECONDS

        async def worker() -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors[str(response.status_code)] = errors.get(str(response.status_code), 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return len(latencies) / elapsed, statistics.median(latencies), ordered[int(0.99 * (len(ordered) - 1))], errors


def _seconds(text: str) -> float:
    for unit, factor in (("us", 1e-6), ("ms", 1e-3), ("s", 1.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


def load_with_wrk(
    port: int, host: str, path: str, headers: dict[str, str]
) -> tuple[float, float, float, dict[str, int]]:
    """wrk (C, one thread) leaves more CPU to the server than a Python client does."""
    command = [
        "wrk",
        "-t1",
        f"-c{CONCURRENCY}",
        f"-d{int(SECONDS)}s",
        "--timeout",
        "30s",
        "--latency",
        "-H",
        f"Host: {host}",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    # A short warm-up: every process and thread has its connections and caches.
    subprocess.run([*command[:3], "-d2s", *command[4:], f"http://127.0.0.1:{port}{path}"], capture_output=True)
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    fields = {line.split()[0]: line.split() for line in output.splitlines() if line.split()}
    rps = float(fields["Requests/sec:"][1])
    median, p99 = _seconds(fields["50%"][1]), _seconds(fields["99%"][1])
    errors: dict[str, int] = {}
    if "Non-2xx" in output:
        errors["non-2xx"] = int(output.split("Non-2xx or 3xx responses:")[1].split()[0])
    if "Socket errors:" in output:
        errors["socket"] = sum(
            int(part.split()[-1]) for part in output.split("Socket errors:")[1].splitlines()[0].split(",")
        )
    return rps, median, p99, errors


async def websocket_connects(port: int, host: str, token: str) -> tuple[float, float, float, int]:
    """Connections/s: open /ws/notifications, wait for its hello, close; 32 clients at a time."""
    import websockets

    latencies: list[float] = []
    failures = 0
    # The tenant's host in the URI (the Host header), connected to 127.0.0.1: no DNS involved.
    uri = f"ws://{host}:{port}/ws/notifications?token={token}"
    deadline = time.perf_counter() + SECONDS

    async def client() -> None:
        nonlocal failures
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                async with websockets.connect(uri, host="127.0.0.1", port=port, compression=None) as socket:
                    hello = await asyncio.wait_for(socket.recv(), 10)
                    if '"hello"' not in str(hello):
                        failures += 1
            except (TimeoutError, OSError, websockets.WebSocketException):
                failures += 1
                continue
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CONCURRENCY)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies) or [0.0]
    return len(latencies) / elapsed, statistics.median(ordered), ordered[int(0.99 * (len(ordered) - 1))], failures


def wait_for(port: int, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("the server did not answer /healthz within 30 s")


def run_layout(
    layout: str, processes: int, cases: list[tuple[str, str, str, dict[str, str]]], ws: tuple[str, str]
) -> None:
    port = 8790
    command, overrides = server_command(layout, port, processes)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "partycloud.settings",
        "DJANGO_DEBUG": "0",
        "API_THROTTLE_USER": "1000000/min",
        "API_THROTTLE_ANON": "1000000/min",
        "PYTHONPATH": f"{REPO}:{REPO / 'platform'}",
        **overrides,
    }
    server = subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True)
    try:
        wait_for(port, server)
        for _label, host, path, headers in cases:  # every case answers 200 before it is measured
            response = httpx.get(f"http://127.0.0.1:{port}{path}", headers={"Host": host, **headers}, timeout=30)
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code} {response.text[:300]}")
        if layout == "asgi-1":
            processes = 1
        print(f"\n== layout {layout}, {processes} process(es); load before: {os.getloadavg()[0]:.1f}", flush=True)
        results: dict[str, tuple[float, float]] = {}
        for label, host, path, headers in cases:
            if shutil.which("wrk"):
                rps, median, p99, errors = load_with_wrk(port, host, path, headers)
            else:
                rps, median, p99, errors = asyncio.run(load(port, host, path, headers))
            results[label] = (rps, p99)
            print(
                f"{label:50s} {rps:8.0f} req/s  median {median * 1000:6.1f} ms  p99 {p99 * 1000:6.1f} ms  errors {errors or 'none'}",
                flush=True,
            )
        base_rps, base_p99 = results[cases[0][0]]
        for label, (rps, p99) in list(results.items())[1:]:
            print(
                f"  {label.split('  ')[0]}: {rps / base_rps:.0%} of /healthz's req/s, p99 {p99 / base_p99:.2f}x /healthz's"
            )
        if layout != "gthread":
            rate, median, p99, failures = asyncio.run(websocket_connects(port, *ws))
            print(
                f"{'WebSocket connect + hello  /ws/notifications':50s} {rate:8.0f} conn/s median {median * 1000:6.1f} ms  p99 {p99 * 1000:6.1f} ms  failures {failures}",
                flush=True,
            )
        print(f"load after: {os.getloadavg()[0]:.1f}")
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=20)


def main() -> None:
    import logging

    parser = argparse.ArgumentParser()
    parser.add_argument("--layouts", default="threads", help="comma-separated: threads, asgi, asgi-1, gthread")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: WEB_CONCURRENCY or 2)")
    args = parser.parse_args()
    processes = args.workers or webserver.workers()

    logging.getLogger("httpx").setLevel(logging.WARNING)
    with bench_database("request_path") as database_url:
        from rest_framework_simplejwt.tokens import RefreshToken

        from partycloud.accounts.models import User
        from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant
        from tenants.access.services import do_assign_role

        admin = User.objects.create_user("13700000001", "bench-pass-2026", name="基准管理员")
        tenant = do_provision_tenant(
            CommitteeDraft(name="基准公司党委", short_name="基准", slug="bench", unified_code=unified_code(1)),
            first_admin=admin,
        )
        with tenant:
            for index in range(19):
                do_assign_role(
                    user=User.objects.create_user(f"137000001{index:02d}", "bench-pass-2026", name=f"党员{index}"),
                    role="member",
                )
        token = str(RefreshToken.for_user(admin).access_token)
        os.environ["DATABASE_URL"] = database_url
        cases = [
            ("trivial Django view  GET /healthz", "localhost", "/healthz", {}),
            ("tenant-routed, anonymous  GET /api/v1/site", tenant.primary_host, "/api/v1/site", {}),
            (
                "tenant-routed, JWT, DRF list  GET /api/v1/roles",
                tenant.primary_host,
                "/api/v1/roles",
                {"Authorization": f"Bearer {token}"},
            ),
        ]
        print(f"{os.cpu_count()} cores; uptime: {Path('/proc/loadavg').read_text().strip()}")
        for layout in args.layouts.split(","):
            run_layout(layout.strip(), processes, cases, (tenant.primary_host, token))


if __name__ == "__main__":
    main()
