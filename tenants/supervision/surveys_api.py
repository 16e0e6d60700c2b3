"""Surveys (问卷) on the tenant host, under ``/api/v1/supervision/`` (docs/supervision.md,
"Surveys"). Thin: parse, call ``tenants.supervision.surveys``, render.

Console (the workers of the survey's unit: tenant admin, secretaries and committee members covering
it; the discipline inspector reads):

- ``GET|POST surveys``: surveys in scope (``?organization=`` subtree, ``?status=``); create a draft
  with its questions.
- ``GET|PATCH|DELETE surveys/{id}``: a survey; PATCH (``questions`` replaces them all) and DELETE
  while draft.
- ``POST surveys/{id}/open|close|cancel``: open fixes the respondents (and notifies them); close
  releases the last pooled text answers.
- ``GET surveys/{id}/results``: counts and percentages per option, rating histograms and means,
  released text answers, turnout. ``GET surveys/{id}/text-answers?question=``: all text answers.
- ``GET surveys/{id}/responses``: a named survey's answers per person.
- ``GET surveys/{id}/export.xlsx``: the workbook (audited).

Member (portal): ``GET surveys/mine``, ``GET surveys/mine/{id}``, ``POST surveys/mine/{id}/respond``
(once), ``GET surveys/mine/{id}/results`` (after closing, when the organizer shares them).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import HasTenantRole, IsTenantUser
from partycloud.core.api import validated
from partycloud.core.spreadsheets import xlsx_response
from tenants.supervision import audience, survey_results, surveys
from tenants.supervision.announcements_api import SupervisionOrganizationRefSerializer  # one component for all parts
from tenants.supervision.models import CampaignStatus, QuestionKind, Scope, Survey, SurveyResponse, SurveyTextAnswer

OWN_SCOPES = audience.TENANT_SCOPE_CHOICES  # a tenant's survey or vote is never group-wide


class CanRunSurveys(HasTenantRole):
    """The unit's workers change; the discipline inspector reads. The services check the scope."""

    roles = surveys.MANAGERS
    read_roles = surveys.READERS


# ------------------------------------------------------------------------------ questions


class SurveyOptionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    text = serializers.CharField()


class SurveyQuestionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]  # a field named like Field.required
    max_choices = serializers.IntegerField(allow_null=True, help_text="multiple choice: at most this many options")
    rating_max = serializers.IntegerField(help_text="rating: 1..rating_max")
    options = SurveyOptionSerializer(many=True, help_text="single and multiple choice (empty otherwise)")


class SurveyQuestionInputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField(max_length=300)
    required = serializers.BooleanField(default=True)  # type: ignore[assignment]  # a field named like Field.required
    max_choices = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, help_text="multiple choice only (default: all)"
    )
    rating_max = serializers.IntegerField(required=False, default=5, min_value=2, max_value=10)
    options = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        default=list,
        max_length=50,
        help_text="the options' texts in order: at least 2 for single and multiple choice, none otherwise",
    )


# ------------------------------------------------------------------------------ surveys (console)


class SurveyRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    organization = SupervisionOrganizationRefSerializer()
    scope = serializers.ChoiceField(choices=Scope.choices)
    anonymous = serializers.BooleanField()
    status = serializers.ChoiceField(choices=CampaignStatus.choices)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    results_to_respondents = serializers.BooleanField()
    eligible_count = serializers.IntegerField(help_text="fixed when the survey opens")
    response_count = serializers.IntegerField()
    created_by = serializers.CharField(allow_blank=True, help_text="the creator's name")
    created_at = serializers.DateTimeField()


class SurveySerializer(SurveyRowSerializer):
    description = serializers.CharField(allow_blank=True)
    questions = SurveyQuestionSerializer(many=True)
    can_manage = serializers.BooleanField(help_text="the caller may open, close, cancel and see the results")
    can_edit = serializers.BooleanField(help_text="can_manage and the survey is a draft")


class SurveyCreateSerializer(serializers.Serializer[Any]):
    organization = serializers.IntegerField(help_text="the unit running the survey")
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    scope = serializers.ChoiceField(choices=OWN_SCOPES, default=Scope.SUBTREE)
    anonymous = serializers.BooleanField(default=True)
    results_to_respondents = serializers.BooleanField(default=False)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    questions = SurveyQuestionInputSerializer(many=True, min_length=1, max_length=100)  # type: ignore[call-arg]


class SurveyChangeSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    scope = serializers.ChoiceField(choices=OWN_SCOPES, required=False)
    anonymous = serializers.BooleanField(required=False)
    results_to_respondents = serializers.BooleanField(required=False)
    opens_at = serializers.DateTimeField(required=False)
    closes_at = serializers.DateTimeField(required=False)
    questions = SurveyQuestionInputSerializer(  # type: ignore[call-arg]  # ListSerializer's min/max_length
        many=True, required=False, min_length=1, max_length=100, help_text="replaces every question"
    )


def _survey(request: Request, survey_id: int) -> Survey:
    return surveys.survey_for(Actor.of(request), survey_id)


def _survey_body(request: Request, survey: Survey) -> Any:
    return SurveySerializer(surveys.survey_detail(Actor.of(request), survey)).data


class SurveyListView(generics.GenericAPIView[Any]):
    """Surveys of the units the caller covers, newest window first."""

    permission_classes = [CanRunSurveys]
    serializer_class = SurveyRowSerializer
    queryset = Survey.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("organization", int, description="the organization's subtree"),
            OpenApiParameter("status", str, enum=CampaignStatus.values),
        ],
        responses=SurveyRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        rows = surveys.filter_surveys(
            surveys.visible_surveys(Actor.of(request)),
            organization=params.get("organization"),
            status=params.get("status"),
        )
        page = self.paginate_queryset(rows)
        assert page is not None
        return self.get_paginated_response(SurveyRowSerializer(surveys.survey_rows(page), many=True).data)

    @extend_schema(request=SurveyCreateSerializer, responses={201: SurveySerializer})
    def post(self, request: Request) -> Response:
        data = validated(SurveyCreateSerializer, request.data)
        survey = surveys.do_create_survey(actor=Actor.of(request), **data)
        return Response(_survey_body(request, survey), status=201)


class SurveyView(APIView):
    permission_classes = [CanRunSurveys]

    @extend_schema(responses=SurveySerializer)
    def get(self, request: Request, survey_id: int) -> Response:
        return Response(_survey_body(request, _survey(request, survey_id)))

    @extend_schema(request=SurveyChangeSerializer, responses=SurveySerializer)
    def patch(self, request: Request, survey_id: int) -> Response:
        data = validated(SurveyChangeSerializer, request.data)
        survey = surveys.do_update_survey(_survey(request, survey_id), actor=Actor.of(request), **data)
        return Response(_survey_body(request, survey))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, survey_id: int) -> Response:
        surveys.do_delete_survey(_survey(request, survey_id), actor=Actor.of(request))
        return Response(status=204)


class _SurveyTransitionView(APIView):
    permission_classes = [CanRunSurveys]
    target: str = ""

    @extend_schema(request=None, responses=SurveySerializer)
    def post(self, request: Request, survey_id: int) -> Response:
        survey = surveys.do_transition(_survey(request, survey_id), self.target, actor=Actor.of(request))
        return Response(_survey_body(request, survey))


class SurveyOpenView(_SurveyTransitionView):
    """draft → open now (before ``opens_at`` too): the respondents are fixed and notified."""

    target = CampaignStatus.OPEN


class SurveyCloseView(_SurveyTransitionView):
    """open → closed now: answers stop; the pooled text answers are released."""

    target = CampaignStatus.CLOSED


class SurveyCancelView(_SurveyTransitionView):
    """draft or open → cancelled: nobody answers any more; the results stay with the organizer."""

    target = CampaignStatus.CANCELLED


# ------------------------------------------------------------------------------ results


class SurveyOptionResultSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    text = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField(help_text="share of the respondents who chose it, 0–100, one decimal")


class SurveyRatingBarSerializer(serializers.Serializer[Any]):
    value = serializers.IntegerField()
    count = serializers.IntegerField()
    percent = serializers.FloatField(help_text="share of the ratings given, 0–100")


class SurveyQuestionResultSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]  # a field named like Field.required
    answered = serializers.IntegerField(
        allow_null=True,
        help_text="respondents who answered it (single, rating, text); null for multiple choice of an anonymous survey",
    )
    options = SurveyOptionResultSerializer(many=True)
    ratings = SurveyRatingBarSerializer(many=True, help_text="rating: the histogram, 1..rating_max")
    mean = serializers.FloatField(allow_null=True, help_text="rating: the mean, two decimals (null: no rating)")
    text_count = serializers.IntegerField(help_text="text: answers shown (anonymous: released ones only)")
    texts = serializers.ListField(
        child=serializers.CharField(), help_text="text: the first 50 answers (all of them: text-answers)"
    )


class SurveyResultsSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    anonymous = serializers.BooleanField()
    status = serializers.ChoiceField(choices=CampaignStatus.choices)
    eligible_count = serializers.IntegerField()
    response_count = serializers.IntegerField()
    turnout = serializers.FloatField(help_text="response_count / eligible_count, 0–100, one decimal")
    pooled_text_count = serializers.IntegerField(
        help_text="anonymous text answers waiting to be released (in batches of 5, or at closing)"
    )
    questions = SurveyQuestionResultSerializer(many=True)


class SurveyTextAnswerSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(help_text="a random key (no order, no respondent)")
    question = serializers.IntegerField()
    text = serializers.CharField()


class SurveyAnswerSerializer(serializers.Serializer[Any]):
    question = serializers.IntegerField()
    options = serializers.ListField(child=serializers.IntegerField(), help_text="chosen option ids")
    rating = serializers.IntegerField(allow_null=True)
    text = serializers.CharField(allow_blank=True)


class SurveyPersonResponseSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    organization_name = serializers.CharField(allow_blank=True)
    submitted_at = serializers.DateTimeField()
    answers = SurveyAnswerSerializer(many=True)


class SurveyResultsView(APIView):
    permission_classes = [CanRunSurveys]

    @extend_schema(responses=SurveyResultsSerializer)
    def get(self, request: Request, survey_id: int) -> Response:
        survey = _survey(request, survey_id)
        return Response(SurveyResultsSerializer(survey_results.results(Actor.of(request), survey)).data)


class SurveyTextAnswerListView(generics.GenericAPIView[Any]):
    """Every shown text answer (anonymous surveys: the released ones, in their random order)."""

    permission_classes = [CanRunSurveys]
    serializer_class = SurveyTextAnswerSerializer
    queryset = SurveyTextAnswer.objects.none()

    @extend_schema(
        parameters=[OpenApiParameter("question", int, description="one question only")],
        responses=SurveyTextAnswerSerializer(many=True),
    )
    def get(self, request: Request, survey_id: int) -> Response:
        survey = _survey(request, survey_id)
        actor = Actor.of(request)
        rows = survey_results.text_answers(actor, survey, question=request.query_params.get("question"))
        page = self.paginate_queryset(rows)
        assert page is not None
        return self.get_paginated_response(SurveyTextAnswerSerializer(survey_results.text_rows(page), many=True).data)


class SurveyResponseListView(generics.GenericAPIView[Any]):
    """A named survey's responses, per person (refused for an anonymous survey)."""

    permission_classes = [CanRunSurveys]
    serializer_class = SurveyPersonResponseSerializer
    queryset = SurveyResponse.objects.none()

    @extend_schema(responses=SurveyPersonResponseSerializer(many=True))
    def get(self, request: Request, survey_id: int) -> Response:
        survey = _survey(request, survey_id)
        page = self.paginate_queryset(survey_results.named_responses(Actor.of(request), survey))
        assert page is not None
        return self.get_paginated_response(
            SurveyPersonResponseSerializer(survey_results.response_rows(survey, page), many=True).data
        )


class SurveyExportView(APIView):
    """The results workbook: a summary sheet, the text answers, and (named surveys) one sheet per
    person. Audited."""

    permission_classes = [CanRunSurveys]

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes})
    def get(self, request: Request, survey_id: int) -> HttpResponse:
        survey = _survey(request, survey_id)
        content = survey_results.export_workbook(Actor.of(request), survey)
        return xlsx_response(content, f"问卷结果-{survey.title}.xlsx")


# ------------------------------------------------------------------------------ the member's side


class SurveyMineRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    organization = SupervisionOrganizationRefSerializer()
    anonymous = serializers.BooleanField()
    status = serializers.ChoiceField(choices=CampaignStatus.choices)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    question_count = serializers.IntegerField()
    responded = serializers.BooleanField(help_text="you have answered")
    can_respond = serializers.BooleanField(help_text="open and not answered yet")
    results_available = serializers.BooleanField(help_text="closed and the organizer shares the results")


class SurveyMineSerializer(SurveyMineRowSerializer):
    description = serializers.CharField(allow_blank=True)
    questions = SurveyQuestionSerializer(many=True)


class SurveyAnswerInputSerializer(serializers.Serializer[Any]):
    question = serializers.IntegerField()
    options = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=50, help_text="choice questions"
    )
    rating = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="rating questions")
    text = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text="text questions"
    )


class SurveyRespondSerializer(serializers.Serializer[Any]):
    answers = SurveyAnswerInputSerializer(many=True, max_length=100)  # type: ignore[call-arg]


class MySurveysView(generics.GenericAPIView[Any]):
    """Surveys you are asked to answer (open first, then the newest)."""

    permission_classes = [IsTenantUser]
    serializer_class = SurveyMineRowSerializer
    queryset = Survey.objects.none()

    @extend_schema(responses=SurveyMineRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        actor = Actor.of(request)
        page = self.paginate_queryset(surveys.my_surveys(actor))
        assert page is not None
        return self.get_paginated_response(SurveyMineRowSerializer(surveys.my_rows(actor, page), many=True).data)


def _my_survey(request: Request, survey_id: int) -> Survey:
    return surveys.my_survey(Actor.of(request), survey_id)


class MySurveyView(APIView):
    permission_classes = [IsTenantUser]

    @extend_schema(responses=SurveyMineSerializer)
    def get(self, request: Request, survey_id: int) -> Response:
        actor = Actor.of(request)
        return Response(SurveyMineSerializer(surveys.my_detail(actor, _my_survey(request, survey_id))).data)


class MySurveyRespondView(APIView):
    """Answer the survey, once (an anonymous survey keeps no link between you and your answers)."""

    permission_classes = [IsTenantUser]

    @extend_schema(request=SurveyRespondSerializer, responses=SurveyMineSerializer)
    def post(self, request: Request, survey_id: int) -> Response:
        actor = Actor.of(request)
        data = validated(SurveyRespondSerializer, request.data)
        survey = surveys.do_respond(_my_survey(request, survey_id), data["answers"], actor=actor)
        return Response(SurveyMineSerializer(surveys.my_detail(actor, survey)).data)


class MySurveyResultsView(APIView):
    """The results, once the survey is closed, when the organizer shares them with respondents."""

    permission_classes = [IsTenantUser]

    @extend_schema(responses=SurveyResultsSerializer)
    def get(self, request: Request, survey_id: int) -> Response:
        actor = Actor.of(request)
        survey = surveys.check_results_for_respondent(actor, _my_survey(request, survey_id))
        return Response(SurveyResultsSerializer(survey_results.results(actor, survey)).data)


urlpatterns: list[URLPattern] = [
    path("surveys", SurveyListView.as_view(), name="supervision-surveys"),
    path("surveys/mine", MySurveysView.as_view(), name="supervision-surveys-mine"),
    path("surveys/mine/<int:survey_id>", MySurveyView.as_view(), name="supervision-survey-mine"),
    path("surveys/mine/<int:survey_id>/respond", MySurveyRespondView.as_view(), name="supervision-survey-respond"),
    path("surveys/mine/<int:survey_id>/results", MySurveyResultsView.as_view(), name="supervision-survey-mine-results"),
    path("surveys/<int:survey_id>", SurveyView.as_view(), name="supervision-survey"),
    path("surveys/<int:survey_id>/open", SurveyOpenView.as_view(), name="supervision-survey-open"),
    path("surveys/<int:survey_id>/close", SurveyCloseView.as_view(), name="supervision-survey-close"),
    path("surveys/<int:survey_id>/cancel", SurveyCancelView.as_view(), name="supervision-survey-cancel"),
    path("surveys/<int:survey_id>/results", SurveyResultsView.as_view(), name="supervision-survey-results"),
    path("surveys/<int:survey_id>/text-answers", SurveyTextAnswerListView.as_view(), name="supervision-survey-texts"),
    path("surveys/<int:survey_id>/responses", SurveyResponseListView.as_view(), name="supervision-survey-responses"),
    path("surveys/<int:survey_id>/export.xlsx", SurveyExportView.as_view(), name="supervision-survey-export"),
]
