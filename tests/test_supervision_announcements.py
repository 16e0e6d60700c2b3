"""Open party affairs (issue 17, 党务公开): announcements to a scope with read receipts — who
has and hasn't read, counted exactly once; signatures; reminders at most once in 24 hours; the
audited Excel export; the confidentiality gate; the group's announcement across two
subsidiaries; and per-endpoint isolation."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from partycloud.accounts.models import User
from partycloud.audit.models import AuditEvent
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tenants.members.models import Member
from tenants.notifications.kinds import NotificationKind
from tenants.notifications.models import Notification
from tenants.organizations.models import Organization
from tenants.organizations.services import do_create_organization
from tenants.supervision.audience import recipients
from tenants.supervision.models import Announcement, AnnouncementRecipient, Scope
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.factories import UserFactory
from tests.isolation import Endpoint, assert_tenant_isolated
from tests.learning_support import eager_tasks, fetch, pdf_bytes, upload, uploaded_id
from tests.test_meetings_records import new_member, tree

BASE = "/api/v1/supervision/announcements"


def person(
    world: TenantWorld, organization: Organization, *, account: bool = True, status: str = "active"
) -> User | None:
    """A member of ``organization`` (in ``status``), with a user account unless ``account`` is False."""
    user = UserFactory() if account else None
    with world.tenant:
        if user is not None:
            do_assign_role(user=user, role=TenantRole.MEMBER)
        member = new_member(organization, placed_on=date(2025, 1, 1))
        Member.objects.filter(pk=member.pk).update(status=status)
        if user is not None:
            Member.objects.filter(pk=member.pk).update(user=user, name=user.name)
    return user


def scoped(world: TenantWorld, organization: Organization, role: str = TenantRole.SECRETARY) -> User:
    user = UserFactory()
    with world.tenant:
        do_assign_role(user=user, role=role, organization_id=organization.pk)
    return user


class Unit:
    """Tenant A's tree: two members of the first branch, one of its party group, one of the
    second branch, one member without an account and one who left (neither receives anything)."""

    def __init__(self, world: TenantWorld) -> None:
        self.world = world
        self.orgs = tree(world)
        self.first = [person(world, self.orgs["first"]), person(world, self.orgs["first"])]
        self.grouped = person(world, self.orgs["group"])
        self.second = person(world, self.orgs["second"])
        person(world, self.orgs["first"], account=False)
        person(world, self.orgs["first"], status="deceased")
        self.secretary = scoped(world, self.orgs["first"])
        self.client = api(world.host, self.secretary)

    def create(self, **fields: Any) -> dict[str, Any]:
        body = {
            "title": "关于2026年党费收缴情况的公示", "body_html": "<p>公示内容<script>x</script></p>",
            "organization": self.orgs["first"].pk, "scope": "subtree", "category": "党费",
        } | fields  # fmt: skip
        response = self.client.post(BASE, body, format="json")
        assert response.status_code == 201, response.content
        result: dict[str, Any] = response.json()
        return result

    def published(self, **fields: Any) -> dict[str, Any]:
        created = self.create(**fields)
        response = self.client.post(f"{BASE}/{created['id']}/publish")
        assert response.status_code == 200, response.content
        result: dict[str, Any] = response.json()
        return result

    def member(self, user: User | None) -> Any:
        assert user is not None
        return api(self.world.host, user)


@pytest.fixture
def unit(tenant_a: TenantWorld) -> Unit:
    return Unit(tenant_a)


# ---------------------------------------------------------------------------------- the audience


def test_the_audience_is_the_scope_s_counted_members_with_an_account(unit: Unit) -> None:
    with unit.world.tenant:
        orgs = unit.orgs
        assert {r.user_id for r in recipients(orgs["first"].pk, Scope.UNIT)} == {u.pk for u in unit.first if u}
        subtree = {r.user_id for r in recipients(orgs["first"].pk, Scope.SUBTREE)}
        assert subtree == {u.pk for u in [*unit.first, unit.grouped] if u}
        everyone = {r.user_id for r in recipients(None, Scope.TENANT)}
        assert everyone == {u.pk for u in [*unit.first, unit.grouped, unit.second] if u}
        row = next(
            r for r in recipients(orgs["first"].pk, Scope.SUBTREE) if unit.grouped and r.user_id == unit.grouped.pk
        )
        assert row.organization_name == "第一党小组"


# ---------------------------------------------------------------------------------- writing and publishing


def test_a_draft_is_sanitized_and_publishing_fixes_and_notifies_the_recipients(unit: Unit) -> None:
    draft = unit.create()
    assert "<script>" not in draft["body_html"]
    assert draft["status"] == "draft"
    assert draft["recipient_count"] == 0
    published = unit.client.post(f"{BASE}/{draft['id']}/publish").json()
    assert published["status"] == "published"
    assert published["recipient_count"] == 3
    with unit.world.tenant:
        told = set(Notification.objects.filter(kind=NotificationKind.ANNOUNCEMENT).values_list("user_id", flat=True))
        assert told == {u.pk for u in [*unit.first, unit.grouped] if u}
        # A member placed after publishing is not among the recipients (nor counted as unread).
    late = person(unit.world, unit.orgs["first"])
    assert unit.client.get(f"{BASE}/{draft['id']}").json()["recipient_count"] == 3
    assert unit.member(late).get(f"{BASE}/mine").json()["count"] == 0
    # Published: no more changes.
    refused = unit.client.patch(f"{BASE}/{draft['id']}", {"title": "改"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "supervision.announcement_not_draft"


def test_the_unit_scope_reaches_its_own_members_only(unit: Unit) -> None:
    published = unit.published(scope="unit")
    assert published["recipient_count"] == 2
    assert unit.member(unit.grouped).get(f"{BASE}/mine").json()["count"] == 0


def test_a_secretary_writes_for_their_own_subtree_only(unit: Unit) -> None:
    response = unit.client.post(
        BASE, {"title": "越权", "organization": unit.orgs["second"].pk, "scope": "unit"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "supervision.out_of_scope"
    assert unit.client.post(BASE, {"title": "无", "organization": 999999}, format="json").status_code == 404


def test_classified_content_is_refused(unit: Unit) -> None:
    response = unit.client.post(
        BASE, {"title": "机密★1年 干部任免", "organization": unit.orgs["first"].pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "confidentiality.classified"
    with unit.world.tenant:
        assert not Announcement.objects.exists()
        assert AuditEvent.objects.filter(event="supervision.classified.refuse").exists()


def test_a_scope_without_anyone_cannot_be_published(unit: Unit) -> None:
    with unit.world.tenant:
        empty = do_create_organization(kind="branch", name="空支部", parent=unit.orgs["committee"])
    admin = api(unit.world.host, unit.world.admin)
    created = admin.post(BASE, {"title": "空", "organization": empty.pk, "scope": "unit"}, format="json").json()
    response = admin.post(f"{BASE}/{created['id']}/publish")
    assert response.status_code == 400
    assert response.json()["code"] == "supervision.no_recipients"


def test_attachments_are_uploaded_directly_and_the_recipients_download_them(unit: Unit) -> None:
    data = pdf_bytes("党费收缴明细")
    first = uploaded_id(unit.client, "supervision_attachment", "党费明细.pdf", "application/pdf", data)
    created = unit.create(uploads=[first])
    assert [a["name"] for a in created["attachments"]] == ["党费明细.pdf"]
    second = uploaded_id(unit.client, "supervision_attachment", "说明.pdf", "application/pdf", pdf_bytes("说明"))
    added = unit.client.post(f"{BASE}/{created['id']}/attachments", {"upload": second}, format="json")
    assert added.status_code == 201, added.content
    removed = added.json()["attachments"][1]["id"]
    assert unit.client.delete(f"{BASE}/{created['id']}/attachments/{removed}").status_code == 204
    reused = unit.client.post(f"{BASE}/{created['id']}/attachments", {"upload": first}, format="json")
    assert reused.status_code == 409  # an upload is used once
    published = unit.client.post(f"{BASE}/{created['id']}/publish").json()
    reader = unit.member(unit.first[0])
    opened = reader.get(f"{BASE}/mine/{published['uuid']}").json()
    assert [a["name"] for a in opened["attachments"]] == ["党费明细.pdf"]
    status, body = fetch(reader, opened["attachments"][0]["url"])
    assert (status, body) == (200, data)
    # A member may not upload announcement attachments; a classified document is refused when verified.
    started = reader.post(
        "/api/v1/uploads",
        {"purpose": "supervision_attachment", "filename": "a.pdf", "content_type": "application/pdf", "size": 10},
    )
    assert started.status_code == 403
    refused = upload(unit.client, "supervision_attachment", "任免.pdf", "application/pdf", pdf_bytes("机密★1年"))
    assert refused.json()["code"] == "confidentiality.classified"


# ---------------------------------------------------------------------------------- read receipts


def test_read_receipts_count_each_reader_once(unit: Unit) -> None:
    published = unit.published(requires_signature=True)
    uuid, aid = published["uuid"], published["id"]
    reader, other = unit.member(unit.first[0]), unit.member(unit.first[1])
    listed = reader.get(f"{BASE}/mine").json()
    assert listed["count"] == 1
    assert listed["results"][0]["first_read_at"] is None
    assert listed["results"][0]["source"] == "tenant"
    assert listed["results"][0]["issuer"] == "第一党支部"
    for _ in range(3):
        opened = reader.get(f"{BASE}/mine/{uuid}")
        assert opened.status_code == 200
    assert opened.json()["first_read_at"] is not None
    assert opened.json()["signed_at"] is None
    signed = other.post(f"{BASE}/mine/{uuid}/sign")
    assert signed.status_code == 200
    assert signed.json()["signed_at"] is not None
    other.post(f"{BASE}/mine/{uuid}/sign")
    detail = unit.client.get(f"{BASE}/{aid}").json()
    assert (detail["recipient_count"], detail["read_count"], detail["signed_count"]) == (3, 2, 1)
    unread = unit.client.get(f"{BASE}/{aid}/receipts?state=unread").json()
    assert [row["name"] for row in unread["results"]] == [unit.grouped.name if unit.grouped else ""]
    assert unit.client.get(f"{BASE}/{aid}/receipts?state=read").json()["count"] == 2
    assert unit.client.get(f"{BASE}/{aid}/receipts?state=unsigned").json()["count"] == 2
    phone = unit.client.get(f"{BASE}/{aid}/receipts").json()["results"][0]["phone"]
    assert "****" in phone
    summary = unit.client.get(f"{BASE}/{aid}/receipts/summary").json()
    assert summary["grouped_by"] == "organization"
    groups = {g["name"]: (g["recipients"], g["read"], g["signed"]) for g in summary["groups"]}
    assert groups == {"第一党支部": (2, 2, 1), "第一党小组": (1, 0, 0)}
    assert summary["unread_count"] == 1


def test_unread_announcements_come_first_and_a_withdrawn_one_disappears(unit: Unit) -> None:
    older = unit.published(title="较早的公告")
    newer = unit.published(title="较新的公告")
    reader = unit.member(unit.first[0])
    reader.get(f"{BASE}/mine/{newer['uuid']}")
    titles = [row["title"] for row in reader.get(f"{BASE}/mine").json()["results"]]
    assert titles == ["较早的公告", "较新的公告"]
    assert reader.get(f"{BASE}/mine?state=unread").json()["count"] == 1
    assert unit.client.post(f"{BASE}/{older['id']}/withdraw").status_code == 200
    assert reader.get(f"{BASE}/mine").json()["count"] == 1
    assert reader.get(f"{BASE}/mine/{older['uuid']}").status_code == 404


def test_signing_is_refused_when_not_asked(unit: Unit) -> None:
    published = unit.published()
    response = unit.member(unit.first[0]).post(f"{BASE}/mine/{published['uuid']}/sign")
    assert response.status_code == 400
    assert response.json()["code"] == "supervision.signature_not_required"


def test_reminders_reach_the_unread_and_are_not_sent_twice_in_24_hours(unit: Unit) -> None:
    published = unit.published()
    aid = published["id"]
    unit.member(unit.first[0]).get(f"{BASE}/mine/{published['uuid']}")
    first = unit.client.post(f"{BASE}/{aid}/remind")
    assert first.status_code == 200, first.content
    assert first.json()["reminded"] == 2
    again = unit.client.post(f"{BASE}/{aid}/remind")
    assert again.status_code == 409
    assert again.json()["code"] == "supervision.reminded_recently"
    with unit.world.tenant:
        reminders = Notification.objects.filter(kind=NotificationKind.ANNOUNCEMENT, title__startswith="提醒")
        assert reminders.count() == 2
        assert unit.first[0] is not None
        assert not reminders.filter(user=unit.first[0]).exists()
        # A day later the next reminder may go.
        AnnouncementRecipient.objects.filter(announcement_id=aid).update(
            reminded_at=timezone.now() - timedelta(hours=24, minutes=1)
        )
    later = unit.client.post(f"{BASE}/{aid}/remind")
    assert later.status_code == 200
    with unit.world.tenant:
        counts = set(
            AnnouncementRecipient.objects.filter(announcement_id=aid, first_read_at__isnull=True).values_list(
                "reminder_count", flat=True
            )
        )
        assert counts == {2}
    summary = unit.client.get(f"{BASE}/{aid}/receipts/summary").json()
    assert summary["next_reminder_at"] is not None


def test_the_receipts_export_is_a_workbook_and_audited(unit: Unit) -> None:
    published = unit.published()
    unit.member(unit.first[0]).get(f"{BASE}/mine/{published['uuid']}")
    response = unit.client.get(f"{BASE}/{published['id']}/receipts.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 3
    assert sum(1 for row in rows if row[4] == "未读") == 2
    with unit.world.tenant:
        event = AuditEvent.objects.get(event="supervision.announcement.receipts.export")
        assert event.details["count"] == 3


def test_an_inspector_and_a_member_cannot_manage_announcements(unit: Unit) -> None:
    for user in (unit.world.inspector, unit.first[0]):
        assert user is not None
        assert api(unit.world.host, user).get(BASE).status_code == 403


# ---------------------------------------------------------------------------------- the group's announcements


def test_a_group_announcement_reaches_two_subsidiaries_and_its_receipts_are_aggregated(
    tenant_a: TenantWorld, tenant_b: TenantWorld, group_admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    orgs_a, orgs_b = tree(tenant_a), tree(tenant_b)
    in_a = [person(tenant_a, orgs_a["first"]), person(tenant_a, orgs_a["second"])]
    in_b = [person(tenant_b, orgs_b["first"])]
    group = api(ROOT_HOST, group_admin)
    created = group.post(BASE, {"title": "集团党委关于开展主题教育的通知", "body_html": "<p>通知</p>"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["scope"] == "group"
    assert created.json()["organization"] is None
    aid, uuid = created.json()["id"], created.json()["uuid"]
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        published = group.post(f"{BASE}/{aid}/publish")
    assert published.status_code == 200, published.content
    detail = group.get(f"{BASE}/{aid}").json()
    assert detail["recipient_count"] == 3
    with schema_context("public"):
        schemas = set(AnnouncementRecipient.objects.filter(announcement_id=aid).values_list("tenant_schema", flat=True))
    assert schemas == {tenant_a.tenant.schema_name, tenant_b.tenant.schema_name}
    for world, people in ((tenant_a, in_a), (tenant_b, in_b)):
        with world.tenant:
            told = set(
                Notification.objects.filter(kind=NotificationKind.ANNOUNCEMENT).values_list("user_id", flat=True)
            )
            assert told == {u.pk for u in people if u}
    # A member sees it beside their subsidiary's own, and opening it is the receipt.
    reader = api(tenant_a.host, in_a[0])
    mine = reader.get(f"{BASE}/mine").json()
    assert [(row["uuid"], row["source"]) for row in mine["results"]] == [(uuid, "group")]
    assert reader.get(f"{BASE}/mine/{uuid}").status_code == 200
    # B's member does not reach it through A's host, nor sees A's receipts.
    assert api(tenant_b.host, in_b[0]).get(f"{BASE}/mine").json()["count"] == 1
    summary = group.get(f"{BASE}/{aid}/receipts/summary").json()
    assert summary["grouped_by"] == "tenant"
    groups = {g["key"]: (g["recipients"], g["read"]) for g in summary["groups"]}
    assert groups == {tenant_a.tenant.schema_name: (2, 1), tenant_b.tenant.schema_name: (1, 0)}
    only_b = group.get(f"{BASE}/{aid}/receipts?tenant={tenant_b.tenant.schema_name}").json()
    assert only_b["count"] == 1
    assert only_b["results"][0]["tenant_name"] == tenant_b.tenant.name
    # Reminders go to the unread in each subsidiary, through a task there.
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        reminded = group.post(f"{BASE}/{aid}/remind")
    assert reminded.json()["reminded"] == 2
    with tenant_b.tenant:
        assert Notification.objects.filter(kind=NotificationKind.ANNOUNCEMENT, title__startswith="提醒").count() == 1
    with tenant_a.tenant:
        assert in_a[0] is not None
        assert not Notification.objects.filter(title__startswith="提醒", user=in_a[0]).exists()
    export = group.get(f"{BASE}/{aid}/receipts.xlsx")
    assert export.status_code == 200
    # The group's announcements are not a subsidiary's: A's admin lists none of them.
    assert api(tenant_a.host, tenant_a.admin).get(BASE).json()["count"] == 0


def test_group_viewers_read_but_do_not_write_and_tenant_users_get_nothing_on_the_root_host(
    tenant_a: TenantWorld, group_viewer: User
) -> None:
    viewer = api(ROOT_HOST, group_viewer)
    assert viewer.get(BASE).status_code == 200
    assert viewer.post(BASE, {"title": "x"}, format="json").status_code == 403
    assert api(ROOT_HOST, tenant_a.admin).get(BASE).status_code == 403
    assert api(ROOT_HOST).get(BASE).status_code == 401


# ---------------------------------------------------------------------------------- isolation


def test_every_announcement_endpoint_is_isolated(unit: Unit, tenant_b: TenantWorld) -> None:
    published = unit.published()
    aid, uuid = published["id"], published["uuid"]
    draft = unit.create(title="草稿")
    world = unit.world
    assert_tenant_isolated(
        Endpoint(BASE, object_id=draft["id"], change={"title": "改"}, create={"title": "x", "organization": 1}),
        owner=world,
        outsider=tenant_b,
    )
    for suffix in ("receipts", "receipts/summary"):
        assert_tenant_isolated(
            Endpoint(f"{BASE}/{aid}/{suffix}", change=None, deletable=False), owner=world, outsider=tenant_b
        )
    # Actions, the export and the member's side: nobody from B, nobody anonymous.
    reader = unit.first[0]
    assert reader is not None
    for user, host, expect in (
        (tenant_b.admin, world.host, {403}),
        (tenant_b.member, world.host, {403}),
        (None, world.host, {401}),
        (tenant_b.admin, tenant_b.host, {404}),
    ):
        client = api(host, user)
        for url in (f"{BASE}/{aid}/publish", f"{BASE}/{aid}/withdraw", f"{BASE}/{aid}/remind"):
            assert client.post(url).status_code in expect, url
        assert client.get(f"{BASE}/{aid}/receipts.xlsx").status_code in expect
        assert (
            client.post(f"{BASE}/{draft['id']}/attachments", {"upload": str(uuid)}, format="json").status_code in expect
        )
    for user, host, expect in (
        (tenant_b.member, world.host, {403}),
        (None, world.host, {401}),
        (tenant_b.admin, tenant_b.host, {404}),
    ):
        client = api(host, user)
        assert client.get(f"{BASE}/mine/{uuid}").status_code in expect
        assert client.post(f"{BASE}/mine/{uuid}/sign").status_code in expect
    # Another member of A who is not a recipient does not read it either.
    outsider = unit.member(unit.second)
    assert outsider.get(f"{BASE}/mine/{uuid}").status_code == 404
    after = unit.client.get(f"{BASE}/{aid}").json()
    assert (after["status"], after["read_count"]) == ("published", 0)
