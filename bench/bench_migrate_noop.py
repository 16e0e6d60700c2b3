"""No-op ``migrate_schemas`` at 50 tenants: the parallel (multiprocessing) executor vs the
standard one, same database, same run. This is the upgrade hook's floor cost."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from support import REPO, bench_database, unified_code

TENANTS = int(os.environ.get("BENCH_TENANTS", "50"))
ROUNDS = 3


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    with bench_database("migrate") as database_url:
        from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant

        started = time.perf_counter()
        for index in range(TENANTS):
            do_provision_tenant(
                CommitteeDraft(
                    name=f"单位{index}",
                    short_name=f"单位{index}",
                    slug=f"unit{index}",
                    unified_code=unified_code(index),
                )
            )
        print(f"provisioned {TENANTS} tenants by cloning in {time.perf_counter() - started:.1f} s")

        env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": f"{REPO}:{REPO / 'platform'}"}
        base = [sys.executable, "manage.py", "migrate_schemas", "--noinput", "-v", "0"]
        results = {}
        for executor in ("standard", "multiprocessing"):
            samples = [timed([*base, f"--executor={executor}"], env) for _ in range(ROUNDS)]
            results[executor] = statistics.median(samples)
            print(
                f"no-op migrate_schemas, {executor:15s} executor: median {results[executor]:6.2f} s  (runs: "
                + ", ".join(f"{s:.2f}" for s in samples)
                + ")"
            )
        print(
            f"ratio standard/multiprocessing: {results['standard'] / results['multiprocessing']:.2f}x "
            f"({os.cpu_count()} cores, TENANT_MULTIPROCESSING_MAX_PROCESSES="
            f"{os.environ.get('TENANT_MULTIPROCESSING_MAX_PROCESSES', '2')})"
        )


if __name__ == "__main__":
    main()
