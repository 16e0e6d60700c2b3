"""The group's annual statistics report over 200 tenants of 50 members each (issue 7): the whole
report (each tenant read in its own schema, synchronously) against touching every schema with
one count query (baseline: the cost of switching 200 schemas at all)."""

from __future__ import annotations

import os
import time
from datetime import date, timedelta

from support import bench_database, summarize, unified_code

TENANTS = int(os.environ.get("BENCH_REPORT_TENANTS", "200"))
MEMBERS = int(os.environ.get("BENCH_REPORT_MEMBERS", "50"))
RUNS = int(os.environ.get("BENCH_REPORT_RUNS", "3"))
END = date(2025, 12, 31)


def populate(serial: int) -> None:
    """A committee, three branches, MEMBERS members: most since long ago, a few joined, moved,
    died or left during the year (the active schema)."""
    from tenants.members.models import Member, MemberChange, MemberTenure
    from tenants.organizations.services import do_create_organization

    committee = do_create_organization(kind="committee", name=f"基准{serial}党委", established_on=date(2000, 1, 1))
    branches = [
        do_create_organization(kind="branch", name=f"第{i}支部", parent=committee, established_on=date(2000, 1, 1))
        for i in range(3)
    ]
    members = [
        Member(
            name=f"党员{i}", gender="female" if i % 3 == 0 else "male", ethnicity="回族" if i % 17 == 0 else "汉族",
            birth_date=date(1950 + i % 50, 1 + i % 12, 1 + i % 28), id_card_encrypted="x",
            id_card_index=f"bench-{serial}-{i}", id_card_masked="x", education=["bachelor", "college", ""][i % 3],
            job=["工程师", "经理", "司机", ""][i % 4], joined_on=date(1980 + i % 45, 7, 1), membership="full",
            dues_category="retiree" if i % 7 == 0 else "employee", organization=branches[i % 3],
        )
        for i in range(MEMBERS)
    ]  # fmt: skip
    Member.objects.bulk_create(members)
    tenures, changes = [], []
    for i, member in enumerate(members):
        started = END - timedelta(days=100) if i % 10 == 0 else date(2015, 1, 1)
        ended = END - timedelta(days=30) if i % 13 == 0 else None
        tenures.append(MemberTenure(member=member, organization=member.organization, membership="full",
                                    started_on=started, ended_on=ended))  # fmt: skip
        if ended is not None:
            changes.append(MemberChange(member=member, kind="status", effective_on=ended,
                                        changes={"status": ["active", "deceased" if i % 2 else "left"]}))  # fmt: skip
    MemberTenure.objects.bulk_create(tenures)
    MemberChange.objects.bulk_create(changes)


def main() -> None:
    with bench_database("annual_report"):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from partycloud.statistics.figures import tenant_figures
        from partycloud.statistics.report import group_report
        from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant
        from tenants.members.models import MemberTenure

        started = time.perf_counter()
        tenants = []
        for serial in range(TENANTS):
            tenant = do_provision_tenant(
                CommitteeDraft(
                    name=f"基准{serial}党委", short_name=f"基准{serial}", slug=f"bench{serial}",
                    unified_code=unified_code(1000 + serial),
                )
            )  # fmt: skip
            with tenant:
                populate(serial)
            tenants.append(tenant)
        print(f"{TENANTS} tenants × {MEMBERS} members provisioned in {time.perf_counter() - started:.1f} s")

        baseline, report = [], []
        for _run in range(RUNS):
            started = time.perf_counter()
            for tenant in tenants:
                with tenant:
                    MemberTenure.objects.count()
            baseline.append(time.perf_counter() - started)
            started = time.perf_counter()
            result = group_report(END)
            report.append(time.perf_counter() - started)
            assert result.ok, [check.name for check in result.checks if not check.ok][:5]
            assert len(result.table("members").rows) == TENANTS + 1
        connection.queries_log.clear()  # the log keeps 9,000 entries: make room to count
        with tenants[0], CaptureQueriesContext(connection) as captured:
            tenant_figures(date(2024, 12, 31), END)
        total = result.table("members").rows[-1]
        print(f"group total: {total['start_total']} → {total['end_total']} members, checks {len(result.checks)}")
        statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith("SET search_path")]
        print(f"queries per tenant: {len(statements)}")
        print(f"one count per schema (baseline): {summarize(baseline)}")
        print(f"the group report:                {summarize(report)}")
        print(f"per tenant: {min(report) / TENANTS * 1000:.1f} ms ({min(report) / min(baseline):.1f}x the baseline)")


if __name__ == "__main__":
    main()
