"""The daily deadlines of reports and inquiries (docs/supervision.md): reminders before a report's
deadline, the group told of an overdue report, overdue inquiries escalated one level up. Declared
here and gathered by ``tasks.SCHEDULE``."""

from __future__ import annotations

from celery.schedules import crontab

from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry
from tenants.supervision.inquiries import do_escalate_overdue
from tenants.supervision.reports import do_run_deadlines


@tenant_task(name="tenants.supervision.report_deadlines")
def report_deadlines() -> dict[str, int]:
    """Per tenant, daily: remind assignees before a deadline (once a day), escalate overdue reports."""
    return do_run_deadlines()


@tenant_task(name="tenants.supervision.inquiry_deadlines")
def inquiry_deadlines() -> int:
    """Per tenant, daily: escalate unanswered inquiries past their due day (once)."""
    return do_escalate_overdue()


SCHEDULE = {
    "supervision-report-deadlines": tenant_beat_entry(
        "tenants.supervision.report_deadlines", crontab(hour=8, minute=30), window_seconds=1800
    ),
    "supervision-inquiry-deadlines": tenant_beat_entry(
        "tenants.supervision.inquiry_deadlines", crontab(hour=8, minute=35), window_seconds=1800
    ),
}
