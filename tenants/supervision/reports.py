"""Reports and petitions (网上信访举报, DOMAIN_RULES §7): filing, tracking, handling, deadlines
(docs/supervision.md, "Reports and petitions"). Run in the tenant's schema (the group's views
enter it with ``with tenant:``). The reporter's side (the tracking code) is ``reporter``; the daily
beat and the group's access to a case are ``report_deadlines``.

Confidentiality: everything the reporter writes or the inspectors write about the case is
encrypted at rest (``core.crypto``: subject, content, the accused's name, the reporter's name and
contact, messages, reasons, the result, attachment names, event notes). Only the assigned
inspectors read a case (the group's inspectors for those routed or escalated to the group), and
every read (the list too: it shows subjects) is audited. An anonymous report has no reporter at
all: no user, no name, no audit entry of its filing (an entry would keep the address), and its
files are uploaded without a user.

Deadlines (``rules.rules_on``, the versioned rule set of the day it was received):
acknowledge (受理) within ``report_ack_working_days`` working days of receipt; close (办结) within
``report_close_days`` days of acknowledging, plus one extension (延期) of at most
``report_extension_max_days``; the result fed back within ``report_feedback_working_days`` working
days of closing. A daily beat reminds the assignees ``reminder_days_before`` days before a
deadline (once a day at most) and tells the group of an overdue one (once per deadline).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import GroupRole, GroupRoleKind, User
from partycloud.audit.services import do_record_audit
from partycloud.core.confidentiality import check_unclassified
from partycloud.core.crypto import decrypt, encrypt
from partycloud.core.errors import Conflict, NotFoundError, ServiceError
from partycloud.core.workdays import add_working_days
from partycloud.tenancy.context import active_schema, active_tenant
from partycloud.uploads.models import Upload
from partycloud.uploads.purposes import MiB, Purpose, register_purpose
from partycloud.uploads.services import (
    claim_upload,
    download_url,
    is_host_member,
)
from services.notify import Message
from services.notify.email import send_email
from services.storage import DataClass
from tenants.members.models import Member
from tenants.notifications.kinds import NotificationKind
from tenants.notifications.services import do_notify
from tenants.organizations.models import Organization
from tenants.supervision.errors import SupervisionCode
from tenants.supervision.models import (
    Report,
    ReportAssignee,
    ReportAttachment,
    ReportEscalation,
    ReportEvent,
    ReportKind,
    ReportMessage,
    ReportMessageAuthor,
    ReportStatus,
    SupervisionRuleSet,
)
from tenants.supervision.routing import route
from tenants.supervision.rules import rules_on
from tenants.supervision.tracking import code_hash, new_code

logger = logging.getLogger(__name__)

PUBLIC = "public"
UPLOAD_PURPOSE = "supervision_report"
UPLOAD_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/webp",
        "application/pdf",
        "audio/mpeg",
        "audio/mp4",
        "video/mp4",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
)
UPLOAD_MAX_SIZE = 50 * MiB  # below the multipart threshold: one presigned POST per file
MAX_FILES = 20
NUMBER_PREFIX = {ReportKind.REPORT: "JB", ReportKind.PETITION: "XF"}
OPEN_STATUSES = (ReportStatus.RECEIVED, ReportStatus.ACKNOWLEDGED, ReportStatus.EXTENDED)
IN_HAND = (ReportStatus.ACKNOWLEDGED, ReportStatus.EXTENDED)
FINISHED = (ReportStatus.CLOSED, ReportStatus.DECLINED)
ROUTED = "routed"  # a ReportEscalation row for a report the group handles from the start
CONSOLE_LINK = "/console/supervision/reports/{id}"

_T = TypeVar("_T")


def _now() -> datetime:
    """The clock (one place, so the deadline tests can set it)."""
    return timezone.now()


def _today() -> date:
    return timezone.localdate(_now())


def unnamed(actor: Actor) -> Actor:
    """The caller without a name or an address: what an anonymous reporter's steps are recorded
    as (an audit entry built from the request being served would keep the reporter's address)."""
    return Actor(user=None, schema_name=actor.schema_name, tenant_id=actor.tenant_id, http_request=HttpRequest())


def seal(text: str) -> str:
    return encrypt(text) if text else ""


def unseal(token: str) -> str:
    return decrypt(token) if token else ""


def _reporter_may_upload(actor: Actor) -> bool:
    # The reporter's files go through the tracking code (anonymous actor); a signed-in inspector
    # of this tenant uploads through the ordinary upload API (then ``do_attach``).
    return actor.schema_name != PUBLIC and (not actor.is_authenticated or is_host_member(actor))


def on_ready() -> None:
    """Evidence files: the private ``records`` bucket (never the media bucket)."""
    register_purpose(
        Purpose(
            UPLOAD_PURPOSE,
            DataClass.RECORDS,
            "report",
            UPLOAD_TYPES,
            UPLOAD_MAX_SIZE,
            extract_text=True,
            permission=_reporter_may_upload,
        )
    )


# ------------------------------------------------------------------------------ the form


def units() -> list[dict[str, Any]]:
    """The organizations one may report about: every active one, in tree order."""
    return [
        {"id": pk, "name": name, "parent_id": parent_id, "depth": depth}
        for pk, name, parent_id, depth in Organization.objects.filter(is_active=True)
        .order_by("path")
        .values_list("pk", "name", "parent_id", "depth")
    ]


# ------------------------------------------------------------------------------ filing


@dataclass(frozen=True)
class Filed:
    number: str
    tracking_code: str
    received_at: datetime
    acknowledge_due: date


def record_event(report: Report, kind: str, actor: Actor | None = None, note: str = "") -> None:
    ReportEvent.objects.create(report=report, kind=kind, actor=actor.user if actor else None, note_encrypted=seal(note))


def _next_number(kind: str, year: int) -> str:
    prefix = f"{NUMBER_PREFIX[ReportKind(kind)]}-{year}-"
    last = Report.objects.filter(number__startswith=prefix).aggregate(last=Max("number"))["last"]
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def check_gate(texts: list[tuple[str, str]], *, actor: Actor, event: str) -> None:
    """The confidentiality gate (§8): refuse, store nothing, log the refusal (no actor for an
    anonymous reporter: the entry would otherwise keep their address)."""
    try:
        check_unclassified(texts)
    except ServiceError as refusal:  # outside any transaction: the refusal's entry stays
        do_record_audit(
            event=event,
            actor=actor,
            target_type="supervision.report",
            details={"marking": refusal.extra.get("marking", ""), "field": refusal.field or ""},
        )
        raise


def do_file_report(
    *,
    actor: Actor,
    kind: str,
    anonymous: bool,
    accused_organization: int,
    accused_name: str,
    subject: str,
    content: str,
    reporter_name: str = "",
    reporter_contact: str = "",
) -> Filed:
    """File a report: routed, its deadlines set, the assignees told (without content). The
    tracking code is in the answer only."""
    accused = Organization.objects.filter(pk=accused_organization, is_active=True).first()
    if accused is None:
        raise ServiceError(
            SupervisionCode.ACCUSED_UNIT_UNKNOWN,
            _("Choose the accused's unit from this subsidiary's organizations."),
            "accused_organization",
        )
    reporter: User | None = None
    if not anonymous:
        if not actor.is_authenticated:
            raise ServiceError(
                SupervisionCode.SIGN_IN_FOR_REAL_NAME,
                _("Sign in to report under your name (or report anonymously)."),
                "anonymous",
            )
        reporter = actor.user
        assert reporter is not None
        if not reporter_name.strip():
            member = Member.objects.filter(user_id=reporter.pk).only("name").first()
            reporter_name = member.name if member else actor.name
        if not reporter_name.strip():
            raise ServiceError(
                SupervisionCode.REPORTER_NAME_REQUIRED,
                _("A real-name report needs the reporter's name."),
                "reporter_name",
            )
    else:
        reporter_name = ""  # nothing of an anonymous reporter's identity is kept
    check_gate(
        [("title", subject), ("body", content), ("accused_name", accused_name), ("contact", reporter_contact)],
        actor=unnamed(actor) if anonymous else actor,
        event="supervision.report.classified.refuse",
    )
    now = _now()
    today = timezone.localdate(now)
    rules = rules_on(today)
    routing = route(accused)
    code = new_code()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    number=_next_number(kind, today.year),
                    kind=kind,
                    anonymous=anonymous,
                    reporter=reporter,
                    reporter_name_encrypted=seal(reporter_name.strip()),
                    reporter_contact_encrypted=seal(reporter_contact.strip()),
                    accused_organization_id=accused.pk,
                    accused_name_encrypted=seal(accused_name.strip()),
                    subject_encrypted=seal(subject.strip()),
                    content_encrypted=seal(content.strip()),
                    tracking_code_hash=code_hash(code),
                    routed_organization_id=routing.organization_id,
                    to_group=routing.to_group,
                    rule_set=rules,
                    received_at=now,
                    acknowledge_due=add_working_days(today, rules.report_ack_working_days),
                )
                ReportAssignee.objects.bulk_create(
                    [ReportAssignee(report=report, user_id=user_id, assigned_at=now) for user_id in routing.user_ids]
                )
                record_event(report, "received")
                record_event(report, "routed_to_group" if routing.to_group else "routed")
                tell_handlers(
                    report,
                    (_("New report %(number)s") if kind == ReportKind.REPORT else _("New petition %(number)s"))
                    % {"number": report.number},
                )
                if routing.to_group:
                    escalate(report, ROUTED, report.acknowledge_due)
                break
        except IntegrityError:  # two filings took the same number (or, never seen, the same code hash)
            code = new_code()
    else:  # pragma: no cover - five collisions in a row
        raise Conflict(SupervisionCode.REPORT_NOT_FOUND, _("Please submit again."))
    return Filed(report.number, code, report.received_at, report.acknowledge_due)


def names(report: Report) -> dict[str, str]:
    return {"number": report.number}


# ------------------------------------------------------------------------------ who handles a case


def is_group_inspector(actor: Actor) -> bool:
    return GroupRoleKind.GROUP_INSPECTOR in actor.group_roles


def _assignee_ids(report: Report) -> set[int]:
    return set(ReportAssignee.objects.filter(report=report).values_list("user_id", flat=True))


def group_holds(report: Report) -> bool:
    return report.to_group or report.escalated_at is not None


def no_report() -> NotFoundError:
    return NotFoundError(SupervisionCode.REPORT_NOT_FOUND, _("No such report among those assigned to you."))


def check_can_handle(actor: Actor, report: Report) -> None:
    """The assigned inspectors; the group's inspectors for a report the group holds. 404 otherwise
    (nobody learns that a report exists)."""
    if actor.pk is None:
        raise no_report()
    if actor.pk in _assignee_ids(report):
        return
    if group_holds(report) and is_group_inspector(actor):
        return
    raise no_report()


def assigned_reports(actor: Actor, *, status: str = "", overdue: bool = False) -> QuerySet[Report]:
    if actor.pk is None:
        return Report.objects.none()
    reports = Report.objects.filter(assignees__user_id=actor.pk).order_by("-received_at", "-id")
    if status in ReportStatus.values:
        reports = reports.filter(status=status)
    if overdue:
        reports = reports.filter(_overdue_filter(_today()))
    return reports


def report_for(actor: Actor, report_id: int) -> Report:
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        raise no_report()
    check_can_handle(actor, report)
    return report


# ------------------------------------------------------------------------------ deadlines


def _overdue_filter(today: date) -> Q:
    return (
        Q(status=ReportStatus.RECEIVED, acknowledge_due__lt=today)
        | Q(status__in=IN_HAND, close_due__lt=today)
        | Q(status=ReportStatus.CLOSED, fed_back_at__isnull=True, feedback_due__lt=today)
    )


def next_due(report: Report) -> tuple[str, date] | None:
    """The deadline the report runs against now: ``(kind, day)``; None when nothing is due."""
    if report.status == ReportStatus.RECEIVED:
        return "acknowledge", report.acknowledge_due
    if report.status in IN_HAND and report.close_due:
        return "close", report.close_due
    if report.status == ReportStatus.CLOSED and report.fed_back_at is None and report.feedback_due:
        return "feedback", report.feedback_due
    return None


def overdue_kind(report: Report, today: date) -> str | None:
    due = next_due(report)
    return due[0] if due is not None and due[1] < today else None


def rules_of(report: Report) -> SupervisionRuleSet:
    return report.rule_set or rules_on(timezone.localdate(report.received_at))


# ------------------------------------------------------------------------------ rendering (audited reads)


def _list_row(report: Report, today: date) -> dict[str, Any]:
    due = next_due(report)
    return {
        "id": report.pk,
        "number": report.number,
        "kind": report.kind,
        "anonymous": report.anonymous,
        "subject": unseal(report.subject_encrypted),
        "status": report.status,
        "to_group": report.to_group,
        "received_at": report.received_at,
        "acknowledge_due": report.acknowledge_due,
        "acknowledged_at": report.acknowledged_at,
        "close_due": report.close_due,
        "extended_days": report.extended_days,
        "closed_at": report.closed_at,
        "feedback_due": report.feedback_due,
        "fed_back_at": report.fed_back_at,
        "overdue": overdue_kind(report, today),
        "next_due": due[1] if due else None,
    }


def list_rows(actor: Actor, page: Iterable[Report]) -> list[dict[str, Any]]:
    """A page of the list (subjects decrypted): one audit entry for the page."""
    today = _today()
    rows = [_list_row(report, today) for report in page]
    do_record_audit(
        event="supervision.report.list",
        actor=actor,
        target_type="supervision.report",
        details={"count": len(rows), "numbers": ", ".join(row["number"] for row in rows)[:500]},
    )
    return rows


def message_row(message: ReportMessage) -> dict[str, Any]:
    return {
        "id": message.pk,
        "author_kind": message.author_kind,
        "body": unseal(message.body_encrypted),
        "created_at": message.created_at,
    }


def attachment_row(attachment: ReportAttachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": unseal(attachment.name_encrypted),
        "content_type": attachment.content_type,
        "size": attachment.size,
        "from_reporter": attachment.from_reporter,
        "added_at": attachment.added_at,
    }


def _organization(organization_id: int | None) -> dict[str, Any] | None:
    if organization_id is None:
        return None
    name = Organization.objects.filter(pk=organization_id).values_list("name", flat=True).first()
    return {"id": organization_id, "name": name or ""}


def actions(actor: Actor, report: Report) -> list[str]:
    if report.status == ReportStatus.RECEIVED:
        return ["acknowledge", "decline", "message", "attach"]
    if report.status in IN_HAND:
        extend = [] if report.extended_days else ["extend"]
        return ["message", *extend, "close", "attach"]
    if report.status == ReportStatus.CLOSED and report.fed_back_at is None:
        return ["feedback"]
    return []


def detail(actor: Actor, report: Report) -> dict[str, Any]:
    """The case, decrypted; the read audited."""
    check_can_handle(actor, report)
    row = _list_row(report, _today())
    events = ReportEvent.objects.filter(report=report).select_related("actor")
    row.update(
        {
            "accused_organization": _organization(report.accused_organization_id),
            "routed_organization": _organization(report.routed_organization_id),
            "accused_name": unseal(report.accused_name_encrypted),
            "content": unseal(report.content_encrypted),
            "reporter_name": "" if report.anonymous else unseal(report.reporter_name_encrypted),
            "reporter_contact": unseal(report.reporter_contact_encrypted),
            "extension_reason": unseal(report.extension_reason_encrypted),
            "result": unseal(report.result_encrypted),
            "messages": [message_row(m) for m in ReportMessage.objects.filter(report=report)],
            "attachments": [attachment_row(a) for a in ReportAttachment.objects.filter(report=report)],
            "events": [
                {
                    "kind": event.kind,
                    "actor": event.actor.name if event.actor else "",
                    "note": unseal(event.note_encrypted),
                    "at": event.at,
                }
                for event in events
            ],
            "extension_max_days": rules_of(report).report_extension_max_days,
            "actions": actions(actor, report),
        }
    )
    do_record_audit(
        event="supervision.report.read",
        actor=actor,
        target=report,
        target_label=report.number,
        tenant_id=active_tenant().pk,
        details={"number": report.number},
    )
    return row


# ------------------------------------------------------------------------------ handling


def locked(report: Report) -> Report:
    return Report.objects.select_for_update().get(pk=report.pk)


def _audit(actor: Actor, report: Report, event: str, **details: Any) -> None:
    do_record_audit(
        event=event,
        actor=actor,
        target=report,
        target_label=report.number,
        tenant_id=active_tenant().pk,
        details={"number": report.number, **details},
    )


def _gate(actor: Actor, text: str, field: str = "body") -> None:
    check_gate([(field, text)], actor=actor, event="supervision.report.classified.refuse")


def check_open(report: Report) -> None:
    if report.status in FINISHED:
        raise Conflict(
            SupervisionCode.REPORT_FINISHED,
            _("The report is closed or not accepted: nothing more can be added."),
        )


def resolve(report: Report, *kinds: str) -> None:
    """The report moved on: its escalations of these kinds are resolved."""
    schema = active_schema()
    with schema_context(PUBLIC):
        ReportEscalation.objects.filter(
            tenant_schema=schema, report_uuid=report.uuid, overdue__in=kinds, resolved_at__isnull=True
        ).update(resolved_at=_now())


@transaction.atomic
def do_acknowledge(report: Report, *, actor: Actor) -> Report:
    """受理: the close deadline starts (``report_close_days`` days from today)."""
    check_can_handle(actor, report)
    report = locked(report)
    if report.status != ReportStatus.RECEIVED:
        raise Conflict(
            SupervisionCode.REPORT_NOT_RECEIVED,
            _("Only a report waiting to be acknowledged can be acknowledged or declined."),
        )
    now = _now()
    report.status = ReportStatus.ACKNOWLEDGED
    report.acknowledged_at = now
    report.close_due = timezone.localdate(now) + timedelta(days=rules_of(report).report_close_days)
    report.last_reminded_on = None
    report.save(update_fields=["status", "acknowledged_at", "close_due", "last_reminded_on"])
    record_event(report, "acknowledged", actor)
    resolve(report, "acknowledge")
    _audit(actor, report, "supervision.report.acknowledge")
    return report


@transaction.atomic
def do_decline(report: Report, reason: str, *, actor: Actor) -> Report:
    """不予受理: the reason is fed back to the reporter (their tracking page shows it)."""
    check_can_handle(actor, report)
    _gate(actor, reason, "reason")
    report = locked(report)
    if report.status != ReportStatus.RECEIVED:
        raise Conflict(
            SupervisionCode.REPORT_NOT_RECEIVED,
            _("Only a report waiting to be acknowledged can be acknowledged or declined."),
        )
    now = _now()
    report.status = ReportStatus.DECLINED
    report.result_encrypted = seal(reason.strip())
    report.closed_at = now
    report.fed_back_at = now
    report.save(update_fields=["status", "result_encrypted", "closed_at", "fed_back_at"])
    record_event(report, "declined", actor, reason.strip())
    resolve(report, "acknowledge", ROUTED)
    _audit(actor, report, "supervision.report.decline")
    return report


@transaction.atomic
def do_send_message(report: Report, body: str, *, actor: Actor) -> dict[str, Any]:
    """A question or a note to the reporter (shown on their tracking page)."""
    check_can_handle(actor, report)
    _gate(actor, body)
    report = locked(report)
    check_open(report)
    message = ReportMessage.objects.create(
        report=report, author_kind=ReportMessageAuthor.INSPECTOR, author=actor.user, body_encrypted=seal(body.strip())
    )
    record_event(report, "message", actor)
    _audit(actor, report, "supervision.report.message")
    return message_row(message)


@transaction.atomic
def do_extend(report: Report, *, days: int, reason: str, actor: Actor) -> Report:
    """延期: once, at most the rule's ``report_extension_max_days``."""
    check_can_handle(actor, report)
    _gate(actor, reason, "reason")
    report = locked(report)
    if report.status not in IN_HAND or report.close_due is None:
        raise Conflict(SupervisionCode.REPORT_NOT_IN_HAND, _("Only an acknowledged report can be extended or closed."))
    rules = rules_of(report)
    if report.extended_days or report.status == ReportStatus.EXTENDED:
        raise Conflict(
            SupervisionCode.EXTENSION_USED,
            _("The report was extended once already: rule %(version)s allows one extension.")
            % {"version": rules.version},
        )
    if days > rules.report_extension_max_days:
        raise ServiceError(
            SupervisionCode.EXTENSION_TOO_LONG,
            _("Rule %(version)s allows an extension of at most %(max)s days.")
            % {"version": rules.version, "max": rules.report_extension_max_days},
            "days",
        )
    report.status = ReportStatus.EXTENDED
    report.extended_days = days
    report.extension_reason_encrypted = seal(reason.strip())
    report.close_due = report.close_due + timedelta(days=days)
    report.last_reminded_on = None
    report.save(
        update_fields=["status", "extended_days", "extension_reason_encrypted", "close_due", "last_reminded_on"]
    )
    record_event(report, "extended", actor, reason.strip())
    resolve(report, "close")
    _audit(actor, report, "supervision.report.extend", days=days)
    return report


@transaction.atomic
def do_close(report: Report, result: str, *, actor: Actor) -> Report:
    """办结 with the result; the result is due to the reporter within the rule's working days."""
    check_can_handle(actor, report)
    _gate(actor, result, "result")
    report = locked(report)
    if report.status not in IN_HAND:
        raise Conflict(SupervisionCode.REPORT_NOT_IN_HAND, _("Only an acknowledged report can be extended or closed."))
    now = _now()
    report.status = ReportStatus.CLOSED
    report.closed_at = now
    report.result_encrypted = seal(result.strip())
    report.feedback_due = add_working_days(timezone.localdate(now), rules_of(report).report_feedback_working_days)
    report.last_reminded_on = None
    report.save(update_fields=["status", "closed_at", "result_encrypted", "feedback_due", "last_reminded_on"])
    record_event(report, "closed", actor)
    resolve(report, "close")
    _audit(actor, report, "supervision.report.close")
    return report


@transaction.atomic
def do_feed_back(report: Report, body: str, *, actor: Actor) -> Report:
    """The result fed back: a message to the reporter, and the result shows on their page."""
    check_can_handle(actor, report)
    _gate(actor, body)
    report = locked(report)
    if report.status != ReportStatus.CLOSED:
        raise Conflict(SupervisionCode.REPORT_NOT_CLOSED, _("Feed the result back once the report is closed."))
    if report.fed_back_at is not None:
        raise Conflict(SupervisionCode.ALREADY_FED_BACK, _("The result was fed back already."))
    now = _now()
    ReportMessage.objects.create(
        report=report, author_kind=ReportMessageAuthor.INSPECTOR, author=actor.user, body_encrypted=seal(body.strip())
    )
    report.fed_back_at = now
    report.save(update_fields=["fed_back_at"])
    record_event(report, "fed_back", actor)
    resolve(report, "feedback", ROUTED)
    _audit(actor, report, "supervision.report.feedback")
    return report


def check_room(report: Report) -> None:
    if ReportAttachment.objects.filter(report=report).count() >= MAX_FILES:
        raise ServiceError(SupervisionCode.TOO_MANY_REPORT_FILES, _("A report takes at most 20 files."), "upload")


def attachment_from(report: Report, upload: Upload, *, from_reporter: bool) -> ReportAttachment:
    return ReportAttachment.objects.create(
        report=report,
        key=upload.key,
        name_encrypted=seal(upload.filename),
        content_type=upload.detected_type or upload.declared_type,
        size=upload.size,
        from_reporter=from_reporter,
    )


@transaction.atomic
def do_attach(report: Report, upload_id: UUID | str, *, actor: Actor) -> dict[str, Any]:
    """An inspector's file (uploaded with purpose ``supervision_report``) added to the case."""
    check_can_handle(actor, report)
    report = locked(report)
    check_open(report)
    check_room(report)
    upload = claim_upload(upload_id, purpose=UPLOAD_PURPOSE, user=actor)
    attachment = attachment_from(report, upload, from_reporter=False)
    record_event(report, "attachment", actor)
    _audit(actor, report, "supervision.report.attach")
    return attachment_row(attachment)


def attachment_url(report: Report, attachment_id: int, *, actor: Actor) -> str:
    check_can_handle(actor, report)
    attachment = ReportAttachment.objects.filter(report=report, pk=attachment_id).first()
    if attachment is None:
        raise NotFoundError(SupervisionCode.ATTACHMENT_NOT_FOUND, _("No such file in this report."))
    name = unseal(attachment.name_encrypted)
    _audit(actor, report, "supervision.report.attachment.read", name=name)
    return download_url(DataClass.RECORDS, attachment.key, filename=name, inline=False)


# ------------------------------------------------------------------------------ telling people


def tell_handlers(report: Report, title: str) -> None:
    """The assignees in-app (no content: the number and what happened); the group's inspectors by
    email when the group holds the report."""
    link = CONSOLE_LINK.format(id=report.pk)
    for user in User.objects.filter(pk__in=_assignee_ids(report), is_active=True):
        do_notify(user, title, link=link, kind=NotificationKind.SUPERVISION_DEADLINE)
    if group_holds(report):
        _email_group(title)


def _email_group(title: str) -> None:
    tenant = active_tenant()
    addresses = list(
        User.objects.filter(
            pk__in=GroupRole.objects.filter(role=GroupRoleKind.GROUP_INSPECTOR).values("user_id"), is_active=True
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )
    message = Message(title=f"{tenant.short_name or tenant.name}: {title}")

    def send() -> None:
        for address in addresses:
            try:
                send_email(address, message)
            except Exception:  # one refused address must not stop the others
                logger.warning("report notice to the group not sent to %s", address, exc_info=True)

    transaction.on_commit(send)


def escalate(report: Report, kind: str, due_on: date) -> bool:
    """A public row the group's inspectors see (no content); once per report and kind."""
    tenant = active_tenant()
    with schema_context(PUBLIC):
        _row, created = ReportEscalation.objects.get_or_create(
            tenant_schema=tenant.schema_name,
            report_uuid=report.uuid,
            overdue=kind,
            defaults={
                "tenant_name": tenant.short_name or tenant.name,
                "number": report.number,
                "due_on": due_on,
            },
        )
    return created
