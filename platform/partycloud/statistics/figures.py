"""One tenant's figures for the annual report, read from the schema that is active.

The period is ``(start, end]``: ``start`` is the previous snapshot (the same day a year
earlier), ``end`` the snapshot. A member counts on a day when one of their tenures covers it
(``started_on <= day < ended_on``, as ``members.services.counts_on``), with one refinement:
a member admitted through the development workflow counts from the upper committee's approval
(step 17), not from the branch meeting that the record is dated from, so the admissions of a
year are exactly the approvals of that year (table 4) even when the meeting was in December
and the approval in January.

Changes are counted as events: each tenure that starts in the period is an increase, each one
that ends is a decrease, except a tenure closed and the next one opened on the same day (a
move inside the tenant, probationary → full), which is no change at all. Hence
``start + increases − decreases = end`` holds for any data whose tenures do not overlap; the
checks say so when they do. Each event gets one reason, read from the member's history on the
event's day; an event the history cannot explain is counted as "unexplained", never dropped.

Records baseline (档案基准日, ``PartyCommittee.records_baseline_on``): the day from which the
tenant's records are complete. A snapshot before it is not recorded (``None``, shown as 未录入,
never 0); in the year that contains it, the members on record that day are the opening balance
and the year's changes are those after it. Without a declared baseline, a snapshot before the
first recorded tenure has no member data either. An organization without an establishment
date that was recorded after the snapshot may or may not have existed then: table 5 is not
recorded, and a warning names it.

A dozen aggregate queries per tenant, whatever the number of members.
"""

from __future__ import annotations

import operator
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, Concat, Greatest, Trim

from partycloud.statistics.definitions import (
    AGE_BANDS,
    EDUCATION_COLUMNS,
    ENTRY_REASONS,
    EXIT_REASONS,
    GRADES,
    HAN_NAMES,
    JOIN_PERIODS,
    OCCUPATIONS,
    UNCLASSIFIED_OCCUPATION,
)
from partycloud.statistics.evaluation import evaluation_counts
from tenants.development.models import CaseStep, DevelopmentCase, Stage
from tenants.members.models import DuesCategory, Gender, Member, MemberChange, Membership, MemberStatus, MemberTenure
from tenants.organizations.models import CommitteeMember, Organization, OrganizationKind
from tenants.organizations.services import organizations_existing_on
from tenants.transfers.models import Transfer, TransferKind, TransferStatus

ADMISSION_APPROVAL_STEP = 17  # 上级党委审批 (DOMAIN_RULES §3)
CONFIRMATION_APPROVAL_STEP = 24  # 上级党委审批转正

Values = dict[str, int]


@dataclass
class CommitteeRow:
    """Table 4 of one tenant, per approving committee."""

    name: str
    path: str
    values: Values


@dataclass(frozen=True)
class Named:
    """Records behind a check or a warning: how many, and the first names (a capped list)."""

    count: int = 0
    names: tuple[str, ...] = ()

    def __add__(self, other: Named) -> Named:
        return Named(self.count + other.count, (self.names + other.names)[:NAMES_SHOWN])


NAMES_SHOWN = 10
WHOLE_TABLE = "*"


def named(queryset: QuerySet[Any], label: Any) -> Named:
    """Count the rows and keep the labels of the first ``NAMES_SHOWN`` (``label`` names a
    values() field or is an expression)."""
    labels = list(queryset.annotate(label=label).values_list("label", flat=True)[:NAMES_SHOWN])
    count = queryset.count() if len(labels) == NAMES_SHOWN else len(labels)
    return Named(count, tuple(labels))


@dataclass
class Figures:
    """Everything the tables need, per table key and column key; additive across tenants.

    ``unrecorded`` holds the ``(table, column)`` pairs whose value is not recorded (shown as
    未录入): a sum with one of them is not recorded either. ``opening_on`` is the records
    baseline when the period starts before it: the members' balance then runs from it."""

    tables: dict[str, Values]
    minorities: Counter[str] = field(default_factory=Counter)
    committees: list[CommitteeRow] = field(default_factory=list)
    evaluation_recorded: bool = False
    members_at_end: int = 0  # distinct members (the tables count tenures; they agree unless tenures overlap)
    unrecorded: set[tuple[str, str]] = field(default_factory=set)
    baseline: date | None = None  # the declared records baseline
    opening_on: date | None = None
    outside_existing: Named = field(default_factory=Named)  # members counted in an organization not yet established
    missing_established_on: Named = field(default_factory=Named)  # organizations without 成立日期
    estimated_tenures: Named = field(default_factory=Named)  # members whose branch join date is estimated

    def value(self, table: str, key: str) -> int | None:
        """A figure, or None when it is not recorded."""
        return None if (table, key) in self.unrecorded else self.tables[table].get(key, 0)

    def mark_unrecorded(self, table: str, keys: Iterable[str] | None = None) -> None:
        """Some columns of a table, or all of it (``WHOLE_TABLE``: derived columns too)."""
        self.unrecorded.update((table, key) for key in ([*self.tables[table], WHOLE_TABLE] if keys is None else keys))

    def unrecorded_keys(self, table: str) -> set[str]:
        return {key for name, key in self.unrecorded if name == table}


def add_figures(many: Iterable[Figures]) -> Figures:
    """The sum of several tenants' figures (the group total).

    A table a tenant has no data for at all is left out of the sum (its row says 未录入); a
    column it lacks (the start of the year before its records baseline) makes the total's
    column unknown too."""
    total = Figures(tables={})
    summed: set[str] = set()
    for figures in many:
        for table, values in figures.tables.items():
            into = total.tables.setdefault(table, dict.fromkeys(values, 0))
            if (table, WHOLE_TABLE) in figures.unrecorded:
                continue
            summed.add(table)
            total.unrecorded |= {(name, key) for name, key in figures.unrecorded if name == table}
            for key, value in values.items():
                into[key] = into.get(key, 0) + value
        if ("members", WHOLE_TABLE) not in figures.unrecorded:
            total.members_at_end += figures.members_at_end
            total.minorities.update(figures.minorities)
        total.evaluation_recorded = total.evaluation_recorded or figures.evaluation_recorded
        total.opening_on = total.opening_on or figures.opening_on
        total.outside_existing += figures.outside_existing
    for table in set(total.tables) - summed:
        total.mark_unrecorded(table)
    return total


class AgeYears(Func):
    """Completed years of age on a day: ``AgeYears(day, birth_date)`` (PostgreSQL ``age``)."""

    template = "EXTRACT(YEAR FROM AGE(%(expressions)s))::integer"
    output_field = IntegerField()


# --------------------------------------------------------------------------- tenures as counted


def admission_approvals(after: date) -> dict[int, date]:
    """Members whose admission was approved (step 17) after ``after``, and when. Earlier
    approvals change nothing from ``after`` on: those members count from before it either way."""
    approvals = CaseStep.objects.filter(
        number=ADMISSION_APPROVAL_STEP, done_on__gt=after, case__member_id__isnull=False
    ).order_by("done_on")
    return {member_id: day for member_id, day in approvals.values_list("case__member_id", "done_on") if member_id}


def counted_tenures(approvals: dict[int, date]) -> QuerySet[Any]:
    """Tenures with the interval in which they count: ``counted_from`` (the start, or the
    admission approval if later) to ``counted_until`` (the end; never before the start).

    The approvals come as constants (one branch per approval day) rather than a correlated
    subquery: referenced by every filter, the subquery was planned a score of times per query
    and pushed PostgreSQL into JIT-compiling a 50-row aggregate (100 ms instead of 2)."""
    by_day: dict[date, list[int]] = defaultdict(list)
    for member_id, day in approvals.items():
        by_day[day].append(member_id)
    no_date = Value(None, output_field=DateField())
    approved_on: Any = (
        Case(
            *(When(member_id__in=ids, then=Value(day)) for day, ids in sorted(by_day.items())),
            default=no_date,
            output_field=DateField(),
        )
        if by_day
        else no_date
    )
    return (
        MemberTenure.objects.annotate(approved_on=approved_on)
        .annotate(counted_from=Greatest("started_on", Coalesce("approved_on", "started_on")))
        .annotate(
            counted_until=Case(
                When(ended_on__isnull=True, then=no_date),
                default=Greatest("ended_on", "counted_from"),
                output_field=DateField(),
            )
        )
        .order_by()
    )


def covering(day: date) -> Q:
    return Q(counted_from__lte=day) & (Q(counted_until__isnull=True) | Q(counted_until__gt=day))


def _history(kind: str, on: str) -> QuerySet[MemberChange]:
    """The member's own history entries of ``kind`` dated the outer row's ``on`` (entries copied
    from another tenant with a transferred record are that tenant's events, not ours)."""
    return MemberChange.objects.filter(member_id=OuterRef("member_id"), kind=kind, effective_on=OuterRef(on)).exclude(
        changes__has_key="earlier_tenant"
    )


def _snapshots(tenures: QuerySet[Any], start: date, end: date) -> dict[str, int]:
    full, probationary = Q(membership=Membership.FULL), Q(membership=Membership.PROBATIONARY)
    counts: dict[str, int] = tenures.aggregate(
        start_full=Count("id", filter=covering(start) & full),
        start_probationary=Count("id", filter=covering(start) & probationary),
        start_total=Count("id", filter=covering(start)),
        end_full=Count("id", filter=covering(end) & full),
        end_probationary=Count("id", filter=covering(end) & probationary),
        end_total=Count("id", filter=covering(end)),
        members_at_end=Count("member_id", filter=covering(end), distinct=True),
    )
    return counts


def _entries(tenures: QuerySet[Any], start: date, end: date) -> list[dict[str, Any]]:
    """Tenures starting in the period that are not the continuation of another, by reason."""
    continuation = MemberTenure.objects.filter(member_id=OuterRef("member_id"), ended_on=OuterRef("started_on"))
    earlier = MemberTenure.objects.filter(member_id=OuterRef("member_id"), started_on__lt=OuterRef("started_on"))
    reason = Case(
        When(Exists(_history("transferred_in", "started_on").filter(changes__has_key="transfer")), then=Value("from_group")),
        When(Exists(_history("transferred_in", "started_on").filter(changes__has_key="letter")), then=Value("from_outside")),
        When(Q(admitted_on__gt=start, admitted_on__lte=end) & ~Exists(earlier), then=Value("admitted")),
        When(Exists(_history("status", "started_on")), then=Value("restored")),
        default=Value("unexplained"),
        output_field=CharField(),
    )  # fmt: skip
    return list(
        tenures.filter(counted_from__gt=start, counted_from__lte=end)
        .exclude(Exists(continuation.exclude(pk=OuterRef("pk"))))
        .annotate(admitted_on=Coalesce("approved_on", "member__joined_on"))
        .annotate(reason=reason)
        .values("reason", "membership")
        .annotate(n=Count("id"))
        .order_by()
    )


def _exits(tenures: QuerySet[Any], start: date, end: date) -> list[dict[str, Any]]:
    """Tenures ending in the period that no other tenure continues, by reason: the status the
    member's history records on that day."""
    continued = MemberTenure.objects.filter(member_id=OuterRef("member_id"), started_on=OuterRef("ended_on"))
    new_status = _history("status", "ended_on").order_by("-created_at", "-id").values(status=KT("changes__status__1"))
    revoked = DevelopmentCase.objects.filter(member_id=OuterRef("member_id"), stage=Stage.REVOKED)
    to_group = Transfer.objects.filter(
        member_id=OuterRef("member_id"), kind=TransferKind.OUTGOING, status=TransferStatus.ACCEPTED
    )
    reason = Case(
        When(new_status=MemberStatus.DECEASED, then=Value("deceased")),
        When(Q(new_status=MemberStatus.LEFT) & Exists(revoked), then=Value("revoked")),
        When(new_status=MemberStatus.LEFT, then=Value("left")),
        When(Q(new_status=MemberStatus.TRANSFERRED_OUT) & Exists(to_group), then=Value("to_group")),
        When(new_status=MemberStatus.TRANSFERRED_OUT, then=Value("out_of_group")),
        default=Value("unexplained"),
        output_field=CharField(),
    )
    return list(
        tenures.filter(counted_until__gt=start, counted_until__lte=end)
        .exclude(Exists(continued.exclude(pk=OuterRef("pk"))))
        .annotate(new_status=Subquery(new_status[:1], output_field=CharField()))
        .annotate(reason=reason)
        .values("reason", "membership")
        .annotate(n=Count("id"))
        .order_by()
    )


def member_changes(
    start: date, end: date, approvals: dict[int, date], opening_on: date | None = None
) -> tuple[Values, Values]:
    """Tables 1 and 7: the counts at both snapshots and the changes between them. With
    ``opening_on`` (a records baseline inside the period), the opening balance is taken on that
    day and the changes are those after it; ``opening_*`` always holds the balance's start."""
    tenures = counted_tenures(approvals)
    start = opening_on or start
    snapshots = _snapshots(tenures, start, end)
    members: Values = {key: value for key, value in snapshots.items() if key != "members_at_end"}
    for kind in ("total", "full", "probationary"):
        members[f"opening_{kind}"] = members[f"start_{kind}"]
    leaving: Values = {key: 0 for key, _title in EXIT_REASONS} | {"total": 0, "full": 0, "probationary": 0}
    for key, _title in ENTRY_REASONS:
        members[f"in_{key}"] = 0
    for key, _title in EXIT_REASONS:
        members[f"out_{key}"] = 0
    for row in _entries(tenures, start, end):
        members[f"in_{row['reason']}"] += row["n"]
    for row in _exits(tenures, start, end):
        members[f"out_{row['reason']}"] += row["n"]
        leaving[row["reason"]] += row["n"]
        leaving[row["membership"]] += row["n"]
        leaving["total"] += row["n"]
    members["in_total"] = sum(members[f"in_{key}"] for key, _title in ENTRY_REASONS)
    members["out_total"] = sum(members[f"out_{key}"] for key, _title in EXIT_REASONS)
    members["members_at_end"] = snapshots["members_at_end"]
    return members, leaving


# --------------------------------------------------------------------------- profile (表2, 表3)


def age_filters(field_name: str = "age") -> dict[str, Q]:
    filters = {}
    for band in AGE_BANDS:
        condition = Q()
        if band.low is not None:
            condition &= Q(**{f"{field_name}__gte": band.low})
        if band.high is not None:
            condition &= Q(**{f"{field_name}__lte": band.high})
        filters[band.key] = condition
    return filters


def education_filters(field_name: str) -> dict[str, Q]:
    filters = {key: Q(**{field_name: value}) for key, _title, value in EDUCATION_COLUMNS if value}
    known = [value for _key, _title, value in EDUCATION_COLUMNS if value]
    filters["education_unknown"] = ~Q(**{f"{field_name}__in": known}) | Q(**{f"{field_name}__isnull": True})
    return filters


def occupation_filters() -> dict[str, Q]:
    """One exclusive condition per occupation: the first rule that matches a member wins."""
    filters: dict[str, Q] = {}
    earlier: list[Q] = []
    for occupation in OCCUPATIONS:
        parts = []
        if occupation.dues_categories:
            parts.append(Q(member__dues_category__in=occupation.dues_categories))
        if occupation.keywords:
            parts.append(Q(member__dues_category=DuesCategory.EMPLOYEE, member__job__regex=occupation.job_pattern))
        matches = reduce(operator.or_, parts)
        filters[occupation.key] = reduce(operator.and_, [~condition for condition in earlier], matches)
        earlier.append(matches)
    filters[UNCLASSIFIED_OCCUPATION[0]] = reduce(operator.and_, [~condition for condition in earlier])
    return filters


HAN = Q(ethnicity__in=HAN_NAMES)
ETHNICITY_UNKNOWN = Q(ethnicity="")
MINORITY = ~HAN & ~ETHNICITY_UNKNOWN


def join_period_filters() -> dict[str, Q]:
    filters = {}
    since: date | None = None
    for period in JOIN_PERIODS:
        condition = Q()
        if since is not None:
            condition &= Q(member__joined_on__gte=since)
        if period.until is not None:
            condition &= Q(member__joined_on__lt=period.until)
        filters[period.key] = condition
        since = period.until
    return filters


def profile(end: date, approvals: dict[int, date]) -> tuple[Values, Values, Counter[str]]:
    """Tables 2 and 3 for the members counted at ``end``: one aggregate query, plus the
    minorities by name."""
    counted = (
        counted_tenures(approvals)
        .filter(covering(end))
        .annotate(age=AgeYears(Value(end, output_field=DateField()), F("member__birth_date")))
        .annotate(ethnicity=Trim("member__ethnicity"))
    )
    profile_filters: dict[str, Q] = {
        "total": Q(),
        "male": Q(member__gender=Gender.MALE),
        "female": Q(member__gender=Gender.FEMALE),
        "han": HAN,
        "minority": MINORITY,
        "ethnicity_unknown": ETHNICITY_UNKNOWN,
        **age_filters(),
        **education_filters("member__education"),
        **occupation_filters(),
    }
    join_filters = {"total": Q(), **join_period_filters()}
    aggregates = {f"p__{key}": Count("id", filter=condition) for key, condition in profile_filters.items()}
    aggregates |= {f"j__{key}": Count("id", filter=condition) for key, condition in join_filters.items()}
    counts = counted.aggregate(**aggregates)
    minorities = Counter(
        {row["ethnicity"]: row["n"] for row in counted.filter(MINORITY).values("ethnicity").annotate(n=Count("id"))}
    )
    return (
        {key: counts[f"p__{key}"] for key in profile_filters},
        {key: counts[f"j__{key}"] for key in join_filters},
        minorities,
    )


# --------------------------------------------------------------------------- development (表4)


def approving_committee(path: str, committees: list[tuple[int, str, str]]) -> tuple[str, str]:
    """The nearest committee at or above an organization (its path), else the top one."""
    found = [c for c in committees if path.startswith(c[1])]
    chosen = max(found, key=lambda c: len(c[1])) if found else (committees[0] if committees else None)
    return (chosen[2], chosen[1]) if chosen else ("（未设党委）", "")


def development(start: date, end: date) -> tuple[Values, list[CommitteeRow]]:
    """Admissions approved (step 17) and confirmations approved (step 24) in the period, per
    approving committee, with the newcomers' gender, age at approval and education."""
    admitted = Q(number=ADMISSION_APPROVAL_STEP)
    columns: dict[str, Q] = {
        "developed": admitted,
        "male": admitted & Q(case__gender=Gender.MALE),
        "female": admitted & Q(case__gender=Gender.FEMALE),
        **{key: admitted & condition for key, condition in age_filters().items()},
        **{key: admitted & condition for key, condition in education_filters("case__member__education").items()},
        "confirmed": Q(number=CONFIRMATION_APPROVAL_STEP),
    }
    grouped: Any = (
        CaseStep.objects.filter(
            number__in=(ADMISSION_APPROVAL_STEP, CONFIRMATION_APPROVAL_STEP), done_on__gt=start, done_on__lte=end
        )
        .annotate(age=AgeYears(F("done_on"), F("case__birth_date")))
        .values("case__organization_id")
        .annotate(**{key: Count("id", filter=condition) for key, condition in columns.items()})
        .order_by()
    )
    rows: list[dict[str, Any]] = list(grouped)
    total: Values = dict.fromkeys(columns, 0)
    if not rows:
        return total, []
    committees = list(
        Organization.objects.filter(kind=OrganizationKind.COMMITTEE).order_by("path").values_list("id", "path", "name")
    )
    paths = dict(
        Organization.objects.filter(pk__in=[r["case__organization_id"] for r in rows]).values_list("id", "path")
    )
    by_committee: dict[tuple[str, str], Values] = {}
    for row in rows:
        name, path = approving_committee(paths[row["case__organization_id"]], committees)
        values = by_committee.setdefault((path, name), dict.fromkeys(columns, 0))
        for key in columns:
            values[key] += row[key]
            total[key] += row[key]
    return total, [CommitteeRow(name, path, values) for (path, name), values in sorted(by_committee.items())]


# --------------------------------------------------------------------------- organizations (表5)


def organizations(end: date) -> Values:
    """Organizations existing at ``end``: established (or recorded) by then, not merged away."""
    committee = CommitteeMember.objects.filter(organization=OuterRef("pk")).filter(
        Q(since__isnull=True) | Q(since__lte=end)
    )
    existing = organizations_existing_on(end).annotate(has_committee=Exists(committee)).order_by()
    branch = Q(kind=OrganizationKind.BRANCH)
    counts: Values = existing.aggregate(
        committees=Count("id", filter=Q(kind=OrganizationKind.COMMITTEE)),
        general_branches=Count("id", filter=Q(kind=OrganizationKind.GENERAL_BRANCH)),
        branches=Count("id", filter=branch),
        total=Count("id", filter=~Q(kind=OrganizationKind.PARTY_GROUP)),
        branches_with_committee=Count("id", filter=branch & Q(has_committee=True)),
        branches_without_committee=Count("id", filter=branch & Q(has_committee=False)),
        party_groups=Count("id", filter=Q(kind=OrganizationKind.PARTY_GROUP)),
    )
    return counts


# --------------------------------------------------------------------------- dates the records lack


def _undated_after(end: date) -> Q:
    """Organizations without an establishment date, recorded after ``end``: whether they existed
    on ``end`` is unknown."""
    return Q(established_on__isnull=True, created_at__date__gt=end)


def outside_existing(end: date, approvals: dict[int, date], baseline: date | None) -> Named:
    """Members counted at ``end`` in an organization that was not established yet: by its date,
    or, without one, recorded after ``end`` when the records are complete by then (a baseline)."""
    not_yet = Q(organization__established_on__gt=end)
    if baseline is not None and baseline <= end:
        not_yet |= Q(organization__established_on__isnull=True, organization__created_at__date__gt=end)
    counted = counted_tenures(approvals).filter(covering(end)).filter(not_yet).order_by("member__name")
    return named(counted, Concat("member__name", Value("（"), "organization__name", Value("）")))


def estimated_tenures(start: date, end: date, approvals: dict[int, date]) -> Named:
    """Members counted at either snapshot whose branch join date was estimated."""
    counted = counted_tenures(approvals).filter(covering(start) | covering(end)).filter(started_on_estimated=True)
    members = Member.objects.filter(pk__in=counted.values("member_id")).order_by("name", "id")
    return named(members, F("name"))


# --------------------------------------------------------------------------- all of it


def tenant_figures(start: date, end: date, baseline: date | None = None) -> Figures:
    """The figures of the tenant whose schema is active, for the period ``(start, end]``, with
    its records ``baseline`` (档案基准日) if declared."""
    opening_on = baseline if baseline is not None and start < baseline <= end else None
    changes_from = opening_on or start
    approvals = admission_approvals(changes_from)
    members, leaving = member_changes(start, end, approvals, opening_on)
    members_at_end = members.pop("members_at_end")
    profile_values, join_values, minorities = profile(end, approvals)
    developed, committees = development(changes_from, end)
    evaluation = evaluation_counts(start, end)
    grades: Values = {key: (evaluation or {}).get(key, 0) for key, _title in GRADES}
    grades["total"] = sum(grades.values())
    figures = Figures(
        tables={
            "members": members,
            "profile": profile_values,
            "join_periods": join_values,
            "development": developed,
            "organizations": organizations(end),
            "evaluation": grades,
            "leaving": leaving,
        },
        minorities=minorities,
        committees=committees,
        evaluation_recorded=evaluation is not None,
        members_at_end=members_at_end,
        baseline=baseline,
        opening_on=opening_on,
        outside_existing=outside_existing(end, approvals, baseline),
        missing_established_on=named(
            Organization.objects.filter(is_active=True, established_on__isnull=True).order_by("path"), F("name")
        ),
        estimated_tenures=estimated_tenures(start, end, approvals),
    )
    _mark_unrecorded(figures, start, end)
    return figures


MEMBER_TABLES = ("members", "profile", "join_periods", "development", "leaving")


def _mark_unrecorded(figures: Figures, start: date, end: date) -> None:
    """What the records cannot tell (未录入), never shown as 0: everything before the records
    baseline; the members before the first recorded tenure; table 5 while an organization
    recorded later lacks its establishment date; table 6 until evaluations are recorded."""
    baseline = figures.baseline
    if not figures.evaluation_recorded:
        figures.mark_unrecorded("evaluation")
    if baseline is not None and end < baseline:
        for table in figures.tables:
            figures.mark_unrecorded(table)
        return
    if figures.opening_on is not None:
        figures.mark_unrecorded("members", ["start_total", "start_full", "start_probationary"])
    if baseline is None and not MemberTenure.objects.filter(started_on__lte=end).exists():
        for table in MEMBER_TABLES:
            figures.mark_unrecorded(table)
    complete_by_then = baseline is not None and baseline <= end
    existing = Organization.objects.filter(Q(is_active=True) | Q(merged_into__isnull=False))
    if not existing.exists() or (not complete_by_then and existing.filter(_undated_after(end)).exists()):
        figures.mark_unrecorded("organizations")
