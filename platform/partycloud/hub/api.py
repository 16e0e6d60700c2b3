"""The employee roster: group staff see all of it and import it; a tenant admin sees the
entries of their own party committee."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from partycloud.accounts.permissions import IsGroupAdmin, IsGroupAdminOrViewerReadOnly, IsTenantAdmin, on_root_host
from partycloud.core.api import SheetProposalSerializer
from partycloud.core.sheetmapping import check_columns, parse_mapping
from partycloud.core.spreadsheets import xlsx_response
from partycloud.hub.models import PocketMemberCase, RosterEntry
from partycloud.hub.pockets import detect_unreceived_transfers, detect_unregistered_members, do_resolve_pocket_case
from partycloud.hub.roster import ROSTER_SHEET, do_import_roster, template_bytes
from partycloud.tenancy.context import active_tenant
from tenants.members.api import UploadSerializer


class RosterEntrySerializer(serializers.ModelSerializer[RosterEntry]):
    employer_name = serializers.CharField(source="employer.name", default=None, read_only=True)

    class Meta:
        model = RosterEntry
        fields = [
            "id",
            "card_number",
            "name",
            "employer",
            "employer_name",
            "department",
            "hr_party_member",
            "updated_at",
        ]


class CanReadRoster(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if on_root_host():
            return IsGroupAdminOrViewerReadOnly().has_permission(request, view)
        return request.method == "GET" and IsTenantAdmin().has_permission(request, view)


class RosterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[RosterEntry]):
    """Employees by card number; ``?employer=``, ``?hr_party_member=true``, ``?search=``."""

    permission_classes = [CanReadRoster]
    serializer_class = RosterEntrySerializer
    filterset_fields = ["employer", "hr_party_member"]
    search_fields = ["card_number", "name", "department"]

    def get_queryset(self) -> QuerySet[RosterEntry]:
        queryset = RosterEntry.objects.select_related("employer").order_by("card_number")
        return queryset if on_root_host() else queryset.filter(employer=active_tenant())

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses=inline_serializer(
            "RosterImport",
            {
                "created": serializers.IntegerField(),
                "updated": serializers.IntegerField(),
                "ignored_columns": serializers.ListField(child=serializers.CharField()),
            },
        ),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        permission_classes=[IsGroupAdmin],
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_roster(self, request: Request) -> Response:
        body = UploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        mapping = parse_mapping(body.validated_data.get("mapping"))
        return Response(do_import_roster(upload.read(), upload.name, actor=request.user, mapping=mapping))

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses=SheetProposalSerializer)
    @action(
        detail=False,
        methods=["post"],
        url_path="import/columns",
        permission_classes=[IsGroupAdmin],
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_columns(self, request: Request) -> Response:
        """The column-mapping step for a roster sheet, before importing it (nothing is imported or kept)."""
        body = UploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        return Response(check_columns(upload.read(), upload.name, ROSTER_SHEET))

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes})
    @action(detail=False, methods=["get"], permission_classes=[IsGroupAdmin])
    def template(self, request: Request) -> HttpResponse:
        return xlsx_response(template_bytes(), "员工名册导入模板.xlsx")


class PocketCaseSerializer(serializers.ModelSerializer[PocketMemberCase]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    tenant_name = serializers.CharField(source="tenant.name", default=None, read_only=True)

    class Meta:
        model = PocketMemberCase
        fields = [
            "id", "kind", "kind_label", "tenant", "tenant_name", "reference", "name", "suggested_action",
            "status", "note", "resolved_by", "resolved_at", "detected_at",
        ]  # fmt: skip
        read_only_fields = fields


class ResolveSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=500)


class CanHandlePockets(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if on_root_host():
            return IsGroupAdminOrViewerReadOnly().has_permission(request, view)
        return IsTenantAdmin().has_permission(request, view)


class PocketCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[PocketMemberCase]):
    """Possible pocket members: the group sees all, a tenant admin those of their committee.
    ``?status=open``; ``POST …/{id}/resolve {note}``; ``POST …/detect`` runs detection now (group admin)."""

    permission_classes = [CanHandlePockets]
    serializer_class = PocketCaseSerializer
    filterset_fields = ["status", "kind", "tenant"]
    search_fields = ["name", "reference"]

    def get_queryset(self) -> QuerySet[PocketMemberCase]:
        queryset = PocketMemberCase.objects.select_related("tenant")
        return queryset if on_root_host() else queryset.filter(tenant=active_tenant())

    @extend_schema(request=ResolveSerializer, responses=PocketCaseSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        body = ResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = do_resolve_pocket_case(
            self.get_object(), note=body.validated_data["note"], actor=request.user, request=request._request
        )
        return Response(PocketCaseSerializer(case).data)

    @extend_schema(request=None, responses=inline_serializer("Detected", {"opened": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], permission_classes=[IsGroupAdmin])
    def detect(self, request: Request) -> Response:
        return Response({"opened": detect_unregistered_members() + detect_unreceived_transfers()})
