"""Cadre publicity (任前公示) on a tenant host, under ``/api/v1/supervision/publicities``
(docs/supervision.md, "Cadre publicity"). Thin: parse, call ``tenants.supervision.publicity``, render.

Console (tenant admins, secretaries and committee members over the unit; the discipline inspectors
read and handle objections):

- ``GET|POST publicities``: publicities in scope (``?status=&q=``); a draft.
- ``GET|PATCH|DELETE publicities/{id}``: one (change or delete a draft).
- ``POST publicities/{id}/publish`` (``{starts_on, working_days?}``: never fewer working days than the
  rule), ``POST …/withdraw``, ``POST …/conclude`` (``{outcome}``: closed, every objection handled).
- ``GET publicities/{id}/objections`` (decrypted; each read audited),
  ``POST …/objections/{oid}/handle`` (``{outcome}``).

Member: ``GET publicities/open`` (open to me), ``GET publicities/open/{uuid}``,
``POST publicities/open/{uuid}/objections`` (during the window only; anonymous or named).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import HasTenantRole, IsTenantUser
from partycloud.core.api import PagePagination, validated
from tenants.supervision import publicity as service
from tenants.supervision.audience import TENANT_SCOPE_CHOICES
from tenants.supervision.models import CadrePublicity, ObjectionStatus, PublicityStatus, Scope


class CanManagePublicity(HasTenantRole):
    """Workers of the units change; the discipline inspectors read (and handle objections: see
    ``CanHandleObjections``). The services check the unit is in the caller's scope."""

    roles = service.MANAGERS
    read_roles = service.INSPECTORS


class CanHandleObjections(HasTenantRole):
    roles = service.READERS


# ------------------------------------------------------------------------------ shapes


class PublicityCandidateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=50)
    gender = serializers.CharField(
        max_length=10, required=False, allow_blank=True, default="", help_text="male | female"
    )
    born = serializers.CharField(max_length=10, required=False, allow_blank=True, default="", help_text="YYYY-MM")
    current_post = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    proposed_post = serializers.CharField(max_length=100)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class PublicityOrganizationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PublicityRuleSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    version = serializers.CharField()
    publicity_min_working_days = serializers.IntegerField()


class PublicityRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    organization = PublicityOrganizationSerializer()
    scope = serializers.ChoiceField(choices=Scope.choices)
    status = serializers.ChoiceField(choices=PublicityStatus.choices)
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True, help_text="the window's last day, inclusive")
    window_working_days = serializers.IntegerField()
    candidate_count = serializers.IntegerField()
    objection_count = serializers.IntegerField()
    pending_objection_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    concluded_at = serializers.DateTimeField(allow_null=True)


class PublicitySerializer(PublicityRowSerializer):
    body_html = serializers.CharField(allow_blank=True)
    candidates = PublicityCandidateSerializer(many=True)
    contact = serializers.CharField(allow_blank=True)
    outcome = serializers.CharField(allow_blank=True)
    rule = PublicityRuleSerializer(allow_null=True, help_text="the rules the window was computed with")
    created_by = serializers.CharField(allow_blank=True)
    concluded_by = serializers.CharField(allow_blank=True)
    warnings = serializers.ListField(child=serializers.CharField(), help_text="e.g. the year's calendar is not loaded")
    can_manage = serializers.BooleanField()


class PublicityCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    organization = serializers.IntegerField(help_text="the publishing unit (its committee)")
    scope = serializers.ChoiceField(choices=TENANT_SCOPE_CHOICES, default=Scope.SUBTREE)
    body_html = serializers.CharField(required=False, allow_blank=True, default="", max_length=200_000)
    candidates = PublicityCandidateSerializer(many=True)
    contact = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class PublicityChangeSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200, required=False)
    organization = serializers.IntegerField(required=False)
    scope = serializers.ChoiceField(choices=TENANT_SCOPE_CHOICES, required=False)
    body_html = serializers.CharField(required=False, allow_blank=True, max_length=200_000)
    candidates = PublicityCandidateSerializer(many=True, required=False)
    contact = serializers.CharField(required=False, allow_blank=True, max_length=300)


class PublicityPublishSerializer(serializers.Serializer[Any]):
    starts_on = serializers.DateField(help_text="the window's first day (today or later)")
    working_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=30,
        help_text="the window's working days: the rule's minimum by default, more allowed, never fewer",
    )  # fmt: skip


class PublicityConcludeSerializer(serializers.Serializer[Any]):
    outcome = serializers.CharField(max_length=5000)


def _row(publicity: CadrePublicity, names: dict[int, str]) -> dict[str, Any]:
    return {
        "id": publicity.pk,
        "uuid": publicity.uuid,
        "title": publicity.title,
        "organization": {"id": publicity.organization_id, "name": names.get(publicity.organization_id, "")},
        "scope": publicity.scope,
        "status": publicity.status,
        "starts_on": publicity.starts_on,
        "ends_on": publicity.ends_on,
        "window_working_days": publicity.window_working_days,
        "candidate_count": len(publicity.candidates),
        "objection_count": getattr(publicity, "objection_count", 0),
        "pending_objection_count": getattr(publicity, "pending_count", 0),
        "created_at": publicity.created_at,
        "published_at": publicity.published_at,
        "closed_at": publicity.closed_at,
        "concluded_at": publicity.concluded_at,
    }


def _detail(request: Request, publicity_id: int) -> Any:
    actor = Actor.of(request)
    publicity = service.publicity_for(actor, publicity_id)
    body = _row(publicity, service.organization_names([publicity.organization_id]))
    rule = publicity.rule_set
    body.update(
        body_html=publicity.body_html,
        candidates=publicity.candidates,
        contact=publicity.contact,
        outcome=publicity.outcome,
        rule=(
            {"id": rule.pk, "version": rule.version, "publicity_min_working_days": rule.publicity_min_working_days}
            if rule
            else None
        ),
        created_by=publicity.created_by.name if publicity.created_by else "",
        concluded_by=publicity.concluded_by.name if publicity.concluded_by else "",
        warnings=service.publicity_warnings(publicity),
        can_manage=service.can_manage(actor, publicity),
    )
    return PublicitySerializer(body).data


def _publicity(request: Request, publicity_id: int) -> CadrePublicity:
    return service.publicity_for(Actor.of(request), publicity_id)


# ------------------------------------------------------------------------------ console


class PublicityListView(generics.GenericAPIView[Any]):
    """Publicities of the units in the caller's scope, latest window first."""

    permission_classes = [CanManagePublicity]
    serializer_class = PublicityRowSerializer
    queryset = CadrePublicity.objects.none()
    pagination_class = PagePagination

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=PublicityStatus.values),
            OpenApiParameter("q", str, description="words of the title"),
        ],
        responses=PublicityRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        publicities = service.filter_publicities(
            service.visible_publicities(Actor.of(request)),
            status=request.query_params.get("status"),
            q=request.query_params.get("q"),
        ).order_by("-created_at", "-id")
        page = self.paginate_queryset(publicities)
        assert page is not None
        names = service.organization_names([p.organization_id for p in page])
        return self.get_paginated_response(PublicityRowSerializer([_row(p, names) for p in page], many=True).data)

    @extend_schema(request=PublicityCreateSerializer, responses={201: PublicitySerializer})
    def post(self, request: Request) -> Response:
        data = validated(PublicityCreateSerializer, request.data)
        publicity = service.do_create(actor=Actor.of(request), **data)
        return Response(_detail(request, publicity.pk), status=201)


class PublicityView(APIView):
    permission_classes = [CanManagePublicity]

    @extend_schema(responses=PublicitySerializer)
    def get(self, request: Request, publicity_id: int) -> Response:
        return Response(_detail(request, publicity_id))

    @extend_schema(request=PublicityChangeSerializer, responses=PublicitySerializer)
    def patch(self, request: Request, publicity_id: int) -> Response:
        data = validated(PublicityChangeSerializer, request.data)
        service.do_update(_publicity(request, publicity_id), actor=Actor.of(request), **data)
        return Response(_detail(request, publicity_id))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, publicity_id: int) -> Response:
        service.do_delete(_publicity(request, publicity_id), actor=Actor.of(request))
        return Response(status=204)


class PublicityPublishView(APIView):
    """draft → open with its window: ``ends_on`` computed on the working-day calendar."""

    permission_classes = [CanManagePublicity]

    @extend_schema(request=PublicityPublishSerializer, responses=PublicitySerializer)
    def post(self, request: Request, publicity_id: int) -> Response:
        data = validated(PublicityPublishSerializer, request.data)
        service.do_publish(_publicity(request, publicity_id), actor=Actor.of(request), **data)
        return Response(_detail(request, publicity_id))


class PublicityWithdrawView(APIView):
    permission_classes = [CanManagePublicity]

    @extend_schema(request=None, responses=PublicitySerializer)
    def post(self, request: Request, publicity_id: int) -> Response:
        service.do_withdraw(_publicity(request, publicity_id), actor=Actor.of(request))
        return Response(_detail(request, publicity_id))


class PublicityConcludeView(APIView):
    """closed → concluded with the outcome (every objection handled first)."""

    permission_classes = [CanManagePublicity]

    @extend_schema(request=PublicityConcludeSerializer, responses=PublicitySerializer)
    def post(self, request: Request, publicity_id: int) -> Response:
        data = validated(PublicityConcludeSerializer, request.data)
        service.do_conclude(_publicity(request, publicity_id), actor=Actor.of(request), outcome=data["outcome"])
        return Response(_detail(request, publicity_id))


# ------------------------------------------------------------------------------ objections (console)


class PublicityObjectionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    candidate_name = serializers.CharField(allow_blank=True)
    anonymous = serializers.BooleanField()
    name = serializers.CharField(allow_blank=True, help_text="the objector's name ('' when anonymous)")
    contact = serializers.CharField(allow_blank=True)
    body = serializers.CharField()
    status = serializers.ChoiceField(choices=ObjectionStatus.choices)
    outcome = serializers.CharField(allow_blank=True)
    handled_by = serializers.CharField(allow_blank=True)
    handled_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField()


class PublicityObjectionHandleSerializer(serializers.Serializer[Any]):
    outcome = serializers.CharField(max_length=5000)


def _objection(view: service.ObjectionView) -> dict[str, Any]:
    objection = view.objection
    return {
        "id": objection.pk,
        "candidate_name": objection.candidate_name,
        "anonymous": view.anonymous,
        "name": view.name,
        "contact": view.contact,
        "body": view.body,
        "status": objection.status,
        "outcome": view.outcome,
        "handled_by": objection.handled_by.name if objection.handled_by else "",
        "handled_at": objection.handled_at,
        "received_at": objection.received_at,
    }


class PublicityObjectionListView(generics.GenericAPIView[Any]):
    """The objections, decrypted: the publishing unit's workers and the discipline inspectors
    covering it; every page read is audited (which objections it showed)."""

    permission_classes = [CanHandleObjections]
    serializer_class = PublicityObjectionSerializer
    queryset = CadrePublicity.objects.none()
    pagination_class = PagePagination

    @extend_schema(responses=PublicityObjectionSerializer(many=True))
    def get(self, request: Request, publicity_id: int) -> Response:
        actor = Actor.of(request)
        publicity = _publicity(request, publicity_id)
        page = self.paginate_queryset(service.objections_of(publicity, actor))
        assert page is not None
        views = service.read_objections(publicity, page, actor=actor)
        return self.get_paginated_response(PublicityObjectionSerializer([_objection(v) for v in views], many=True).data)


class PublicityObjectionHandleView(APIView):
    permission_classes = [CanHandleObjections]

    @extend_schema(request=PublicityObjectionHandleSerializer, responses=PublicityObjectionSerializer)
    def post(self, request: Request, publicity_id: int, objection_id: int) -> Response:
        data = validated(PublicityObjectionHandleSerializer, request.data)
        actor = Actor.of(request)
        objection = service.objection_of(_publicity(request, publicity_id), objection_id, actor)
        return Response(
            PublicityObjectionSerializer(_objection(service.do_handle(objection, actor=actor, **data))).data
        )


# ------------------------------------------------------------------------------ the member's side


class OpenPublicitySerializer(serializers.Serializer[Any]):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    organization = serializers.CharField(help_text="the publishing unit's name")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    window_working_days = serializers.IntegerField()
    can_object = serializers.BooleanField(help_text="the window is open today")


class OpenPublicityDetailSerializer(OpenPublicitySerializer):
    body_html = serializers.CharField(allow_blank=True)
    candidates = PublicityCandidateSerializer(many=True)
    contact = serializers.CharField(allow_blank=True)


class ObjectionCreateSerializer(serializers.Serializer[Any]):
    candidate_name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="whom it concerns ('' : in general)"
    )
    body = serializers.CharField(max_length=5000)
    anonymous = serializers.BooleanField(default=True)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    contact = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ObjectionReceiptSerializer(serializers.Serializer[Any]):
    received_at = serializers.DateTimeField()
    anonymous = serializers.BooleanField()


def _open_row(publicity: CadrePublicity, names: dict[int, str]) -> dict[str, Any]:
    return {
        "uuid": publicity.uuid,
        "title": publicity.title,
        "organization": names.get(publicity.organization_id, ""),
        "starts_on": publicity.starts_on,
        "ends_on": publicity.ends_on,
        "window_working_days": publicity.window_working_days,
        "can_object": service.can_object(publicity),
    }


class OpenPublicityListView(generics.GenericAPIView[Any]):
    """Publicities open to the caller (their unit is in the scope), soonest ending first."""

    permission_classes = [IsTenantUser]
    serializer_class = OpenPublicitySerializer
    queryset = CadrePublicity.objects.none()
    pagination_class = PagePagination

    @extend_schema(responses=OpenPublicitySerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(service.open_for(Actor.of(request)))
        assert page is not None
        names = service.organization_names([p.organization_id for p in page])
        return self.get_paginated_response(OpenPublicitySerializer([_open_row(p, names) for p in page], many=True).data)


class OpenPublicityView(APIView):
    permission_classes = [IsTenantUser]

    @extend_schema(responses=OpenPublicityDetailSerializer)
    def get(self, request: Request, uuid: UUID) -> Response:
        publicity = service.open_one(Actor.of(request), uuid)
        body = _open_row(publicity, service.organization_names([publicity.organization_id]))
        body.update(body_html=publicity.body_html, candidates=publicity.candidates, contact=publicity.contact)
        return Response(OpenPublicityDetailSerializer(body).data)


class ObjectionCreateView(APIView):
    """An objection, during the window only (anonymous by default; encrypted at rest)."""

    permission_classes = [IsTenantUser]

    @extend_schema(request=ObjectionCreateSerializer, responses={201: ObjectionReceiptSerializer})
    def post(self, request: Request, uuid: UUID) -> Response:
        data = validated(ObjectionCreateSerializer, request.data)
        actor = Actor.of(request)
        objection = service.do_object(service.open_one(actor, uuid), actor=actor, **data)
        return Response(
            ObjectionReceiptSerializer(
                {"received_at": objection.received_at, "anonymous": objection.user_id is None}
            ).data,
            status=201,
        )


urlpatterns: list[URLPattern] = [
    path("publicities", PublicityListView.as_view(), name="supervision-publicities"),
    path("publicities/open", OpenPublicityListView.as_view(), name="supervision-open-publicities"),
    path("publicities/open/<uuid:uuid>", OpenPublicityView.as_view(), name="supervision-open-publicity"),
    path("publicities/open/<uuid:uuid>/objections", ObjectionCreateView.as_view(), name="supervision-objection-create"),
    path("publicities/<int:publicity_id>", PublicityView.as_view(), name="supervision-publicity"),
    path(
        "publicities/<int:publicity_id>/publish", PublicityPublishView.as_view(), name="supervision-publicity-publish"
    ),
    path(
        "publicities/<int:publicity_id>/withdraw",
        PublicityWithdrawView.as_view(),
        name="supervision-publicity-withdraw",
    ),
    path(
        "publicities/<int:publicity_id>/conclude",
        PublicityConcludeView.as_view(),
        name="supervision-publicity-conclude",
    ),
    path(
        "publicities/<int:publicity_id>/objections",
        PublicityObjectionListView.as_view(),
        name="supervision-publicity-objections",
    ),
    path(
        "publicities/<int:publicity_id>/objections/<int:objection_id>/handle",
        PublicityObjectionHandleView.as_view(),
        name="supervision-publicity-objection-handle",
    ),
]
