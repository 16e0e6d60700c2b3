"""China's working-day calendar, read-only, under ``/api/v1/supervision/`` (docs/supervision.md,
"Working days"): on every host, for anyone signed in.

- ``GET calendar?year=``: whether the year is loaded, from what source, its holidays and its
  worked weekend days (调休上班). A year not loaded counts Monday to Friday.
- ``GET working-days?start=&days=``: preview a publicity's window: its last day for ``days``
  working days (the rule's minimum by default), the rule in force, and whether the years it
  touches are loaded.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.core.api import date_param
from partycloud.core.errors import ServiceError
from partycloud.core.models import CalendarDay, CalendarDayKind, CalendarYear
from tenants.supervision import publicity
from tenants.supervision.errors import SupervisionCode


class CalendarDaySerializer(serializers.Serializer[Any]):
    day = serializers.DateField()
    name = serializers.CharField(allow_blank=True)


class WorkdayCalendarSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    loaded = serializers.BooleanField(help_text="False: the year counts Monday to Friday")
    source = serializers.CharField(allow_blank=True)  # type: ignore[assignment]  # a field named like Field.source
    loaded_at = serializers.DateTimeField(allow_null=True)
    holidays = CalendarDaySerializer(many=True, help_text="weekdays off (statutory holidays)")
    workdays = CalendarDaySerializer(many=True, help_text="weekend days worked (调休上班)")
    warning = serializers.CharField(allow_blank=True)


class WorkingDaysSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    days = serializers.IntegerField()
    ends_on = serializers.DateField(help_text="the window's last day, inclusive")
    rule_version = serializers.CharField()
    min_working_days = serializers.IntegerField(help_text="the rule's minimum for a cadre publicity")
    calendar_loaded = serializers.BooleanField()
    unloaded_years = serializers.ListField(child=serializers.IntegerField())
    warning = serializers.CharField(allow_blank=True)


def _year(request: Request) -> int:
    raw = request.query_params.get("year", "")
    if not raw:
        return timezone.localdate().year
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise ServiceError(SupervisionCode.BAD_YEAR, _("Choose a year between 2000 and 2100."), "year")
    return int(raw)


class WorkdayCalendarView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses=WorkdayCalendarSerializer)
    def get(self, request: Request) -> Response:
        year = _year(request)
        with schema_context("public"):
            loaded = CalendarYear.objects.filter(year=year).first()
            days = list(CalendarDay.objects.filter(day__year=year).order_by("day"))
        body = {
            "year": year,
            "loaded": loaded is not None,
            "source": loaded.source if loaded else "",
            "loaded_at": loaded.loaded_at if loaded else None,
            "holidays": [{"day": d.day, "name": d.name} for d in days if d.kind == CalendarDayKind.HOLIDAY],
            "workdays": [{"day": d.day, "name": d.name} for d in days if d.kind == CalendarDayKind.WORKDAY],
            "warning": "" if loaded else publicity.window_warning([year]),
        }
        return Response(WorkdayCalendarSerializer(body).data)


class WorkingDaysView(APIView):
    """Where a window of working days ends (a publicity's preview; refused below the rule's minimum)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("start", date, description="the first day (today by default)"),
            OpenApiParameter("days", int, description="working days (the rule's minimum by default)"),
        ],
        responses=WorkingDaysSerializer,
    )
    def get(self, request: Request) -> Response:
        start = date_param(request.query_params.get("start"), SupervisionCode.BAD_YEAR)
        raw = request.query_params.get("days", "")
        if raw and not raw.isdigit():
            raise ServiceError(SupervisionCode.WINDOW_TOO_SHORT, _("Give a whole number of working days."), "days")
        if not 2000 <= start.year <= 2100:
            raise ServiceError(SupervisionCode.BAD_YEAR, _("Choose a year between 2000 and 2100."), "start")
        span = publicity.window(start, int(raw) if raw else None)
        body = {
            "start": start,
            "days": span.working_days,
            "ends_on": span.ends_on,
            "rule_version": span.rule.version,
            "min_working_days": span.rule.publicity_min_working_days,
            "calendar_loaded": span.calendar_loaded,
            "unloaded_years": list(span.unloaded_years),
            "warning": publicity.window_warning(span.unloaded_years),
        }
        return Response(WorkingDaysSerializer(body).data)


urlpatterns: list[URLPattern] = [
    path("calendar", WorkdayCalendarView.as_view(), name="supervision-calendar"),
    path("working-days", WorkingDaysView.as_view(), name="supervision-working-days"),
]
