"""Member spreadsheets: template, all-or-nothing import with per-row errors, export."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from partycloud.audit.models import AuditAction, AuditEvent
from tenants.members import api as members_api
from tenants.members.imports import COLUMNS
from tenants.members.models import ImportStatus, Member, MemberImport
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


def row(**overrides: Any) -> list[Any]:
    values = {
        "姓名": "王建军", "性别": "男", "民族": "汉族", "身份证号": make_id_card(), "学历": "大学本科",
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


def test_missing_columns_are_named(tenant_a: TenantWorld, branches):
    workbook = Workbook()
    workbook.active.append(["姓名", "性别"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = upload(tenant_a, SimpleUploadedFile("x.xlsx", buffer.getvalue())).json()
    assert job["status"] == "failed"
    assert "身份证号" in job["message"]


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
