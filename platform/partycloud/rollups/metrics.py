"""Every figure the group sees, declared once.

A metric computes its rows from the tables of the tenant schema that is active, for a scope
(some organizations or all, some months). Rows are ``(organization_id, period, dimension, value)``;
organization-level metrics produce rows for each organization (its own records, not its
subtree) and the relay adds the tenant's total row; tenant-level metrics produce the total row
themselves (organization 0). Values are additive, so subtrees and parent tenants are sums;
rates are computed by readers from their parts (e.g. arrears = unpaid ÷ assessed).

A later issue adds its figures by calling ``register`` (and, if it needs new change signals, a
line in ``tenants.outbox.triggers.WATCHED``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from partycloud.statistics.definitions import age_band_of, join_period_of

WHOLE_TENANT = 0
Row = tuple[int, date, str, Decimal]

REELECTION_WARNING_DAYS = 90


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(period: date) -> date:
    following = (period.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


@dataclass
class Scope:
    """What to compute: organizations (None: all), months (periodic metrics), and today.

    ``history``: ``today`` is a past day (a month's end) and the current-state metrics that can
    be reconstructed (``Metric.historical``) read the records' history on that day: members by
    the tenures covering it, organizations by their establishment dates (the backfill)."""

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
    name: str
    label: str | Promise
    topics: frozenset[str]
    compute: Callable[[Scope], Iterable[Row]]
    periodic: bool = False  # figures per month (dues, study); else the current state, kept per month
    tenant_level: bool = False  # computed for the tenant as a whole (organization 0)
    always: bool = False  # recomputed on every relay run (its source has no outbox, e.g. the hub)
    unit: str = "count"
    # A current-state metric whose value on a past day follows from the records' history
    # (tenures, establishment dates): the backfill recomputes it for past months.
    historical: bool = False


METRICS: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    METRICS[metric.name] = metric
    return metric


def metric(
    name: str, label: str | Promise, *topics: str, **options: Any
) -> Callable[[Callable[[Scope], Iterable[Row]]], Metric]:
    def declare(compute: Callable[[Scope], Iterable[Row]]) -> Metric:
        return register(Metric(name, label, frozenset(topics), compute, **options))

    return declare


def _counted(pairs: Iterable[tuple[int, str]], period: date) -> list[Row]:
    counts = Counter(pairs)
    return [(organization, period, dimension, Decimal(count)) for (organization, dimension), count in counts.items()]


# ---------------------------------------------------------------- members


MEMBER_FIELDS = ("dues_category", "gender", "education", "birth_date", "joined_on")


def _members(scope: Scope) -> list[dict[str, Any]]:
    """Members counted for their organization (active or mobile), loaded once per scope."""
    if "members" not in scope.memo:
        from tenants.members.models import COUNTED_STATUSES, Member

        if scope.history:
            scope.memo["members"] = _members_on(scope)
        else:
            rows = scope.organizations(Member.objects.filter(status__in=COUNTED_STATUSES)).values(
                "organization_id", "membership", "status", *MEMBER_FIELDS
            )
            scope.memo["members"] = list(rows)
    members: list[dict[str, Any]] = scope.memo["members"]
    return members


def _members_on(scope: Scope) -> list[dict[str, Any]]:
    """Members counted on a past day: organization and membership from the tenure covering it;
    a member counted then and gone since (transferred out, deceased) was active then."""
    from tenants.members.models import COUNTED_STATUSES, MemberStatus
    from tenants.members.services import tenures_on

    rows = scope.organizations(tenures_on(scope.today)).values(
        "organization_id", "membership", status=F("member__status"), **{f: F(f"member__{f}") for f in MEMBER_FIELDS}
    )
    return [row if row["status"] in COUNTED_STATUSES else {**row, "status": MemberStatus.ACTIVE} for row in rows]


def age_band(birth_date: date, on: date) -> str:
    """The annual report's official age bands (partycloud.statistics.definitions), by key."""
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return age_band_of(age).key


def join_year_band(joined_on: date) -> str:
    return join_period_of(joined_on).key


def _member_metric(name: str, label: str | Promise, dimension: Callable[[dict[str, Any], Scope], str]) -> Metric:
    def compute(scope: Scope) -> list[Row]:
        return _counted(((m["organization_id"], dimension(m, scope)) for m in _members(scope)), scope.current)

    return register(Metric(name, label, frozenset({"members"}), compute, historical=True))


_member_metric("members.membership", _("members by membership"), lambda m, s: m["membership"])
_member_metric("members.status", _("members by status"), lambda m, s: m["status"])
_member_metric("members.category", _("members by category"), lambda m, s: m["dues_category"])
_member_metric("members.gender", _("members by gender"), lambda m, s: m["gender"])
_member_metric("members.education", _("members by education"), lambda m, s: m["education"] or "unknown")
_member_metric("members.age_band", _("members by age"), lambda m, s: age_band(m["birth_date"], s.today))
_member_metric("members.join_year", _("members by year of joining"), lambda m, s: join_year_band(m["joined_on"]))


# ---------------------------------------------------------------- organizations


def _organizations(scope: Scope) -> list[Any]:
    if "organizations" not in scope.memo:
        from tenants.organizations.models import Organization
        from tenants.organizations.services import organizations_existing_on

        existing = (
            organizations_existing_on(scope.today) if scope.history else Organization.objects.filter(is_active=True)
        )
        scope.memo["organizations"] = list(scope.organizations(existing, "id"))
    organizations: list[Any] = scope.memo["organizations"]
    return organizations


@metric("organizations.kind", _("organizations by kind"), "organizations", historical=True)
def organizations_by_kind(scope: Scope) -> list[Row]:
    return _counted(((o.pk, o.kind) for o in _organizations(scope)), scope.current)


@metric("organizations.reelection", _("re-elections due"), "organizations")
def reelections(scope: Scope) -> list[Row]:
    pairs = []
    soon = scope.today + timedelta(days=REELECTION_WARNING_DAYS)
    for organization in _organizations(scope):
        ends = organization.re_election_due_on
        if ends is None:
            continue
        if ends < scope.today:
            pairs.append((organization.pk, "overdue"))
        elif ends <= soon:
            pairs.append((organization.pk, "due"))
    return _counted(pairs, scope.current)


# ---------------------------------------------------------------- development, transfers, pockets


@metric("development.stage", _("development pipeline by stage"), "development")
def development_stages(scope: Scope) -> list[Row]:
    from tenants.development.models import DevelopmentCase

    rows = scope.organizations(DevelopmentCase.objects.all()).values("organization_id", "stage").annotate(n=Count("id"))
    return [(row["organization_id"], scope.current, row["stage"], Decimal(row["n"])) for row in rows]


@metric("transfers.pending", _("transfers pending"), "transfers")
def transfers_pending(scope: Scope) -> list[Row]:
    from tenants.transfers.models import Transfer, TransferStatus

    pairs = []
    pending = Transfer.objects.filter(status=TransferStatus.PENDING)
    if scope.organization_ids is not None:
        pending = pending.filter(
            Q(from_organization_id__in=scope.organization_ids)
            | Q(from_organization_id__isnull=True, to_organization_id__in=scope.organization_ids)
        )
    for source, target, valid_until in pending.values_list("from_organization_id", "to_organization_id", "valid_until"):
        # Counted where the member leaves from; a transfer into the group, where they arrive.
        # A transfer from another tenant has neither until it is received: the sending tenant
        # counts it, so the group counts it once.
        if source is None and target is None:
            continue
        pairs.append((source or target, "overdue" if scope.today > valid_until else "pending"))
    return _counted(pairs, scope.current)


@metric("pockets.open", _("pocket members"), tenant_level=True, always=True)
def pocket_members(scope: Scope) -> list[Row]:
    from partycloud.hub.models import PocketMemberCase, PocketStatus
    from partycloud.tenancy.context import active_tenant

    open_cases = PocketMemberCase.objects.filter(tenant=active_tenant(), status=PocketStatus.OPEN).count()
    return [(WHOLE_TENANT, scope.current, "", Decimal(open_cases))] if open_cases else []


# ---------------------------------------------------------------- dues (by month)


@metric("dues.amount", _("dues by month"), "dues", periodic=True, unit="yuan")
def dues_amounts(scope: Scope) -> list[Row]:
    from tenants.dues.models import AssessmentStatus, DuesAssessment

    rows = (
        scope.organizations(DuesAssessment.objects.filter(month__in=scope.periods))
        .values("organization_id", "month")
        .annotate(
            assessed=Sum("amount"),
            paid=Sum("paid_amount"),
            unpaid=Sum("amount", filter=Q(status=AssessmentStatus.DUE)),
        )
    )
    result: list[Row] = []
    for row in rows:
        for dimension in ("assessed", "paid", "unpaid"):
            if row[dimension]:
                result.append((row["organization_id"], row["month"], dimension, Decimal(row[dimension])))
    return result


@metric("dues.members", _("members assessed and in arrears by month"), "dues", periodic=True)
def dues_members(scope: Scope) -> list[Row]:
    from tenants.dues.models import AssessmentStatus, DuesAssessment

    rows = (
        scope.organizations(DuesAssessment.objects.filter(month__in=scope.periods))
        .values("organization_id", "month")
        .annotate(assessed=Count("id"), unpaid=Count("id", filter=Q(status=AssessmentStatus.DUE)))
    )
    result: list[Row] = []
    for row in rows:
        for dimension in ("assessed", "unpaid"):
            if row[dimension]:
                result.append((row["organization_id"], row["month"], dimension, Decimal(row[dimension])))
    return result


# ---------------------------------------------------------------- learning (tenant level)


@metric("learning.study", _("study by month"), "learning", periodic=True, tenant_level=True)
def learning_study(scope: Scope) -> list[Row]:
    from tenants.learning.models import StudyDay

    result: list[Row] = []
    for period in scope.periods:
        days = StudyDay.objects.filter(day__gte=period, day__lte=month_end(period))
        totals = days.aggregate(
            learners=Count("user", distinct=True), reading=Sum("reading_seconds"), video=Sum("video_seconds")
        )
        minutes = ((totals["reading"] or 0) + (totals["video"] or 0)) // 60
        if totals["learners"]:
            result.append((WHOLE_TENANT, period, "active_learners", Decimal(totals["learners"])))
        if minutes:
            result.append((WHOLE_TENANT, period, "minutes", Decimal(minutes)))
    return result


@metric("learning.resources", _("learning resources published"), "learning", tenant_level=True)
def learning_resources(scope: Scope) -> list[Row]:
    from tenants.learning.models import Resource, ResourceStatus

    published = Resource.objects.filter(status=ResourceStatus.PUBLISHED).count()
    return [(WHOLE_TENANT, scope.current, "", Decimal(published))] if published else []
