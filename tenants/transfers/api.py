"""Transfers as this party committee sees them: outgoing, incoming and within."""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import quote

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.permissions import HasTenantRole
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import NotAllowed, NotFoundError
from partycloud.tenancy.context import active_tenant
from partycloud.tenancy.models import PartyCommittee
from tenants.access.models import TenantRole
from tenants.access.services import check_covers as shared_check_covers
from tenants.access.services import user_scope
from tenants.members.api import MemberSerializer
from tenants.members.models import Member
from tenants.organizations.models import Organization
from tenants.transfers.letters import letter_pdf, verification_code
from tenants.transfers.models import Transfer, TransferKind
from tenants.transfers.services import (
    concerning,
    do_accept_transfer,
    do_cancel_transfer,
    do_issue_introduction_letter,
    do_record_receipt,
    do_register_from_outside,
    do_reject_transfer,
    do_request_transfer,
)

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


def visible_transfers(request: Request) -> QuerySet[Transfer]:
    """The transfers the caller may read and act on: all of the tenant's for a tenant-wide role;
    for a role scoped to a subtree, those leaving or entering it (another branch's are not found)."""
    scope = user_scope(request.user, CanHandleTransfers.roles | CanHandleTransfers.read_roles)
    return Transfer.objects.filter(concerning(scope))


def check_covers(request: Request, organization_id: int | None) -> None:
    shared_check_covers(
        request.user, organization_id, HANDLERS, "transfers.out_of_scope", _("This transfer is outside your scope.")
    )


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
        queryset = visible_transfers(self.request).select_related(
            "from_organization", "to_organization", "counterpart_tenant"
        )
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
        # Within the tenant the member moves to the transfer's own destination, whatever the body
        # says: the receiving branch's side accepts, never the sending one naming itself.
        if transfer.kind == TransferKind.WITHIN:
            destination = transfer.to_organization
        else:
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


# ---------------------------------------------------------------- out of and into the group


class LetterRequestSerializer(serializers.Serializer[Any]):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all())
    external_organization = serializers.CharField(max_length=200)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class FromOutsideSerializer(MemberSerializer):
    letter_number = serializers.CharField(max_length=40, write_only=True)
    external_organization = serializers.CharField(max_length=200, write_only=True)

    class Meta(MemberSerializer.Meta):
        fields = [*MemberSerializer.Meta.fields, "letter_number", "external_organization"]


class LetterViewSet(viewsets.GenericViewSet[Transfer]):
    """Transfers out of the group (introduction letter with QR code and receipt stub) and into
    the group from outside (registration with the letter's number)."""

    permission_classes = [CanHandleTransfers]
    serializer_class = TransferSerializer

    def get_queryset(self) -> QuerySet[Transfer]:
        return visible_transfers(self.request)

    @extend_schema(request=LetterRequestSerializer, responses={201: TransferSerializer})
    @action(detail=False, methods=["post"], url_path="out-of-group")
    def out_of_group(self, request: Request) -> Response:
        body = LetterRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        member = body.validated_data["member"]
        check_covers(request, member.organization_id)
        transfer = do_issue_introduction_letter(
            member, external_organization=body.validated_data["external_organization"],
            reason=body.validated_data["reason"], actor=request.user, request=request._request,
        )  # fmt: skip
        return Response(TransferSerializer(transfer).data, status=201)

    @extend_schema(request=FromOutsideSerializer, responses={201: TransferSerializer})
    @action(detail=False, methods=["post"], url_path="from-outside")
    def from_outside(self, request: Request) -> Response:
        body = FromOutsideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        check_covers(request, data["organization"].pk)
        letter_number, external = data.pop("letter_number"), data.pop("external_organization")
        number = data.pop("id_card_number")
        data.pop("placed_on", None)
        data.pop("effective_on", None)
        transfer = do_register_from_outside(
            data, id_card_number=number, letter_number=letter_number, external_organization=external,
            actor=request.user, request=request._request,
        )  # fmt: skip
        return Response(TransferSerializer(transfer).data, status=201)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def letter(self, request: Request, pk: str | None = None) -> HttpResponse:
        transfer = self.get_object()
        if transfer.kind != TransferKind.OUT_OF_GROUP:
            raise NotFoundError(
                "transfers.no_letter", _("Only a transfer out of the group has an introduction letter.")
            )
        check_covers(request, transfer.from_organization_id)
        content = letter_pdf(transfer, active_tenant())
        do_record_audit(
            event="transfer.letter.print",
            actor=request.user,
            target=transfer,
            target_label=f"{transfer.member_name}（{transfer.number}）",
            request=request._request,
        )
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(f'介绍信-{transfer.number}.pdf')}"
        return response

    @extend_schema(request=TransferDecisionSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def receipt(self, request: Request, pk: str | None = None) -> Response:
        transfer = self.get_object()
        check_covers(request, transfer.from_organization_id)
        body = TransferDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = do_record_receipt(
            transfer, actor=request.user, note=body.validated_data["note"], request=request._request
        )
        return Response(TransferSerializer(done).data)


@extend_schema(
    responses=inline_serializer(
        "LetterVerification",
        {
            "valid": serializers.BooleanField(),
            "number": serializers.CharField(),
            "member_name": serializers.CharField(),
            "issued_by": serializers.CharField(),
            "to": serializers.CharField(),
            "valid_until": serializers.DateField(),
            "status": serializers.CharField(),
        },
    )
)
class LetterVerificationView(APIView):
    """Anonymous: the receiving organization scans the QR code to check a letter is genuine."""

    permission_classes: list[Any] = []
    authentication_classes: list[Any] = []

    def get(self, request: Request) -> Response:
        number = request.query_params.get("number", "")
        code = request.query_params.get("code", "")
        transfer = Transfer.objects.filter(number=number, kind=TransferKind.OUT_OF_GROUP).first()
        if transfer is None or not hmac.compare_digest(code, verification_code(number)):
            return Response({"valid": False, "number": number}, status=404)
        name = transfer.member_name
        return Response({
            "valid": True, "number": number, "member_name": name[:1] + "*" * (len(name) - 1),
            "issued_by": active_tenant().name, "to": transfer.external_organization,
            "valid_until": transfer.valid_until, "status": transfer.get_status_display(),
        })  # fmt: skip
