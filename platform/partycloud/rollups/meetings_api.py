"""Organizational life on the group root host, from the rollups: ``GET compliance?year=&period=``
(tenants × kinds, held/expected per period, the group's totals) and ``GET frequency?year=`` (the
annual 组织生活频次统计 per tenant and for the group; ``?format=xlsx`` downloads it). Mounted
under ``/api/v1/group/meetings/`` by the wiring, beside the drill-down into a tenant's table
(``tenants.meetings.group_api``). Group viewers and admins read."""

from __future__ import annotations

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
from partycloud.accounts.permissions import IsGroupAdminOrViewerReadOnly
from partycloud.core.errors import ServiceError
from partycloud.core.spreadsheets import workbook_bytes, xlsx_response
from partycloud.rollups.errors import RollupsCode
from partycloud.rollups.meetings import PERIODS, frequency, group_compliance
from partycloud.rollups.services import do_record_dashboard_export

YEAR = OpenApiParameter("year", int, description="this year if absent")


def parse_year(request: Request) -> int:
    raw = str(request.query_params.get("year") or timezone.localdate().year)
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise ServiceError(RollupsCode.BAD_YEAR, _("Choose a year between 2000 and 2100."), "year")
    return int(raw)


class GroupKindSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    three_one = serializers.BooleanField()


class GroupCellSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    held = serializers.IntegerField()
    expected = serializers.IntegerField()
    verdict = serializers.ChoiceField(choices=[(v, v) for v in ("met", "missing", "pending", "not_applicable")])


class GroupPeriodSerializer(serializers.Serializer[Any]):
    period = serializers.CharField()
    cells = GroupCellSerializer(many=True)


class GroupTenantComplianceSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    periods = GroupPeriodSerializer(many=True)


class GroupMeetingsComplianceSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    period = serializers.CharField()
    periods = serializers.ListField(child=serializers.CharField())
    kinds = GroupKindSerializer(many=True)
    tenants = GroupTenantComplianceSerializer(many=True)
    group = GroupPeriodSerializer(many=True)


class GroupMeetingsComplianceView(APIView):
    """Organizational life by tenant and kind: held/expected per period from the rollups (tenant
    totals; open periods pending, never missing). Drill down with ``compliance/{tenant_id}``."""

    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(
        parameters=[YEAR, OpenApiParameter("period", str, enum=list(PERIODS), description="default quarter")],
        responses=GroupMeetingsComplianceSerializer,
    )
    def get(self, request: Request) -> Response:
        period = str(request.query_params.get("period") or "quarter")
        if period not in PERIODS:
            raise ServiceError(RollupsCode.BAD_PERIOD, _("Choose month, quarter or year."), "period")
        return Response(GroupMeetingsComplianceSerializer(group_compliance(parse_year(request), period)).data)


class FrequencyColumnSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]


class FrequencyTenantSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())


class FrequencySerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    columns = FrequencyColumnSerializer(many=True)
    tenants = FrequencyTenantSerializer(many=True)
    group = serializers.DictField(child=serializers.IntegerField())


class GroupMeetingsFrequencyView(APIView):
    """组织生活频次统计: held meetings of a year by category (支部活动日, 组织生活会, 民主评议,
    集中学习) per tenant and for the group; ``?format=xlsx`` downloads it (audited)."""

    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(
        parameters=[YEAR, OpenApiParameter("format", str, enum=["json", "xlsx"])],
        responses={
            (200, "application/json"): FrequencySerializer,
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes,
        },
    )
    def get(self, request: Request) -> HttpResponse:
        data = frequency(parse_year(request))
        if request.query_params.get("format") == "xlsx":
            title = f"组织生活频次统计-{data['year']}"
            headers = ["单位", *(column["label"] for column in data["columns"])]
            rows = [[row["name"], *(row["counts"][c["code"]] for c in data["columns"])] for row in data["tenants"]]
            rows.append(["集团合计", *(data["group"][c["code"]] for c in data["columns"])])
            do_record_dashboard_export(actor=Actor.of(request), what=f"meetings frequency {data['year']}", title=title)
            return xlsx_response(workbook_bytes(title, headers, rows), f"{title}.xlsx")
        return Response(FrequencySerializer(data).data)


group_meetings_urlpatterns = [
    path("compliance", GroupMeetingsComplianceView.as_view(), name="group-meetings-compliance"),
    path("frequency", GroupMeetingsFrequencyView.as_view(), name="group-meetings-frequency"),
]
