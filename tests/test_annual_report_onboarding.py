"""The annual report of a party committee that has just been onboarded: organizations with and
without 成立日期, members imported with and without 加入支部日期 (estimated from 入党日期), the
records baseline (档案基准日), figures the records cannot give (未录入, never 0), the checks that
name records, the period text and the warnings at the top of the report and the workbook."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from partycloud.rollups.relay import relay_until_empty
from partycloud.statistics.report import default_snapshot, period_text, tenant_report
from partycloud.tenancy.models import PartyCommittee
from tenants.members.imports import COLUMNS
from tenants.members.models import MemberTenure
from tenants.organizations.models import Organization
from tenants.organizations.services import do_create_organization
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.factories import make_id_card
from tests.test_annual_report import failing, member, row, table

# --------------------------------------------------------------------------- an onboarded tenant


def onboard_organizations(world: TenantWorld, *, established: date | None) -> list[Organization]:
    """18 organizations recorded today: the committee, 2 general branches, 15 branches."""
    with world.tenant:
        top = do_create_organization(kind="committee", name="丙公司党委", established_on=established)
        made = [top]
        for g in range(2):
            general = do_create_organization(
                kind="general_branch", name=f"第{g + 1}党总支", parent=top, established_on=established
            )
            made.append(general)
            for b in range(5):
                made.append(
                    do_create_organization(
                        kind="branch", name=f"总支{g + 1}第{b + 1}党支部", parent=general, established_on=established
                    )
                )
        for b in range(5):
            made.append(
                do_create_organization(
                    kind="branch", name=f"直属第{b + 1}党支部", parent=top, established_on=established
                )
            )
    assert len(made) == 18
    return made


def sheet(rows: list[dict[str, Any]], headers: list[str] | None = None) -> SimpleUploadedFile:
    headers = headers or list(COLUMNS)
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    first.append(headers)
    for values in rows:
        first.append([values.get(header, "") for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("党员.xlsx", buffer.getvalue())


def person(index: int, branch: str, **overrides: Any) -> dict[str, Any]:
    id_card = make_id_card("19800101")
    return {
        # The sex must agree with the ID-card number (its 17th digit is odd for men).
        "姓名": f"党员{index:02d}", "性别": "男" if int(id_card[16]) % 2 else "女", "身份证号": id_card,
        "入党日期": "2010-07-01", "转正日期": "2011-07-01", "党员类别": "正式党员", "党费类别": "在职",
        "所在党组织": branch,
    } | overrides  # fmt: skip


def import_members(world: TenantWorld, rows: list[dict[str, Any]], headers: list[str] | None = None) -> Any:
    response = api(world.host, world.admin).post(
        "/api/v1/member-imports", {"file": sheet(rows, headers)}, format="multipart"
    )
    assert response.status_code in {200, 201, 202}, response.json()
    return response.json()


def report_json(world: TenantWorld, day: date | None = None) -> dict[str, Any]:
    query = f"?date={day.isoformat()}" if day else ""
    response = api(world.host, world.admin).get(f"/api/v1/annual-report{query}")
    assert response.status_code == 200, response.json()
    body: dict[str, Any] = response.json()
    return body


def check(body: dict[str, Any], description: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in body["checks"] if description in c["name"])
    return found


def test_onboarded_tenant_with_blank_dates_is_not_recorded_and_warns(tenant_a: TenantWorld):
    """The issue's case: 18 organizations recorded this year without 成立日期 and members
    imported without 加入支部日期. Last year's report must not say 0 organizations and 全部核对通过."""
    onboard_organizations(tenant_a, established=None)
    job = import_members(tenant_a, [person(i, "直属第1党支部") for i in range(12)])
    assert job["status"] == "succeeded", job

    body = report_json(tenant_a)
    assert body["date"] == default_snapshot().isoformat()
    organizations = row(body, "organizations")
    assert {value for key, value in organizations.items() if key not in {"unit", "tenant"}} == {None}
    members = row(body, "members")
    # Tenures start on 入党日期 (estimated): counted at both ends, not 12 unexplained arrivals.
    assert (members["start_total"], members["end_total"], members["in_unexplained"]) == (12, 12, 0)

    missing = check(body, "党组织成立日期未填写")
    assert (missing["level"], missing["result"], missing["left"]) == ("warning", "warning", 18)
    assert missing["detail"].startswith("丙公司党委、")
    assert missing["detail"].endswith("等18个")
    estimated = check(body, "党员加入支部日期为估算")
    assert (estimated["result"], estimated["left"]) == ("warning", 12)
    assert "党员00" in estimated["detail"]
    implication = check(body, "表1 本年末党员数 > 0 ⇒ 表5 基层党组织合计 > 0")
    assert (implication["left"], implication["right"], implication["result"]) == (12, None, "unrecorded")
    assert body["ok"] is False
    assert body["status"] == "warnings"
    assert "警告" in body["summary"]
    assert failing(body)  # never "全部核对通过" while something is missing

    workbook = load_workbook(
        io.BytesIO(api(tenant_a.host, tenant_a.admin).get("/api/v1/annual-report?format=xlsx").content)
    )
    first = workbook["表1 党员数量及变动情况"]
    assert first["A1"].value == body["summary"]
    assert first["A2"].value.endswith("党内统计年报　表1 党员数量及变动情况")
    assert [cell.value for cell in first[5]][:2] == ["单位", "上年末党员数"]
    organizations_sheet = workbook["表5 党组织情况"]
    assert [cell.value for cell in organizations_sheet[5]][1:] == ["未录入"] * 7
    checks = workbook["校验"]
    assert checks["A1"].value == body["summary"]
    results = {checks.cell(r, 1).value: checks.cell(r, 7).value for r in range(3, checks.max_row + 1)}
    assert results["警告：党组织成立日期未填写（个数 = 0）"] == "警告"
    assert results["表1 本年末党员数 > 0 ⇒ 表5 基层党组织合计 > 0"] == "未录入"


def test_onboarded_tenant_with_dates_matches_the_dashboard(tenant_a: TenantWorld, group_admin: Any):
    """With 成立日期 and 加入支部日期 set, last year's 表5 counts the 18 organizations the
    dashboard shows, members count from the day they joined their branch, and every check passes."""
    onboard_organizations(tenant_a, established=date(2001, 7, 1))
    job = import_members(tenant_a, [person(i, "总支1第1党支部", 加入支部日期="2015-03-01") for i in range(6)])
    assert job["status"] == "succeeded", job
    with tenant_a.tenant:
        assert not MemberTenure.objects.filter(started_on_estimated=True).exists()
    relay_until_empty(tenant_a.tenant)

    body = report_json(tenant_a)
    organizations = row(body, "organizations")
    dashboard = api(ROOT_HOST, group_admin).get("/api/v1/group/dashboard").json()
    figures = next(r for r in dashboard["tenants"] if r["id"] == tenant_a.tenant.pk)["figures"]
    # The dashboard's 基层党组织 is table 5's 合计: party groups are listed apart in both.
    assert organizations["total"] == figures["organizations"] == 18 - organizations["party_groups"]
    assert organizations["branches"] == figures["branches"] == 15
    members = row(body, "members")
    assert (members["start_total"], members["in_total"], members["end_total"]) == (6, 0, 6)
    assert failing(body) == []
    assert (body["ok"], body["status"], body["summary"]) == (True, "ok", "")


# --------------------------------------------------------------------------- the import


def test_import_estimates_the_branch_join_date_from_joining_the_party(tenant_a: TenantWorld):
    onboard_organizations(tenant_a, established=date(2001, 7, 1))
    rows = [
        person(1, "直属第1党支部", 入党日期="2009-07-01", 加入支部日期="2016-05-04"),
        person(2, "直属第1党支部", 入党日期="2010-03-01"),
    ]
    job = import_members(tenant_a, rows)
    assert job["status"] == "succeeded", job
    with tenant_a.tenant:
        tenures = {t.member.name: t for t in MemberTenure.objects.select_related("member")}
    assert (tenures["党员01"].started_on, tenures["党员01"].started_on_estimated) == (date(2016, 5, 4), False)
    assert (tenures["党员02"].started_on, tenures["党员02"].started_on_estimated) == (date(2010, 3, 1), True)

    # An older sheet without the column still imports (the date is estimated).
    old = [h for h in COLUMNS if h != "加入支部日期"]
    job = import_members(tenant_a, [person(3, "直属第1党支部")], old)
    assert job["status"] == "succeeded", job
    exported = load_workbook(io.BytesIO(api(tenant_a.host, tenant_a.admin).get("/api/v1/members/export").content))
    values = list(exported.worksheets[0].iter_rows(values_only=True))
    column = list(values[0]).index("加入支部日期")
    assert {r[0]: r[column] for r in values[1:]}["党员02"] is None  # estimated: exported blank, re-imported flagged


def test_import_refuses_a_branch_join_date_before_joining_the_party(tenant_a: TenantWorld):
    onboard_organizations(tenant_a, established=date(2001, 7, 1))
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    job = import_members(
        tenant_a,
        [person(1, "直属第1党支部", 入党日期="2010-07-01", 加入支部日期="2009-01-01"),
         person(2, "直属第1党支部", 加入支部日期=tomorrow)],
    )  # fmt: skip
    assert job["status"] == "failed"
    assert {(e["row"], e["column"]) for e in job["errors"]} == {(2, "加入支部日期"), (3, "加入支部日期")}


# --------------------------------------------------------------------------- the records baseline


def test_records_baseline_opens_the_balance_and_hides_what_came_before(tenant_a: TenantWorld):
    """Baseline 1 March of last year: members recorded that day are the opening balance (not
    其他增加（原因不明）), the start of the year is 未录入, changes count from the baseline; the
    year before is 未录入 altogether."""
    year = timezone.localdate().year - 1
    baseline, end = date(year, 3, 1), date(year, 12, 31)
    response = api(tenant_a.host, tenant_a.admin).patch(
        "/api/v1/settings", {"records_baseline_on": baseline.isoformat()}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["records_baseline_on"] == baseline.isoformat()
    with tenant_a.tenant:
        top = do_create_organization(kind="committee", name="丁公司党委", established_on=date(2000, 1, 1))
        branch = do_create_organization(kind="branch", name="丁第一党支部", parent=top, established_on=date(2000, 1, 1))
        for index in range(3):
            member(branch, f"基准{index}", gender="male", birth=date(1980, 1, 1), joined=date(2005, 7, 1),
                   placed=baseline)  # fmt: skip
        member(branch, "补录", gender="female", birth=date(1985, 1, 1), joined=date(2006, 7, 1),
               placed=date(year, 6, 1))  # fmt: skip

    body = report_json(tenant_a, end)
    members = row(body, "members")
    assert (members["start_total"], members["start_full"], members["start_probationary"]) == (None, None, None)
    assert (members["in_unexplained"], members["in_total"], members["end_total"]) == (1, 1, 4)
    assert table(body, "members")["note"].startswith("档案基准日为" + f"{year}年3月1日")
    assert "基准日在册党员3人" in table(body, "members")["note"]
    balance = check(body, "档案基准日在册党员数 + 增加合计 − 减少合计 = 本年末党员数")
    assert (balance["left"], balance["right"], balance["result"]) == (4, 4, "passed")
    assert failing(body) == []
    assert body["tenant"]["records_baseline_on"] == baseline.isoformat()

    before = report_json(tenant_a, date(year - 1, 12, 31))
    for key in ("members", "profile", "join_periods", "organizations", "leaving"):
        assert {v for k, v in row(before, key).items() if k not in {"unit", "tenant"}} == {None}, key
    assert "早于档案基准日" in table(before, "members")["note"]
    assert before["status"] == "warnings"
    assert "无法核对" in before["summary"]


def test_the_records_baseline_is_set_by_the_tenant_admin_and_the_group_admin(
    tenant_a: TenantWorld, tenant_b: TenantWorld, group_admin: Any
):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    admin = api(tenant_a.host, tenant_a.admin)
    refused = admin.patch("/api/v1/settings", {"records_baseline_on": tomorrow})
    assert (refused.status_code, refused.json()["code"]) == (400, "tenancy.baseline_in_future")
    assert (
        api(tenant_a.host, tenant_a.member).patch("/api/v1/settings", {"records_baseline_on": "2025-01-01"}).status_code
        == 403
    )
    response = api(ROOT_HOST, group_admin).post(
        f"/api/v1/tenants/{tenant_a.tenant.pk}/records-baseline", {"records_baseline_on": "2025-03-01"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["records_baseline_on"] == "2025-03-01"
    assert admin.get("/api/v1/settings").json()["records_baseline_on"] == "2025-03-01"
    # Tenant B's admin changes only tenant B; a tenant admin cannot use the group endpoint.
    api(tenant_b.host, tenant_b.admin).patch("/api/v1/settings", {"records_baseline_on": "2024-01-01"})
    assert PartyCommittee.objects.get(pk=tenant_a.tenant.pk).records_baseline_on == date(2025, 3, 1)
    outsider = api(ROOT_HOST, tenant_b.admin).post(
        f"/api/v1/tenants/{tenant_a.tenant.pk}/records-baseline", {"records_baseline_on": "2020-01-01"}
    )
    assert outsider.status_code in {401, 403, 404}
    anonymous = api(ROOT_HOST, None).post(
        f"/api/v1/tenants/{tenant_a.tenant.pk}/records-baseline", {"records_baseline_on": "2020-01-01"}
    )
    assert anonymous.status_code in {401, 403}
    assert PartyCommittee.objects.get(pk=tenant_a.tenant.pk).records_baseline_on == date(2025, 3, 1)


# --------------------------------------------------------------------------- the new checks


def test_members_in_an_organization_not_yet_established_fail_two_checks(tenant_a: TenantWorld):
    year = timezone.localdate().year - 1
    end = date(year, 12, 31)
    with tenant_a.tenant:
        top = do_create_organization(kind="committee", name="戊公司党委", established_on=date(year + 1, 1, 10))
        branch = do_create_organization(kind="branch", name="戊支部", parent=top, established_on=date(year + 1, 1, 10))
        member(
            branch, "早到者", gender="male", birth=date(1980, 1, 1), joined=date(2005, 7, 1), placed=date(2010, 1, 1)
        )
        report = tenant_report(end)
    failed = {c.description: c for c in report.checks if c.result == "failed"}
    assert set(failed) == {
        "表1 本年末党员所在党组织在统计时点均已成立（不符人数 = 0）",
        "表1 本年末党员数 > 0 ⇒ 表5 基层党组织合计 > 0",
    }
    assert failed["表1 本年末党员所在党组织在统计时点均已成立（不符人数 = 0）"].detail == "早到者（戊支部）共1人"
    assert report.status == "failed"
    assert report.summary.startswith("注意：本年报有2项核对不通过")


# --------------------------------------------------------------------------- the words


def test_the_period_reads_from_1_january_to_31_december_and_notes_are_chinese(tenant_a: TenantWorld):
    assert period_text(date(2024, 12, 31), date(2025, 12, 31)) == "统计时段：2025年1月1日至2025年12月31日"
    year = timezone.localdate().year - 1
    api(tenant_a.host, tenant_a.admin).patch("/api/v1/settings", {"records_baseline_on": f"{year}-06-01"})
    body = report_json(tenant_a, date(year, 12, 31))
    assert body["period"] == f"统计时段：{year}年1月1日至{year}年12月31日"
    notes = [t["note"] for t in body["tables"] if t["note"]]
    assert len(notes) == 2  # the baseline (表1) and the evaluation not recorded (表6)
    for note in notes:
        assert re.search("[A-Za-z]", note) is None, note
    workbook = load_workbook(io.BytesIO(api(tenant_a.host, tenant_a.admin).get(
        f"/api/v1/annual-report?date={year}-12-31&format=xlsx").content))  # fmt: skip
    assert workbook["表2 党员构成情况"]["A2"].value.startswith(f"统计时段：{year}年1月1日至{year}年12月31日")


# --------------------------------------------------------------------------- organizations


def test_a_new_organization_needs_its_establishment_date(tenant_a: TenantWorld):
    client = api(tenant_a.host, tenant_a.admin)
    missing = client.post("/api/v1/organizations", {"kind": "committee", "name": "己公司党委"})
    assert (missing.status_code, missing.json()["code"], missing.json()["field"]) == (
        400, "organizations.established_on_required", "established_on"
    )  # fmt: skip
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    later = client.post("/api/v1/organizations", {"kind": "committee", "name": "己公司党委", "established_on": future})
    assert later.json()["code"] == "organizations.established_on_future"
    made = client.post(
        "/api/v1/organizations", {"kind": "committee", "name": "己公司党委", "established_on": "2003-05-01"}
    )
    assert made.status_code == 201, made.json()
    assert made.json()["established_on"] == "2003-05-01"
    # A row recorded before the date was required stays valid, with a warning, until it is set.
    with tenant_a.tenant:
        old = do_create_organization(
            kind="branch", name="老支部", parent=Organization.objects.get(pk=made.json()["id"])
        )
    listed = {o["name"]: o for o in client.get("/api/v1/organizations").json()["results"]}
    assert "organizations.established_on_missing" in {w["code"] for w in listed["老支部"]["warnings"]}
    renamed = client.patch(f"/api/v1/organizations/{old.pk}", {"short_name": "老"})
    assert renamed.status_code == 200, renamed.json()
    dated = client.patch(f"/api/v1/organizations/{old.pk}", {"established_on": "2004-01-01"})
    assert dated.status_code == 200
    cleared = client.patch(f"/api/v1/organizations/{old.pk}", {"established_on": None}, format="json")
    assert cleared.json()["code"] == "organizations.established_on_required"


def test_the_member_form_takes_the_branch_join_date(tenant_a: TenantWorld):
    organizations = onboard_organizations(tenant_a, established=date(2001, 7, 1))
    branch = organizations[-1]
    client = api(tenant_a.host, tenant_a.admin)
    body = {
        "name": "新党员", "gender": "female", "id_card_number": make_id_card("19900101"), "joined_on": "2012-07-01",
        "confirmed_on": "2013-07-01", "membership": "full", "dues_category": "employee", "organization": branch.pk,
    }  # fmt: skip
    early = client.post("/api/v1/members", {**body, "placed_on": "2011-01-01"})
    assert (early.status_code, early.json()["code"], early.json()["field"]) == (
        400, "members.placed_before_joined", "placed_on"
    )  # fmt: skip
    assert early.json()["message"] == "加入支部日期不能早于入党日期。"
    made = client.post("/api/v1/members", {**body, "placed_on": "2019-09-01"})
    assert made.status_code == 201, made.json()
    with tenant_a.tenant:
        tenure = MemberTenure.objects.get(member_id=made.json()["id"])
    assert (tenure.started_on, tenure.started_on_estimated) == (date(2019, 9, 1), False)
