"""Supervision's Celery tasks and beat entries: each part declares its own in its module, gathered here."""

from __future__ import annotations

from tenants.supervision.deadline_tasks import SCHEDULE as DEADLINE_SCHEDULE
from tenants.supervision.deadline_tasks import inquiry_deadlines, report_deadlines

__all__ = ["SCHEDULE", "inquiry_deadlines", "report_deadlines"]

SCHEDULE = {**DEADLINE_SCHEDULE}
