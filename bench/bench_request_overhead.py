"""Request overhead: an authenticated, tenant-routed API list vs a trivial Django view.

One uvicorn worker serves both; a load generator in this process keeps 32 requests in
flight for a fixed time per endpoint. The client shares the machine's two cores with the
server, so absolute numbers understate a real deployment: compare the ratios.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import time

import httpx
from support import REPO, bench_database, unified_code

CONCURRENCY = 32
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))


async def load(port: int, host: str, path: str, headers: dict[str, str]) -> tuple[float, float, float, dict[int, int]]:
    latencies: list[float] = []
    errors: dict[int, int] = {}
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers={"Host": host, **headers}, limits=limits
    ) as client:
        # Warm up connections and caches.
        await asyncio.gather(*(client.get(path) for _ in range(CONCURRENCY)))
        deadline = time.perf_counter() + SECONDS

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors[response.status_code] = errors.get(response.status_code, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    p99 = ordered[int(0.99 * (len(ordered) - 1))]
    return len(latencies) / elapsed, statistics.median(latencies), p99, errors


def _seconds(text: str) -> float:
    units = {"us": 1e-6, "ms": 1e-3, "s": 1.0}
    for unit in ("us", "ms", "s"):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * units[unit]
    return float(text)


def load_with_wrk(
    port: int, host: str, path: str, headers: dict[str, str]
) -> tuple[float, float, float, dict[int, int]]:
    """wrk (C, one thread) leaves more CPU to the server than a Python client does."""
    command = ["wrk", "-t1", f"-c{CONCURRENCY}", f"-d{int(SECONDS)}s", "--latency", "-H", f"Host: {host}"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    fields = {line.split()[0]: line.split() for line in output.splitlines() if line.split()}
    rps = float(fields["Requests/sec:"][1])
    median, p99 = _seconds(fields["50%"][1]), _seconds(fields["99%"][1])
    errors = {}
    if "Non-2xx" in output:
        errors = {0: int(output.split("Non-2xx or 3xx responses:")[1].split()[0])}
    return rps, median, p99, errors


def main() -> None:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    with bench_database("requests") as database_url:
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

        port = 8790
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "partycloud.settings",
            "DJANGO_DEBUG": "0",
            "API_THROTTLE_USER": "1000000/min",
            "API_THROTTLE_ANON": "1000000/min",
            "PYTHONPATH": f"{REPO}:{REPO / 'platform'}",
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "partycloud.asgi:application",
                "--port",
                str(port),
                "--lifespan",
                "off",
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            cwd=REPO,
            env=env,
        )
        try:
            for _ in range(100):
                try:
                    httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
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
            results = {}
            for label, host, path, headers in cases:
                if shutil.which("wrk"):
                    rps, median, p99, errors = load_with_wrk(port, host, path, headers)
                else:
                    rps, median, p99, errors = asyncio.run(load(port, host, path, headers))
                results[label] = rps
                print(
                    f"{label:52s} {rps:8.0f} req/s  median {median * 1000:6.1f} ms  p99 {p99 * 1000:6.1f} ms  errors {errors or 'none'}"
                )
            baseline = results[cases[0][0]]
            for label, rps in list(results.items())[1:]:
                print(f"ratio trivial/{label.split('  ')[0]}: {baseline / rps:.2f}x")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
