"""CPU per request on the request path, in process (issue 14): Django's WSGI handler called
directly, no server, no sockets — what is left is Django's and our own work per request.

    python bench/profile_request_path.py                 # CPU ms per request, each endpoint
    python bench/profile_request_path.py --profile roles # plus cProfile's top functions

``time.process_time`` counts this process's CPU only, so other work on the machine changes the
figures much less than wall-clock timings (each endpoint is measured in alternating rounds).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time

from support import bench_database, unified_code

ROUNDS = 5
PER_ROUND = int(os.environ.get("BENCH_REQUESTS", "200"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="", help="an endpoint label to profile: healthz, site, roles")
    args = parser.parse_args()
    os.environ.setdefault("API_THROTTLE_USER", "1000000/min")
    os.environ.setdefault("API_THROTTLE_ANON", "1000000/min")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    with bench_database("request_cpu"):
        from django.core.handlers.wsgi import WSGIHandler
        from django.test.client import RequestFactory
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
        handler = WSGIHandler()
        factory = RequestFactory()
        roles = factory.get(
            "/api/v1/roles", HTTP_HOST=tenant.primary_host, HTTP_AUTHORIZATION=f"Bearer {token}"
        ).environ
        cases = {
            "healthz": factory.get("/healthz", HTTP_HOST="localhost").environ,
            "site": factory.get("/api/v1/site", HTTP_HOST=tenant.primary_host).environ,
            "roles": roles,
            # The same list the way issue 13 served it: a COUNT then the page, and django-filter's
            # form built and validated on every request (the same-run baseline of issue 14's changes).
            "roles-old": dict(roles, PC_BASELINE="1"),
        }

        from django.core.paginator import Paginator
        from django_filters.rest_framework import DjangoFilterBackend

        from partycloud.core.api import FilterBackend, PagePagination

        new_paginator, new_filter = PagePagination.django_paginator_class, FilterBackend.filter_queryset

        def call(environ: dict[str, object]) -> None:
            baseline = "PC_BASELINE" in environ
            PagePagination.django_paginator_class = Paginator if baseline else new_paginator
            FilterBackend.filter_queryset = DjangoFilterBackend.filter_queryset if baseline else new_filter  # type: ignore[method-assign]

            def start_response(status: str, headers: list[tuple[str, str]]) -> None:
                if not status.startswith("200"):
                    raise SystemExit(f"{environ['PATH_INFO']}: {status}")

            body = handler(dict(environ, **{"wsgi.input": io.BytesIO(b"")}), start_response)
            b"".join(body)
            body.close()

        for environ in cases.values():  # warm: connections, caches, imports
            for _ in range(20):
                call(environ)
        samples: dict[str, list[float]] = {label: [] for label in cases}
        for _ in range(ROUNDS):
            for label, environ in cases.items():
                started = time.process_time()
                for _ in range(PER_ROUND):
                    call(environ)
                samples[label].append((time.process_time() - started) / PER_ROUND * 1000)
        print(f"CPU per request, in process ({ROUNDS} rounds × {PER_ROUND}; load {os.getloadavg()[0]:.1f}):")
        base = statistics.median(samples["healthz"])
        for label, values in samples.items():
            median = statistics.median(values)
            print(f"  {label:8s} {median:6.2f} ms  (min {min(values):.2f}, {median / base:5.1f}× healthz)")
        if args.profile:
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(PER_ROUND):
                call(cases[args.profile])
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
            print(out.getvalue())
        sys.stdout.flush()


if __name__ == "__main__":
    main()
