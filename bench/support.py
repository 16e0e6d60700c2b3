"""Shared set-up for the benchmarks: a throwaway database on the configured server.

Every benchmark creates its own database (``partycloud_bench_<name>``), bootstraps the
platform in it, measures, and drops it. Figures are printed with the baseline measured
in the same run, so ratios stay meaningful on a noisy machine.
"""

from __future__ import annotations

import os
import statistics
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]


def _admin_connect(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    parsed = urlparse(url)
    return psycopg.connect(urlunparse(parsed._replace(path="/postgres")), autocommit=True)


@contextmanager
def bench_database(name: str) -> Iterator[str]:
    """Create ``partycloud_bench_<name>``, point Django at it, bootstrap; drop it afterwards."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/partycloud")
    database = f"partycloud_bench_{name}"
    with _admin_connect(base) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{database}"')
    url = urlunparse(urlparse(base)._replace(path=f"/{database}"))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partycloud.settings")
    os.environ.setdefault("TENANT_WARM_POOL_SIZE", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("bootstrap_platform", "--no-spares", verbosity=0)
    try:
        yield url
    finally:
        from django.db import connections

        connections.close_all()
        with _admin_connect(base) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def summarize(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(samples) * 1000:8.1f} ms  p95 {p95 * 1000:8.1f} ms  (n={len(samples)})"


def unified_code(serial: int) -> str:
    from partycloud.tenancy.models import unified_code_check_character

    first17 = f"91440000{serial:09d}"
    return first17 + unified_code_check_character(first17)
