"""Reading the audit log: group staff see every tenant, a tenant admin sees their own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from partycloud.accounts.api import UserBriefSerializer
from partycloud.accounts.permissions import IsGroupAdminOrViewerReadOnly, on_root_host
from partycloud.audit.models import AuditEvent
from partycloud.audit.services import current_tenant_id
from tenants.access.permissions import IsTenantAdminOrInspectorReadOnly


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    actor = UserBriefSerializer(read_only=True)
    tenant_name = serializers.CharField(source="tenant.name", default=None, read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "tenant",
            "tenant_name",
            "actor",
            "action",
            "target_type",
            "target_id",
            "summary",
            "ip_address",
            "user_agent",
            "created_at",
        ]


class AuditEventFilter(filters.FilterSet):
    since = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    until = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "tenant", "target_type", "target_id"]


class CanReadAudit(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if on_root_host():
            return IsGroupAdminOrViewerReadOnly().has_permission(request, view)
        return IsTenantAdminOrInspectorReadOnly().has_permission(request, view)


class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[AuditEvent]):
    """Audit events, newest first. Filter by action, actor, tenant, target and time range."""

    permission_classes = [CanReadAudit]
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    search_fields = ["summary", "target_type"]

    def get_queryset(self) -> QuerySet[AuditEvent]:
        queryset = AuditEvent.objects.select_related("actor", "tenant")
        if on_root_host():
            return queryset
        return queryset.filter(tenant_id=current_tenant_id())
