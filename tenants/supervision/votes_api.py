"""Anonymous votes (匿名投票) on the tenant host, under ``/api/v1/supervision/`` (docs/supervision.md,
"Anonymous votes"). Thin: parse, call ``tenants.supervision.votes``, render.

Console (the workers of the vote's unit; the discipline inspector reads):

- ``GET|POST votes``: votes in scope (``?organization=`` subtree, ``?status=``); create a draft
  with its options.
- ``GET|PATCH|DELETE votes/{id}``: a vote; PATCH (``options`` replaces them all) and DELETE while
  draft.
- ``POST votes/{id}/open|close|cancel``: open fixes the eligible voters (and notifies them).
- ``GET votes/{id}/turnout``: voted / eligible, live.
- ``GET votes/{id}/tally``: the counts per option, only once the vote is closed (409 before).

Member (portal): ``GET votes/mine``, ``GET votes/mine/{id}`` (options, whether you voted, the live
turnout), ``POST votes/mine/{id}/cast {options}`` (once; the choice only ever in the body, never
in a URL, a log line or a stored row beside you), ``GET votes/mine/{id}/tally`` (after closing).
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
from tenants.supervision import votes
from tenants.supervision.announcements_api import SupervisionOrganizationRefSerializer
from tenants.supervision.models import CampaignStatus, Scope, Vote
from tenants.supervision.surveys_api import OWN_SCOPES


class CanRunVotes(HasTenantRole):
    """The unit's workers change; the discipline inspector reads. The services check the scope."""

    roles = votes.MANAGERS
    read_roles = votes.READERS


class VoteOptionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    text = serializers.CharField()


class VoteTurnoutSerializer(serializers.Serializer[Any]):
    eligible_count = serializers.IntegerField(help_text="fixed when the vote opens")
    voted_count = serializers.IntegerField()
    turnout = serializers.FloatField(help_text="voted / eligible, 0–100, one decimal")


class VoteRowSerializer(VoteTurnoutSerializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    organization = SupervisionOrganizationRefSerializer()
    scope = serializers.ChoiceField(choices=Scope.choices)
    max_choices = serializers.IntegerField(help_text="each voter picks 1..max_choices options")
    status = serializers.ChoiceField(choices=CampaignStatus.choices)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    created_by = serializers.CharField(allow_blank=True, help_text="the creator's name")
    created_at = serializers.DateTimeField()


class VoteSerializer(VoteRowSerializer):
    description = serializers.CharField(allow_blank=True)
    options = VoteOptionSerializer(many=True)
    can_manage = serializers.BooleanField(help_text="the caller may open, close and cancel it")
    can_edit = serializers.BooleanField(help_text="can_manage and the vote is a draft")
    tally_available = serializers.BooleanField(help_text="the vote is closed: the tally can be read")


class VoteCreateSerializer(serializers.Serializer[Any]):
    organization = serializers.IntegerField(help_text="the unit running the vote")
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    scope = serializers.ChoiceField(choices=OWN_SCOPES, default=Scope.SUBTREE)
    max_choices = serializers.IntegerField(default=1, min_value=1, max_value=100)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    options = serializers.ListField(
        child=serializers.CharField(max_length=200), min_length=2, max_length=100, help_text="the options' texts"
    )


class VoteChangeSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    scope = serializers.ChoiceField(choices=OWN_SCOPES, required=False)
    max_choices = serializers.IntegerField(required=False, min_value=1, max_value=100)
    opens_at = serializers.DateTimeField(required=False)
    closes_at = serializers.DateTimeField(required=False)
    options = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        min_length=2,
        max_length=100,
        help_text="replaces every option",
    )


class VoteTallyOptionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    text = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField(help_text="share of the voters who chose it, 0–100, one decimal")


class VoteTallySerializer(VoteTurnoutSerializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    max_choices = serializers.IntegerField()
    closed_at = serializers.DateTimeField(allow_null=True)
    options = VoteTallyOptionSerializer(many=True, help_text="in the vote's order (not by count)")


def _vote(request: Request, vote_id: int) -> Vote:
    return votes.vote_for(Actor.of(request), vote_id)


def _vote_body(request: Request, vote: Vote) -> Any:
    return VoteSerializer(votes.vote_detail(Actor.of(request), vote)).data


class VoteListView(generics.GenericAPIView[Any]):
    """Votes of the units the caller covers, newest window first."""

    permission_classes = [CanRunVotes]
    serializer_class = VoteRowSerializer
    queryset = Vote.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("organization", int, description="the organization's subtree"),
            OpenApiParameter("status", str, enum=CampaignStatus.values),
        ],
        responses=VoteRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        rows = votes.filter_votes(
            votes.visible_votes(Actor.of(request)), organization=params.get("organization"), status=params.get("status")
        )
        page = self.paginate_queryset(rows)
        assert page is not None
        return self.get_paginated_response(VoteRowSerializer(votes.vote_rows(page), many=True).data)

    @extend_schema(request=VoteCreateSerializer, responses={201: VoteSerializer})
    def post(self, request: Request) -> Response:
        data = validated(VoteCreateSerializer, request.data)
        vote = votes.do_create_vote(actor=Actor.of(request), **data)
        return Response(_vote_body(request, vote), status=201)


class VoteView(APIView):
    permission_classes = [CanRunVotes]

    @extend_schema(responses=VoteSerializer)
    def get(self, request: Request, vote_id: int) -> Response:
        return Response(_vote_body(request, _vote(request, vote_id)))

    @extend_schema(request=VoteChangeSerializer, responses=VoteSerializer)
    def patch(self, request: Request, vote_id: int) -> Response:
        data = validated(VoteChangeSerializer, request.data)
        vote = votes.do_update_vote(_vote(request, vote_id), actor=Actor.of(request), **data)
        return Response(_vote_body(request, vote))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, vote_id: int) -> Response:
        votes.do_delete_vote(_vote(request, vote_id), actor=Actor.of(request))
        return Response(status=204)


class _VoteTransitionView(APIView):
    permission_classes = [CanRunVotes]
    target: str = ""

    @extend_schema(request=None, responses=VoteSerializer)
    def post(self, request: Request, vote_id: int) -> Response:
        vote = votes.do_transition(_vote(request, vote_id), self.target, actor=Actor.of(request))
        return Response(_vote_body(request, vote))


class VoteOpenView(_VoteTransitionView):
    """draft → open now (before ``opens_at`` too): the eligible voters are fixed and notified."""

    target = CampaignStatus.OPEN


class VoteCloseView(_VoteTransitionView):
    """open → closed now: casting stops and the tally can be read."""

    target = CampaignStatus.CLOSED


class VoteCancelView(_VoteTransitionView):
    """draft or open → cancelled: casting stops and no tally is ever shown."""

    target = CampaignStatus.CANCELLED


class VoteTurnoutView(APIView):
    """Voted / eligible, live (never who voted for what)."""

    permission_classes = [CanRunVotes]

    @extend_schema(responses=VoteTurnoutSerializer)
    def get(self, request: Request, vote_id: int) -> Response:
        return Response(VoteTurnoutSerializer(votes.turnout(_vote(request, vote_id))).data)


class VoteTallyView(APIView):
    """The counts per option: only once the vote is closed (409 ``supervision.vote_tally_hidden``)."""

    permission_classes = [CanRunVotes]

    @extend_schema(responses=VoteTallySerializer)
    def get(self, request: Request, vote_id: int) -> Response:
        return Response(VoteTallySerializer(votes.tally(_vote(request, vote_id))).data)


# ------------------------------------------------------------------------------ the member's side


class VoteMineRowSerializer(VoteTurnoutSerializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    organization = SupervisionOrganizationRefSerializer()
    max_choices = serializers.IntegerField()
    status = serializers.ChoiceField(choices=CampaignStatus.choices)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    voted = serializers.BooleanField(help_text="you have voted (what you chose is kept nowhere)")
    can_vote = serializers.BooleanField(help_text="open and not voted yet")
    tally_available = serializers.BooleanField(help_text="the vote is closed: the tally can be read")


class VoteMineSerializer(VoteMineRowSerializer):
    description = serializers.CharField(allow_blank=True)
    options = VoteOptionSerializer(many=True)


class VoteCastSerializer(serializers.Serializer[Any]):
    options = serializers.ListField(
        child=serializers.IntegerField(), min_length=1, max_length=100, help_text="1..max_choices distinct option ids"
    )


class VoteCastResultSerializer(VoteTurnoutSerializer):
    voted = serializers.BooleanField()


class MyVotesView(generics.GenericAPIView[Any]):
    """Votes you are eligible in (open first, then the newest)."""

    permission_classes = [IsTenantUser]
    serializer_class = VoteMineRowSerializer
    queryset = Vote.objects.none()

    @extend_schema(responses=VoteMineRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        actor = Actor.of(request)
        page = self.paginate_queryset(votes.my_votes(actor))
        assert page is not None
        return self.get_paginated_response(VoteMineRowSerializer(votes.my_rows(actor, page), many=True).data)


def _my_vote(request: Request, vote_id: int) -> Vote:
    return votes.my_vote(Actor.of(request), vote_id)


class MyVoteView(APIView):
    permission_classes = [IsTenantUser]

    @extend_schema(responses=VoteMineSerializer)
    def get(self, request: Request, vote_id: int) -> Response:
        actor = Actor.of(request)
        return Response(VoteMineSerializer(votes.my_detail(actor, _my_vote(request, vote_id))).data)


class MyVoteCastView(APIView):
    """Cast your vote, once. Nothing pairs you with your choice: see docs/supervision.md."""

    permission_classes = [IsTenantUser]

    @extend_schema(request=VoteCastSerializer, responses=VoteCastResultSerializer)
    def post(self, request: Request, vote_id: int) -> Response:
        data = validated(VoteCastSerializer, request.data)
        vote = votes.do_cast(_my_vote(request, vote_id), data["options"], actor=Actor.of(request))
        return Response(VoteCastResultSerializer({"voted": True, **votes.turnout(vote)}).data)


class MyVoteTallyView(APIView):
    """The tally, once the vote is closed (409 before)."""

    permission_classes = [IsTenantUser]

    @extend_schema(responses=VoteTallySerializer)
    def get(self, request: Request, vote_id: int) -> Response:
        return Response(VoteTallySerializer(votes.tally(_my_vote(request, vote_id))).data)


urlpatterns: list[URLPattern] = [
    path("votes", VoteListView.as_view(), name="supervision-votes"),
    path("votes/mine", MyVotesView.as_view(), name="supervision-votes-mine"),
    path("votes/mine/<int:vote_id>", MyVoteView.as_view(), name="supervision-vote-mine"),
    path("votes/mine/<int:vote_id>/cast", MyVoteCastView.as_view(), name="supervision-vote-cast"),
    path("votes/mine/<int:vote_id>/tally", MyVoteTallyView.as_view(), name="supervision-vote-mine-tally"),
    path("votes/<int:vote_id>", VoteView.as_view(), name="supervision-vote"),
    path("votes/<int:vote_id>/open", VoteOpenView.as_view(), name="supervision-vote-open"),
    path("votes/<int:vote_id>/close", VoteCloseView.as_view(), name="supervision-vote-close"),
    path("votes/<int:vote_id>/cancel", VoteCancelView.as_view(), name="supervision-vote-cancel"),
    path("votes/<int:vote_id>/turnout", VoteTurnoutView.as_view(), name="supervision-vote-turnout"),
    path("votes/<int:vote_id>/tally", VoteTallyView.as_view(), name="supervision-vote-tally"),
]
