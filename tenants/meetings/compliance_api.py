"""Compliance endpoints on the tenant host, under ``/api/v1/meetings/`` (tenants.meetings.urls):

- ``GET compliance?organization=&year=&period=month|quarter|year``: expected vs held per
  organization, kind and period with the verdict and its reason (managers: tenant admins, and
  secretaries / committee members over their subtrees; the organization defaults to the caller's
  scope roots).
- ``GET ledger.xlsx?organization=&year=``: the 组织生活台账 workbook (audited).
- ``GET {id}/record.pdf``: a printable meeting record (managers covering its organization; audited).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import HasTenantRole
from partycloud.accounts.roles import TenantRole
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import NotAllowed, NotFoundError, ServiceError
from partycloud.core.spreadsheets import xlsx_response
from tenants.access.services import current_tenant, user_covers, user_scope
from tenants.meetings.compliance import VERDICTS, table
from tenants.meetings.errors import MeetingsCode
from tenants.meetings.exports import ledger_workbook, record_pdf
from tenants.meetings.models import Meeting, Period
from tenants.organizations.models import Organization

MANAGERS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY, TenantRole.COMMITTEE_MEMBER})


class CanManageMeetings(HasTenantRole):
    roles = MANAGERS


def _year(request: Request) -> int:
    raw = str(request.query_params.get("year") or timezone.localdate().year)
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise ServiceError(MeetingsCode.BAD_YEAR, _("Choose a year between 2000 and 2100."), "year")
    return int(raw)


def _period(request: Request) -> str:
    raw = str(request.query_params.get("period") or Period.QUARTER)
    if raw not in Period.values:
        raise ServiceError(MeetingsCode.BAD_PERIOD, _("Choose month, quarter or year."), "period")
    return raw


def scoped_organizations(request: Request) -> list[Organization]:
    """The active organizations the table covers: the subtree of ``?organization=`` (which the
    caller must cover), else every subtree the caller manages."""
    raw = str(request.query_params.get("organization") or "")
    active = Organization.objects.filter(is_active=True)
    if raw:
        root = active.filter(pk=int(raw)).first() if raw.isdigit() else None
        if root is None:
            raise ServiceError(
                MeetingsCode.BAD_ORGANIZATION, _("No such organization in this party committee."), "organization"
            )
        if not user_covers(request.user, root.pk, MANAGERS):
            raise NotAllowed(MeetingsCode.OUT_OF_SCOPE, _("This organization is outside your scope."), "organization")
        return list(active.filter(path__startswith=root.path).order_by("path"))
    return list(user_scope(request.user, MANAGERS).apply(active, "path").order_by("path"))


class ComplianceRuleVersionSerializer(serializers.Serializer[Any]):
    version = serializers.CharField()
    effective_from = serializers.DateField()
    source = serializers.CharField()  # type: ignore[assignment]
    local = serializers.BooleanField()
    committee_threshold = serializers.IntegerField()


class CompliancePeriodSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="2026-03, 2026-Q2 or 2026")
    start = serializers.DateField()
    end = serializers.DateField()


class MeetingsComplianceOrganizationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


class MeetingsComplianceKindSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class MeetingsComplianceCellSerializer(serializers.Serializer[Any]):
    period = serializers.CharField()
    expected = serializers.IntegerField(help_text="meetings (heart-to-heart talks: pairs) due")
    held = serializers.IntegerField()
    verdict = serializers.ChoiceField(choices=[(verdict, verdict) for verdict in VERDICTS])
    reason = serializers.CharField(help_text="why, naming the rule version")
    rule_version = serializers.CharField()


class MeetingsComplianceRowSerializer(serializers.Serializer[Any]):
    organization = MeetingsComplianceOrganizationSerializer()
    kind = MeetingsComplianceKindSerializer()
    cells = MeetingsComplianceCellSerializer(many=True)


class MeetingsComplianceSerializer(serializers.Serializer[Any]):
    rule_versions = ComplianceRuleVersionSerializer(many=True)
    periods = CompliancePeriodSerializer(many=True)
    rows = MeetingsComplianceRowSerializer(many=True)


def compliance_body(organizations: list[Organization], year: int, period: str) -> dict[str, Any]:
    rules, spans, rows = table(organizations, year, period)
    return {
        "rule_versions": rules,
        "periods": [{"key": span.key, "start": span.start, "end": span.end} for span in spans],
        "rows": [
            {
                "organization": {
                    "id": row.organization.pk,
                    "name": row.organization.name,
                    "kind": row.organization.kind,
                },
                "kind": {"id": row.kind.pk, "code": row.kind.code, "name": row.kind.name},
                "cells": [cell.__dict__ for cell in row.cells],
            }
            for row in rows
        ],
    }


YEAR = OpenApiParameter("year", int, description="this year if absent")
ORGANIZATION = OpenApiParameter("organization", int, description="this organization's subtree; default: your scope")
PERIOD = OpenApiParameter("period", str, enum=Period.values, description="the columns (default quarter)")


class ComplianceView(APIView):
    """Expected vs held activities per organization, kind and period, with each verdict's reason
    (met, missing, pending while the period is open — never a failure — or not applicable)."""

    permission_classes = [CanManageMeetings]

    @extend_schema(parameters=[ORGANIZATION, YEAR, PERIOD], responses=MeetingsComplianceSerializer)
    def get(self, request: Request) -> Response:
        year, period = _year(request), _period(request)
        body = compliance_body(scoped_organizations(request), year, period)
        return Response(MeetingsComplianceSerializer(body).data)


def meetings_of(organizations: list[Organization], year: int) -> list[Meeting]:
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    zone = timezone.get_default_timezone()
    return list(
        Meeting.objects.filter(
            organization_id__in=[organization.pk for organization in organizations],
            starts_at__gte=datetime.combine(start, time.min, tzinfo=zone),
            starts_at__lt=datetime.combine(end, time.min, tzinfo=zone),
        )
        .select_related("organization", "kind", "host", "recorder")
        .prefetch_related("attendees", "resolutions")
        .order_by("starts_at", "id")
    )


class LedgerView(APIView):
    """组织生活台账: an organization's (subtree's) meetings of a year and its compliance, as a
    workbook (audited). ``organization`` is required."""

    permission_classes = [CanManageMeetings]

    @extend_schema(
        parameters=[OpenApiParameter("organization", int, required=True), YEAR],
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes},
    )
    def get(self, request: Request) -> HttpResponse:
        if not request.query_params.get("organization"):
            raise ServiceError(
                MeetingsCode.BAD_ORGANIZATION, _("No such organization in this party committee."), "organization"
            )
        year = _year(request)
        organizations = scoped_organizations(request)
        root = organizations[0]
        _rules, spans, rows = table(organizations, year, Period.QUARTER)
        content = ledger_workbook(root, year, meetings_of(organizations, year), spans, rows)
        do_record_audit(
            event="meetings.ledger.export", actor=Actor.of(request), target=root,
            details={"year": year, "organizations": len(organizations)},
        )  # fmt: skip
        return xlsx_response(content, f"组织生活台账-{root.name}-{year}.xlsx")


class RecordPdfView(APIView):
    """A printable meeting record (PDF; audited), for managers covering the meeting's organization."""

    permission_classes = [CanManageMeetings]

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request: Request, meeting_id: int) -> HttpResponse:
        meeting = (
            Meeting.objects.select_related("organization", "kind", "host", "recorder")
            .prefetch_related("attendees", "resolutions")
            .filter(pk=meeting_id)
            .first()
        )
        if meeting is None or not user_covers(request.user, meeting.organization_id, MANAGERS):
            raise NotFoundError(MeetingsCode.MEETING_UNKNOWN, _("No such meeting within your scope."))
        content = record_pdf(meeting, current_tenant().name)
        do_record_audit(event="meetings.record.print", actor=Actor.of(request), target=meeting)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="meeting-{meeting.pk}.pdf"'
        return response


urlpatterns = [
    path("compliance", ComplianceView.as_view(), name="meetings-compliance"),
    path("ledger.xlsx", LedgerView.as_view(), name="meetings-ledger"),
    path("<int:meeting_id>/record.pdf", RecordPdfView.as_view(), name="meetings-record-pdf"),
]
