"""The relay: outbox rows of a tenant → recomputed rollup rows in the public schema.

One tenant at a time, in ONE transaction: lock the tenant (advisory lock), take a batch of
outbox rows, recompute the figures they touch from the tenant's tables, replace those rollup
rows, delete the outbox rows, commit. Rows hold absolute values, so a batch applied twice gives
the same result; a relay that dies mid-batch rolls back entirely and the next run redoes it.

What to compute comes from the metric registry (``partycloud.core.metrics``, filled by the
tenant apps) and the organization tree from the reader ``tenants.organizations`` registers
there: the relay imports no domain app. The one tenant table it reads itself is the outbox,
its own inbox (``tenants.outbox``, plumbing rather than a domain). Imports go one way:
``figures`` ← ``summaries`` ← ``relay`` ← (``recompute``, ``history``, ``dashboard``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from partycloud.core.metrics import organization_nodes
from partycloud.rollups.metrics import METRICS, WHOLE_TENANT, Metric, Row, Scope, month_start
from partycloud.rollups.models import PendingTenant, RollupOrganization, RollupState, RollupValue
from partycloud.rollups.summaries import refresh_summaries
from partycloud.tenancy.models import CommitteeStatus, PartyCommittee
from services.tasks.pause import pause_point
from tenants.outbox.models import OutboxEvent

log = logging.getLogger(__name__)

BATCH = 5000
# Periodic figures (dues, study) that a full recompute covers: this month and the twelve before.
RECOMPUTE_MONTHS = 13


@dataclass
class Plan:
    """What a batch of outbox rows asks to recompute, per topic."""

    organizations: dict[str, set[int] | None] = field(default_factory=dict)  # None: all organizations
    periods: dict[str, set[date]] = field(default_factory=lambda: defaultdict(set))

    def add(self, topic: str, organization_id: int | None, period: date | None, today: date) -> None:
        known = self.organizations.get(topic, set())
        if organization_id is None or known is None:
            self.organizations[topic] = None
        else:
            known.add(organization_id)
            self.organizations[topic] = known
        self.periods[topic].add(month_start(period) if period else month_start(today))


@dataclass
class RelayResult:
    events: int = 0
    rows: int = 0
    remaining: bool = False


def relayable_tenants() -> list[PartyCommittee]:
    return list(
        PartyCommittee.objects.filter(kind="subsidiary", status__in=[CommitteeStatus.ACTIVE, CommitteeStatus.SUSPENDED])
        .only("id", "name", "short_name", "slug", "schema_name", "parent_id", "status", "kind")
        .order_by("pk")
    )


def _lock(schema: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('partycloud.rollups'), hashtext(%s))", [schema])


def relay_tenant(tenant: PartyCommittee, *, today: date | None = None, batch: int = BATCH) -> RelayResult:
    """Apply one batch of this tenant's outbox (call again while ``remaining``)."""
    today = today or timezone.localdate()
    with tenant, transaction.atomic():
        _lock(tenant.schema_name)
        events = list(OutboxEvent.objects.select_for_update(skip_locked=True).order_by("id")[:batch])
        state, _created = RollupState.objects.select_for_update().get_or_create(tenant=tenant)
        new_month = state.stock_period != month_start(today)
        if not events and not new_month:
            _clear_flag(tenant)
            return RelayResult()
        plan = Plan()
        for event in events:
            plan.add(event.topic, event.organization_id, event.period, today)
        rows = apply_plan(tenant, plan, today, full_stock=new_month)
        pause_point("rollups.relay.applied")
        OutboxEvent.objects.filter(pk__in=[event.pk for event in events]).delete()
        remaining = _clear_flag(tenant)
        now = timezone.now()
        state.relayed_at = now
        state.stock_period = month_start(today)
        if events:
            state.last_event_at = max(event.created_at for event in events)
            state.events_applied += len(events)
        state.save()
    return RelayResult(events=len(events), rows=rows, remaining=remaining)


def _clear_flag(tenant: PartyCommittee) -> bool:
    """Unflag the tenant unless outbox rows remain (whether they do), in the batch's transaction:
    a relay killed mid-batch leaves the flag, so the redelivered drain finds the tenant again.
    A change that commits before this check is seen here; one that commits after it waits on the
    deleted flag row until the batch commits, then flags the tenant anew."""
    remaining = OutboxEvent.objects.exists()
    if not remaining:
        PendingTenant.objects.filter(schema_name=tenant.schema_name).delete()
    return remaining


def relay_until_empty(tenant: PartyCommittee, *, today: date | None = None, batch: int = BATCH) -> RelayResult:
    total = RelayResult()
    while True:
        result = relay_tenant(tenant, today=today, batch=batch)
        total.events += result.events
        total.rows += result.rows
        if not result.remaining:
            return total


def apply_plan(tenant: PartyCommittee, plan: Plan, today: date, *, full_stock: bool = False) -> int:
    """Recompute what the plan names (in the tenant's schema, which must be active)."""
    written = 0
    touched: dict[str, set[date]] = defaultdict(set)
    for metric in METRICS.values():
        topics = [topic for topic in metric.topics if topic in plan.organizations]
        if metric.always or full_stock:
            # A month's first pass computes everything for it, periodic figures included: a
            # month without study is then 0, not "no data".
            organizations: set[int] | None = None
            periods = {month_start(today)}
            if metric.periodic:
                periods |= set().union(*(plan.periods[topic] for topic in topics)) if topics else set()
        elif topics:
            organizations = set()
            for topic in topics:
                wanted = plan.organizations[topic]
                organizations = None if wanted is None or organizations is None else organizations | wanted
            periods = set().union(*(plan.periods[topic] for topic in topics))
            if not metric.periodic:
                periods = {month_start(today)}
        else:
            continue
        written += replace_rows(tenant, metric, organizations, periods, today)
        touched[metric.name] |= periods
    for name, periods in touched.items():
        if not METRICS[name].tenant_level:
            written += refresh_totals(tenant, name, periods)
    covered: dict[date, set[str]] = defaultdict(set)
    for name, periods in touched.items():
        for period in periods:
            covered[period].add(name)
    refresh_summaries(tenant, covered.keys(), covered)
    if "organizations" in plan.organizations or full_stock:
        sync_organizations(tenant, None if full_stock else plan.organizations["organizations"])
    return written


def compute(
    metric: Metric,
    organizations: set[int] | None,
    periods: set[date],
    today: date,
    memo: dict,  # type: ignore[type-arg]
    *,
    history: bool = False,
) -> list[Row]:
    scope = Scope(
        today=today,
        organization_ids=None if organizations is None else frozenset(organizations),
        periods=frozenset(periods),
        memo=memo,
        history=history,
    )
    return [row for row in metric.compute(scope) if row[1] in periods]


def replace_rows(
    tenant: PartyCommittee,
    metric: Metric,
    organizations: set[int] | None,
    periods: set[date],
    today: date,
    *,
    memo: dict | None = None,  # type: ignore[type-arg]
    history: bool = False,
) -> int:
    rows = compute(metric, organizations, periods, today, {} if memo is None else memo, history=history)
    return store_rows(tenant, metric, organizations, periods, rows)


def store_rows(
    tenant: PartyCommittee, metric: Metric, organizations: set[int] | None, periods: Iterable[date], rows: list[Row]
) -> int:
    """Replace the metric's stored rows of these organizations (None: all) and months."""
    stored = RollupValue.objects.filter(tenant=tenant, metric=metric.name, period__in=list(periods))
    if metric.tenant_level:
        stored = stored.filter(organization_id=WHOLE_TENANT)
    elif organizations is not None:
        stored = stored.filter(organization_id__in=organizations)
    else:
        stored = stored.exclude(organization_id=WHOLE_TENANT)
    stored.delete()
    now = timezone.now()
    RollupValue.objects.bulk_create(
        RollupValue(
            tenant=tenant,
            organization_id=organization_id,
            period=period,
            metric=metric.name,
            dimension=dimension,
            value=value,
            updated_at=now,
        )
        for organization_id, period, dimension, value in rows
    )
    return len(rows)


def refresh_totals(tenant: PartyCommittee, metric_name: str, periods: Iterable[date]) -> int:
    """The tenant's total rows of an organization-level metric: sums over its organizations."""
    periods = list(periods)
    RollupValue.objects.filter(
        tenant=tenant, metric=metric_name, period__in=periods, organization_id=WHOLE_TENANT
    ).delete()
    sums = (
        RollupValue.objects.filter(tenant=tenant, metric=metric_name, period__in=periods)
        .values("period", "dimension")
        .annotate(total=Sum("value"))
    )
    now = timezone.now()
    totals = [
        RollupValue(
            tenant=tenant,
            organization_id=WHOLE_TENANT,
            period=row["period"],
            metric=metric_name,
            dimension=row["dimension"],
            value=row["total"],
            updated_at=now,
        )
        for row in sums
    ]
    RollupValue.objects.bulk_create(totals)
    return len(totals)


def sync_organizations(tenant: PartyCommittee, organization_ids: set[int] | None) -> None:
    """The group's copy of the tenant's organization tree (for drill-down)."""
    copies = RollupOrganization.objects.filter(tenant=tenant)
    if organization_ids is not None:
        copies = copies.filter(organization_id__in=organization_ids)
    copies.delete()
    wanted = None if organization_ids is None else frozenset(organization_ids)
    RollupOrganization.objects.bulk_create(
        RollupOrganization(
            tenant=tenant,
            organization_id=node.organization_id,
            parent_id=node.parent_id,
            path=node.path,
            depth=node.depth,
            name=node.name,
            kind=node.kind,
            is_active=node.is_active,
        )
        for node in organization_nodes(wanted)
    )


def recompute_periods(today: date, stored: Sequence[date] = ()) -> set[date]:
    """The months a full recompute covers for periodic figures: the last 13, and any stored."""
    periods = {month_start(today)}
    cursor = month_start(today)
    for _index in range(RECOMPUTE_MONTHS - 1):
        cursor = month_start(cursor - timedelta(days=1))
        periods.add(cursor)
    return periods | set(stored)


def expected_rows(tenant: PartyCommittee, today: date) -> dict[tuple[str, int, date, str], Decimal]:
    """Every rollup row of the tenant as the source says it should be (schema must be active)."""
    stored_periods = set(
        RollupValue.objects.filter(tenant=tenant, metric__in=[m.name for m in METRICS.values() if m.periodic])
        .values_list("period", flat=True)
        .distinct()
    )
    periodic = recompute_periods(today, sorted(stored_periods))
    expected: dict[tuple[str, int, date, str], Decimal] = {}
    memo: dict = {}  # type: ignore[type-arg]
    for metric in METRICS.values():
        periods = periodic if metric.periodic else {month_start(today)}
        totals: dict[tuple[date, str], Decimal] = defaultdict(Decimal)
        for organization_id, period, dimension, value in compute(metric, None, periods, today, memo):
            expected[(metric.name, organization_id, period, dimension)] = value
            if not metric.tenant_level:
                totals[(period, dimension)] += value
        for (period, dimension), value in totals.items():
            expected[(metric.name, WHOLE_TENANT, period, dimension)] = value
    return expected
