"""The annual report endpoints: ``/api/v1/annual-report`` on a tenant host (tenant admins;
discipline inspectors read) and ``/api/v1/group/annual-report`` on the root host (group admins
and viewers). ``?date=YYYY-MM-DD`` (default: the last 31 December), ``?format=xlsx`` for the
workbook. Exports are audited, and so is every group read (it opens each tenant's schema)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import IsGroupAdminOrViewerReadOnly, IsTenantAdminOrInspectorReadOnly
from partycloud.core.errors import ServiceError
from partycloud.core.spreadsheets import xlsx_response
from partycloud.statistics.errors import StatisticsCode
from partycloud.statistics.report import AnnualReport, group_report, parse_snapshot, tenant_report
from partycloud.statistics.services import do_record_report_access
from partycloud.statistics.workbook import report_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AnnualReportColumnSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    title = serializers.CharField()
    group = serializers.CharField(allow_blank=True, help_text="the header band above the column ('' for none)")
    kind = serializers.ChoiceField(["label", "count", "percent"], help_text="percent columns are not summed")


class AnnualReportTableSerializer(serializers.Serializer[Any]):
    key = serializers.ChoiceField(
        ["members", "profile", "join_periods", "development", "organizations", "evaluation", "leaving"]
    )
    title = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    columns = AnnualReportColumnSerializer(many=True)
    rows = serializers.ListField(
        child=serializers.DictField(),
        help_text="one object per row: unit (label), tenant (id or null) and a value per column key "
        "(null: not recorded, shown as 未录入)",
    )


class AnnualReportCheckSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    unit = serializers.CharField()
    table = serializers.CharField()
    left = serializers.IntegerField(allow_null=True, help_text="null: not recorded")
    relation = serializers.ChoiceField(["=", "≤", "⇒"], help_text="⇒: left > 0 implies right > 0")
    right = serializers.IntegerField(allow_null=True, help_text="null: not recorded")
    ok = serializers.BooleanField(help_text="passed")
    level = serializers.ChoiceField(["check", "warning"], help_text="warning: records with estimated or missing dates")
    result = serializers.ChoiceField(["passed", "failed", "warning", "unrecorded"])
    detail = serializers.CharField(allow_blank=True, help_text="the records concerned, by name (a capped list)")


class AnnualReportTenantSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    records_baseline_on = serializers.DateField(allow_null=True, help_text="档案基准日")


class AnnualStatisticsReportSerializer(serializers.Serializer[Any]):
    date = serializers.DateField(help_text="the snapshot")
    start_date = serializers.DateField(help_text="the previous snapshot (one year earlier)")
    period = serializers.CharField(help_text="统计时段：2025年1月1日至2025年12月31日")
    scope = serializers.ChoiceField(["tenant", "group"])
    title = serializers.CharField()
    tenant = AnnualReportTenantSerializer(allow_null=True)
    tables = AnnualReportTableSerializer(many=True)
    checks = AnnualReportCheckSerializer(many=True)
    ok = serializers.BooleanField(help_text="every line passed: no failure, no warning, nothing unrecorded")
    status = serializers.ChoiceField(["ok", "warnings", "failed"])
    summary = serializers.CharField(allow_blank=True, help_text="the warning sentence for the top of the report")


DATE = OpenApiParameter(
    "date", OpenApiTypes.DATE, description="the snapshot, YYYY-MM-DD (default: the last 31 December)"
)
FORMAT = OpenApiParameter("format", str, enum=["json", "xlsx"], description="xlsx: the Excel workbook")
RESPONSES = {(200, "application/json"): AnnualStatisticsReportSerializer, (200, XLSX): OpenApiTypes.BINARY}


def _respond(request: Request, report: AnnualReport, *, audit_reads: bool) -> Response | HttpResponse:
    wanted = request.query_params.get("format", "json")
    if wanted not in {"json", "xlsx"}:
        raise ServiceError(StatisticsCode.BAD_FORMAT, _("Choose json or xlsx."), "format")
    if wanted == "xlsx":
        content = report_workbook(report)
        do_record_report_access(actor=Actor.of(request), report=report, export=True)
        return xlsx_response(content, report.filename)
    if audit_reads:
        do_record_report_access(actor=Actor.of(request), report=report, export=False)
    return Response(report.as_json())


class AnnualReportView(APIView):
    """This party committee's annual statistics report (党内统计年报)."""

    permission_classes = [IsTenantAdminOrInspectorReadOnly]

    @extend_schema(parameters=[DATE, FORMAT], responses=RESPONSES)
    def get(self, request: Request) -> Response | HttpResponse:
        return _respond(request, tenant_report(parse_snapshot(request.query_params.get("date"))), audit_reads=False)


class GroupAnnualReportView(APIView):
    """The group's annual statistics report: a row per party committee and the group total."""

    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(
        parameters=[DATE, OpenApiParameter("tenant", int, description="only this party committee"), FORMAT],
        responses=RESPONSES,
    )
    def get(self, request: Request) -> Response | HttpResponse:
        day = parse_snapshot(request.query_params.get("date"))
        raw = request.query_params.get("tenant", "")
        if raw and not raw.isdigit():
            raise ServiceError(StatisticsCode.BAD_TENANT, _("Choose a party committee by its id."), "tenant")
        return _respond(request, group_report(day, int(raw) if raw else None), audit_reads=True)
