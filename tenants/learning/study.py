"""Study time from client heartbeats (DOMAIN_RULES §6).

Clients send ``start`` when counting may begin (the media plays, the page is in the
foreground), ``tick`` every ~15 s while it goes on and ``stop`` when it ends. The server counts
the time between a user's heartbeats, whatever tab or device sent them: the user's
``StudyDay`` row is locked while a heartbeat counts and ``last_counted_at`` moves forward
only, so two tabs playing at once never count the same second twice. A gap longer than the
rule's maximum counts only the maximum; a session silent for three times that is forgotten, and
its next heartbeat starts it over without counting the silence. The rule's daily caps decide what is *credited*
towards points; all counted time is kept.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.core.errors import ServiceError
from tenants.learning.errors import LearningCode
from tenants.learning.library import locate_resource
from tenants.learning.models import (
    ResourceKind,
    StudyDay,
    StudyEvent,
    StudyEventKind,
    StudyMode,
    StudyRecord,
)
from tenants.learning.rules import STUDY_RULE, StudyRule

BEAT_STATES = ("start", "tick", "stop")


@dataclass(frozen=True)
class BeatResult:
    counted_seconds: int  # what this heartbeat added
    reading_seconds: int  # today, all counted
    video_seconds: int
    credited_reading_seconds: int  # today, within the caps
    credited_video_seconds: int
    completed: bool


def do_record_heartbeat(
    *,
    actor: Actor,
    resource_uuid: UUID,
    session: str,
    state: str,
    position: float | None = None,
    now: datetime | None = None,
    rule: StudyRule = STUDY_RULE,
) -> BeatResult:
    """Count the time since this session's previous heartbeat that no other session counted
    (the actor's own study time)."""
    user = actor.user
    assert user is not None, "readers are signed in (the API's permission)"
    if state not in BEAT_STATES:
        raise ServiceError(LearningCode.BAD_HEARTBEAT, _("Unknown heartbeat state."), "state")
    session = session.strip()[:64]
    if not session:
        raise ServiceError(LearningCode.BAD_HEARTBEAT, _("A heartbeat needs its session."), "session")
    now = now or timezone.now()
    located = locate_resource(resource_uuid)
    resource = located.resource
    mode = StudyMode.VIDEO if resource.kind == ResourceKind.VIDEO else StudyMode.READING
    with transaction.atomic():
        day = _locked_day(user, now)
        counted = _count(day, session, state, now, rule)
        _add_time(day, mode, counted, rule)
        day.save()
        record, completed_now = _add_to_record(user, resource, mode, counted, position, now, rule)
        if counted:
            _tally_time_event(user, mode, now, day, rule)
        if completed_now:
            _record_completion(user, resource.uuid, resource.kind, now, rule)
    return BeatResult(
        counted_seconds=counted,
        reading_seconds=day.reading_seconds,
        video_seconds=day.video_seconds,
        credited_reading_seconds=day.credited_reading_seconds,
        credited_video_seconds=day.credited_video_seconds,
        completed=record.completed_at is not None,
    )


class BeatHolder(Protocol):
    """A row whose heartbeats are counted once across sessions (tabs, devices): the study day
    here, a live lesson's attendance row in ``tenants.live``. Locked by the caller."""

    sessions: Any  # {session: iso time of its last heartbeat}
    last_counted_at: datetime | None


def count_heartbeat(holder: BeatHolder, session: str, state: str, now: datetime, max_gap_seconds: int) -> int:
    """Seconds a heartbeat adds to ``holder`` (locked by the caller): the time since this
    session's previous heartbeat that no other session counted, at most ``max_gap_seconds``.
    ``start`` counts nothing (counting begins), ``tick`` counts, ``stop`` counts and forgets the
    session; a session silent for three times the gap is forgotten. Updates the holder's
    sessions and its counted-until mark (which moves forward only)."""
    gap = max_gap_seconds
    sessions: dict[str, str] = {
        key: value
        for key, value in (holder.sessions or {}).items()
        if (now - datetime.fromisoformat(value)).total_seconds() <= 3 * gap
    }
    previous = sessions.get(session)
    counted = 0
    if state != "start" and previous is not None:
        since = datetime.fromisoformat(previous)
        if holder.last_counted_at is not None and holder.last_counted_at > since:
            since = holder.last_counted_at  # another session already counted up to here
        counted = max(0, min(int((now - since).total_seconds()), gap))
    if state == "stop":
        sessions.pop(session, None)
    else:
        sessions[session] = now.isoformat()
    if counted and (holder.last_counted_at is None or now > holder.last_counted_at):
        holder.last_counted_at = now
    holder.sessions = sessions
    return counted


def _count(day: StudyDay, session: str, state: str, now: datetime, rule: StudyRule) -> int:
    """Seconds this heartbeat adds; updates the day's sessions and its counted-until mark."""
    return count_heartbeat(day, session, state, now, rule.heartbeat_max_gap_seconds)


def _locked_day(user: Any, now: datetime) -> StudyDay:
    today = timezone.localdate(now)
    try:
        with transaction.atomic():
            StudyDay.objects.get_or_create(user=user, day=today)
    except IntegrityError:  # created by a concurrent heartbeat: fine, lock it below
        pass
    return StudyDay.objects.select_for_update().get(user=user, day=today)


def _add_time(day: StudyDay, mode: str, seconds: int, rule: StudyRule) -> None:
    if not seconds:
        return
    if mode == StudyMode.VIDEO:
        day.video_seconds += seconds
        room = max(rule.video_cap_seconds - day.credited_video_seconds, 0)
        day.credited_video_seconds += min(room, seconds)
    else:
        day.reading_seconds += seconds
        room = max(rule.reading_cap_seconds - day.credited_reading_seconds, 0)
        day.credited_reading_seconds += min(room, seconds)


def _add_to_record(
    user: Any, resource: Any, mode: str, seconds: int, position: float | None, now: datetime, rule: StudyRule
) -> tuple[StudyRecord, bool]:
    record, _created = StudyRecord.objects.get_or_create(
        user=user,
        resource_uuid=resource.uuid,
        defaults={"title": resource.title, "kind": resource.kind, "first_studied_at": now},
    )
    record.seconds += seconds
    record.last_studied_at = now
    if position is not None and position >= 0:
        record.position = position
    completed_now = False
    if record.completed_at is None and _is_complete(record, resource, mode, rule):
        record.completed_at = now
        completed_now = True
    record.save()
    return record, completed_now


def _is_complete(record: StudyRecord, resource: Any, mode: str, rule: StudyRule) -> bool:
    if mode == StudyMode.VIDEO:
        duration = resource.duration_seconds or 0
        return duration > 0 and record.seconds >= duration * rule.video_complete_share
    return record.seconds >= rule.article_complete_seconds


def _tally_time_event(user: Any, mode: str, now: datetime, day: StudyDay, rule: StudyRule) -> None:
    """One event per user, day and mode whose quantity is the day's credited seconds."""
    kind = StudyEventKind.VIDEO_TIME if mode == StudyMode.VIDEO else StudyEventKind.READING_TIME
    credited = day.credited_video_seconds if mode == StudyMode.VIDEO else day.credited_reading_seconds
    StudyEvent.objects.update_or_create(
        user=user,
        dedupe_key=f"{kind}:{day.day.isoformat()}",
        defaults={"kind": kind, "quantity": credited, "occurred_at": now, "rule_version": rule.version},
    )


def _record_completion(user: Any, resource_uuid: UUID, kind: str, now: datetime, rule: StudyRule) -> None:
    event = StudyEventKind.VIDEO_WATCHED if kind == ResourceKind.VIDEO else StudyEventKind.ARTICLE_READ
    StudyEvent.objects.get_or_create(
        user=user,
        dedupe_key=f"{event}:{resource_uuid}",
        defaults={"kind": event, "resource_uuid": resource_uuid, "occurred_at": now, "rule_version": rule.version},
    )


def study_summary(user: Any, *, now: datetime | None = None, rule: StudyRule = STUDY_RULE) -> dict[str, Any]:
    """What "my study" shows: today against the caps, this month, totals, recent resources."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = StudyDay.objects.filter(user=user)
    day = days.filter(day=today).first()
    month = days.filter(day__year=today.year, day__month=today.month)
    totals = {"reading": 0, "video": 0}
    for row in days.values("reading_seconds", "video_seconds"):
        totals["reading"] += row["reading_seconds"]
        totals["video"] += row["video_seconds"]
    month_reading = sum(month.values_list("reading_seconds", flat=True))
    month_video = sum(month.values_list("video_seconds", flat=True))
    return {
        "rule_version": rule.version,
        "today": {
            "reading_seconds": day.reading_seconds if day else 0,
            "video_seconds": day.video_seconds if day else 0,
            "credited_reading_seconds": day.credited_reading_seconds if day else 0,
            "credited_video_seconds": day.credited_video_seconds if day else 0,
            "reading_cap_seconds": rule.reading_cap_seconds,
            "video_cap_seconds": rule.video_cap_seconds,
        },
        "month": {"reading_seconds": month_reading, "video_seconds": month_video},
        "total": {"reading_seconds": totals["reading"], "video_seconds": totals["video"]},
        "completed_count": StudyRecord.objects.filter(user=user, completed_at__isnull=False).count(),
    }


# ---------------------------------------------------------------- figures for other apps (read-only)


def users_who_studied(user_ids: Collection[int], first: date, last: date) -> set[int]:
    """Those of ``user_ids`` with any study time (reading or video) from ``first`` to ``last``."""
    return set(
        StudyDay.objects.filter(user_id__in=list(user_ids), day__gte=first, day__lte=last)
        .filter(Q(reading_seconds__gt=0) | Q(video_seconds__gt=0))
        .values_list("user_id", flat=True)
        .distinct()
    )
