"""Attendance of live lessons from heartbeats (DOMAIN_RULES §6, §10).

A viewer's page sends ``POST watch/{scope}/{id}/heartbeat`` every 15 s: ``state`` playing, paused
or hidden, ``mode`` live or replay, ``session`` one id per tab. Time is counted with the study
mechanism (``tenants.learning.study.count_heartbeat``): the person's attendance row is locked
while a heartbeat counts, so two tabs or devices never count the same second twice, and a gap
longer than the study rule's ``heartbeat_max_gap_seconds`` counts only that much. Only
``playing`` counts: ``paused`` / ``hidden`` count the time up to themselves (it played until
then) and end the session, so the time spent paused or hidden is never counted (the next
``playing`` starts counting over). A live-mode heartbeat while the lesson is not live is
refused (409 ``live.not_live``: the page switches to the replay); replay mode counts only once
the lesson has ended, and only as make-up study (补学), never as live attendance.

Rows are kept in the VIEWER's tenant schema, also for group lessons: each tenant keeps its own
members' watch time and reports it with its own (local) rule version.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.core.errors import Conflict, ServiceError
from partycloud.tenancy.context import active_schema, active_tenant
from tenants.access.services import Scope
from tenants.learning.rules import STUDY_RULE
from tenants.learning.study import count_heartbeat
from tenants.live.audience import (
    PUBLIC,
    WATCHING_STATUSES,
    LessonRef,
    LessonScope,
    Viewer,
    in_lesson_schema,
)
from tenants.live.errors import LiveCode
from tenants.live.models import Attendance, Lesson, LessonStatus
from tenants.live.rules import Verdict, actual_seconds, rule_for
from tenants.members.models import Member
from tenants.organizations.models import Organization

STATES = ("playing", "paused", "hidden")
MODES = ("live", "replay")
# A heartbeat state in the study mechanism's terms: playing goes on counting, paused and hidden
# count up to themselves and end the session.
_AS_STUDY_STATE = {"playing": "tick", "paused": "stop", "hidden": "stop"}


@dataclass(frozen=True)
class LiveBeat:
    counted_seconds: int  # what this heartbeat added
    watched_seconds: int  # the person's total in this mode (live: attendance; replay: 补学)
    mode: str


def _bad(message: str, field: str) -> ServiceError:
    return ServiceError(LiveCode.BAD_HEARTBEAT, message, field)


def _locked_row(ref: LessonRef, viewer: Viewer, now: datetime) -> Attendance:
    keys = {"lesson_scope": ref.scope.value, "lesson_schema": ref.schema, "lesson_id": ref.lesson_id}
    mine = Attendance.objects.select_for_update().filter(**keys, user_id=viewer.user_id)
    row = mine.first()
    if row is not None:
        return row
    member = Member.objects.filter(user_id=viewer.user_id, status__in=WATCHING_STATUSES).first()
    try:
        with transaction.atomic():
            Attendance.objects.create(
                **keys, user_id=viewer.user_id, first_beat_at=now, last_beat_at=now,
                member_id=member.pk if member is not None else None,
                organization_id=member.organization_id if member is not None else None,
            )  # fmt: skip
    except IntegrityError:  # created by a concurrent heartbeat: fine, lock it below
        pass
    return mine.get()


def do_record_live_heartbeat(
    *,
    viewer: Viewer,
    ref: LessonRef,
    lesson: Lesson,
    session: str,
    state: str,
    mode: str,
    now: datetime | None = None,
) -> LiveBeat:
    """Count the time since this session's previous heartbeat that no other session counted,
    in the viewer's tenant schema (the active one). ``lesson`` is ``find_viewable(ref, viewer)``."""
    if state not in STATES:
        raise _bad(_("Unknown heartbeat state."), "state")
    if mode not in MODES:
        raise _bad(_("Unknown heartbeat mode."), "mode")
    session = session.strip()[:64]
    if not session:
        raise _bad(_("A heartbeat needs its session."), "session")
    now = now or timezone.now()
    if mode == "live" and lesson.status != LessonStatus.LIVE:
        if not _closes_the_live(lesson, now):
            raise Conflict(LiveCode.NOT_LIVE, _("The lesson is not live now."))
        # The player's closing beat, sent as the lesson ends: its last stretch counts up to the end.
        now = cast(datetime, lesson.ended_at)
    keys = {"lesson_scope": ref.scope.value, "lesson_schema": ref.schema, "lesson_id": ref.lesson_id}
    if mode == "replay" and lesson.status != LessonStatus.ENDED:
        # Nothing to make up yet: a replay exists only once the lesson has ended.
        row = Attendance.objects.filter(**keys, user_id=viewer.user_id).first()
        return LiveBeat(0, row.replay_seconds if row else 0, mode)
    with transaction.atomic():
        row = _locked_row(ref, viewer, now)
        counted = count_heartbeat(row, session, _AS_STUDY_STATE[state], now, STUDY_RULE.heartbeat_max_gap_seconds)
        if mode == "live":
            row.live_seconds += counted
        else:
            row.replay_seconds += counted
        row.last_beat_at = max(row.last_beat_at, now)
        row.save()
    return LiveBeat(counted, row.live_seconds if mode == "live" else row.replay_seconds, mode)


def _closes_the_live(lesson: Lesson, now: datetime) -> bool:
    """A live beat arriving just after the lesson ended (within the heartbeat gap the rule allows):
    the viewer's last seconds of the live, not a refused beat."""
    if lesson.status != LessonStatus.ENDED or lesson.ended_at is None:
        return False
    return now <= lesson.ended_at + timedelta(seconds=STUDY_RULE.heartbeat_max_gap_seconds)


# ------------------------------------------------------------------------------ the report


def rate(present: int, expected: int) -> float | None:
    """``present`` as a percentage of ``expected`` (one decimal); None without an expected audience."""
    if not expected:
        return None
    return float((Decimal(present) * 100 / expected).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _expected_members(
    ref: LessonRef, lesson: Lesson, *, within: Organization | None, scope: Scope | None
) -> list[Member]:
    """The lesson's audience in the active tenant: its active members (the lesson's subtree for a
    tenant lesson, everyone for a group lesson), narrowed to ``within`` and to ``scope``."""
    members = Member.objects.filter(status__in=WATCHING_STATUSES).select_related("organization")
    if ref.scope is LessonScope.TENANT and lesson.organization is not None:
        members = members.filter(organization__path__startswith=lesson.organization.path)
    if within is not None:
        members = members.filter(organization__path__startswith=within.path)
    if scope is not None:
        members = scope.apply(members)
    return list(members.order_by("organization__path", "name", "pk"))


def _rows(ref: LessonRef) -> list[Attendance]:
    return list(
        Attendance.objects.filter(lesson_scope=ref.scope.value, lesson_schema=ref.schema, lesson_id=ref.lesson_id)
    )


@dataclass
class Tally:
    expected: int = 0
    present: int = 0
    partly: int = 0
    absent: int = 0
    replay: int = 0

    def add(self, verdict: Verdict, replayed: bool) -> None:
        self.expected += 1
        setattr(self, verdict.value, getattr(self, verdict.value) + 1)
        self.replay += int(replayed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "expected": self.expected, "present": self.present, "partly": self.partly, "absent": self.absent,
            "replay": self.replay, "rate": rate(self.present, self.expected),
        }  # fmt: skip


def lesson_attendance(
    ref: LessonRef,
    lesson: Lesson,
    *,
    within: Organization | None = None,
    scope: Scope | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The attendance of ``lesson`` in the active tenant (the contract's report): verdicts of the
    expected audience with the tenant's rule version, per organization (the member's branch when
    they first watched, else their current one) and per member. Members who never watched are
    absent; replay (补学) is counted separately and never makes anyone present."""
    rule = rule_for(lesson)
    actual = actual_seconds(lesson, now)
    members = _expected_members(ref, lesson, within=within, scope=scope)
    rows = _rows(ref)
    by_member = {row.member_id: row for row in rows if row.member_id is not None}
    by_user = {row.user_id: row for row in rows}
    totals = Tally()
    per_organization: dict[int, Tally] = defaultdict(Tally)
    lines: list[dict[str, Any]] = []
    organization_names = {member.organization_id: member.organization.name for member in members}
    for member in members:
        row = by_member.get(member.pk) or (by_user.get(member.user_id) if member.user_id else None)
        live = row.live_seconds if row else 0
        replay = row.replay_seconds if row else 0
        verdict = rule.verdict(live, actual)
        organization_id = row.organization_id if row and row.organization_id else member.organization_id
        totals.add(verdict, replay > 0)
        per_organization[organization_id].add(verdict, replay > 0)
        lines.append(
            {
                "member_id": member.pk, "name": member.name, "organization_id": organization_id,
                "watched_seconds": live, "replay_seconds": replay, "verdict": verdict.value,
            }
        )  # fmt: skip
    missing = set(per_organization) - set(organization_names)
    if missing:
        organization_names.update(Organization.objects.filter(pk__in=missing).values_list("pk", "name"))
    for line in lines:
        line["organization"] = organization_names.get(line["organization_id"], "")
    organizations = [
        {"id": organization_id, "name": organization_names.get(organization_id, "")} | tally.as_dict()
        for organization_id, tally in sorted(per_organization.items(), key=lambda item: item[0])
    ]
    return {
        "lesson": _lesson_summary(ref, lesson),
        "rule": {"version": rule.version, "share": rule.share, "share_label": rule.share_label},
        "actual_seconds": actual,
        "totals": totals.as_dict(),
        "organizations": organizations,
        "members": lines,
    }


def _lesson_summary(ref: LessonRef, lesson: Lesson) -> dict[str, Any]:
    return {
        "scope": ref.scope.value, "id": lesson.pk, "title": lesson.title, "status": lesson.status,
        "went_live_at": lesson.went_live_at, "ended_at": lesson.ended_at,
        "counts_as_party_lesson": lesson.counts_as_party_lesson,
    }  # fmt: skip


def tenant_totals(ref: LessonRef, lesson: Lesson, *, now: datetime | None = None) -> dict[str, Any]:
    """The active tenant's totals for a lesson with its rule version (the group root's per-tenant row)."""
    report = lesson_attendance(ref, lesson, now=now)
    totals: dict[str, Any] = report["totals"]
    return totals | {"rule_version": report["rule"]["version"]}


# ------------------------------------------------------------------ organizational life (issue 15)


def party_lesson_attendance(organization_id: int, quarter_start: date, quarter_end: date) -> list[dict[str, Any]]:
    """The lessons that count as the organization's 党课 (party lecture) of the quarter, with the
    attendance of the organization's members (its subtree) at each: lessons marked
    ``counts_as_party_lesson`` that went live between ``quarter_start`` and ``quarter_end``
    (inclusive) and have ended, whose audience covers the organization: the tenant's own for the
    whole tenant, the organization or an organization above it, and the group's that include
    this tenant. Run in the tenant's schema. Each item: ``{scope, id, title, went_live_at,
    ended_at, rule_version, actual_seconds, expected, present, partly, absent, replay, rate}``."""
    organization = Organization.objects.get(pk=organization_id)
    ancestors = [part for part in organization.path.strip("/").split("/") if part]
    above = ["/" + "/".join(ancestors[: i + 1]) + "/" for i in range(len(ancestors))]
    counted = Q(counts_as_party_lesson=True, status=LessonStatus.ENDED)
    counted &= Q(went_live_at__date__gte=quarter_start, went_live_at__date__lte=quarter_end)
    found: list[tuple[LessonRef, Lesson]] = [
        (LessonRef(LessonScope.TENANT, lesson.pk, active_schema()), lesson)
        for lesson in Lesson.objects.select_related("organization").filter(
            counted & (Q(organization__isnull=True) | Q(organization__path__in=above))
        )
    ]
    tenant_id = active_tenant().pk
    group_ref = LessonRef(LessonScope.GROUP, 0, PUBLIC)
    with in_lesson_schema(group_ref):
        group_lessons = list(
            Lesson.objects.filter(counted).filter(Q(audience_tenants=[]) | Q(audience_tenants__contains=[tenant_id]))
        )
    found += [(LessonRef(LessonScope.GROUP, lesson.pk, PUBLIC), lesson) for lesson in group_lessons]
    found.sort(key=lambda pair: (pair[1].went_live_at or pair[1].starts_at, pair[0].scope, pair[1].pk))
    result = []
    for ref, lesson in found:
        report = lesson_attendance(ref, lesson, within=organization)
        result.append(
            {
                "scope": ref.scope.value, "id": lesson.pk, "title": lesson.title,
                "went_live_at": lesson.went_live_at, "ended_at": lesson.ended_at,
                "rule_version": report["rule"]["version"], "actual_seconds": report["actual_seconds"],
            }
            | report["totals"]
        )  # fmt: skip
    return result
