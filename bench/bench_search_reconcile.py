"""The search index repair (issue 11): how long the periodic reconcile takes for a library whose
index is already current (the common case, every quarter hour), and for one with a few changes
whose index tasks were lost. PostgreSQL backend, the group's library in the public schema.

BENCH_RECONCILE_DOCS (default 10000) and BENCH_RECONCILE_CHANGED (default 100) scale the run.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import timedelta

from support import bench_database

DOCS = int(os.environ.get("BENCH_RECONCILE_DOCS", "10000"))
CHANGED = int(os.environ.get("BENCH_RECONCILE_CHANGED", "100"))
RUNS = 5
BODY = "坚持把党员教育管理放在突出位置，组织党员认真学习党的理论和路线方针政策。" * 20


def main() -> None:
    with bench_database("reconcile"):
        from django.utils import timezone

        from partycloud.search.indexing import reconcile_schema, reindex_schema
        from tenants.learning.models import Resource, ResourceKind, ResourceStatus

        now = timezone.now()
        Resource.objects.bulk_create(
            (
                Resource(
                    kind=ResourceKind.ARTICLE,
                    title=f"党员教育读本 第{number}篇",
                    body_html=f"<p>{BODY}</p>",
                    text=BODY,
                    status=ResourceStatus.PUBLISHED,
                    published_at=now - timedelta(minutes=number),
                )
                for number in range(DOCS)
            ),
            batch_size=1000,
        )
        started = time.perf_counter()
        indexed = reindex_schema("public")
        print(f"indexed {indexed} documents in {time.perf_counter() - started:.1f} s (for reference)")

        samples = []
        for _run in range(RUNS):
            report = reconcile_schema("public")
            assert (report.checked, report.reindexed, report.deleted) == (DOCS, 0, 0), report
            samples.append(report.seconds)
        print(
            f"reconcile, {DOCS} unchanged documents: median {statistics.median(samples) * 1000:.0f} ms, "
            f"max {max(samples) * 1000:.0f} ms (n={RUNS})"
        )

        changed = list(Resource.objects.order_by("id").values_list("id", flat=True)[:CHANGED])
        Resource.objects.filter(id__in=changed).update(updated_at=timezone.now())  # edits whose tasks were lost
        report = reconcile_schema("public")
        assert report.reindexed == CHANGED, report
        print(f"reconcile, {CHANGED} of {DOCS} changed: {report.seconds * 1000:.0f} ms ({report.reindexed} reindexed)")


if __name__ == "__main__":
    main()
