"""Rollup metrics as the kernel sees them: what a metric is, and the registry the group reads.

Each tenant app declares the figures the group rolls up from its own tables in its
``rollups.py`` and registers them at start-up (its ``AppConfig.ready``); the group rollups
(``partycloud.rollups``, floor 4) read ``METRICS`` here. The type and the registry live in the
kernel because a tenant app (floor 3) may not import the rollups: adding a domain adds a module
in that domain and no import in the rollups.

A metric computes its rows from the tables of the tenant schema that is active, for a scope
(some organizations or all, some months). Rows are ``(organization_id, period, dimension, value)``;
organization-level metrics produce rows for each organization (its own records, not its
subtree) and the relay adds the tenant's total row; tenant-level metrics produce the total row
themselves (organization ``WHOLE_TENANT``). Values are additive, so subtrees and parent tenants
are sums; rates are computed by readers from their parts (e.g. arrears = unpaid ÷ assessed).
A metric whose source tables are new also needs a line in ``tenants.outbox.triggers.WATCHED``.

The group's drill-down reads two things in a tenant's schema besides metrics: the organization
tree (copied to the public schema by the relay) and the members of a subtree (read on demand,
audited). ``tenants.organizations`` and ``tenants.members`` register those readers here too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypedDict

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

WHOLE_TENANT = 0  # the organization id of a tenant's total rows
Row = tuple[int, date, str, Decimal]  # (organization_id, period, dimension, value)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(period: date) -> date:
    following = (period.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


@dataclass
class Scope:
    """What to compute: organizations (None: all), months (periodic metrics), and today.

    ``memo`` is shared by the metrics computed together (one app's metrics read their source
    once: key it by the app's name). ``history``: ``today`` is a past day (a month's end) and the
    current-state metrics that can be reconstructed (``Metric.historical``) read the records'
    history on that day: members by the tenures covering it, organizations by their
    establishment dates (the backfill)."""

    today: date
    organization_ids: frozenset[int] | None = None
    periods: frozenset[date] = frozenset()
    memo: dict[str, Any] = field(default_factory=dict)
    history: bool = False

    @property
    def current(self) -> date:
        return month_start(self.today)

    def organizations(self, queryset: Any, column: str = "organization_id") -> Any:
        if self.organization_ids is None:
            return queryset
        return queryset.filter(**{f"{column}__in": self.organization_ids})


@dataclass(frozen=True)
class Metric:
    name: str  # "<app>.<what>", the key of the stored rows
    label: str | Promise
    topics: frozenset[str]  # the outbox topics whose changes make the relay recompute it
    compute: Callable[[Scope], Iterable[Row]]
    periodic: bool = False  # figures per month (dues, study); else the current state, kept per month
    tenant_level: bool = False  # computed for the tenant as a whole (organization 0)
    always: bool = False  # recomputed on every relay run (its source has no outbox, e.g. the hub)
    unit: str = "count"
    # A current-state metric whose value on a past day follows from the records' history
    # (tenures, establishment dates): the backfill recomputes it for past months.
    historical: bool = False


METRICS: dict[str, Metric] = {}


def register(*metrics: Metric) -> None:
    """Add metrics to the registry (an app's ``AppConfig.ready``). A name is owned by one
    metric: registering another under a taken name is a configuration error."""
    for metric in metrics:
        known = METRICS.get(metric.name)
        if known is not None and known is not metric:
            raise ImproperlyConfigured(f"rollup metric {metric.name!r} is registered twice")
        METRICS[metric.name] = metric


def metric(
    name: str, label: str | Promise, *topics: str, **options: Any
) -> Callable[[Callable[[Scope], Iterable[Row]]], Metric]:
    """Declare a metric from its compute function (register it with ``register``)."""

    def declare(compute: Callable[[Scope], Iterable[Row]]) -> Metric:
        return Metric(name, label, frozenset(topics), compute, **options)

    return declare


def counted_rows(pairs: Iterable[tuple[int, str]], period: date) -> list[Row]:
    """Rows counting ``(organization_id, dimension)`` pairs."""
    counts = Counter(pairs)
    return [(organization, period, dimension, Decimal(count)) for (organization, dimension), count in counts.items()]


# ---------------------------------------------------------------- drill-down readers


@dataclass(frozen=True)
class OrganizationNode:
    """An organization as the group's copy of a tenant's tree holds it."""

    organization_id: int
    parent_id: int | None
    path: str
    depth: int
    name: str
    kind: str
    is_active: bool


class MemberRecord(TypedDict):
    """A member as the group's drill-down lists them: names and labels, no ID number, the
    phone masked."""

    id: int
    name: str
    gender: str
    organization: str
    membership: str
    status: str
    education: str
    joined_on: date
    phone: str


OrganizationSource = Callable[[frozenset[int] | None], Iterable[OrganizationNode]]
MemberSource = Callable[[str], list[MemberRecord]]


@dataclass
class _Readers:
    organizations: OrganizationSource | None = None
    members: MemberSource | None = None


_readers = _Readers()


def register_organization_source(source: OrganizationSource) -> None:
    """``tenants.organizations``: the organizations of the active schema (ids, or None: all)."""
    _readers.organizations = source


def register_member_source(source: MemberSource) -> None:
    """``tenants.members``: the members counted in the subtree under a path, in the active schema."""
    _readers.members = source


def organization_nodes(organization_ids: frozenset[int] | None = None) -> Iterable[OrganizationNode]:
    """The organizations of the tenant whose schema is active (None: every one)."""
    if _readers.organizations is None:
        raise ImproperlyConfigured("no organization source registered: is tenants.organizations installed?")
    return _readers.organizations(organization_ids)


def member_records(path: str) -> list[MemberRecord]:
    """The members counted in the subtree under ``path``, in the tenant whose schema is active."""
    if _readers.members is None:
        raise ImproperlyConfigured("no member source registered: is tenants.members installed?")
    return _readers.members(path)
