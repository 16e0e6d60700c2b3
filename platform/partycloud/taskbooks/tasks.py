"""Celery tasks of the group's task books: the nightly catch-up delivering the current year's
published template to subsidiaries that have not received it (onboarded after publication, or
without an organization until now). Sent from the public schema (beat); delivery enters each tenant."""

from __future__ import annotations

from celery.schedules import crontab

from partycloud.taskbooks.services import do_deliver_pending
from services.tasks import tenant_task


@tenant_task(name="taskbooks.deliver_pending")
def deliver_pending() -> int:
    return do_deliver_pending()["delivered"]


SCHEDULE = {
    "taskbooks-deliver-pending": {"task": "taskbooks.deliver_pending", "schedule": crontab(hour=1, minute=10)},
}
