"""One summary row per tenant and month: its total rows and the figures made of them.

Written by the relay and the recompute right after the rows they summarize, in the same
transaction; read by the dashboard, so a page for 200 tenants reads 200 rows.

Imports ``figures`` only (not the dashboard that reads the summaries): ``figures`` ←
``summaries`` ← ``relay`` ← ``dashboard``, one direction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from django.utils import timezone

from partycloud.rollups.figures import Values, figures
from partycloud.rollups.metrics import WHOLE_TENANT
from partycloud.rollups.models import RollupSummary, RollupValue
from partycloud.tenancy.models import PartyCommittee


def encode(values: Values) -> dict[str, str]:
    return {f"{metric}|{dimension}": str(value) for (metric, dimension), value in values.items()}


def decode(stored: dict[str, str]) -> Values:
    values: Values = {}
    for key, value in stored.items():
        metric, _bar, dimension = key.partition("|")
        values[(metric, dimension)] = Decimal(value)
    return values


def refresh_summaries(
    tenant: PartyCommittee, periods: Iterable[date], covered: Mapping[date, Iterable[str]] | None = None
) -> None:
    """Rewrite the summaries of ``periods`` from the total rows; ``covered`` adds the metrics
    just computed for a month to the ones it already covers."""
    periods = sorted(set(periods))
    by_period: dict[date, Values] = {period: {} for period in periods}
    rows = RollupValue.objects.filter(tenant=tenant, organization_id=WHOLE_TENANT, period__in=periods)
    for period, metric, dimension, value in rows.values_list("period", "metric", "dimension", "value"):
        by_period[period][(metric, dimension)] = value
    known = dict(RollupSummary.objects.filter(tenant=tenant, period__in=periods).values_list("period", "covers"))
    now = timezone.now()
    for period, values in by_period.items():
        shown = {key: None if value is None else float(value) for key, value in figures(values).items()}
        covers = set(known.get(period, [])) | set((covered or {}).get(period, ()))
        RollupSummary.objects.update_or_create(
            tenant=tenant,
            period=period,
            defaults={"values": encode(values), "figures": shown, "covers": sorted(covers), "updated_at": now},
        )
