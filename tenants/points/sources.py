"""The server-side recorders: the ONLY writers of ``PointEvent`` (no endpoint accepts points or
events from a client). Each recorder reads its source app through read-only queries and returns
what happened, each with a natural key (``kind`` + ``source_key``): recording twice changes
nothing, and a source row that grows (a day's study time) updates its event.

Collecting is incremental: each recorder has a ``RecorderMark`` (the time its last run started);
a run reads what changed since the mark minus a safety overlap, stores events, and recomputes the
ledger of the owner-days it touched. The nightly run reads everything (``full=True``) to catch late
corrections and retracts the events of a recorder's kinds it no longer reports (an attendance
corrected to absent). A member's page collects that member's last days on demand.

Later apps add their recorder with ``register_recorder`` (volunteer hours, the exchange's
contributions: issues 17/18) from their AppConfig.ready; this module never imports them.

Sources now:
- learning: article read, video watched, quiz completed (one event each, ``study:<id>``); study
  time per local day (``study-day:<kind>:<user>:<day>``, quantity = the day's COUNTED seconds, read
  from the learning platform's day record BEFORE its credit cap: the daily cap is applied once, by
  the ledger under the versioned rule, so a local version with another cap works and nothing is
  capped twice). Log-ins: not recorded (the platform keeps no per-tenant log-in record usable as an
  event: sign-in is on the account, once per session; the audit log is not a feed), so ``login``
  stays unused.
- meetings: present at a held meeting (``meeting:<meeting>:<user>``), a completed make-up
  (``makeup:<meeting>:<user>``), a held meeting of a branch or general branch, the branch's own
  points (``branch-meeting:<meeting>``).
- live: present LIVE at an ended lesson (``live:<scope>:<schema>:<lesson>:<user>``); replays never.

Events go to the member of the user in this tenant; users without a member record here earn nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from tenants.learning import engagement as learning
from tenants.live import engagement as live
from tenants.meetings import engagement as meetings
from tenants.members.models import COUNTED_STATUSES, Member
from tenants.organizations.models import OrganizationKind
from tenants.points.ledger import OwnerDay, recompute_days
from tenants.points.models import PointEvent, PointKind, RecorderMark

logger = logging.getLogger(__name__)

# A run reads from its mark minus this (a transaction that committed late is still seen).
OVERLAP = timedelta(minutes=10)


@dataclass(frozen=True)
class Recorded:
    """What a recorder saw. Set ``member_id`` or ``organization_id``, or ``user_id`` (resolved to
    the user's member record here); ``day`` defaults to the local day of ``occurred_at``."""

    kind: str
    source_key: str
    occurred_at: datetime
    quantity: int = 1
    member_id: int | None = None
    organization_id: int | None = None
    user_id: int | None = None
    day: date | None = None


# since (None: everything), user ids (None: everyone) -> what happened
Recorder = Callable[[datetime | None, Collection[int] | None], Iterable[Recorded]]
_RECORDERS: dict[str, tuple[Recorder, frozenset[str]]] = {}


def register_recorder(name: str, recorder: Recorder, kinds: Collection[str]) -> None:
    """Add a source of events (a later app's, from its AppConfig.ready) and the kinds it alone
    records (the nightly full run retracts its events of those kinds it no longer reports)."""
    if name in _RECORDERS and _RECORDERS[name][0] is not recorder:
        raise ValueError(f"points recorder {name!r} is registered twice")
    taken = {kind for other, (_r, owned) in _RECORDERS.items() if other != name for kind in owned}
    if taken & set(kinds):
        raise ValueError(
            f"points recorder {name!r} claims kinds another recorder records: {sorted(taken & set(kinds))}"
        )
    _RECORDERS[name] = (recorder, frozenset(kinds))


def recorders() -> dict[str, Recorder]:
    return {name: recorder for name, (recorder, _kinds) in _RECORDERS.items()}


# ------------------------------------------------------------------------------ built-in recorders


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=timezone.get_current_timezone())


def record_study(since: datetime | None, user_ids: Collection[int] | None) -> Iterable[Recorded]:
    for event_id, user_id, kind, occurred_at in learning.study_events(since, user_ids):
        yield Recorded(kind, f"study:{event_id}", occurred_at, user_id=user_id)
    for user_id, day, reading, video, counted_at in learning.study_days(since, user_ids):
        # The day's last counted moment, kept inside the day (the cap's day is the study day).
        occurred_at = counted_at if counted_at and timezone.localdate(counted_at) == day else _end_of_day(day)
        for kind, seconds in ((PointKind.READING_TIME, reading), (PointKind.VIDEO_TIME, video)):
            if seconds > 0:
                key = f"study-day:{kind}:{user_id}:{day.isoformat()}"
                yield Recorded(kind, key, occurred_at, quantity=seconds, user_id=user_id, day=day)


def record_meetings(since: datetime | None, user_ids: Collection[int] | None) -> Iterable[Recorded]:
    for meeting_id, user_id, member_id, starts_at in meetings.present_attendees(since, user_ids):
        who = f"u{user_id}" if user_id is not None else f"m{member_id}"
        yield Recorded(
            PointKind.MEETING_ATTENDED, f"meeting:{meeting_id}:{who}", starts_at, member_id=member_id, user_id=user_id
        )
    for meeting_id, user_id, completed_at in meetings.completed_makeups(since, user_ids):
        yield Recorded(PointKind.MEETING_MADE_UP, f"makeup:{meeting_id}:{user_id}", completed_at, user_id=user_id)
    if user_ids is None:  # the branch's own points are nobody's page
        kinds = (OrganizationKind.BRANCH, OrganizationKind.GENERAL_BRANCH)
        for meeting_id, organization_id, starts_at in meetings.held_meetings_of(since, kinds):
            yield Recorded(
                PointKind.BRANCH_ACTIVITY, f"branch-meeting:{meeting_id}", starts_at, organization_id=organization_id
            )


def record_live(since: datetime | None, user_ids: Collection[int] | None) -> Iterable[Recorded]:
    for scope, schema, lesson_id, user_id, member_id, went_live_at in live.live_presences(since, user_ids):
        key = f"live:{scope}:{schema}:{lesson_id}:{user_id}"
        yield Recorded(PointKind.LIVE_ATTENDED, key, went_live_at, member_id=member_id, user_id=user_id)


register_recorder(
    "learning",
    record_study,
    [
        PointKind.ARTICLE_READ,
        PointKind.VIDEO_WATCHED,
        PointKind.QUIZ_COMPLETED,
        PointKind.READING_TIME,
        PointKind.VIDEO_TIME,
    ],
)
register_recorder(
    "meetings", record_meetings, [PointKind.MEETING_ATTENDED, PointKind.MEETING_MADE_UP, PointKind.BRANCH_ACTIVITY]
)
register_recorder("live", record_live, [PointKind.LIVE_ATTENDED])


# ------------------------------------------------------------------------------ storing


def _members_of_users(user_ids: Collection[int]) -> dict[int, int]:
    """user id -> their member record here (counted statuses first, then the oldest)."""
    found: dict[int, tuple[bool, int]] = {}
    rows = Member.objects.filter(user_id__in=list(user_ids)).values_list("user_id", "pk", "status")
    for user_id, pk, status in rows:
        rank = (status not in COUNTED_STATUSES, pk)
        if user_id is not None and (user_id not in found or rank < found[user_id]):
            found[user_id] = rank
    return {user_id: rank[1] for user_id, rank in found.items()}


def store(records: Iterable[Recorded]) -> set[OwnerDay]:
    """Write ``records`` as events (new ones created, changed ones updated, the rest untouched)
    and return the owner-days whose ledger must be recomputed."""
    records = list(records)
    members = _members_of_users({r.user_id for r in records if r.member_id is None and r.user_id is not None})
    wanted: dict[tuple[str, str], PointEvent] = {}
    for record in records:
        member_id = record.member_id
        if member_id is None and record.organization_id is None:
            member_id = members.get(record.user_id) if record.user_id is not None else None
            if member_id is None:
                continue  # no member record here: nothing earned
        wanted[(record.kind, record.source_key)] = PointEvent(
            kind=record.kind, source_key=record.source_key,
            member_id=member_id, organization_id=None if member_id is not None else record.organization_id,
            occurred_at=record.occurred_at, day=record.day or timezone.localdate(record.occurred_at),
            quantity=max(record.quantity, 0),
        )  # fmt: skip
    touched: set[OwnerDay] = set()
    keys = list(wanted)
    for start in range(0, len(keys), 1000):
        batch = keys[start : start + 1000]
        with transaction.atomic():
            existing = {
                (event.kind, event.source_key): event
                for event in PointEvent.objects.select_for_update().filter(source_key__in=[key for _kind, key in batch])
            }
            create, update = [], []
            for key in batch:
                new, old = wanted[key], existing.get(key)
                if old is None:
                    create.append(new)
                elif (old.member_id, old.organization_id, old.occurred_at, old.day, old.quantity) != (
                    new.member_id, new.organization_id, new.occurred_at, new.day, new.quantity,
                ):  # fmt: skip
                    touched.add((old.member_id, old.organization_id, old.day))
                    for name in ("member_id", "organization_id", "occurred_at", "day", "quantity"):
                        setattr(old, name, getattr(new, name))
                    update.append(old)
                else:
                    continue
                touched.add((new.member_id, new.organization_id, new.day))
            PointEvent.objects.bulk_create(create, ignore_conflicts=True)
            PointEvent.objects.bulk_update(update, ["member_id", "organization_id", "occurred_at", "day", "quantity"])
    return touched


# ------------------------------------------------------------------------------ collecting


def retract(kinds: Collection[str], reported: set[tuple[str, str]]) -> set[OwnerDay]:
    """Delete the events of ``kinds`` a recorder's full run no longer reports (an attendance
    corrected to absent, a study record deleted); their entries go with them."""
    stale = [
        (pk, member_id, organization_id, day)
        for pk, kind, key, member_id, organization_id, day in PointEvent.objects.filter(kind__in=list(kinds))
        .values_list("pk", "kind", "source_key", "member_id", "organization_id", "day")
        .iterator(chunk_size=5000)
        if (kind, key) not in reported
    ]
    for start in range(0, len(stale), 1000):
        PointEvent.objects.filter(pk__in=[row[0] for row in stale[start : start + 1000]]).delete()
    return {(member_id, organization_id, day) for _pk, member_id, organization_id, day in stale}


def collect(*, full: bool = False) -> dict[str, int]:
    """Run every recorder from its mark (``full``: from the beginning, and retract what it no
    longer reports), store the events and recompute the touched owner-days; returns the
    owner-days touched per recorder."""
    counts = {}
    for name, (recorder, kinds) in list(_RECORDERS.items()):
        mark, _created = RecorderMark.objects.get_or_create(source=name)
        started = timezone.now()
        since = None
        if mark.position and not full:
            since = datetime.fromisoformat(mark.position) - OVERLAP
        records = list(recorder(since, None))
        touched = store(records)
        if since is None:
            touched |= retract(kinds, {(record.kind, record.source_key) for record in records})
        recompute_days(touched)
        mark.position = started.isoformat()
        mark.save(update_fields=["position", "updated_at"])
        counts[name] = len(touched)
    logger.info("points.collect %s", counts)
    return counts


def collect_for_user(user_id: int, *, days: int) -> int:
    """One user's events of the last ``days`` days, now (marks untouched)."""
    since = timezone.now() - timedelta(days=days)
    touched: set[OwnerDay] = set()
    for recorder in recorders().values():
        touched |= store(recorder(since, [user_id]))
    recompute_days(touched)
    return len(touched)
