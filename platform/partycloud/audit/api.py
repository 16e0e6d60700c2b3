"""Reading the audit log: group staff see every tenant, a tenant admin sees their own.

Each entry keeps its machine fields (action, event, target_type, target_id, details) and adds
the human ones rendered in the caller's language (Accept-Language): who with their role,
what, which object, from where.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from partycloud.accounts.actor import Actor
from partycloud.accounts.api import UserBriefSerializer
from partycloud.accounts.permissions import IsGroupAdminOrViewerReadOnly, IsTenantAdminOrInspectorReadOnly, on_root_host
from partycloud.audit.events import EVENTS, actor_display, render_summary, role_label, target_type_label
from partycloud.audit.models import AuditAction, AuditEvent
from partycloud.audit.services import current_tenant_id, do_record_audit
from partycloud.core.api import ChoiceLabelField
from partycloud.core.spreadsheets import workbook_bytes, xlsx_response

# The widest offset in use (Kiribati, UTC+14).
MAX_UTC_OFFSET = timedelta(hours=14)

# An export is a download for a person to read, not a backup: beyond this, narrow the filters.
EXPORT_LIMIT = 20000


def source_of(event: AuditEvent) -> str:
    """Where an entry came from: a client's request (with its address) or a system task."""
    return "request" if event.ip_address else "system"


def who(event: AuditEvent) -> str:
    """The operator as a party worker reads it: 张三（单位管理员）; 系统任务 when no one acted."""
    name = event.actor_name or (event.actor.name if event.actor is not None else "")
    if name:
        return actor_display(name, event.actor_role)
    return _("anonymous visitor") if event.ip_address else _("system task")


def summary_of(event: AuditEvent) -> str:
    return render_summary(event.event, event.details, event.target_type, event.summary, event.action)


def object_of(event: AuditEvent) -> str:
    if event.target_label:
        return event.target_label
    return f"#{event.target_id}" if event.target_id else ""


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    actor = UserBriefSerializer(
        read_only=True, allow_null=True, help_text="null for system tasks and anonymous callers"
    )
    tenant_name = serializers.CharField(source="tenant.name", default=None, read_only=True, allow_null=True)
    operator = serializers.SerializerMethodField(help_text="name (role at the time), or system task")
    actor_role_label = serializers.SerializerMethodField()
    action_label = ChoiceLabelField("action")
    target_type_label = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField(help_text="rendered in the request's language")
    note = serializers.CharField(source="summary", read_only=True, help_text="stored free text, if any")
    origin = serializers.SerializerMethodField(help_text="request or system")

    class Meta:
        model = AuditEvent
        fields = [
            "id", "tenant", "tenant_name", "actor", "actor_name", "actor_role", "actor_role_label", "operator",
            "action", "action_label", "event", "details", "target_type", "target_type_label", "target_id",
            "target_label", "summary", "note", "ip_address", "origin", "user_agent", "created_at",
        ]  # fmt: skip
        read_only_fields = fields  # the log is only ever appended to by services

    def get_operator(self, event: AuditEvent) -> str:
        return who(event)

    def get_actor_role_label(self, event: AuditEvent) -> str:
        return role_label(event.actor_role) if event.actor_role else ""

    def get_target_type_label(self, event: AuditEvent) -> str:
        return target_type_label(event.target_type) if event.target_type else ""

    def get_summary(self, event: AuditEvent) -> str:
        return summary_of(event)

    def get_origin(self, event: AuditEvent) -> str:
        return source_of(event)


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time that exists in UTC: an offset of ±14:00 at most (PostgreSQL refuses
    larger ones) and a moment inside the calendar once moved to UTC (0001-01-01T00:00+05:00 is not)."""

    def to_python(self, value: Any) -> datetime | None:
        moment = super().to_python(value)
        if moment is None:
            return None
        offset = moment.utcoffset()
        try:
            if offset is not None and abs(offset) > MAX_UTC_OFFSET:
                raise ValueError(offset)
            return moment.astimezone(UTC)
        except (ValueError, OverflowError) as error:
            raise DjangoValidationError(self.error_messages["invalid"], code="invalid") from error


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class AuditEventFilter(filters.FilterSet):
    since = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    until = UtcDateTimeFilter(field_name="created_at", lookup_expr="lt")
    operator = filters.CharFilter(method="filter_operator", help_text="a user id, or part of a name or phone")

    class Meta:
        model = AuditEvent
        fields = ["action", "event", "actor", "tenant", "target_type", "target_id"]

    def filter_operator(self, queryset: QuerySet[AuditEvent], name: str, value: str) -> QuerySet[AuditEvent]:
        value = value.strip()
        if not value:
            return queryset
        if value.isdigit() and len(value) < 11:
            return queryset.filter(actor_id=int(value))
        return queryset.filter(
            Q(actor_name__icontains=value) | Q(actor__name__icontains=value) | Q(actor__phone__contains=value)
        )


class CanReadAudit(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if on_root_host():
            return IsGroupAdminOrViewerReadOnly().has_permission(request, view)
        return IsTenantAdminOrInspectorReadOnly().has_permission(request, view)


_FILTER_KEYS = ("tenant", "operator", "action", "event", "target_type", "since", "until")


def _filters_for_audit(params: Any) -> dict[str, str]:
    """The export's filters as the audit entry shows them (names, not ids, where we have them)."""
    shown: dict[str, str] = {}
    for key in _FILTER_KEYS:
        value = str(params.get(key, "")).strip()
        if not value:
            continue
        if key == "tenant" and value.isdigit():
            value = _tenant_name(int(value)) or value
        shown[key] = value
    return shown


def _tenant_name(tenant_id: int) -> str | None:
    # Through the entry's foreign key: tenancy sits above audit (it records its changes here),
    # so audit names the tenant model only where its own model already does.
    committees = AuditEvent._meta.get_field("tenant").related_model._default_manager
    return committees.filter(pk=tenant_id).values_list("name", flat=True).first()


class AuditChoiceSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label


class AuditEventKindSerializer(AuditChoiceSerializer):
    action = serializers.CharField()


class AuditCatalogSerializer(serializers.Serializer[Any]):
    actions = AuditChoiceSerializer(many=True)
    events = AuditEventKindSerializer(many=True)
    target_types = AuditChoiceSerializer(many=True)


class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[AuditEvent]):
    """Audit events, newest first. Filter by ``operator`` (user id or name), ``action``,
    ``event``, ``target_type``, ``tenant`` (group root) and ``since``/``until``."""

    permission_classes = [CanReadAudit]
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    search_fields = ["summary", "target_label", "actor_name", "target_type"]

    def get_queryset(self) -> QuerySet[AuditEvent]:
        queryset = AuditEvent.objects.select_related("actor", "tenant")
        if on_root_host():
            return queryset
        return queryset.filter(tenant_id=current_tenant_id())

    @extend_schema(responses=AuditCatalogSerializer)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def catalog(self, request: Request) -> Response:
        """The choices of the filter bar in the caller's language: actions, event kinds and
        the object types present in the visible log."""
        present = self.get_queryset().exclude(target_type="").order_by().values_list("target_type", flat=True)
        types = sorted({target_type_label(code): code for code in present.distinct()}.items())
        return Response(
            {
                "actions": [{"code": code, "label": str(label)} for code, label in AuditAction.choices],
                "events": [
                    {"code": code, "action": kind.action.value, "label": str(kind.verb)}
                    for code, kind in EVENTS.items()
                ],
                "target_types": [{"code": code, "label": label} for label, code in types],
            }
        )

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes})
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> HttpResponse:
        """The filtered log (same filters as the list) as a workbook in the caller's language;
        the export is itself an audit entry."""
        events = list(self.filter_queryset(self.get_queryset())[:EXPORT_LIMIT])
        root = on_root_host()
        headers = [_("Time"), _("Operator"), _("Action"), _("Object type"), _("Object"), _("Summary"), _("IP address")]
        if root:
            headers.insert(1, _("Party committee"))
        rows = []
        for event in events:
            row = [
                timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                who(event),
                str(event.get_action_display()),
                target_type_label(event.target_type) if event.target_type else "",
                object_of(event),
                summary_of(event),
                event.ip_address or _("system task"),
            ]
            if root:
                row.insert(1, event.tenant.name if event.tenant is not None else _("group party committee"))
            rows.append(row)
        do_record_audit(
            event="audit.export",
            actor=Actor.of(request),
            target_type="audit.auditevent",
            details={"count": len(events), "filters": _filters_for_audit(request.query_params)},
        )
        title = _("Audit log")
        return xlsx_response(workbook_bytes(title, headers, rows), f"{title}-{timezone.localdate():%Y%m%d}.xlsx")
