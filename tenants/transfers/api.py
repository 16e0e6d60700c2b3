"""Transfers as this party committee sees them: the serializers and the permission of every transfer
endpoint, and the letters out of and into the group. ``/transfers`` itself (requests and decisions,
which may cross to another tenant) is served by ``partycloud.hub.api`` at the same path."""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import quote

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import HasTenantRole
from partycloud.accounts.roles import TenantRole
from partycloud.core.api import ChoiceLabelField
from partycloud.core.errors import NotFoundError
from partycloud.tenancy.context import active_tenant
from partycloud.tenancy.models import PartyCommittee
from tenants.members.api import MemberSerializer
from tenants.members.models import Member
from tenants.organizations.models import Organization
from tenants.transfers.errors import TransfersCode
from tenants.transfers.letters import verification_code
from tenants.transfers.models import Transfer, TransferKind
from tenants.transfers.services import (
    HANDLERS,
    check_covers,
    do_issue_introduction_letter,
    do_print_letter,
    do_record_receipt,
    do_register_from_outside,
    visible_transfers,
)


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
    from_organization_name = serializers.CharField(
        source="from_organization.name", default=None, read_only=True, allow_null=True
    )
    to_organization_name = serializers.CharField(
        source="to_organization.name", default=None, read_only=True, allow_null=True
    )
    counterpart_name = serializers.CharField(
        source="counterpart_tenant.name", default=None, read_only=True, allow_null=True
    )
    kind_label = ChoiceLabelField("kind")
    status_label = ChoiceLabelField("status")
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
        return visible_transfers(Actor.of(self.request))

    @extend_schema(request=LetterRequestSerializer, responses={201: TransferSerializer})
    @action(detail=False, methods=["post"], url_path="out-of-group")
    def out_of_group(self, request: Request) -> Response:
        body = LetterRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        member = body.validated_data["member"]
        actor = Actor.of(request)
        check_covers(actor, member.organization_id)
        transfer = do_issue_introduction_letter(
            member, external_organization=body.validated_data["external_organization"],
            reason=body.validated_data["reason"], actor=actor,
        )  # fmt: skip
        return Response(TransferSerializer(transfer).data, status=201)

    @extend_schema(request=FromOutsideSerializer, responses={201: TransferSerializer})
    @action(detail=False, methods=["post"], url_path="from-outside")
    def from_outside(self, request: Request) -> Response:
        body = FromOutsideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        actor = Actor.of(request)
        check_covers(actor, data["organization"].pk)
        letter_number, external = data.pop("letter_number"), data.pop("external_organization")
        number = data.pop("id_card_number")
        data.pop("placed_on", None)
        data.pop("effective_on", None)
        transfer = do_register_from_outside(
            data, id_card_number=number, letter_number=letter_number, external_organization=external, actor=actor
        )
        return Response(TransferSerializer(transfer).data, status=201)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def letter(self, request: Request, pk: str | None = None) -> HttpResponse:
        transfer = self.get_object()
        if transfer.kind != TransferKind.OUT_OF_GROUP:
            raise NotFoundError(
                TransfersCode.NO_LETTER, _("Only a transfer out of the group has an introduction letter.")
            )
        actor = Actor.of(request)
        check_covers(actor, transfer.from_organization_id)
        response = HttpResponse(do_print_letter(transfer, actor=actor), content_type="application/pdf")
        response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(f'介绍信-{transfer.number}.pdf')}"
        return response

    @extend_schema(request=TransferDecisionSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def receipt(self, request: Request, pk: str | None = None) -> Response:
        transfer = self.get_object()
        actor = Actor.of(request)
        check_covers(actor, transfer.from_organization_id)
        body = TransferDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = do_record_receipt(transfer, actor=actor, note=body.validated_data["note"])
        return Response(TransferSerializer(done).data)


@extend_schema(
    parameters=[
        OpenApiParameter("number", str, description="the letter's number"),
        OpenApiParameter("code", str, description="the verification code printed in the QR code"),
    ],
    responses={
        200: inline_serializer(
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
        ),
        # Not an Error: the scanning page shows "not genuine" with the number it was given.
        404: inline_serializer(
            "LetterNotVerified", {"valid": serializers.BooleanField(), "number": serializers.CharField()}
        ),
    },
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
