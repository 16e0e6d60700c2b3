"""The compliance engine (合规检查): expected vs held organizational-life activities per
organization, kind and period, from the rule version in force (DOMAIN_RULES §2).

For each requirement period (the month, quarter or year a requirement counts in) of a year:

- the rule version is the newest whose ``effective_from`` is on or before the period's first day;
- the requirement binds an organization by its ``applies_to`` and the organization's kind; a
  committee meeting binds a branch only while it has a committee: at least the version's
  ``committee_threshold`` full members (its party groups' included, by tenure) on the day before
  the period starts, so a branch that reaches 7 mid-year owes them from the month after;
- held = meetings with status ``held`` whose ``starts_at`` falls in the period in the tenant's time
  zone (a meeting straddling midnight counts on its start day); heart-to-heart talks count pairs
  (each committee member with each member of the branch, both present at a held talk);
- the verdict is ``met`` (held ≥ minimum), ``pending`` (not enough yet, the period not closed —
  never a failure), ``missing`` (closed without enough) or ``not_applicable``; every verdict has a
  reason naming the rule version (gettext; Chinese in the zh_Hans catalogue).

Everything is read in bulk: one query per table for all the organizations (``evaluate``), so
500 organizations × 12 months take one pass (bench/bench_meetings_compliance.py).
``naive_evaluate`` is the per-organization loop the bench compares against.
"""

from __future__ import annotations

import calendar
import os
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache, cached_property
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from partycloud.tenancy.context import active_tenant
from tenants.meetings.models import (
    ActivityKind,
    ActivityRequirement,
    ActivityRule,
    AppliesTo,
    AttendanceStatus,
    Attendee,
    Meeting,
    MeetingStatus,
    Period,
)
from tenants.meetings.rules import KINDS_FOR, applies, rule_on, rules_between
from tenants.members.models import COUNTED_STATUSES, Member, Membership, MemberTenure
from tenants.organizations.models import CommitteeMember, Organization, OrganizationKind

MET, MISSING, PENDING, NOT_APPLICABLE = "met", "missing", "pending", "not_applicable"
VERDICTS = (MET, MISSING, PENDING, NOT_APPLICABLE)
VERDICT_CHOICES = [(verdict, verdict) for verdict in VERDICTS]

PERIOD_MONTHS: dict[str, int] = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}


# ------------------------------------------------------------------------------ periods


@dataclass(frozen=True)
class Span:
    """A period of one granularity: month ``2026-03``, quarter ``2026-Q2`` or year ``2026``."""

    period: str
    start: date
    end: date  # inclusive

    @property
    def key(self) -> str:
        if self.period == Period.MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        if self.period == Period.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    @cached_property
    def months(self) -> list[date]:
        return [date(self.start.year, month, 1) for month in range(self.start.month, self.end.month + 1)]

    def label(self) -> str:
        return _label(translation.get_language() or "", self.period, self.start)

    def closed(self, today: date) -> bool:
        return today > self.end


QUARTER_LABELS = (lambda: _("the first quarter"), lambda: _("the second quarter"),
                  lambda: _("the third quarter"), lambda: _("the fourth quarter"))  # fmt: skip


@cache
def _label(language: str, period: str, start: date) -> str:
    """A period's name in the active language (cached: the engine names thousands of cells)."""
    if period == Period.MONTH:
        return _("month %(month)d") % {"month": start.month}
    if period == Period.QUARTER:
        return str(QUARTER_LABELS[(start.month - 1) // 3]())
    return _("year %(year)d") % {"year": start.year}


@cache
def span_of(period: str, day: date) -> Span:
    size = PERIOD_MONTHS[period]
    first_month = (day.month - 1) // size * size + 1
    last_month = first_month + size - 1
    return Span(
        period, date(day.year, first_month, 1), date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
    )


def spans(year: int, period: str) -> list[Span]:
    size = PERIOD_MONTHS[period]
    return [span_of(period, date(year, month, 1)) for month in range(1, 13, size)]


def per_label(period: str) -> str:
    labels: dict[str, str] = {
        Period.MONTH: _("per month"),
        Period.QUARTER: _("per quarter"),
        Period.YEAR: _("per year"),
    }
    return labels[period]


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


# ------------------------------------------------------------------------------ verdicts


class Reason:
    """Why a verdict: a gettext message (marked with gettext_noop) and its arguments, put into
    words in the active language when read — the engine judges thousands of cells and most are
    never shown, so none is translated before it is needed. Compares equal to its text."""

    __slots__ = ("args", "message", "per", "span")

    def __init__(self, message: str, span: Span, per: str, args: dict[str, Any]) -> None:
        self.message, self.span, self.per, self.args = message, span, per, args

    def __str__(self) -> str:
        return _(self.message) % {**self.args, "period": self.span.label(), "per": per_label(self.per)}

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    def __repr__(self) -> str:
        return f"Reason({str(self)!r})"


@dataclass
class Cell:
    """The verdict of one (organization, kind, period)."""

    period: str  # the key: 2026-03, 2026-Q2, 2026
    expected: int
    held: int
    verdict: str
    reason: Reason | str
    rule_version: str
    start: date
    end: date


@dataclass
class Row:
    organization: Organization
    kind: ActivityKind
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Sources:
    """What the engine reads, once for all organizations of a year."""

    rules: list[ActivityRule]  # oldest first, requirements prefetched (with their kinds)
    organizations: list[Organization]
    # full members by organization id at each day asked (the day before each month starts)
    full_members: dict[tuple[int, date], int]
    held: Counter[tuple[int, int, date]]  # (organization, kind, month) → held meetings
    pairs_expected: dict[int, set[frozenset[int]]]  # branch → committee × member pairs (user ids)
    pairs_held: dict[tuple[int, int], Counter[frozenset[int]]]  # (branch, year) → pair → talks
    # Indexes computed once: (rule, kind) → requirement; month → rule in force; the kinds
    # whose requirements name each organization kind.
    requirement_of: dict[tuple[int, int], ActivityRequirement] = field(default_factory=dict)
    rule_by_month: dict[date, ActivityRule | None] = field(default_factory=dict)
    kinds_for_organization_kind: dict[str, set[int]] = field(default_factory=dict)
    # The tenant's records baseline (档案基准日): periods that ended before it were not recorded
    # here (a party committee that came onto the platform mid-year), so nothing is judged in them.
    records_from: date | None = None

    def index(self, year: int) -> None:
        for rule in self.rules:
            for requirement in rule.requirements.all():
                self.requirement_of[(rule.pk, requirement.kind_id)] = requirement
                for organization_kind in KINDS_FOR.get(requirement.applies_to, frozenset()):
                    self.kinds_for_organization_kind.setdefault(organization_kind, set()).add(requirement.kind_id)
        for month in _month_starts(year):
            self.rule_by_month[month] = rule_on(self.rules, month)

    def rule_on(self, day: date) -> ActivityRule | None:
        found = self.rule_by_month.get(day)
        return found if found is not None or day in self.rule_by_month else rule_on(self.rules, day)

    def requirement(self, rule: ActivityRule, kind_id: int) -> ActivityRequirement | None:
        return self.requirement_of.get((rule.pk, kind_id))


def rules_for_year(year: int) -> list[ActivityRule]:
    """The versions in force on some day of ``year``, oldest first, requirements loaded (rules.py)."""
    return rules_between(date(year, 1, 1), date(year, 12, 31))


def _month_starts(year: int) -> list[date]:
    return [date(year, month, 1) for month in range(1, 13)]


def branch_owners(branches: Sequence[Organization]) -> dict[int, int]:
    """Organization id → the branch it belongs to (the branch itself or its party groups), for
    ``branches``: one query over the smallest subtree holding them all."""
    if not branches:
        return {}
    prefix = os.path.commonpath([branch.path for branch in branches]).rstrip("/") + "/"
    by_path = {branch.path: branch.pk for branch in branches}
    owners: dict[int, int] = {}
    for organization_id, path in Organization.objects.filter(path__startswith=prefix).values_list("id", "path"):
        cut = len(path)
        while cut > 0:
            owner = by_path.get(path[:cut])
            if owner is not None:
                owners[organization_id] = owner
                break
            cut = path.rfind("/", 0, cut - 1) + 1
    return owners


def load_sources(organizations: Sequence[Organization], year: int) -> Sources:
    """Read everything the verdicts of ``year`` need: one query per table, whatever the number of
    organizations."""
    ids = [organization.pk for organization in organizations]
    start, end = date(year, 1, 1), date(year, 12, 31)
    rules = rules_for_year(year)
    # Full members by tenure, counted for each branch with its subtree (party groups), on the day
    # before each month starts.
    days = [month - timedelta(days=1) for month in _month_starts(year)]
    branches = [organization for organization in organizations if organization.kind == OrganizationKind.BRANCH]
    full_members: dict[tuple[int, date], int] = {}
    owners = branch_owners(branches)
    if branches:
        # A member's tenures never overlap (a move ends one on the day the next starts), so a
        # count per day is a difference array over the day indexes each tenure covers.
        steps: defaultdict[int, list[int]] = defaultdict(lambda: [0] * (len(days) + 1))
        for organization_id, started, ended in MemberTenure.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=days[0]),
            started_on__lte=days[-1],
            membership=Membership.FULL,
            organization_id__in=list(owners),
        ).values_list("organization_id", "started_on", "ended_on"):
            first = bisect_left(days, started)  # days[i] >= started
            last = len(days) if ended is None else bisect_left(days, ended)  # days[i] < ended
            if first < last:
                counts = steps[owners[organization_id]]
                counts[first] += 1
                counts[last] -= 1
        for branch in branches:
            counts = steps.get(branch.pk, [0] * (len(days) + 1))
            running = 0
            for index, day in enumerate(days):
                running += counts[index]
                full_members[(branch.pk, day)] = running
    held: Counter[tuple[int, int, date]] = Counter()
    for organization_id, kind_id, month, count in (
        Meeting.objects.filter(
            organization_id__in=ids, status=MeetingStatus.HELD, starts_on__gte=start, starts_on__lte=end
        )
        .annotate(month=TruncMonth("starts_on"))
        .values("organization_id", "kind_id", "month")
        .annotate(count=Count("id"))
        .values_list("organization_id", "kind_id", "month", "count")
    ):
        held[(organization_id, kind_id, month)] += count
    pairs_expected, pairs_held = _pairs(rules, branches, owners, start, end)
    sources = Sources(rules, list(organizations), full_members, held, pairs_expected, pairs_held)
    sources.records_from = active_tenant().records_baseline_on
    sources.index(year)
    return sources


def _pairs(
    rules: Sequence[ActivityRule], branches: Sequence[Organization], owners: dict[int, int], start: date, end: date
) -> tuple[dict[int, set[frozenset[int]]], dict[tuple[int, int], Counter[frozenset[int]]]]:
    """Heart-to-heart talks: the expected pairs (each committee member with each member of the
    branch, users), and the pairs present together at a held talk of the branch."""
    pair_kinds = {
        requirement.kind_id
        for rule in rules
        for requirement in rule.requirements.all()
        if requirement.applies_to == AppliesTo.BRANCH_PAIRS
    }
    if not pair_kinds or not branches:
        return {}, {}
    ids = [branch.pk for branch in branches]
    committee: defaultdict[int, set[int]] = defaultdict(set)
    for organization_id, user_id in CommitteeMember.objects.filter(organization_id__in=ids).values_list(
        "organization_id", "user_id"
    ):
        committee[organization_id].add(user_id)
    member_users: defaultdict[int, set[int]] = defaultdict(set)
    for organization_id, user_id in Member.objects.filter(
        organization_id__in=list(owners), status__in=COUNTED_STATUSES, user__isnull=False
    ).values_list("organization_id", "user_id"):
        member_users[owners[organization_id]].add(user_id)
    expected: dict[int, set[frozenset[int]]] = {}
    for branch_id in ids:
        people = member_users.get(branch_id, set()) | committee.get(branch_id, set())
        expected[branch_id] = {
            frozenset((leader, other))
            for leader in committee.get(branch_id, set())
            for other in people
            if other != leader
        }
    present: defaultdict[int, set[int]] = defaultdict(set)
    meeting_org: dict[int, tuple[int, int]] = {}
    for meeting_id, organization_id, starts_on, user_id in Attendee.objects.filter(
        meeting__organization_id__in=ids,
        meeting__kind_id__in=pair_kinds,
        meeting__status=MeetingStatus.HELD,
        meeting__starts_on__gte=start,
        meeting__starts_on__lte=end,
        status=AttendanceStatus.PRESENT,
        user__isnull=False,
    ).values_list("meeting_id", "meeting__organization_id", "meeting__starts_on", "user_id"):
        present[meeting_id].add(user_id)
        meeting_org[meeting_id] = (organization_id, starts_on.year)
    held: defaultdict[tuple[int, int], Counter[frozenset[int]]] = defaultdict(Counter)
    for meeting_id, people in present.items():
        branch_id, year = meeting_org[meeting_id]
        leaders = committee.get(branch_id, set())
        held[(branch_id, year)].update(
            {frozenset((leader, other)) for leader in leaders & people for other in people if other != leader}
        )
    return expected, dict(held)


def existed_from(organization: Organization) -> date:
    """Since when an organization owes activities: its 成立日期, else the day it was recorded."""
    if organization.established_on is not None:
        return organization.established_on
    return timezone.localdate(organization.created_at)


def _reason_args(kind: ActivityKind, requirement: ActivityRequirement, rule: ActivityRule) -> dict[str, Any]:
    return {
        "kind": kind.name,
        "version": rule.version,
        "minimum": requirement.minimum,
        "threshold": rule.committee_threshold,
    }


def verdict_for(sources: Sources, organization: Organization, kind: ActivityKind, span: Span, today: date) -> Cell:
    """The verdict of one requirement period (``span`` has the requirement's own granularity)."""
    rule = sources.rule_on(span.start)
    requirement = None if rule is None else sources.requirement(rule, kind.pk)
    if rule is None or requirement is None:
        reason = Reason(
            N_("No rule in force requires %(kind)s in %(period)s."), span, Period.MONTH, {"kind": kind.name}
        )
        return Cell(span.key, 0, 0, NOT_APPLICABLE, reason, rule.version if rule else "", span.start, span.end)
    args = _reason_args(kind, requirement, rule)

    def why(message: str) -> Reason:
        return Reason(message, span, requirement.period, dict(args))

    version = rule.version
    # Applicability as rules.py decides it (shared with the annual plan), with the branch's full
    # members counted on the day before the period starts: a committee from the month after the
    # 7th full member arrives.
    full_members = sources.full_members.get((organization.pk, span.start - timedelta(days=1)), 0)
    by_kind = organization.kind in KINDS_FOR.get(requirement.applies_to, frozenset())
    if not by_kind or existed_from(organization) > span.end:
        reason = why(N_("Rule %(version)s does not require %(kind)s of this organization."))
        return Cell(span.key, 0, 0, NOT_APPLICABLE, reason, version, span.start, span.end)
    if sources.records_from is not None and span.end < sources.records_from:
        reason = Reason(
            N_("%(period)s is before the records baseline (%(baseline)s): not recorded here, not judged."),
            span,
            requirement.period,
            {**args, "baseline": sources.records_from.isoformat()},
        )
        return Cell(span.key, 0, 0, NOT_APPLICABLE, reason, version, span.start, span.end)
    if not applies(requirement, organization, rule, full_members):
        reason = why(
            N_(
                "%(period)s: fewer than %(threshold)d full members, no committee, so no %(kind)s is due (rule %(version)s)."
            )
        )
        return Cell(span.key, 0, 0, NOT_APPLICABLE, reason, version, span.start, span.end)
    closed = span.closed(today)
    if requirement.applies_to == AppliesTo.BRANCH_PAIRS:
        pairs = sources.pairs_expected.get(organization.pk, set())
        if not pairs:
            reason = why(
                N_("%(period)s: no committee members recorded, no %(kind)s pairs to count (rule %(version)s).")
            )
            return Cell(span.key, 0, 0, NOT_APPLICABLE, reason, version, span.start, span.end)
        talks = sources.pairs_held.get((organization.pk, span.start.year), Counter())
        expected = len(pairs)
        held = sum(1 for pair in pairs if talks.get(pair, 0) >= requirement.minimum)
        args |= {"expected": expected, "held": held, "missing": expected - held}
        if held >= expected:
            reason = why(
                N_(
                    "%(period)s: %(kind)s held with all %(expected)d pairs (rule %(version)s: each committee member with each member at least %(minimum)d %(per)s)."
                )
            )
            return Cell(span.key, expected, held, MET, reason, version, span.start, span.end)
        if not closed:
            reason = why(
                N_(
                    "%(period)s is not over: %(kind)s held with %(held)d of %(expected)d pairs (rule %(version)s: each committee member with each member at least %(minimum)d %(per)s)."
                )
            )
            return Cell(span.key, expected, held, PENDING, reason, version, span.start, span.end)
        reason = why(
            N_(
                "%(period)s: %(kind)s missing for %(missing)d pairs (rule %(version)s: each committee member with each member at least %(minimum)d %(per)s)."
            )
        )
        return Cell(span.key, expected, held, MISSING, reason, version, span.start, span.end)
    held = sum(sources.held.get((organization.pk, kind.pk, month), 0) for month in span.months)
    expected = requirement.minimum
    args["held"] = held
    if held >= expected:
        reason = why(N_("%(period)s: %(kind)s held %(held)d times (rule %(version)s: at least %(minimum)d %(per)s)."))
        return Cell(span.key, expected, held, MET, reason, version, span.start, span.end)
    if not closed:
        reason = why(
            N_(
                "%(period)s is not over: %(kind)s held %(held)d times so far (rule %(version)s: at least %(minimum)d %(per)s)."
            )
        )
        return Cell(span.key, expected, held, PENDING, reason, version, span.start, span.end)
    if held == 0:
        reason = why(N_("%(period)s: no %(kind)s was held (rule %(version)s: at least %(minimum)d %(per)s)."))
    else:
        reason = why(
            N_("%(period)s: %(kind)s held only %(held)d times (rule %(version)s: at least %(minimum)d %(per)s).")
        )
    return Cell(span.key, expected, held, MISSING, reason, version, span.start, span.end)


def _combine(display: Span, cells: list[Cell]) -> Cell:
    """Finer requirement periods inside one display period (monthly kinds in a quarter or year)."""
    counted = [cell for cell in cells if cell.verdict != NOT_APPLICABLE]
    versions = sorted({cell.rule_version for cell in cells if cell.rule_version})
    if not counted:
        return Cell(
            display.key, 0, 0, NOT_APPLICABLE, cells[-1].reason, ", ".join(versions), display.start, display.end
        )
    verdicts = {cell.verdict for cell in counted}
    verdict = MISSING if MISSING in verdicts else PENDING if PENDING in verdicts else MET
    reasons = [str(cell.reason) for cell in counted if cell.verdict == verdict]
    return Cell(
        display.key,
        sum(cell.expected for cell in counted),
        sum(cell.held for cell in counted),
        verdict,
        "；".join(reasons),
        ", ".join(versions),
        display.start,
        display.end,
    )


def kinds_in(rules: Sequence[ActivityRule]) -> list[ActivityKind]:
    found: dict[int, ActivityKind] = {}
    for rule in rules:
        for requirement in rule.requirements.all():
            found.setdefault(requirement.kind_id, requirement.kind)
    return sorted(found.values(), key=lambda kind: (kind.ordering, kind.pk))


def _requirement_period(sources: Sources, kind: ActivityKind, day: date) -> str | None:
    rule = sources.rule_on(day)
    requirement = None if rule is None else sources.requirement(rule, kind.pk)
    return None if requirement is None else requirement.period


def _applicable_kind(sources: Sources, organization: Organization, kind: ActivityKind) -> bool:
    return kind.pk in sources.kinds_for_organization_kind.get(organization.kind, set())


def table(
    organizations: Sequence[Organization],
    year: int,
    period: str = Period.QUARTER,
    *,
    today: date | None = None,
    sources: Sources | None = None,
) -> tuple[list[ActivityRule], list[Span], list[Row]]:
    """The compliance table: a row per (organization, kind whose requirement names the
    organization's kind), a cell per display period. A requirement period coarser than the display
    period (a quarterly meeting in the month view) gives each of its display periods its verdict;
    finer ones (monthly meetings in the quarter view) combine: missing if any closed month misses,
    else pending if any is open, else met."""
    today = today or timezone.localdate()
    sources = sources or load_sources(organizations, year)
    display = spans(year, period)
    kinds = kinds_in(sources.rules)
    rows: list[Row] = []
    for organization in organizations:
        for kind in kinds:
            if not _applicable_kind(sources, organization, kind):
                continue
            row = Row(organization, kind)
            cache: dict[Span, Cell] = {}
            for span in display:
                parts: list[Cell] = []
                month = span.start
                while month <= span.end:
                    own = _requirement_period(sources, kind, month) or Period.MONTH
                    requirement_span = span_of(own, month)
                    if requirement_span not in cache:
                        cache[requirement_span] = verdict_for(sources, organization, kind, requirement_span, today)
                    if not parts or parts[-1] is not cache[requirement_span]:
                        parts.append(cache[requirement_span])
                    month = _next_month(max(month, min(requirement_span.end, span.end)))
                cell = _combine(span, parts) if len(parts) > 1 else _relabel(span, parts[0])
                row.cells.append(cell)
            rows.append(row)
    return sources.rules, display, rows


def _relabel(display: Span, cell: Cell) -> Cell:
    return Cell(
        display.key, cell.expected, cell.held, cell.verdict, cell.reason, cell.rule_version, display.start, display.end
    )


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def evaluate(
    organizations: Sequence[Organization], year: int, *, today: date | None = None
) -> dict[tuple[int, int, str], Cell]:
    """Every requirement period's verdict of ``year`` for ``organizations`` (bulk):
    (organization, kind, period key) → cell."""
    today = today or timezone.localdate()
    sources = load_sources(organizations, year)
    return _evaluate(sources, organizations, year, today)


def _evaluate(
    sources: Sources, organizations: Iterable[Organization], year: int, today: date
) -> dict[tuple[int, int, str], Cell]:
    result: dict[tuple[int, int, str], Cell] = {}
    kinds = kinds_in(sources.rules)
    for organization in organizations:
        for kind in kinds:
            if not _applicable_kind(sources, organization, kind):
                continue
            month = date(year, 1, 1)
            while month.year == year:
                own = _requirement_period(sources, kind, month)
                if own is None:
                    month = _next_month(month)
                    continue
                span = span_of(own, month)
                result[(organization.pk, kind.pk, span.key)] = verdict_for(sources, organization, kind, span, today)
                month = _next_month(span.end)
    return result


def naive_evaluate(
    organizations: Sequence[Organization], year: int, *, today: date | None = None
) -> dict[tuple[int, int, str], Cell]:
    """The same verdicts, one organization at a time (each reads its own rows): the bench's baseline."""
    today = today or timezone.localdate()
    result: dict[tuple[int, int, str], Cell] = {}
    for organization in organizations:
        sources = load_sources([organization], year)
        result |= _evaluate(sources, [organization], year, today)
    return result
