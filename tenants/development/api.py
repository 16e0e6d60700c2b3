"""Development cases: the 25 steps, blocked with the rule that failed, and the to-do list."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import HasTenantRole
from partycloud.core.api import ChoiceLabelField, date_param
from tenants.access.models import TenantRole
from tenants.development.errors import DevelopmentCode
from tenants.development.models import CaseStep, DevelopmentCase, DevelopmentRule, ProbationDiscussion
from tenants.development.services import (
    HANDLERS,
    all_rules,
    check_can_handle,
    deadlines,
    do_attach_evidence,
    do_open_case,
    do_record_probation_discussion,
    do_record_step,
    evidence_of,
    next_steps,
    quarters_of,
    recorded_step,
    visible_cases,
    with_deadline_records,
)
from tenants.development.steps import STEPS, Step, StepField
from tenants.members.models import Gender
from tenants.members.services import voting_roll
from tenants.organizations.models import Organization


class CanHandleDevelopment(HasTenantRole):
    roles = HANDLERS
    read_roles = frozenset({TenantRole.DISCIPLINE_INSPECTOR})


class StepSerializer(serializers.ModelSerializer[CaseStep]):
    name = serializers.SerializerMethodField()
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = CaseStep
        fields = ["id", "number", "name", "done_on", "data", "notes", "rule_version", "has_evidence", "created_at"]

    def get_name(self, step: CaseStep) -> str:
        return STEPS[step.number - 1].name

    def get_has_evidence(self, step: CaseStep) -> bool:
        return bool(step.evidence)


class ProbationDiscussionSerializer(serializers.ModelSerializer[ProbationDiscussion]):
    class Meta:
        model = ProbationDiscussion
        fields = ["id", "held_on", "notes", "rule_version", "created_at"]
        read_only_fields = ["rule_version", "created_at"]


class ProbationQuarterSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    starts_on = serializers.DateField()
    last_day = serializers.DateField()
    status = serializers.ChoiceField(choices=["discussed", "missing", "due", "upcoming"])
    discussed_on = serializers.DateField(allow_null=True)


class VotingRollSerializer(serializers.Serializer[Any]):
    organization = serializers.IntegerField()
    date = serializers.DateField()
    full = serializers.IntegerField(help_text="full members of the branch on the date")
    probationary = serializers.IntegerField(help_text="probationary members (no vote)")
    suspended = serializers.IntegerField(help_text="full members under 留党察看 (no vote)")
    entitled = serializers.IntegerField(help_text="members with voting rights")


class CaseSerializer(serializers.ModelSerializer[DevelopmentCase]):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.filter(is_active=True))
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    stage_label = ChoiceLabelField("stage")
    id_card_number = serializers.CharField(write_only=True, max_length=30)
    applied_on = serializers.DateField(write_only=True)
    gender = serializers.ChoiceField(choices=Gender.choices)
    steps = StepSerializer(many=True, read_only=True)
    next_steps = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    probation_discussions = ProbationDiscussionSerializer(many=True, read_only=True)
    probation_quarters = serializers.SerializerMethodField()

    class Meta:
        model = DevelopmentCase
        fields = [
            "id", "name", "gender", "birth_date", "id_card_masked", "id_card_number", "phone", "organization",
            "organization_name", "applied_on", "stage", "stage_label", "last_step", "probation_ends_on", "extended",
            "member", "steps", "next_steps", "deadlines", "probation_discussions", "probation_quarters", "created_at",
        ]  # fmt: skip
        read_only_fields = [
            "birth_date",
            "id_card_masked",
            "stage",
            "last_step",
            "probation_ends_on",
            "extended",
            "member",
            "created_at",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_next_steps(self, case: DevelopmentCase) -> list[int]:
        return next_steps(case)

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_deadlines(self, case: DevelopmentCase) -> list[dict[str, Any]]:
        return deadlines(case, rules=self._rules())

    @extend_schema_field(ProbationQuarterSerializer(many=True))
    def get_probation_quarters(self, case: DevelopmentCase) -> list[dict[str, Any]]:
        quarters = quarters_of(case, rules=self._rules())
        return ProbationQuarterSerializer(quarters, many=True).data  # type: ignore[return-value]

    def _rules(self) -> list[DevelopmentRule]:
        # Read once for the whole page: the list's rows share the root serializer's context dict
        # (one query per case otherwise).
        context = cast(dict[str, Any], self.context)
        if "_development_rules" not in context:
            context["_development_rules"] = all_rules()
        rules: list[DevelopmentRule] = context["_development_rules"]
        return rules


# The step table's rows, described for the schema (field names such as ``label`` and ``required``
# would shadow a serializer field's own attributes, so these are inline).
STEP_FIELD_SCHEMA = inline_serializer(
    "StepField",
    {
        "name": serializers.CharField(),
        "kind": serializers.ChoiceField(choices=["text", "texts", "members", "integer", "choice", "voting_roll"]),
        "label": serializers.CharField(),
        "required": serializers.BooleanField(),
        "hint": serializers.CharField(),
        "min": serializers.IntegerField(allow_null=True),
        "max": serializers.IntegerField(allow_null=True),
        "items": serializers.IntegerField(allow_null=True),
        "choices": inline_serializer(
            "StepChoice", {"value": serializers.CharField(), "label": serializers.CharField()}, many=True
        ),
        "default": serializers.CharField(allow_null=True),
        "shown_when": inline_serializer(
            "StepFieldCondition", {"field": serializers.CharField(), "value": serializers.JSONField()}, allow_null=True
        ),
    },
    many=True,
)
STEP_INFO_SCHEMA = inline_serializer(
    "StepInfo",
    {
        "number": serializers.IntegerField(),
        "stage": serializers.CharField(),
        "code": serializers.CharField(),
        "name": serializers.CharField(),
        "repeatable": serializers.BooleanField(),
        "fields": STEP_FIELD_SCHEMA,
    },
    many=True,
)


def step_field_row(field: StepField) -> dict[str, Any]:
    """A form input of a step as the console reads it (see ``StepField``)."""
    return {
        **vars(field),
        "label": str(field.label),
        "hint": str(field.hint),
        "choices": [{"value": value, "label": str(label)} for value, label in field.choices],
        "shown_when": None
        if field.shown_when is None
        else dict(zip(("field", "value"), field.shown_when, strict=True)),
    }


def step_row(step: Step) -> dict[str, Any]:
    return {**vars(step), "fields": [step_field_row(field) for field in step.fields]}


class EvidenceUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()


class RecordStepSerializer(serializers.Serializer[Any]):
    step = serializers.IntegerField(min_value=1, max_value=25)
    done_on = serializers.DateField()
    details = serializers.DictField(
        required=False, default=dict, help_text="step facts: votes, introducers, training, outcome"
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class CaseViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[DevelopmentCase]
):
    """Development cases (``?stage=``, ``?organization=``); create = step 1, the application."""

    permission_classes = [CanHandleDevelopment]
    serializer_class = CaseSerializer
    filterset_fields = ["stage", "organization"]
    search_fields = ["name"]

    def get_queryset(self) -> QuerySet[DevelopmentCase]:
        return with_deadline_records(visible_cases(Actor.of(self.request)).select_related("organization"))

    def perform_create(self, serializer: CaseSerializer) -> None:  # type: ignore[override]
        data = serializer.validated_data
        actor = Actor.of(self.request)
        check_can_handle(actor, data["organization"].pk)
        serializer.instance = do_open_case(
            name=data["name"], gender=data["gender"], id_card_number=data["id_card_number"], organization=data["organization"],
            applied_on=data["applied_on"], phone=data.get("phone", ""), actor=actor,
        )  # fmt: skip

    @extend_schema(request=RecordStepSerializer, responses={201: StepSerializer})
    @action(detail=True, methods=["post"])
    def steps(self, request: Request, pk: str | None = None) -> Response:
        """Record a step; a failed precondition answers 400 with the rule and by how much."""
        case = self.get_object()
        actor = Actor.of(request)
        check_can_handle(actor, case.organization_id)
        body = RecordStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        step = do_record_step(
            case, body.validated_data["step"], done_on=body.validated_data["done_on"], data=body.validated_data["details"],
            notes=body.validated_data["notes"], actor=actor,
        )  # fmt: skip
        return Response(StepSerializer(step).data, status=201)

    @extend_schema(
        parameters=[OpenApiParameter("date", str, description="the meeting date, YYYY-MM-DD (default today)")],
        responses=VotingRollSerializer,
    )
    @action(detail=True, methods=["get"], url_path="voting-roll")
    def voting_roll(self, request: Request, pk: str | None = None) -> Response:
        """Members with voting rights in the case's branch on a meeting date, from the records
        (full members less those under 留党察看): the number steps 15 and 23 use."""
        case = self.get_object()
        day = date_param(request.query_params.get("date"), DevelopmentCode.BAD_DATE)
        return Response(VotingRollSerializer(voting_roll(case.organization, day).as_dict()).data)

    @extend_schema(request=ProbationDiscussionSerializer, responses={201: ProbationDiscussionSerializer})
    @action(detail=True, methods=["post"], url_path="probation-discussions")
    def probation_discussions(self, request: Request, pk: str | None = None) -> Response:
        """Record the branch's quarterly discussion of the probationary member."""
        case = self.get_object()
        actor = Actor.of(request)
        check_can_handle(actor, case.organization_id)
        body = ProbationDiscussionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        discussion = do_record_probation_discussion(
            case, held_on=body.validated_data["held_on"], notes=body.validated_data.get("notes", ""), actor=actor
        )
        return Response(ProbationDiscussionSerializer(discussion).data, status=201)

    @extend_schema(request={"multipart/form-data": EvidenceUploadSerializer}, responses=StepSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"steps/(?P<step_id>\d+)/evidence",
        parser_classes=[MultiPartParser, FormParser],
    )
    def upload_evidence(self, request: Request, pk: str | None = None, step_id: str | None = None) -> Response:
        """Attach the evidence file of a recorded step (PDF or image, at most 20 MB)."""
        case = self.get_object()
        actor = Actor.of(request)
        check_can_handle(actor, case.organization_id)
        step = recorded_step(case, int(step_id or 0))
        body = EvidenceUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        step = do_attach_evidence(step, body.validated_data["file"], actor=actor)
        return Response(StepSerializer(step).data)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"], url_path=r"steps/(?P<step_id>\d+)/evidence-file")
    def evidence_file(self, request: Request, pk: str | None = None, step_id: str | None = None) -> FileResponse:
        """Download a step's evidence (authorized like the case; audited)."""
        step = evidence_of(self.get_object(), int(step_id or 0), actor=Actor.of(request))
        return FileResponse(
            step.evidence.open("rb"), as_attachment=True, filename=str(step.evidence.name).rsplit("/", 1)[-1]
        )

    @extend_schema(
        responses=inline_serializer("DevelopmentTodo", {"items": serializers.ListField(child=serializers.DictField())})
    )
    @action(detail=False, methods=["get"])
    def todo(self, request: Request) -> Response:
        """Deadlines ahead across the caller's cases, soonest first."""
        rules = all_rules()
        items = [
            {**item, "case": case.pk, "name": case.name, "organization": case.organization.name}
            for case in self.get_queryset().exclude(stage__in=["full", "revoked"])
            for item in deadlines(case, rules=rules)
        ]
        return Response({"items": sorted(items, key=lambda item: item["due_on"])})

    @extend_schema(responses=inline_serializer("DevelopmentSteps", {"steps": STEP_INFO_SCHEMA}))
    @action(detail=False, methods=["get"], url_path="step-table")
    def step_table(self, request: Request) -> Response:
        return Response({"steps": [step_row(step) for step in STEPS]})
