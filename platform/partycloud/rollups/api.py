"""The group dashboard API (root host): KPIs, the per-tenant table, trends, compliance,
drill-down to organizations and record lists (read in the tenant's schema, audited), thresholds.
Every table downloads as Excel with ``?format=xlsx``. Group viewers read; group admins also set
thresholds. Views parse, call ``dashboard`` (reads) or ``services`` (drill-down, audit, writes)
and render; none switches schema or reads a tenant's tables."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import IsGroupAdminOrViewerReadOnly
from partycloud.core.api import PagePagination
from partycloud.core.spreadsheets import workbook_bytes, xlsx_response
from partycloud.rollups import dashboard as board
from partycloud.rollups.figures import FIGURE_KEYS, FIGURES
from partycloud.rollups.models import DriftReport
from partycloud.rollups.services import (
    do_record_dashboard_export,
    do_set_threshold,
    organization_members,
    tenant_organizations,
    threshold_rows,
)

PERIOD = OpenApiParameter("period", str, description="YYYY-MM (default: this month)")
FORMAT = OpenApiParameter("format", str, enum=["json", "xlsx"], description="xlsx: download the table")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def json_or_xlsx(serializer: Any) -> dict[tuple[int, str], Any]:
    """The responses of a view that answers JSON, or a workbook with ``?format=xlsx``."""
    return {(200, "application/json"): serializer, (200, XLSX): bytes}


FIGURE_VALUES = serializers.DictField(child=serializers.FloatField(allow_null=True))


class FigureSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    unit = serializers.CharField()


THRESHOLD_LIMIT = 1e9


class ThresholdSerializer(serializers.Serializer[Any]):
    figure = serializers.ChoiceField(choices=[(key, key) for key in FIGURE_KEYS])
    # Stored as DECIMAL(12, 2): |value| < 10^10.
    green_until = serializers.FloatField(min_value=-THRESHOLD_LIMIT, max_value=THRESHOLD_LIMIT)
    amber_until = serializers.FloatField(min_value=-THRESHOLD_LIMIT, max_value=THRESHOLD_LIMIT)
    higher_is_worse = serializers.BooleanField()


class TenantRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    parent = serializers.IntegerField(allow_null=True)  # type: ignore[assignment]
    figures = FIGURE_VALUES
    subtree = serializers.DictField(child=serializers.FloatField(allow_null=True), required=False)
    lights = serializers.DictField(child=serializers.ChoiceField(choices=["green", "amber", "red", "none"]))
    updated_at = serializers.DateTimeField(allow_null=True)


class DashboardSerializer(serializers.Serializer[Any]):
    period = serializers.CharField()
    updated_at = serializers.DateTimeField(allow_null=True)
    age_seconds = serializers.IntegerField(allow_null=True)
    pending_tenants = serializers.IntegerField()
    figures = FigureSerializer(many=True)
    kpis = serializers.DictField(child=serializers.FloatField(allow_null=True))
    tenants = TenantRowSerializer(many=True)
    thresholds = ThresholdSerializer(many=True)


class TrendsSerializer(serializers.Serializer[Any]):
    periods = serializers.ListField(child=serializers.CharField())
    series = serializers.DictField(child=serializers.ListField(child=serializers.FloatField(allow_null=True)))


class ComplianceCheckSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    figure = serializers.CharField()


class MeetingCheckSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="an activity kind code (三会一课)")
    label = serializers.CharField()  # type: ignore[assignment]


class MeetingCheckResultSerializer(serializers.Serializer[Any]):
    held = serializers.IntegerField()
    expected = serializers.IntegerField()
    passed = serializers.BooleanField()


class ComplianceRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    checks = serializers.DictField(child=serializers.BooleanField())
    values = serializers.DictField(child=serializers.FloatField(allow_null=True))
    passed = serializers.IntegerField()
    meetings = serializers.DictField(
        child=MeetingCheckResultSerializer(), help_text="三会一课: held/expected over the year's closed periods"
    )


class ComplianceSerializer(serializers.Serializer[Any]):
    period = serializers.CharField()
    checks = ComplianceCheckSerializer(many=True)
    meeting_checks = MeetingCheckSerializer(many=True)
    tenants = ComplianceRowSerializer(many=True)


class OrganizationRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    parent = serializers.IntegerField(allow_null=True)  # type: ignore[assignment]
    name = serializers.CharField()
    kind = serializers.CharField()
    depth = serializers.IntegerField()
    figures = FIGURE_VALUES
    subtree = serializers.DictField(child=serializers.FloatField(allow_null=True))


class MemberRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    gender = serializers.CharField()
    organization = serializers.CharField()
    membership = serializers.CharField()
    status = serializers.CharField()
    education = serializers.CharField()
    joined_on = serializers.DateField()
    phone = serializers.CharField(help_text="masked")


class PagedMemberRowsSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = MemberRowSerializer(many=True)


class DriftReportSerializer(serializers.ModelSerializer[DriftReport]):
    class Meta:
        model = DriftReport
        fields = ["id", "started_at", "finished_at", "tenants", "rows_checked", "rows_fixed", "details"]


def _wants_xlsx(request: Request) -> bool:
    return request.query_params.get("format") == "xlsx"


def _labels() -> list[str]:
    return [f"{figure.label}{f'（{figure.unit}）' if figure.unit else ''}" for figure in FIGURES]


def _cells(values: dict[str, float | None]) -> list[Any]:
    return ["" if values.get(key) is None else values[key] for key in FIGURE_KEYS]


def _held_of(check: dict[str, Any] | None) -> str:
    return "" if check is None else f"{check['held']}/{check['expected']}"


def _export(request: Request, what: str, title: str, headers: list[str], rows: list[list[Any]]) -> HttpResponse:
    do_record_dashboard_export(actor=Actor.of(request), what=what, title=title)
    return xlsx_response(workbook_bytes(title[:31], headers, rows), f"{title}.xlsx")


class DashboardView(APIView):
    """KPI cards and the per-tenant table of a month (the dashboard reads only rollups)."""

    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(parameters=[PERIOD, FORMAT], responses=json_or_xlsx(DashboardSerializer))
    def get(self, request: Request) -> HttpResponse:
        data = board.cached_dashboard(board.parse_period(request.query_params.get("period")))
        if _wants_xlsx(request):
            rows = [[row["name"], *_cells(row["figures"])] for row in data["tenants"]]
            rows.append([_("group total"), *_cells(data["kpis"])])
            return _export(
                request, f"dashboard {data['period']}", f"各单位情况-{data['period']}", ["单位", *_labels()], rows
            )
        # Plain data already (DashboardSerializer documents its shape): 200 tenant rows through
        # DRF's field machinery cost more than reading them.
        return Response(data)


class TrendsView(APIView):
    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(
        parameters=[OpenApiParameter("months", int, description="1–36, default 12"), FORMAT],
        responses=json_or_xlsx(TrendsSerializer),
    )
    def get(self, request: Request) -> HttpResponse:
        try:
            months = max(1, min(36, int(request.query_params.get("months", 12))))
        except ValueError:
            months = 12
        data = board.trends(months)
        if _wants_xlsx(request):
            rows = [
                [period, *[data["series"][key][index] for key in FIGURE_KEYS]]
                for index, period in enumerate(data["periods"])
            ]
            return _export(request, "trends", "月度趋势", ["月份", *_labels()], rows)
        return Response(TrendsSerializer(data).data)


class ComplianceView(APIView):
    """Which tenants meet the rules the group checks (later issues add checks)."""

    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(parameters=[PERIOD, FORMAT], responses=json_or_xlsx(ComplianceSerializer))
    def get(self, request: Request) -> HttpResponse:
        data = board.compliance(board.parse_period(request.query_params.get("period")))
        if _wants_xlsx(request):
            headers = ["单位", *[str(check["label"]) for check in data["checks"]]]
            headers += [f"{check['label']}（实开/应开）" for check in data["meeting_checks"]]
            rows = [
                [row["name"], *["是" if row["checks"][c["key"]] else "否" for c in data["checks"]]]
                + [_held_of(row["meetings"].get(c["key"])) for c in data["meeting_checks"]]
                for row in data["tenants"]
            ]
            return _export(request, f"compliance {data['period']}", f"合规检查-{data['period']}", headers, rows)
        return Response(ComplianceSerializer(data).data)


class TenantOrganizationsView(APIView):
    """Drill-down: a tenant's organizations with their own and subtree figures."""

    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(parameters=[PERIOD, FORMAT], responses=json_or_xlsx(OrganizationRowSerializer(many=True)))
    def get(self, request: Request, tenant_id: int) -> HttpResponse:
        period = board.parse_period(request.query_params.get("period"))
        tenant, rows = tenant_organizations(tenant_id, period)
        if _wants_xlsx(request):
            table = [["　" * row["depth"] + row["name"], *_cells(row["subtree"])] for row in rows]
            title = f"{tenant.short_name or tenant.name}-党组织"
            return _export(request, f"organizations of {tenant.schema_name}", title, ["党组织", *_labels()], table)
        return Response(OrganizationRowSerializer(rows, many=True).data)


class OrganizationMembersView(APIView):
    """Drill-down to records: the members of an organization's subtree, read in the tenant's
    schema; every read and export is in the audit log (names, no ID numbers, masked phones)."""

    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(
        parameters=[FORMAT, OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses=json_or_xlsx(PagedMemberRowsSerializer),
    )
    def get(self, request: Request, tenant_id: int, organization_id: int) -> HttpResponse:
        export = _wants_xlsx(request)
        listing = organization_members(
            actor=Actor.of(request), tenant_id=tenant_id, organization_id=organization_id, export=export
        )
        rows, node = listing.members, listing.organization
        if export:
            headers = ["姓名", "性别", "所在党组织", "党员类别", "状态", "学历", "入党日期", "手机号"]
            table = [[r["name"], r["gender"], r["organization"], r["membership"], r["status"], r["education"],
                      r["joined_on"], r["phone"]] for r in rows]  # fmt: skip
            return xlsx_response(workbook_bytes("党员名单", headers, table), f"{node.name}-党员名单.xlsx")
        paginator = PagePagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(MemberRowSerializer(page, many=True).data)


class ThresholdsView(APIView):
    """Traffic-light thresholds of the per-tenant table (group admins change them)."""

    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(responses=ThresholdSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(ThresholdSerializer(threshold_rows(), many=True).data)

    @extend_schema(request=ThresholdSerializer, responses=ThresholdSerializer)
    def put(self, request: Request) -> Response:
        serializer = ThresholdSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        do_set_threshold(
            actor=Actor.of(request),
            figure=data["figure"],
            green_until=Decimal(str(data["green_until"])),
            amber_until=Decimal(str(data["amber_until"])),
            higher_is_worse=data["higher_is_worse"],
        )
        return Response(ThresholdSerializer(data).data)


class DriftReportsView(APIView):
    """What the nightly recomputes found (the last 30)."""

    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(responses=DriftReportSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(DriftReportSerializer(DriftReport.objects.all()[:30], many=True).data)
