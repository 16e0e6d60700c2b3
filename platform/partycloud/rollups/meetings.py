"""Organizational life as the group sees it, from the rollup rows only (metric
``meetings.activities``, declared by ``tenants.meetings.rollups``):

- ``group_compliance``: tenants × activity kinds, held/expected per period (month, quarter, year);
- ``three_one_checks``: the dashboard compliance matrix's 三会一课 columns (year to date);
- ``frequency``: the annual 组织生活频次统计 per tenant and for the group.

Rows hold, per organization and month, ``<code>:held`` (meetings held that month) and
``<code>:expected`` (the minimum due for the requirement period closing that month). A kind's
period is read off the months its expected rows fall in (any month → monthly; March/June/
September/December → quarterly; December only → yearly), so a display period finer than the
kind's (a quarterly meeting in the month view) shows the enclosing quarter's figures. Tenant totals
are sums, so one branch's extra meetings can hide another's missing one here: the tenant's own
compliance table (and the drill-down) judges each organization.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from partycloud.rollups.metrics import WHOLE_TENANT, month_end
from partycloud.rollups.models import RollupValue
from partycloud.rollups.relay import relayable_tenants

METRIC = "meetings.activities"
PERIODS = ("month", "quarter", "year")
PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class KindColumn:
    code: str
    label: str | Promise


# The kinds of the regulations (DOMAIN_RULES §2; their codes are stable across tenants).
KINDS = [
    KindColumn("general_meeting", _("branch general meeting")),
    KindColumn("committee_meeting", _("branch committee meeting")),
    KindColumn("group_meeting", _("party group meeting")),
    KindColumn("party_lecture", _("party lecture")),
    KindColumn("theme_day", _("theme party day")),
    KindColumn("life_meeting", _("organizational life meeting")),
    KindColumn("democratic_evaluation", _("democratic evaluation of members")),
]
THREE_ONE = KINDS[:4]  # 三会一课
# The group's 组织生活频次统计 columns (StatsCategory of tenants.meetings).
STATS = [
    KindColumn("branch_day", _("branch activity days")),
    KindColumn("life_meeting", _("organizational life meetings")),
    KindColumn("democratic_evaluation", _("democratic evaluations")),
    KindColumn("study", _("collective study")),
]

Monthly = dict[tuple[int, str], dict[date, Decimal]]  # (tenant, dimension) → month → value


def _rows(year: int, tenant_ids: Iterable[int]) -> Monthly:
    found: Monthly = defaultdict(dict)
    for tenant_id, dimension, period, value in (
        RollupValue.objects.filter(
            metric=METRIC, organization_id=WHOLE_TENANT, tenant_id__in=list(tenant_ids),
            period__gte=date(year, 1, 1), period__lte=date(year, 12, 1),
        )
        .values_list("tenant_id", "dimension", "period", "value")
    ):  # fmt: skip
        found[(tenant_id, dimension)][period] = value
    return found


def _span(period: str, month: int, year: int) -> tuple[date, date]:
    size = PERIOD_MONTHS[period]
    first = (month - 1) // size * size + 1
    return date(year, first, 1), date(year, first + size - 1, 1)


def _kind_period(expected: dict[date, Decimal]) -> str:
    months = {month.month for month, value in expected.items() if value}
    if months - {3, 6, 9, 12}:
        return "month"
    if months - {12}:
        return "quarter"
    return "year" if months else "month"


def _key(period: str, start: date) -> str:
    if period == "month":
        return f"{start.year}-{start.month:02d}"
    if period == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def _verdict(held: int, expected: int, closed: bool) -> str:
    if not expected:
        return "not_applicable" if not held else "met"
    if held >= expected:
        return "met"
    return "missing" if closed else "pending"


def _cell(monthly: Monthly, tenant_id: int, code: str, period: str, start: date, today: date) -> dict[str, Any]:
    expected_rows = monthly.get((tenant_id, f"{code}:expected"), {})
    held_rows = monthly.get((tenant_id, f"{code}:held"), {})
    own = _kind_period(expected_rows)
    if PERIOD_MONTHS[own] > PERIOD_MONTHS[period]:
        first, last = _span(own, start.month, start.year)
    else:
        first, last = _span(period, start.month, start.year)
    held = int(sum(value for month, value in held_rows.items() if first <= month <= last))
    expected = int(sum(value for month, value in expected_rows.items() if first <= month <= last))
    return {"kind": code, "held": held, "expected": expected,
            "verdict": _verdict(held, expected, today > month_end(last))}  # fmt: skip


def group_compliance(year: int, period: str, *, today: date | None = None) -> dict[str, Any]:
    """Tenants × kinds: held/expected per period, and the group's totals."""
    today = today or timezone.localdate()
    tenants = relayable_tenants()
    monthly = _rows(year, [tenant.pk for tenant in tenants])
    size = PERIOD_MONTHS[period]
    starts = [date(year, month, 1) for month in range(1, 13, size)]
    group: Monthly = defaultdict(dict)
    for (_tenant, dimension), months in monthly.items():
        for month, value in months.items():
            group[(0, dimension)][month] = group[(0, dimension)].get(month, Decimal(0)) + value
    rows = []
    for tenant in tenants:
        rows.append(
            {
                "id": tenant.pk,
                "name": tenant.short_name or tenant.name,
                "periods": [
                    {
                        "period": _key(period, start),
                        "cells": [_cell(monthly, tenant.pk, kind.code, period, start, today) for kind in KINDS],
                    }
                    for start in starts
                ],
            }
        )
    return {
        "year": year,
        "period": period,
        "periods": [_key(period, start) for start in starts],
        "kinds": [{"code": kind.code, "label": str(kind.label), "three_one": kind in THREE_ONE} for kind in KINDS],
        "tenants": rows,
        "group": [
            {
                "period": _key(period, start),
                "cells": [_cell(group, 0, kind.code, period, start, today) for kind in KINDS],
            }
            for start in starts
        ],
    }


def three_one_checks(period: date, *, today: date | None = None) -> dict[int, dict[str, dict[str, Any]]]:
    """The dashboard matrix's 三会一课 columns: per tenant and kind, held/expected over the
    requirement periods of ``period``'s year closed by the end of that month (year to date), and
    whether held ≥ expected."""
    today = today or timezone.localdate()
    through = min(period, today.replace(day=1))
    tenants = relayable_tenants()
    monthly = _rows(period.year, [tenant.pk for tenant in tenants])
    result: dict[int, dict[str, dict[str, Any]]] = {}
    for tenant in tenants:
        checks: dict[str, dict[str, Any]] = {}
        for kind in THREE_ONE:
            expected_rows = monthly.get((tenant.pk, f"{kind.code}:expected"), {})
            held_rows = monthly.get((tenant.pk, f"{kind.code}:held"), {})
            own = _kind_period(expected_rows)
            size = PERIOD_MONTHS[own]
            closed = [
                date(period.year, month + size - 1, 1)
                for month in range(1, 13, size)
                if date(period.year, month + size - 1, 1) <= through
                and month_end(date(period.year, month + size - 1, 1)) < today
            ]
            last = closed[-1] if closed else None
            held = expected = 0
            if last is not None:
                held = int(sum(v for m, v in held_rows.items() if m <= last))
                expected = int(sum(v for m, v in expected_rows.items() if m <= last))
            checks[kind.code] = {"held": held, "expected": expected, "passed": held >= expected}
        result[tenant.pk] = checks
    return result


def frequency(year: int) -> dict[str, Any]:
    """组织生活频次统计: held meetings of the year by the group's categories, per tenant and in
    total (tenant totals; a multi-level group's parent counts only its own schema)."""
    tenants = relayable_tenants()
    sums = {
        (row["tenant_id"], row["dimension"]): int(row["total"])
        for row in RollupValue.objects.filter(
            metric=METRIC, organization_id=WHOLE_TENANT, tenant_id__in=[t.pk for t in tenants],
            period__gte=date(year, 1, 1), period__lte=date(year, 12, 1), dimension__startswith="stats:",
        )
        .values("tenant_id", "dimension")
        .annotate(total=Sum("value"))
    }  # fmt: skip
    rows = [
        {
            "id": tenant.pk,
            "name": tenant.short_name or tenant.name,
            "counts": {column.code: sums.get((tenant.pk, f"stats:{column.code}"), 0) for column in STATS},
        }
        for tenant in tenants
    ]
    total = {column.code: sum(int(row["counts"][column.code]) for row in rows) for column in STATS}
    return {
        "year": year,
        "columns": [{"code": column.code, "label": str(column.label)} for column in STATS],
        "tenants": rows,
        "group": total,
    }
