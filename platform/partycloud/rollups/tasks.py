"""Celery tasks of the rollups: drain the outboxes every few seconds, sweep them all now and
then (a flag can be missed in a race, never a change), recompute everything nightly.
They are sent from the public schema (beat) and run there; the relay enters each tenant."""

from __future__ import annotations

import logging

from celery.schedules import crontab

from partycloud.rollups.models import PendingTenant
from partycloud.rollups.recompute import recompute_all
from partycloud.rollups.relay import relay_until_empty, relayable_tenants
from partycloud.tenancy.models import PartyCommittee
from services.tasks import tenant_task

log = logging.getLogger(__name__)


@tenant_task(name="rollups.drain")
def drain() -> int:
    """Relay every tenant flagged as having outbox rows."""
    schemas = list(PendingTenant.objects.values_list("schema_name", flat=True))
    events = 0
    for tenant in PartyCommittee.objects.filter(schema_name__in=schemas):
        events += relay_until_empty(tenant).events
    return events


@tenant_task(name="rollups.sweep")
def sweep() -> int:
    """Relay every tenant, flagged or not (also completes the month's figures on the 1st)."""
    return sum(relay_until_empty(tenant).events for tenant in relayable_tenants())


@tenant_task(name="rollups.recompute")
def recompute() -> int:
    report = recompute_all()
    return report.rows_fixed


SCHEDULE = {
    # Flagged outboxes every 10 s, all of them every 5 minutes, a full recompute nightly.
    "rollups-drain": {"task": "rollups.drain", "schedule": 10.0, "options": {"expires": 10}},
    "rollups-sweep": {"task": "rollups.sweep", "schedule": crontab(minute="*/5")},
    "rollups-recompute": {"task": "rollups.recompute", "schedule": crontab(hour=0, minute=30)},
}
