"""Member records. Tenant admins see and change every record; secretaries and committee
members those in their scope; the discipline inspector reads. Lists mask phone and
ID-card numbers; the clear ID-card number is shown only on request, and audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from partycloud.accounts.actor import Actor
from partycloud.accounts.api import UserBriefSerializer
from partycloud.accounts.models import mask_phone
from partycloud.accounts.permissions import HasTenantRole, IsTenantAdmin, IsTenantUser
from partycloud.core.api import ChoiceLabelField, SheetProposalSerializer, date_param
from partycloud.core.errors import NotAllowed, NotFoundError, ServiceError
from partycloud.core.sheetmapping import check_columns, parse_mapping
from partycloud.core.spreadsheets import xlsx_response
from tenants.access.models import TenantRole
from tenants.members.errors import MembersCode
from tenants.members.imports import (
    MEMBER_SHEET,
    check_upload,
    do_create_import_job,
    export_rows,
    run_import,
    template_bytes,
)
from tenants.members.models import DisciplinaryProbation, ImportStatus, Member, MemberChange, MemberImport
from tenants.members.services import (
    DISCIPLINARIANS,
    EDITORS,
    check_member_in_scope,
    counts_on,
    do_create_member,
    do_record_disciplinary_probation,
    do_record_members_export,
    do_update_member,
    reveal_id_card,
    visible_members,
)
from tenants.members.tasks import run_member_import
from tenants.organizations.models import Organization


class CanReadMembers(HasTenantRole):
    roles = EDITORS
    read_roles = frozenset({TenantRole.DISCIPLINE_INSPECTOR})


class MemberSerializer(serializers.ModelSerializer[Member]):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.filter(is_active=True))
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    phone_masked = serializers.SerializerMethodField()
    id_card_number = serializers.CharField(write_only=True, required=True, max_length=30)
    placed_on = serializers.DateField(
        write_only=True,
        required=False,
        help_text="加入支部日期: when the member joined this organization (default: today)",
    )
    effective_on = serializers.DateField(write_only=True, required=False, help_text="when a change took effect")
    status_label = ChoiceLabelField("status")
    membership_label = ChoiceLabelField("membership")

    class Meta:
        model = Member
        fields = [
            "id", "name", "gender", "ethnicity", "birth_date", "id_card_masked", "id_card_number",
            "education", "job", "phone", "phone_masked", "employee_card_number", "joined_on", "confirmed_on",
            "membership", "membership_label", "dues_category", "status", "status_label", "organization",
            "organization_name", "placed_on", "effective_on", "user", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id_card_masked", "user", "created_at", "updated_at"]
        extra_kwargs = {"phone": {"write_only": True}, "birth_date": {"required": False}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        placed_on, joined_on = attrs.get("placed_on"), attrs.get("joined_on")
        if placed_on is not None and joined_on is not None and placed_on < joined_on:
            raise ServiceError(
                MembersCode.PLACED_BEFORE_JOINED, _("The branch cannot have been joined before the party."), "placed_on"
            )
        if placed_on is not None and placed_on > timezone.localdate():
            raise ServiceError(MembersCode.PLACED_IN_FUTURE, _("The date cannot be in the future."), "placed_on")
        return attrs

    def get_phone_masked(self, member: Member) -> str:
        return mask_phone(member.phone) if member.phone else ""


class MemberUpdateSerializer(MemberSerializer):
    id_card_number = serializers.CharField(write_only=True, required=False, max_length=30)


class ChangeSerializer(serializers.ModelSerializer[MemberChange]):
    actor = UserBriefSerializer(read_only=True)

    class Meta:
        model = MemberChange
        fields = ["id", "kind", "changes", "effective_on", "actor", "created_at"]


class DisciplinaryProbationSerializer(serializers.ModelSerializer[DisciplinaryProbation]):
    actor = UserBriefSerializer(read_only=True)

    class Meta:
        model = DisciplinaryProbation
        fields = ["id", "started_on", "ends_on", "decision", "actor", "created_at"]
        read_only_fields = ["created_at"]


def export_filters(params: Any) -> dict[str, str]:
    """An export's filters for its audit entry: organizations by name (kept if renamed later),
    choices by code (the log shows their label in the reader's language)."""
    shown: dict[str, str] = {}
    for key in ("under", "organization", "membership", "status", "dues_category", "gender", "search"):
        value = str(params.get(key, "")).strip()
        if value and key in {"under", "organization"}:
            found = Organization.objects.filter(pk=int(value)).first() if value.isdigit() else None
            value = found.name if found else value
        if value:
            shown[key] = value
    return shown


UNDER = OpenApiParameter("under", int, description="only members of this organization's subtree")


@extend_schema_view(list=extend_schema(parameters=[UNDER]), export=extend_schema(parameters=[UNDER]))
class MemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Member],
):
    """Members, filterable by ``organization``, ``under`` (a subtree), ``status``,
    ``membership``, ``dues_category``; ``search`` by name or employee card number."""

    permission_classes = [CanReadMembers]
    filterset_fields = ["organization", "status", "membership", "dues_category", "gender"]
    search_fields = ["name", "employee_card_number"]
    ordering_fields = ["name", "joined_on", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self) -> type[MemberSerializer]:
        return MemberUpdateSerializer if self.action == "partial_update" else MemberSerializer

    def get_queryset(self) -> QuerySet[Member]:
        queryset = (
            visible_members(Actor.of(self.request))
            .select_related("organization")
            .order_by("organization__path", "name", "id")
        )
        under = self.request.query_params.get("under")
        if under and under.isdigit():
            under_path = Organization.objects.filter(pk=int(under)).values_list("path", flat=True).first()
            queryset = queryset.filter(organization__path__startswith=under_path or "-")
        return queryset

    def perform_create(self, serializer: MemberSerializer) -> None:  # type: ignore[override]
        data = dict(serializer.validated_data)
        number = data.pop("id_card_number")
        placed_on = data.pop("placed_on", None)
        data.pop("effective_on", None)
        actor = Actor.of(self.request)
        check_member_in_scope(actor, data["organization"].pk)
        serializer.instance = do_create_member(data, id_card_number=number, placed_on=placed_on, actor=actor)

    def perform_update(self, serializer: MemberSerializer) -> None:  # type: ignore[override]
        member = serializer.instance
        assert member is not None
        actor = Actor.of(self.request)
        check_member_in_scope(actor, member.organization_id)
        changes = dict(serializer.validated_data)
        if changes.pop("id_card_number", None):
            raise NotAllowed(
                MembersCode.ID_CARD_IMMUTABLE, _("The ID-card number of a record cannot be changed."), "id_card_number"
            )
        effective_on = changes.pop("effective_on", None)
        changes.pop("placed_on", None)
        if "organization" in changes:
            check_member_in_scope(actor, changes["organization"].pk)
        serializer.instance = do_update_member(member, changes, effective_on=effective_on, actor=actor)

    @extend_schema(
        request=None, responses=inline_serializer("RevealedIdCard", {"id_card_number": serializers.CharField()})
    )
    @action(detail=True, methods=["post"], url_path="reveal-id-card")
    def reveal_id_card(self, request: Request, pk: str | None = None) -> Response:
        """The clear ID-card number (tenant admin, or a secretary covering the member); audited."""
        return Response({"id_card_number": reveal_id_card(self.get_object(), actor=Actor.of(request))})

    @extend_schema(responses=ChangeSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, pk: str | None = None) -> Response:
        member = self.get_object()
        return Response(ChangeSerializer(member.changes.select_related("actor"), many=True).data)

    @extend_schema(
        request=DisciplinaryProbationSerializer,
        responses={200: DisciplinaryProbationSerializer(many=True), 201: DisciplinaryProbationSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="disciplinary-probations",
        pagination_class=None,
        filter_backends=[],
    )
    def disciplinary_probations(self, request: Request, pk: str | None = None) -> Response:
        """留党察看 periods of the member (no voting rights while one runs); POST records a decision
        (tenant admin, or a secretary covering the member)."""
        member = self.get_object()
        if request.method == "GET":
            records = member.disciplinary_probations.select_related("actor")
            return Response(DisciplinaryProbationSerializer(records, many=True).data)
        actor = Actor.of(request)
        check_member_in_scope(actor, member.organization_id, DISCIPLINARIANS)
        body = DisciplinaryProbationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = do_record_disciplinary_probation(member, **body.validated_data, actor=actor)
        return Response(DisciplinaryProbationSerializer(record).data, status=201)

    @extend_schema(
        parameters=[UNDER, OpenApiParameter("date", date, description="YYYY-MM-DD, default today")],
        responses=inline_serializer(
            "MemberCounts",
            {"date": serializers.DateField(), "organizations": serializers.ListField(child=serializers.DictField())},
        ),
    )
    @action(detail=False, methods=["get"])
    def counts(self, request: Request) -> Response:
        """Members per organization on ``?date=YYYY-MM-DD`` (default today), ``?under=<id>``."""
        day = date_param(request.query_params.get("date"), MembersCode.BAD_DATE)
        under_id = request.query_params.get("under")
        under = Organization.objects.filter(pk=int(under_id)).first() if under_id and under_id.isdigit() else None
        counts = counts_on(day, under)
        organizations = Organization.objects.filter(pk__in=counts).order_by("path")
        rows = [{"organization": o.pk, "name": o.name, "kind": o.kind, **counts[o.pk]} for o in organizations]
        return Response({"date": day.isoformat(), "organizations": rows})

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes})
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> HttpResponse:
        """The filtered list (same filters as the list) as a workbook; audited."""
        members = self.filter_queryset(self.get_queryset())
        content = export_rows(members.prefetch_related("tenures").iterator(chunk_size=2000))
        do_record_members_export(members, filters=export_filters(request.query_params), actor=Actor.of(request))
        return xlsx_response(content, "党员信息.xlsx")

    @extend_schema(responses=MemberSerializer)
    @action(detail=False, methods=["get"], permission_classes=[IsTenantUser])
    def me(self, request: Request) -> Response:
        """The caller's own member record here (404 when they have none)."""
        member = Member.objects.select_related("organization").filter(user_id=int(request.user.pk or 0)).first()
        if member is None:
            raise NotFoundError(MembersCode.NO_RECORD, _("You have no member record in this party committee."))
        return Response(MemberSerializer(member).data)


# ---------------------------------------------------------------- import and export

INLINE_IMPORT_BYTES = 150_000  # larger uploads run as a Celery task with progress
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class MemberImportSerializer(serializers.ModelSerializer[MemberImport]):
    ignored_columns = serializers.ListField(child=serializers.CharField(), read_only=True)
    notes = serializers.ListField(child=serializers.CharField(), read_only=True)
    progress = serializers.SerializerMethodField()
    has_report = serializers.SerializerMethodField()

    class Meta:
        model = MemberImport
        fields = [
            "id", "filename", "status", "total_rows", "processed_rows", "imported_rows", "error_count",
            "errors", "message", "ignored_columns", "notes", "progress", "has_report", "created_at", "finished_at",
        ]  # fmt: skip

    def get_progress(self, job: MemberImport) -> int:
        if job.status in {ImportStatus.SUCCEEDED, ImportStatus.FAILED}:
            return 100
        return int(100 * job.processed_rows / job.total_rows) if job.total_rows else 0

    def get_has_report(self, job: MemberImport) -> bool:
        # Lists annotate it: reading the deferred report would load it once per row.
        stored = getattr(job, "report_stored", None)
        return stored if stored is not None else job.report is not None


class MemberImportListSerializer(MemberImportSerializer):
    class Meta(MemberImportSerializer.Meta):
        fields = [f for f in MemberImportSerializer.Meta.fields if f != "errors"]


class UploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()
    mapping = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text='JSON {"sheet column": "field key" or "ignore"}, as chosen in the column-mapping step that a '
        "400 sheets.mapping_required (with its proposal) asks for.",
    )


def _checked_upload(request: Request) -> tuple[Any, dict[str, Any]]:
    """The uploaded file (size-checked) and the other form fields."""
    body = UploadSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    upload = body.validated_data["file"]
    if upload.size > MAX_IMPORT_BYTES:
        raise ServiceError(MembersCode.IMPORT_TOO_LARGE, _("The file is larger than 20 MB."), "file")
    return upload, body.validated_data


class MemberImportViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet[MemberImport]):
    """Upload a member spreadsheet (tenant admins). All rows or none; errors per row and column,
    downloadable as the uploaded sheet with an error column."""

    permission_classes = [IsTenantAdmin]
    serializer_class = MemberImportSerializer
    queryset = MemberImport.objects.defer("content", "report").annotate(
        report_stored=ExpressionWrapper(Q(report__isnull=False), output_field=BooleanField())
    )

    def get_serializer_class(self) -> type[MemberImportSerializer]:
        # Lists stay light: the per-row errors (up to 500) come with the single job.
        return MemberImportListSerializer if self.action == "list" else MemberImportSerializer

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: MemberImportSerializer, 202: MemberImportSerializer},
    )
    def create(self, request: Request) -> Response:
        upload, fields = _checked_upload(request)
        mapping = parse_mapping(fields.get("mapping"))
        content = upload.read()
        check_upload(content, upload.name, mapping)
        actor = Actor.of(request)
        job = do_create_import_job(actor=actor, filename=upload.name, content=content, mapping=mapping)
        if upload.size <= INLINE_IMPORT_BYTES:
            run_import(job, actor=actor)
            return Response(MemberImportSerializer(job).data, status=201)
        transaction.on_commit(lambda: run_member_import.delay(job.pk, actor.pk))
        return Response(MemberImportSerializer(job).data, status=202)

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses=SheetProposalSerializer)
    @action(detail=False, methods=["post"])
    def columns(self, request: Request) -> Response:
        """The column-mapping step for a sheet, before importing it (nothing is imported or kept)."""
        upload, _fields = _checked_upload(request)
        return Response(check_columns(upload.read(), upload.name, MEMBER_SHEET))

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes})
    @action(detail=True, methods=["get"])
    def report(self, request: Request, pk: str | None = None) -> HttpResponse:
        job = MemberImport.objects.filter(pk=self.get_object().pk).only("report", "filename").get()
        if job.report is None:
            raise NotFoundError(MembersCode.NO_REPORT, _("This import has no error report."))
        return xlsx_response(bytes(job.report), f"错误报告-{job.filename.rsplit('.', 1)[0]}.xlsx")

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes})
    @action(detail=False, methods=["get"])
    def template(self, request: Request) -> HttpResponse:
        return xlsx_response(template_bytes(), "党员信息导入模板.xlsx")
