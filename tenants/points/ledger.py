"""The ledger (``PointEntry``) derived from the events (``PointEvent``), recomputable at any time.

For each owner (a member, or an organization for its own points), local day and kind, in event
order (``occurred_at``, ``id``):

- the rule is the one of the version in force on the event's local day (Asia/Shanghai): a new
  version switches at local midnight;
- raw points = ``points × (quantity // unit)``; for study time (``reading_time``,
  ``video_time``: quantity in seconds) whole units are counted on the DAY'S running total, so
  an event earns ``points × (total_after // unit) − points × (total_before // unit)``: two
  3-minute stretches of reading on one day make 1 point at 4 minutes a point, and the seconds
  left over at the end of the day earn nothing (the next day starts at zero);
- the daily cap: an entry gets at most what the cap leaves of the day's points of that kind,
  ``capped`` when the cap cut it (also when it cut it to 0).

Recomputing writes only the differences (entries missing, different or extra), so running it
twice leaves the same rows; ``check`` computes the same into a scratch comparison without writing
and reports the drift (the nightly beat).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from partycloud.tenancy.context import active_schema
from tenants.points.models import PointEntry, PointEvent
from tenants.points.rules import TIME_KINDS, RuleVersion, load_versions, version_on

logger = logging.getLogger(__name__)

# One owner-day: (member_id, organization_id, day).
OwnerDay = tuple[int | None, int | None, date]


@dataclass(frozen=True)
class Draft:
    event_id: int
    member_id: int | None
    organization_id: int | None
    kind: str
    day: date
    rule_version: str
    raw_points: int
    points: int
    capped: bool

    def values(self) -> tuple[Any, ...]:
        return (self.member_id, self.organization_id, self.kind, self.day, self.rule_version,
                self.raw_points, self.points, self.capped)  # fmt: skip


def _entry_values(entry: PointEntry) -> tuple[Any, ...]:
    return (entry.member_id, entry.organization_id, entry.kind, entry.day, entry.rule_version,
            entry.raw_points, entry.points, entry.capped)  # fmt: skip


def _key(event: PointEvent) -> tuple[Any, ...]:
    return (event.member_id or 0, event.organization_id or 0, event.day, event.kind)


def drafts_for(events: Iterable[PointEvent], versions: list[RuleVersion]) -> Iterator[Draft]:
    """The entries of ``events`` (any order; grouped here by owner, day and kind)."""
    ordered = sorted(events, key=lambda event: (*_key(event), event.occurred_at, event.pk))
    for (_member, _organization, day, kind), group in groupby(ordered, key=_key):
        version = version_on(versions, day)
        rule = version.rules.get(kind) if version else None
        earned = 0  # points of this kind already given this day
        seconds = 0  # the day's running total of study time
        for event in group:
            if rule is None:
                raw = 0
            elif kind in TIME_KINDS:
                raw = rule.raw_points(seconds + event.quantity) - rule.raw_points(seconds)
                seconds += event.quantity
            else:
                raw = rule.raw_points(event.quantity)
            points = raw
            if rule is not None and rule.daily_cap is not None:
                points = max(min(raw, rule.daily_cap - earned), 0)
            earned += points
            yield Draft(
                event.pk, event.member_id, event.organization_id, kind, day,
                version.version if version else "", raw, points, points < raw,
            )  # fmt: skip


def _owner_filter(keys: Iterable[OwnerDay]) -> Q:
    condition = Q(pk__in=[])
    for member_id, organization_id, day in set(keys):
        if member_id is not None:
            condition |= Q(member_id=member_id, day=day)
        else:
            condition |= Q(organization_id=organization_id, day=day)
    return condition


def _sync(events: list[PointEvent], versions: list[RuleVersion]) -> int:
    """Make the entries of ``events`` what the rules say; returns how many rows changed."""
    drafts = {draft.event_id: draft for draft in drafts_for(events, versions)}
    existing = {entry.event_id: entry for entry in PointEntry.objects.filter(event_id__in=list(drafts))}
    create, update = [], []
    for event_id, draft in drafts.items():
        entry = existing.get(event_id)
        if entry is None:
            create.append(PointEntry(event_id=event_id, **_fields(draft)))
        elif _entry_values(entry) != draft.values():
            for name, value in _fields(draft).items():
                setattr(entry, name, value)
            update.append(entry)
    if create:
        PointEntry.objects.bulk_create(create, batch_size=1000)
    if update:
        PointEntry.objects.bulk_update(update, list(_fields(next(iter(drafts.values())))), batch_size=1000)
    return len(create) + len(update)


def _fields(draft: Draft) -> dict[str, Any]:
    return {
        "member_id": draft.member_id, "organization_id": draft.organization_id, "kind": draft.kind,
        "day": draft.day, "rule_version": draft.rule_version, "raw_points": draft.raw_points,
        "points": draft.points, "capped": draft.capped,
    }  # fmt: skip


def recompute_days(keys: Iterable[OwnerDay], versions: list[RuleVersion] | None = None) -> int:
    """Recompute the entries of these owner-days (what a recorder touched)."""
    keys = list(keys)
    if not keys:
        return 0
    versions = versions if versions is not None else load_versions()
    changed = 0
    for start in range(0, len(keys), 200):
        with transaction.atomic():
            events = list(PointEvent.objects.filter(_owner_filter(keys[start : start + 200])))
            changed += _sync(events, versions)
    return changed


def recompute(
    *, member_id: int | None = None, organization_id: int | None = None, day: date | None = None,
    since: date | None = None,
) -> int:  # fmt: skip
    """Recompute a member's, an organization's, a day's or (no argument) every entry; idempotent:
    a second run changes nothing. Returns how many entries were written."""
    events = PointEvent.objects.all()
    if member_id is not None:
        events = events.filter(member_id=member_id)
    if organization_id is not None:
        events = events.filter(organization_id=organization_id)
    if day is not None:
        events = events.filter(day=day)
    if since is not None:
        events = events.filter(day__gte=since)
    versions = load_versions()
    changed = 0
    for chunk in _owner_day_chunks(events):
        with transaction.atomic():
            changed += _sync(chunk, versions)
    return changed


def _owner_day_chunks(events: Any, size: int = 2000) -> Iterator[list[PointEvent]]:
    """Events in chunks of about ``size`` that never split an owner-day (the cap's unit)."""
    chunk: list[PointEvent] = []
    last: tuple[Any, ...] | None = None
    ordered = events.order_by("member_id", "organization_id", "day", "occurred_at", "id")
    for event in ordered.iterator(chunk_size=size):
        owner_day = (event.member_id, event.organization_id, event.day)
        if len(chunk) >= size and owner_day != last:
            yield chunk
            chunk = []
        chunk.append(event)
        last = owner_day
    if chunk:
        yield chunk


def _check_key() -> str:
    return f"points:check:{active_schema()}"


def check() -> dict[str, Any]:
    """Recompute everything into a scratch comparison (nothing written to the ledger) and report
    the drift: entries missing, different or without their event's draft. The result is logged
    (a warning when something drifted) and kept for the admin page (``last_check``)."""
    versions = load_versions()
    drift = 0
    examples: list[str] = []
    seen = 0
    for chunk in _owner_day_chunks(PointEvent.objects.all()):
        drafts = {draft.event_id: draft for draft in drafts_for(chunk, versions)}
        entries = {entry.event_id: entry for entry in PointEntry.objects.filter(event_id__in=list(drafts))}
        for event_id, draft in drafts.items():
            entry = entries.get(event_id)
            if entry is None or _entry_values(entry) != draft.values():
                drift += 1
                if len(examples) < 10:
                    got = "missing" if entry is None else f"{entry.points} ({entry.rule_version})"
                    examples.append(f"event {event_id}: {got}, expected {draft.points} ({draft.rule_version})")
        seen += len(entries)
    total = PointEntry.objects.count()
    orphans = total - seen  # entries whose event's draft was not met (cannot happen with the FK)
    result = {"checked_at": timezone.now(), "entries": total, "drift": drift + max(orphans, 0), "examples": examples}
    if result["drift"]:
        logger.warning("points.check drift in %s: %s", active_schema(), result)
    else:
        logger.info("points.check %s: %s entries, no drift", active_schema(), total)
    cache.set(_check_key(), result, timeout=8 * 24 * 3600)
    return result


def last_check() -> dict[str, Any] | None:
    found: dict[str, Any] | None = cache.get(_check_key())
    return found
