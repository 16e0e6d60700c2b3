"""Democratic evaluation (民主评议党员) on the tenant host, under ``/api/v1/assessment/evaluations/``
(docs/assessment.md, "Democratic evaluation"). Thin: parse, call ``tenants.assessment.evaluation``,
render.

Console (tenant admins, and secretaries / committee members over the branch; the discipline
inspector reads):

- ``GET|POST rules``: rule versions (excellent at most numerator/denominator of the full members
  graded); a tenant admin adds a local version.
- ``GET|POST ""``: rounds in scope (``?organization=`` subtree, ``?year=``, ``?status=``); create a
  branch's round for a year (participants from its active members).
- ``GET|PATCH {id}``: a round (PATCH title and dates while draft).
- ``POST {id}/open|close|confirm``: the state machine (draft → open → closed → decided → confirmed).
- ``GET {id}/participants``: participants with their self-review, the tallies of the peer and the
  mass ratings per grade (never who rated what) and the decision; ``PATCH {id}/participants/{pid}``
  marks one excused (absent with leave) before the decision.
- ``GET {id}/meetings``: the branch's held general meetings a decision may link.
- ``POST {id}/decision``: the general meeting's grades (closed or decided rounds).

Member (portal): ``GET mine``, ``GET mine/{round id}``, ``PUT mine/{round id}/self-review``,
``PUT mine/{round id}/ratings``.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import HasTenantRole, IsTenantUser
from partycloud.core.api import validated
from tenants.assessment import evaluation
from tenants.assessment.models import EvaluationRound, FollowUp, Grade, RoundStatus

# ------------------------------------------------------------------------------ shared shapes


class CanReadEvaluations(HasTenantRole):
    """Managers (tenant admin, secretaries, committee members) change; the discipline inspector reads.
    The services check the caller's scope covers the round's branch."""

    roles = evaluation.MANAGERS
    read_roles = evaluation.READERS


class EvaluationGradeCountsSerializer(serializers.Serializer[Any]):
    """How many ratings gave each grade (an aggregate: never who gave which)."""

    excellent = serializers.IntegerField()
    qualified = serializers.IntegerField()
    basically_qualified = serializers.IntegerField()
    unqualified = serializers.IntegerField()
    total = serializers.IntegerField()


class EvaluationRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


# ------------------------------------------------------------------------------ rules


class EvaluationRuleSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    version = serializers.CharField()
    effective_from = serializers.DateField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.source
    is_local = serializers.BooleanField()
    excellent_numerator = serializers.IntegerField()
    excellent_denominator = serializers.IntegerField()


class EvaluationRuleCreateSerializer(serializers.Serializer[Any]):
    version = serializers.CharField(max_length=40)
    effective_from = serializers.DateField()
    source = serializers.CharField(max_length=200, required=False, default="")  # type: ignore[assignment]  # a field named like Field.source
    excellent_numerator = serializers.IntegerField(min_value=0, max_value=100)
    excellent_denominator = serializers.IntegerField(min_value=1, max_value=100)


class RuleListView(APIView):
    """Rule versions, newest first; a tenant admin adds a local version (on or after this year's
    first day)."""

    permission_classes = [CanReadEvaluations]

    @extend_schema(responses=EvaluationRuleSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(EvaluationRuleSerializer(evaluation.rules(), many=True).data)

    @extend_schema(request=EvaluationRuleCreateSerializer, responses={201: EvaluationRuleSerializer})
    def post(self, request: Request) -> Response:
        data = validated(EvaluationRuleCreateSerializer, request.data)
        rule = evaluation.do_create_local_rule(actor=Actor.of(request), **data)
        return Response(EvaluationRuleSerializer(rule).data, status=201)


# ------------------------------------------------------------------------------ rounds


class EvaluationRoundRuleSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    version = serializers.CharField()
    excellent_numerator = serializers.IntegerField()
    excellent_denominator = serializers.IntegerField()


class EvaluationRoundRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    year = serializers.IntegerField()
    organization = EvaluationRefSerializer()
    status = serializers.ChoiceField(choices=RoundStatus.choices)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    rule = EvaluationRoundRuleSerializer()
    participant_count = serializers.IntegerField()
    graded_count = serializers.IntegerField(help_text="full members graded (not probationary, not excused)")
    self_submitted_count = serializers.IntegerField()
    invited_count = serializers.IntegerField(help_text="the masses invited")
    voted_count = serializers.IntegerField(help_text="the masses who voted")


class EvaluationMeetingSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    held_on = serializers.DateField()


class EvaluationRoundSerializer(EvaluationRoundRowSerializer):
    excellent_cap = serializers.IntegerField(help_text="the most excellent grades the rule allows in this round")
    full_graded_count = serializers.IntegerField(help_text="full members graded: the base of the cap")
    decision_meeting = EvaluationMeetingSerializer(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    confirmed_by = serializers.CharField(allow_blank=True, help_text="the confirming user's name")
    mass_branch = EvaluationGradeCountsSerializer(help_text="the masses' rating of the branch itself")
    can_manage = serializers.BooleanField(help_text="the caller may change the round and enter the decision")
    can_confirm = serializers.BooleanField(help_text="the caller is the upper committee and the round is decided")


class EvaluationRoundCreateSerializer(serializers.Serializer[Any]):
    organization = serializers.IntegerField(help_text="a party branch (党支部)")
    year = serializers.IntegerField(required=False, help_text="the year evaluated; the opening day's year by default")
    title = serializers.CharField(max_length=200)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()


class EvaluationRoundChangeSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200, required=False)
    opens_on = serializers.DateField(required=False)
    closes_on = serializers.DateField(required=False)


def _round(request: Request, round_id: int) -> EvaluationRound:
    return evaluation.round_for(Actor.of(request), round_id)


def _round_body(request: Request, round_: EvaluationRound) -> Any:
    return EvaluationRoundSerializer(evaluation.round_detail(Actor.of(request), round_)).data


class RoundListView(generics.GenericAPIView[Any]):
    """Rounds the caller may read, newest year first."""

    permission_classes = [CanReadEvaluations]
    serializer_class = EvaluationRoundRowSerializer
    queryset = EvaluationRound.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("organization", int, description="the organization's subtree"),
            OpenApiParameter("year", int),
            OpenApiParameter("status", str, enum=RoundStatus.values),
        ],
        responses=EvaluationRoundRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        rounds = evaluation.filter_rounds(
            evaluation.visible_rounds(Actor.of(request)),
            organization=params.get("organization"),
            year=params.get("year"),
            status=params.get("status"),
        )
        page = self.paginate_queryset(evaluation.with_counts(rounds))
        assert page is not None
        return self.get_paginated_response(
            EvaluationRoundRowSerializer([evaluation.round_row(r) for r in page], many=True).data
        )

    @extend_schema(request=EvaluationRoundCreateSerializer, responses={201: EvaluationRoundSerializer})
    def post(self, request: Request) -> Response:
        data = validated(EvaluationRoundCreateSerializer, request.data)
        round_ = evaluation.do_create_round(actor=Actor.of(request), **data)
        return Response(_round_body(request, round_), status=201)


class RoundView(APIView):
    permission_classes = [CanReadEvaluations]

    @extend_schema(responses=EvaluationRoundSerializer)
    def get(self, request: Request, round_id: int) -> Response:
        return Response(_round_body(request, _round(request, round_id)))

    @extend_schema(request=EvaluationRoundChangeSerializer, responses=EvaluationRoundSerializer)
    def patch(self, request: Request, round_id: int) -> Response:
        data = validated(EvaluationRoundChangeSerializer, request.data)
        round_ = evaluation.do_update_round(_round(request, round_id), actor=Actor.of(request), **data)
        return Response(_round_body(request, round_))


class _TransitionView(APIView):
    permission_classes = [CanReadEvaluations]
    target: str = ""

    @extend_schema(request=None, responses=EvaluationRoundSerializer)
    def post(self, request: Request, round_id: int) -> Response:
        round_ = evaluation.do_transition(_round(request, round_id), self.target, actor=Actor.of(request))
        return Response(_round_body(request, round_))


class RoundOpenView(_TransitionView):
    """draft → open: participants are notified; self-review, peer review and the masses' rating begin."""

    target = RoundStatus.OPEN


class RoundCloseView(_TransitionView):
    """open → closed: ratings stop; the tallies are shown for the general meeting's decision."""

    target = RoundStatus.CLOSED


class RoundConfirmView(_TransitionView):
    """decided → confirmed by the upper committee (the parent organization's workers or the tenant
    admin): locked; members see their grade."""

    target = RoundStatus.CONFIRMED


# ------------------------------------------------------------------------------ participants


class EvaluationParticipantSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    member = EvaluationRefSerializer()
    membership = serializers.CharField(help_text="full | probationary (the member's record)")
    graded = serializers.BooleanField(help_text="False: probationary, takes part but is not graded")
    excused = serializers.BooleanField(help_text="absent with leave: not graded")
    self_review = serializers.CharField(allow_blank=True)
    self_submitted_at = serializers.DateTimeField(allow_null=True)
    ratings_given = serializers.IntegerField(help_text="how many peers this participant has rated")
    ratings_expected = serializers.IntegerField(help_text="how many peers this participant is to rate")
    peer = EvaluationGradeCountsSerializer(allow_null=True, help_text="peer ratings received per grade (after close)")
    mass = EvaluationGradeCountsSerializer(allow_null=True, help_text="the masses' ratings per grade (after close)")
    peer_comments = serializers.ListField(
        child=serializers.CharField(), help_text="peer comments, unattributed and sorted (after close)"
    )
    grade = serializers.CharField(allow_blank=True, help_text="the general meeting's grade, '' until decided")
    unqualified_reasons = serializers.CharField(allow_blank=True)
    follow_up = serializers.CharField(allow_blank=True)
    follow_up_deadline = serializers.DateField(allow_null=True)


class EvaluationParticipantChangeSerializer(serializers.Serializer[Any]):
    excused = serializers.BooleanField()


class ParticipantListView(generics.GenericAPIView[Any]):
    """The round's participants (graded first, then by name), with tallies once the round is closed."""

    permission_classes = [CanReadEvaluations]
    serializer_class = EvaluationParticipantSerializer
    queryset = EvaluationRound.objects.none()

    @extend_schema(responses=EvaluationParticipantSerializer(many=True))
    def get(self, request: Request, round_id: int) -> Response:
        round_ = _round(request, round_id)
        page = self.paginate_queryset(evaluation.participants_of(round_))
        assert page is not None
        rows = evaluation.participant_rows(round_, page)
        return self.get_paginated_response(EvaluationParticipantSerializer(rows, many=True).data)


class ParticipantView(APIView):
    permission_classes = [CanReadEvaluations]

    @extend_schema(responses=EvaluationParticipantSerializer)
    def get(self, request: Request, round_id: int, participant_id: int) -> Response:
        round_ = _round(request, round_id)
        participant = evaluation.participant_of(round_, participant_id)
        return Response(EvaluationParticipantSerializer(evaluation.participant_rows(round_, [participant])[0]).data)

    @extend_schema(request=EvaluationParticipantChangeSerializer, responses=EvaluationParticipantSerializer)
    def patch(self, request: Request, round_id: int, participant_id: int) -> Response:
        round_ = _round(request, round_id)
        data = validated(EvaluationParticipantChangeSerializer, request.data)
        participant = evaluation.do_set_excused(
            evaluation.participant_of(round_, participant_id), data["excused"], actor=Actor.of(request)
        )
        return Response(EvaluationParticipantSerializer(evaluation.participant_rows(round_, [participant])[0]).data)


class DecisionMeetingsView(APIView):
    """Held general meetings (党员大会) of the round's branch: what a decision may link."""

    permission_classes = [CanReadEvaluations]

    @extend_schema(responses=EvaluationMeetingSerializer(many=True))
    def get(self, request: Request, round_id: int) -> Response:
        round_ = _round(request, round_id)
        return Response(EvaluationMeetingSerializer(evaluation.decision_meetings(round_), many=True).data)


# ------------------------------------------------------------------------------ decision


class EvaluationDecisionGradeSerializer(serializers.Serializer[Any]):
    participant = serializers.IntegerField()
    grade = serializers.ChoiceField(choices=Grade.choices)
    unqualified_reasons = serializers.CharField(required=False, allow_blank=True, default="")
    follow_up = serializers.ChoiceField(choices=FollowUp.choices, required=False, allow_blank=True, default="")
    follow_up_deadline = serializers.DateField(required=False, allow_null=True, default=None)


class EvaluationDecisionSerializer(serializers.Serializer[Any]):
    decision_meeting_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="a held general meeting of the branch"
    )
    grades = EvaluationDecisionGradeSerializer(many=True, help_text="one per graded, non-excused participant")


class DecisionView(APIView):
    """The branch general meeting's decision, entered by the branch's worker: a grade for every
    graded, non-excused participant (excellent ≤ the rule's cap; unqualified with reasons and a
    follow-up). closed → decided; a decided round may be decided again until confirmed."""

    permission_classes = [CanReadEvaluations]

    @extend_schema(request=EvaluationDecisionSerializer, responses=EvaluationRoundSerializer)
    def post(self, request: Request, round_id: int) -> Response:
        data = validated(EvaluationDecisionSerializer, request.data)
        round_ = evaluation.do_decide(
            _round(request, round_id),
            data["grades"],
            decision_meeting_id=data["decision_meeting_id"],
            actor=Actor.of(request),
        )
        return Response(_round_body(request, round_))


# ------------------------------------------------------------------------------ the member's side


class EvaluationMyRoundSerializer(serializers.Serializer[Any]):
    round = serializers.IntegerField(help_text="the round's id")
    participant = serializers.IntegerField(help_text="your participation's id")
    title = serializers.CharField()
    year = serializers.IntegerField()
    organization = EvaluationRefSerializer()
    status = serializers.ChoiceField(choices=RoundStatus.choices)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    graded = serializers.BooleanField()
    excused = serializers.BooleanField()
    self_review = serializers.CharField(allow_blank=True)
    self_submitted_at = serializers.DateTimeField(allow_null=True)
    ratings_given = serializers.IntegerField()
    ratings_expected = serializers.IntegerField()
    grade = serializers.CharField(allow_blank=True, help_text="your grade, shown once confirmed ('' before)")
    follow_up = serializers.CharField(allow_blank=True, help_text="after an unqualified grade, once confirmed")
    follow_up_deadline = serializers.DateField(allow_null=True)
    peer = EvaluationGradeCountsSerializer(
        allow_null=True, help_text="peer ratings you received, per grade (after close)"
    )
    mass = EvaluationGradeCountsSerializer(
        allow_null=True, help_text="the masses' ratings of you, per grade (after close)"
    )


class EvaluationMyRatingSerializer(serializers.Serializer[Any]):
    participant = serializers.IntegerField(help_text="the participant you rate")
    name = serializers.CharField()
    grade = serializers.CharField(allow_blank=True, help_text="your rating, '' if not rated yet")
    comment = serializers.CharField(allow_blank=True)


class EvaluationMyRoundDetailSerializer(EvaluationMyRoundSerializer):
    ratings = EvaluationMyRatingSerializer(many=True, help_text="the graded participants you rate (never yourself)")


class EvaluationSelfReviewSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(allow_blank=True, max_length=20000)
    submit = serializers.BooleanField(default=False, help_text="True submits it (it can still be edited while open)")


class EvaluationRatingChangeSerializer(serializers.Serializer[Any]):
    participant = serializers.IntegerField()
    grade = serializers.ChoiceField(choices=Grade.choices)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class EvaluationRatingsSerializer(serializers.Serializer[Any]):
    ratings = EvaluationRatingChangeSerializer(many=True)


class MyRoundsView(generics.GenericAPIView[Any]):
    """Rounds you take part in, newest first."""

    permission_classes = [IsTenantUser]
    serializer_class = EvaluationMyRoundSerializer
    queryset = EvaluationRound.objects.none()

    @extend_schema(responses=EvaluationMyRoundSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(evaluation.my_participations(Actor.of(request)))
        assert page is not None
        return self.get_paginated_response(EvaluationMyRoundSerializer(evaluation.my_rows(page), many=True).data)


def _mine(request: Request, round_id: int) -> Any:
    return evaluation.my_participation(Actor.of(request), round_id)


class MyRoundView(APIView):
    permission_classes = [IsTenantUser]

    @extend_schema(responses=EvaluationMyRoundDetailSerializer)
    def get(self, request: Request, round_id: int) -> Response:
        return Response(EvaluationMyRoundDetailSerializer(evaluation.my_detail(_mine(request, round_id))).data)


class MySelfReviewView(APIView):
    """Write (and submit) your self-review while the round is open."""

    permission_classes = [IsTenantUser]

    @extend_schema(request=EvaluationSelfReviewSerializer, responses=EvaluationMyRoundDetailSerializer)
    def put(self, request: Request, round_id: int) -> Response:
        data = validated(EvaluationSelfReviewSerializer, request.data)
        participant = evaluation.do_save_self_review(
            _mine(request, round_id), data["text"], submit=data["submit"], actor=Actor.of(request)
        )
        return Response(EvaluationMyRoundDetailSerializer(evaluation.my_detail(participant)).data)


class MyRatingsView(APIView):
    """Rate other participants (any subset; a rating may be changed until the round closes)."""

    permission_classes = [IsTenantUser]

    @extend_schema(request=EvaluationRatingsSerializer, responses=EvaluationMyRoundDetailSerializer)
    def put(self, request: Request, round_id: int) -> Response:
        data = validated(EvaluationRatingsSerializer, request.data)
        participant = evaluation.do_rate(_mine(request, round_id), data["ratings"], actor=Actor.of(request))
        return Response(EvaluationMyRoundDetailSerializer(evaluation.my_detail(participant)).data)


urlpatterns: list[URLPattern] = [
    path("evaluations", RoundListView.as_view(), name="evaluation-rounds"),
    path("evaluations/rules", RuleListView.as_view(), name="evaluation-rules"),
    path("evaluations/mine", MyRoundsView.as_view(), name="evaluation-mine"),
    path("evaluations/mine/<int:round_id>", MyRoundView.as_view(), name="evaluation-mine-detail"),
    path("evaluations/mine/<int:round_id>/self-review", MySelfReviewView.as_view(), name="evaluation-mine-self-review"),
    path("evaluations/mine/<int:round_id>/ratings", MyRatingsView.as_view(), name="evaluation-mine-ratings"),
    path("evaluations/<int:round_id>", RoundView.as_view(), name="evaluation-round"),
    path("evaluations/<int:round_id>/open", RoundOpenView.as_view(), name="evaluation-open"),
    path("evaluations/<int:round_id>/close", RoundCloseView.as_view(), name="evaluation-close"),
    path("evaluations/<int:round_id>/confirm", RoundConfirmView.as_view(), name="evaluation-confirm"),
    path("evaluations/<int:round_id>/decision", DecisionView.as_view(), name="evaluation-decision"),
    path("evaluations/<int:round_id>/meetings", DecisionMeetingsView.as_view(), name="evaluation-meetings"),
    path("evaluations/<int:round_id>/participants", ParticipantListView.as_view(), name="evaluation-participants"),
    path(
        "evaluations/<int:round_id>/participants/<int:participant_id>",
        ParticipantView.as_view(),
        name="evaluation-participant",
    ),
]
