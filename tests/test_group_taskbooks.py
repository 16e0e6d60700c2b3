"""The group's task books on the root host (docs/assessment.md "Task books"): templates and their
indicators, publication delivering a copy to every subsidiary (idempotent, and to a subsidiary
onboarded afterwards), progress with rankings off by default, the audited drill-down, the group's
review of a subsidiary's top book, the Excel export, and root-only access."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from partycloud.audit.models import AuditEvent
from partycloud.taskbooks.models import TaskBookTemplate
from partycloud.taskbooks.services import do_deliver_pending
from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant
from tenants.assessment.models import TaskBook, TaskBookEvent
from tenants.organizations.services import do_create_organization
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.factories import UserFactory, next_unified_code
from tests.isolation import Endpoint, assert_root_only

BASE = "/api/v1/group/task-books"
YEAR = 2026  # the tests' clock is in 2026: the catch-up delivers the current year's template


def _committee(world: TenantWorld, name: str) -> Any:
    with world.tenant:
        return do_create_organization(kind="committee", name=name, established_on=date(2000, 1, 1))


@pytest.fixture
def committees(tenant_a: TenantWorld, tenant_b: TenantWorld) -> dict[str, Any]:
    return {"a": _committee(tenant_a, "甲公司党委"), "b": _committee(tenant_b, "乙公司党委")}


def _template(admin: Any, *, limit: int = 20) -> dict[str, Any]:
    created = admin.post(
        f"{BASE}/templates", {"year": YEAR, "title": "2026年度党建工作任务书", "indicator_limit": limit}, format="json"
    )
    assert created.status_code == 201, created.content
    template = created.json()
    for body in (
        {"area": "组织建设", "title": "三会一课", "weight": "40", "scoring": "count", "target": 12,
         "evidence_source": "meetings_held", "evidence_required": "会议记录"},
        {"area": "组织建设", "title": "党费收缴", "weight": "30", "scoring": "binary", "evidence_source": "dues_on_time"},
        {"area": "政治建设", "title": "理论学习", "weight": "20", "scoring": "graded",
         "levels": [{"label": "好", "fraction": "1"}, {"label": "中", "fraction": "0.6"}, {"label": "差", "fraction": "0"}]},
    ):  # fmt: skip
        response = admin.post(f"{BASE}/templates/{template['id']}/indicators", body, format="json")
        assert response.status_code == 201, response.content
        template = response.json()
    return template


def test_templates_indicators_reorder_and_publish_to_every_subsidiary(tenant_a, tenant_b, committees, group_admin):
    admin = api(ROOT_HOST, group_admin)
    template = _template(admin, limit=3)
    assert template["weight_total"] == "90.00"
    assert [w["code"] for w in template["warnings"]] == ["taskbooks.weights_not_100"]
    assert (
        admin.post(f"{BASE}/templates", {"year": YEAR, "title": "again"}, format="json").json()["code"]
        == "group_taskbooks.year_taken"
    )
    bad = admin.post(
        f"{BASE}/templates/{template['id']}/indicators",
        {"area": "a", "title": "b", "weight": "5", "scoring": "graded", "levels": [{"label": "x", "fraction": "1"}]},
        format="json",
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "group_taskbooks.bad_rule")
    refused = admin.post(f"{BASE}/templates/{template['id']}/publish")
    assert (refused.status_code, refused.json()["code"]) == (400, "group_taskbooks.weights_not_100")
    # A fourth indicator: weights reach 100; above the limit of 3 it warns, not refuses.
    template = admin.post(
        f"{BASE}/templates/{template['id']}/indicators",
        {"area": "作风建设", "title": "志愿服务", "weight": "10", "scoring": "binary"},
        format="json",
    ).json()
    assert [w["code"] for w in template["warnings"]] == ["taskbooks.too_many_indicators"]
    ids = [row["id"] for row in template["indicators"]]
    reordered = admin.post(
        f"{BASE}/templates/{template['id']}/reorder", {"ids": list(reversed(ids))}, format="json"
    ).json()
    assert [row["id"] for row in reordered["indicators"]] == list(reversed(ids))
    assert (
        admin.post(f"{BASE}/templates/{template['id']}/reorder", {"ids": ids[:2]}, format="json").json()["code"]
        == "group_taskbooks.bad_order"
    )
    changed = admin.patch(
        f"{BASE}/templates/{template['id']}/indicators/{ids[0]}", {"description": "每季度至少一次党课"}, format="json"
    )
    assert changed.status_code == 200
    published = admin.post(f"{BASE}/templates/{template['id']}/publish").json()
    assert (published["delivered"], published["updated"]) == (2, 0)
    assert (published["template"]["status"], published["template"]["version"]) == ("published", 1)
    for world, committee in ((tenant_a, committees["a"]), (tenant_b, committees["b"])):
        with world.tenant:
            book = TaskBook.objects.get(year=YEAR)
            assert (book.organization_id, book.status, book.template_id, book.template_version) == (
                committee.pk,
                "issued",
                template["id"],
                1,
            )
            assert sorted(book.indicators.values_list("source_indicator_id", flat=True)) == sorted(ids)
    # Idempotent: publishing again brings books not yet submitted to the new version, creates none.
    again = admin.post(f"{BASE}/templates/{template['id']}/publish").json()
    assert (again["delivered"], again["updated"], again["template"]["version"]) == (0, 2, 2)
    with tenant_a.tenant:
        assert TaskBook.objects.filter(year=YEAR).count() == 1
        assert TaskBook.objects.get(year=YEAR).template_version == 2
    assert admin.delete(f"{BASE}/templates/{template['id']}").json()["code"] == "group_taskbooks.not_draft"
    assert AuditEvent.objects.filter(event="taskbooks.template.publish", actor=group_admin).count() == 2
    listing = admin.get(f"{BASE}/templates").json()
    assert [row["id"] for row in listing["results"]] == [template["id"]]
    # A draft template can be deleted.
    draft = admin.post(f"{BASE}/templates", {"year": YEAR + 1, "title": "下一年"}, format="json").json()
    assert admin.delete(f"{BASE}/templates/{draft['id']}").status_code == 204
    assert not TaskBookTemplate.objects.filter(pk=draft["id"]).exists()


def test_a_subsidiary_onboarded_after_publication_receives_the_template(tenant_a, tenant_b, committees, group_admin):
    admin = api(ROOT_HOST, group_admin)
    template = _template(admin)
    admin.patch(
        f"{BASE}/templates/{template['id']}/indicators/{template['indicators'][2]['id']}",
        {"weight": "30"},
        format="json",
    )
    assert admin.post(f"{BASE}/templates/{template['id']}/publish").json()["delivered"] == 2
    late = do_provision_tenant(
        CommitteeDraft(name="丙公司党委", short_name="丙公司", slug="gamma", unified_code=next_unified_code()),
        first_admin=UserFactory(),
    )
    # No organization yet: listed as not received; the nightly catch-up has nothing to give it.
    rows = {row["tenant_id"]: row for row in admin.get(f"{BASE}/progress?year={YEAR}").json()["tenants"]}
    assert (rows[late.pk]["received"], rows[late.pk]["status"]) == (False, "not_received")
    with late:
        committee = do_create_organization(kind="committee", name="丙公司党委", established_on=date(2020, 1, 1))
    assert do_deliver_pending()["delivered"] == 1
    assert do_deliver_pending()["delivered"] == 0
    with late:
        book = TaskBook.objects.get(year=YEAR)
        assert (book.organization_id, book.template_id, book.indicators.count()) == (committee.pk, template["id"], 3)
    rows = {row["tenant_id"]: row for row in admin.get(f"{BASE}/progress?year={YEAR}").json()["tenants"]}
    assert (rows[late.pk]["received"], rows[late.pk]["status"], rows[late.pk]["indicator_count"]) == (True, "issued", 3)


def test_the_progress_read_catches_up_too(tenant_a, tenant_b, group_admin):
    admin = api(ROOT_HOST, group_admin)
    template = _template(admin)
    admin.patch(
        f"{BASE}/templates/{template['id']}/indicators/{template['indicators'][2]['id']}",
        {"weight": "30"},
        format="json",
    )
    assert admin.post(f"{BASE}/templates/{template['id']}/publish").json()["delivered"] == 0  # no organizations yet
    _committee(tenant_a, "甲公司党委")
    rows = {row["tenant_id"]: row for row in admin.get(f"{BASE}/progress?year={YEAR}").json()["tenants"]}
    assert rows[tenant_a.tenant.pk]["received"] is True
    assert rows[tenant_b.tenant.pk]["received"] is False


def _publish(admin: Any) -> dict[str, Any]:
    template = _template(admin)
    admin.patch(
        f"{BASE}/templates/{template['id']}/indicators/{template['indicators'][2]['id']}",
        {"weight": "30"},
        format="json",
    )
    return admin.post(f"{BASE}/templates/{template['id']}/publish").json()["template"]


def _submit(world: TenantWorld, values: list[dict[str, Any]]) -> int:
    client = api(world.host, world.admin)
    with world.tenant:
        book = TaskBook.objects.get(year=YEAR)
        ids = list(book.indicators.order_by("position").values_list("pk", flat=True))
    items = [{"id": indicator, **value} for indicator, value in zip(ids, values, strict=True)]
    assert (
        client.post(
            f"/api/v1/assessment/task-books/{book.pk}/self-assessment", {"indicators": items}, format="json"
        ).status_code
        == 200
    )
    assert client.post(f"/api/v1/assessment/task-books/{book.pk}/submit").json()["status"] == "submitted"
    return book.pk


def test_the_group_reviews_approves_and_reopens_a_top_book_rankings_off_by_default(
    tenant_a, tenant_b, committees, group_admin, group_viewer
):
    admin = api(ROOT_HOST, group_admin)
    _publish(admin)
    a_book = _submit(tenant_a, [{"value": {"count": 12}}, {"value": {"done": True}}, {"value": {"level": 1}}])
    b_book = _submit(tenant_b, [{"value": {"count": 6}}, {"value": {"done": False}}, {"value": {"level": 0}}])
    progress = admin.get(f"{BASE}/progress?year={YEAR}").json()
    assert progress["rankings_enabled"] is False
    rows = {row["tenant_id"]: row for row in progress["tenants"]}
    assert (rows[tenant_a.tenant.pk]["self_score"], rows[tenant_b.tenant.pk]["self_score"]) == ("88.00", "50.00")
    assert all(row["rank"] is None for row in progress["tenants"])
    # Drill-down (audited): every indicator with its value, score and figures.
    url = f"{BASE}/tenants/{tenant_a.tenant.pk}/books/{a_book}"
    book = api(ROOT_HOST, group_viewer).get(url).json()
    assert book["status"] == "submitted"
    assert book["permissions"]["review"] is True
    assert [row["self_score"] for row in book["indicators"]] == ["40.00", "30.00", "18.00"]
    assert book["indicators"][0]["measured"]["denominator"] >= 0
    assert AuditEvent.objects.filter(
        event="drilldown.taskbooks.book", actor=group_viewer, tenant_id=tenant_a.tenant.pk
    ).exists()
    # The viewer reads only.
    assert api(ROOT_HOST, group_viewer).post(f"{url}/approve", {}, format="json").status_code == 403
    ids = [row["id"] for row in book["indicators"]]
    review = {"indicators": [{"id": ids[0], "value": {"count": 10}, "comment": "两次无记录"},
                             {"id": ids[1], "value": {"done": True}}, {"id": ids[2], "value": {"level": 1}}],
              "comment": "良好"}  # fmt: skip
    assert admin.post(f"{url}/approve", {}, format="json").json()["code"] == "taskbooks.not_reviewed"
    reviewed = admin.post(f"{url}/review", review, format="json").json()
    # 40×10/12 = 33.33; 30; 30×0.6 = 18
    assert reviewed["review_score"] == "81.33"
    approved = admin.post(f"{url}/approve", {}, format="json").json()
    assert (approved["status"], approved["final_score"]) == ("approved", "81.33")
    with tenant_a.tenant:
        event = TaskBookEvent.objects.filter(book_id=a_book, action="approved").get()
        assert event.actor_label.endswith(group_admin.name)
    # Locked on the tenant's side too.
    locked = api(tenant_a.host, tenant_a.admin).post(f"/api/v1/assessment/task-books/{a_book}/submit")
    assert (locked.status_code, locked.json()["code"]) == (409, "taskbooks.locked")
    # Return B's book; B cannot be approved before review.
    b_url = f"{BASE}/tenants/{tenant_b.tenant.pk}/books/{b_book}"
    assert admin.post(f"{b_url}/return", {"reason": "请补充佐证"}, format="json").json()["status"] == "returned"
    # Rankings: hidden by default, shown when the group turns them on (by score, with a rank).
    assert admin.get(f"{BASE}/settings").json() == {"rankings_enabled": False}
    assert (
        api(ROOT_HOST, group_viewer).patch(f"{BASE}/settings", {"rankings_enabled": True}, format="json").status_code
        == 403
    )
    assert admin.patch(f"{BASE}/settings", {"rankings_enabled": True}, format="json").json() == {
        "rankings_enabled": True
    }
    ranked = admin.get(f"{BASE}/progress?year={YEAR}").json()
    assert [(row["tenant_id"], row["rank"]) for row in ranked["tenants"]] == [
        (tenant_a.tenant.pk, 1),
        (tenant_b.tenant.pk, 2),
    ]
    # Reopening: a reason, the audit log, the book's history.
    assert admin.post(f"{url}/reopen", {"reason": ""}, format="json").json()["code"] == "taskbooks.reason_required"
    reopened = admin.post(f"{url}/reopen", {"reason": "数据复核"}, format="json").json()
    assert (reopened["status"], reopened["final_score"]) == ("reviewed", None)
    assert (
        AuditEvent.objects.filter(
            event="taskbooks.book.reopen", actor=group_admin, tenant_id=tenant_a.tenant.pk
        ).count()
        == 1
    )
    # A book that is not a top book, or in another tenant, is not the group's.
    assert admin.get(f"{BASE}/tenants/{tenant_b.tenant.pk}/books/{a_book + 1000}").status_code == 404
    assert admin.get(f"{BASE}/tenants/999999/books/{a_book}").json()["code"] == "group_taskbooks.tenant_unknown"


def test_the_export_opens_and_its_totals_match_the_progress(tenant_a, tenant_b, committees, group_admin):
    admin = api(ROOT_HOST, group_admin)
    _publish(admin)
    _submit(tenant_a, [{"value": {"count": 3}}, {"value": {"done": True}}, {"value": {"level": 2}}])
    progress = admin.get(f"{BASE}/progress?year={YEAR}").json()
    for layout in ("sheets", "long"):
        response = admin.get(f"{BASE}/export?year={YEAR}&layout={layout}")
        assert response.status_code == 200
        workbook = load_workbook(
            io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
        )
        sheet = workbook["进度"]
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        assert [row[0] for row in rows] == [row["tenant_name"] for row in progress["tenants"]]
        exported = sum(Decimal(str(row[2] or 0)) for row in rows)
        shown = sum(Decimal(row["self_score"] or 0) for row in progress["tenants"])
        assert exported == shown == Decimal("40.00")  # 40×3/12 + 30 + 0
        if layout == "sheets":
            assert len(workbook.sheetnames) == 1 + len(progress["tenants"])
            breakdown = [
                row for sheet in workbook.worksheets[1:] for row in sheet.iter_rows(min_row=2, values_only=True)
            ]
            assert sum(Decimal(str(row[5] or 0)) for row in breakdown) == Decimal("40.00")
        else:
            assert workbook.sheetnames == ["进度", "指标明细"]
    assert AuditEvent.objects.filter(event="taskbooks.export", actor=group_admin).count() == 2
    assert admin.get(f"{BASE}/export?layout=wide").json()["code"] == "group_taskbooks.bad_layout"


def _call(client: Any, method: str, url: str, body: dict[str, Any] | None) -> Any:
    return getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)


def test_every_group_task_book_endpoint_is_root_only(tenant_a, tenant_b, committees, group_admin, group_viewer):
    admin = api(ROOT_HOST, group_admin)
    template = _publish(admin)
    with tenant_a.tenant:
        book = TaskBook.objects.get(year=YEAR)
    tenant_users = [tenant_a.admin, tenant_a.secretary, tenant_b.admin, tenant_b.member]
    for url in (
        f"{BASE}/templates",
        f"{BASE}/templates/{template['id']}",
        f"{BASE}/progress?year={YEAR}",
        f"{BASE}/settings",
        f"{BASE}/export?year={YEAR}",
        f"{BASE}/tenants/{tenant_a.tenant.pk}/books/{book.pk}",
    ):
        assert_root_only(Endpoint(url, change=None), allowed=group_viewer, tenant_users=tenant_users)
        assert api(tenant_a.host, tenant_a.admin).get(url).status_code == 404
    indicator = template["indicators"][0]["id"]
    writes = [
        ("post", f"{BASE}/templates", {"year": 2030, "title": "x"}),
        ("patch", f"{BASE}/templates/{template['id']}", {"title": "x"}),
        ("delete", f"{BASE}/templates/{template['id']}", None),
        ("post", f"{BASE}/templates/{template['id']}/indicators", {"area": "a", "title": "b", "weight": "1"}),
        ("patch", f"{BASE}/templates/{template['id']}/indicators/{indicator}", {"weight": "1"}),
        ("delete", f"{BASE}/templates/{template['id']}/indicators/{indicator}", None),
        ("post", f"{BASE}/templates/{template['id']}/reorder", {"ids": []}),
        ("post", f"{BASE}/templates/{template['id']}/publish", {}),
        ("patch", f"{BASE}/settings", {"rankings_enabled": True}),
        ("post", f"{BASE}/tenants/{tenant_a.tenant.pk}/books/{book.pk}/review", {"indicators": []}),
        ("post", f"{BASE}/tenants/{tenant_a.tenant.pk}/books/{book.pk}/return", {"reason": "x"}),
        ("post", f"{BASE}/tenants/{tenant_a.tenant.pk}/books/{book.pk}/approve", {}),
        ("post", f"{BASE}/tenants/{tenant_a.tenant.pk}/books/{book.pk}/reopen", {"reason": "x"}),
    ]
    for method, url, body in writes:
        assert _call(api(ROOT_HOST), method, url, body).status_code == 401, url
        for user in [*tenant_users, group_viewer]:
            assert _call(api(ROOT_HOST, user), method, url, body).status_code == 403, (url, user)
        assert _call(api(tenant_a.host, tenant_a.admin), method, url, body).status_code == 404, url
    assert TaskBookTemplate.objects.get(pk=template["id"]).title == "2026年度党建工作任务书"
    with tenant_a.tenant:
        assert TaskBook.objects.get(pk=book.pk).status == "issued"
