"""Transfers as this party committee sees them: outgoing, incoming and within."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from partycloud.core.errors import NotAllowed
from partycloud.tenancy.context import active_tenant
from partycloud.tenancy.models import PartyCommittee
from tenants.access.models import TenantRole
from tenants.access.permissions import HasTenantRole
from tenants.access.services import user_covers
from tenants.members.models import Member
from tenants.organizations.models import Organization
from tenants.transfers.models import Transfer, TransferKind
from tenants.transfers.services import do_accept_transfer, do_cancel_transfer, do_reject_transfer, do_request_transfer

HANDLERS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY})


class CanHandleTransfers(HasTenantRole):
    roles = HANDLERS | {TenantRole.COMMITTEE_MEMBER}
    read_roles = frozenset({TenantRole.DISCIPLINE_INSPECTOR})


class TransferSerializer(serializers.ModelSerializer[Transfer]):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), required=False)
    to_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(is_active=True), required=False, allow_null=True
    )
    to_tenant = serializers.PrimaryKeyRelatedField(
        queryset=PartyCommittee.objects.active(), required=False, allow_null=True, write_only=True
    )
    from_organization_name = serializers.CharField(source="from_organization.name", default=None, read_only=True)
    to_organization_name = serializers.CharField(source="to_organization.name", default=None, read_only=True)
    counterpart_name = serializers.CharField(source="counterpart_tenant.name", default=None, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Transfer
        fields = [
            "id", "number", "kind", "kind_label", "status", "status_label", "member", "member_name",
            "from_organization", "from_organization_name", "to_organization", "to_organization_name", "to_tenant",
            "counterpart_tenant", "counterpart_name", "reason", "valid_until", "is_overdue", "rule_version",
            "decision_note", "decided_at", "created_at",
        ]  # fmt: skip
        read_only_fields = [
            "number", "kind", "status", "member_name", "from_organization", "counterpart_tenant", "valid_until",
            "rule_version", "decision_note", "decided_at", "created_at",
        ]  # fmt: skip


class TransferDecisionSerializer(serializers.Serializer[Any]):
    to_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(is_active=True), required=False, allow_null=True
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


def check_covers(request: Request, organization_id: int | None) -> None:
    if not user_covers(request.user, organization_id, HANDLERS):
        raise NotAllowed("transfers.out_of_scope", _("This transfer is outside your scope."))


class TransferViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Transfer]
):
    """``?kind=incoming|outgoing|within``, ``?status=pending``, ``?overdue=true``."""

    permission_classes = [CanHandleTransfers]
    serializer_class = TransferSerializer
    filterset_fields = ["kind", "status"]
    search_fields = ["member_name", "number"]

    def get_queryset(self) -> QuerySet[Transfer]:
        queryset = Transfer.objects.select_related("from_organization", "to_organization", "counterpart_tenant")
        if self.request.query_params.get("overdue") in {"1", "true"}:
            queryset = queryset.filter(status="pending", valid_until__lt=timezone.localdate())
        return queryset

    def perform_create(self, serializer: TransferSerializer) -> None:  # type: ignore[override]
        data = serializer.validated_data
        member = data.get("member")
        if member is None:
            raise NotAllowed("transfers.member_required", _("Choose the member to transfer."), "member")
        check_covers(self.request, member.organization_id)
        serializer.instance = do_request_transfer(
            member, to_organization=data.get("to_organization"), to_tenant=data.get("to_tenant"),
            reason=data.get("reason", ""), actor=self.request.user, request=self.request._request,
        )  # fmt: skip

    @extend_schema(request=TransferDecisionSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        transfer = self.get_object()
        body = TransferDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        destination = body.validated_data.get("to_organization") or transfer.to_organization
        check_covers(request, destination.pk if destination else None)
        accepted = do_accept_transfer(
            transfer,
            to_organization=destination,
            actor=request.user,
            note=body.validated_data["note"],
            request=request._request,
        )
        return Response(TransferSerializer(accepted).data)

    @extend_schema(request=TransferDecisionSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        transfer = self.get_object()
        body = TransferDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        check_covers(request, transfer.to_organization_id if transfer.kind == TransferKind.WITHIN else None)
        rejected = do_reject_transfer(
            transfer, actor=request.user, note=body.validated_data["note"], request=request._request
        )
        return Response(TransferSerializer(rejected).data)

    @extend_schema(request=None, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        transfer = self.get_object()
        check_covers(request, transfer.from_organization_id)
        return Response(
            TransferSerializer(do_cancel_transfer(transfer, actor=request.user, request=request._request)).data
        )

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
