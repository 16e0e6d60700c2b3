"""Use cases of organizational-life records (DOMAIN_RULES §2): activity kinds and local rule
versions, the annual plan, meetings with invitees, notices, leave, minutes, resolutions and the
general meeting's quorum, holding a meeting (absentees get make-up tasks), files, and the live
lesson that becomes a branch's party lecture. Run in the tenant's schema.

"Managers" of a meeting: a tenant admin, or a secretary / committee member whose scope covers the
meeting's organization; a discipline inspector reads everything and changes nothing. Invitees see
their own meetings through the ``mine`` functions.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User, stored_user
from partycloud.accounts.roles import TenantRole
from partycloud.audit.services import do_record_audit
from partycloud.core.confidentiality import check_unclassified
from partycloud.core.errors import Conflict, NotAllowed, NotFoundError, ServiceError
from partycloud.core.richtext import html_to_text, sanitize_html
from partycloud.uploads.purposes import Purpose, register_purpose
from partycloud.uploads.services import claim_upload, discard_object, download_url
from services.storage import DataClass
from tenants.access.services import check_covers, user_covers, user_has_role, user_scope
from tenants.live.attendance import lesson_attendance
from tenants.live.audience import LessonRef, LessonScope
from tenants.live.models import Lesson
from tenants.meetings.errors import MeetingsCode
from tenants.meetings.models import (
    ActivityKind,
    ActivityRequirement,
    ActivityRule,
    AppliesTo,
    AttendanceStatus,
    Attendee,
    MakeUpTask,
    Meeting,
    MeetingFile,
    MeetingStatus,
    Period,
    PlannedActivity,
    Resolution,
    SignInMethod,
    StatsCategory,
)
from tenants.meetings.rules import full_members_on, requirements_for, rule_in_force, rule_on, rules_between
from tenants.members.models import COUNTED_STATUSES, Member, Membership
from tenants.members.services import voting_roll
from tenants.notifications.kinds import NotificationKind
from tenants.notifications.services import do_notify, do_notify_many
from tenants.organizations.models import Organization

logger = logging.getLogger(__name__)

MANAGERS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY, TenantRole.COMMITTEE_MEMBER})
READERS = MANAGERS | {TenantRole.DISCIPLINE_INSPECTOR}
ADMINS = frozenset({TenantRole.TENANT_ADMIN})

FILE_PURPOSE = "meeting_file"
PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
FILE_TYPES = PHOTO_TYPES | {
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
FILE_MAX_SIZE = 50 * 1024 * 1024
MARKINGS = ("public", "internal")
EDITABLE = (MeetingStatus.PLANNED, MeetingStatus.NOTIFIED)
# Attendees who owe a make-up (补学) once the meeting is held.
MAKEUP_STATUSES = (AttendanceStatus.ABSENT, AttendanceStatus.LEAVE_APPROVED)


def register_file_purpose() -> None:
    register_purpose(Purpose(FILE_PURPOSE, DataClass.MEDIA, "meeting-file", frozenset(FILE_TYPES), FILE_MAX_SIZE))


# ------------------------------------------------------------------------------ access


def visible_meetings(actor: Actor) -> QuerySet[Meeting]:
    """The meetings ``actor`` may read as a manager or inspector (the whole tenant or their subtrees)."""
    return user_scope(actor.user, READERS).apply(Meeting.objects.all())


def is_manager(actor: Actor, meeting: Meeting) -> bool:
    return user_covers(actor.user, meeting.organization_id, MANAGERS)


def check_can_manage(actor: Actor, organization_id: int) -> None:
    """Refuse (403) unless ``actor`` is a tenant admin or a secretary / committee member over it."""
    check_covers(
        actor.user, organization_id, MANAGERS, MeetingsCode.OUT_OF_SCOPE, _("This organization is outside your scope.")
    )


def check_tenant_admin(actor: Actor) -> None:
    if not user_has_role(actor.user, TenantRole.TENANT_ADMIN):
        raise NotAllowed(MeetingsCode.OUT_OF_SCOPE, _("Only the tenant administrator may change the rules."))


# ------------------------------------------------------------------------------ kinds and rules


@transaction.atomic
def do_create_kind(
    *, actor: Actor, code: str, name: str, stats_category: str = StatsCategory.OTHER, three_one: bool = False
) -> ActivityKind:
    """A tenant-defined kind (中心组学习, 支部活动日); its frequency comes with a local rule version."""
    check_tenant_admin(actor)
    if ActivityKind.objects.filter(code=code).exists():
        raise Conflict(MeetingsCode.KIND_EXISTS, _("An activity kind with this code already exists."), "code")
    kind = ActivityKind.objects.create(
        code=code, name=name, stats_category=stats_category, three_one=three_one, ordering=500
    )
    do_record_audit(event="meetings.kind.create", actor=actor, target=kind)
    return kind


@transaction.atomic
def do_update_kind(kind: ActivityKind, *, actor: Actor, **changes: Any) -> ActivityKind:
    check_tenant_admin(actor)
    if kind.builtin and "code" in changes and changes["code"] != kind.code:
        raise ServiceError(
            MeetingsCode.KIND_BUILTIN, _("The code of a kind of the regulations cannot be changed."), "code"
        )
    if "code" in changes and ActivityKind.objects.filter(code=changes["code"]).exclude(pk=kind.pk).exists():
        raise Conflict(MeetingsCode.KIND_EXISTS, _("An activity kind with this code already exists."), "code")
    for field in ("code", "name", "stats_category", "three_one", "is_active"):
        if field in changes:
            setattr(kind, field, changes[field])
    kind.save()
    do_record_audit(event="meetings.kind.update", actor=actor, target=kind, details={"fields": sorted(changes)})
    return kind


@transaction.atomic
def do_create_local_rule(
    *,
    actor: Actor,
    version: str,
    effective_from: date,
    source: str,
    committee_threshold: int | None = None,
    requirements: Iterable[dict[str, Any]] = (),
) -> ActivityRule:
    """A tenant's local version: a copy of the newest version with the given rows changed or added
    (``{kind, period, minimum, applies_to}``; ``minimum`` 0 drops the kind). It takes effect on or
    after the first day of the current year (the past stays judged by the versions then in force)."""
    check_tenant_admin(actor)
    if effective_from < date(timezone.localdate().year, 1, 1):
        raise ServiceError(
            MeetingsCode.RULE_EFFECTIVE_FROM,
            _("A local rule version takes effect on or after the first day of this year."),
            "effective_from",
        )
    if ActivityRule.objects.filter(version=version).exists():
        raise Conflict(MeetingsCode.RULE_VERSION_TAKEN, _("A rule version with this name already exists."), "version")
    newest = ActivityRule.objects.order_by("-effective_from", "-id").first()
    rows: dict[int, dict[str, Any]] = {}
    if newest is not None:
        for requirement in newest.requirements.all():
            rows[requirement.kind_id] = {
                "period": requirement.period, "minimum": requirement.minimum, "applies_to": requirement.applies_to,
            }  # fmt: skip
    for row in requirements:
        kind = row.get("kind")
        kind_id = int(kind.pk if isinstance(kind, ActivityKind) else kind or 0)
        period, applies_to, minimum = row.get("period"), row.get("applies_to"), row.get("minimum")
        bad = (
            not ActivityKind.objects.filter(pk=kind_id).exists()
            or period not in Period.values
            or applies_to not in AppliesTo.values
            or not isinstance(minimum, int)
            or minimum < 0
        )
        if bad:
            raise ServiceError(
                MeetingsCode.RULE_BAD_ROW,
                _("A requirement row is invalid (kind, period, minimum ≥ 1, applies to)."),
                "requirements",
            )
        if minimum == 0:
            rows.pop(kind_id, None)
        else:
            rows[kind_id] = {"period": period, "minimum": minimum, "applies_to": applies_to}
    rule = ActivityRule.objects.create(
        version=version,
        effective_from=effective_from,
        source=source or _("local rule"),
        local=True,
        committee_threshold=committee_threshold or (newest.committee_threshold if newest else 7),
    )
    ActivityRequirement.objects.bulk_create(
        [ActivityRequirement(rule=rule, kind_id=kind_id, **row) for kind_id, row in rows.items()]
    )
    do_record_audit(event="meetings.rule.create", actor=actor, target=rule, details={"version": version})
    return rule


# ------------------------------------------------------------------------------ the annual plan


def _plan_months(period: str, minimum: int) -> list[int]:
    """The months a rule-derived plan puts ``minimum`` activities of a period in: every month for a
    monthly kind; spread over the quarter / year for the others (one: the quarter's middle month, July)."""
    if period == Period.MONTH:
        return [month for month in range(1, 13) for _ in range(minimum)]
    length = 3 if period == Period.QUARTER else 12
    months: list[int] = []
    for first in range(1, 13, length):
        for i in range(minimum):
            months.append(first + min(length - 1, (i * length) // minimum + length // (2 * minimum)))
    return months


def _period_start(year: int, month: int, period: str) -> date:
    if period == Period.MONTH:
        return date(year, month, 1)
    if period == Period.QUARTER:
        return date(year, (month - 1) // 3 * 3 + 1, 1)
    return date(year, 1, 1)


def plan_of(organization: Organization, year: int) -> QuerySet[PlannedActivity]:
    return PlannedActivity.objects.filter(organization=organization, year=year).select_related("kind")


def check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ServiceError(MeetingsCode.BAD_YEAR, _("Choose a year between 2000 and 2100."), "year")


@transaction.atomic
def do_generate_plan(organization: Organization, year: int, *, actor: Actor) -> int:
    """Add the rule-derived lines of ``organization``'s plan for ``year`` that are not there yet
    (idempotent: lines of the same kind and month, generated or added by hand, count as present).
    Each period is judged by the version in force on its first day and the organization's full
    members that day. Returns how many lines were created."""
    check_can_manage(actor, organization.pk)
    check_year(year)
    rules = rules_between(date(year, 1, 1), date(year, 12, 31))
    existing: dict[tuple[int, int], int] = {}
    for kind_id, month in PlannedActivity.objects.filter(organization=organization, year=year).values_list(
        "kind_id", "month"
    ):
        existing[(kind_id, month)] = existing.get((kind_id, month), 0) + 1
    wanted: dict[tuple[int, int], int] = {}
    members_on: dict[date, int] = {}
    for month in range(1, 13):
        for period in Period.values:
            start = _period_start(year, month, period)
            rule = rule_on(rules, start)
            if rule is None:
                continue
            if start not in members_on:
                # counted the day before, as the compliance engine does: a committee from the month after
                members_on[start] = full_members_on(start - timedelta(days=1), [organization])[organization.pk]
            for requirement in requirements_for(organization, rule, start, full_members=members_on[start]):
                if requirement.period != period or requirement.applies_to == AppliesTo.BRANCH_PAIRS:
                    continue  # heart-to-heart talks are pairs of people, not a meeting to plan
                for planned in _plan_months(period, requirement.minimum):
                    if planned == month:
                        wanted[(requirement.kind_id, month)] = wanted.get((requirement.kind_id, month), 0) + 1
    created = [
        PlannedActivity(organization=organization, year=year, month=month, kind_id=kind_id, generated=True)
        for (kind_id, month), count in sorted(wanted.items(), key=lambda item: (item[0][1], item[0][0]))
        for _ in range(max(0, count - existing.get((kind_id, month), 0)))
    ]
    PlannedActivity.objects.bulk_create(created)
    return len(created)


def check_month(month: int) -> None:
    if not 1 <= month <= 12:
        raise ServiceError(MeetingsCode.BAD_MONTH, _("Choose a month from 1 to 12."), "month")


@transaction.atomic
def do_add_plan_item(
    *,
    actor: Actor,
    organization: Organization,
    year: int,
    month: int,
    kind: ActivityKind,
    title: str = "",
    note: str = "",
) -> PlannedActivity:
    check_can_manage(actor, organization.pk)
    check_year(year)
    check_month(month)
    return PlannedActivity.objects.create(
        organization=organization, year=year, month=month, kind=kind, title=title, note=note
    )


@transaction.atomic
def do_update_plan_item(item: PlannedActivity, *, actor: Actor, **changes: Any) -> PlannedActivity:
    check_can_manage(actor, item.organization_id)
    if "month" in changes:
        check_month(changes["month"])
    for field in ("month", "kind", "title", "note"):
        if field in changes:
            setattr(item, field, changes[field])
    item.save()
    return item


@transaction.atomic
def do_delete_plan_item(item: PlannedActivity, *, actor: Actor) -> None:
    check_can_manage(actor, item.organization_id)
    item.delete()


# ------------------------------------------------------------------------------ meetings


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ServiceError(MeetingsCode.END_BEFORE_START, _("The end must come after the start."), "ends_at")


def _check_people(**people: User | None) -> None:
    for field, user in people.items():
        if user is not None and not user_has_role(user, *TenantRole.values):
            raise ServiceError(
                MeetingsCode.BAD_PERSON, _("The host and the recorder must be people of this party committee."), field
            )


def invitable_members(organization: Organization) -> QuerySet[Member]:
    """Who a meeting of ``organization`` invites: its active members (a branch's include its party groups')."""
    return Member.objects.filter(
        organization__path__startswith=organization.path, status__in=COUNTED_STATUSES
    ).select_related("user")


def voting_member_ids(organization: Organization, on: date) -> set[int]:
    """Members with the right to vote on ``on``: full members, not under 留党察看 that day."""
    members = invitable_members(organization).filter(membership=Membership.FULL)
    suspended = members.filter(disciplinary_probations__started_on__lte=on, disciplinary_probations__ends_on__gt=on)
    return set(members.values_list("pk", flat=True)) - set(suspended.values_list("pk", flat=True))


def _invite_members(meeting: Meeting, organization: Organization) -> int:
    day = timezone.localdate(meeting.starts_at)
    voters = voting_member_ids(organization, day)
    taken = set(meeting.attendees.exclude(user=None).values_list("user_id", flat=True))
    rows = []
    for member in invitable_members(organization):
        if member.user_id is not None and member.user_id in taken:
            continue
        rows.append(
            Attendee(
                meeting=meeting, user_id=member.user_id, member=member, name=member.name, has_vote=member.pk in voters
            )
        )
        if member.user_id is not None:
            taken.add(member.user_id)
    Attendee.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def do_create_meeting(
    *,
    actor: Actor,
    organization: Organization,
    kind: ActivityKind,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    online_url: str = "",
    host: User | None = None,
    recorder: User | None = None,
    agenda: str = "",
    invite_members: bool = True,
    guests: Iterable[str] = (),
) -> Meeting:
    check_can_manage(actor, organization.pk)
    if not organization.is_active:
        raise ServiceError(
            MeetingsCode.BAD_ORGANIZATION, _("Choose an active organization of this party committee."), "organization"
        )
    if not kind.is_active:
        raise ServiceError(MeetingsCode.KIND_INACTIVE, _("This activity kind is no longer in use."), "kind")
    if not title.strip():
        raise ServiceError(MeetingsCode.TITLE_REQUIRED, _("Enter the meeting's title."), "title")
    _check_times(starts_at, ends_at)
    _check_people(host=host, recorder=recorder)
    check_unclassified([("title", title), ("description", agenda)])
    meeting = Meeting.objects.create(
        organization=organization, kind=kind, title=title.strip(), starts_at=starts_at, ends_at=ends_at,
        place=place, online_url=online_url, host=host, recorder=recorder, agenda=agenda,
        created_by=stored_user(actor.user),
    )  # fmt: skip
    if invite_members:
        _invite_members(meeting, organization)
    for name in guests:
        _add_guest(meeting, name)
    do_record_audit(event="meetings.meeting.create", actor=actor, target=meeting)
    return meeting


def _check_editable(meeting: Meeting) -> None:
    if meeting.status not in EDITABLE:
        raise Conflict(MeetingsCode.NOT_EDITABLE, _("This meeting can no longer be changed this way."))


@transaction.atomic
def do_update_meeting(meeting: Meeting, *, actor: Actor, **changes: Any) -> Meeting:
    """Change a meeting's details (before it is held; a held meeting's minutes and files stay editable
    through their own endpoints)."""
    check_can_manage(actor, meeting.organization_id)
    _check_editable(meeting)
    if "organization" in changes and changes["organization"].pk != meeting.organization_id:
        check_can_manage(actor, changes["organization"].pk)
    if "title" in changes and not str(changes["title"]).strip():
        raise ServiceError(MeetingsCode.TITLE_REQUIRED, _("Enter the meeting's title."), "title")
    _check_times(changes.get("starts_at", meeting.starts_at), changes.get("ends_at", meeting.ends_at))
    _check_people(host=changes.get("host"), recorder=changes.get("recorder"))
    check_unclassified([("title", changes.get("title", "")), ("description", changes.get("agenda", ""))])
    fields = (
        "organization",
        "kind",
        "title",
        "starts_at",
        "ends_at",
        "place",
        "online_url",
        "host",
        "recorder",
        "agenda",
    )
    for field in fields:
        if field in changes:
            setattr(meeting, field, changes[field])
    meeting.save()
    return meeting


@transaction.atomic
def do_delete_meeting(meeting: Meeting, *, actor: Actor) -> None:
    check_can_manage(actor, meeting.organization_id)
    if meeting.status != MeetingStatus.PLANNED:
        raise Conflict(MeetingsCode.NOT_DELETABLE, _("Invitees were told; cancel the meeting instead of deleting it."))
    do_record_audit(event="meetings.meeting.delete", actor=actor, target=meeting)
    PlannedActivity.objects.filter(meeting=meeting).update(meeting=None)
    meeting.delete()


def _link(meeting: Meeting) -> str:
    return f"/meetings/{meeting.pk}"  # the portal is served at the host's root


def _when(meeting: Meeting) -> str:
    return formats.date_format(timezone.localtime(meeting.starts_at), "Y-m-d H:i")


@transaction.atomic
def do_cancel_meeting(meeting: Meeting, *, actor: Actor, reason: str) -> Meeting:
    check_can_manage(actor, meeting.organization_id)
    _check_editable(meeting)
    if not reason.strip():
        raise ServiceError(MeetingsCode.REASON_REQUIRED, _("Give a reason."), "reason")
    told = meeting.status == MeetingStatus.NOTIFIED
    meeting.status, meeting.cancelled_reason = MeetingStatus.CANCELLED, reason.strip()[:300]
    meeting.save(update_fields=["status", "cancelled_reason", "updated_at"])
    if told:
        users = _invitee_users(meeting)
        title = _("Meeting cancelled: %(title)s") % {"title": meeting.title}
        do_notify_many(users, title, reason.strip(), _link(meeting), kind=NotificationKind.MEETING_NOTICE)
    do_record_audit(event="meetings.meeting.cancel", actor=actor, target=meeting)
    return meeting


def _invitee_users(meeting: Meeting, *, only_untold: bool = False) -> list[User]:
    attendees = meeting.attendees.exclude(user=None)
    if only_untold:
        attendees = attendees.filter(notified_at__isnull=True)
    return list(User.objects.filter(pk__in=attendees.values("user_id"), is_active=True))


@transaction.atomic
def do_notify_meeting(meeting: Meeting, *, actor: Actor) -> int:
    """Tell the invitees not told yet (in-app and WebSocket, kind ``meetings.notice``): time, place or
    online link, agenda. Each invitee is told once however often this is called. Returns how many."""
    check_can_manage(actor, meeting.organization_id)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_editable(meeting)
    users = _invitee_users(meeting, only_untold=True)
    where = meeting.place or meeting.online_url
    title = _("Meeting notice: %(title)s") % {"title": meeting.title}
    body = _("Time: %(when)s. Place: %(where)s.") % {"when": _when(meeting), "where": where or "—"}
    if meeting.agenda:
        body += " " + _("Agenda: %(agenda)s") % {"agenda": meeting.agenda[:500]}
    sent = do_notify_many(users, title, body, _link(meeting), kind=NotificationKind.MEETING_NOTICE)
    now = timezone.now()
    meeting.attendees.filter(notified_at__isnull=True).update(notified_at=now)
    if meeting.status == MeetingStatus.PLANNED:
        meeting.status = MeetingStatus.NOTIFIED
        meeting.save(update_fields=["status", "updated_at"])
    return sent


# ------------------------------------------------------------------------------ attendees


def _add_guest(meeting: Meeting, name: str) -> Attendee:
    if not name.strip():
        raise ServiceError(MeetingsCode.GUEST_NAME_REQUIRED, _("Enter the guest's name."), "name")
    return Attendee.objects.create(meeting=meeting, name=name.strip()[:60], is_guest=True)


@transaction.atomic
def do_add_attendee(meeting: Meeting, *, actor: Actor, member: Member | None = None, guest: str = "") -> Attendee:
    """Invite a member of the organization (with their vote that day) or a guest (列席, no vote)."""
    check_can_manage(actor, meeting.organization_id)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(MeetingsCode.CANCELLED, _("The meeting was cancelled."))
    if member is None:
        return _add_guest(meeting, guest)
    organization = meeting.organization
    if not invitable_members(organization).filter(pk=member.pk).exists():
        raise ServiceError(
            MeetingsCode.NOT_A_MEMBER, _("This person is not a member of the meeting's organization."), "member"
        )
    taken = meeting.attendees.filter(member=member)
    if member.user_id is not None:
        taken = meeting.attendees.filter(Q(member=member) | Q(user_id=member.user_id))
    if taken.exists():
        raise Conflict(MeetingsCode.ATTENDEE_EXISTS, _("This person is already an invitee."), "member")
    voters = voting_member_ids(organization, timezone.localdate(meeting.starts_at))
    return Attendee.objects.create(
        meeting=meeting, user_id=member.user_id, member=member, name=member.name, has_vote=member.pk in voters
    )


@transaction.atomic
def do_set_attendance(attendee: Attendee, *, actor: Actor, status: str, absence_reason: str = "") -> Attendee:
    """A manager records an invitee present or absent (with the reason) by hand; audited."""
    meeting = attendee.meeting
    check_can_manage(actor, meeting.organization_id)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(MeetingsCode.CANCELLED, _("The meeting was cancelled."))
    if status not in (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT):
        raise ServiceError(
            MeetingsCode.BAD_STATUS, _("An attendance status set by hand is present or absent."), "status"
        )
    before = attendee.status
    attendee.status = status
    attendee.absence_reason = absence_reason.strip()[:300] if status == AttendanceStatus.ABSENT else ""
    if status == AttendanceStatus.PRESENT and attendee.signed_in_at is None:
        attendee.signed_in_at, attendee.method = timezone.now(), SignInMethod.MANUAL
        attendee.signed_in_by = stored_user(actor.user)
    attendee.save()
    if meeting.status == MeetingStatus.HELD:
        _sync_held_meeting(meeting, attendee)
    do_record_audit(
        event="meetings.attendance.edit",
        actor=actor,
        target=meeting,
        details={"name": attendee.name, "from": before, "to": status},
    )
    return attendee


def _sync_held_meeting(meeting: Meeting, attendee: Attendee) -> None:
    """After a held meeting's attendance was corrected: its present voters and the make-up task."""
    meeting.voting_present = meeting.attendees.filter(status=AttendanceStatus.PRESENT, has_vote=True).count()
    meeting.save(update_fields=["voting_present", "updated_at"])
    if attendee.user_id is None:
        return
    if attendee.status in MAKEUP_STATUSES:
        MakeUpTask.objects.get_or_create(meeting=meeting, user_id=attendee.user_id)
    else:
        MakeUpTask.objects.filter(meeting=meeting, user_id=attendee.user_id, completed_at__isnull=True).delete()


# ------------------------------------------------------------------------------ quorum, minutes, resolutions


@dataclass(frozen=True)
class Quorum:
    voting_members: int  # 应到: full members with voting rights
    voting_present: int  # 实到 of them
    required: int  # the least present for a quorum: more than half

    @property
    def met(self) -> bool:
        return self.voting_present * 2 > self.voting_members

    def as_dict(self) -> dict[str, Any]:
        return {
            "voting_members": self.voting_members, "voting_present": self.voting_present,
            "required": self.required, "met": self.met,
        }  # fmt: skip


def quorum_of(meeting: Meeting) -> Quorum:
    """The quorum: fixed when the meeting was held, else from the roll on the meeting's day (the
    organization's full members less those under 留党察看) and the voters present now."""
    if meeting.voting_members is not None and meeting.voting_present is not None:
        members, present = meeting.voting_members, meeting.voting_present
    else:
        members = voting_roll(meeting.organization, timezone.localdate(meeting.starts_at)).entitled
        present = meeting.attendees.filter(status=AttendanceStatus.PRESENT, has_vote=True).count()
    return Quorum(members, present, members // 2 + 1)


def do_save_minutes(
    meeting: Meeting, *, actor: Actor, minutes: str, minutes_marking: str = "internal", agenda: str | None = None
) -> Meeting:
    """Save the minutes (rich text, sanitized) and their marking; content with a classified marking is
    refused and the refusal logged, nothing of it stored (DOMAIN_RULES §8)."""
    check_can_manage(actor, meeting.organization_id)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(MeetingsCode.CANCELLED, _("The meeting was cancelled."))
    if minutes_marking not in MARKINGS:
        raise ServiceError(MeetingsCode.BAD_MARKING, _("The marking is public or internal."), "minutes_marking")
    clean = sanitize_html(minutes)
    try:
        check_unclassified([("body", html_to_text(clean)), ("description", agenda or "")])
    except ServiceError as refusal:  # outside any transaction: the refusal's entry stays
        do_record_audit(
            event="meetings.classified.refuse",
            details={"marking": refusal.extra.get("marking", ""), "field": refusal.field or ""},
            actor=actor,
            target=meeting,
        )
        raise
    with transaction.atomic():
        meeting.minutes, meeting.minutes_marking = clean, minutes_marking
        fields = ["minutes", "minutes_marking", "updated_at"]
        if agenda is not None:
            meeting.agenda = agenda
            fields.append("agenda")
        meeting.save(update_fields=fields)
    return meeting


@transaction.atomic
def do_add_resolution(
    meeting: Meeting,
    *,
    actor: Actor,
    text: str,
    votes_for: int | None = None,
    votes_against: int | None = None,
    abstentions: int | None = None,
) -> Resolution:
    """Record a decision. For a kind that decides by vote (the general meeting) ``passed`` is computed:
    more than half of the members with voting rights voted for it."""
    check_can_manage(actor, meeting.organization_id)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(MeetingsCode.CANCELLED, _("The meeting was cancelled."))
    if not text.strip():
        raise ServiceError(MeetingsCode.RESOLUTION_REQUIRED, _("Enter the resolution's text."), "text")
    check_unclassified([("body", text)])
    passed: bool | None = None
    if meeting.kind.needs_quorum:
        quorum = quorum_of(meeting)
        votes = [v or 0 for v in (votes_for, votes_against, abstentions)]
        if votes_for is None or sum(votes) > quorum.voting_present:
            raise ServiceError(
                MeetingsCode.VOTES_INVALID,
                _("The votes cannot exceed the members with voting rights present."),
                "votes_for",
            )
        passed = votes_for * 2 > quorum.voting_members
    return Resolution.objects.create(
        meeting=meeting, text=text.strip(), votes_for=votes_for, votes_against=votes_against,
        abstentions=abstentions, passed=passed,
    )  # fmt: skip


# ------------------------------------------------------------------------------ holding a meeting


def _link_plan_item(meeting: Meeting) -> None:
    local = timezone.localtime(meeting.starts_at)
    item = (
        PlannedActivity.objects.filter(
            organization_id=meeting.organization_id,
            kind_id=meeting.kind_id,
            year=local.year,
            month=local.month,
            meeting__isnull=True,
        )
        .order_by("id")
        .first()
    )
    if item is not None:
        item.meeting = meeting
        item.save(update_fields=["meeting"])


def _create_makeups(meeting: Meeting) -> int:
    owed = meeting.attendees.filter(status__in=MAKEUP_STATUSES).exclude(user=None).values_list("user_id", flat=True)
    have = set(MakeUpTask.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    rows = [MakeUpTask(meeting=meeting, user_id=user_id) for user_id in set(owed) - have]
    MakeUpTask.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def do_hold_meeting(meeting: Meeting, *, actor: Actor, now: datetime | None = None) -> Meeting:
    """Mark a meeting held: a general meeting only with its quorum (more than half of the full members
    with voting rights present), never before it starts. Invitees still without a status become
    absent and absentees and those on approved leave get a make-up task; the plan line of the same
    organization, kind and month is fulfilled; the rule version in force is recorded. Audited."""
    check_can_manage(actor, meeting.organization_id)
    meeting = Meeting.objects.select_for_update().select_related("kind", "organization").get(pk=meeting.pk)
    now = now or timezone.now()
    if meeting.status == MeetingStatus.HELD:
        raise Conflict(MeetingsCode.ALREADY_HELD, _("The meeting has already been held."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(MeetingsCode.CANCELLED, _("The meeting was cancelled."))
    if now < meeting.starts_at:
        raise ServiceError(MeetingsCode.NOT_STARTED, _("A meeting cannot be marked held before it starts."))
    quorum = quorum_of(meeting)
    if meeting.kind.needs_quorum and not quorum.met:
        raise ServiceError(
            MeetingsCode.QUORUM_NOT_MET,
            _(
                "The quorum is not met: more than half of the full members with voting rights must be present "
                "(%(present)d of %(members)d present, at least %(required)d needed)."
            )
            % {"present": quorum.voting_present, "members": quorum.voting_members, "required": quorum.required},
            extra={"quorum": quorum.as_dict()},
        )
    meeting.attendees.filter(status__in=(AttendanceStatus.INVITED, AttendanceStatus.LEAVE_REQUESTED)).update(
        status=AttendanceStatus.ABSENT
    )
    day = timezone.localdate(meeting.starts_at)
    meeting.status, meeting.held_at = MeetingStatus.HELD, now
    meeting.voting_members, meeting.voting_present = quorum.voting_members, quorum.voting_present
    meeting.rule_version = rule_in_force(day).version
    meeting.save()
    makeups = _create_makeups(meeting)
    _link_plan_item(meeting)
    do_record_audit(
        event="meetings.meeting.hold",
        actor=actor,
        target=meeting,
        details={"present": meeting.attendees.filter(status=AttendanceStatus.PRESENT).count(), "makeups": makeups},
    )
    return meeting


# ------------------------------------------------------------------------------ files


@transaction.atomic
def do_attach_file(meeting: Meeting, *, actor: Actor, upload_id: UUID | str) -> MeetingFile:
    check_can_manage(actor, meeting.organization_id)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(MeetingsCode.CANCELLED, _("The meeting was cancelled."))
    upload = claim_upload(upload_id, purpose=FILE_PURPOSE, user=actor.user)
    return MeetingFile.objects.create(
        meeting=meeting, upload=upload.pk, key=upload.key, filename=upload.filename,
        content_type=upload.detected_type, size=upload.size or 0, is_photo=upload.detected_type in PHOTO_TYPES,
        created_by=stored_user(actor.user),
    )  # fmt: skip


@transaction.atomic
def do_remove_file(meeting_file: MeetingFile, *, actor: Actor) -> None:
    check_can_manage(actor, meeting_file.meeting.organization_id)
    key = meeting_file.key
    meeting_file.delete()
    transaction.on_commit(lambda: discard_object(DataClass.MEDIA, key))


def file_url(meeting_file: MeetingFile) -> str:
    """A signed download URL (authorize before calling)."""
    return download_url(DataClass.MEDIA, meeting_file.key, filename=meeting_file.filename, inline=meeting_file.is_photo)


# ------------------------------------------------------------------------------ the member's side


@dataclass(frozen=True)
class HeldMeeting:
    """A held meeting as other domains see it (the evaluation links its general meeting)."""

    id: int
    title: str
    held_on: date


def held_meetings_of(organization_id: int, kind_code: str) -> list[HeldMeeting]:
    """The held meetings of one kind of an organization (its own, not its subtree's), newest first."""
    meetings = Meeting.objects.filter(
        organization_id=organization_id, kind__code=kind_code, status=MeetingStatus.HELD
    ).order_by("-starts_at", "-id")
    return [HeldMeeting(m.pk, m.title, m.starts_on) for m in meetings.only("id", "title", "starts_on")]


def my_meetings(user: User, when: str = "upcoming", now: datetime | None = None) -> QuerySet[Meeting]:
    """Meetings where ``user`` is an invitee: upcoming (not ended, not cancelled; soonest first) or past."""
    now = now or timezone.now()
    meetings = Meeting.objects.filter(attendees__user=user).exclude(status=MeetingStatus.PLANNED)
    if when == "past":
        return meetings.filter(Q(ends_at__lt=now) | Q(status=MeetingStatus.HELD)).order_by("-starts_at", "-id")
    return meetings.filter(ends_at__gte=now).exclude(status=MeetingStatus.HELD).order_by("starts_at", "id")


def my_attendee(meeting: Meeting, user: User | None) -> Attendee | None:
    if user is None:
        return None
    return meeting.attendees.filter(user=user).first()


def find_my_meeting(user: User | None, meeting_id: int) -> tuple[Meeting, Attendee]:
    """A meeting ``user`` was invited to (and told of); 404 otherwise."""
    attendee = (
        Attendee.objects.select_related("meeting", "meeting__kind", "meeting__organization")
        .filter(meeting_id=meeting_id, user=user)
        .exclude(meeting__status=MeetingStatus.PLANNED)
        .first()
        if user is not None
        else None
    )
    if attendee is None:
        raise NotFoundError(MeetingsCode.NOT_INVITED, _("You are not an invitee of this meeting."))
    return attendee.meeting, attendee


def can_read_minutes(meeting: Meeting, actor: Actor) -> bool:
    """Minutes are read once the meeting is held, by its invitees and its managers (readers); they are
    internal to the tenant at most (an internal marking never leaves its people)."""
    if meeting.status != MeetingStatus.HELD:
        return is_manager(actor, meeting)
    if actor.user is None:
        return False
    return my_attendee(meeting, actor.user) is not None or user_covers(actor.user, meeting.organization_id, READERS)


def can_request_leave(meeting: Meeting, attendee: Attendee, now: datetime | None = None) -> bool:
    return (
        meeting.status == MeetingStatus.NOTIFIED
        and (now or timezone.now()) < meeting.starts_at
        and attendee.status == AttendanceStatus.INVITED
    )


def _managers_of(organization: Organization) -> list[User]:
    """Who decides leave: the organization's secretary, else the secretaries of the organizations above."""
    chain = [organization.pk, *reversed(organization.ancestor_ids)]
    secretaries = dict(
        Organization.objects.filter(pk__in=chain, secretary__isnull=False).values_list("pk", "secretary")
    )
    for organization_id in chain:
        if organization_id in secretaries:
            return list(User.objects.filter(pk=secretaries[organization_id]))
    return []


@transaction.atomic
def do_request_leave(meeting: Meeting, attendee: Attendee, *, actor: Actor, reason: str) -> Attendee:
    """An invitee asks for leave before the meeting starts; the secretary is told."""
    if actor.user is None or attendee.user_id != actor.user.pk:
        raise NotFoundError(MeetingsCode.NOT_INVITED, _("You are not an invitee of this meeting."))
    if not reason.strip():
        raise ServiceError(MeetingsCode.REASON_REQUIRED, _("Give a reason."), "reason")
    if attendee.status != AttendanceStatus.INVITED:
        raise Conflict(MeetingsCode.LEAVE_ALREADY, _("Leave has already been requested or decided."))
    if not can_request_leave(meeting, attendee):
        raise ServiceError(MeetingsCode.LEAVE_TOO_LATE, _("Leave is requested before the meeting starts."))
    attendee.status, attendee.leave_reason = AttendanceStatus.LEAVE_REQUESTED, reason.strip()[:300]
    attendee.save(update_fields=["status", "leave_reason"])
    for secretary in _managers_of(meeting.organization):
        do_notify(
            secretary,
            _("%(name)s asks for leave from %(title)s") % {"name": attendee.name, "title": meeting.title},
            attendee.leave_reason,
            f"/console/meetings/{meeting.pk}",
            kind=NotificationKind.MEETING_NOTICE,
        )
    return attendee


@transaction.atomic
def do_decide_leave(attendee: Attendee, *, actor: Actor, approve: bool) -> Attendee:
    """A manager approves a leave request (leave_approved) or refuses it (back to invited); the invitee
    is told; audited."""
    meeting = attendee.meeting
    check_can_manage(actor, meeting.organization_id)
    if attendee.status != AttendanceStatus.LEAVE_REQUESTED:
        raise Conflict(MeetingsCode.LEAVE_NOT_REQUESTED, _("There is no pending leave request to decide."))
    attendee.status = AttendanceStatus.LEAVE_APPROVED if approve else AttendanceStatus.INVITED
    attendee.leave_decided_by, attendee.leave_decided_at = stored_user(actor.user), timezone.now()
    attendee.save(update_fields=["status", "leave_decided_by", "leave_decided_at"])
    if attendee.user_id is not None:
        user = User.objects.get(pk=attendee.user_id)
        title = (
            _("Your leave from %(title)s was approved") if approve else _("Your leave from %(title)s was not approved")
        ) % {"title": meeting.title}
        do_notify(user, title, "", _link(meeting), kind=NotificationKind.MEETING_NOTICE)
    do_record_audit(
        event="meetings.leave.decide", actor=actor, target=meeting, details={"name": attendee.name, "approved": approve}
    )
    return attendee


def my_attendance(user: User, year: int) -> tuple[list[Attendee], float | None]:
    """The user's rows at meetings held in ``year`` and their attendance rate (present ÷ held, percent)."""
    rows = list(
        Attendee.objects.filter(user=user, meeting__status=MeetingStatus.HELD, meeting__starts_at__year=year)
        .select_related("meeting", "meeting__kind", "meeting__organization")
        .order_by("meeting__starts_at", "id")
    )
    present = sum(1 for row in rows if row.status == AttendanceStatus.PRESENT)
    return rows, round(100 * present / len(rows), 1) if rows else None


def my_makeups(user: User, done: bool | None = None) -> QuerySet[MakeUpTask]:
    tasks = MakeUpTask.objects.filter(user=user).select_related("meeting", "meeting__kind")
    if done is not None:
        tasks = tasks.filter(completed_at__isnull=not done)
    return tasks


@transaction.atomic
def do_complete_makeup(task: MakeUpTask, *, actor: Actor, note: str = "") -> MakeUpTask:
    if actor.user is None or task.user_id != actor.user.pk:
        raise NotFoundError(MeetingsCode.NOT_INVITED, _("You are not an invitee of this meeting."))
    if task.completed_at is not None:
        raise Conflict(MeetingsCode.MAKEUP_DONE, _("This make-up task is already completed."))
    check_unclassified([("body", note)])
    task.completed_at, task.note = timezone.now(), note.strip()[:500]
    task.save(update_fields=["completed_at", "note"])
    return task


# ------------------------------------------------------------------------------ counts for lists


def with_counts(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.annotate(
        invited_count=Count("attendees", distinct=True),
        present_count=Count("attendees", filter=Q(attendees__status=AttendanceStatus.PRESENT), distinct=True),
    )


def attendance_rate(invited: int, present: int) -> float | None:
    return round(100 * present / invited, 1) if invited else None


# ------------------------------------------------------------------------------ the live lesson bridge

PARTY_LECTURE = "party_lecture"


@transaction.atomic
def do_record_party_lecture(
    *,
    organization: Organization,
    lesson_scope: str,
    lesson_schema: str,
    lesson_id: int,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    verdicts: dict[int, str],
) -> Meeting:
    """A live lesson given as ``organization``'s 党课 ended: its held party-lecture record (created, or
    updated when the lesson ends again), the organization's members as attendees, present when the
    live verdict says so (method ``live``), absent otherwise; absentees get make-up tasks (the replay).
    ``verdicts`` maps member ids to the live attendance verdict."""
    kind = ActivityKind.objects.get(code=PARTY_LECTURE)
    meeting = (
        Meeting.objects.select_for_update()
        .filter(lesson_scope=lesson_scope, lesson_schema=lesson_schema, lesson_id=lesson_id)
        .first()
    )
    if ends_at <= starts_at:
        ends_at = starts_at + timedelta(minutes=1)
    if meeting is None:
        meeting = Meeting.objects.create(
            organization=organization, kind=kind, title=title[:200], starts_at=starts_at, ends_at=ends_at,
            lesson_scope=lesson_scope, lesson_schema=lesson_schema, lesson_id=lesson_id,
            status=MeetingStatus.HELD, held_at=ends_at, place=_("Live lesson"),
        )  # fmt: skip
        _invite_members(meeting, organization)
    else:
        meeting.starts_at, meeting.ends_at, meeting.held_at = starts_at, ends_at, ends_at
    for attendee in meeting.attendees.exclude(member=None):
        present = verdicts.get(attendee.member_id or 0) == "present"
        attendee.status = AttendanceStatus.PRESENT if present else AttendanceStatus.ABSENT
        attendee.method = SignInMethod.LIVE if present else ""
        attendee.signed_in_at = ends_at if present else None
        attendee.save(update_fields=["status", "method", "signed_in_at"])
    quorum = quorum_of(Meeting(organization=organization, starts_at=starts_at, pk=meeting.pk))
    meeting.voting_members, meeting.voting_present = quorum.voting_members, quorum.voting_present
    meeting.rule_version = rule_in_force(timezone.localdate(starts_at)).version
    meeting.save()
    _create_makeups(meeting)
    MakeUpTask.objects.filter(
        meeting=meeting, completed_at__isnull=True, user_id__in=meeting.attendees.filter(
            status=AttendanceStatus.PRESENT
        ).values("user_id"),
    ).delete()  # fmt: skip
    _link_plan_item(meeting)
    return meeting


def on_lesson_ended(sender: Any, ref: LessonRef, lesson: Lesson, **kwargs: Any) -> None:
    """``tenants.live.signals.lesson_ended`` (the lesson's schema active): a tenant lesson marked as
    its organization's 党课 becomes that organization's party-lecture record."""
    if ref.scope is not LessonScope.TENANT or not lesson.counts_as_party_lesson or lesson.organization_id is None:
        return
    organization = Organization.objects.filter(pk=lesson.organization_id).first()
    if organization is None or lesson.went_live_at is None:
        return
    try:
        _record_lecture_of(ref, lesson, organization)
    except Exception:  # a receiver must not break the lesson's end (the media server's callback)
        logger.exception("party lecture record of lesson %s failed", ref.token)


def _record_lecture_of(ref: LessonRef, lesson: Lesson, organization: Organization) -> None:
    assert lesson.went_live_at is not None
    report = lesson_attendance(ref, lesson, within=organization)
    verdicts = {line["member_id"]: line["verdict"] for line in report["members"]}
    do_record_party_lecture(
        organization=organization, lesson_scope=ref.scope.value, lesson_schema=ref.schema, lesson_id=lesson.pk,
        title=lesson.title, starts_at=lesson.went_live_at, ends_at=lesson.ended_at or timezone.now(),
        verdicts=verdicts,
    )  # fmt: skip
