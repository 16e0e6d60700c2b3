"""Report deadlines and the group's side (docs/supervision.md, "Reports and petitions"): the daily
beat (reminders before a deadline, the group told of an overdue one) and the group's inspectors
reaching a case in its tenant's schema."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.tenancy.models import PartyCommittee
from tenants.supervision.models import Report, ReportEscalation, ReportStatus
from tenants.supervision.reports import (
    OPEN_STATUSES,
    check_can_handle,
    detail,
    escalate,
    names,
    next_due,
    no_report,
    record_event,
    rules_of,
    tell_handlers,
)

_T = TypeVar("_T")

# ------------------------------------------------------------------------------ the daily beat


def do_run_deadlines(today: date | None = None) -> dict[str, int]:
    """Per tenant, daily: remind the assignees of a deadline within ``reminder_days_before`` days
    (once a day), and tell the group of an overdue one (once per deadline)."""
    today = today or timezone.localdate()
    reminded = escalated = 0
    for report in Report.objects.filter(Q(status__in=OPEN_STATUSES) | Q(status=ReportStatus.CLOSED, fed_back_at=None)):
        due = next_due(report)
        if due is None:
            continue
        kind, day = due
        with transaction.atomic():
            if day < today:
                if escalate(report, kind, day):
                    escalated += 1
                    Report.objects.filter(pk=report.pk, escalated_at__isnull=True).update(escalated_at=timezone.now())
                    report.refresh_from_db()
                    record_event(report, f"overdue_{kind}")
                    tell_handlers(report, _("%(number)s is overdue and was reported to the group") % names(report))
            elif (day - today).days <= rules_of(report).reminder_days_before and report.last_reminded_on != today:
                updated = (
                    Report.objects.filter(pk=report.pk).exclude(last_reminded_on=today).update(last_reminded_on=today)
                )
                if updated:
                    reminded += 1
                    record_event(report, f"reminded_{kind}")
                    title = _("%(number)s is due on %(day)s") % {**names(report), "day": day.isoformat()}
                    tell_handlers(report, title)
    return {"reminded": reminded, "escalated": escalated}


# ------------------------------------------------------------------------------ the group


def group_escalations(*, open_only: bool) -> QuerySet[ReportEscalation]:
    rows = ReportEscalation.objects.all().order_by("-escalated_at", "-id")
    return rows.filter(resolved_at__isnull=True) if open_only else rows


def in_group_case(
    escalation_id: int,
    actor: Actor,
    act: Callable[[Report, Actor], _T] | None = None,
    *,
    render: bool = True,
) -> Any:
    """Enter the report's tenant, optionally act on it, and render it (the read audited)."""
    escalation = ReportEscalation.objects.filter(pk=escalation_id).first()
    tenant = PartyCommittee.objects.filter(schema_name=escalation.tenant_schema).first() if escalation else None
    if escalation is None or tenant is None:
        raise no_report()
    with tenant:
        report = Report.objects.filter(uuid=escalation.report_uuid).first()
        if report is None:
            raise no_report()
        group_actor = Actor(
            user=actor.user,
            schema_name=tenant.schema_name,
            tenant_id=tenant.pk,
            ip_address=actor.ip_address,
            user_agent=actor.user_agent,
            http_request=actor.http_request,
        )
        check_can_handle(group_actor, report)
        result: Any = None
        if act is not None:
            result = act(report, group_actor)
            report.refresh_from_db()
        if not render:
            return result
        return {**detail(group_actor, report), "tenant_name": tenant.short_name or tenant.name}
