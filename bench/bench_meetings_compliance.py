"""The organizational-life compliance engine (issue 15): 500 organizations × 12 months of verdicts
(every requirement period of a year: monthly, quarterly, yearly kinds, heart-to-heart pairs) in
one bulk pass, against the naive loop that reads each organization's rows with its own queries
(the same-run baseline). Target: the bulk pass under 1 s.

One tenant: a committee, 399 branches (8-12 full members each, some reaching 7 mid-year) and
100 party groups; about 15,000 held meetings over the year with some periods left missing,
two heart-to-heart talks per branch."""

from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from support import bench_database, summarize, unified_code

BRANCHES = int(os.environ.get("BENCH_MEETINGS_BRANCHES", "399"))
GROUPS = int(os.environ.get("BENCH_MEETINGS_GROUPS", "100"))
RUNS = int(os.environ.get("BENCH_MEETINGS_RUNS", "5"))
YEAR = 2026
TODAY = date(2026, 12, 15)  # November closed, December open: every verdict kind occurs
ZONE = ZoneInfo("Asia/Shanghai")


def populate() -> None:
    from partycloud.accounts.models import User
    from tenants.meetings.models import ActivityKind, Attendee, Meeting
    from tenants.members.models import Member, MemberTenure
    from tenants.organizations.models import CommitteeMember
    from tenants.organizations.services import do_create_organization

    committee = do_create_organization(kind="committee", name="基准党委", established_on=date(2000, 1, 1))
    branches = [
        do_create_organization(kind="branch", name=f"第{i}支部", parent=committee, established_on=date(2000, 1, 1))
        for i in range(BRANCHES)
    ]
    groups = [
        do_create_organization(kind="party_group", name=f"第{i}党小组", parent=branches[i % BRANCHES],
                               established_on=date(2000, 1, 1))
        for i in range(GROUPS)
    ]  # fmt: skip
    kinds = {kind.code: kind for kind in ActivityKind.objects.all()}
    users = User.objects.bulk_create(
        [User(phone=f"139{serial:08d}", name=f"党员{serial}", password="!") for serial in range(BRANCHES * 12)]
    )
    members, tenures, committee_rows = [], [], []
    serial = 0
    for index, branch in enumerate(branches):
        size = 8 + index % 5
        for position in range(size):
            user = users[serial]
            serial += 1
            member = Member(
                user=user, name=user.name, gender="male", birth_date=date(1980, 1, 1), id_card_encrypted="x",
                id_card_index=f"bench-{serial}", id_card_masked="x", joined_on=date(2010, 7, 1), membership="full",
                dues_category="employee", organization=branch,
            )  # fmt: skip
            members.append(member)
            # A fifth of the branches reach 7 full members in June.
            started = date(YEAR, 6, 10) if index % 5 == 0 and position >= 6 else date(2015, 1, 1)
            tenures.append((member, started))
            if position < 3:
                committee_rows.append(CommitteeMember(organization=branch, user=user, post="委员"))
    Member.objects.bulk_create(members)
    MemberTenure.objects.bulk_create(
        [MemberTenure(member=m, organization=m.organization, membership="full", started_on=s) for m, s in tenures]
    )
    CommitteeMember.objects.bulk_create(committee_rows)
    meetings = []

    def held(organization, code: str, month: int, day: int = 12, hour: int = 14) -> None:  # type: ignore[no-untyped-def]
        starts = datetime(YEAR, month, day, hour, tzinfo=ZONE)
        meetings.append(Meeting(organization=organization, kind=kinds[code], title=f"{code}-{month}",
                                starts_at=starts, ends_at=starts + timedelta(hours=2), status="held"))  # fmt: skip

    for index, branch in enumerate(branches):
        for month in range(1, 13):
            if (index + month) % 7:  # some months missing
                held(branch, "theme_day", month)
            if month >= 7 or index % 5:
                held(branch, "committee_meeting", month, 5)
            if month % 3 == 0 and (index + month) % 4:
                held(branch, "general_meeting", month, 30 if month in (6, 9) else 20, 20)
                held(branch, "party_lecture", month - 1, 15)
        held(branch, "life_meeting", 12, 1)
        held(branch, "heart_talk", 3, 3)
        held(branch, "heart_talk", 9, 3)
    for group in groups:
        for month in range(1, 13):
            held(group, "group_meeting", month, 8)
    Meeting.objects.bulk_create(meetings)
    by_branch: dict[int, list[Member]] = {}
    for member in members:
        by_branch.setdefault(member.organization_id, []).append(member)
    attendees = []
    for meeting in meetings:
        if meeting.kind.code == "heart_talk":
            for member in by_branch[meeting.organization_id][:5]:
                attendees.append(Attendee(meeting=meeting, user=member.user, member=member, name=member.name,
                                          status="present"))  # fmt: skip
    Attendee.objects.bulk_create(attendees)
    print(f"{1 + BRANCHES + GROUPS} organizations, {len(members)} members, {len(meetings)} meetings, "
          f"{len(attendees)} heart-talk attendees")  # fmt: skip


def main() -> None:
    with bench_database("meetings_compliance"):
        from collections import Counter

        from django.db import connection

        from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant
        from tenants.meetings.compliance import evaluate, naive_evaluate, table
        from tenants.organizations.models import Organization

        tenant = do_provision_tenant(
            CommitteeDraft(name="基准党委", short_name="基准", slug="benchmtg", unified_code=unified_code(4242))
        )
        with tenant:
            started = time.perf_counter()
            populate()
            print(f"populated in {time.perf_counter() - started:.1f} s")
            organizations = list(Organization.objects.filter(is_active=True).order_by("path"))
            naive_times, bulk_times, table_times, floor_times = [], [], [], []
            for _run in range(RUNS):
                started = time.perf_counter()
                naive = naive_evaluate(organizations, YEAR, today=TODAY)
                naive_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                for _organization in organizations:  # the floor of the naive loop: one query each
                    Organization.objects.filter(pk=_organization.pk).exists()
                floor_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                bulk = evaluate(organizations, YEAR, today=TODAY)
                bulk_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                table(organizations, YEAR, "month", today=TODAY)
                table_times.append(time.perf_counter() - started)
            assert bulk.keys() == naive.keys()
            assert all(bulk[key].verdict == naive[key].verdict for key in bulk)
            counted: list[str] = []

            def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
                counted.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                evaluate(organizations, YEAR, today=TODAY)
                bulk_queries = len(counted)
                naive_evaluate(organizations, YEAR, today=TODAY)
                naive_queries = len(counted) - bulk_queries
            if os.environ.get("BENCH_PROFILE"):
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                profiler.enable()
                evaluate(organizations, YEAR, today=TODAY)
                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            verdicts = Counter(cell.verdict for cell in bulk.values())
            print(f"{len(organizations)} organizations × 12 months: {len(bulk)} verdicts {dict(verdicts)}")
            print(f"queries: bulk {bulk_queries}, naive {naive_queries}")
            print(f"500 trivial queries (the loop's floor):  {summarize(floor_times)}")
            print(f"naive per-organization loop (baseline): {summarize(naive_times)}")
            print(f"bulk engine:                            {summarize(bulk_times)}")
            print(f"compliance table, month view (the API): {summarize(table_times)}")
            print(f"bulk is {min(naive_times) / min(bulk_times):.1f}x faster than the naive loop (best runs)")


if __name__ == "__main__":
    main()
