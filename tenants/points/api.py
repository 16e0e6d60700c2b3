"""Points endpoints on the tenant host, under ``/api/v1/points/`` (tenants.points.urls). Points
are reference only (仅供参考): every summary says so (``reference_only: true``), rankings appear
only when the tenant turned them on, and NO endpoint accepts points or events from a client (the
server-side recorders in ``tenants.points.sources`` are the only writers of events).

- ``GET me``: my totals for a year, by month and by kind (collects my recent events first).
- ``GET me/ledger?year=&month=&kind=``: my ledger entries, a page at a time.
- ``GET members?organization=&year=&month=``: members in the caller's scope with their points
  (tenant admins: everyone; secretaries: their subtree); ``rank`` only with rankings on.
- ``GET members/{id}`` and ``members/{id}/ledger``: one member's summary and ledger.
- ``GET branches?organization=&year=&month=``: the branch index = the branch's own points + the
  mean of its members' points (DOMAIN_RULES §6).
- ``GET|PUT settings``: rankings on/off (tenant admin changes) and the last nightly check.
- ``GET|POST rules``: the rule versions with their rules; a tenant admin adds a local version.
- ``GET anomalies?days=``: patterns that look automated, each row explained (tenant admins).
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import HasTenantRole, IsTenantAdmin, IsTenantUser
from partycloud.accounts.roles import TenantRole
from partycloud.audit.services import do_record_audit
from partycloud.core.api import validated
from partycloud.core.errors import ServiceError
from tenants.points import services
from tenants.points.errors import PointsCode
from tenants.points.models import PointEntry, PointKind, PointRuleSet

# Who sees other members' points: the tenant admin everywhere, secretaries over their subtree.
VIEWERS = services.VIEWERS


class CanViewPoints(HasTenantRole):
    roles = VIEWERS


class CanViewPointsAdminWrites(HasTenantRole):
    roles = frozenset({TenantRole.TENANT_ADMIN})
    read_roles = VIEWERS


# ------------------------------------------------------------------------------ serializers


class PointsMemberRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    organization_id = serializers.IntegerField()
    organization = serializers.CharField()


class PointsMonthSerializer(serializers.Serializer[Any]):
    month = serializers.CharField(help_text="YYYY-MM")
    points = serializers.IntegerField()


class PointsKindTotalSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=PointKind.choices)
    label = serializers.CharField()  # type: ignore[assignment]
    points = serializers.IntegerField()
    events = serializers.IntegerField()
    capped = serializers.IntegerField(help_text="entries the daily cap cut")


class PointsSummarySerializer(serializers.Serializer[Any]):
    reference_only = serializers.BooleanField(help_text="always true: points are shown as reference only")
    member = PointsMemberRefSerializer()
    year = serializers.IntegerField()
    total = serializers.IntegerField(help_text="points in the year")
    today = serializers.IntegerField(help_text="points today (local day)")
    rule_version = serializers.CharField(help_text="the version in force today")
    by_month = PointsMonthSerializer(many=True, help_text="the twelve months of the year")
    by_kind = PointsKindTotalSerializer(many=True, help_text="every kind, in the rule table's order")


class PointsEntrySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=PointKind.choices)
    label = serializers.CharField()  # type: ignore[assignment]
    day = serializers.DateField()
    occurred_at = serializers.DateTimeField()
    quantity = serializers.IntegerField(help_text="1 for a counted event; seconds of study time; hours")
    source = serializers.CharField(help_text="the recorder's natural key, e.g. meeting:12:34")  # type: ignore[assignment]
    rule_version = serializers.CharField()
    raw_points = serializers.IntegerField(help_text="before the daily cap")
    points = serializers.IntegerField()
    capped = serializers.BooleanField(help_text="the daily cap cut this entry")


class PointsMemberRowSerializer(serializers.Serializer[Any]):
    member = PointsMemberRefSerializer()
    points = serializers.IntegerField()
    rank = serializers.IntegerField(allow_null=True, help_text="null unless rankings are on")


class PointsOrganizationRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


class PointsBranchRowSerializer(serializers.Serializer[Any]):
    organization = PointsOrganizationRefSerializer()
    own_points = serializers.IntegerField(help_text="the branch's own points (branch activity)")
    member_points = serializers.IntegerField(help_text="sum of its members' points")
    member_count = serializers.IntegerField(help_text="active members of the branch")
    mean_member_points = serializers.DecimalField(max_digits=12, decimal_places=2)
    index = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="own points + mean member points")
    rank = serializers.IntegerField(allow_null=True, help_text="null unless rankings are on")


class PointsCheckSerializer(serializers.Serializer[Any]):
    checked_at = serializers.DateTimeField()
    entries = serializers.IntegerField(help_text="entries in the ledger")
    drift = serializers.IntegerField(help_text="entries missing, extra or different from a recompute")
    examples = serializers.ListField(child=serializers.CharField(), help_text="a few drifted entries")


class PointsSettingsSerializer(serializers.Serializer[Any]):
    rankings_enabled = serializers.BooleanField()
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    last_check = PointsCheckSerializer(read_only=True, allow_null=True)


class PointsSettingsUpdateSerializer(serializers.Serializer[Any]):
    rankings_enabled = serializers.BooleanField()


class PointsRuleSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=PointKind.choices)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    points = serializers.IntegerField(help_text="points per unit")
    unit = serializers.IntegerField(help_text="1 per event; seconds for study time; hours for volunteering")
    daily_cap = serializers.IntegerField(allow_null=True, help_text="at most this many points a local day")


class PointsRuleSetSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    version = serializers.CharField(max_length=40)
    effective_from = serializers.DateField()
    source = serializers.CharField(max_length=200)  # type: ignore[assignment]
    is_local = serializers.BooleanField(read_only=True)
    in_force = serializers.BooleanField(read_only=True, help_text="the version in force today")
    rules = PointsRuleSerializer(many=True)


class PointsRuleSetCreateSerializer(serializers.Serializer[Any]):
    version = serializers.CharField(max_length=40)
    effective_from = serializers.DateField(help_text="today or later (local day)")
    source = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")  # type: ignore[assignment]
    rules = PointsRuleSerializer(many=True, help_text="kinds left out keep the rule in force before this version")


class PointsAnomalySerializer(serializers.Serializer[Any]):
    member = PointsMemberRefSerializer()
    kind = serializers.ChoiceField(choices=PointKind.choices)
    label = serializers.CharField()  # type: ignore[assignment]
    reason = serializers.ChoiceField(choices=services.ANOMALY_REASON_CHOICES)
    explanation = serializers.CharField(help_text="why this row is listed, in words")
    days = serializers.ListField(child=serializers.DateField())
    minute = serializers.CharField(allow_null=True, help_text="HH:MM (local) of the repeated cap hit")
    events = serializers.IntegerField(help_text="events involved")
    first_at = serializers.DateTimeField()
    last_at = serializers.DateTimeField()


# ------------------------------------------------------------------------------ parameters


def _int_param(
    request: Request, name: str, low: int, high: int, default: int | None, error: ServiceError
) -> int | None:
    raw = str(request.query_params.get(name) or "")
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise error
    return int(raw)


def _year(request: Request) -> int:
    error = ServiceError(PointsCode.BAD_YEAR, _("Choose a year between 2000 and 2100."), "year")
    year = _int_param(request, "year", 2000, 2100, timezone.localdate().year, error)
    assert year is not None
    return year


def _month(request: Request) -> int | None:
    return _int_param(
        request, "month", 1, 12, None, ServiceError(PointsCode.BAD_MONTH, _("Choose a month from 1 to 12."), "month")
    )


def _kind(request: Request) -> str | None:
    raw = str(request.query_params.get("kind") or "")
    if raw and raw not in PointKind.values:
        raise ServiceError(PointsCode.BAD_KIND, _("There is no such kind of event."), "kind")
    return raw or None


YEAR = OpenApiParameter("year", int, description="this year if absent")
MONTH = OpenApiParameter("month", int, description="1–12: one month of the year; absent: the whole year")
KIND = OpenApiParameter("kind", str, enum=PointKind.values)
ORGANIZATION = OpenApiParameter("organization", int, description="this organization's subtree; default: your scope")


# ------------------------------------------------------------------------------ views


class MyPointsView(APIView):
    """My points (reference only) for a year: totals by month and by kind."""

    permission_classes = [IsTenantUser]

    @extend_schema(parameters=[YEAR], responses=PointsSummarySerializer)
    def get(self, request: Request) -> Response:
        member = services.my_member(Actor.of(request).user)
        services.do_collect_for_member(member)
        return Response(PointsSummarySerializer(services.summary(member, _year(request))).data)


class MyLedgerView(generics.GenericAPIView[Any]):
    """My ledger entries, newest first."""

    permission_classes = [IsTenantUser]
    serializer_class = PointsEntrySerializer
    queryset = PointEntry.objects.none()

    @extend_schema(parameters=[YEAR, MONTH, KIND], responses=PointsEntrySerializer(many=True))
    def get(self, request: Request) -> Response:
        member = services.my_member(Actor.of(request).user)
        entries = services.ledger_entries(member, _year(request), _month(request), _kind(request))
        page = self.paginate_queryset(entries)
        assert page is not None
        return self.get_paginated_response(PointsEntrySerializer(services.entry_rows(page), many=True).data)


class MemberListView(generics.GenericAPIView[Any]):
    """Members in your scope with their points in the period (reference only); sorted by
    organization and name, or by points with ``rank`` when the tenant turned rankings on."""

    permission_classes = [CanViewPoints]
    serializer_class = PointsMemberRowSerializer
    queryset = PointEntry.objects.none()

    @extend_schema(parameters=[ORGANIZATION, YEAR, MONTH], responses=PointsMemberRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        user = Actor.of(request).user
        organizations = services.scoped_organizations(user, request.query_params.get("organization"))
        rows = services.member_rows(organizations, _year(request), _month(request))
        page = self.paginate_queryset(rows)
        assert page is not None
        return self.get_paginated_response(PointsMemberRowSerializer(page, many=True).data)


class MemberPointsView(APIView):
    permission_classes = [CanViewPoints]

    @extend_schema(parameters=[YEAR], responses=PointsSummarySerializer)
    def get(self, request: Request, pk: int) -> Response:
        """One member's points (reference only) for a year, if the member is in your scope (collects
        their recent events first)."""
        actor, year = Actor.of(request), _year(request)
        member = services.member_in_scope(actor.user, pk)
        services.do_collect_for_member(member)
        do_record_audit(event="points.member.read", actor=actor, target=member, details={"year": year})
        return Response(PointsSummarySerializer(services.summary(member, year)).data)


class MemberLedgerView(generics.GenericAPIView[Any]):
    permission_classes = [CanViewPoints]
    serializer_class = PointsEntrySerializer
    queryset = PointEntry.objects.none()

    @extend_schema(parameters=[YEAR, MONTH, KIND], responses=PointsEntrySerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        """One member's ledger entries, newest first."""
        member = services.member_in_scope(Actor.of(request).user, pk)
        entries = services.ledger_entries(member, _year(request), _month(request), _kind(request))
        page = self.paginate_queryset(entries)
        assert page is not None
        return self.get_paginated_response(PointsEntrySerializer(services.entry_rows(page), many=True).data)


class BranchListView(generics.GenericAPIView[Any]):
    """The branch index per organization in scope: own points + sum of member points ÷ member
    count (reference only); by ``rank`` when rankings are on."""

    permission_classes = [CanViewPoints]
    serializer_class = PointsBranchRowSerializer
    queryset = PointEntry.objects.none()

    @extend_schema(parameters=[ORGANIZATION, YEAR, MONTH], responses=PointsBranchRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        user = Actor.of(request).user
        organizations = services.scoped_organizations(user, request.query_params.get("organization"))
        rows = services.branch_rows(organizations, _year(request), _month(request))
        page = self.paginate_queryset(rows)
        assert page is not None
        return self.get_paginated_response(PointsBranchRowSerializer(page, many=True).data)


class SettingsView(APIView):
    """Rankings on or off (off by default; tenant admins change it) and the nightly check's result."""

    permission_classes = [CanViewPointsAdminWrites]

    @extend_schema(responses=PointsSettingsSerializer)
    def get(self, request: Request) -> Response:
        return Response(PointsSettingsSerializer(services.settings_body()).data)

    @extend_schema(request=PointsSettingsUpdateSerializer, responses=PointsSettingsSerializer)
    def put(self, request: Request) -> Response:
        data = validated(PointsSettingsUpdateSerializer, request.data)
        services.do_update_settings(Actor.of(request), rankings_enabled=data["rankings_enabled"])
        return Response(PointsSettingsSerializer(services.settings_body()).data)


class RuleListView(generics.GenericAPIView[Any]):
    """The point rule versions (newest first) with their rules; a tenant admin adds a local version."""

    permission_classes = [IsTenantUser]
    serializer_class = PointsRuleSetSerializer
    queryset = PointRuleSet.objects.none()

    def get_permissions(self) -> list[Any]:
        return [IsTenantAdmin()] if self.request.method == "POST" else [IsTenantUser()]

    @extend_schema(responses=PointsRuleSetSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(services.rule_sets())
        assert page is not None
        return self.get_paginated_response(PointsRuleSetSerializer(services.rule_set_rows(page), many=True).data)

    @extend_schema(request=PointsRuleSetCreateSerializer, responses={201: PointsRuleSetSerializer})
    def post(self, request: Request) -> Response:
        data = validated(PointsRuleSetCreateSerializer, request.data)
        rule_set = services.do_add_rule_set(Actor.of(request), **data)
        return Response(PointsRuleSetSerializer(services.rule_set_rows([rule_set])[0]).data, status=201)


class AnomalyListView(generics.GenericAPIView[Any]):
    """Patterns that look automated (tenant admins), each row with its explanation: the same
    daily cap hit on ≥ 5 days within the window at the same minute of day, or more events in a
    minute than a person can make."""

    permission_classes = [IsTenantAdmin]
    serializer_class = PointsAnomalySerializer
    queryset = PointEntry.objects.none()

    @extend_schema(
        parameters=[OpenApiParameter("days", int, description="the window in days (default 30, at most 366)")],
        responses=PointsAnomalySerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        error = ServiceError(PointsCode.BAD_DAYS, _("Choose a window of 1 to 366 days."), "days")
        days = _int_param(request, "days", 1, 366, 30, error)
        assert days is not None
        page = self.paginate_queryset(services.anomalies(days))
        assert page is not None
        return self.get_paginated_response(PointsAnomalySerializer(page, many=True).data)


urlpatterns: list[URLPattern] = [
    path("me", MyPointsView.as_view(), name="points-me"),
    path("me/ledger", MyLedgerView.as_view(), name="points-my-ledger"),
    path("members", MemberListView.as_view(), name="points-members"),
    path("members/<int:pk>", MemberPointsView.as_view(), name="points-member"),
    path("members/<int:pk>/ledger", MemberLedgerView.as_view(), name="points-member-ledger"),
    path("branches", BranchListView.as_view(), name="points-branches"),
    path("settings", SettingsView.as_view(), name="points-settings"),
    path("rules", RuleListView.as_view(), name="points-rules"),
    path("anomalies", AnomalyListView.as_view(), name="points-anomalies"),
]
