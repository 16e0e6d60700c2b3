"""``GET /api/v1/workbench``: the console's home for the caller's scope."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import HasTenantRole
from tenants.workbench.services import WORKBENCH_ROLES, check_workbench_scope, workbench


class CanUseWorkbench(HasTenantRole):
    roles = WORKBENCH_ROLES


class WorkbenchLinkSerializer(serializers.Serializer[Any]):
    path = serializers.CharField(help_text="console route, e.g. /development/12")
    query = serializers.DictField(child=serializers.CharField())


class WorkbenchTodoSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="stable code, module.what (e.g. transfers.awaiting_acceptance)")
    module = serializers.CharField()
    title = serializers.CharField(help_text="what to do, in the request's language")
    subject = serializers.CharField(help_text="whom or what: a member's, case's or organization's name")
    organization = serializers.CharField()
    detail = serializers.CharField()
    due_on = serializers.DateField(allow_null=True, help_text="deadline; null: due now")
    since = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(allow_null=True)
    overdue = serializers.BooleanField()
    link = WorkbenchLinkSerializer()


class WorkbenchFigureSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    module = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the stubs type Field.label; this is a field
    value = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    unit = serializers.CharField(help_text="'' (a count), yuan or minutes")
    link = WorkbenchLinkSerializer(allow_null=True)


class WorkbenchSerializer(serializers.Serializer[Any]):
    today = serializers.DateField()
    month = serializers.DateField()
    whole_tenant = serializers.BooleanField()
    scope = serializers.ListField(child=serializers.CharField(), help_text="the organizations a scoped role covers")
    todos = WorkbenchTodoSerializer(many=True)
    figures = WorkbenchFigureSerializer(many=True)


class WorkbenchView(APIView):
    """To-dos with deadlines from every module (soonest first) and this month's key figures,
    for the organizations the caller covers (a branch secretary: their subtree)."""

    permission_classes = [CanUseWorkbench]

    @extend_schema(responses=WorkbenchSerializer)
    def get(self, request: Request) -> Response:
        scope = check_workbench_scope(Actor.of(request))
        return Response(WorkbenchSerializer(workbench(scope)).data)
