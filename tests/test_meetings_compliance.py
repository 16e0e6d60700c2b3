"""The compliance engine of organizational life (DOMAIN_RULES §2): the rule table at its
boundaries, pending vs missing, the reasons, the API and its isolation, exports, reminders once
per stage, the rollup metric, and the group's views."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from openpyxl import load_workbook

from partycloud.accounts.models import User
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tenants.meetings.compliance import MET, MISSING, NOT_APPLICABLE, PENDING, evaluate, naive_evaluate, table
from tenants.meetings.models import ActivityKind, AttendanceStatus, Attendee, ComplianceReminder, Meeting, MeetingStatus
from tenants.meetings.reminders import do_send_compliance_reminders
from tenants.members.models import Member
from tenants.members.services import do_create_member
from tenants.notifications.models import Notification
from tenants.organizations.models import CommitteeMember, Organization
from tenants.organizations.services import do_create_organization
from tests.conftest import TenantWorld, api
from tests.factories import UserFactory, make_id_card
from tests.isolation import Endpoint, assert_root_only, assert_tenant_isolated

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = 2026


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def kind(code: str) -> ActivityKind:
    return ActivityKind.objects.get(code=code)


def member(branch: Organization, since: date, *, membership: str = "full", user: User | None = None) -> Member:
    data = {"name": f"党员{make_id_card()[-4:]}", "gender": "male", "joined_on": date(2010, 1, 1),
            "confirmed_on": date(2011, 1, 1) if membership == "full" else None, "membership": membership,
            "dues_category": "employee", "organization": branch}  # fmt: skip
    found = do_create_member(data, id_card_number=make_id_card(), placed_on=since, audit=False)
    if user is not None:
        Member.objects.filter(pk=found.pk).update(user=user)
    return found


def meeting(branch: Organization, code: str, starts: datetime, *, hours: float = 2, status: str = "held") -> Meeting:
    return Meeting.objects.create(
        organization=branch, kind=kind(code), title=f"{code} {starts:%m-%d}", starts_at=starts,
        ends_at=starts + timedelta(hours=hours), status=status,
    )  # fmt: skip


@pytest.fixture
def branch(tenant_a: TenantWorld) -> Organization:
    with tenant_a.tenant:
        committee = do_create_organization(kind="committee", name="甲公司党委", established_on=date(2000, 1, 1))
        found = do_create_organization(
            kind="branch", name="第一党支部", parent=committee, established_on=date(2000, 1, 1)
        )
        for _ in range(5):
            member(found, date(2020, 1, 1))
        return found


def cells(organization: Organization, code: str, period: str, today: date) -> dict[str, Any]:
    _rules, _spans, rows = table([organization], YEAR, period, today=today)
    row = next(row for row in rows if row.kind.code == code and row.organization.pk == organization.pk)
    return {cell.period: cell for cell in row.cells}


def test_a_branch_reaching_seven_full_members_owes_committee_meetings_from_the_next_month(tenant_a, branch):
    with tenant_a.tenant:
        member(branch, date(2026, 3, 1))
        member(branch, date(2026, 6, 15))  # the seventh full member, mid-June
        meeting(branch, "committee_meeting", at(2026, 8, 10))
        found = cells(branch, "committee_meeting", "month", today=date(2026, 9, 15))
        assert [found[f"2026-{m:02d}"].verdict for m in range(1, 7)] == [NOT_APPLICABLE] * 6
        assert found["2026-07"].verdict == MISSING  # due from the month after the seventh joined
        assert found["2026-08"].verdict == MET
        assert found["2026-09"].verdict == PENDING  # open: never a failure
        assert found["2026-10"].verdict == PENDING
        with translation.override("zh-hans"):
            july = cells(branch, "committee_meeting", "month", today=date(2026, 9, 15))["2026-07"]
            june = cells(branch, "committee_meeting", "month", today=date(2026, 9, 15))["2026-06"]
        assert july.reason == "7月未召开支部委员会会议（规则 2018.1：每月至少 1 次）"
        assert "不足 7 名" in str(june.reason)
        # A probationary member does not count toward the committee.
        other = do_create_organization(
            kind="branch", name="第二党支部", parent=branch.parent, established_on=date(2000, 1, 1)
        )
        for _ in range(6):
            member(other, date(2020, 1, 1))
        member(other, date(2020, 1, 1), membership="probationary")
        assert cells(other, "committee_meeting", "month", today=date(2026, 9, 15))["2026-07"].verdict == NOT_APPLICABLE


def test_a_meeting_on_the_last_day_of_a_quarter_counts_for_that_quarter(tenant_a, branch):
    with tenant_a.tenant:
        meeting(branch, "general_meeting", at(2026, 6, 30, 20, 0))  # 12:00 UTC on June 30
        meeting(branch, "general_meeting", at(2026, 7, 1, 0, 30))  # 16:30 UTC on June 30: Q3 here
        found = cells(branch, "general_meeting", "quarter", today=date(2026, 10, 8))
        assert (found["2026-Q2"].verdict, found["2026-Q2"].held) == (MET, 1)
        assert (found["2026-Q3"].verdict, found["2026-Q3"].held) == (MET, 1)
        assert found["2026-Q1"].verdict == MISSING
        with translation.override("zh-hans"):
            q1 = cells(branch, "general_meeting", "quarter", today=date(2026, 10, 8))["2026-Q1"]
        assert q1.reason == "第一季度未召开支部党员大会（规则 2018.1：每季度至少 1 次）"
        assert q1.rule_version == "2018.1"


def test_a_meeting_straddling_midnight_counts_on_its_start_day(tenant_a, branch):
    with tenant_a.tenant:
        meeting(branch, "theme_day", at(2026, 3, 31, 22, 0), hours=4)  # ends on April 1
        found = cells(branch, "theme_day", "month", today=date(2026, 5, 10))
        assert (found["2026-03"].verdict, found["2026-03"].held) == (MET, 1)
        assert (found["2026-04"].verdict, found["2026-04"].held) == (MISSING, 0)


def test_only_held_meetings_count_and_open_periods_are_pending(tenant_a, branch):
    with tenant_a.tenant:
        meeting(branch, "party_lecture", at(2026, 4, 10), status=MeetingStatus.NOTIFIED)
        meeting(branch, "party_lecture", at(2026, 5, 10), status=MeetingStatus.CANCELLED)
        found = cells(branch, "party_lecture", "quarter", today=date(2026, 6, 30))
        assert (found["2026-Q2"].verdict, found["2026-Q2"].held) == (PENDING, 0)  # the last day: still open
        assert cells(branch, "party_lecture", "quarter", today=date(2026, 7, 1))["2026-Q2"].verdict == MISSING
        # Monthly kinds in the quarter view: missing if a closed month misses, else pending.
        meeting(branch, "theme_day", at(2026, 4, 3))
        meeting(branch, "theme_day", at(2026, 5, 3))
        quarter = cells(branch, "theme_day", "quarter", today=date(2026, 6, 20))["2026-Q2"]
        assert (quarter.verdict, quarter.expected, quarter.held) == (PENDING, 3, 2)
        assert cells(branch, "theme_day", "quarter", today=date(2026, 7, 2))["2026-Q2"].verdict == MISSING
        # A yearly kind in the month view: each month shows the year's verdict.
        months = cells(branch, "life_meeting", "month", today=date(2026, 6, 20))
        assert {cell.verdict for cell in months.values()} == {PENDING}


def test_heart_talks_count_committee_member_and_member_pairs(tenant_a, branch):
    with tenant_a.tenant:
        secretary, deputy, plain = UserFactory(), UserFactory(), UserFactory()
        for user in (secretary, deputy, plain):
            member(branch, date(2020, 1, 1), user=user)
        CommitteeMember.objects.create(organization=branch, user=secretary, post="书记")
        CommitteeMember.objects.create(organization=branch, user=deputy, post="委员")
        talk = meeting(branch, "heart_talk", at(2026, 5, 6))
        for user in (secretary, plain):
            Attendee.objects.create(meeting=talk, user=user, name=user.name, status=AttendanceStatus.PRESENT)
        year = cells(branch, "heart_talk", "year", today=date(2027, 1, 5))["2026"]
        # pairs: secretary-deputy, secretary-plain, deputy-plain
        assert (year.verdict, year.expected, year.held) == (MISSING, 3, 1)
        second = meeting(branch, "heart_talk", at(2026, 6, 6))
        for user in (deputy, plain, secretary):
            Attendee.objects.create(meeting=second, user=user, name=user.name, status=AttendanceStatus.PRESENT)
        year = cells(branch, "heart_talk", "year", today=date(2027, 1, 5))["2026"]
        assert (year.verdict, year.held) == (MET, 3)


def test_party_groups_owe_their_own_meetings_and_bulk_equals_the_naive_loop(tenant_a, branch):
    with tenant_a.tenant:
        group = do_create_organization(
            kind="party_group", name="第一党小组", parent=branch, established_on=date(2000, 1, 1)
        )
        meeting(group, "group_meeting", at(2026, 2, 2))
        found = cells(group, "group_meeting", "month", today=date(2026, 4, 1))
        assert [found[k].verdict for k in ("2026-01", "2026-02", "2026-03", "2026-04")] == [
            MISSING, MET, MISSING, PENDING,
        ]  # fmt: skip
        _rules, _spans, rows = table([branch], YEAR, "quarter", today=date(2026, 4, 1))
        assert "group_meeting" not in {row.kind.code for row in rows}  # a branch holds no group meetings
        organizations = [branch, group]
        bulk = evaluate(organizations, YEAR, today=date(2026, 8, 1))
        naive = naive_evaluate(organizations, YEAR, today=date(2026, 8, 1))
        assert bulk.keys() == naive.keys()
        assert len(bulk) > 20
        assert all(bulk[key].__dict__ == naive[key].__dict__ for key in bulk)


# ------------------------------------------------------------------------------ the API


def test_the_compliance_table_for_managers_within_their_scope(tenant_a, branch):
    with tenant_a.tenant:
        meeting(branch, "general_meeting", at(2026, 4, 20))
        other = do_create_organization(
            kind="branch", name="第二党支部", parent=branch.parent, established_on=date(2000, 1, 1)
        )
        scoped = UserFactory()
        do_assign_role(user=scoped, role=TenantRole.SECRETARY, organization_id=branch.pk)
    admin = api(tenant_a.host, tenant_a.admin)
    body = admin.get("/api/v1/meetings/compliance?year=2026&period=quarter").json()
    assert [period["key"] for period in body["periods"]] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert body["rule_versions"][0]["version"] == "2018.1"
    general = next(
        row
        for row in body["rows"]
        if row["kind"]["code"] == "general_meeting" and row["organization"]["id"] == branch.pk
    )
    assert general["cells"][1]["verdict"] == "met"
    assert general["cells"][1]["held"] == 1
    assert {row["organization"]["id"] for row in body["rows"]} == {branch.pk, other.pk}
    # A secretary sees their branch only, and is refused another's.
    secretary = api(tenant_a.host, scoped)
    mine = secretary.get("/api/v1/meetings/compliance?year=2026").json()
    assert {row["organization"]["id"] for row in mine["rows"]} == {branch.pk}
    refused = secretary.get(f"/api/v1/meetings/compliance?organization={other.pk}")
    assert (refused.status_code, refused.json()["code"]) == (403, "meetings.out_of_scope")
    bad = admin.get("/api/v1/meetings/compliance?period=week")
    assert (bad.status_code, bad.json()["code"], bad.json()["field"]) == (400, "meetings.bad_period", "period")
    assert api(tenant_a.host, tenant_a.member).get("/api/v1/meetings/compliance").status_code == 403
    english = api(tenant_a.host, tenant_a.admin, language="en").get("/api/v1/meetings/compliance?year=2025").json()
    assert "no " in english["rows"][0]["cells"][0]["reason"]


def test_the_ledger_workbook_and_the_printable_record(tenant_a, branch):
    with tenant_a.tenant:
        held = meeting(branch, "general_meeting", at(2026, 4, 20))
        Attendee.objects.create(meeting=held, name="张三", status=AttendanceStatus.PRESENT, method="qr")
        Attendee.objects.create(meeting=held, name="李四", status=AttendanceStatus.ABSENT, absence_reason="出差")
        Meeting.objects.filter(pk=held.pk).update(minutes="<p>学习<strong>条例</strong></p><p>讨论</p>")
    admin = api(tenant_a.host, tenant_a.admin)
    response = admin.get(f"/api/v1/meetings/ledger.xlsx?organization={branch.pk}&year=2026")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    ledger = workbook["活动台账"]
    assert ledger["A1"].value == "第一党支部 2026年组织生活台账"
    line = [cell.value for cell in ledger[3]]
    assert line[2:4] == ["支部党员大会", "general_meeting 04-20"]
    assert line[10:13] == [2, 1, 1]
    assert "合规情况" in workbook.sheetnames
    pdf = admin.get(f"/api/v1/meetings/{held.pk}/record.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert b"WenQuanYi" in pdf.content or b"STSong" in pdf.content
    assert admin.get("/api/v1/meetings/999999/record.pdf").status_code == 404
    assert admin.get("/api/v1/meetings/ledger.xlsx?year=2026").status_code == 400


def test_compliance_endpoints_are_isolated(tenant_a, tenant_b, branch):
    with tenant_a.tenant:
        held = meeting(branch, "general_meeting", at(2026, 4, 20))
    assert_tenant_isolated(
        Endpoint("/api/v1/meetings/compliance?year=2026", change=None, deletable=False),
        owner=tenant_a,
        outsider=tenant_b,
    )
    for url in (
        f"/api/v1/meetings/ledger.xlsx?organization={branch.pk}&year=2026",
        f"/api/v1/meetings/{held.pk}/record.pdf",
    ):
        assert api(tenant_a.host).get(url).status_code == 401
        for user in (tenant_b.admin, tenant_b.member):
            assert api(tenant_a.host, user).get(url).status_code == 403
        assert api(tenant_a.host, tenant_a.member).get(url).status_code == 403
        assert api(tenant_b.host, tenant_b.admin).get(url).status_code in {400, 404}  # not in B's schema
    with tenant_a.tenant:
        scoped = UserFactory()
        do_assign_role(user=scoped, role=TenantRole.SECRETARY, organization_id=branch.pk)
        elsewhere = do_create_organization(
            kind="branch", name="另一支部", parent=branch.parent, established_on=date(2000, 1, 1)
        )
        foreign = meeting(elsewhere, "party_lecture", at(2026, 4, 2))
    # A secretary of another subtree gets 404 for the record of a meeting outside it.
    assert api(tenant_a.host, scoped).get(f"/api/v1/meetings/{foreign.pk}/record.pdf").status_code == 404
    assert api(tenant_a.host, scoped).get(f"/api/v1/meetings/{held.pk}/record.pdf").status_code == 200


# ------------------------------------------------------------------------------ reminders


def test_reminders_are_sent_once_per_stage_to_the_secretary_or_the_admins(tenant_a, branch):
    with tenant_a.tenant:
        secretary = UserFactory()
        Organization.objects.filter(pk=branch.pk).update(secretary=secretary)
        orphan = do_create_organization(
            kind="branch", name="无书记支部", parent=branch.parent, established_on=date(2000, 1, 1)
        )
        meeting(branch, "party_lecture", at(2026, 5, 8))  # Q2's lecture held: no reminder for it
        meeting(branch, "theme_day", at(2026, 6, 5))
        assert do_send_compliance_reminders(date(2026, 6, 10)) == 0  # 20 days before Q2 closes
        sent = do_send_compliance_reminders(date(2026, 6, 20))
        mine = Notification.objects.filter(user=secretary, kind="meetings.compliance")
        assert sorted(n.link.split("kind=")[1].split("&")[0] for n in mine) == ["general_meeting"]
        admins = Notification.objects.filter(user=tenant_a.admin, kind="meetings.compliance")
        assert {n.link.split("kind=")[1].split("&")[0] for n in admins} == {
            "general_meeting",
            "party_lecture",
            "theme_day",
        }
        assert sent == 1 + 3 * len({tenant_a.admin.pk})
        first = mine.get()
        assert first.body == "第二季度尚未结束，支部党员大会已召开 0 次（规则 2018.1：每季度至少 1 次）"
        assert do_send_compliance_reminders(date(2026, 6, 21)) == 0  # once per stage
        assert do_send_compliance_reminders(date(2026, 6, 27)) == 4  # three days before: once more
        assert do_send_compliance_reminders(date(2026, 6, 28)) == 0
        assert ComplianceReminder.objects.filter(organization=orphan).count() == 6
        assert not ComplianceReminder.objects.filter(kind__code="committee_meeting").exists()  # no committee


# ------------------------------------------------------------------------------ the group


def test_the_group_sees_held_and_expected_by_tenant_and_kind(tenant_a, tenant_b, branch, group_viewer):
    from partycloud.audit.models import AuditEvent
    from partycloud.rollups.models import RollupValue
    from partycloud.rollups.recompute import recompute_tenant

    with tenant_a.tenant:
        meeting(branch, "general_meeting", at(2026, 2, 10))
        for month in (1, 2, 3):
            meeting(branch, "theme_day", at(2026, month, 5))
        meeting(branch, "life_meeting", at(2026, 3, 1, 0, 30))  # 16:30 UTC on 28 February
    recompute_tenant(tenant_a.tenant, today=date(2026, 11, 22))
    stored = RollupValue.objects.filter(tenant=tenant_a.tenant, metric="meetings.activities", organization_id=0)
    found = {(row.period, row.dimension): int(row.value) for row in stored}
    assert found[(date(2026, 2, 1), "general_meeting:held")] == 1
    assert found[(date(2026, 3, 1), "general_meeting:expected")] == 1
    assert found[(date(2026, 3, 1), "life_meeting:held")] == 1  # its local day, not the UTC one
    assert (date(2026, 2, 1), "life_meeting:held") not in found
    assert found[(date(2026, 3, 1), "stats:branch_day")] == 1
    viewer = api("partycloud.test", group_viewer)
    body = viewer.get("/api/v1/group/meetings/compliance?year=2026&period=quarter").json()
    assert body["periods"] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    mine = next(row for row in body["tenants"] if row["id"] == tenant_a.tenant.pk)
    q1 = {cell["kind"]: cell for cell in mine["periods"][0]["cells"]}
    q2 = {cell["kind"]: cell for cell in mine["periods"][1]["cells"]}
    assert (q1["general_meeting"]["held"], q1["general_meeting"]["expected"], q1["general_meeting"]["verdict"]) == (
        1,
        1,
        "met",
    )
    assert (q1["theme_day"]["held"], q1["theme_day"]["expected"], q1["theme_day"]["verdict"]) == (3, 3, "met")
    assert (q2["general_meeting"]["held"], q2["general_meeting"]["verdict"]) == (0, "missing")
    months = viewer.get("/api/v1/group/meetings/compliance?year=2026&period=month").json()
    mine = next(row for row in months["tenants"] if row["id"] == tenant_a.tenant.pk)
    february = {cell["kind"]: cell for cell in mine["periods"][1]["cells"]}
    assert (february["general_meeting"]["held"], february["general_meeting"]["expected"]) == (1, 1)  # its quarter
    frequency = viewer.get("/api/v1/group/meetings/frequency?year=2026").json()
    counts = next(row for row in frequency["tenants"] if row["id"] == tenant_a.tenant.pk)["counts"]
    assert (counts["branch_day"], counts["life_meeting"]) == (3, 1)
    assert frequency["group"]["branch_day"] >= 3
    sheet = viewer.get("/api/v1/group/meetings/frequency?year=2026&format=xlsx")
    assert load_workbook(io.BytesIO(sheet.content)).active["A1"].value == "单位"
    board = viewer.get("/api/v1/group/dashboard/compliance?period=2026-06").json()
    assert [check["key"] for check in board["meeting_checks"]] == [
        "general_meeting", "committee_meeting", "group_meeting", "party_lecture",
    ]  # fmt: skip
    three_one = next(row for row in board["tenants"] if row["id"] == tenant_a.tenant.pk)["meetings"]
    assert three_one["general_meeting"] == {"held": 1, "expected": 2, "passed": False}
    # The drill-down reads the tenant's own table, audited.
    drill = viewer.get(f"/api/v1/group/meetings/compliance/{tenant_a.tenant.pk}?year=2026&period=quarter")
    assert drill.status_code == 200
    general = next(row for row in drill.json()["rows"] if row["kind"]["code"] == "general_meeting")
    assert [cell["verdict"] for cell in general["cells"][:2]] == ["met", "missing"]
    records = viewer.get(f"/api/v1/group/meetings/compliance/{tenant_a.tenant.pk}/meetings?year=2026&kind=theme_day")
    assert records.json()["count"] == 3
    assert "minutes" not in records.json()["results"][0]
    assert AuditEvent.objects.filter(event="drilldown.meetings.compliance", actor=group_viewer).exists()
    assert AuditEvent.objects.filter(event="drilldown.meetings.records", actor=group_viewer).exists()
    assert viewer.get("/api/v1/group/meetings/compliance/999999?year=2026").status_code == 404


def test_the_group_endpoints_are_root_only(tenant_a, tenant_b, branch, group_viewer):
    tenant_users = [tenant_a.admin, tenant_a.secretary, tenant_b.admin, tenant_b.member]
    for url in (
        "/api/v1/group/meetings/compliance",
        "/api/v1/group/meetings/frequency",
        f"/api/v1/group/meetings/compliance/{tenant_a.tenant.pk}",
        f"/api/v1/group/meetings/compliance/{tenant_a.tenant.pk}/meetings",
        "/api/v1/group/dashboard/compliance",
    ):
        assert_root_only(Endpoint(url, change=None), allowed=group_viewer, tenant_users=tenant_users)
        # Not served on a tenant host at all.
        assert api(tenant_a.host, tenant_a.admin).get(url).status_code == 404


def test_a_party_committee_onboarded_mid_year_is_not_judged_before_its_records_baseline(tenant_a, branch):
    # 档案基准日 1 July: the first half-year was kept on paper, not here. Nothing before it is
    # "missing"; from the baseline on the rules apply as usual.
    committee = tenant_a.tenant
    committee.records_baseline_on = date(2026, 7, 1)
    committee.save(update_fields=["records_baseline_on"])
    try:
        with committee:
            quarters = cells(branch, "general_meeting", "quarter", today=date(2026, 12, 15))
            verdicts = [quarters[q].verdict for q in ("2026-Q1", "2026-Q2", "2026-Q3")]
            assert verdicts == [NOT_APPLICABLE, NOT_APPLICABLE, MISSING]
            assert "2026-07-01" in str(quarters["2026-Q1"].reason)
            assert (quarters["2026-Q1"].expected, quarters["2026-Q3"].expected) == (0, 1)
            # a year straddling the baseline is judged (the life meeting may still be held after it)
            assert cells(branch, "life_meeting", "year", today=date(2027, 1, 5))["2026"].verdict == MISSING
    finally:
        committee.records_baseline_on = None
        committee.save(update_fields=["records_baseline_on"])
