"""Points' use cases (DOMAIN_RULES §6): the read models the API shows (a member's summary and
ledger, members and the branch index in a scope, the rule versions, anomalies) and the few writes
an admin makes (rankings on/off, a local rule version). Points are reference only; rankings are
computed only when the tenant turned them on. Events are written by ``tenants.points.sources``
alone, entries by ``tenants.points.ledger`` alone."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth, TruncMinute
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from partycloud.accounts.roles import TenantRole
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import NotAllowed, NotFoundError, ServiceError
from tenants.access.services import user_covers, user_scope
from tenants.members.models import COUNTED_STATUSES, Member
from tenants.organizations.models import Organization, OrganizationKind
from tenants.points import ledger, sources
from tenants.points.errors import PointsCode
from tenants.points.models import PointEntry, PointEvent, PointKind, PointRule, PointRuleSet, PointSettings
from tenants.points.rules import KIND_ORDER, TIME_KINDS, load_versions, version_on

# Who sees other members' points: the tenant admin everywhere, secretaries over their subtree.
VIEWERS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY})
# Organizations with a branch index (the branch's own points come from its held meetings).
BRANCH_KINDS = frozenset({OrganizationKind.BRANCH, OrganizationKind.GENERAL_BRANCH})
ANOMALY_REASONS = ("same_minute_cap", "too_fast")
ANOMALY_REASON_CHOICES = [(reason, reason) for reason in ANOMALY_REASONS]
# Hitting a cap at the same minute of day on this many days in the window looks scripted.
SAME_MINUTE_DAYS = 5
# More counted events than this in one minute are more than a person makes by hand.
HUMAN_EVENTS_PER_MINUTE = 6
# The member's page collects their events of these last days on demand.
ON_DEMAND_DAYS = 7

_KIND_LABELS = dict(PointKind.choices)


def label(kind: str) -> str:
    return str(_KIND_LABELS.get(kind, kind))


# ------------------------------------------------------------------------------ members and scope


def member_ref(member: Member) -> dict[str, Any]:
    return {
        "id": member.pk,
        "name": member.name,
        "organization_id": member.organization_id,
        "organization": member.organization.name,
    }


def my_member(user: User | None) -> Member:
    """The caller's member record in this tenant (active first); points are a member's."""
    found = None
    if user is not None:
        members = Member.objects.select_related("organization").filter(user=user)
        found = sorted(members, key=lambda m: (m.status not in COUNTED_STATUSES, m.pk))[:1]
    if not found:
        raise NotFoundError(PointsCode.NOT_A_MEMBER, _("You have no member record in this party committee."))
    return found[0]


def member_in_scope(user: User | None, member_id: int) -> Member:
    member = Member.objects.select_related("organization").filter(pk=member_id).first()
    if member is None or not user_covers(user, member.organization_id, VIEWERS):
        raise NotFoundError(PointsCode.NO_MEMBER, _("No such member in your scope."))
    return member


def scoped_organizations(user: User | None, raw: Any) -> list[Organization]:
    """The active organizations in scope: the subtree of ``raw`` (which the caller must cover),
    else every subtree the caller covers as a viewer."""
    raw = str(raw or "")
    active = Organization.objects.filter(is_active=True)
    if raw:
        root = active.filter(pk=int(raw)).first() if raw.isdigit() else None
        if root is None:
            raise ServiceError(
                PointsCode.BAD_ORGANIZATION, _("Choose an active organization of this party committee."), "organization"
            )
        if not user_covers(user, root.pk, VIEWERS):
            raise NotAllowed(PointsCode.OUT_OF_SCOPE, _("This organization is outside your scope."), "organization")
        return list(active.filter(path__startswith=root.path).order_by("path"))
    return list(user_scope(user, VIEWERS).apply(active, "path").order_by("path"))


def _period(year: int, month: int | None) -> tuple[date, date]:
    """[start, end) of a year or of one of its months."""
    if month is None:
        return date(year, 1, 1), date(year + 1, 1, 1)
    start = date(year, month, 1)
    return start, date(year + (month == 12), month % 12 + 1, 1)


# ------------------------------------------------------------------------------ a member's points


def summary(member: Member, year: int) -> dict[str, Any]:
    """A member's year (reference only): total, today, by month and by kind (two queries)."""
    today = timezone.localdate()
    start, end = _period(year, None)
    rows = (
        PointEntry.objects.filter(member_id=member.pk, day__gte=start, day__lt=end)
        .annotate(month=ExtractMonth("day"))
        .values("month", "kind")
        .annotate(
            sum_points=Sum("points"),
            sum_events=Count("id"),
            sum_capped=Count("id", filter=Q(capped=True)),
            sum_today=Sum("points", filter=Q(day=today)),
        )
        .order_by()
    )
    by_month: dict[int, int] = defaultdict(int)
    by_kind: dict[str, dict[str, int]] = {kind: {"points": 0, "events": 0, "capped": 0} for kind in KIND_ORDER}
    today_points = 0
    for found in rows:
        row: dict[str, Any] = dict(found)
        by_month[row["month"]] += row["sum_points"] or 0
        totals = by_kind.setdefault(row["kind"], {"points": 0, "events": 0, "capped": 0})
        for name in ("points", "events", "capped"):
            totals[name] += row[f"sum_{name}"] or 0
        today_points += row["sum_today"] or 0
    in_force = PointRuleSet.objects.filter(effective_from__lte=today).order_by("-effective_from", "-id").first()
    return {
        "reference_only": True,
        "member": member_ref(member),
        "year": year,
        "total": sum(by_month.values()),
        "today": today_points,
        "rule_version": in_force.version if in_force else "",
        "by_month": [{"month": f"{year}-{month:02d}", "points": by_month.get(month, 0)} for month in range(1, 13)],
        "by_kind": [{"kind": kind, "label": label(kind), **totals} for kind, totals in by_kind.items()],
    }


def ledger_entries(member: Member, year: int, month: int | None, kind: str | None) -> QuerySet[PointEntry]:
    start, end = _period(year, month)
    entries = PointEntry.objects.filter(member_id=member.pk, day__gte=start, day__lt=end)
    if kind:
        entries = entries.filter(kind=kind)
    return entries.select_related("event").order_by("-day", "-event__occurred_at", "-id")


def entry_rows(entries: Iterable[PointEntry]) -> list[dict[str, Any]]:
    return [
        {
            "id": entry.pk,
            "kind": entry.kind,
            "label": label(entry.kind),
            "day": entry.day,
            "occurred_at": entry.event.occurred_at,
            "quantity": entry.event.quantity,
            "source": entry.event.source_key,
            "rule_version": entry.rule_version,
            "raw_points": entry.raw_points,
            "points": entry.points,
            "capped": entry.capped,
        }
        for entry in entries
    ]


def do_collect_for_member(member: Member) -> int:
    """Collect the member's events of the last days now (the member's page), so they need not
    wait for the beat; idempotent like every collection."""
    if member.user_id is None:
        return 0
    return sources.collect_for_user(member.user_id, days=ON_DEMAND_DAYS)


# ------------------------------------------------------------------------------ members and branches


def _rankings_enabled() -> bool:
    settings_row = PointSettings.objects.first()
    return bool(settings_row and settings_row.rankings_enabled)


def _ranked(rows: list[dict[str, Any]], score: str) -> list[dict[str, Any]]:
    """Sorted by ``score`` (highest first) with competition ranks (1, 1, 3)."""
    rows.sort(key=lambda row: -row[score])
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        if row[score] != previous:
            rank, previous = position, row[score]
        row["rank"] = rank
    return rows


def member_rows(organizations: Sequence[Organization], year: int, month: int | None) -> list[dict[str, Any]]:
    """Counted members of ``organizations`` with their points in the period; ``rank`` only with
    rankings on (then sorted by points), else sorted by organization and name."""
    start, end = _period(year, month)
    members = list(
        Member.objects.filter(organization__in=list(organizations), status__in=COUNTED_STATUSES)
        .select_related("organization")
        .order_by("organization__path", "name", "pk")
    )
    sums = dict(
        PointEntry.objects.filter(member_id__in=[member.pk for member in members], day__gte=start, day__lt=end)
        .values("member_id")
        .annotate(total=Sum("points"))
        .order_by()
        .values_list("member_id", "total")
    )
    rows = [{"member": member_ref(member), "points": sums.get(member.pk) or 0, "rank": None} for member in members]
    return _ranked(rows, "points") if _rankings_enabled() else rows


def branch_index(own: int, member_sum: int, member_count: int) -> tuple[Decimal, Decimal]:
    """(mean member points, index) per DOMAIN_RULES §6: own + sum ÷ count, to the cent (half up);
    a branch without members has a mean of 0."""
    mean = Decimal(0) if member_count == 0 else Decimal(member_sum) / Decimal(member_count)
    mean = mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return mean, Decimal(own) + mean


def branch_rows(organizations: Sequence[Organization], year: int, month: int | None) -> list[dict[str, Any]]:
    """The branch index of each branch (and general branch) in ``organizations``: its own points
    (entries of the organization) + the mean points of the counted members of its subtree, by
    their current organization."""
    start, end = _period(year, month)
    branches = [organization for organization in organizations if organization.kind in BRANCH_KINDS]
    by_path = {branch.path: branch for branch in branches}
    members = list(
        Member.objects.filter(organization__in=list(organizations), status__in=COUNTED_STATUSES).values_list(
            "pk", "organization__path"
        )
    )
    sums = dict(
        PointEntry.objects.filter(member_id__in=[pk for pk, _path in members], day__gte=start, day__lt=end)
        .values("member_id")
        .annotate(total=Sum("points"))
        .order_by()
        .values_list("member_id", "total")
    )
    own = dict(
        PointEntry.objects.filter(organization_id__in=[b.pk for b in branches], day__gte=start, day__lt=end)
        .values("organization_id")
        .annotate(total=Sum("points"))
        .order_by()
        .values_list("organization_id", "total")
    )
    member_sum: dict[int, int] = defaultdict(int)
    member_count: dict[int, int] = defaultdict(int)
    for pk, path in members:
        parts = [part for part in path.strip("/").split("/") if part]
        for depth in range(1, len(parts) + 1):
            branch = by_path.get("/" + "/".join(parts[:depth]) + "/")
            if branch is not None:
                member_sum[branch.pk] += sums.get(pk) or 0
                member_count[branch.pk] += 1
    rows = []
    for branch in branches:
        mean, index = branch_index(own.get(branch.pk) or 0, member_sum[branch.pk], member_count[branch.pk])
        rows.append(
            {
                "organization": {"id": branch.pk, "name": branch.name, "kind": branch.kind},
                "own_points": own.get(branch.pk) or 0,
                "member_points": member_sum[branch.pk],
                "member_count": member_count[branch.pk],
                "mean_member_points": mean,
                "index": index,
                "rank": None,
            }
        )
    return _ranked(rows, "index") if _rankings_enabled() else rows


# ------------------------------------------------------------------------------ settings


def settings_body() -> dict[str, Any]:
    row = PointSettings.objects.first()
    return {
        "rankings_enabled": bool(row and row.rankings_enabled),
        "updated_at": row.updated_at if row else None,
        "last_check": ledger.last_check(),
    }


@transaction.atomic
def do_update_settings(actor: Actor, *, rankings_enabled: bool) -> PointSettings:
    row = PointSettings.objects.select_for_update().first() or PointSettings()
    row.rankings_enabled = rankings_enabled
    row.save()
    do_record_audit(
        event="points.settings.update",
        actor=actor,
        target=row,
        details={"rankings": "on" if rankings_enabled else "off"},
    )
    return row


# ------------------------------------------------------------------------------ rule versions


def rule_sets() -> QuerySet[PointRuleSet]:
    return PointRuleSet.objects.prefetch_related("rules").order_by("-effective_from", "-id")


def rule_set_rows(rule_sets: Iterable[PointRuleSet]) -> list[dict[str, Any]]:
    today = timezone.localdate()
    in_force = (
        PointRuleSet.objects.filter(effective_from__lte=today)
        .order_by("-effective_from", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    order = {kind: position for position, kind in enumerate(KIND_ORDER)}
    return [
        {
            "id": rule_set.pk,
            "version": rule_set.version,
            "effective_from": rule_set.effective_from,
            "source": rule_set.source,
            "is_local": rule_set.is_local,
            "in_force": rule_set.pk == in_force,
            "rules": [
                {
                    "kind": rule.kind,
                    "label": label(rule.kind),
                    "points": rule.points,
                    "unit": rule.unit,
                    "daily_cap": rule.daily_cap,
                }
                for rule in sorted(rule_set.rules.all(), key=lambda rule: order.get(rule.kind, 99))
            ],
        }
        for rule_set in rule_sets
    ]


def check_rule_set(version: str, effective_from: date, rules: list[dict[str, Any]]) -> None:
    """A local version: a new name, effective today or later (local day), each kind once with
    points 0–100, a unit of 60–3600 s for study time and 1–24 otherwise, a cap of 1–1000 or none."""
    if PointRuleSet.objects.filter(version=version.strip()).exists():
        raise ServiceError(PointsCode.RULE_VERSION_TAKEN, _("A rule version with this name already exists."), "version")
    if effective_from < timezone.localdate():
        raise ServiceError(
            PointsCode.RULE_EFFECTIVE_FROM, _("A local rule version takes effect today or later."), "effective_from"
        )
    seen: set[str] = set()
    for position, rule in enumerate(rules):
        field = f"rules.{position}"
        if rule["kind"] in seen:
            raise ServiceError(
                PointsCode.RULE_DUPLICATE_KIND, _("Each kind of event may appear once in a version."), f"{field}.kind"
            )
        seen.add(rule["kind"])
        if not 0 <= rule["points"] <= 100:
            raise ServiceError(
                PointsCode.RULE_BAD_POINTS, _("Points per unit must be between 0 and 100."), f"{field}.points"
            )
        low, high = (60, 3600) if rule["kind"] in TIME_KINDS else (1, 24)
        if not low <= rule["unit"] <= high:
            raise ServiceError(
                PointsCode.RULE_BAD_UNIT,
                _("The unit must be 60 to 3600 seconds for study time, 1 to 24 for other kinds."),
                f"{field}.unit",
            )
        cap = rule.get("daily_cap")
        if cap is not None and not 1 <= cap <= 1000:
            raise ServiceError(
                PointsCode.RULE_BAD_CAP,
                _("A daily cap must be between 1 and 1000 points, or empty for none."),
                f"{field}.daily_cap",
            )


@transaction.atomic
def do_add_rule_set(
    actor: Actor, *, version: str, effective_from: date, rules: list[dict[str, Any]], source: str = ""
) -> PointRuleSet:
    """A local version; the kinds it leaves out keep the rule of the version in force the day
    before it. Today's entries are recomputed when it takes effect today."""
    check_rule_set(version, effective_from, rules)
    previous = version_on(load_versions(), effective_from - timedelta(days=1))
    rule_set = PointRuleSet.objects.create(
        version=version.strip(), effective_from=effective_from, source=source or _("local version"), is_local=True
    )
    given = {rule["kind"]: rule for rule in rules}
    rows = [
        PointRule(
            rule_set=rule_set, kind=kind, points=rule["points"], unit=rule["unit"], daily_cap=rule.get("daily_cap")
        )
        for kind, rule in given.items()
    ]
    if previous is not None:
        rows += [
            PointRule(rule_set=rule_set, kind=kind, points=rule.points, unit=rule.unit, daily_cap=rule.daily_cap)
            for kind, rule in previous.rules.items()
            if kind not in given
        ]
    PointRule.objects.bulk_create(rows)
    do_record_audit(event="points.rule.create", actor=actor, target=rule_set, details={"version": rule_set.version})
    transaction.on_commit(lambda: ledger.recompute(since=effective_from))
    return PointRuleSet.objects.prefetch_related("rules").get(pk=rule_set.pk)


# ------------------------------------------------------------------------------ anomalies


def _members_by_id(member_ids: Iterable[int | None]) -> dict[int, Member]:
    return {
        member.pk: member
        for member in Member.objects.select_related("organization").filter(
            pk__in={pk for pk in member_ids if pk is not None}
        )
    }


def anomalies(days: int, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """Patterns that look automated in the last ``days`` local days, each row explained:

    - ``same_minute_cap``: a member reached the daily cap of one kind at the same minute of day
      (local) on ≥ 5 days;
    - ``too_fast``: more than 6 counted events of one kind within one minute (a person reads,
      watches or answers slower; study time is one event a day and is not counted)."""
    now = now or timezone.now()
    since = timezone.localdate(now) - timedelta(days=days - 1)
    rows = _same_minute_caps(since) + _too_fast(since)
    rows.sort(key=lambda row: (row["member"]["organization"], row["member"]["name"], row["reason"], row["kind"]))
    return rows


def _same_minute_caps(since: date) -> list[dict[str, Any]]:
    versions = load_versions()
    capped_kinds = {kind for version in versions for kind, rule in version.rules.items() if rule.daily_cap}
    entries = (
        PointEntry.objects.filter(member_id__isnull=False, day__gte=since, kind__in=capped_kinds, points__gt=0)
        .order_by("member_id", "kind", "day", "event__occurred_at", "event_id")
        .values_list("member_id", "kind", "day", "points", "event__occurred_at")
    )
    # (member, kind, day) -> the moment the day's points reached the cap
    reached: dict[tuple[int | None, str], dict[date, datetime]] = defaultdict(dict)
    earned: dict[tuple[int | None, str, date], int] = defaultdict(int)
    for member_id, kind, day, points, occurred_at in entries:
        version = version_on(versions, day)
        rule = version.rules.get(kind) if version else None
        if rule is None or rule.daily_cap is None:
            continue
        key = (member_id, kind, day)
        earned[key] += points
        if earned[key] >= rule.daily_cap and day not in reached[(member_id, kind)]:
            reached[(member_id, kind)][day] = occurred_at
    found = []
    for (member_id, kind), hits in reached.items():
        by_minute: dict[str, list[tuple[date, datetime]]] = defaultdict(list)
        for day, moment in hits.items():
            by_minute[timezone.localtime(moment).strftime("%H:%M")].append((day, moment))
        for minute, group in by_minute.items():
            if len(group) >= SAME_MINUTE_DAYS:
                group.sort()
                found.append((member_id, kind, minute, group))
    members = _members_by_id(member_id for member_id, *_rest in found)
    return [
        {
            "member": member_ref(members[member_id]),
            "kind": kind,
            "label": label(kind),
            "reason": "same_minute_cap",
            "explanation": _(
                "Reached the daily cap of “%(kind)s” at %(minute)s on %(count)s days (since %(since)s): "
                "a person rarely finishes at the same minute every day."
            )
            % {"kind": label(kind), "minute": minute, "count": len(group), "since": since.isoformat()},
            "days": [day for day, _moment in group],
            "minute": minute,
            "events": len(group),
            "first_at": group[0][1],
            "last_at": group[-1][1],
        }
        for member_id, kind, minute, group in found
        if member_id in members
    ]


def _too_fast(since: date) -> list[dict[str, Any]]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(since, datetime.min.time(), tzinfo=zone)
    bursts = (
        PointEvent.objects.filter(member_id__isnull=False, occurred_at__gte=start)
        .exclude(kind__in=TIME_KINDS)
        .annotate(minute=TruncMinute("occurred_at"))
        .values("member_id", "kind", "minute")
        .annotate(events=Count("id"))
        .filter(events__gt=HUMAN_EVENTS_PER_MINUTE)
        .order_by("member_id", "kind", "minute")
    )
    grouped: dict[tuple[int | None, str], list[tuple[datetime, int]]] = defaultdict(list)
    for burst in bursts:
        grouped[(burst["member_id"], burst["kind"])].append((burst["minute"], burst["events"]))
    members = _members_by_id(member_id for member_id, _kind in grouped)
    rows = []
    for (member_id, kind), minutes in grouped.items():
        if member_id not in members:
            continue
        worst = max(minutes, key=lambda item: item[1])
        rows.append(
            {
                "member": member_ref(members[member_id]),
                "kind": kind,
                "label": label(kind),
                "reason": "too_fast",
                "explanation": _(
                    "%(events)s “%(kind)s” events within one minute (at %(at)s), more than the %(limit)s a person "
                    "makes by hand; %(count)s such minutes since %(since)s."
                )
                % {
                    "events": worst[1],
                    "kind": label(kind),
                    "limit": HUMAN_EVENTS_PER_MINUTE,
                    "count": len(minutes),
                    "at": timezone.localtime(worst[0]).strftime("%Y-%m-%d %H:%M"),
                    "since": since.isoformat(),
                },
                "days": sorted({timezone.localdate(minute) for minute, _events in minutes}),
                "minute": None,
                "events": sum(events for _minute, events in minutes),
                "first_at": minutes[0][0],
                "last_at": minutes[-1][0],
            }
        )
    return rows
