"""The group's side of reports (root host, under ``/api/v1/supervision/``; docs/supervision.md,
"Reports and petitions"): the group's discipline inspectors (``GroupRoleKind.GROUP_INSPECTOR``).

- ``GET group/reports?open=``: the reports the group holds across subsidiaries: those routed to it
  (``overdue`` "routed": the accused is a subsidiary's top committee, or nobody was eligible) and
  those escalated as overdue ("acknowledge" | "close" | "feedback"). No content.
- ``GET group/reports/{id}``: the case, read in its tenant's schema (audited).
- ``POST group/reports/{id}/acknowledge`` | ``decline`` | ``messages`` | ``extend`` | ``close`` |
  ``feedback``: handle it, with the same bodies and rules as the subsidiary's inspectors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import GroupRoleKind
from partycloud.accounts.permissions import on_root_host, request_group_roles
from partycloud.core.api import PagePagination, validated
from tenants.supervision import report_deadlines, reports
from tenants.supervision.models import Report, ReportEscalation
from tenants.supervision.reports_api import (
    ReportBodySerializer,
    ReportCloseSerializer,
    ReportDetailSerializer,
    ReportExtendSerializer,
    ReportMessageSerializer,
    ReportReasonSerializer,
)


class IsGroupInspector(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and on_root_host()) and (
            GroupRoleKind.GROUP_INSPECTOR in request_group_roles(request)
        )


class GroupReportSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    tenant_schema = serializers.CharField()
    tenant_name = serializers.CharField()
    number = serializers.CharField()
    overdue = serializers.CharField(help_text='"routed" (the group handles it) | "acknowledge" | "close" | "feedback"')
    due_on = serializers.DateField()
    escalated_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)


class GroupReportDetailSerializer(ReportDetailSerializer):
    tenant_name = serializers.CharField()


OPEN = OpenApiParameter("open", bool, description="only those not resolved yet")


class GroupReportListView(generics.GenericAPIView[ReportEscalation]):
    permission_classes = [IsGroupInspector]
    pagination_class = PagePagination
    serializer_class = GroupReportSerializer
    queryset = ReportEscalation.objects.none()

    @extend_schema(parameters=[OPEN], responses=GroupReportSerializer(many=True))
    def get(self, request: Request) -> Response:
        queryset = report_deadlines.group_escalations(
            open_only=request.query_params.get("open") in {"1", "true", "yes"}
        )
        page = self.paginate_queryset(queryset)
        assert page is not None
        return self.get_paginated_response(GroupReportSerializer(page, many=True).data)


class _GroupCaseView(APIView):
    permission_classes = [IsGroupInspector]

    def run(
        self, request: Request, escalation_id: int, act: Callable[[Report, Actor], Any] | None = None, status: int = 200
    ) -> Response:
        actor = Actor.of(request)
        result = report_deadlines.in_group_case(escalation_id, actor, act)
        return Response(GroupReportDetailSerializer(result).data, status=status)


class GroupReportDetailView(_GroupCaseView):
    @extend_schema(responses=GroupReportDetailSerializer)
    def get(self, request: Request, escalation_id: int) -> Response:
        return self.run(request, escalation_id)


class GroupReportAcknowledgeView(_GroupCaseView):
    @extend_schema(request=None, responses=GroupReportDetailSerializer)
    def post(self, request: Request, escalation_id: int) -> Response:
        return self.run(request, escalation_id, lambda report, actor: reports.do_acknowledge(report, actor=actor))


class GroupReportDeclineView(_GroupCaseView):
    @extend_schema(request=ReportReasonSerializer, responses=GroupReportDetailSerializer)
    def post(self, request: Request, escalation_id: int) -> Response:
        data = validated(ReportReasonSerializer, request.data)
        return self.run(
            request, escalation_id, lambda report, actor: reports.do_decline(report, data["reason"], actor=actor)
        )


class GroupReportMessageView(_GroupCaseView):
    @extend_schema(request=ReportBodySerializer, responses={201: ReportMessageSerializer})
    def post(self, request: Request, escalation_id: int) -> Response:
        data = validated(ReportBodySerializer, request.data)
        message = report_deadlines.in_group_case(
            escalation_id, Actor.of(request), lambda report, actor: reports.do_send_message(report, data["body"], actor=actor),
            render=False,
        )  # fmt: skip
        return Response(ReportMessageSerializer(message).data, status=201)


class GroupReportExtendView(_GroupCaseView):
    @extend_schema(request=ReportExtendSerializer, responses=GroupReportDetailSerializer)
    def post(self, request: Request, escalation_id: int) -> Response:
        data = validated(ReportExtendSerializer, request.data)
        return self.run(
            request, escalation_id,
            lambda report, actor: reports.do_extend(report, days=data["days"], reason=data["reason"], actor=actor),
        )  # fmt: skip


class GroupReportCloseView(_GroupCaseView):
    @extend_schema(request=ReportCloseSerializer, responses=GroupReportDetailSerializer)
    def post(self, request: Request, escalation_id: int) -> Response:
        data = validated(ReportCloseSerializer, request.data)
        return self.run(
            request, escalation_id, lambda report, actor: reports.do_close(report, data["result"], actor=actor)
        )


class GroupReportFeedbackView(_GroupCaseView):
    @extend_schema(request=ReportBodySerializer, responses=GroupReportDetailSerializer)
    def post(self, request: Request, escalation_id: int) -> Response:
        data = validated(ReportBodySerializer, request.data)
        return self.run(
            request, escalation_id, lambda report, actor: reports.do_feed_back(report, data["body"], actor=actor)
        )


urlpatterns: list[URLPattern] = [
    path("group/reports", GroupReportListView.as_view(), name="supervision-group-reports"),
    path("group/reports/<int:escalation_id>", GroupReportDetailView.as_view(), name="supervision-group-report"),
    path(
        "group/reports/<int:escalation_id>/acknowledge",
        GroupReportAcknowledgeView.as_view(),
        name="supervision-group-report-acknowledge",
    ),
    path(
        "group/reports/<int:escalation_id>/decline",
        GroupReportDeclineView.as_view(),
        name="supervision-group-report-decline",
    ),
    path(
        "group/reports/<int:escalation_id>/messages",
        GroupReportMessageView.as_view(),
        name="supervision-group-report-messages",
    ),
    path(
        "group/reports/<int:escalation_id>/extend",
        GroupReportExtendView.as_view(),
        name="supervision-group-report-extend",
    ),
    path(
        "group/reports/<int:escalation_id>/close", GroupReportCloseView.as_view(), name="supervision-group-report-close"
    ),
    path(
        "group/reports/<int:escalation_id>/feedback",
        GroupReportFeedbackView.as_view(),
        name="supervision-group-report-feedback",
    ),
]
