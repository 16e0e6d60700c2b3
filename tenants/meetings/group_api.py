"""The group's drill-down into one subsidiary's organizational life (root host): the tenant's own
compliance table, read in its schema with the same engine (``GET compliance/{tenant_id}?year=
&period=&organization=``), and its meeting records (``GET compliance/{tenant_id}/meetings?
organization=&kind=&year=``, paginated). Group viewers and admins read; every read is in the
audit log. Mounted under ``/api/v1/group/meetings/`` by the wiring (partycloud.urls_public)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, Q
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import IsGroupAdminOrViewerReadOnly
from partycloud.audit.services import do_record_audit
from partycloud.core.api import PagePagination
from partycloud.core.errors import NotFoundError, ServiceError
from partycloud.tenancy.models import CommitteeStatus, PartyCommittee
from tenants.meetings.compliance_api import MeetingsComplianceSerializer, compliance_body
from tenants.meetings.errors import MeetingsCode
from tenants.meetings.models import AttendanceStatus, Meeting, Period
from tenants.organizations.models import Organization


def _tenant(tenant_id: int) -> PartyCommittee:
    tenant = PartyCommittee.objects.filter(
        pk=tenant_id, kind="subsidiary", status__in=[CommitteeStatus.ACTIVE, CommitteeStatus.SUSPENDED]
    ).first()
    if tenant is None:
        raise NotFoundError(MeetingsCode.TENANT_UNKNOWN, _("No such subsidiary."))
    return tenant


def _year(request: Request) -> int:
    raw = str(request.query_params.get("year") or timezone.localdate().year)
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise ServiceError(MeetingsCode.BAD_YEAR, _("Choose a year between 2000 and 2100."), "year")
    return int(raw)


def _organizations(request: Request) -> list[Organization]:
    raw = str(request.query_params.get("organization") or "")
    active = Organization.objects.filter(is_active=True)
    if not raw:
        return list(active.order_by("path"))
    root = active.filter(pk=int(raw)).first() if raw.isdigit() else None
    if root is None:
        raise ServiceError(
            MeetingsCode.BAD_ORGANIZATION, _("No such organization in this party committee."), "organization"
        )
    return list(active.filter(path__startswith=root.path).order_by("path"))


def _audit(request: Request, tenant: PartyCommittee, event: str, details: dict[str, Any]) -> None:
    do_record_audit(
        event=event, actor=Actor.of(request), target_type="meetings.compliance",
        target_id=f"{tenant.schema_name}:{details.get('organization') or ''}",
        target_label=tenant.short_name or tenant.name, tenant_id=tenant.pk, details=details,
    )  # fmt: skip


YEAR = OpenApiParameter("year", int, description="this year if absent")
ORGANIZATION = OpenApiParameter("organization", int, description="this organization's subtree (default: all)")


class GroupTenantComplianceView(APIView):
    """A subsidiary's compliance table (its organizations × kinds × periods, with reasons), read
    in its schema (audited)."""

    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(
        parameters=[YEAR, ORGANIZATION, OpenApiParameter("period", str, enum=Period.values)],
        responses=MeetingsComplianceSerializer,
        operation_id="group_meetings_tenant_compliance",
    )
    def get(self, request: Request, tenant_id: int) -> Response:
        tenant = _tenant(tenant_id)
        year = _year(request)
        period = str(request.query_params.get("period") or Period.QUARTER)
        if period not in Period.values:
            raise ServiceError(MeetingsCode.BAD_PERIOD, _("Choose month, quarter or year."), "period")
        with tenant:
            organizations = _organizations(request)
            body = MeetingsComplianceSerializer(compliance_body(organizations, year, period)).data
        _audit(request, tenant, "drilldown.meetings.compliance",
               {"year": year, "period": period, "organization": request.query_params.get("organization") or ""})  # fmt: skip
        return Response(body)


class GroupMeetingRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField(source="kind.name")
    kind_code = serializers.CharField(source="kind.code")
    organization = serializers.CharField(source="organization.name")
    organization_id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    status = serializers.CharField()
    invited = serializers.IntegerField()
    present = serializers.IntegerField()


class GroupTenantMeetingsView(APIView):
    """A subsidiary's meeting records of a year (title, kind, organization, time, status,
    attendance counts; no minutes), read in its schema (audited)."""

    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(
        parameters=[YEAR, ORGANIZATION, OpenApiParameter("kind", str, description="a kind code"),
                    OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses=GroupMeetingRowSerializer(many=True),
        operation_id="group_meetings_tenant_meetings",
    )  # fmt: skip
    def get(self, request: Request, tenant_id: int) -> Response:
        tenant = _tenant(tenant_id)
        year = _year(request)
        zone = timezone.get_default_timezone()
        with tenant:
            organizations = _organizations(request)
            meetings = (
                Meeting.objects.filter(
                    organization_id__in=[organization.pk for organization in organizations],
                    starts_at__gte=datetime.combine(date(year, 1, 1), time.min, tzinfo=zone),
                    starts_at__lt=datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=zone),
                )
                .select_related("kind", "organization")
                .annotate(
                    invited=Count("attendees", filter=Q(attendees__is_guest=False)),
                    present=Count(
                        "attendees", filter=Q(attendees__is_guest=False, attendees__status=AttendanceStatus.PRESENT)
                    ),
                )
                .order_by("starts_at", "id")
            )
            kind = request.query_params.get("kind")
            if kind:
                meetings = meetings.filter(kind__code=kind)
            paginator = PagePagination()
            page = paginator.paginate_queryset(meetings, request, view=self)
            data = GroupMeetingRowSerializer(page, many=True).data
            response = paginator.get_paginated_response(data)
        _audit(request, tenant, "drilldown.meetings.records",
               {"year": year, "organization": request.query_params.get("organization") or "", "count": len(data)})  # fmt: skip
        return response


group_drilldown_urlpatterns = [
    path("compliance/<int:tenant_id>", GroupTenantComplianceView.as_view(), name="group-meetings-tenant-compliance"),
    path(
        "compliance/<int:tenant_id>/meetings", GroupTenantMeetingsView.as_view(), name="group-meetings-tenant-meetings"
    ),
]
