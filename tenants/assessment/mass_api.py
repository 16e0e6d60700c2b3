"""The masses' rating (群众测评) on the tenant host, under ``/api/v1/assessment/``
(docs/assessment.md, "Democratic evaluation"). Thin: parse, call ``tenants.assessment.mass``, render.

Console (the branch's workers, as for the round):

- ``GET evaluations/{id}/mass``: invited, voted, ballots, the branch's tally, the ballot page's URL.
- ``GET evaluations/{id}/mass/candidates?search=``: non-member employees of this party committee
  on the group's roster (not party members per HR, not members here), to pick by card number.
- ``GET|POST evaluations/{id}/mass/invitations``: the invitees; invite by card numbers. The
  one-time codes are in the POST's response ONLY (stored as hashes): print the slips then.
- ``POST evaluations/{id}/mass/invitations/{iid}/reissue``: a new code for a lost slip (not voted).
- ``DELETE evaluations/{id}/mass/invitations/{iid}``: withdraw an invitation not used.

Public ballot (no login, throttled; the code only ever in POST bodies, never in a URL):

- ``POST ballot/open {code}``: the round, the branch and the people to rate.
- ``POST ballot/vote {code, branch_grade, ratings}``: one vote per code; the ballot stores no link
  to the code or the person.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import on_tenant_host
from partycloud.core.api import validated
from partycloud.core.throttling import AnonThrottle, ScopedThrottle, UserThrottle
from tenants.assessment import evaluation, mass
from tenants.assessment.evaluation_api import CanReadEvaluations, EvaluationGradeCountsSerializer
from tenants.assessment.models import Grade, MassInvitation

# ------------------------------------------------------------------------------ console


class EvaluationMassSummarySerializer(serializers.Serializer[Any]):
    invited = serializers.IntegerField()
    voted = serializers.IntegerField()
    ballots = serializers.IntegerField()
    branch = EvaluationGradeCountsSerializer(help_text="the masses' rating of the branch itself")
    ballot_url = serializers.CharField(help_text="the ballot page (for the QR code on the slips; no code in it)")
    ballot_qr = serializers.CharField(help_text="data:image/svg+xml;base64,… QR code of ballot_url")
    can_invite = serializers.BooleanField(help_text="the round is draft or open and the caller manages it")


class EvaluationCandidateSerializer(serializers.Serializer[Any]):
    card_number = serializers.CharField()
    name = serializers.CharField()
    department = serializers.CharField(allow_blank=True)
    invited = serializers.BooleanField()


class EvaluationInvitationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    card_number = serializers.CharField()
    name = serializers.CharField()
    voted = serializers.BooleanField()
    issued_at = serializers.DateTimeField()


class EvaluationInviteSerializer(serializers.Serializer[Any]):
    card_numbers = serializers.ListField(
        child=serializers.CharField(max_length=32), min_length=1, max_length=500, help_text="employee card numbers"
    )


class EvaluationIssuedCodeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="the invitation's id")
    card_number = serializers.CharField()
    name = serializers.CharField()
    department = serializers.CharField(allow_blank=True)
    code = serializers.CharField(help_text="the one-time code: shown once, never again")


class EvaluationRefusedCardSerializer(serializers.Serializer[Any]):
    card_number = serializers.CharField()
    code = serializers.CharField(help_text="the error code, e.g. evaluation.card_party_member")
    message = serializers.CharField()


class EvaluationInviteResultSerializer(serializers.Serializer[Any]):
    issued = EvaluationIssuedCodeSerializer(many=True)
    refused = EvaluationRefusedCardSerializer(many=True)
    ballot_url = serializers.CharField()
    ballot_qr = serializers.CharField(help_text="data:image/svg+xml;base64,… QR code of ballot_url")


class MassSummaryView(APIView):
    permission_classes = [CanReadEvaluations]

    @extend_schema(responses=EvaluationMassSummarySerializer)
    def get(self, request: Request, round_id: int) -> Response:
        actor = Actor.of(request)
        round_ = evaluation.round_for(actor, round_id)
        return Response(EvaluationMassSummarySerializer(mass.summary(actor, round_)).data)


class CandidateListView(generics.GenericAPIView[Any]):
    """Non-member employees of this party committee on the roster (``?search=`` card number or name)."""

    permission_classes = [CanReadEvaluations]
    serializer_class = EvaluationCandidateSerializer
    queryset = MassInvitation.objects.none()

    @extend_schema(parameters=[OpenApiParameter("search", str)], responses=EvaluationCandidateSerializer(many=True))
    def get(self, request: Request, round_id: int) -> Response:
        actor = Actor.of(request)
        round_ = evaluation.round_for(actor, round_id)
        page = self.paginate_queryset(mass.candidates(round_, request.query_params.get("search") or ""))
        assert page is not None
        return self.get_paginated_response(
            EvaluationCandidateSerializer(mass.candidate_rows(round_, page), many=True).data
        )


class InvitationListView(generics.GenericAPIView[Any]):
    """Invitees by card number; POST invites (codes in the response only)."""

    permission_classes = [CanReadEvaluations]
    serializer_class = EvaluationInvitationSerializer
    queryset = MassInvitation.objects.none()

    @extend_schema(responses=EvaluationInvitationSerializer(many=True))
    def get(self, request: Request, round_id: int) -> Response:
        round_ = evaluation.round_for(Actor.of(request), round_id)
        page = self.paginate_queryset(mass.invitations_of(round_))
        assert page is not None
        return self.get_paginated_response(EvaluationInvitationSerializer(page, many=True).data)

    @extend_schema(request=EvaluationInviteSerializer, responses={201: EvaluationInviteResultSerializer})
    def post(self, request: Request, round_id: int) -> Response:
        actor = Actor.of(request)
        round_ = evaluation.round_for(actor, round_id)
        data = validated(EvaluationInviteSerializer, request.data)
        result = mass.do_invite(round_, data["card_numbers"], actor=actor)
        return Response(EvaluationInviteResultSerializer(result).data, status=201)


def _invitation(request: Request, round_id: int, invitation_id: int) -> MassInvitation:
    round_ = evaluation.round_for(Actor.of(request), round_id)
    return mass.invitation_of(round_, invitation_id)


class InvitationView(APIView):
    permission_classes = [CanReadEvaluations]

    @extend_schema(responses=EvaluationInvitationSerializer)
    def get(self, request: Request, round_id: int, invitation_id: int) -> Response:
        return Response(EvaluationInvitationSerializer(_invitation(request, round_id, invitation_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, round_id: int, invitation_id: int) -> Response:
        mass.do_withdraw(_invitation(request, round_id, invitation_id), actor=Actor.of(request))
        return Response(status=204)


class InvitationReissueView(APIView):
    """A new one-time code for a lost slip, replacing the old one (refused once voted)."""

    permission_classes = [CanReadEvaluations]

    @extend_schema(request=None, responses=EvaluationIssuedCodeSerializer)
    def post(self, request: Request, round_id: int, invitation_id: int) -> Response:
        issued = mass.do_reissue(_invitation(request, round_id, invitation_id), actor=Actor.of(request))
        return Response(EvaluationIssuedCodeSerializer(issued).data)


# ------------------------------------------------------------------------------ the public ballot


class OnTenantHost(AllowAny):
    def has_permission(self, request: Request, view: Any) -> bool:
        return on_tenant_host()


class BallotThrottle(ScopedThrottle):
    """Ballot requests per caller (address), at ``ASSESSMENT_BALLOT_THROTTLE_RATE``: codes are not
    to be guessed."""

    def get_rate(self) -> str | None:
        rate: str = settings.ASSESSMENT_BALLOT_THROTTLE_RATE
        return rate


class EvaluationBallotCodeSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=32, help_text="the one-time code on the slip")


class EvaluationBallotPersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="the participant to rate")
    name = serializers.CharField()


class EvaluationBallotSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(help_text="the round's title")
    year = serializers.IntegerField()
    branch = serializers.CharField(help_text="the branch's name")
    people = EvaluationBallotPersonSerializer(many=True, help_text="the graded participants to rate, by name")


class EvaluationBallotRatingSerializer(serializers.Serializer[Any]):
    participant = serializers.IntegerField()
    grade = serializers.ChoiceField(choices=Grade.choices)


class EvaluationBallotVoteSerializer(EvaluationBallotCodeSerializer):
    branch_grade = serializers.ChoiceField(
        choices=Grade.choices, required=False, allow_blank=True, default="", help_text="the branch itself (optional)"
    )
    ratings = EvaluationBallotRatingSerializer(many=True, help_text="every person on the ballot, once each")


class EvaluationBallotVotedSerializer(serializers.Serializer[Any]):
    voted = serializers.BooleanField()


class _BallotView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [OnTenantHost]
    throttle_classes = [AnonThrottle, UserThrottle, BallotThrottle]
    throttle_scope = "assessment_ballot"


class BallotOpenView(_BallotView):
    """The ballot a code opens (the code stays valid until it votes)."""

    @extend_schema(request=EvaluationBallotCodeSerializer, responses=EvaluationBallotSerializer, auth=[])
    def post(self, request: Request) -> Response:
        data = validated(EvaluationBallotCodeSerializer, request.data)
        return Response(EvaluationBallotSerializer(mass.ballot_for(data["code"])).data)


class BallotVoteView(_BallotView):
    """Cast the ballot: the code is spent and an anonymous ballot stored, in one transaction."""

    @extend_schema(request=EvaluationBallotVoteSerializer, responses=EvaluationBallotVotedSerializer, auth=[])
    def post(self, request: Request) -> Response:
        data = validated(EvaluationBallotVoteSerializer, request.data)
        mass.do_vote(data["code"], branch_grade=data["branch_grade"], ratings=data["ratings"])
        return Response({"voted": True})


urlpatterns: list[URLPattern] = [
    path("evaluations/<int:round_id>/mass", MassSummaryView.as_view(), name="evaluation-mass"),
    path("evaluations/<int:round_id>/mass/candidates", CandidateListView.as_view(), name="evaluation-mass-candidates"),
    path(
        "evaluations/<int:round_id>/mass/invitations", InvitationListView.as_view(), name="evaluation-mass-invitations"
    ),
    path(
        "evaluations/<int:round_id>/mass/invitations/<int:invitation_id>",
        InvitationView.as_view(),
        name="evaluation-mass-invitation",
    ),
    path(
        "evaluations/<int:round_id>/mass/invitations/<int:invitation_id>/reissue",
        InvitationReissueView.as_view(),
        name="evaluation-mass-reissue",
    ),
    path("ballot/open", BallotOpenView.as_view(), name="evaluation-ballot-open"),
    path("ballot/vote", BallotVoteView.as_view(), name="evaluation-ballot-vote"),
]
