from __future__ import annotations

from datetime import date

from django.utils import timezone

from services.tasks import tenant_task
from tenants.dues.assessments import do_assess_month


@tenant_task(name="tenants.dues.assess_month")
def assess_month(month: str | None = None) -> dict[str, int]:
    """Per tenant on the 1st (sent by the fan-out): assess the month. Idempotent."""
    day = date.fromisoformat(month) if month else timezone.localdate()
    return vars(do_assess_month(day))
