"""Importing 10,000 members from a spreadsheet (issue 4), against the per-record service
path measured in the same run as the baseline."""

from __future__ import annotations

import io
import os
import time

from support import bench_database, unified_code

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
BASELINE_ROWS = 300


def id_card(serial: int) -> str:
    from tenants.members.idcard import id_card_check_character

    birth = f"19{50 + serial % 40:02d}{1 + serial % 12:02d}{1 + serial % 28:02d}"
    first17 = f"{110101 + serial // 1000:06d}{birth}{serial % 1000:03d}"
    return first17 + id_card_check_character(first17)


def main() -> None:
    with bench_database("import"):
        from openpyxl import Workbook

        from partycloud.accounts.models import User
        from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant
        from tenants.members.imports import COLUMNS, run_import
        from tenants.members.models import Member, MemberImport
        from tenants.members.services import do_create_member
        from tenants.organizations.services import do_create_organization

        admin = User.objects.create_user("13700000009", "bench-pass-2026", name="基准管理员")
        tenant = do_provision_tenant(
            CommitteeDraft(name="基准公司党委", short_name="基准", slug="bench", unified_code=unified_code(7)),
            first_admin=admin,
        )
        with tenant:
            committee = do_create_organization(kind="committee", name="基准公司党委")
            branches = [
                do_create_organization(kind="branch", name=f"第{i}党支部", parent=committee) for i in range(1, 41)
            ]

            workbook = Workbook()
            sheet = workbook.active
            sheet.append(list(COLUMNS))
            for serial in range(ROWS):
                sheet.append(["党员" + str(serial), "男" if serial % 2 else "女", "汉族", id_card(serial), "大学本科", "职员",
                              "", f"E{serial:06d}", "2010.07.01", "2011/7/1", "正式党员", "在职",
                              branches[serial % len(branches)].name])  # fmt: skip
            buffer = io.BytesIO()
            workbook.save(buffer)
            content = buffer.getvalue()
            print(f"spreadsheet: {ROWS} rows, {len(content) / 1e6:.1f} MB, {len(branches)} branches")

            started = time.perf_counter()
            job = run_import(MemberImport.objects.create(filename="bench.xlsx", content=content), actor=admin)
            bulk_seconds = time.perf_counter() - started
            assert job.status == "succeeded", job.errors[:3]
            assert Member.objects.count() == ROWS

            started = time.perf_counter()
            for serial in range(ROWS, ROWS + BASELINE_ROWS):
                do_create_member(
                    {"name": f"党员{serial}", "gender": "male", "joined_on": __import__("datetime").date(2010, 7, 1),
                     "confirmed_on": __import__("datetime").date(2011, 7, 1), "membership": "full",
                     "dues_category": "employee", "organization": branches[serial % len(branches)]},
                    id_card_number=id_card(serial),
                )  # fmt: skip
            single_seconds = time.perf_counter() - started

        bulk_rate = ROWS / bulk_seconds
        single_rate = BASELINE_ROWS / single_seconds
        print(f"record by record (baseline, {BASELINE_ROWS} rows): {single_rate:7.0f} rows/s")
        print(
            f"spreadsheet import, {ROWS} rows (read, validate all, insert): {bulk_seconds:6.1f} s = {bulk_rate:7.0f} rows/s"
        )
        print(f"ratio: {bulk_rate / single_rate:.1f}x faster than record by record")


if __name__ == "__main__":
    main()
