"""The audit log: recorded by services, read by tenant admins (their tenant) and group staff."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from partycloud.accounts.models import User
from partycloud.audit.events import EVENTS
from partycloud.audit.models import AuditAction, AuditEvent
from partycloud.audit.services import do_record_audit
from tenants.members.models import Member
from tenants.members.services import do_create_member
from tenants.organizations.models import Organization
from tenants.organizations.services import do_create_organization
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.factories import UserFactory, make_id_card
from tests.isolation import DENIED, Endpoint, assert_root_only, assert_tenant_isolated

REPO = Path(__file__).resolve().parent.parent


def test_role_change_is_audited_with_actor_tenant_and_address(tenant_a: TenantWorld):
    newcomer = UserFactory()
    api(tenant_a.host, tenant_a.admin).post(
        "/api/v1/roles", {"identifier": newcomer.phone, "role": "member"}, REMOTE_ADDR="10.1.2.3"
    )
    event = AuditEvent.objects.filter(action=AuditAction.CREATE, target_type="access.roleassignment").first()
    assert event is not None
    assert (event.actor_id, event.tenant_id, event.ip_address) == (tenant_a.admin.pk, tenant_a.tenant.pk, "10.1.2.3")


def test_tenant_admin_sees_only_their_tenant(tenant_a: TenantWorld, tenant_b: TenantWorld):
    api(tenant_b.host, tenant_b.admin).patch("/api/v1/settings", {"display_name": "乙"})
    api(tenant_a.host, tenant_a.admin).patch("/api/v1/settings", {"display_name": "甲"})
    rows = api(tenant_a.host, tenant_a.admin).get("/api/v1/audit-events?page_size=200").json()["results"]
    assert rows
    assert {row["tenant"] for row in rows} == {tenant_a.tenant.pk}


def test_inspector_reads_members_do_not(tenant_a: TenantWorld):
    assert api(tenant_a.host, tenant_a.inspector).get("/api/v1/audit-events").status_code == 200
    assert api(tenant_a.host, tenant_a.member).get("/api/v1/audit-events").status_code == 403


def test_group_staff_query_across_tenants_with_filters(
    group_viewer: User, tenant_a: TenantWorld, tenant_b: TenantWorld
):
    api(tenant_b.host, tenant_b.admin).patch("/api/v1/settings", {"display_name": "乙"})
    client = api(ROOT_HOST, group_viewer)
    everything = client.get("/api/v1/audit-events?page_size=200").json()["results"]
    assert {tenant_a.tenant.pk, tenant_b.tenant.pk} <= {row["tenant"] for row in everything}
    only_b = client.get(f"/api/v1/audit-events?tenant={tenant_b.tenant.pk}&action=update").json()["results"]
    assert only_b
    assert {row["tenant"] for row in only_b} == {tenant_b.tenant.pk}
    assert all(row["action"] == "update" for row in only_b)


def test_audit_events_are_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld):
    api(tenant_a.host, tenant_a.admin).patch("/api/v1/settings", {"display_name": "甲"})
    event = AuditEvent.objects.filter(tenant=tenant_a.tenant).first()
    assert event is not None
    assert_tenant_isolated(
        Endpoint("/api/v1/audit-events", object_id=event.pk, change={"summary": "tampered"}),
        owner=tenant_a,
        outsider=tenant_b,
    )


def test_group_audit_log_and_summary_are_root_only(
    group_admin: User, group_viewer: User, tenant_a: TenantWorld, tenant_b: TenantWorld
):
    api(tenant_a.host, tenant_a.admin).patch("/api/v1/settings", {"display_name": "甲"})
    event = AuditEvent.objects.filter(tenant=tenant_a.tenant).first()
    assert event is not None
    tenant_users = [tenant_a.admin, tenant_a.inspector, tenant_b.admin]
    assert_root_only(
        Endpoint("/api/v1/audit-events", object_id=event.pk, change={"summary": "x"}),
        allowed=group_viewer,
        tenant_users=tenant_users,
    )
    assert_root_only(Endpoint("/api/v1/group/summary", change=None), allowed=group_viewer, tenant_users=tenant_users)
    summary = api(ROOT_HOST, group_admin).get("/api/v1/group/summary").json()
    assert summary["tenants"]["active"] >= 2
    assert summary["members"] >= 2
    assert api(tenant_a.host, tenant_a.admin).get("/api/v1/group/summary").status_code == 404


# ---------------------------------------------------------------- readable entries (issue 11)


def _branch_and_member(world: TenantWorld, branch_name: str = "第一党支部") -> tuple[Organization, Member]:
    with world.tenant:
        committee = do_create_organization(kind="committee", name=f"{world.tenant.short_name}党委")
        branch = do_create_organization(kind="branch", name=branch_name, parent=committee)
        member = do_create_member(
            {"name": "刘志强", "gender": "male", "joined_on": date(2012, 7, 1), "confirmed_on": date(2013, 7, 1),
             "membership": "full", "dues_category": "employee", "organization": branch},
            id_card_number=make_id_card(),
        )  # fmt: skip
    return branch, member


def _entries(world: TenantWorld, language: str = "zh-hans", **params: Any) -> list[dict[str, Any]]:
    response = api(world.host, world.admin, language=language).get("/api/v1/audit-events", params)
    assert response.status_code == 200, response.json()
    rows: list[dict[str, Any]] = response.json()["results"]
    return rows


def test_one_row_reads_in_chinese_and_in_english(tenant_a: TenantWorld):
    _, member = _branch_and_member(tenant_a)
    revealed = api(tenant_a.host, tenant_a.admin).post(
        f"/api/v1/members/{member.pk}/reveal-id-card", REMOTE_ADDR="10.20.30.40"
    )
    assert revealed.status_code == 200
    [zh] = _entries(tenant_a, event="member.idcard.read")
    assert zh["summary"] == "查看身份证号"
    assert zh["operator"] == f"{tenant_a.admin.name}（单位管理员）"
    assert (zh["target_label"], zh["target_type_label"], zh["ip_address"]) == ("刘志强", "党员", "10.20.30.40")
    [en] = _entries(tenant_a, "en", event="member.idcard.read")
    assert en["id"] == zh["id"]
    assert en["summary"] == "Viewed the ID-card number"
    assert en["operator"] == f"{tenant_a.admin.name} (tenant admin)"
    # The machine fields stay for API clients.
    assert (en["action"], en["event"], en["target_type"], en["target_id"]) == (
        "read",
        "member.idcard.read",
        "members.member",
        str(member.pk),
    )


def test_member_export_names_its_count_and_filter(tenant_a: TenantWorld):
    branch, _ = _branch_and_member(tenant_a)
    exported = api(tenant_a.host, tenant_a.admin).get(f"/api/v1/members/export?organization={branch.pk}&status=active")
    assert exported.status_code == 200
    [zh] = _entries(tenant_a, event="members.export")
    assert zh["details"] == {"count": 1, "filters": {"organization": "第一党支部", "status": "active"}}
    # The filter shows the branch by name and the status by its label in the reader's language.
    assert zh["summary"] in {
        "导出党员名单（1人，筛选：第一党支部、正常）",
        "导出党员名单（1人，筛选：正常、第一党支部）",
    }
    [en] = _entries(tenant_a, "en", event="members.export")
    assert en["summary"].startswith("Exported the member list (1 people; filter: ")
    assert "第一党支部" in en["summary"]
    assert "正常" not in en["summary"]


def test_label_and_address_survive_a_deletion(tenant_a: TenantWorld):
    """The learning service deletes without being handed the request: the address still comes
    from the request being served, and the title stays after the row is gone."""
    admin = api(tenant_a.host, tenant_a.admin)
    created = admin.post(
        "/api/v1/learning/resources",
        {"kind": "article", "title": "党员教育读本", "body_html": "<p>正文</p>", "marking": "internal"},
    )
    assert created.status_code == 201, created.json()
    deleted = admin.delete(f"/api/v1/learning/resources/{created.json()['id']}", REMOTE_ADDR="10.9.8.7")
    assert deleted.status_code == 204
    [row] = _entries(tenant_a, event="learning.resource.delete")
    assert (row["target_label"], row["ip_address"], row["origin"]) == ("党员教育读本", "10.9.8.7", "request")
    assert row["summary"] == "删除学习资料"
    assert row["action"] == "delete"


def test_revoked_role_keeps_the_persons_name(tenant_a: TenantWorld):
    newcomer = UserFactory(name="王小红")
    client = api(tenant_a.host, tenant_a.admin)
    granted = client.post("/api/v1/roles", {"identifier": newcomer.phone, "role": "committee_member"})
    assert granted.status_code == 201, granted.json()
    assert client.delete(f"/api/v1/roles/{granted.json()['id']}", REMOTE_ADDR="10.1.1.1").status_code == 204
    [row] = _entries(tenant_a, event="role.revoke")
    assert (row["target_label"], row["ip_address"]) == ("王小红", "10.1.1.1")
    assert row["summary"] == "撤销角色（角色：委员）"


def test_system_tasks_and_old_free_text_rows_still_read(tenant_a: TenantWorld):
    with tenant_a.tenant:
        do_record_audit(event="members.import", details={"count": 14})
    AuditEvent.objects.create(
        tenant=tenant_a.tenant, action=AuditAction.UPDATE, target_type="members.member", summary="name, phone"
    )
    rows = _entries(tenant_a)
    imported = next(row for row in rows if row["event"] == "members.import")
    assert (imported["operator"], imported["origin"], imported["summary"]) == ("系统任务", "system", "导入党员（14人）")
    legacy = next(row for row in rows if row["note"] == "name, phone")
    assert legacy["summary"] == "修改：name, phone"


def test_filters_by_operator_action_object_type_and_time(tenant_a: TenantWorld):
    _, member = _branch_and_member(tenant_a)
    secretary_name = tenant_a.secretary.name
    api(tenant_a.host, tenant_a.admin).post(f"/api/v1/members/{member.pk}/reveal-id-card")
    api(tenant_a.host, tenant_a.admin).patch("/api/v1/settings", {"display_name": "甲"})
    by_name = _entries(tenant_a, operator=tenant_a.admin.name[:3])
    assert by_name
    assert {row["actor"]["id"] for row in by_name} == {tenant_a.admin.pk}
    assert all(row["operator"] != secretary_name for row in by_name)
    by_id = _entries(tenant_a, operator=str(tenant_a.admin.pk))
    assert {row["id"] for row in by_id} == {row["id"] for row in by_name}
    reads = _entries(tenant_a, action="read")
    assert reads
    assert {row["action"] for row in reads} == {"read"}
    members_only = _entries(tenant_a, target_type="members.member")
    assert members_only
    assert {row["target_type"] for row in members_only} == {"members.member"}
    future = (timezone.now() + timedelta(days=1)).isoformat()
    assert _entries(tenant_a, since=future) == []
    assert _entries(tenant_a, until=future)


def test_catalog_lists_choices_in_the_callers_language(tenant_a: TenantWorld):
    _branch_and_member(tenant_a)
    api(tenant_a.host, tenant_a.admin).patch("/api/v1/settings", {"display_name": "甲"})
    zh = api(tenant_a.host, tenant_a.admin).get("/api/v1/audit-events/catalog").json()
    assert {"code": "member.idcard.read", "action": "read", "label": "查看身份证号"} in zh["events"]
    assert {"code": "read", "label": "查看"} in zh["actions"]
    assert {"code": "tenancy.partycommittee", "label": "党委"} in zh["target_types"] or zh["target_types"]
    en = api(tenant_a.host, tenant_a.admin, language="en").get("/api/v1/audit-events/catalog").json()
    assert {"code": "member.idcard.read", "action": "read", "label": "Viewed the ID-card number"} in en["events"]


def _workbook_rows(content: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_export_is_in_the_callers_language_and_is_itself_audited(tenant_a: TenantWorld, tenant_b: TenantWorld):
    _, member = _branch_and_member(tenant_a)
    api(tenant_a.host, tenant_a.admin).post(f"/api/v1/members/{member.pk}/reveal-id-card", REMOTE_ADDR="10.2.2.2")
    api(tenant_b.host, tenant_b.admin).patch("/api/v1/settings", {"display_name": "乙"})
    response = api(tenant_a.host, tenant_a.admin).get(
        "/api/v1/audit-events/export", {"action": "read"}, REMOTE_ADDR="10.3.3.3"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _workbook_rows(response.content)
    assert rows[0] == ("时间", "操作人", "操作", "对象类型", "操作对象", "摘要", "IP地址")
    assert [row[1:] for row in rows[1:]] == [
        (f"{tenant_a.admin.name}（单位管理员）", "查看", "党员", "刘志强", "查看身份证号", "10.2.2.2")
    ]
    [entry] = _entries(tenant_a, event="audit.export")
    assert entry["details"] == {"count": 1, "filters": {"action": "read"}}
    assert entry["summary"] == "导出审计日志（1条，筛选：查看）"
    assert entry["ip_address"] == "10.3.3.3"
    english = api(tenant_a.host, tenant_a.admin, language="en").get("/api/v1/audit-events/export?action=read")
    assert _workbook_rows(english.content)[0][:3] == ("Time", "Operator", "Action")


def test_group_export_has_a_party_committee_column_and_tenant_filter(
    group_viewer: User, tenant_a: TenantWorld, tenant_b: TenantWorld
):
    api(tenant_b.host, tenant_b.admin).patch("/api/v1/settings", {"display_name": "乙"})
    response = api(ROOT_HOST, group_viewer).get(f"/api/v1/audit-events/export?tenant={tenant_b.tenant.pk}")
    rows = _workbook_rows(response.content)
    assert rows[0][1] == "党委"
    assert rows[1:]
    assert {row[1] for row in rows[1:]} == {tenant_b.tenant.name}
    entry = AuditEvent.objects.filter(event="audit.export", actor=group_viewer).get()
    assert entry.details["filters"] == {"tenant": tenant_b.tenant.name}
    assert entry.actor_role == "group_viewer"


def test_export_and_catalog_are_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld):
    _, member = _branch_and_member(tenant_a)
    api(tenant_a.host, tenant_a.admin).post(f"/api/v1/members/{member.pk}/reveal-id-card")
    outsider = api(tenant_b.host, tenant_b.admin).get("/api/v1/audit-events/export")
    assert outsider.status_code == 200
    assert "刘志强" not in {cell for row in _workbook_rows(outsider.content) for cell in row}
    targets = api(tenant_b.host, tenant_b.admin).get("/api/v1/audit-events/catalog").json()["target_types"]
    assert "members.member" not in {row["code"] for row in targets}
    # B's token on A's host, anonymous callers and members are refused.
    for client in (api(tenant_a.host, tenant_b.admin), api(tenant_a.host), api(tenant_a.host, tenant_a.member)):
        for url in ("/api/v1/audit-events/export", "/api/v1/audit-events/catalog"):
            assert client.get(url).status_code in DENIED


def test_every_event_code_written_in_the_code_is_in_the_catalog():
    written = set()
    for folder in ("platform", "tenants", "services"):
        for path in (REPO / folder).rglob("*.py"):
            written |= set(re.findall(r'event="([a-z_.]+)"', path.read_text(encoding="utf-8")))
    transfer_events = set(
        re.findall(r'_audit\(transfer, actor, "([a-z_.]+)"', (REPO / "tenants/transfers/services.py").read_text())
    )
    missing = (written | transfer_events) - set(EVENTS)
    assert missing == set()
    assert {"member.idcard.read", "members.export", "audit.export"} <= written


def test_list_queries_do_not_grow_with_the_page(tenant_a: TenantWorld):
    """Rendering (operator, labels, summary) reads nothing per row beyond the joined actor and tenant."""
    with tenant_a.tenant:
        for number in range(30):
            do_record_audit(event="members.import", details={"count": number}, actor=tenant_a.admin)
    client = api(tenant_a.host, tenant_a.admin)

    def queries(page_size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/v1/audit-events?page_size={page_size}").status_code == 200
        return len(captured.captured_queries)

    assert queries(30) == queries(5)
