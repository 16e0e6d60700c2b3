"""Group admin API for tenants and applications (root host); tenant settings (tenant host)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.api import UserBriefSerializer, user_by_identifier
from partycloud.accounts.permissions import (
    IsGroupAdmin,
    IsGroupAdminOrViewerReadOnly,
    IsTenantAdmin,
    IsTenantUser,
    on_root_host,
)
from partycloud.accounts.services import is_group_staff
from partycloud.tenancy.context import active_tenant
from partycloud.tenancy.errors import TenancyCode
from partycloud.tenancy.models import (
    ApplicationStatus,
    CommitteeKind,
    CommitteeStatus,
    PartyCommittee,
    TenantAccess,
    TenantApplication,
)
from partycloud.tenancy.services import (
    CommitteeDraft,
    do_approve_application,
    do_change_tenant_status,
    do_provision_tenant,
    do_reject_application,
    do_submit_application,
    do_update_tenant_settings,
)


class PartyCommitteeSerializer(serializers.ModelSerializer[PartyCommittee]):
    url = serializers.CharField(read_only=True)
    # A URL, or "" when the tenant has no logo (not a "uri": the schema must allow the empty string).
    logo_url = serializers.CharField(read_only=True, help_text="the logo's URL; empty when there is none")
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=PartyCommittee.objects.exclude(kind=CommitteeKind.TEMPLATE), required=False, allow_null=True
    )
    first_admin = serializers.CharField(
        write_only=True, required=False, allow_blank=True, help_text="Phone or card number of the first tenant admin"
    )

    class Meta:
        model = PartyCommittee
        fields = [
            "id",
            "name",
            "short_name",
            "slug",
            "unified_code",
            "parent",
            "status",
            "display_name",
            "logo_url",
            "locale",
            "records_baseline_on",
            "url",
            "created_at",
            "status_changed_at",
            "first_admin",
        ]
        read_only_fields = [
            "id",
            "status",
            "display_name",
            "logo_url",
            "locale",
            "records_baseline_on",
            "url",
            "created_at",
            "status_changed_at",
        ]
        extra_kwargs = {
            # Validation (format, checksum, uniqueness) belongs to the service: one set of error codes.
            "unified_code": {"required": True, "allow_null": False, "validators": []},
            "slug": {"validators": []},
        }


class RecordsBaselineSerializer(serializers.Serializer[Any]):
    records_baseline_on = serializers.DateField(allow_null=True, help_text="档案基准日; null clears it")


class StatusChangeSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class PartyCommitteeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[PartyCommittee]
):
    """Subsidiary party committees (tenants). Group admins provision and change status; viewers read."""

    permission_classes = [IsGroupAdminOrViewerReadOnly]
    serializer_class = PartyCommitteeSerializer
    queryset = PartyCommittee.objects.subsidiaries().select_related("parent")
    filterset_fields = ["status", "parent"]
    search_fields = ["name", "short_name", "slug", "unified_code"]
    ordering_fields = ["id", "name", "created_at"]

    def perform_create(self, serializer: PartyCommitteeSerializer) -> None:  # type: ignore[override]
        data = serializer.validated_data
        admin_identifier = data.pop("first_admin", "")
        first_admin = user_by_identifier(admin_identifier, "first_admin") if admin_identifier else None
        serializer.instance = do_provision_tenant(
            CommitteeDraft.from_data(data),
            first_admin=first_admin,
            actor=Actor.of(self.request),
        )

    def _change_status(self, request: Request, new_status: str) -> Response:
        body = StatusChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        tenant = do_change_tenant_status(
            self.get_object(),
            new_status,
            actor=Actor.of(request),
            reason=body.validated_data["reason"],
        )
        return Response(PartyCommitteeSerializer(tenant).data)

    @extend_schema(request=StatusChangeSerializer, responses=PartyCommitteeSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsGroupAdmin])
    def suspend(self, request: Request, pk: str | None = None) -> Response:
        return self._change_status(request, CommitteeStatus.SUSPENDED)

    @extend_schema(request=StatusChangeSerializer, responses=PartyCommitteeSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsGroupAdmin])
    def archive(self, request: Request, pk: str | None = None) -> Response:
        return self._change_status(request, CommitteeStatus.ARCHIVED)

    @extend_schema(request=StatusChangeSerializer, responses=PartyCommitteeSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsGroupAdmin])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        return self._change_status(request, CommitteeStatus.ACTIVE)

    @extend_schema(request=RecordsBaselineSerializer, responses=PartyCommitteeSerializer)
    @action(detail=True, methods=["post"], url_path="records-baseline", permission_classes=[IsGroupAdmin])
    def records_baseline(self, request: Request, pk: str | None = None) -> Response:
        """Declare the party committee's records baseline (档案基准日) for the annual report."""
        body = RecordsBaselineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        tenant = do_update_tenant_settings(
            self.get_object(),
            actor=Actor.of(request),
            records_baseline_on=body.validated_data["records_baseline_on"],
        )
        return Response(PartyCommitteeSerializer(tenant).data)


class TenantApplicationSerializer(serializers.ModelSerializer[TenantApplication]):
    applicant = UserBriefSerializer(read_only=True)
    decided_by = UserBriefSerializer(read_only=True)
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=PartyCommittee.objects.exclude(kind=CommitteeKind.TEMPLATE), required=False, allow_null=True
    )

    class Meta:
        model = TenantApplication
        fields = [
            "id",
            "applicant",
            "name",
            "short_name",
            "slug",
            "unified_code",
            "parent",
            "reason",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "tenant",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "applicant",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "tenant",
            "created_at",
        ]
        extra_kwargs: dict[str, Any] = {"slug": {"validators": []}, "unified_code": {"validators": []}}
        validators: list[Any] = []  # the service checks uniqueness, with its own error codes


class DecisionSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class TenantApplicationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[TenantApplication],
):
    """Self-service: a subsidiary applies (any signed-in user); a group admin approves or rejects.

    The applicant becomes the new tenant's first admin. Applicants see their own applications.
    """

    serializer_class = TenantApplicationSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["status"]
    search_fields = ["name", "slug"]

    def get_queryset(self) -> QuerySet[TenantApplication]:
        queryset = TenantApplication.objects.select_related("applicant", "decided_by")
        if not on_root_host():
            return queryset.none()
        if is_group_staff(self.request.user):
            return queryset
        return queryset.filter(applicant_id=self.request.user.pk)

    def perform_create(self, serializer: TenantApplicationSerializer) -> None:  # type: ignore[override]
        data = serializer.validated_data
        serializer.instance = do_submit_application(
            CommitteeDraft.from_data(data), actor=Actor.of(self.request), reason=data.get("reason", "")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not on_root_host():
            return Response(
                {
                    "code": TenancyCode.ROOT_ONLY,
                    "message": _("Submit applications at the group party committee's address."),
                    "field": None,
                },
                status=status.HTTP_404_NOT_FOUND,
            )
        return super().create(request, *args, **kwargs)

    @extend_schema(request=DecisionSerializer, responses=PartyCommitteeSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsGroupAdmin])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        tenant = do_approve_application(self.get_object(), actor=Actor.of(request), note=body.validated_data["note"])
        return Response(PartyCommitteeSerializer(tenant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses=TenantApplicationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsGroupAdmin])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = do_reject_application(
            self.get_object(), actor=Actor.of(request), note=body.validated_data["note"]
        )
        return Response(TenantApplicationSerializer(application).data)


class TenantSettingsSerializer(serializers.ModelSerializer[PartyCommittee]):
    class Meta:
        model = PartyCommittee
        fields = [
            "id", "name", "short_name", "slug", "status", "display_name", "logo_url", "locale", "records_baseline_on",
        ]  # fmt: skip
        read_only_fields = ["id", "name", "short_name", "slug", "status"]


class TenantSettingsView(APIView):
    """This party committee's settings: everyone here reads them, tenant admins change them."""

    def get_permissions(self) -> list[Any]:
        return [IsTenantAdmin()] if self.request.method not in ("GET", "HEAD", "OPTIONS") else [IsTenantUser()]

    @extend_schema(responses=TenantSettingsSerializer)
    def get(self, request: Request) -> Response:
        return Response(TenantSettingsSerializer(active_tenant()).data)

    @extend_schema(request=TenantSettingsSerializer, responses=TenantSettingsSerializer)
    def patch(self, request: Request) -> Response:
        tenant = active_tenant()
        body = TenantSettingsSerializer(tenant, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        tenant = do_update_tenant_settings(tenant, actor=Actor.of(request), **body.validated_data)
        return Response(TenantSettingsSerializer(tenant).data)


@extend_schema(
    responses=inline_serializer("PublicInfo", {"name": serializers.CharField(), "kind": serializers.CharField()})
)
class SiteInfoView(APIView):
    """Anonymous: the name of the party committee this host belongs to (for the login page)."""

    permission_classes: list[Any] = []
    authentication_classes: list[Any] = []

    def get(self, request: Request) -> Response:
        tenant = active_tenant()
        return Response({"name": tenant.title, "kind": tenant.kind, "locale": tenant.locale})


class GroupSummarySerializer(serializers.Serializer[Any]):
    tenants = serializers.DictField(child=serializers.IntegerField())
    members = serializers.IntegerField()
    pending_applications = serializers.IntegerField()


class GroupSummaryView(APIView):
    """Dashboard cards for the group: tenants by status, people with a member role, pending applications.

    Read from the public schema only (the access index), never by scanning tenant schemas.
    """

    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(responses=GroupSummarySerializer)
    def get(self, request: Request) -> Response:
        by_status = dict(
            PartyCommittee.objects.subsidiaries()
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        tenants = {status: by_status.get(status, 0) for status in CommitteeStatus.values}
        tenants["total"] = sum(by_status.values())
        members = (
            TenantAccess.objects.filter(roles__contains=["member"], tenant__kind=CommitteeKind.SUBSIDIARY)
            .exclude(tenant__status=CommitteeStatus.ARCHIVED)
            .count()
        )
        pending = TenantApplication.objects.filter(status=ApplicationStatus.PENDING).count()
        return Response({"tenants": tenants, "members": members, "pending_applications": pending})
