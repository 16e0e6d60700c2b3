"""The annual report's one write: the audit entry of a read (at the group root) or an export."""

from __future__ import annotations

from partycloud.accounts.actor import Actor
from partycloud.audit.services import do_record_audit
from partycloud.statistics.report import AnnualReport

AUDIT_TARGET = "statistics.annual_report"


def do_record_report_access(*, actor: Actor, report: AnnualReport, export: bool) -> None:
    """Who read or exported which report (the group's reads of every tenant are audited)."""
    scope = f"{report.scope}{f' tenant {report.tenant.pk}' if report.tenant else ''}"
    do_record_audit(
        event="annual_report.export" if export else "annual_report.read",
        details={"day": report.day.isoformat(), "scope": scope},
        actor=actor,
        target_type=AUDIT_TARGET,
        target_id=report.day.isoformat(),
        target_label=report.title,
    )
