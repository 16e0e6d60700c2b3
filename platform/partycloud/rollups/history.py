"""The backfill: past months' figures for a tenant whose rollups start today.

The relay keeps the current month; a month's current-state figures (members, organizations)
are the state when it ended, so a tenant onboarded today has no earlier months and its trends
would start with a jump from nothing. The records carry their history (members' tenures in
their branch, organizations' establishment dates), so those figures can be recomputed for each
past month's end; periodic figures (dues, study) are recomputed from their monthly records.
Months that the relay already measured are left alone unless ``overwrite``. Figures without a
history in the records (development stages, pending transfers …) stay "no data" for past months.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from partycloud.rollups.metrics import METRICS, Metric, Row, month_end, month_start
from partycloud.rollups.models import RollupSummary
from partycloud.rollups.relay import _lock, compute, refresh_totals, replace_rows, store_rows
from partycloud.rollups.summaries import refresh_summaries
from partycloud.tenancy.models import PartyCommittee

DEFAULT_MONTHS = 12


def past_months(today: date, months: int) -> list[date]:
    """The ``months`` months before this one, oldest first."""
    periods: list[date] = []
    cursor = month_start(today)
    for _index in range(months):
        cursor = month_start(cursor - timedelta(days=1))
        periods.append(cursor)
    return sorted(periods)


def _measured(tenant: PartyCommittee, periods: list[date], historical: list[Metric]) -> set[date]:
    names = {metric.name for metric in historical}
    return {
        period
        for period, covers in RollupSummary.objects.filter(tenant=tenant, period__in=periods).values_list(
            "period", "covers"
        )
        if names & set(covers)
    }


def backfill_tenant(
    tenant: PartyCommittee, *, months: int = DEFAULT_MONTHS, today: date | None = None, overwrite: bool = False
) -> list[date]:
    """Recompute the past ``months`` months of a tenant from its records' history; returns the
    months whose current-state figures were reconstructed."""
    today = today or timezone.localdate()
    periods = past_months(today, months)
    historical = [metric for metric in METRICS.values() if metric.historical and not metric.periodic]
    periodic = [metric for metric in METRICS.values() if metric.periodic]
    covered: dict[date, set[str]] = defaultdict(set)
    with tenant, transaction.atomic():
        _lock(tenant.schema_name)
        measured = set() if overwrite else _measured(tenant, periods, historical)
        missing = [period for period in periods if period not in measured]
        rows: dict[str, list[Row]] = defaultdict(list)
        for period in missing:
            memo: dict = {}  # type: ignore[type-arg]  # members and organizations read once per month
            for metric in historical:
                rows[metric.name] += compute(metric, None, {period}, month_end(period), memo, history=True)
                covered[period].add(metric.name)
        for metric in historical:
            store_rows(tenant, metric, None, missing, rows[metric.name])
        monthly = [*periods, month_start(today)]
        for metric in periodic:
            replace_rows(tenant, metric, None, set(monthly), today)
            for period in monthly:
                covered[period].add(metric.name)
        for metric in historical + periodic:
            if not metric.tenant_level:
                refresh_totals(tenant, metric.name, covered_periods(covered, metric.name))
        refresh_summaries(tenant, covered.keys(), covered)
    return missing


def covered_periods(covered: dict[date, set[str]], name: str) -> list[date]:
    return [period for period, names in covered.items() if name in names]
