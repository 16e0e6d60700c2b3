from __future__ import annotations

from celery.schedules import crontab

from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry
from tenants.meetings.reminders import do_send_compliance_reminders


@tenant_task(name="tenants.meetings.remind_compliance")
def remind_compliance() -> int:
    """Per tenant, daily: remind secretaries of activities still missing in a period closing
    within two weeks / three days (once per stage)."""
    return do_send_compliance_reminders()


SCHEDULE = {
    # Organizational life still missing before a period closes (三会一课提醒).
    "meetings-compliance": tenant_beat_entry(
        "tenants.meetings.remind_compliance", crontab(hour=8, minute=45), window_seconds=1800
    ),
}
