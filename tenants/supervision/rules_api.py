"""Supervision rules (DOMAIN_RULES §7) under ``/api/v1/supervision/rules``: the versions of the
deadlines (newest first); a tenant admin adds a local version (docs/supervision.md, "Rules").
Read by every worker and inspector of a tenant, and by group admins on the root host."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import GroupRoleKind
from partycloud.accounts.permissions import on_root_host
from partycloud.accounts.roles import TenantRole
from partycloud.core.api import validated
from tenants.supervision import rules as service


class CanReadRules(BasePermission):
    """Tenant host: anyone with a working role reads, the tenant admin adds. Root host: group roles read."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        actor = Actor.of(request)
        if on_root_host():
            return request.method in SAFE_METHODS and bool(actor.group_roles & set(GroupRoleKind.values))
        if request.method in SAFE_METHODS:
            return actor.has_role(*(set(TenantRole.values) - {TenantRole.MEMBER}))
        return actor.has_role(TenantRole.TENANT_ADMIN)


class SupervisionRuleSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    version = serializers.CharField()
    effective_from = serializers.DateField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.source
    is_local = serializers.BooleanField()
    publicity_min_working_days = serializers.IntegerField()
    report_ack_working_days = serializers.IntegerField()
    report_close_days = serializers.IntegerField()
    report_extension_max_days = serializers.IntegerField()
    report_feedback_working_days = serializers.IntegerField()
    inquiry_reply_working_days = serializers.IntegerField()
    reminder_days_before = serializers.IntegerField()


def _bounded(name: str) -> serializers.IntegerField:
    low, high = service.BOUNDS[name]
    return serializers.IntegerField(required=False, min_value=low, max_value=high)


class SupervisionRuleCreateSerializer(serializers.Serializer[Any]):
    version = serializers.CharField(max_length=40)
    effective_from = serializers.DateField(help_text="today or later")
    source = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")  # type: ignore[assignment]  # a field named like Field.source
    publicity_min_working_days = _bounded("publicity_min_working_days")
    report_ack_working_days = _bounded("report_ack_working_days")
    report_close_days = _bounded("report_close_days")
    report_extension_max_days = _bounded("report_extension_max_days")
    report_feedback_working_days = _bounded("report_feedback_working_days")
    inquiry_reply_working_days = _bounded("inquiry_reply_working_days")
    reminder_days_before = _bounded("reminder_days_before")


class SupervisionRuleListView(APIView):
    permission_classes = [CanReadRules]

    @extend_schema(responses=SupervisionRuleSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(SupervisionRuleSerializer(service.rule_sets(), many=True).data)

    @extend_schema(request=SupervisionRuleCreateSerializer, responses={201: SupervisionRuleSerializer})
    def post(self, request: Request) -> Response:
        data = validated(SupervisionRuleCreateSerializer, request.data)
        rule = service.do_create_local_rule(actor=Actor.of(request), **data)
        return Response(SupervisionRuleSerializer(rule).data, status=201)


urlpatterns: list[URLPattern] = [
    path("rules", SupervisionRuleListView.as_view(), name="supervision-rules"),
]
