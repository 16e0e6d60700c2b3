"""Month close for 10,000 members (issue 5): assess a month, rerun it (idempotent), build the
ledger — against evaluating the bracket table alone for the same members (baseline)."""

from __future__ import annotations

import os
import time
from datetime import date
from decimal import Decimal

from support import bench_database, unified_code

MEMBERS = int(os.environ.get("BENCH_DUES_MEMBERS", "10000"))


def main() -> None:
    with bench_database("dues"):
        from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant
        from tenants.dues.assessments import do_assess_month, ledger
        from tenants.dues.models import DuesAssessment, DuesBase
        from tenants.dues.rules import RuleTable, monthly_dues
        from tenants.members.idcard import id_card_check_character
        from tenants.members.models import Member
        from tenants.organizations.services import do_create_organization

        tenant = do_provision_tenant(
            CommitteeDraft(name="基准党委", short_name="基准", slug="bench", unified_code=unified_code(9))
        )
        with tenant:
            committee = do_create_organization(kind="committee", name="基准党委")
            branches = [do_create_organization(kind="branch", name=f"第{i}支部", parent=committee) for i in range(50)]
            members = []
            for serial in range(MEMBERS):
                first17 = (
                    f"{110101 + serial // 1000:06d}1980{1 + serial % 12:02d}{1 + serial % 28:02d}{serial % 1000:03d}"
                )
                number = first17 + id_card_check_character(first17)
                members.append(Member(
                    name=f"党员{serial}", gender="male", birth_date=date(1980, 1 + serial % 12, 1 + serial % 28),
                    id_card_encrypted=number, id_card_index=f"bench-{serial}", id_card_masked=number[:3] + "*" * 11,
                    joined_on=date(2010, 7, 1), confirmed_on=date(2011, 7, 1), membership="full",
                    dues_category="retiree" if serial % 5 == 0 else "employee", organization=branches[serial % 50],
                ))  # fmt: skip
            Member.objects.bulk_create(members, batch_size=2000)
            bases = [
                DuesBase(member=m, amount=Decimal(2500 + (i * 37) % 15000), effective_from=date(2026, 1, 1))
                for i, m in enumerate(Member.objects.all())
            ]
            DuesBase.objects.bulk_create(bases, batch_size=2000)
            print(f"{MEMBERS} members in {len(branches)} branches")

            table = RuleTable.load(date(2026, 6, 1))
            started = time.perf_counter()
            for base in bases:
                monthly_dues("employee", base.amount, table=table)
            baseline = time.perf_counter() - started

            started = time.perf_counter()
            first = do_assess_month(date(2026, 6, 1))
            assess = time.perf_counter() - started
            started = time.perf_counter()
            rerun = do_assess_month(date(2026, 6, 1))
            again = time.perf_counter() - started
            started = time.perf_counter()
            rows = ledger(date(2026, 6, 1))
            ledger_seconds = time.perf_counter() - started
            assert first.created == MEMBERS
            assert rerun.unchanged == MEMBERS
            assert DuesAssessment.objects.count() == MEMBERS
            assert len(rows) == 50

        print(f"bracket table alone (baseline):     {baseline * 1000:8.0f} ms")
        print(
            f"assess the month (first run):       {assess * 1000:8.0f} ms = {MEMBERS / assess:6.0f} members/s ({assess / baseline:.1f}x the baseline)"
        )
        print(f"rerun (idempotent, nothing changes): {again * 1000:8.0f} ms")
        print(f"ledger for 50 branches:             {ledger_seconds * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
