"""Cost per request of the observability and CSP middlewares (issue 14), in process.

Each middleware wraps a view that returns at once, called with a real request whose URL has
been resolved (a DRF router route) and a tenant on it, like the request path after routing:
the difference to calling the view alone is what the middleware adds to every request. Run
twice: one process (development) and with PROMETHEUS_MULTIPROC_DIR (production: values in
memory-mapped files). Also: the time of one /metrics scrape after traffic over 200 tenants
and 60 routes (the collectors that need Redis/PostgreSQL excluded: they are one query each).

Rounds alternate baseline and middleware; the minimum per round is reported (the machine is
shared: the minimum is the least disturbed figure).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]
CALLS = int(os.environ.get("BENCH_CALLS", "20000"))
ROUNDS = 5


def per_call(function, request) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    for _ in range(CALLS):
        function(request)
    return (time.perf_counter() - started) / CALLS


def measure() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partycloud.settings")
    os.environ.setdefault("METRICS_TOKEN", "bench-token")
    import django

    django.setup()
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.urls import resolve

    from partycloud.core.csp import ContentSecurityPolicyMiddleware
    from partycloud.observability.metrics import metrics_view, observe_request
    from partycloud.observability.middleware import RequestObservabilityMiddleware

    class Tenant:
        schema_name = "t_bench"

    def json_view(request):  # type: ignore[no-untyped-def]
        request.resolver_match = match
        request.tenant = Tenant()
        return HttpResponse(b"{}", content_type="application/json")

    def html_view(request):  # type: ignore[no-untyped-def]
        return HttpResponse(b"<!doctype html>", content_type="text/html; charset=utf-8")

    match = resolve("/api/v1/roles", urlconf="partycloud.urls_tenant")
    request = RequestFactory().get("/api/v1/roles", HTTP_HOST="alpha.localhost")
    observed = RequestObservabilityMiddleware(json_view)
    csp = ContentSecurityPolicyMiddleware(html_view)
    rows = {"view alone": [], "+ RequestObservabilityMiddleware": [], "html view alone": [], "+ CSP middleware": []}
    for _ in range(ROUNDS):
        rows["view alone"].append(per_call(json_view, request))
        rows["+ RequestObservabilityMiddleware"].append(per_call(observed, request))
        rows["html view alone"].append(per_call(html_view, request))
        rows["+ CSP middleware"].append(per_call(csp, request))
    mode = "multiprocess" if os.environ.get("PROMETHEUS_MULTIPROC_DIR") else "one process"
    best = {name: min(values) * 1e6 for name, values in rows.items()}
    print(f"[{mode}] {CALLS} calls x {ROUNDS} rounds, best round, microseconds per request")
    for name, value in best.items():
        print(f"  {name:34s} {value:8.2f} us")
    print(
        f"  observability middleware adds     {best['+ RequestObservabilityMiddleware'] - best['view alone']:8.2f} us"
    )
    print(f"  CSP middleware adds                {best['+ CSP middleware'] - best['html view alone']:8.2f} us")
    # A scrape after traffic over 200 tenants and 60 routes (labels as production would see them).
    from partycloud.observability import metrics

    metrics._collectors.clear()  # the Redis/PostgreSQL collectors: one query each, not measured here
    for tenant in range(200):
        for route in range(60):
            observe_request("GET", f"api/v1/route{route}", 200, f"t_{tenant}", 0.01)
    scrape = RequestFactory().get("/metrics", HTTP_AUTHORIZATION="Bearer bench-token")
    times = []
    for _ in range(5):
        started = time.perf_counter()
        body = metrics_view(scrape).content
        times.append(time.perf_counter() - started)
    print(f"  /metrics scrape (60 routes, 200 tenants, {len(body) // 1024} KiB)  {min(times) * 1000:8.1f} ms")


def main() -> None:
    if os.environ.get("BENCH_CHILD"):
        measure()
        return
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    for extra in ({}, {"PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="bench-prom-")}):
        subprocess.run([sys.executable, __file__], env={**os.environ, "BENCH_CHILD": "1", **extra}, check=True)


if __name__ == "__main__":
    main()
