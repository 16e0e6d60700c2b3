"""Sign-in endpoints on the tenant host (mounted under ``/api/v1/meetings/``):

- ``GET {id}/qr`` (managers): the rotating code to show, its portal URL and the QR image; the
  console's full-screen sign-in page polls it.
- ``POST {id}/sign-in {code}`` (the signed-in person: an invitee, or a member of the meeting's
  organization): sign in by the scanned code.
- ``POST {id}/card-sign-in {card_number}`` (managers, the host's device): sign in an employee card.
- ``POST {id}/attendees/{aid}/sign-in`` (managers): sign someone in by hand, audited.

The two sign-in endpoints that take a code or a card number are throttled per caller, each
counted apart (``MEETINGS_SIGNIN_THROTTLE_RATE``): codes and card numbers are not to be guessed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import HasTenantRole, on_tenant_host
from partycloud.core.api import validated
from partycloud.core.throttling import AnonThrottle, ScopedThrottle, UserThrottle
from tenants.meetings.signin import (
    MANAGERS,
    SignIn,
    attendee_summary,
    current_qr,
    do_sign_in_by_card,
    do_sign_in_by_code,
    do_sign_in_by_hand,
    managed_meeting,
    meeting_or_404,
)


class CanManageMeetings(HasTenantRole):
    """Tenant admins, secretaries and committee members; the service checks their scope covers
    the meeting's organization."""

    roles = MANAGERS


class SignedInHere(BasePermission):
    """Signed in, on a tenant host; whether they may sign in to this meeting is the service's question."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and on_tenant_host())


class SignInThrottle(ScopedThrottle):
    """Sign-in attempts per caller, at ``MEETINGS_SIGNIN_THROTTLE_RATE``."""

    def get_rate(self) -> str | None:
        rate: str = settings.MEETINGS_SIGNIN_THROTTLE_RATE
        return rate


THROTTLES = [AnonThrottle, UserThrottle, SignInThrottle]


class MeetingQrSerializer(serializers.Serializer[Any]):
    url = serializers.CharField(help_text="the portal's sign-in page with the code (what the QR code holds)")
    code = serializers.CharField()
    expires_at = serializers.DateTimeField(help_text="the end of this window; the code is accepted one window more")
    window_seconds = serializers.IntegerField()
    svg_data_url = serializers.CharField(help_text="data:image/svg+xml;base64,… QR code of url")


class MeetingSignInCodeSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=64, help_text="the code of the scanned QR code")


class MeetingCardSerializer(serializers.Serializer[Any]):
    card_number = serializers.CharField(max_length=32, help_text="the employee card number, read or typed")


class MeetingSignedInAttendeeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    is_guest = serializers.BooleanField()
    has_vote = serializers.BooleanField()
    status = serializers.CharField()
    method = serializers.CharField(help_text="qr, card, manual or live")
    signed_in_at = serializers.DateTimeField(allow_null=True)


class MeetingSignInResultSerializer(serializers.Serializer[Any]):
    attendee = MeetingSignedInAttendeeSerializer()
    name = serializers.CharField()
    status = serializers.CharField(help_text="present")
    method = serializers.CharField()
    signed_in_at = serializers.DateTimeField(allow_null=True)
    already = serializers.BooleanField(help_text="signed in before: the first time is kept")


def _answer(result: SignIn) -> Response:
    attendee = result.attendee
    body = {
        "attendee": attendee_summary(attendee),
        "name": attendee.name,
        "status": attendee.status,
        "method": attendee.method,
        "signed_in_at": attendee.signed_in_at,
        "already": result.already,
    }
    return Response(MeetingSignInResultSerializer(body).data)


class MeetingQrView(APIView):
    """The code to show now (a new one every 30 s): poll it every few seconds. 400
    ``meetings.signin_closed`` outside start − 30 min .. end + 30 min."""

    permission_classes = [CanManageMeetings]

    @extend_schema(responses=MeetingQrSerializer)
    def get(self, request: Request, meeting_id: int) -> Response:
        actor = Actor.of(request)
        qr = current_qr(managed_meeting(actor, meeting_id), actor=actor)
        body = {"url": qr.url, "code": qr.code, "expires_at": qr.expires_at, "window_seconds": qr.window_seconds,
                "svg_data_url": qr.svg_data_url}  # fmt: skip
        return Response(MeetingQrSerializer(body).data)


class MeetingSignInView(APIView):
    """Sign in with the scanned code: an invitee, or a member of the meeting's organization who was
    not invited (added as an attendee). Once only: a second time answers ``already: true``."""

    permission_classes = [SignedInHere]
    throttle_classes = THROTTLES
    throttle_scope = "meetings_sign_in"

    @extend_schema(request=MeetingSignInCodeSerializer, responses=MeetingSignInResultSerializer)
    def post(self, request: Request, meeting_id: int) -> Response:
        data = validated(MeetingSignInCodeSerializer, request.data)
        return _answer(do_sign_in_by_code(meeting_or_404(meeting_id), data["code"], actor=Actor.of(request)))


class MeetingCardSignInView(APIView):
    """Sign in an employee card (the host's device): 404 ``meetings.card_unknown`` for a card the
    group's roster does not know, 400 ``meetings.card_not_member`` for a holder who is neither an
    invitee nor a member of the meeting's organization."""

    permission_classes = [CanManageMeetings]
    throttle_classes = THROTTLES
    throttle_scope = "meetings_card_sign_in"  # counted apart: a host signs in a room of cards

    @extend_schema(request=MeetingCardSerializer, responses=MeetingSignInResultSerializer)
    def post(self, request: Request, meeting_id: int) -> Response:
        actor = Actor.of(request)
        meeting = managed_meeting(actor, meeting_id)
        data = validated(MeetingCardSerializer, request.data)
        return _answer(do_sign_in_by_card(meeting, data["card_number"], actor=actor))


class MeetingManualSignInView(APIView):
    """Sign an attendee in by hand (method ``manual``, who did it is kept; audited)."""

    permission_classes = [CanManageMeetings]

    @extend_schema(request=None, responses=MeetingSignInResultSerializer)
    def post(self, request: Request, meeting_id: int, attendee_id: int) -> Response:
        actor = Actor.of(request)
        return _answer(do_sign_in_by_hand(managed_meeting(actor, meeting_id), attendee_id, actor=actor))


urlpatterns = [
    path("<int:meeting_id>/qr", MeetingQrView.as_view(), name="meeting-qr"),
    path("<int:meeting_id>/sign-in", MeetingSignInView.as_view(), name="meeting-sign-in"),
    path("<int:meeting_id>/card-sign-in", MeetingCardSignInView.as_view(), name="meeting-card-sign-in"),
    path(
        "<int:meeting_id>/attendees/<int:attendee_id>/sign-in",
        MeetingManualSignInView.as_view(),
        name="meeting-manual-sign-in",
    ),
]
