"""Signing in to a meeting (签到): by the rotating QR code the host shows, by employee card on the
host's device, or by the host's hand. Run in the tenant's schema.

The QR code is an HMAC-SHA256 of ``"<meeting id>:<window>"`` under the meeting's own secret and
the platform's key, the window being the 30-second slice of Unix time: a code is good for the
window it was shown in and the next one (a phone that scans at the end of a window still gets in),
for its own meeting only, and only while sign-in is open (30 minutes before the start to 30
minutes after the end). Each attendance row records how the person signed in (``method``); a
person signs in once, a second time answers ``already`` and keeps the first time.

Every sign-in pushes ``{"type": "meetings.signed_in", ...}`` to the screens showing the
meeting's QR code (the managers who polled it within the last minute and a half) and to its host,
through the notifications socket each already has open.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.cards import normalize_card_number, resolve_card
from partycloud.accounts.models import User
from partycloud.accounts.roles import TenantRole
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import CoreCode, NotAllowed, NotFoundError, ServiceError
from partycloud.tenancy.context import active_tenant
from tenants.access.services import check_covers
from tenants.meetings.errors import MeetingsCode
from tenants.meetings.models import AttendanceStatus, Attendee, Meeting, MeetingStatus, SignInMethod
from tenants.members.models import COUNTED_STATUSES, DisciplinaryProbation, Member, Membership
from tenants.notifications.services import do_push_event
from tenants.organizations.models import Organization

WINDOW_SECONDS = 30
# A code is accepted in the window it was shown in and the next one.
ACCEPTED_WINDOWS = 2
# Sign-in opens this long before the start and closes this long after the end.
OPEN_MARGIN = timedelta(minutes=30)
# 16 base32 characters: 80 bits of the HMAC, short enough for a QR code a phone reads from afar.
CODE_BYTES = 10
# A manager who polled the QR code this recently is watching the screen (the screen polls every few seconds).
WATCHER_SECONDS = 90

MANAGERS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY, TenantRole.COMMITTEE_MEMBER})


# ---------------------------------------------------------------- which meeting, for whom


def meeting_or_404(meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_related("organization").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFoundError(CoreCode.NOT_FOUND, _("No such meeting."))
    return meeting


def managed_meeting(actor: Actor, meeting_id: int) -> Meeting:
    """The meeting, when ``actor`` manages its organization (tenant admin, or a secretary or
    committee member whose scope covers it); 404 when it does not exist, 403 outside the scope."""
    meeting = meeting_or_404(meeting_id)
    check_covers(
        actor.user,
        meeting.organization_id,
        MANAGERS,
        MeetingsCode.OUT_OF_SCOPE,
        _("This organization is outside your scope."),
    )
    return meeting


def check_signin_open(meeting: Meeting, now: datetime) -> None:
    """Refuse a cancelled meeting, and any time outside start − 30 min .. end + 30 min."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise ServiceError(MeetingsCode.CANCELLED, _("The meeting was cancelled."))
    if not meeting.starts_at - OPEN_MARGIN <= now <= meeting.ends_at + OPEN_MARGIN:
        raise ServiceError(
            MeetingsCode.SIGNIN_CLOSED,
            _("Sign-in is open from 30 minutes before the meeting starts to 30 minutes after it ends."),
            extra={
                "opens_at": (meeting.starts_at - OPEN_MARGIN).isoformat(),
                "closes_at": (meeting.ends_at + OPEN_MARGIN).isoformat(),
            },
        )


# ---------------------------------------------------------------- the rotating code


def code_window(now: datetime) -> int:
    return int(now.timestamp()) // WINDOW_SECONDS


def signin_code(meeting: Meeting, window: int) -> str:
    """The meeting's code for a 30-second window: base32 of a truncated HMAC-SHA256."""
    key = (meeting.signin_secret + settings.SECRET_KEY).encode()
    digest = hmac.new(key, f"{meeting.pk}:{window}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:CODE_BYTES]).decode()


def check_code(meeting: Meeting, code: str, now: datetime) -> None:
    """Accept this window's code or the previous window's, of this meeting only."""
    given = code.strip().upper().encode()
    current = code_window(now)
    for window in range(current, current - ACCEPTED_WINDOWS, -1):
        if hmac.compare_digest(given, signin_code(meeting, window).encode()):
            return
    raise ServiceError(
        MeetingsCode.SIGNIN_CODE_INVALID, _("The sign-in code is wrong or has expired; scan again."), "code"
    )


@dataclass(frozen=True)
class QrCode:
    url: str
    code: str
    expires_at: datetime  # the end of the window it was shown in (accepted one window more)
    window_seconds: int
    svg_data_url: str


def signin_url(meeting: Meeting, code: str) -> str:
    """The portal's sign-in page for the code: any QR app opens it in the browser."""
    return f"{active_tenant().url}/meetings/{meeting.pk}/sign-in?{urlencode({'code': code})}"


def svg_data_url(text: str) -> str:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=8, border=2, dark="#000000", light="#ffffff")
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def current_qr(meeting: Meeting, *, actor: Actor, now: datetime | None = None) -> QrCode:
    """The code to show now (the screen polls), and the caller noted as watching the screen."""
    now = now or timezone.now()
    check_signin_open(meeting, now)
    window = code_window(now)
    code = signin_code(meeting, window)
    if actor.user is not None:
        _note_watcher(meeting, actor.user.pk, now)
    url = signin_url(meeting, code)
    expires_at = datetime.fromtimestamp((window + 1) * WINDOW_SECONDS, tz=timezone.get_current_timezone())
    return QrCode(
        url=url, code=code, expires_at=expires_at, window_seconds=WINDOW_SECONDS, svg_data_url=svg_data_url(url)
    )


def _watchers_key(meeting: Meeting) -> str:
    return f"meetings:qr_watchers:{meeting.pk}"  # the default cache's keys carry the schema


def _note_watcher(meeting: Meeting, user_id: int, now: datetime) -> None:
    watchers: dict[int, float] = cache.get(_watchers_key(meeting)) or {}
    watchers = {uid: seen for uid, seen in watchers.items() if now.timestamp() - seen < WATCHER_SECONDS}
    watchers[user_id] = now.timestamp()
    cache.set(_watchers_key(meeting), watchers, WATCHER_SECONDS * 2)


def screen_watchers(meeting: Meeting, now: datetime) -> set[int]:
    """Who is watching the meeting's QR screen: the managers who polled it recently."""
    watchers: dict[int, float] = cache.get(_watchers_key(meeting)) or {}
    return {uid for uid, seen in watchers.items() if now.timestamp() - seen < WATCHER_SECONDS}


# ---------------------------------------------------------------- signing in


@dataclass(frozen=True)
class SignIn:
    attendee: Attendee
    already: bool  # signed in before: the first time is kept


def _in_subtree(member: Member, organization: Organization) -> bool:
    return member.organization.path.startswith(organization.path)


def _has_vote(member: Member, on: date) -> bool:
    """A full member not under 留党察看 that day (DOMAIN_RULES §2: the general meeting's voters)."""
    if member.membership != Membership.FULL:
        return False
    return not DisciplinaryProbation.objects.filter(member=member, started_on__lte=on, ends_on__gt=on).exists()


def _member_attendee(meeting: Meeting, member: Member, user: User | None, now: datetime) -> Attendee:
    """The attendance row of a member of the organization who was not invited (added now)."""
    return Attendee.objects.create(
        meeting=meeting,
        user=user,
        member=member,
        name=member.name,
        has_vote=_has_vote(member, timezone.localdate(now)),
    )


def _existing_attendee(meeting: Meeting, user: User | None, members: list[Member]) -> Attendee | None:
    """The person's row: the one of their account, else one of their member records (one query)."""
    who = Q(member__in=members) if members else Q(pk__in=[])
    if user is not None:
        who |= Q(user=user)
    rows = list(Attendee.objects.filter(who, meeting=meeting).order_by("id"))
    by_user = [row for row in rows if user is not None and row.user_id == user.pk]
    return next(iter(by_user or rows), None)


def _mark_present(meeting: Meeting, attendee: Attendee, method: str, now: datetime, by: User | None) -> SignIn:
    if attendee.status == AttendanceStatus.PRESENT:
        return SignIn(attendee, already=True)
    attendee.status = AttendanceStatus.PRESENT
    attendee.method = method
    attendee.signed_in_at = now
    attendee.signed_in_by = by
    attendee.save(update_fields=["status", "method", "signed_in_at", "signed_in_by"])
    _push_signed_in(meeting, attendee, now)
    return SignIn(attendee, already=False)


def _push_signed_in(meeting: Meeting, attendee: Attendee, now: datetime) -> None:
    audience = screen_watchers(meeting, now) | ({meeting.host_id} if meeting.host_id else set())
    do_push_event(
        audience,
        {
            "type": "meetings.signed_in",
            "meeting": meeting.pk,
            "attendee": attendee.pk,
            "name": attendee.name,
            "method": attendee.method,
            "signed_in_at": attendee.signed_in_at.isoformat() if attendee.signed_in_at else None,
        },
    )


def _lock(meeting: Meeting) -> None:
    # One sign-in at a time per meeting: two scans of one person (or a scan and a card) must not
    # both add them as an attendee. Sign-ins are short; a meeting has at most a few hundred.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("pk", flat=True).first()


@transaction.atomic
def do_sign_in_by_code(meeting: Meeting, code: str, *, actor: Actor, now: datetime | None = None) -> SignIn:
    """The signed-in person scanned the meeting's QR code: an invitee, or a member of the
    meeting's organization (its subtree) who was not invited and is added as an attendee."""
    now = now or timezone.now()
    user = actor.user
    if user is None:
        raise NotAllowed(MeetingsCode.NOT_INVITED, _("You are not an invitee of this meeting."))
    _lock(meeting)
    members = list(
        Member.objects.select_related("organization").filter(user=user, status__in=COUNTED_STATUSES).order_by("id")
    )
    attendee = _existing_attendee(meeting, user, members)
    member = next((m for m in members if _in_subtree(m, meeting.organization)), None)
    if attendee is None and member is None:
        raise NotAllowed(MeetingsCode.NOT_INVITED, _("You are not an invitee of this meeting."))
    check_signin_open(meeting, now)
    check_code(meeting, code, now)
    if attendee is None:
        assert member is not None
        attendee = _member_attendee(meeting, member, user, now)
    elif attendee.user_id is None:  # invited by the member record before it had an account
        attendee.user = user
        attendee.save(update_fields=["user"])
    return _mark_present(meeting, attendee, SignInMethod.QR, now, None)


@transaction.atomic
def do_sign_in_by_card(meeting: Meeting, card_number: str, *, actor: Actor, now: datetime | None = None) -> SignIn:
    """The host's device read (or the host typed) an employee card: the card's holder comes from
    the group's roster, then their account and member record here. Unknown card: 404; a holder
    who is neither an invitee nor a member of the meeting's organization: 400. ``meeting`` is one
    the actor manages (``managed_meeting``)."""
    now = now or timezone.now()
    check_signin_open(meeting, now)
    card = normalize_card_number(card_number)
    holder = resolve_card(card)
    if holder is None:
        raise NotFoundError(MeetingsCode.CARD_UNKNOWN, _("No employee is known with this card number."), "card_number")
    _lock(meeting)
    user = User.objects.filter(employee_card_number__iexact=holder.card_number).first()
    counted = Member.objects.select_related("organization").filter(status__in=COUNTED_STATUSES)
    members = list(counted.filter(employee_card_number__iexact=holder.card_number).order_by("id"))
    if user is not None:
        members += [m for m in counted.filter(user=user).order_by("id") if m not in members]
    attendee = _existing_attendee(meeting, user, members)
    if attendee is None:
        member = next((m for m in members if _in_subtree(m, meeting.organization)), None)
        if member is None:
            raise ServiceError(
                MeetingsCode.CARD_NOT_MEMBER,
                _("The card holder is not a member of this meeting's organization."),
                "card_number",
            )
        attendee = _member_attendee(meeting, member, user or member.user, now)
    return _mark_present(meeting, attendee, SignInMethod.CARD, now, actor.user)


@transaction.atomic
def do_sign_in_by_hand(meeting: Meeting, attendee_id: int, *, actor: Actor, now: datetime | None = None) -> SignIn:
    """The host signs an attendee in (a phone without a camera, a guest): recorded as ``manual``
    with who did it, and audited. ``meeting`` is one the actor manages (``managed_meeting``)."""
    now = now or timezone.now()
    attendee = Attendee.objects.select_for_update().filter(meeting=meeting, pk=attendee_id).first()
    if attendee is None:
        raise NotFoundError(CoreCode.NOT_FOUND, _("No such attendee of this meeting."))
    check_signin_open(meeting, now)
    result = _mark_present(meeting, attendee, SignInMethod.MANUAL, now, actor.user)
    if not result.already:
        do_record_audit(
            event="meetings.attendee.sign_in",
            details={"user": attendee.name, "meeting": meeting.pk},
            actor=actor,
            target=attendee,
            target_label=f"{meeting.title}: {attendee.name}",
        )
    return result


def attendee_summary(attendee: Attendee) -> dict[str, Any]:
    """An attendance row as the sign-in answers show it."""
    return {
        "id": attendee.pk,
        "name": attendee.name,
        "is_guest": attendee.is_guest,
        "has_vote": attendee.has_vote,
        "status": attendee.status,
        "method": attendee.method,
        "signed_in_at": attendee.signed_in_at,
    }
