"""The daily deadlines of inquiries (docs/supervision.md, "Inquiries"): unanswered inquiries past
their due day escalated one level up, once. Gathered by ``tasks.SCHEDULE``."""

from __future__ import annotations

from celery.schedules import crontab

from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry
from tenants.supervision.inquiries import do_escalate_overdue


@tenant_task(name="tenants.supervision.inquiry_deadlines")
def inquiry_deadlines() -> int:
    """Per tenant, daily: escalate unanswered inquiries past their due day (once)."""
    return do_escalate_overdue()


SCHEDULE = {
    "supervision-inquiry-deadlines": tenant_beat_entry(
        "tenants.supervision.inquiry_deadlines", crontab(hour=8, minute=35), window_seconds=1800
    ),
}
