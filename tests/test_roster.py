"""The employee roster (public) and pocket-member detection across tenants."""

from __future__ import annotations

import io
import json
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from partycloud.accounts.models import User
from partycloud.core.models import SheetColumnChoice
from partycloud.hub.models import PocketMemberCase, RosterEntry
from partycloud.hub.pockets import detect_unregistered_members
from tenants.members.services import do_create_member
from tenants.organizations.services import do_create_organization
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.factories import make_id_card
from tests.isolation import Endpoint, assert_root_only, assert_tenant_isolated


def roster_file(rows: list[list[str]]) -> SimpleUploadedFile:
    workbook = Workbook()
    workbook.active.append(["员工卡号", "姓名", "所属单位", "部门", "是否党员"])
    for values in rows:
        workbook.active.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("名册.xlsx", buffer.getvalue())


def import_roster(user: User, rows: list[list[str]]):
    return api(ROOT_HOST, user).post("/api/v1/roster/import", {"file": roster_file(rows)}, format="multipart")


def test_group_admin_imports_the_roster_and_reimport_updates(group_admin: User, tenant_a: TenantWorld):
    first = import_roster(group_admin, [["e1", "张三", "alpha", "生产部", "是"], ["E2", "李四", "甲公司", "", "否"]])
    assert first.json() == {"created": 2, "updated": 0, "ignored_columns": []}
    again = import_roster(group_admin, [["E1", "张三", "alpha", "安全部", "是"]])
    assert again.json() == {"created": 0, "updated": 1, "ignored_columns": []}
    assert RosterEntry.objects.get(card_number="E1").department == "安全部"


def hr_export(headers: list[str], rows: list[list[str]], *, titles: int = 0) -> SimpleUploadedFile:
    """A roster as an HR system exports it: its own headers, with title rows above them."""
    workbook = Workbook()
    for number in range(titles):
        workbook.active.append([f"集团员工花名册（第{number + 1}行标题）"])
    for values in [headers, *rows]:
        workbook.active.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("人事导出.xlsx", buffer.getvalue())


def post_roster(user: User, file: SimpleUploadedFile, mapping: dict[str, str] | None = None):
    body = {"file": file} | ({"mapping": json.dumps(mapping, ensure_ascii=False)} if mapping else {})
    return api(ROOT_HOST, user).post("/api/v1/roster/import", body, format="multipart")


def test_a_roster_with_hr_system_headers_imports(group_admin: User, tenant_a: TenantWorld):
    headers = ["序号", "工号", "员工姓名", "单位名称", "所在部门", "政治面貌", "籍贯"]
    rows = [["1", "e7", "张三", "alpha", "生产部", "中共党员", "河北"], ["2", "E8", "李四", "甲公司", "", "群众", ""],
            ["3", "E9", "王五", "", "安全部", "中共预备党员", ""]]  # fmt: skip
    response = post_roster(group_admin, hr_export(headers, rows, titles=2))
    assert response.json() == {"created": 3, "updated": 0, "ignored_columns": ["籍贯"]}
    assert dict(RosterEntry.objects.values_list("card_number", "hr_party_member")) == {
        "E7": True,
        "E8": False,
        "E9": True,
    }
    assert RosterEntry.objects.get(card_number="E7").department == "生产部"


def test_a_roster_with_unknown_headers_asks_for_a_mapping_and_remembers_it(group_admin: User, tenant_a: TenantWorld):
    headers = ["人员号", "人员", "单位"]
    proposal = post_roster(group_admin, hr_export(headers, [["E1", "张三", "alpha"]]))
    assert proposal.status_code == 400
    body = proposal.json()
    assert body["code"] == "sheets.mapping_required"
    assert {m["key"] for m in body["proposal"]["missing"]} == {"card_number", "name"}
    assert {c["column"]: c["field"] for c in body["proposal"]["columns"]}["单位"] == "employer"
    mapped = post_roster(
        group_admin, hr_export(headers, [["E1", "张三", "alpha"]]), {"人员号": "card_number", "人员": "name"}
    )
    assert mapped.json()["created"] == 1
    # Remembered on the group's (public) schema: the next export of that system goes straight in.
    again = post_roster(group_admin, hr_export(headers, [["E2", "李四", "alpha"]]))
    assert again.json()["created"] == 1
    assert set(SheetColumnChoice.objects.filter(kind="roster").values_list("header", "field")) == {
        ("人员号", "card_number"),
        ("人员", "name"),
    }
    with tenant_a.tenant:
        assert not SheetColumnChoice.objects.exists()  # the group's choices are not a tenant's


def test_the_group_admin_checks_a_roster_sheets_columns_first(
    group_admin: User, group_viewer: User, tenant_a: TenantWorld
):
    file = hr_export(["工号", "员工姓名", "政治面貌"], [["E5", "赵六", "群众"]])
    response = api(ROOT_HOST, group_admin).post("/api/v1/roster/import/columns", {"file": file}, format="multipart")
    assert response.status_code == 200
    assert [c["field"] for c in response.json()["columns"]] == ["card_number", "name", "is_member"]
    assert response.json()["missing"] == []
    assert not RosterEntry.objects.exists()
    for user, host in ((group_viewer, ROOT_HOST), (tenant_a.admin, tenant_a.host), (None, ROOT_HOST)):
        file.seek(0)
        refused = api(host, user).post("/api/v1/roster/import/columns", {"file": file}, format="multipart")
        assert refused.status_code in {401, 403, 404}


def test_a_bad_roster_imports_nothing_and_names_each_row(group_admin: User, tenant_a: TenantWorld):
    response = import_roster(
        group_admin,
        [["E1", "张三", "alpha", "", "是"], ["E1", "重复", "alpha", "", "是"], ["E3", "", "nowhere", "", "也许"]],
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "hub.roster_rows_invalid"
    assert {(e["row"], e["column"]) for e in body["errors"]} == {
        (3, "员工卡号"),
        (4, "姓名"),
        (4, "所属单位"),
        (4, "是否党员"),
    }
    assert not RosterEntry.objects.exists()


def test_party_members_on_no_branch_roll_become_pocket_cases(
    group_admin: User, tenant_a: TenantWorld, tenant_b: TenantWorld
):
    import_roster(
        group_admin,
        [["E1", "在册", "alpha", "", "是"], ["E2", "口袋", "beta", "", "是"], ["E3", "群众", "alpha", "", "否"]],
    )
    with tenant_a.tenant:
        committee = do_create_organization(kind="committee", name="甲公司党委")
        branch = do_create_organization(kind="branch", name="第一党支部", parent=committee)
        do_create_member(
            {"name": "在册", "gender": "male", "joined_on": date(2010, 1, 1), "confirmed_on": date(2011, 1, 1),
             "membership": "full", "dues_category": "employee", "organization": branch, "employee_card_number": "e1"},
            id_card_number=make_id_card(),
        )  # fmt: skip
    assert detect_unregistered_members() == 1
    assert detect_unregistered_members() == 0  # idempotent
    case = PocketMemberCase.objects.get()
    assert (case.name, case.tenant_id) == ("口袋", tenant_b.tenant.pk)
    assert "E2" in case.suggested_action
    # The tenant admin of beta sees and resolves it; alpha sees nothing.
    assert api(tenant_a.host, tenant_a.admin).get("/api/v1/pocket-members").json()["count"] == 0
    client = api(tenant_b.host, tenant_b.admin)
    assert client.get("/api/v1/pocket-members?status=open").json()["count"] == 1
    no_note = client.post(f"/api/v1/pocket-members/{case.pk}/resolve", {"note": ""})
    assert no_note.status_code == 400
    resolved = client.post(f"/api/v1/pocket-members/{case.pk}/resolve", {"note": "已办理转入，登记于第二党支部"})
    assert resolved.json()["status"] == "resolved"


def test_roster_and_pockets_are_group_data(
    group_admin: User, group_viewer: User, tenant_a: TenantWorld, tenant_b: TenantWorld
):
    import_roster(group_admin, [["E9", "王五", "alpha", "", "是"]])
    entry = RosterEntry.objects.get()
    assert_root_only(Endpoint("/api/v1/roster", object_id=entry.pk, change={"name": "x"}), allowed=group_viewer,
                     tenant_users=[tenant_a.admin, tenant_b.admin])  # fmt: skip
    assert (
        api(ROOT_HOST, group_viewer)
        .post("/api/v1/roster/import", {"file": roster_file([])}, format="multipart")
        .status_code
        == 403
    )
    # A tenant admin reads their own committee's entries on their host, never another's.
    assert [
        row["card_number"] for row in api(tenant_a.host, tenant_a.admin).get("/api/v1/roster").json()["results"]
    ] == ["E9"]
    assert api(tenant_b.host, tenant_b.admin).get("/api/v1/roster").json()["count"] == 0
    assert api(tenant_a.host, tenant_a.member).get("/api/v1/roster").status_code == 403
    detect_unregistered_members()
    case = PocketMemberCase.objects.get()
    assert_tenant_isolated(Endpoint("/api/v1/pocket-members", object_id=case.pk, change={"note": "x"}, deletable=False),
                           owner=tenant_a, outsider=tenant_b)  # fmt: skip
