"""The hub's API. The employee roster: group staff see all of it and import it; a tenant admin sees
the entries of their own party committee. Pocket-member cases. And a tenant's ``/transfers``: a
transfer may go to another tenant of the group, which only the hub can do (``hub.transfers``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import IsGroupAdmin, IsGroupAdminOrViewerReadOnly, IsTenantAdmin, on_root_host
from partycloud.core.api import ChoiceLabelField, SheetProposalSerializer
from partycloud.core.errors import NotAllowed
from partycloud.core.sheetmapping import check_columns, parse_mapping
from partycloud.core.spreadsheets import xlsx_response
from partycloud.hub.models import PocketMemberCase, RosterEntry
from partycloud.hub.pockets import detect_unreceived_transfers, detect_unregistered_members, do_resolve_pocket_case
from partycloud.hub.roster import ROSTER_SHEET, do_import_roster, template_bytes
from partycloud.hub.transfers import do_accept_transfer, do_cancel_transfer, do_reject_transfer, do_request_transfer
from partycloud.tenancy.context import active_tenant
from partycloud.tenancy.models import PartyCommittee
from tenants.members.api import UploadSerializer
from tenants.transfers.api import CanHandleTransfers, TransferDecisionSerializer, TransferSerializer
from tenants.transfers.errors import TransfersCode
from tenants.transfers.models import Transfer
from tenants.transfers.services import (
    check_can_accept,
    check_can_cancel,
    check_can_reject,
    check_covers,
    visible_transfers,
)


class RosterEntrySerializer(serializers.ModelSerializer[RosterEntry]):
    employer_name = serializers.CharField(source="employer.name", default=None, read_only=True, allow_null=True)

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
        return Response(do_import_roster(upload.read(), upload.name, actor=Actor.of(request), mapping=mapping))

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
    kind_label = ChoiceLabelField("kind")
    tenant_name = serializers.CharField(source="tenant.name", default=None, read_only=True, allow_null=True)

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
        case = do_resolve_pocket_case(self.get_object(), note=body.validated_data["note"], actor=Actor.of(request))
        return Response(PocketCaseSerializer(case).data)

    @extend_schema(request=None, responses=inline_serializer("Detected", {"opened": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], permission_classes=[IsGroupAdmin])
    def detect(self, request: Request) -> Response:
        return Response({"opened": detect_unregistered_members() + detect_unreceived_transfers()})


# ---------------------------------------------------------------- a tenant's transfers (on its host)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("overdue", bool, description="only pending transfers past their validity")]
    )
)
class TransferViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Transfer]
):
    """``?kind=incoming|outgoing|within``, ``?status=pending``, ``?overdue=true``."""

    permission_classes = [CanHandleTransfers]
    serializer_class = TransferSerializer
    filterset_fields = ["kind", "status"]
    search_fields = ["member_name", "number"]

    def get_queryset(self) -> QuerySet[Transfer]:
        queryset = visible_transfers(Actor.of(self.request)).select_related(
            "from_organization", "to_organization", "counterpart_tenant"
        )
        if self.request.query_params.get("overdue") in {"1", "true"}:
            queryset = queryset.filter(status="pending", valid_until__lt=timezone.localdate())
        return queryset

    def perform_create(self, serializer: TransferSerializer) -> None:  # type: ignore[override]
        data = serializer.validated_data
        member = data.get("member")
        if member is None:
            raise NotAllowed(TransfersCode.MEMBER_REQUIRED, _("Choose the member to transfer."), "member")
        actor = Actor.of(self.request)
        check_covers(actor, member.organization_id)
        serializer.instance = do_request_transfer(
            member, to_organization=data.get("to_organization"), to_tenant=data.get("to_tenant"),
            reason=data.get("reason", ""), actor=actor,
        )  # fmt: skip

    @extend_schema(request=TransferDecisionSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        transfer = self.get_object()
        body = TransferDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actor = Actor.of(request)
        destination = check_can_accept(actor, transfer, body.validated_data.get("to_organization"))
        accepted = do_accept_transfer(
            transfer, to_organization=destination, actor=actor, note=body.validated_data["note"]
        )
        return Response(TransferSerializer(accepted).data)

    @extend_schema(request=TransferDecisionSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        transfer = self.get_object()
        body = TransferDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actor = Actor.of(request)
        check_can_reject(actor, transfer)
        rejected = do_reject_transfer(transfer, actor=actor, note=body.validated_data["note"])
        return Response(TransferSerializer(rejected).data)

    @extend_schema(request=None, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        transfer = self.get_object()
        actor = Actor.of(request)
        check_can_cancel(actor, transfer)
        return Response(TransferSerializer(do_cancel_transfer(transfer, actor=actor)).data)

    @extend_schema(
        responses=inline_serializer(
            "TransferDestinations", {"tenants": serializers.ListField(child=serializers.DictField())}
        )
    )
    @action(detail=False, methods=["get"])
    def destinations(self, request: Request) -> Response:
        """The other active party committees of the group a member can be transferred to."""
        here = active_tenant()
        tenants = PartyCommittee.objects.active().exclude(pk=here.pk).order_by("name")
        return Response({"tenants": [{"id": t.pk, "name": t.name, "slug": t.slug} for t in tenants]})
