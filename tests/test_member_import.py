"""Member spreadsheets: template, all-or-nothing import with per-row errors, export."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from partycloud.audit.models import AuditAction, AuditEvent
from partycloud.core.models import SheetColumnChoice
from tenants.members import api as members_api
from tenants.members.idcard import normalize_id_card
from tenants.members.imports import COLUMNS
from tenants.members.models import ImportStatus, Member, MemberChange, MemberImport
from tenants.members.tasks import run_member_import
from tenants.organizations.services import do_create_organization
from tests.conftest import TenantWorld, api
from tests.factories import make_id_card
from tests.isolation import Endpoint, assert_tenant_isolated

HEADERS = list(COLUMNS)


@pytest.fixture
def branches(tenant_a: TenantWorld) -> dict[str, Any]:
    with tenant_a.tenant:
        committee = do_create_organization(kind="committee", name="甲公司党委")
        return {
            "first": do_create_organization(kind="branch", name="第一党支部", parent=committee),
            "second": do_create_organization(kind="branch", name="第二党支部", parent=committee),
        }


def sex_of(id_card: str) -> str:
    """The sex the ID-card number states (17th digit odd: male), as a sheet writes it."""
    return "男" if int(id_card[16]) % 2 else "女"


def row(**overrides: Any) -> list[Any]:
    id_card = normalize_id_card(overrides.get("身份证号") or make_id_card())
    values = {
        "姓名": "王建军", "性别": sex_of(id_card) if len(id_card) == 18 else "男", "民族": "汉族", "身份证号": id_card, "学历": "大学本科",
        "工作岗位": "技术员", "手机号": "13612340000", "员工卡号": "E2001", "入党日期": "2012.07.01",
        "转正日期": "2013/7/1", "党员类别": "正式党员", "党费类别": "在职", "所在党组织": "第一党支部",
        "加入支部日期": "",
    } | overrides  # fmt: skip
    return [values[h] for h in HEADERS]


def xlsx(rows: list[list[Any]]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("党员.xlsx", buffer.getvalue())


def upload(tenant: TenantWorld, file: SimpleUploadedFile) -> Any:
    return api(tenant.host, tenant.admin).post("/api/v1/member-imports", {"file": file}, format="multipart")


def test_the_template_has_chinese_headers_and_instructions(tenant_a: TenantWorld):
    response = api(tenant_a.host, tenant_a.admin).get("/api/v1/member-imports/template")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook["党员信息"][1]] == HEADERS
    assert "填写说明" in workbook.sheetnames


def test_a_file_with_mistakes_imports_nothing_and_reports_every_row(tenant_a: TenantWorld, branches):
    duplicate = make_id_card()
    rows = [
        row(),
        row(身份证号="110101198506121230"),  # bad check character
        row(入党日期="2012年13月1日"),  # impossible date
        row(性别="未知"),
        row(所在党组织="不存在的支部"),
        row(身份证号=duplicate),
        row(身份证号=duplicate),
        row(党员类别="预备党员"),  # probationary with a confirmation date
    ]
    response = upload(tenant_a, xlsx(rows))
    job = response.json()
    assert response.status_code == 201
    assert job["status"] == "failed"
    assert "6 行" in job["message"]
    problems = {(e["row"], e["column"]) for e in job["errors"]}
    assert problems == {
        (3, "身份证号"),
        (4, "入党日期"),
        (5, "性别"),
        (6, "所在党组织"),
        (8, "身份证号"),
        (9, "转正日期"),
    }
    with tenant_a.tenant:
        assert Member.objects.count() == 0
    report = api(tenant_a.host, tenant_a.admin).get(f"/api/v1/member-imports/{job['id']}/report")
    sheet = load_workbook(io.BytesIO(report.content)).active
    assert sheet.cell(1, len(HEADERS) + 2).value == "错误说明"
    assert "校验位" in sheet.cell(3, len(HEADERS) + 2).value
    assert "第 7 行" in sheet.cell(8, len(HEADERS) + 2).value or "row 7" in sheet.cell(8, len(HEADERS) + 2).value


def test_the_formats_party_workers_type_are_accepted(tenant_a: TenantWorld, branches):
    full_width = make_id_card().translate(str.maketrans("0123456789X", "０１２３４５６７８９x"))
    rows = [
        row(入党日期="2019.03.01", 转正日期="2020/3/1"),
        row(入党日期="2019年3月1日 ", 转正日期="2020-03-01", 身份证号=full_width + " ", 姓名=" 赵敏 "),
        row(入党日期="20190301", 转正日期=None, 党员类别="预备党员", 所在党组织="甲公司党委/第二党支部"),
    ]
    job = upload(tenant_a, xlsx(rows)).json()
    assert job["status"] == "succeeded", job["errors"]
    assert job["imported_rows"] == 3
    with tenant_a.tenant:
        assert set(Member.objects.values_list("name", flat=True)) == {"王建军", "赵敏"}
        assert Member.objects.filter(organization=branches["second"], membership="probationary").count() == 1


def sheet(headers: list[Any], rows: list[list[Any]], *, titles: Sequence[list[Any]] = ()) -> SimpleUploadedFile:
    """A workbook as other systems export it: title rows, then the header row, then the rows."""
    workbook = Workbook()
    for values in [*titles, headers, *rows]:
        workbook.active.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("其他系统导出.xlsx", buffer.getvalue())


def upload_with(tenant: TenantWorld, file: SimpleUploadedFile, mapping: dict[str, str] | None = None) -> Any:
    body: dict[str, Any] = {"file": file} | ({"mapping": json.dumps(mapping, ensure_ascii=False)} if mapping else {})
    return api(tenant.host, tenant.admin).post("/api/v1/member-imports", body, format="multipart")


# The sheet from issue 11: another system's headers, 正式/预备, a 序号 column, no 工作岗位, 员工卡号,
# 转正日期 or 党费类别 columns, a title row above the header, and columns we do not keep.
OTHER_SYSTEM_HEADERS = ["序号", "姓名", "性别", "身份证号码", "出生年月", "文化程度", "入党时间", "联系电话",
                        "党籍状态", "所在党支部", "籍贯", "备注"]  # fmt: skip


def other_system_row(number: int, *, joined: Any, membership: str, education: str = "本科", **overrides: Any):
    id_card = overrides.pop("id_card", None) or make_id_card(birth="19850612")
    values = {"序号": number, "姓名": f"党员{number}", "性别": sex_of(id_card), "身份证号码": id_card,
              "出生年月": "1985.06", "文化程度": education, "入党时间": joined, "联系电话": "",
              "党籍状态": membership, "所在党支部": "第一党支部", "籍贯": "河北保定", "备注": ""} | overrides  # fmt: skip
    return [values[h] for h in OTHER_SYSTEM_HEADERS]


def test_a_sheet_exported_by_another_system_imports(tenant_a: TenantWorld, branches):
    rows = [
        other_system_row(1, joined="2019.07.01", membership="正式", 联系电话="136 1234 0001"),
        other_system_row(2, joined=datetime(2016, 2, 29), membership="正式", education="硕士研究生"),
        other_system_row(3, joined="2026/2/1", membership="预备", education="大学本科", 出生年月="198506"),
    ]
    titles = [["甲公司党委党员花名册"], ["导出时间：2026年11月30日"]]
    job = upload_with(tenant_a, sheet(OTHER_SYSTEM_HEADERS, rows, titles=titles)).json()
    assert job["status"] == "succeeded", job.get("errors") or job
    assert job["imported_rows"] == 3
    assert job["ignored_columns"] == ["籍贯", "备注"]  # listed; 序号 is expected and not worth a word
    assert any("转正日期" in note and "2" in note for note in job["notes"])
    assert any("党费类别" in note for note in job["notes"])
    with tenant_a.tenant:
        members = {m.name: m for m in Member.objects.all()}
        assert members["党员1"].membership == "full"
        assert members["党员1"].joined_on == date(2019, 7, 1)
        assert members["党员1"].confirmed_on == date(2020, 7, 1)  # estimated: one year of probation
        assert members["党员1"].phone == "13612340001"
        assert members["党员1"].gender in {"male", "female"}  # from the ID card, the sheet agreed
        assert members["党员2"].education == "postgraduate"
        assert members["党员2"].confirmed_on == date(2017, 2, 28)  # as the development engine counts
        assert (members["党员3"].membership, members["党员3"].confirmed_on) == ("probationary", None)
        assert {m.dues_category for m in members.values()} == {"employee"}
        estimated = MemberChange.objects.get(member=members["党员1"]).changes
        assert estimated == {"import": True, "estimated": ["confirmed_on"]}
        assert MemberChange.objects.get(member=members["党员3"]).changes == {"import": True}


def test_sex_or_birth_date_contradicting_the_id_card_is_an_error_on_its_row(tenant_a: TenantWorld, branches):
    id_card = make_id_card(birth="19850612")
    other_sex = "女" if sex_of(id_card) == "男" else "男"
    rows = [
        other_system_row(1, joined="2019.07.01", membership="正式"),
        other_system_row(2, joined="2019.07.01", membership="正式", id_card=id_card, 性别=other_sex),
        other_system_row(3, joined="2019.07.01", membership="正式", 出生年月="1986.06"),
        other_system_row(4, joined="2019.07.01", membership="正式", 出生年月="1985年6月13日"),
    ]
    job = upload_with(tenant_a, sheet(OTHER_SYSTEM_HEADERS, rows)).json()
    assert job["status"] == "failed"
    problems = {(e["row"], e["column"]): e["message"] for e in job["errors"]}
    assert set(problems) == {(3, "性别"), (4, "出生年月"), (5, "出生年月")}
    assert "身份证号第17位" in problems[(3, "性别")]
    assert "1985-06-12" in problems[(5, "出生年月")]
    with tenant_a.tenant:
        assert Member.objects.count() == 0


UNRECOGNISED_HEADERS = ["序号", "人员", "公民号", "入党", "类别", "党组织", "籍贯"]


def unrecognised_sheet() -> SimpleUploadedFile:
    id_card = make_id_card()
    return sheet(UNRECOGNISED_HEADERS, [[1, "李红", id_card, "2015-07-01", "预备党员", "第一党支部", "山东"]])


UNRECOGNISED_MAPPING = {"人员": "name", "公民号": "id_card_number", "入党": "joined_on", "类别": "membership",
                        "党组织": "organization", "籍贯": "ignore"}  # fmt: skip


def test_unrecognised_required_columns_yield_a_mapping_proposal(tenant_a: TenantWorld, branches):
    response = upload_with(tenant_a, unrecognised_sheet())
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "sheets.mapping_required"
    assert "身份证号" in body["message"]
    proposal = body["proposal"]
    assert [c["column"] for c in proposal["columns"]] == UNRECOGNISED_HEADERS
    assert {c["column"]: c["field"] for c in proposal["columns"]}["序号"] == "ignore"
    assert proposal["preview"][0][1] == "李红"
    assert {m["key"] for m in proposal["missing"]} == {"name", "id_card_number", "joined_on", "membership",
                                                      "organization"}  # fmt: skip
    assert {"key": "id_card_number", "header": "身份证号", "required": True} in proposal["fields"]
    with tenant_a.tenant:
        assert not MemberImport.objects.exists()  # nothing to fix afterwards: the upload simply waits for a mapping


def test_an_import_with_a_mapping_works_and_is_remembered_for_the_next(tenant_a: TenantWorld, branches):
    job = upload_with(tenant_a, unrecognised_sheet(), UNRECOGNISED_MAPPING).json()
    assert job["status"] == "succeeded", job
    assert job["ignored_columns"] == ["籍贯"]  # ignored by choice, still said
    with tenant_a.tenant:
        assert Member.objects.get().name == "李红"
        assert SheetColumnChoice.objects.filter(kind="members").count() == len(UNRECOGNISED_MAPPING)
    # The next export of the same system needs no mapping step.
    again = upload_with(tenant_a, unrecognised_sheet())
    assert again.status_code == 201
    assert again.json()["status"] == "succeeded", again.json()
    with tenant_a.tenant:
        assert Member.objects.count() == 2


def test_a_remembered_mapping_stays_with_its_tenant(tenant_a: TenantWorld, tenant_b: TenantWorld, branches):
    upload_with(tenant_a, unrecognised_sheet(), UNRECOGNISED_MAPPING)
    with tenant_b.tenant:
        committee = do_create_organization(kind="committee", name="乙公司党委")
        do_create_organization(kind="branch", name="第一党支部", parent=committee)
    response = upload_with(tenant_b, unrecognised_sheet())
    assert response.status_code == 400
    assert response.json()["code"] == "sheets.mapping_required"
    with tenant_b.tenant:
        assert not SheetColumnChoice.objects.exists()
    # Neither an outsider nor an anonymous caller can upload (and so learn or change a mapping) here.
    outsider = api(tenant_a.host, tenant_b.admin).post(
        "/api/v1/member-imports", {"file": unrecognised_sheet()}, format="multipart"
    )
    assert outsider.status_code in {401, 403}
    anonymous = api(tenant_a.host).post("/api/v1/member-imports", {"file": unrecognised_sheet()}, format="multipart")
    assert anonymous.status_code == 401


@pytest.mark.parametrize(
    ("mapping", "code"),
    [
        (UNRECOGNISED_MAPPING | {"公民号": "name"}, "sheets.mapping_duplicate_field"),
        (UNRECOGNISED_MAPPING | {"籍贯": "hometown"}, "sheets.mapping_unknown_field"),
        (UNRECOGNISED_MAPPING | {"不存在": "ignore"}, "sheets.mapping_unknown_column"),
        ("not json", "sheets.mapping_invalid"),
    ],
)
def test_a_mapping_that_cannot_apply_is_refused(tenant_a: TenantWorld, branches, mapping: Any, code: str):
    body = {"file": unrecognised_sheet(), "mapping": mapping if isinstance(mapping, str) else json.dumps(mapping)}
    response = api(tenant_a.host, tenant_a.admin).post("/api/v1/member-imports", body, format="multipart")
    assert (response.status_code, response.json()["code"]) == (400, code)


def test_large_files_run_as_a_task_with_progress(
    tenant_a: TenantWorld, branches, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(members_api, "INLINE_IMPORT_BYTES", 0)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(tenant_a, xlsx([row() for _ in range(30)]))
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    assert len(callbacks) == 1
    with tenant_a.tenant:
        run_member_import.apply(args=(response.json()["id"], tenant_a.admin.pk))
        assert MemberImport.objects.get(pk=response.json()["id"]).status == ImportStatus.SUCCEEDED
    job = api(tenant_a.host, tenant_a.admin).get(f"/api/v1/member-imports/{response.json()['id']}").json()
    assert (job["progress"], job["imported_rows"]) == (100, 30)


def test_export_follows_the_filters_and_is_audited(tenant_a: TenantWorld, branches):
    upload(tenant_a, xlsx([row(姓名="甲"), row(姓名="乙", 所在党组织="第二党支部")]))
    response = api(tenant_a.host, tenant_a.admin).get(f"/api/v1/members/export?organization={branches['second'].pk}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)] == ["乙"]
    assert "*" in sheet.cell(2, 4).value  # ID-card numbers are masked in exports
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=tenant_a.admin).exists()


def test_only_tenant_admins_import(tenant_a: TenantWorld, branches):
    client = api(tenant_a.host, tenant_a.secretary)
    assert client.post("/api/v1/member-imports", {"file": xlsx([row()])}, format="multipart").status_code == 403


def test_imports_are_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld, branches):
    job = upload(tenant_a, xlsx([row()])).json()
    assert_tenant_isolated(
        Endpoint("/api/v1/member-imports", object_id=job["id"], change=None, deletable=False),
        owner=tenant_a,
        outsider=tenant_b,
    )


def test_the_columns_can_be_checked_and_corrected_before_importing(tenant_a: TenantWorld, branches):
    # A sheet whose columns are all recognised: the admin may still look, and correct one.
    file = sheet(OTHER_SYSTEM_HEADERS, [other_system_row(1, joined="2019.07.01", membership="正式")])
    response = api(tenant_a.host, tenant_a.admin).post(
        "/api/v1/member-imports/columns", {"file": file}, format="multipart"
    )
    assert response.status_code == 200
    proposal = response.json()
    assert proposal["missing"] == []
    assert {c["column"]: c["field"] for c in proposal["columns"]}["身份证号码"] == "id_card_number"
    assert proposal["preview"][0][1] == "党员1"
    with tenant_a.tenant:
        assert not MemberImport.objects.exists()
    # The 文化程度 column of that system means something else here: ignore it, and next time too.
    mapping = {c["column"]: c["field"] for c in proposal["columns"]} | {"文化程度": "ignore"}
    file.seek(0)
    job = upload_with(tenant_a, file, mapping).json()
    assert job["status"] == "succeeded", job
    with tenant_a.tenant:
        assert Member.objects.get().education == ""
    again = api(tenant_a.host, tenant_a.admin).post(
        "/api/v1/member-imports/columns",
        {"file": sheet(OTHER_SYSTEM_HEADERS, [other_system_row(2, joined="2019.07.01", membership="正式")])},
        format="multipart",
    )
    assert {c["column"]: c["field"] for c in again.json()["columns"]}["文化程度"] == "ignore"


def test_only_tenant_admins_check_columns(tenant_a: TenantWorld, tenant_b: TenantWorld, branches):
    for host, user in ((tenant_a.host, tenant_a.secretary), (tenant_a.host, tenant_b.admin), (tenant_a.host, None)):
        response = api(host, user).post(
            "/api/v1/member-imports/columns", {"file": unrecognised_sheet()}, format="multipart"
        )
        assert response.status_code in {401, 403}
