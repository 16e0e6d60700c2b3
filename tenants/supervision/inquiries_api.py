"""Members' inquiries (询问·质询) on the tenant host, under ``/api/v1/supervision/``
(docs/supervision.md, "Inquiries"). Thin: parse, call ``tenants.supervision.inquiries``, render.

Portal (a member):

- ``GET inquiries/organizations``: whom I may ask: my organization and its ancestors (the nearest
  committee marked ``default``).
- ``POST inquiries``: ask (``is_challenge`` for 质询); ``GET inquiries/mine``: my inquiries.
- ``POST inquiries/{id}/satisfaction {satisfied}``: accept the answer (or not): closes it.

Console (the organization's workers: its secretary, committee members and the tenant admins whose
scope covers it; after an escalation the workers of the organization above too):

- ``GET inquiries?status=&due=&organization=``: the inquiries to my organizations
  (``due=overdue`` past their due day and unanswered, ``due=soon`` due within three days).
- ``GET inquiries/{id}`` (the asker too); ``POST inquiries/{id}/answer {answer}``.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import IsTenantUser
from partycloud.core.api import PagePagination, validated
from tenants.supervision import inquiries
from tenants.supervision.models import Inquiry, InquiryStatus


class InquiryOrganizationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    default = serializers.BooleanField(help_text="the nearest committee: the form's default")


class InquiryAskSerializer(serializers.Serializer[Any]):
    organization = serializers.IntegerField(help_text="my organization or one of its ancestors")
    is_challenge = serializers.BooleanField(default=False, help_text="质询 (a challenge) rather than 询问")
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=10000)


class InquirySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    is_challenge = serializers.BooleanField()
    asker_name = serializers.CharField()
    organization = InquiryOrganizationSerializer()
    subject = serializers.CharField()
    body = serializers.CharField()
    status = serializers.ChoiceField(choices=InquiryStatus.choices)
    asked_at = serializers.DateTimeField()
    due_on = serializers.DateField()
    overdue = serializers.BooleanField(help_text="past its due day without an answer")
    answer = serializers.CharField(allow_blank=True)
    answered_by = serializers.CharField(allow_blank=True, help_text="the worker's name")
    answered_at = serializers.DateTimeField(allow_null=True)
    escalated_at = serializers.DateTimeField(allow_null=True)
    escalated_to = InquiryOrganizationSerializer(
        allow_null=True, help_text="null after an escalation: the tenant admins"
    )
    satisfied = serializers.BooleanField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    actions = serializers.ListField(
        child=serializers.CharField(), help_text="answer | rate: what the caller may do now"
    )


class InquiryAnswerSerializer(serializers.Serializer[Any]):
    answer = serializers.CharField(max_length=10000)


class InquirySatisfactionSerializer(serializers.Serializer[Any]):
    satisfied = serializers.BooleanField()


STATUS = OpenApiParameter("status", str, enum=InquiryStatus.values)
DUE = OpenApiParameter("due", str, enum=["overdue", "soon"], description="overdue, or due within three days")
ORGANIZATION = OpenApiParameter("organization", int, description="asked of this organization")


class InquiryOrganizationsView(APIView):
    permission_classes = [IsTenantUser]

    @extend_schema(responses=InquiryOrganizationSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(InquiryOrganizationSerializer(inquiries.askable(Actor.of(request)), many=True).data)


class InquiryListView(generics.GenericAPIView[Inquiry]):
    """GET: the inquiries to the organizations I work for; POST: ask one."""

    permission_classes = [IsTenantUser]
    pagination_class = PagePagination
    serializer_class = InquirySerializer
    queryset = Inquiry.objects.none()

    @extend_schema(parameters=[STATUS, DUE, ORGANIZATION], responses=InquirySerializer(many=True))
    def get(self, request: Request) -> Response:
        actor = Actor.of(request)
        params = request.query_params
        queryset = inquiries.inquiries_to_handle(
            actor, status=params.get("status") or "", due=params.get("due") or "",
            organization=params.get("organization") or "",
        )  # fmt: skip
        page = self.paginate_queryset(queryset)
        assert page is not None
        return self.get_paginated_response(InquirySerializer(inquiries.rows(actor, page), many=True).data)

    @extend_schema(request=InquiryAskSerializer, responses={201: InquirySerializer})
    def post(self, request: Request) -> Response:
        actor = Actor.of(request)
        data = validated(InquiryAskSerializer, request.data)
        inquiry = inquiries.do_ask(actor, **data)
        return Response(InquirySerializer(inquiries.rows(actor, [inquiry])[0]).data, status=201)


class MyInquiryListView(generics.GenericAPIView[Inquiry]):
    permission_classes = [IsTenantUser]
    pagination_class = PagePagination
    serializer_class = InquirySerializer
    queryset = Inquiry.objects.none()

    @extend_schema(responses=InquirySerializer(many=True))
    def get(self, request: Request) -> Response:
        actor = Actor.of(request)
        page = self.paginate_queryset(inquiries.my_inquiries(actor))
        assert page is not None
        return self.get_paginated_response(InquirySerializer(inquiries.rows(actor, page), many=True).data)


class _InquiryView(APIView):
    permission_classes = [IsTenantUser]

    def render(self, request: Request, inquiry: Inquiry) -> Response:
        actor = Actor.of(request)
        return Response(InquirySerializer(inquiries.rows(actor, [inquiry])[0]).data)


class InquiryDetailView(_InquiryView):
    @extend_schema(responses=InquirySerializer)
    def get(self, request: Request, inquiry_id: int) -> Response:
        return self.render(request, inquiries.inquiry_for(Actor.of(request), inquiry_id))


class InquiryAnswerView(_InquiryView):
    @extend_schema(request=InquiryAnswerSerializer, responses=InquirySerializer)
    def post(self, request: Request, inquiry_id: int) -> Response:
        actor = Actor.of(request)
        data = validated(InquiryAnswerSerializer, request.data)
        inquiry = inquiries.do_answer(inquiries.inquiry_for(actor, inquiry_id), data["answer"], actor=actor)
        return self.render(request, inquiry)


class InquirySatisfactionView(_InquiryView):
    @extend_schema(request=InquirySatisfactionSerializer, responses=InquirySerializer)
    def post(self, request: Request, inquiry_id: int) -> Response:
        actor = Actor.of(request)
        data = validated(InquirySatisfactionSerializer, request.data)
        inquiry = inquiries.do_rate(inquiries.inquiry_for(actor, inquiry_id), data["satisfied"], actor=actor)
        return self.render(request, inquiry)


urlpatterns: list[URLPattern] = [
    path("inquiries", InquiryListView.as_view(), name="supervision-inquiries"),
    path("inquiries/mine", MyInquiryListView.as_view(), name="supervision-my-inquiries"),
    path("inquiries/organizations", InquiryOrganizationsView.as_view(), name="supervision-inquiry-organizations"),
    path("inquiries/<int:inquiry_id>", InquiryDetailView.as_view(), name="supervision-inquiry"),
    path("inquiries/<int:inquiry_id>/answer", InquiryAnswerView.as_view(), name="supervision-inquiry-answer"),
    path(
        "inquiries/<int:inquiry_id>/satisfaction",
        InquirySatisfactionView.as_view(),
        name="supervision-inquiry-satisfaction",
    ),
]
