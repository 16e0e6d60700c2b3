"""The reporter's side of a report (查询码): what the tracking code opens, the answers to the
inspectors' questions, and evidence uploaded with the code (docs/supervision.md, "Reports and
petitions"). The code is the only credential; every wrong code gets the same answer
(``tracking.report_by_code``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.core.errors import Conflict, NotFoundError
from partycloud.uploads.models import Upload, UploadStatus
from partycloud.uploads.services import do_complete_upload, do_start_upload
from tenants.supervision.errors import SupervisionCode
from tenants.supervision.models import ReportAttachment, ReportMessage, ReportMessageAuthor
from tenants.supervision.reports import (
    UPLOAD_PURPOSE,
    attachment_from,
    attachment_row,
    check_gate,
    check_open,
    check_room,
    locked,
    message_row,
    names,
    record_event,
    seal,
    tell_handlers,
    unnamed,
    unseal,
)
from tenants.supervision.tracking import report_by_code

UPLOAD_BINDING_SECONDS = 24 * 3600


def tracking(code: str) -> dict[str, Any]:
    """What the reporter sees: status, dates, the conversation, the result once fed back."""
    report = report_by_code(code)
    messages = list(ReportMessage.objects.filter(report=report))
    unread = [
        m.pk for m in messages if m.author_kind == ReportMessageAuthor.INSPECTOR and m.read_by_reporter_at is None
    ]
    if unread:
        ReportMessage.objects.filter(pk__in=unread).update(read_by_reporter_at=timezone.now())
    return {
        "number": report.number,
        "kind": report.kind,
        "status": report.status,
        "received_at": report.received_at,
        "acknowledge_due": report.acknowledge_due,
        "acknowledged_at": report.acknowledged_at,
        "close_due": report.close_due,
        "extended_days": report.extended_days,
        "closed_at": report.closed_at,
        "fed_back_at": report.fed_back_at,
        "result": unseal(report.result_encrypted) if report.fed_back_at else None,
        "messages": [message_row(m) for m in messages],
        "attachments": [attachment_row(a) for a in ReportAttachment.objects.filter(report=report, from_reporter=True)],
    }


@transaction.atomic
def do_answer(code: str, body: str, *, actor: Actor) -> dict[str, Any]:
    """The reporter answers the inspectors (after a question); the assignees are told."""
    report = locked(report_by_code(code))
    check_open(report)
    if not ReportMessage.objects.filter(report=report, author_kind=ReportMessageAuthor.INSPECTOR).exists():
        raise Conflict(SupervisionCode.NO_QUESTION, _("Answer once the inspectors have asked you something."))
    check_gate([("body", body)], actor=unnamed(actor), event="supervision.report.classified.refuse")
    message = ReportMessage.objects.create(
        report=report, author_kind=ReportMessageAuthor.REPORTER, body_encrypted=seal(body.strip())
    )
    record_event(report, "answered")
    tell_handlers(report, _("The reporter answered on %(number)s") % names(report))
    return message_row(message)


def _binding_key(upload_id: UUID | str) -> str:
    return f"supervision:report-upload:{upload_id}"


def do_start_reporter_upload(code: str, *, filename: str, content_type: str, size: int, actor: Actor) -> dict[str, Any]:
    """Start a direct upload of evidence. The upload has no user (anonymity); it is bound to this
    report for 24 hours (cache), and only the same code can complete it."""
    report = report_by_code(code)
    check_open(report)
    check_room(report)
    anonymous = unnamed(actor)
    started = do_start_upload(
        actor=anonymous, purpose=UPLOAD_PURPOSE, filename=filename, content_type=content_type, size=size
    )
    assert started.post is not None  # UPLOAD_MAX_SIZE is below the multipart threshold
    cache.set(_binding_key(started.upload.pk), report.pk, UPLOAD_BINDING_SECONDS)
    return {
        "upload": started.upload.pk,
        "post": {"url": started.post.url, "fields": started.post.fields},
        "expires_at": started.expires_at,
    }


def do_attach_reporter_upload(code: str, upload_id: UUID | str, *, actor: Actor) -> dict[str, Any]:
    """Verify the reporter's file (type, size, the confidentiality gate on its text) and attach it."""
    report = report_by_code(code)
    if cache.get(_binding_key(upload_id)) != report.pk:
        raise NotFoundError(
            SupervisionCode.REPORT_UPLOAD_UNKNOWN,
            _("This upload was not started for this report, or it expired."),
            "upload",
        )
    upload = Upload.objects.filter(pk=upload_id, purpose=UPLOAD_PURPOSE, created_by__isnull=True).first()
    if upload is None:
        raise NotFoundError(
            SupervisionCode.REPORT_UPLOAD_UNKNOWN,
            _("This upload was not started for this report, or it expired."),
            "upload",
        )
    anonymous = unnamed(actor)
    if upload.status == UploadStatus.PENDING:
        upload = do_complete_upload(upload, anonymous)  # refused files are deleted and the refusal audited
    with transaction.atomic():
        report = locked(report)
        check_open(report)
        check_room(report)
        # claim_upload wants the creator; these uploads have none (anonymity), so the claim is
        # the same guarded status change, bound by the tracking code and the cache binding above.
        claimed = Upload.objects.filter(pk=upload.pk, status=UploadStatus.VERIFIED).update(status=UploadStatus.CONSUMED)
        if not claimed:
            raise Conflict(SupervisionCode.REPORT_UPLOAD_UNKNOWN, _("This file has already been used."), "upload")
        attachment = attachment_from(report, upload, from_reporter=True)
        record_event(report, "attachment")
        cache.delete(_binding_key(upload_id))
    return attachment_row(attachment)
