from __future__ import annotations

from datetime import date, timedelta

from celery.schedules import crontab
from django.utils import timezone

from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry
from tenants.dues.assessments import do_assess_month, do_process_arrears


@tenant_task(name="tenants.dues.assess_month")
def assess_month(month: str | None = None) -> dict[str, int]:
    """Per tenant on the 1st (sent by the fan-out): assess the month. Idempotent."""
    day = date.fromisoformat(month) if month else timezone.localdate()
    result = vars(do_assess_month(day))
    previous = (day.replace(day=1) - timedelta(days=1)).replace(day=1)
    result.update({f"arrears_{k}": v for k, v in do_process_arrears(previous).items()})
    return result


SCHEDULE = {
    # Assess the month on the 1st, spread over three hours.
    "dues-month": tenant_beat_entry(
        "tenants.dues.assess_month", crontab(day_of_month=1, hour=1, minute=0), window_seconds=3 * 3600
    ),
}
