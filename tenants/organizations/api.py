"""The organization tree: everyone here reads it; tenant admins change all of it, and a
secretary or committee member changes the subtree their role is scoped to."""

from __future__ import annotations

from typing import Any, cast

from django.apps import apps
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from partycloud.accounts.actor import Actor
from partycloud.accounts.api import UserBriefSerializer
from partycloud.accounts.models import User
from partycloud.accounts.permissions import IsTenantUser
from partycloud.core.api import ChoiceLabelField
from tenants.organizations.models import (
    ALLOWED_CHILDREN,
    CommitteeMember,
    Organization,
    OrganizationEvent,
    OrganizationKind,
)
from tenants.organizations.secretaries import secretary_names
from tenants.organizations.services import (
    check_can_manage,
    do_create_organization,
    do_edit_organization,
    do_merge_organization,
    do_move_organization,
    organization_warnings,
)


def _full_members_in_subtree() -> Coalesce:
    """Full members on record in the organization and below it (a branch's party groups), for the
    branch-size and committee-quorum warnings (DOMAIN_RULES §2)."""
    # From the app registry, not an import: the members app imports this one (no cycle between apps).
    member = apps.get_model("members", "Member")
    counted = (
        member.objects.filter(
            organization__path__startswith=OuterRef("path"), membership="full", status__in=["active", "mobile"]
        )
        .order_by()
        .values("membership")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class OrganizationSerializer(serializers.ModelSerializer[Organization]):
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Organization.objects.filter(is_active=True), required=False, allow_null=True
    )
    secretary = UserBriefSerializer(read_only=True, allow_null=True)
    secretary_id = serializers.PrimaryKeyRelatedField(
        source="secretary", queryset=User.objects.all(), required=False, allow_null=True, write_only=True
    )
    kind_label = ChoiceLabelField("kind")
    re_election_due_on = serializers.DateField(read_only=True)
    children_count = serializers.IntegerField(read_only=True, default=0)
    full_members = serializers.IntegerField(read_only=True, default=0)
    warnings = serializers.SerializerMethodField()
    secretary_name = serializers.SerializerMethodField(
        help_text="书记: recorded, else the scoped role, else the committee"
    )

    class Meta:
        model = Organization
        fields = [
            "id", "parent", "kind", "kind_label", "name", "short_name", "depth", "established_on",
            "secretary", "secretary_id", "term_started_on", "term_years", "re_election_due_on",
            "is_active", "merged_into", "children_count", "full_members", "warnings", "created_at",
            "secretary_name",
        ]  # fmt: skip
        read_only_fields = ["depth", "is_active", "merged_into", "created_at"]

    @extend_schema_field(serializers.ListField(child=serializers.DictField(child=serializers.CharField())))
    def get_warnings(self, organization: Organization) -> list[dict[str, str]]:
        return organization_warnings(organization, getattr(organization, "full_members", 0))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_secretary_name(self, organization: Organization) -> str | None:
        # Looked up once for the whole page: the list's rows share the root serializer's context dict.
        context = cast(dict[str, Any], self.context)
        names = context.get("_secretaries")
        if names is None:
            instance = self.root.instance
            rows = list(instance) if isinstance(instance, list | QuerySet) else [organization]
            names = context["_secretaries"] = secretary_names(rows)
        found = names.get(organization.pk)
        return found["name"] if found else None


class TargetSerializer(serializers.Serializer[Any]):
    target = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.filter(is_active=True))


class EventSerializer(serializers.ModelSerializer[OrganizationEvent]):
    actor = UserBriefSerializer(read_only=True)

    class Meta:
        model = OrganizationEvent
        fields = ["id", "kind", "detail", "actor", "created_at"]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("under", int, description="only this organization's subtree"),
            OpenApiParameter("active", bool, description="false: include merged organizations"),
        ]
    )
)
class OrganizationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Organization],
):
    """The tree, flat and ordered by path. ``?under=<id>`` lists a subtree, ``?parent=`` children,
    ``?kind=``, ``?active=false`` includes merged organizations."""

    permission_classes = [IsTenantUser]
    serializer_class = OrganizationSerializer
    filterset_fields = ["kind", "parent"]
    search_fields = ["name", "short_name"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Organization]:
        queryset = (
            Organization.objects.select_related("secretary")
            .annotate(
                children_count=Count("children", filter=Q(children__is_active=True)),
                # Read by organization_warnings; one EXISTS per row otherwise.
                has_committee=Exists(CommitteeMember.objects.filter(organization=OuterRef("pk"))),
                full_members=_full_members_in_subtree(),
            )
            .order_by("path")
        )
        # Merged organizations stay readable by id (history, old records); lists hide them.
        if self.action == "list" and self.request.query_params.get("active") != "false":
            queryset = queryset.filter(is_active=True)
        under = self.request.query_params.get("under")
        if under and under.isdigit():
            root = Organization.objects.filter(pk=int(under)).values_list("path", flat=True).first()
            queryset = queryset.filter(path__startswith=root or "-")
        return queryset

    def perform_create(self, serializer: OrganizationSerializer) -> None:  # type: ignore[override]
        data = dict(serializer.validated_data)
        parent = data.pop("parent", None)
        actor = Actor.of(self.request)
        check_can_manage(actor, parent)
        serializer.instance = do_create_organization(parent=parent, actor=actor, require_established_on=True, **data)

    def perform_update(self, serializer: OrganizationSerializer) -> None:  # type: ignore[override]
        assert serializer.instance is not None
        changes = dict(serializer.validated_data)
        parent = changes.pop("parent", serializer.instance.parent)
        changes.pop("kind", None)
        serializer.instance = do_edit_organization(
            serializer.instance, actor=Actor.of(self.request), parent=parent, **changes
        )

    @extend_schema(request=TargetSerializer, responses=OrganizationSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        """Re-hang this organization (with its subtree) under ``target``."""
        organization = self.get_object()
        body = TargetSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actor = Actor.of(request)
        check_can_manage(actor, organization)
        check_can_manage(actor, body.validated_data["target"])
        moved = do_move_organization(organization, body.validated_data["target"], actor=actor)
        return Response(OrganizationSerializer(moved).data)

    @extend_schema(request=TargetSerializer, responses=OrganizationSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        """Merge this organization into ``target`` (same kind); it is kept, marked merged."""
        organization = self.get_object()
        body = TargetSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actor = Actor.of(request)
        check_can_manage(actor, organization.parent)
        check_can_manage(actor, body.validated_data["target"])
        target = do_merge_organization(organization, body.validated_data["target"], actor=actor)
        return Response(OrganizationSerializer(target).data)

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, pk: str | None = None) -> Response:
        organization = self.get_object()
        events = OrganizationEvent.objects.filter(organization=organization).select_related("actor")
        return Response(EventSerializer(events, many=True).data)

    @extend_schema(
        responses=inline_serializer(
            "OrganizationKinds", {"kinds": serializers.ListField(child=serializers.DictField())}
        )
    )
    @action(detail=False, methods=["get"])
    def kinds(self, request: Request) -> Response:
        return Response(
            {
                "kinds": [
                    {"value": kind.value, "label": kind.label, "children": sorted(ALLOWED_CHILDREN[kind.value])}
                    for kind in OrganizationKind
                ]
            }
        )
