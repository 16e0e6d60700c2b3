"""Group dashboard at 200 tenants × 500 members (issue 7).

Prints, from one run:
- the dashboard API (rollups only): p50/p95 over repeated requests;
- the same figures computed naively by looping over the tenant schemas (the baseline), and the ratio;
- the relay of the initial load and a full recompute of every rollup;
- the time from a change in a tenant to the dashboard showing it, with a real Celery worker and
  beat draining the outboxes (the schedule drains every 10 s).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

# The bench's worker and beat get a Redis database of their own.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")

from support import REPO, bench_database, summarize, unified_code

TENANTS = int(os.environ.get("BENCH_TENANTS", "200"))
MEMBERS = int(os.environ.get("BENCH_MEMBERS_PER_TENANT", "500"))
BRANCHES = 5
REQUESTS = int(os.environ.get("BENCH_DASHBOARD_REQUESTS", "100"))


def populate(tenant, serial_base: int) -> None:  # type: ignore[no-untyped-def]
    from tenants.dues.models import DuesAssessment
    from tenants.members.models import Member, MemberTenure
    from tenants.organizations.services import do_create_organization

    today = date.today()
    with tenant:
        committee = do_create_organization(kind="committee", name=f"{tenant.short_name}党委")
        branches = [
            do_create_organization(kind="branch", name=f"第{i + 1}党支部", parent=committee) for i in range(BRANCHES)
        ]
        members = []
        for index in range(MEMBERS):
            serial = serial_base + index
            members.append(Member(
                name=f"党员{serial}", gender="female" if serial % 3 == 0 else "male",
                birth_date=date(1960 + serial % 40, 1 + serial % 12, 1 + serial % 28),
                id_card_encrypted="x", id_card_index=f"bench-{serial}", id_card_masked="110***********0000",
                education=["bachelor", "college", "postgraduate", "secondary"][serial % 4],
                joined_on=date(1990 + serial % 34, 7, 1), confirmed_on=date(1991 + serial % 34, 7, 1),
                membership="probationary" if serial % 20 == 0 else "full",
                dues_category="retiree" if serial % 5 == 0 else "employee", organization=branches[serial % BRANCHES],
            ))  # fmt: skip
        for member in members:
            if member.membership == "probationary":
                member.confirmed_on = None
        created = Member.objects.bulk_create(members, batch_size=1000)
        MemberTenure.objects.bulk_create(
            MemberTenure(member=m, organization=m.organization, membership=m.membership, started_on=m.joined_on)
            for m in created
        )
        month = today.replace(day=1)
        DuesAssessment.objects.bulk_create(
            DuesAssessment(
                member=m, organization=m.organization, month=month, category=m.dues_category, base=Decimal(6000),
                amount=Decimal("60.00"), rule_version="2008.1", explanation="bench",
                status="paid" if i % 4 else "due", paid_amount=Decimal("60.00") if i % 4 else Decimal(0),
            )
            for i, m in enumerate(created)
        )  # fmt: skip


def naive_figures(tenants) -> dict:  # type: ignore[no-untyped-def]
    """The baseline: the same figures computed from every tenant's own tables, one after another."""
    from partycloud.rollups import dashboard as board
    from partycloud.rollups.metrics import METRICS, Scope, month_start

    today = date.today()
    group: dict = {}
    for tenant in tenants:
        values: dict = {}
        with tenant:
            scope = Scope(today=today, periods=frozenset({month_start(today)}))
            for metric in METRICS.values():
                for _organization, _period, dimension, value in metric.compute(scope):
                    key = (metric.name, dimension)
                    values[key] = values.get(key, Decimal(0)) + value
        board.figures(values)
        board._merge(group, values)
    return board.figures(group)


def main() -> None:
    with bench_database("dashboard") as url:
        from django.test import Client

        from partycloud.accounts.models import GroupRole, GroupRoleKind, User
        from partycloud.rollups import dashboard as board
        from partycloud.rollups.recompute import recompute_all
        from partycloud.rollups.relay import relay_until_empty, relayable_tenants
        from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant
        from tenants.members.models import Member

        started = time.perf_counter()
        tenants = []
        for index in range(TENANTS):
            tenant = do_provision_tenant(
                CommitteeDraft(
                    name=f"第{index + 1}子公司党委", short_name=f"子公司{index + 1}", slug=f"sub{index + 1}",
                    unified_code=unified_code(1000 + index),
                )
            )  # fmt: skip
            populate(tenant, index * MEMBERS)
            tenants.append(tenant)
        print(f"{TENANTS} tenants × {MEMBERS} members = {TENANTS * MEMBERS:,} members, set up in "
              f"{time.perf_counter() - started:.0f} s")  # fmt: skip

        started = time.perf_counter()
        events = sum(relay_until_empty(tenant).events for tenant in relayable_tenants())
        relay_seconds = time.perf_counter() - started
        print(f"relay of the initial load:        {relay_seconds:8.1f} s  ({events} outbox rows)")

        started = time.perf_counter()
        report = recompute_all()
        recompute_seconds = time.perf_counter() - started
        print(f"full recompute (nightly job):     {recompute_seconds:8.1f} s  (drift found: {report.rows_fixed} rows)")

        admin = User.objects.create_user(phone="13800009999", name="基准管理员", password="Bench-12345")
        GroupRole.objects.create(user=admin, role=GroupRoleKind.GROUP_ADMIN)
        client = Client(HTTP_HOST="localhost")
        client.force_login(admin)
        assert client.get("/api/v1/group/dashboard").status_code == 200
        miss_samples = []
        for _ in range(REQUESTS):
            board.thresholds_changed()  # a new cache key: computed from the rollups on every request
            started = time.perf_counter()
            response = client.get("/api/v1/group/dashboard")
            miss_samples.append(time.perf_counter() - started)
            assert response.status_code == 200
        api_samples = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = client.get("/api/v1/group/dashboard")
            api_samples.append(time.perf_counter() - started)
            assert response.status_code == 200
        kpis = response.json()["kpis"]
        assert kpis["members"] == TENANTS * MEMBERS, kpis["members"]

        trend_samples = []
        for _ in range(20):
            started = time.perf_counter()
            assert client.get("/api/v1/group/dashboard/trends").status_code == 200
            trend_samples.append(time.perf_counter() - started)
        print(f"trends API (12 months):           {summarize(trend_samples)}")

        naive_samples = []
        for _ in range(3):
            started = time.perf_counter()
            naive = naive_figures(relayable_tenants())
            naive_samples.append(time.perf_counter() - started)
        assert float(naive["members"] or 0) == kpis["members"]

        def p95(samples: list[float]) -> float:
            return sorted(samples)[round(0.95 * (len(samples) - 1))]

        print(f"dashboard API, computed:          {summarize(miss_samples)}")
        print(f"dashboard API, cached:            {summarize(api_samples)}")
        print(f"naive loop over {TENANTS} schemas:     {summarize(naive_samples)}")
        naive = statistics.median(naive_samples)
        print(f"ratio naive ÷ API p95:            {naive / p95(miss_samples):8.0f}× computed, "
              f"{naive / p95(api_samples):.0f}× cached")  # fmt: skip

        # Change → dashboard with a real worker and beat.
        env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": f"{REPO}:{REPO / 'platform'}"}
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "partycloud.celery", "worker", "-B", "--concurrency", "1",
             "--loglevel", "WARNING", "-s", str(Path(tempfile.mkdtemp()) / "beat-schedule")],
            cwd=REPO, env=env,
        )  # fmt: skip
        try:
            time.sleep(8)  # the worker starts and the first drains run
            tenant = tenants[TENANTS // 2]
            with tenant:
                member = Member.objects.first()
                assert member is not None
                before = board.dashboard(board.parse_period(None))["tenants"]
                members_before = next(row for row in before if row["id"] == tenant.pk)["figures"]["members"]
                changed = time.perf_counter()
                Member.objects.filter(pk=member.pk).update(status="deceased")
            deadline = changed + 120
            while time.perf_counter() < deadline:
                rows = board.dashboard(board.parse_period(None))["tenants"]
                if next(row for row in rows if row["id"] == tenant.pk)["figures"]["members"] == members_before - 1:
                    break
                time.sleep(0.2)
            latency = time.perf_counter() - changed
            print(f"change → dashboard (worker+beat): {latency:8.1f} s  (drain every 10 s; target < 60 s)")
        finally:
            worker.terminate()
            worker.wait(timeout=30)


if __name__ == "__main__":
    main()
