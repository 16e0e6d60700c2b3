"""What the group dashboard shows, read from the rollup tables only.

The KPI cards, the per-tenant table with its traffic lights, the trends, the compliance checks
and the organizations of a tenant (drill-down level 2), made of the figures in ``figures.py``.
Multi-level groups: a tenant whose ``parent`` is another tenant is also counted in its parent's
subtree figures.

The top of this package's read side: it imports ``figures``, ``summaries`` (the stored rows of a
month) and ``relay`` (which tenants have rollups), and none of them imports it back. The
endpoints reach it through ``services``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from partycloud.rollups.figures import FIGURE_KEYS, FIGURES, Values, figures, with_data
from partycloud.rollups.meetings import THREE_ONE, three_one_checks
from partycloud.rollups.metrics import WHOLE_TENANT, month_start
from partycloud.rollups.models import (
    PendingTenant,
    RollupOrganization,
    RollupState,
    RollupSummary,
    RollupValue,
    Threshold,
)
from partycloud.rollups.relay import relayable_tenants
from partycloud.rollups.summaries import decode
from partycloud.tenancy.models import PartyCommittee

DEFAULT_THRESHOLDS = {  # figure: (green until, amber until, higher is worse)
    "arrears_rate": (Decimal(5), Decimal(15), True),
    "transfers_overdue": (Decimal(0), Decimal(2), True),
    "reelections_overdue": (Decimal(0), Decimal(1), True),
    "pockets": (Decimal(0), Decimal(5), True),
}


def light(value: Decimal | None, threshold: tuple[Decimal, Decimal, bool]) -> str:
    if value is None:
        return "none"
    green, amber, higher_is_worse = threshold
    if higher_is_worse:
        return "green" if value <= green else "amber" if value <= amber else "red"
    return "green" if value >= green else "amber" if value >= amber else "red"


def thresholds() -> dict[str, tuple[Decimal, Decimal, bool]]:
    chosen = dict(DEFAULT_THRESHOLDS)
    for row in Threshold.objects.all():
        chosen[row.figure] = (row.green_until, row.amber_until, row.higher_is_worse)
    return chosen


def parse_period(raw: str | None, today: date | None = None) -> date:
    today = today or timezone.localdate()
    if not raw:
        return month_start(today)
    try:
        year, month = (int(part) for part in raw.split("-", 1))
        return date(year, month, 1)
    except ValueError:
        return month_start(today)


def _stock_period(period: date, today: date) -> date:
    """Current-state figures of a month: that month's rows (the current month is kept up to date)."""
    return min(period, month_start(today))


def tenant_values(period: date, *, tenant_ids: Iterable[int] | None = None) -> dict[int, Values]:
    """Each tenant's total rows for a month (one query)."""
    rows = RollupValue.objects.filter(organization_id=WHOLE_TENANT, period=period)
    if tenant_ids is not None:
        rows = rows.filter(tenant_id__in=list(tenant_ids))
    values: dict[int, Values] = defaultdict(dict)
    for tenant_id, metric, dimension, value in rows.values_list("tenant_id", "metric", "dimension", "value"):
        values[tenant_id][(metric, dimension)] = value
    return values


def _merge(into: Values, other: Values) -> None:
    for key, value in other.items():
        into[key] = into.get(key, Decimal(0)) + value


def _json(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def dashboard(period: date, *, today: date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    shown_period = _stock_period(period, today)
    tenants = relayable_tenants()
    stored_figures: dict[int, dict[str, float | None]] = {}
    covered: set[str] = set()
    for tenant_id, shown, covers in RollupSummary.objects.filter(period=shown_period).values_list(
        "tenant_id", "figures", "covers"
    ):
        stored_figures[tenant_id] = with_data(shown, set(covers))
        covered.update(covers)
    chosen = thresholds()
    children: dict[int | None, list[PartyCommittee]] = defaultdict(list)
    ids = {tenant.pk for tenant in tenants}
    for tenant in tenants:
        children[tenant.parent_id if tenant.parent_id in ids else None].append(tenant)
    # Raw values only where a subtree must be summed (multi-level groups).
    in_subtrees = {t.pk for t in tenants if t.parent_id in ids} | {t.pk for t in tenants if children.get(t.pk)}
    stored_values = dict(
        RollupSummary.objects.filter(period=shown_period, tenant_id__in=in_subtrees).values_list("tenant_id", "values")
    )

    def subtree(tenant: PartyCommittee) -> Values:
        total: Values = decode(stored_values[tenant.pk]) if tenant.pk in stored_values else {}
        for child in children.get(tenant.pk, []):
            _merge(total, subtree(child))
        return total

    relayed = dict(RollupState.objects.values_list("tenant_id", "relayed_at"))
    empty = dict.fromkeys(FIGURE_KEYS)
    rows = []
    group = group_values(shown_period, ids)
    for tenant in tenants:
        shown = stored_figures.get(tenant.pk, empty)
        row: dict[str, Any] = {
            "id": tenant.pk,
            "name": tenant.name,
            "short_name": tenant.short_name,
            "parent": tenant.parent_id if tenant.parent_id in ids else None,
            "figures": shown,
            "lights": {key: light(_decimal(shown.get(key)), limits) for key, limits in chosen.items() if key in shown},
            "updated_at": relayed.get(tenant.pk),
        }
        if children.get(tenant.pk):
            row["subtree"] = {key: _json(value) for key, value in figures(subtree(tenant)).items()}
        rows.append(row)
    updated = max((at for at in relayed.values() if at), default=None)
    now = timezone.now()
    return {
        "period": period.strftime("%Y-%m"),
        "updated_at": updated,
        "age_seconds": int((now - updated).total_seconds()) if updated else None,
        "pending_tenants": PendingTenant.objects.count(),
        "figures": [{"key": f.key, "label": str(f.label), "unit": f.unit} for f in FIGURES],
        "kpis": with_data({key: _json(value) for key, value in figures(group).items()}, covered),
        "tenants": rows,
        "thresholds": [
            {"figure": key, "green_until": float(g), "amber_until": float(a), "higher_is_worse": worse}
            for key, (g, a, worse) in sorted(chosen.items())
        ],
    }


def group_values(period: date, tenant_ids: set[int]) -> Values:
    """The group's totals of a month, summed by the database."""
    rows = (
        RollupValue.objects.filter(organization_id=WHOLE_TENANT, period=period, tenant_id__in=tenant_ids)
        .values("metric", "dimension")
        .annotate(total=Sum("value"))
    )
    return {(row["metric"], row["dimension"]): row["total"] for row in rows}


CACHE_SECONDS = 30
THRESHOLDS_VERSION = "rollups:thresholds:version"


def cached_dashboard(period: date) -> dict[str, Any]:
    """``dashboard`` kept in the cache until the rollups change (any relay moves ``relayed_at``),
    the thresholds change, or 30 s pass (tenant names); freshness is recomputed on every call."""
    state = RollupState.objects.aggregate(latest=Max("relayed_at"), tenants=Count("id"))
    latest = state["latest"].timestamp() if state["latest"] else 0
    key = ":".join(
        [
            "rollups:dashboard",
            period.strftime("%Y-%m"),
            f"{latest:.6f}",
            str(state["tenants"]),
            str(cache.get(THRESHOLDS_VERSION, 0)),
            get_language() or "",
        ]
    )
    data: dict[str, Any] | None = cache.get(key)
    if data is None:
        data = dashboard(period)
        cache.set(key, data, CACHE_SECONDS)
    else:
        data["pending_tenants"] = PendingTenant.objects.count()
    updated = data["updated_at"]
    data["age_seconds"] = int((timezone.now() - updated).total_seconds()) if updated else None
    return data


def thresholds_changed() -> None:
    try:
        cache.incr(THRESHOLDS_VERSION)
    except ValueError:
        cache.set(THRESHOLDS_VERSION, 1, None)


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def trends(months: int, *, today: date | None = None) -> dict[str, Any]:
    """Group figures month by month (the last ``months`` months, oldest first). A figure is
    null in a month for which none of the tenants computed its metrics (before the first relay,
    or a history the records do not carry): "no data", not 0."""
    today = today or timezone.localdate()
    periods = [month_start(today)]
    while len(periods) < months:
        periods.append(month_start(periods[-1] - timedelta(days=1)))
    periods.reverse()
    sums: dict[date, Values] = defaultdict(dict)
    covered: dict[date, set[str]] = defaultdict(set)
    summaries = RollupSummary.objects.filter(
        period__in=periods, tenant_id__in=[tenant.pk for tenant in relayable_tenants()]
    ).values_list("period", "values", "covers")
    for period, values, covers in summaries:
        _merge(sums[period], decode(values))
        covered[period].update(covers)

    by_month = [with_data({f.key: _json(f.compute(sums[p])) for f in FIGURES}, covered[p]) for p in periods]
    series = {figure.key: [month[figure.key] for month in by_month] for figure in FIGURES}
    return {"periods": [period.strftime("%Y-%m") for period in periods], "series": series}


@dataclass(frozen=True)
class ComplianceCheck:
    """A rule a tenant should meet, judged from its figures; later issues add theirs (meetings …)."""

    key: str
    label: str | Promise
    figure: str
    passes: Callable[[Decimal | None], bool]


COMPLIANCE_CHECKS: list[ComplianceCheck] = [
    ComplianceCheck("reelections", _("re-elections held on time"), "reelections_overdue", lambda v: not v),
    ComplianceCheck("transfers", _("transfers received within their validity"), "transfers_overdue", lambda v: not v),
    ComplianceCheck("pockets", _("no pocket members"), "pockets", lambda v: not v),
    ComplianceCheck("dues", _("members in arrears at most 5%"), "arrears_rate", lambda v: v is None or v <= Decimal(5)),
]


def compliance(period: date, *, today: date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    values = tenant_values(_stock_period(period, today))
    # 三会一课 columns (organizational life): held/expected over the year's closed periods.
    meetings = three_one_checks(period, today=today)
    rows = []
    for tenant in relayable_tenants():
        shown = figures(values.get(tenant.pk, {}))
        results = {check.key: check.passes(shown[check.figure]) for check in COMPLIANCE_CHECKS}
        three_one = meetings.get(tenant.pk, {})
        rows.append(
            {
                "id": tenant.pk,
                "name": tenant.name,
                "checks": results,
                "values": {check.key: _json(shown[check.figure]) for check in COMPLIANCE_CHECKS},
                "passed": sum(results.values()),
                "meetings": three_one,
            }
        )
    return {
        "period": period.strftime("%Y-%m"),
        "checks": [{"key": c.key, "label": str(c.label), "figure": c.figure} for c in COMPLIANCE_CHECKS],
        "meeting_checks": [{"key": kind.code, "label": str(kind.label)} for kind in THREE_ONE],
        "tenants": rows,
    }


def organizations(tenant: PartyCommittee, period: date, *, today: date | None = None) -> list[dict[str, Any]]:
    """A tenant's organization tree with each node's own and subtree figures (drill-down level 2)."""
    today = today or timezone.localdate()
    nodes = list(RollupOrganization.objects.filter(tenant=tenant, is_active=True).order_by("path"))
    own: dict[int, Values] = defaultdict(dict)
    rows = RollupValue.objects.filter(tenant=tenant, period=_stock_period(period, today)).exclude(
        organization_id=WHOLE_TENANT
    )
    periodic = RollupValue.objects.filter(tenant=tenant, period=period, metric__startswith="dues.").exclude(
        organization_id=WHOLE_TENANT
    )
    for row in list(rows.exclude(metric__startswith="dues.")) + list(periodic):
        own[row.organization_id][(row.metric, row.dimension)] = row.value
    result = []
    for node in nodes:
        total: Values = {}
        for other in nodes:
            if other.path.startswith(node.path):
                _merge(total, own.get(other.organization_id, {}))
        result.append(
            {
                "id": node.organization_id,
                "parent": node.parent_id,
                "name": node.name,
                "kind": node.kind,
                "depth": node.depth,
                "figures": {key: _json(value) for key, value in figures(own.get(node.organization_id, {})).items()},
                "subtree": {key: _json(value) for key, value in figures(total).items()},
            }
        )
    return result
