"""Reports and petitions (issue 17, 网上信访举报): routing to the level above and never to the accused's
own unit, the tracking code (shown once, stored as a keyed hash, one generic answer to wrong codes,
throttled), encryption at rest (the raw rows hold no plaintext), the handling steps and their
rules (one extension of at most 30 days), deadlines in working days across the National Day and
the Spring Festival, reminders and the group's escalations, audited reads, and isolation of every
endpoint."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from partycloud.accounts.models import GroupRole, GroupRoleKind, User
from partycloud.audit.models import AuditEvent
from tenants.access.models import RoleAssignment, TenantRole
from tenants.access.services import do_assign_role
from tenants.notifications.models import Notification
from tenants.organizations.models import Organization
from tenants.supervision import report_deadlines, reports
from tenants.supervision.models import (
    Report,
    ReportAssignee,
    ReportAttachment,
    ReportEscalation,
    ReportEvent,
    ReportMessage,
)
from tenants.supervision.tracking import ALPHABET, code_hash
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.factories import UserFactory
from tests.learning_support import _named, png_bytes, uploaded_id
from tests.test_assessment_evaluation import person, scoped
from tests.test_meetings_records import tree

BASE = "/api/v1/supervision/reports"
GROUP = "/api/v1/supervision/group/reports"
SHANGHAI = ZoneInfo("Asia/Shanghai")
SECRET_WORDS = "王某某利用职权收受礼金"


@pytest.fixture(autouse=True)
def _unthrottled(settings: Any) -> None:
    """The tests' many public calls from one address; the throttle has its own test below."""
    settings.SUPERVISION_REPORT_THROTTLE_RATE = "10000/min"


@pytest.fixture
def orgs(tenant_a: TenantWorld) -> dict[str, Organization]:
    return tree(tenant_a)


def file(world: TenantWorld, accused: Organization, user: User | None = None, **fields: Any) -> dict[str, Any]:
    body = {
        "kind": "report", "accused_organization": accused.pk, "accused_name": "王某某",
        "subject": "违规收受礼金", "content": SECRET_WORDS,
    } | fields  # fmt: skip
    response = api(world.host, user).post(BASE, body, format="json")
    assert response.status_code == 201, response.content
    result: dict[str, Any] = response.json()
    return result


def report_of(world: TenantWorld, number: str) -> Report:
    with world.tenant:
        return Report.objects.get(number=number)


def assignee_ids(world: TenantWorld, number: str) -> set[int]:
    with world.tenant:
        return set(ReportAssignee.objects.filter(report__number=number).values_list("user_id", flat=True))


def track(world: TenantWorld, code: str) -> Any:
    return api(world.host).post(f"{BASE}/track", {"code": code}, format="json")


def group_inspector() -> User:
    connection.set_schema_to_public()
    user = UserFactory(name="集团纪委")
    GroupRole.objects.create(user=user, role=GroupRoleKind.GROUP_INSPECTOR)
    return user


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


# ---------------------------------------------------------------------------------- routing


def test_the_accused_units_secretary_who_is_also_an_inspector_is_never_assigned(
    tenant_a: TenantWorld, orgs: dict[str, Organization]
) -> None:
    both = scoped(tenant_a, orgs["first"], TenantRole.SECRETARY)
    with tenant_a.tenant:
        do_assign_role(user=both, role=TenantRole.DISCIPLINE_INSPECTOR, organization_id=orgs["committee"].pk)
    upper = scoped(tenant_a, orgs["committee"], TenantRole.DISCIPLINE_INSPECTOR)
    filed = file(tenant_a, orgs["first"])
    assigned = assignee_ids(tenant_a, filed["number"])
    assert both.pk not in assigned
    assert upper.pk in assigned
    assert tenant_a.inspector.pk in assigned  # the tenant-wide inspector covers the parent too
    report = report_of(tenant_a, filed["number"])
    assert report.routed_organization_id == orgs["committee"].pk
    assert not report.to_group


def test_a_member_of_the_accused_branch_who_is_an_inspector_is_not_assigned(
    tenant_a: TenantWorld, orgs: dict[str, Organization]
) -> None:
    member, _record = person(tenant_a, orgs["first"])
    with tenant_a.tenant:
        do_assign_role(user=member, role=TenantRole.DISCIPLINE_INSPECTOR, organization_id=orgs["committee"].pk)
    in_group, _record = person(tenant_a, orgs["group"])  # a party group under the branch is the branch too
    with tenant_a.tenant:
        do_assign_role(user=in_group, role=TenantRole.DISCIPLINE_INSPECTOR)
    filed = file(tenant_a, orgs["first"])
    assigned = assignee_ids(tenant_a, filed["number"])
    assert member.pk not in assigned
    assert in_group.pk not in assigned


def test_the_parents_inspector_is_assigned_and_not_a_siblings_or_the_units_own(
    tenant_a: TenantWorld, orgs: dict[str, Organization]
) -> None:
    parent = scoped(tenant_a, orgs["first"], TenantRole.DISCIPLINE_INSPECTOR)
    sibling = scoped(tenant_a, orgs["second"], TenantRole.DISCIPLINE_INSPECTOR)
    own = scoped(tenant_a, orgs["group"], TenantRole.DISCIPLINE_INSPECTOR)
    filed = file(tenant_a, orgs["group"])  # the party group: the level above is the first branch
    assigned = assignee_ids(tenant_a, filed["number"])
    assert parent.pk in assigned
    assert sibling.pk not in assigned
    assert own.pk not in assigned
    assert report_of(tenant_a, filed["number"]).routed_organization_id == orgs["first"].pk


def test_a_report_about_the_top_committee_goes_to_the_group(
    tenant_a: TenantWorld, orgs: dict[str, Organization]
) -> None:
    filed = file(tenant_a, orgs["committee"])
    report = report_of(tenant_a, filed["number"])
    assert report.to_group
    assert report.routed_organization_id is None
    assert assignee_ids(tenant_a, filed["number"]) == set()
    connection.set_schema_to_public()
    row = ReportEscalation.objects.get(report_uuid=report.uuid)
    assert (row.overdue, row.tenant_schema, row.number) == ("routed", tenant_a.tenant.schema_name, filed["number"])
    # The tenant's own inspector sees nothing of it.
    listing = api(tenant_a.host, tenant_a.inspector).get(BASE).json()
    assert filed["number"] not in [r["number"] for r in listing["results"]]


def test_nobody_eligible_sends_the_report_to_the_group(tenant_a: TenantWorld, orgs: dict[str, Organization]) -> None:
    inside = scoped(tenant_a, orgs["first"], TenantRole.DISCIPLINE_INSPECTOR)  # of the accused unit itself
    with tenant_a.tenant:
        RoleAssignment.objects.filter(role=TenantRole.DISCIPLINE_INSPECTOR).exclude(user=inside).delete()
    filed = file(tenant_a, orgs["first"])
    report = report_of(tenant_a, filed["number"])
    assert report.to_group
    assert assignee_ids(tenant_a, filed["number"]) == set()


def test_the_assignees_are_told_without_the_content(tenant_a: TenantWorld, orgs: dict[str, Organization]) -> None:
    filed = file(tenant_a, orgs["first"])
    with tenant_a.tenant:
        notes = list(Notification.objects.filter(user=tenant_a.inspector, title__contains=filed["number"]))
    assert len(notes) == 1
    assert notes[0].kind == "supervision.deadline"
    assert SECRET_WORDS not in notes[0].title + notes[0].body
    assert "礼金" not in notes[0].title + notes[0].body


# ---------------------------------------------------------------------------------- filing, code, encryption


def test_an_anonymous_report_keeps_no_reporter_and_gives_the_code_once(
    tenant_a: TenantWorld, orgs: dict[str, Organization]
) -> None:
    audit_before = AuditEvent.objects.count()
    filed = file(tenant_a, orgs["first"], reporter_contact="13800000000")
    code = filed["tracking_code"]
    assert len(code) == 19
    assert code.count("-") == 3
    assert all(ch in ALPHABET for ch in code.replace("-", ""))
    report = report_of(tenant_a, filed["number"])
    assert report.anonymous
    assert report.reporter_id is None
    assert report.reporter_name_encrypted == ""
    assert report.tracking_code_hash == code_hash(code) != code
    assert AuditEvent.objects.count() == audit_before  # an entry would keep the reporter's address
    # Followed by the code, dashes and case as typed.
    tracked = track(tenant_a, code.lower().replace("-", " "))
    assert tracked.status_code == 200
    assert tracked.json()["number"] == filed["number"]
    assert tracked.json()["status"] == "received"
    assert "tracking_code" not in tracked.json()


def test_the_raw_rows_hold_no_plaintext(tenant_a: TenantWorld, orgs: dict[str, Organization]) -> None:
    reporter, _member = person(tenant_a, orgs["second"])
    filed = file(
        tenant_a, orgs["first"], reporter, anonymous=False, reporter_name="李举报", reporter_contact="13911112222"
    )
    report = report_of(tenant_a, filed["number"])
    inspector = api(tenant_a.host, tenant_a.inspector)
    assert inspector.post(f"{BASE}/{report.pk}/messages", {"body": "请补充时间地点"}, format="json").status_code == 201
    answer = {"code": filed["tracking_code"], "body": "去年十月在办公室"}
    assert api(tenant_a.host).post(f"{BASE}/track/answer", answer, format="json").status_code == 201
    with tenant_a.tenant, connection.cursor() as cursor:
        rows = []
        for table in ("supervision_report", "supervision_reportmessage", "supervision_reportevent"):
            cursor.execute(f"SELECT row_to_json(t)::text FROM {table} t")
            rows += [row[0] for row in cursor.fetchall()]
    raw = "\n".join(rows)
    for plain in (
        SECRET_WORDS,
        "违规收受礼金",
        "王某某",
        "李举报",
        "13911112222",
        "请补充时间地点",
        "去年十月在办公室",
    ):
        assert plain not in raw, plain
    assert filed["tracking_code"].replace("-", "") not in raw.replace("-", "")
    detail = inspector.get(f"{BASE}/{report.pk}").json()
    assert (detail["content"], detail["reporter_name"], detail["accused_name"]) == (SECRET_WORDS, "李举报", "王某某")
    assert report.reporter_id == reporter.pk


def test_a_real_name_report_needs_a_sign_in_and_takes_the_members_name(
    tenant_a: TenantWorld, orgs: dict[str, Organization]
) -> None:
    body = {"accused_organization": orgs["first"].pk, "subject": "s", "content": "c", "anonymous": False}
    refused = api(tenant_a.host).post(BASE, body, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "supervision.sign_in_for_real_name"
    reporter, member = person(tenant_a, orgs["second"])
    filed = file(tenant_a, orgs["first"], reporter, anonymous=False)
    detail = api(tenant_a.host, tenant_a.inspector).get(f"{BASE}/{report_of(tenant_a, filed['number']).pk}").json()
    assert detail["reporter_name"] == member.name
    assert not detail["anonymous"]


def test_classified_content_is_refused_and_nothing_is_stored(
    tenant_a: TenantWorld, orgs: dict[str, Organization]
) -> None:
    body = {"accused_organization": orgs["first"].pk, "subject": "情况反映", "content": "机密★1年 附件如下"}
    response = api(tenant_a.host).post(BASE, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "confidentiality.classified"
    with tenant_a.tenant:
        assert not Report.objects.exists()
    connection.set_schema_to_public()
    refusal = AuditEvent.objects.get(event="supervision.report.classified.refuse")
    assert refusal.actor_id is None
    assert not refusal.ip_address


def test_an_unknown_unit_is_refused(tenant_a: TenantWorld, tenant_b: TenantWorld) -> None:
    other = tree(tenant_b)["first"]
    body = {"accused_organization": other.pk + 10_000, "subject": "s", "content": "c"}
    response = api(tenant_a.host).post(BASE, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "supervision.accused_unit_unknown"


def test_the_form_lists_this_tenants_organizations_only(
    tenant_a: TenantWorld, tenant_b: TenantWorld, orgs: dict[str, Organization]
) -> None:
    tree(tenant_b)
    units = api(tenant_a.host).get(f"{BASE}/units").json()
    assert [u["name"] for u in units] == ["甲公司党委", "第一党支部", "第一党小组", "第二党支部"]
    assert units[1]["parent_id"] == orgs["committee"].pk
    assert api(ROOT_HOST).get(f"{BASE}/units").status_code in {401, 403, 404}


def test_wrong_codes_get_one_generic_answer_and_are_throttled(
    tenant_a: TenantWorld, orgs: dict[str, Organization], settings: Any
) -> None:
    filed = file(tenant_a, orgs["first"])
    real = filed["tracking_code"]
    wrong = real[:-1] + ("A" if real[-1] != "A" else "B")
    answers = [track(tenant_a, c).json() for c in (wrong, "short", "0000-0000-0000-0000")]
    assert {a["code"] for a in answers} == {"supervision.tracking_unknown"}
    assert len({a["message"] for a in answers}) == 1
    settings.SUPERVISION_REPORT_THROTTLE_RATE = "3/min"
    client = api(tenant_a.host)
    address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"  # a fresh caller
    statuses = [
        client.post(f"{BASE}/track", {"code": wrong}, format="json", REMOTE_ADDR=address).status_code for _ in range(5)
    ]
    assert statuses == [404, 404, 404, 429, 429]


# ---------------------------------------------------------------------------------- handling


def test_the_handling_steps_and_what_the_reporter_sees(tenant_a: TenantWorld, orgs: dict[str, Organization]) -> None:
    filed = file(tenant_a, orgs["first"])
    code = filed["tracking_code"]
    rid = report_of(tenant_a, filed["number"]).pk
    inspector = api(tenant_a.host, tenant_a.inspector)
    early = api(tenant_a.host).post(f"{BASE}/track/answer", {"code": code, "body": "补充"}, format="json")
    assert early.status_code == 409
    assert early.json()["code"] == "supervision.no_question"
    assert inspector.post(f"{BASE}/{rid}/close", {"result": "x"}, format="json").status_code == 409
    acknowledged = inspector.post(f"{BASE}/{rid}/acknowledge").json()
    assert acknowledged["status"] == "acknowledged"
    assert (
        acknowledged["close_due"]
        == (date.fromisoformat(acknowledged["acknowledged_at"][:10]) + timedelta(60)).isoformat()
    )
    assert inspector.post(f"{BASE}/{rid}/acknowledge").status_code == 409
    asked = inspector.post(f"{BASE}/{rid}/messages", {"body": "请提供证据"}, format="json")
    assert asked.status_code == 201
    seen = track(tenant_a, code).json()
    assert [(m["author_kind"], m["body"]) for m in seen["messages"]] == [("inspector", "请提供证据")]
    answered = api(tenant_a.host).post(f"{BASE}/track/answer", {"code": code, "body": "见附件"}, format="json")
    assert answered.status_code == 201
    # One extension, of at most the rule's 30 days, the rule named when refused.
    too_long = inspector.post(f"{BASE}/{rid}/extend", {"days": 31, "reason": "取证"}, format="json")
    assert too_long.status_code == 400
    assert too_long.json()["code"] == "supervision.extension_too_long"
    assert "2019.1" in too_long.json()["message"]
    extended = inspector.post(f"{BASE}/{rid}/extend", {"days": 30, "reason": "取证"}, format="json").json()
    assert extended["status"] == "extended"
    assert date.fromisoformat(extended["close_due"]) == date.fromisoformat(acknowledged["close_due"]) + timedelta(30)
    again = inspector.post(f"{BASE}/{rid}/extend", {"days": 1, "reason": "再延"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "supervision.extension_used"
    closed = inspector.post(f"{BASE}/{rid}/close", {"result": "经查属实，已立案"}, format="json").json()
    assert closed["status"] == "closed"
    assert closed["actions"] == ["feedback"]
    assert track(tenant_a, code).json()["result"] is None  # not fed back yet
    fed = inspector.post(f"{BASE}/{rid}/feedback", {"body": "您反映的问题已查实处理"}, format="json").json()
    assert fed["fed_back_at"]
    final = track(tenant_a, code).json()
    assert final["result"] == "经查属实，已立案"
    assert final["messages"][-1]["body"] == "您反映的问题已查实处理"
    assert inspector.post(f"{BASE}/{rid}/feedback", {"body": "again"}, format="json").status_code == 409
    with tenant_a.tenant:
        kinds = list(ReportEvent.objects.filter(report_id=rid).values_list("kind", flat=True))
    assert kinds == [
        "received", "routed", "acknowledged", "message", "answered", "extended", "closed", "fed_back",
    ]  # fmt: skip


def test_declining_feeds_the_reason_back(tenant_a: TenantWorld, orgs: dict[str, Organization]) -> None:
    filed = file(tenant_a, orgs["first"])
    rid = report_of(tenant_a, filed["number"]).pk
    declined = api(tenant_a.host, tenant_a.inspector).post(
        f"{BASE}/{rid}/decline", {"reason": "不属于受理范围"}, format="json"
    )
    assert declined.json()["status"] == "declined"
    seen = track(tenant_a, filed["tracking_code"]).json()
    assert (seen["status"], seen["result"]) == ("declined", "不属于受理范围")


def test_every_read_is_audited(tenant_a: TenantWorld, orgs: dict[str, Organization]) -> None:
    filed = file(tenant_a, orgs["first"])
    rid = report_of(tenant_a, filed["number"]).pk
    inspector = api(tenant_a.host, tenant_a.inspector)
    listing = inspector.get(BASE).json()
    assert [r["number"] for r in listing["results"]] == [filed["number"]]
    assert listing["results"][0]["subject"] == "违规收受礼金"
    assert "content" not in listing["results"][0]
    inspector.get(f"{BASE}/{rid}")
    connection.set_schema_to_public()
    events = list(AuditEvent.objects.filter(actor=tenant_a.inspector).values_list("event", flat=True))
    assert "supervision.report.list" in events
    assert "supervision.report.read" in events


def test_only_the_assignees_read_a_report(tenant_a: TenantWorld, orgs: dict[str, Organization]) -> None:
    sibling = scoped(tenant_a, orgs["second"], TenantRole.DISCIPLINE_INSPECTOR)
    filed = file(tenant_a, orgs["first"])
    rid = report_of(tenant_a, filed["number"]).pk
    assert api(tenant_a.host, sibling).get(f"{BASE}/{rid}").status_code == 404
    assert api(tenant_a.host, sibling).get(BASE).json()["results"] == []
    assert api(tenant_a.host, sibling).post(f"{BASE}/{rid}/acknowledge").status_code == 404
    # Neither the tenant admin nor the unit's secretary: not inspectors at all.
    for user in (tenant_a.admin, tenant_a.secretary):
        assert api(tenant_a.host, user).get(f"{BASE}/{rid}").status_code == 403
        assert api(tenant_a.host, user).get(BASE).status_code == 403


def test_the_reporter_attaches_evidence_with_the_code(tenant_a: TenantWorld, orgs: dict[str, Organization]) -> None:
    filed = file(tenant_a, orgs["first"])
    code = filed["tracking_code"]
    data = png_bytes()
    public = api(tenant_a.host)
    wrong = public.post(
        f"{BASE}/track/attachments",
        {"code": "AAAA-AAAA-AAAA-AAAA", "filename": "a.png", "content_type": "image/png", "size": len(data)},
        format="json",
    )
    assert wrong.status_code == 404
    started = public.post(
        f"{BASE}/track/attachments",
        {"code": code, "filename": "证据.png", "content_type": "image/png", "size": len(data)},
        format="json",
    )
    assert started.status_code == 201, started.content
    body = started.json()
    form = {**body["post"]["fields"], "file": _named(data, "证据.png")}
    assert public.post(urlsplit(body["post"]["url"]).path, form, format="multipart").status_code in {200, 201, 204}
    # Another report's code cannot complete it.
    other = file(tenant_a, orgs["second"])["tracking_code"]
    stolen = public.post(f"{BASE}/track/attachments/complete", {"code": other, "upload": body["upload"]}, format="json")
    assert stolen.status_code == 404
    done = public.post(f"{BASE}/track/attachments/complete", {"code": code, "upload": body["upload"]}, format="json")
    assert done.status_code == 201, done.content
    assert done.json()["name"] == "证据.png"
    with tenant_a.tenant:
        attachment = ReportAttachment.objects.get(report__number=filed["number"])
        assert "证据" not in attachment.name_encrypted
    rid = report_of(tenant_a, filed["number"]).pk
    download = api(tenant_a.host, tenant_a.inspector).get(f"{BASE}/{rid}/attachments/{attachment.pk}")
    assert download.status_code == 200
    assert download.json()["url"]
    assert track(tenant_a, code).json()["attachments"][0]["name"] == "证据.png"
    # The inspector's own file: uploaded as usual, then attached; the reporter does not see it.
    inspector = api(tenant_a.host, tenant_a.inspector)
    upload_id = uploaded_id(inspector, "supervision_report", "询问笔录.png", "image/png", png_bytes())
    added = inspector.post(f"{BASE}/{rid}/attachments", {"upload": upload_id}, format="json")
    assert added.status_code == 201, added.content
    assert added.json()["from_reporter"] is False
    assert [a["name"] for a in track(tenant_a, code).json()["attachments"]] == ["证据.png"]
    assert inspector.post(f"{BASE}/{rid}/attachments", {"upload": upload_id}, format="json").status_code == 409


# ---------------------------------------------------------------------------------- deadlines


def file_on(world: TenantWorld, accused: Organization, day: date, monkeypatch: Any) -> Report:
    monkeypatch.setattr(reports, "_now", lambda: at(day))
    filed = file(world, accused)
    return report_of(world, filed["number"])


def test_acknowledging_is_due_15_working_days_later_across_national_day(
    tenant_a: TenantWorld, orgs: dict[str, Organization], monkeypatch: Any
) -> None:
    # Received Monday Sep 28 2026: 29, 30; Oct 1–7 off; 8, 9, Sat 10 (worked); 12–16; 19–23.
    report = file_on(tenant_a, orgs["first"], date(2026, 9, 28), monkeypatch)
    assert report.acknowledge_due == date(2026, 10, 23)


def test_acknowledging_is_due_15_working_days_later_across_the_spring_festival(
    tenant_a: TenantWorld, orgs: dict[str, Organization], monkeypatch: Any
) -> None:
    # Received Friday Feb 13 2026: Sat 14 (worked); Feb 15–23 off; 24–28 (28 worked); Mar 2–6; 9–12.
    report = file_on(tenant_a, orgs["first"], date(2026, 2, 13), monkeypatch)
    assert report.acknowledge_due == date(2026, 3, 12)
    monkeypatch.setattr(reports, "_now", lambda: at(date(2026, 3, 2)))
    inspector = api(tenant_a.host, tenant_a.inspector)
    inspector.post(f"{BASE}/{report.pk}/acknowledge")
    closed_on = date(2026, 9, 25)  # the Friday before the Mid-autumn Festival and National Day
    monkeypatch.setattr(reports, "_now", lambda: at(closed_on))
    closed = inspector.post(f"{BASE}/{report.pk}/close", {"result": "办结"}, format="json").json()
    assert closed["close_due"] == "2026-05-01"  # Mar 2 + 60 days
    # Feedback within 15 working days: Sep 28–30, Oct 8–10, 12–16, 19–22.
    assert closed["feedback_due"] == "2026-10-22"


def test_reminders_once_a_day_and_one_escalation_per_deadline(
    tenant_a: TenantWorld, orgs: dict[str, Organization], monkeypatch: Any
) -> None:
    report = file_on(tenant_a, orgs["first"], date(2026, 9, 28), monkeypatch)
    due = report.acknowledge_due
    with tenant_a.tenant:
        Notification.objects.all().delete()
        assert report_deadlines.do_run_deadlines(due - timedelta(days=10)) == {"reminded": 0, "escalated": 0}
        assert report_deadlines.do_run_deadlines(due - timedelta(days=2)) == {"reminded": 1, "escalated": 0}
        assert report_deadlines.do_run_deadlines(due - timedelta(days=2)) == {"reminded": 0, "escalated": 0}
        notes = list(Notification.objects.filter(user=tenant_a.inspector))
        assert len(notes) == 1
        assert report.number in notes[0].title
        assert "礼金" not in notes[0].title
        assert report_deadlines.do_run_deadlines(due + timedelta(days=1)) == {"reminded": 0, "escalated": 1}
        assert report_deadlines.do_run_deadlines(due + timedelta(days=2)) == {"reminded": 0, "escalated": 0}
        report.refresh_from_db()
        assert report.escalated_at is not None
    connection.set_schema_to_public()
    escalation = ReportEscalation.objects.get(report_uuid=report.uuid)
    assert (escalation.overdue, escalation.due_on, escalation.resolved_at) == ("acknowledge", due, None)
    # The group's inspector lists it (no content) and opens the case (audited), then acknowledges.
    inspector = group_inspector()
    group = api(ROOT_HOST, inspector)
    rows = group.get(f"{GROUP}?open=1").json()["results"]
    assert [r["number"] for r in rows] == [report.number]
    assert "subject" not in rows[0]
    case = group.get(f"{GROUP}/{escalation.pk}").json()
    assert case["content"] == SECRET_WORDS
    assert case["tenant_name"] == "甲公司"
    assert AuditEvent.objects.filter(actor=inspector, event="supervision.report.read").exists()
    acknowledged = group.post(f"{GROUP}/{escalation.pk}/acknowledge").json()
    assert acknowledged["status"] == "acknowledged"
    escalation.refresh_from_db()
    assert escalation.resolved_at is not None
    assert group.get(f"{GROUP}?open=1").json()["results"] == []


def test_the_group_handles_a_report_about_a_top_committee(tenant_a: TenantWorld, orgs: dict[str, Organization]) -> None:
    filed = file(tenant_a, orgs["committee"])
    inspector = group_inspector()
    group = api(ROOT_HOST, inspector)
    row = next(r for r in group.get(GROUP).json()["results"] if r["number"] == filed["number"])
    assert row["overdue"] == "routed"
    assert group.post(f"{GROUP}/{row['id']}/messages", {"body": "请说明"}, format="json").status_code == 201
    assert track(tenant_a, filed["tracking_code"]).json()["messages"][0]["body"] == "请说明"
    # Not the group admin (no inspector role), nobody on a tenant host.
    connection.set_schema_to_public()
    admin = UserFactory()
    GroupRole.objects.create(user=admin, role=GroupRoleKind.GROUP_ADMIN)
    assert api(ROOT_HOST, admin).get(f"{GROUP}/{row['id']}").status_code == 403
    assert api(tenant_a.host, inspector).get(GROUP).status_code == 403
    assert api(tenant_a.host, tenant_a.inspector).get(GROUP).status_code == 403


# ---------------------------------------------------------------------------------- isolation


def test_every_report_endpoint_is_isolated_between_tenants_and_from_anonymous(
    tenant_a: TenantWorld, tenant_b: TenantWorld, orgs: dict[str, Organization]
) -> None:
    tree(tenant_b)
    filed = file(tenant_a, orgs["first"])
    rid = report_of(tenant_a, filed["number"]).pk
    case_urls = [f"{BASE}/{rid}", f"{BASE}/{rid}/attachments/1"]
    actions = {
        "acknowledge": {}, "decline": {"reason": "x"}, "messages": {"body": "x"}, "extend": {"days": 1, "reason": "x"},
        "close": {"result": "x"}, "feedback": {"body": "x"}, "attachments": {"upload": "00000000-0000-0000-0000-000000000000"},
    }  # fmt: skip
    outsiders = [
        (api(tenant_a.host, tenant_b.inspector), {403, 404}),  # B's inspector's token on A's host
        (api(tenant_a.host, tenant_b.admin), {403, 404}),
        (api(tenant_a.host), {401}),  # anonymous
    ]
    for client, denied in outsiders:
        assert client.get(BASE).status_code in denied
        for url in case_urls:
            assert client.get(url).status_code in denied, url
        for action, body in actions.items():
            assert client.post(f"{BASE}/{rid}/{action}", body, format="json").status_code in denied, action
    # B's inspector on B's host: B's schema has no such report; A's code does not open it there.
    b_inspector = api(tenant_b.host, tenant_b.inspector)
    assert b_inspector.get(BASE).json()["results"] == []
    assert b_inspector.get(f"{BASE}/{rid}").status_code == 404
    assert track(tenant_b, filed["tracking_code"]).status_code == 404
    # The group's endpoints answer on the root host only, to group inspectors only.
    connection.set_schema_to_public()
    escalation = ReportEscalation.objects.create(
        tenant_schema=tenant_a.tenant.schema_name, tenant_name="甲公司", report_uuid=report_of(tenant_a, filed["number"]).uuid,
        number=filed["number"], overdue="acknowledge", due_on=date.today(),
    )  # fmt: skip
    group_urls = [GROUP, f"{GROUP}/{escalation.pk}"]
    for user in (tenant_a.inspector, tenant_a.admin):
        for url in group_urls:
            assert api(ROOT_HOST, user).get(url).status_code == 403
        assert api(ROOT_HOST, user).post(f"{GROUP}/{escalation.pk}/acknowledge").status_code == 403
    for url in group_urls:
        assert api(ROOT_HOST).get(url).status_code == 401
    assert api(ROOT_HOST).post(f"{GROUP}/{escalation.pk}/acknowledge").status_code == 401
    # Nothing changed.
    report = report_of(tenant_a, filed["number"])
    assert report.status == "received"
    with tenant_a.tenant:
        assert not ReportMessage.objects.filter(report=report).exists()
