"""The nightly recompute: every figure from its source, compared with what the relay wrote.

Differences are *drift* (a bug, or a change that reached the tables without the outbox): they
are listed in a ``DriftReport`` and fixed. The current month's state and the last 13 months of
periodic figures are covered; earlier months are history and stay as they were.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from partycloud.rollups.metrics import METRICS, month_start
from partycloud.rollups.models import DriftReport, RollupState, RollupValue
from partycloud.rollups.relay import _lock, expected_rows, recompute_periods, relayable_tenants, sync_organizations
from partycloud.rollups.summaries import refresh_summaries
from partycloud.tenancy.models import PartyCommittee

log = logging.getLogger(__name__)
MAX_DETAILS = 200


def stored_rows(tenant: PartyCommittee, today: date) -> dict[tuple[str, int, date, str], Decimal]:
    periodic = recompute_periods(today)
    rows = RollupValue.objects.filter(tenant=tenant).values_list(
        "metric", "organization_id", "period", "dimension", "value"
    )
    stored = {}
    for metric, organization_id, period, dimension, value in rows:
        spec = METRICS.get(metric)
        if spec is None:
            continue
        if (spec.periodic and period in periodic) or (not spec.periodic and period == month_start(today)):
            stored[(metric, organization_id, period, dimension)] = value
    return stored


def drift(tenant: PartyCommittee, today: date) -> list[dict[str, Any]]:
    """Rows that differ between the rollups and a recompute from source (schema must be active)."""
    expected = expected_rows(tenant, today)
    stored = stored_rows(tenant, today)
    differences = []
    for key in sorted(set(expected) | set(stored), key=str):
        was, now = stored.get(key, Decimal(0)), expected.get(key, Decimal(0))
        if was != now:
            metric, organization_id, period, dimension = key
            differences.append(
                {
                    "tenant": tenant.schema_name,
                    "metric": metric,
                    "organization": organization_id,
                    "period": period.isoformat(),
                    "dimension": dimension,
                    "was": str(was),
                    "now": str(now),
                }
            )
    return differences


def recompute_tenant(tenant: PartyCommittee, *, today: date | None = None, fix: bool = True) -> list[dict[str, Any]]:
    today = today or timezone.localdate()
    with tenant, transaction.atomic():
        _lock(tenant.schema_name)
        found = drift(tenant, today)
        if fix:
            expected = expected_rows(tenant, today)
            covered = set(stored_rows(tenant, today)) | set(expected)
            _replace_all(tenant, covered, expected)
            periods = {period for _metric, _organization, period, _dimension in covered}
            refresh_summaries(tenant, periods | recompute_periods(today), computed_metrics(today))
            sync_organizations(tenant, None)
            state, _created = RollupState.objects.get_or_create(tenant=tenant)
            state.recomputed_at = timezone.now()
            state.stock_period = month_start(today)
            state.save()
    return found


def computed_metrics(today: date) -> dict[date, set[str]]:
    """What a recompute computes: every metric this month, the periodic ones for 13 months."""
    covered: dict[date, set[str]] = {period: set() for period in recompute_periods(today)}
    for metric in METRICS.values():
        for period in recompute_periods(today) if metric.periodic else {month_start(today)}:
            covered[period].add(metric.name)
    return covered


def _replace_all(tenant: PartyCommittee, keys: set[tuple[str, int, date, str]], expected: dict[Any, Decimal]) -> None:
    periods_by_metric: dict[str, set[date]] = {}
    for metric, _organization, period, _dimension in keys:
        periods_by_metric.setdefault(metric, set()).add(period)
    for metric, periods in periods_by_metric.items():
        RollupValue.objects.filter(tenant=tenant, metric=metric, period__in=periods).delete()
    now = timezone.now()
    RollupValue.objects.bulk_create(
        RollupValue(
            tenant=tenant,
            organization_id=organization_id,
            period=period,
            metric=metric,
            dimension=dimension,
            value=value,
            updated_at=now,
        )
        for (metric, organization_id, period, dimension), value in expected.items()
        if value
    )


def recompute_all(*, today: date | None = None) -> DriftReport:
    """Recompute every tenant; the report lists (up to 200) drifted rows and counts them all."""
    report = DriftReport.objects.create()
    details: list[dict[str, Any]] = []
    checked = fixed = 0
    for tenant in relayable_tenants():
        found = recompute_tenant(tenant, today=today)
        checked += 1
        fixed += len(found)
        details.extend(found[: max(0, MAX_DETAILS - len(details))])
    report.finished_at = timezone.now()
    report.tenants = checked
    report.rows_fixed = fixed
    report.rows_checked = RollupValue.objects.count()
    report.details = details
    report.save()
    if fixed:
        log.warning("rollup drift: %d rows fixed across %d tenants", fixed, checked)
    return report
