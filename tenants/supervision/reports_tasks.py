"""The daily deadlines of reports (docs/supervision.md, "Reports and petitions"): reminders before
a deadline, the group told of an overdue report. Gathered by ``tasks.SCHEDULE``."""

from __future__ import annotations

from celery.schedules import crontab

from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry
from tenants.supervision.report_deadlines import do_run_deadlines


@tenant_task(name="tenants.supervision.report_deadlines")
def report_deadlines() -> dict[str, int]:
    """Per tenant, daily: remind assignees before a deadline (once a day), escalate overdue reports."""
    return do_run_deadlines()


SCHEDULE = {
    "supervision-report-deadlines": tenant_beat_entry(
        "tenants.supervision.report_deadlines", crontab(hour=8, minute=30), window_seconds=1800
    ),
}
