"""Reports and petitions (网上信访举报) on the tenant host, under ``/api/v1/supervision/``
(docs/supervision.md, "Reports and petitions"). Thin: parse, call ``tenants.supervision.reports``,
render.

Public (no sign-in needed; throttled by address; codes only ever in POST bodies):

- ``GET reports/units``: the organizations one may report about (names and the tree), for the form.
- ``POST reports``: file a report or petition, anonymously or under one's name (signed in). The
  answer carries the tracking code ONCE (only its hash is kept) and the number.
- ``POST reports/track {code}``: status, dates, the inspectors' messages, the result once fed back.
- ``POST reports/track/answer {code, body}``: the reporter answers.
- ``POST reports/track/attachments {code, filename, content_type, size}``: start a direct upload
  of evidence (the code is the credential; the upload is bound to the report for 24 hours);
  ``POST reports/track/attachments/complete {code, upload}``: verify it and attach it.

Console (the assigned discipline inspectors only; everybody else gets 404 for a report):

- ``GET reports?status=&overdue=``: my reports (number, subject, status, due dates; audited).
- ``GET reports/{id}``: the case, decrypted (audited).
- ``POST reports/{id}/acknowledge`` | ``decline {reason}`` | ``messages {body}`` |
  ``extend {days, reason}`` | ``close {result}`` | ``feedback {body}`` | ``attachments {upload}``.
- ``GET reports/{id}/attachments/{attachment_id}``: a short-lived download URL (audited).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import HasTenantRole, on_tenant_host
from partycloud.accounts.roles import TenantRole
from partycloud.core.api import PagePagination, validated
from partycloud.core.openapi import ERROR_RESPONSE
from partycloud.core.throttling import AnonThrottle, ScopedThrottle, UserThrottle
from tenants.supervision import reporter, reports
from tenants.supervision.models import Report, ReportKind, ReportMessageAuthor, ReportStatus

# ------------------------------------------------------------------------------ serializers


class ReportUnitSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    parent_id = serializers.IntegerField(allow_null=True)
    depth = serializers.IntegerField()


class ReportFileSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ReportKind.choices, default=ReportKind.REPORT)
    anonymous = serializers.BooleanField(
        default=True, help_text="false: under your name (sign in first); the reporter is kept, encrypted"
    )
    accused_organization = serializers.IntegerField(help_text="the accused's unit (GET reports/units)")
    accused_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    subject = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=20000)
    reporter_name = serializers.CharField(
        max_length=50,
        required=False,
        allow_blank=True,
        default="",
        help_text="real-name only; default: your member record's",
    )
    reporter_contact = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="how to reach you (optional)"
    )


class ReportFiledSerializer(serializers.Serializer[Any]):
    number = serializers.CharField()
    tracking_code = serializers.CharField(help_text="shown ONCE: only its hash is kept; keep it to follow the report")
    received_at = serializers.DateTimeField()
    acknowledge_due = serializers.DateField()


class ReportCodeSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=40, help_text="the tracking code (dashes and spaces ignored)")


class ReportAnswerSerializer(ReportCodeSerializer):
    body = serializers.CharField(max_length=5000)


class ReportMessageSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    author_kind = serializers.ChoiceField(choices=ReportMessageAuthor.choices)
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReportAttachmentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField(allow_blank=True)
    size = serializers.IntegerField(allow_null=True)
    from_reporter = serializers.BooleanField()
    added_at = serializers.DateTimeField()


class ReportTrackingSerializer(serializers.Serializer[Any]):
    number = serializers.CharField()
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    received_at = serializers.DateTimeField()
    acknowledge_due = serializers.DateField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    close_due = serializers.DateField(allow_null=True)
    extended_days = serializers.IntegerField()
    closed_at = serializers.DateTimeField(allow_null=True)
    fed_back_at = serializers.DateTimeField(allow_null=True)
    result = serializers.CharField(allow_null=True, help_text="the result, once fed back (or the reason not accepted)")
    messages = ReportMessageSerializer(many=True)
    attachments = ReportAttachmentSerializer(many=True, help_text="the reporter's own evidence")


class ReportUploadStartSerializer(ReportCodeSerializer):
    filename = serializers.CharField(max_length=255)
    content_type = serializers.CharField(max_length=255)
    size = serializers.IntegerField(min_value=1)


# A serializer cannot have a field named "fields" (it is the serializer's own attribute): the
# started upload is rendered as a plain dict, its shape declared for the schema only.
_ReportUploadStarted = inline_serializer(
    "ReportUploadStarted",
    {
        "upload": serializers.UUIDField(help_text="complete it with POST reports/track/attachments/complete"),
        "post": inline_serializer(
            "ReportUploadPost",
            {"url": serializers.CharField(), "fields": serializers.DictField(child=serializers.CharField())},
            help_text="POST these fields plus the file (last) as multipart/form-data",
        ),
        "expires_at": serializers.DateTimeField(),
    },
)


class ReportUploadCompleteSerializer(ReportCodeSerializer):
    upload = serializers.UUIDField()


class ReportListItemSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    anonymous = serializers.BooleanField()
    subject = serializers.CharField()
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    to_group = serializers.BooleanField()
    received_at = serializers.DateTimeField()
    acknowledge_due = serializers.DateField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    close_due = serializers.DateField(allow_null=True)
    extended_days = serializers.IntegerField()
    closed_at = serializers.DateTimeField(allow_null=True)
    feedback_due = serializers.DateField(allow_null=True)
    fed_back_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.CharField(
        allow_null=True, help_text='what is overdue today: "acknowledge" | "close" | "feedback", or null'
    )
    next_due = serializers.DateField(allow_null=True, help_text="the next deadline (by status), null when done")


class ReportOrganizationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReportEventSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    actor = serializers.CharField(
        allow_blank=True, help_text="the inspector's name; blank for the reporter or the system"
    )
    note = serializers.CharField(allow_blank=True)
    at = serializers.DateTimeField()


class ReportDetailSerializer(ReportListItemSerializer):
    accused_organization = ReportOrganizationSerializer()
    routed_organization = ReportOrganizationSerializer(allow_null=True)
    accused_name = serializers.CharField(allow_blank=True)
    content = serializers.CharField()
    reporter_name = serializers.CharField(allow_blank=True, help_text="real-name reports only")
    reporter_contact = serializers.CharField(allow_blank=True)
    extension_reason = serializers.CharField(allow_blank=True)
    result = serializers.CharField(allow_blank=True)
    messages = ReportMessageSerializer(many=True)
    attachments = ReportAttachmentSerializer(many=True)
    events = ReportEventSerializer(many=True)
    extension_max_days = serializers.IntegerField(help_text="the rule's longest extension (one only)")
    actions = serializers.ListField(
        child=serializers.CharField(),
        help_text="what the caller may do now: acknowledge, decline, message, extend, close, feedback, attach",
    )


class ReportReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000)


class ReportBodySerializer(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=5000)


class ReportExtendSerializer(serializers.Serializer[Any]):
    days = serializers.IntegerField(min_value=1, help_text="at most the rule's report_extension_max_days, once")
    reason = serializers.CharField(max_length=2000)


class ReportCloseSerializer(serializers.Serializer[Any]):
    result = serializers.CharField(max_length=20000)


class ReportAttachSerializer(serializers.Serializer[Any]):
    upload = serializers.UUIDField(help_text="a verified upload of purpose supervision.report")


class ReportDownloadSerializer(serializers.Serializer[Any]):
    url = serializers.CharField(help_text="short-lived signed URL")


# ------------------------------------------------------------------------------ public: filing and tracking


class OnTenantHost(AllowAny):
    def has_permission(self, request: Request, view: Any) -> bool:
        return on_tenant_host()


class ReportThrottle(ScopedThrottle):
    """Public report requests per caller (address or user), at ``SUPERVISION_REPORT_THROTTLE_RATE``:
    tracking codes are not to be guessed and the form is not to be flooded."""

    def get_rate(self) -> str | None:
        rate: str = settings.SUPERVISION_REPORT_THROTTLE_RATE
        return rate


class _PublicView(APIView):
    permission_classes = [OnTenantHost]
    throttle_classes = [AnonThrottle, UserThrottle, ReportThrottle]
    throttle_scope = "supervision_report"


class _TrackingView(_PublicView):
    # The code is the credential: a session is neither needed nor looked at.
    authentication_classes: list[Any] = []


class ReportUnitsView(_PublicView):
    """The active organizations of this party committee (for choosing the accused's unit)."""

    throttle_classes = [AnonThrottle, UserThrottle]

    @extend_schema(responses={200: ReportUnitSerializer(many=True), 403: ERROR_RESPONSE}, auth=[])
    def get(self, request: Request) -> Response:
        return Response(ReportUnitSerializer(reports.units(), many=True).data)


class ReportTrackView(_TrackingView):
    @extend_schema(
        request=ReportCodeSerializer, responses={200: ReportTrackingSerializer, 403: ERROR_RESPONSE}, auth=[]
    )
    def post(self, request: Request) -> Response:
        data = validated(ReportCodeSerializer, request.data)
        return Response(ReportTrackingSerializer(reporter.tracking(data["code"])).data)


class ReportTrackAnswerView(_TrackingView):
    @extend_schema(
        request=ReportAnswerSerializer,
        responses={201: ReportMessageSerializer, 403: ERROR_RESPONSE, 409: ERROR_RESPONSE},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = validated(ReportAnswerSerializer, request.data)
        message = reporter.do_answer(data["code"], data["body"], actor=Actor.of(request))
        return Response(ReportMessageSerializer(message).data, status=201)


class ReportTrackUploadView(_TrackingView):
    @extend_schema(
        request=ReportUploadStartSerializer,
        responses={201: _ReportUploadStarted, 403: ERROR_RESPONSE, 409: ERROR_RESPONSE},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = validated(ReportUploadStartSerializer, request.data)
        started = reporter.do_start_reporter_upload(
            data["code"], filename=data["filename"], content_type=data["content_type"], size=data["size"],
            actor=Actor.of(request),
        )  # fmt: skip
        return Response(started, status=201)


class ReportTrackUploadCompleteView(_TrackingView):
    @extend_schema(
        request=ReportUploadCompleteSerializer,
        responses={201: ReportAttachmentSerializer, 403: ERROR_RESPONSE, 409: ERROR_RESPONSE},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = validated(ReportUploadCompleteSerializer, request.data)
        attachment = reporter.do_attach_reporter_upload(data["code"], data["upload"], actor=Actor.of(request))
        return Response(ReportAttachmentSerializer(attachment).data, status=201)


# ------------------------------------------------------------------------------ the inspectors' console


class IsInspector(HasTenantRole):
    roles = frozenset({TenantRole.DISCIPLINE_INSPECTOR})


STATUS = OpenApiParameter("status", str, enum=ReportStatus.values, description="one status")
OVERDUE = OpenApiParameter("overdue", bool, description="only those with a deadline passed")


class ReportListView(generics.GenericAPIView[Report]):
    """Filing is the same URL (POST, public); the list (GET) is the caller's assigned reports."""

    pagination_class = PagePagination
    serializer_class = ReportListItemSerializer
    queryset = Report.objects.none()
    throttle_scope = "supervision_report"

    def get_permissions(self) -> list[Any]:
        return [OnTenantHost()] if self.request.method == "POST" else [IsInspector()]

    def get_throttles(self) -> list[Any]:
        if self.request.method == "POST":
            return [AnonThrottle(), UserThrottle(), ReportThrottle()]
        return super().get_throttles()

    @extend_schema(parameters=[STATUS, OVERDUE], responses=ReportListItemSerializer(many=True))
    def get(self, request: Request) -> Response:
        actor = Actor.of(request)
        queryset = reports.assigned_reports(
            actor, status=request.query_params.get("status") or "",
            overdue=request.query_params.get("overdue") in {"1", "true", "yes"},
        )  # fmt: skip
        page = self.paginate_queryset(queryset)
        assert page is not None
        return self.get_paginated_response(ReportListItemSerializer(reports.list_rows(actor, page), many=True).data)

    @extend_schema(request=ReportFileSerializer, responses={201: ReportFiledSerializer})
    def post(self, request: Request) -> Response:
        data = validated(ReportFileSerializer, request.data)
        filed = reports.do_file_report(actor=Actor.of(request), **data)
        return Response(ReportFiledSerializer(filed).data, status=201)


class _CaseView(APIView):
    permission_classes = [IsInspector]

    def case(self, request: Request, report_id: int) -> Report:
        return reports.report_for(Actor.of(request), report_id)

    def detail(self, request: Request, report: Report, status: int = 200) -> Response:
        return Response(ReportDetailSerializer(reports.detail(Actor.of(request), report)).data, status=status)


class ReportDetailView(_CaseView):
    @extend_schema(responses=ReportDetailSerializer)
    def get(self, request: Request, report_id: int) -> Response:
        return self.detail(request, self.case(request, report_id))


class ReportAcknowledgeView(_CaseView):
    @extend_schema(request=None, responses=ReportDetailSerializer)
    def post(self, request: Request, report_id: int) -> Response:
        report = reports.do_acknowledge(self.case(request, report_id), actor=Actor.of(request))
        return self.detail(request, report)


class ReportDeclineView(_CaseView):
    @extend_schema(request=ReportReasonSerializer, responses=ReportDetailSerializer)
    def post(self, request: Request, report_id: int) -> Response:
        data = validated(ReportReasonSerializer, request.data)
        report = reports.do_decline(self.case(request, report_id), data["reason"], actor=Actor.of(request))
        return self.detail(request, report)


class ReportMessageView(_CaseView):
    @extend_schema(request=ReportBodySerializer, responses={201: ReportMessageSerializer})
    def post(self, request: Request, report_id: int) -> Response:
        data = validated(ReportBodySerializer, request.data)
        message = reports.do_send_message(self.case(request, report_id), data["body"], actor=Actor.of(request))
        return Response(ReportMessageSerializer(message).data, status=201)


class ReportExtendView(_CaseView):
    @extend_schema(request=ReportExtendSerializer, responses=ReportDetailSerializer)
    def post(self, request: Request, report_id: int) -> Response:
        data = validated(ReportExtendSerializer, request.data)
        report = reports.do_extend(
            self.case(request, report_id), days=data["days"], reason=data["reason"], actor=Actor.of(request)
        )
        return self.detail(request, report)


class ReportCloseView(_CaseView):
    @extend_schema(request=ReportCloseSerializer, responses=ReportDetailSerializer)
    def post(self, request: Request, report_id: int) -> Response:
        data = validated(ReportCloseSerializer, request.data)
        report = reports.do_close(self.case(request, report_id), data["result"], actor=Actor.of(request))
        return self.detail(request, report)


class ReportFeedbackView(_CaseView):
    @extend_schema(request=ReportBodySerializer, responses=ReportDetailSerializer)
    def post(self, request: Request, report_id: int) -> Response:
        data = validated(ReportBodySerializer, request.data)
        report = reports.do_feed_back(self.case(request, report_id), data["body"], actor=Actor.of(request))
        return self.detail(request, report)


class ReportAttachmentListView(_CaseView):
    @extend_schema(request=ReportAttachSerializer, responses={201: ReportAttachmentSerializer})
    def post(self, request: Request, report_id: int) -> Response:
        data = validated(ReportAttachSerializer, request.data)
        attachment = reports.do_attach(self.case(request, report_id), data["upload"], actor=Actor.of(request))
        return Response(ReportAttachmentSerializer(attachment).data, status=201)


class ReportAttachmentView(_CaseView):
    @extend_schema(responses=ReportDownloadSerializer)
    def get(self, request: Request, report_id: int, attachment_id: int) -> Response:
        url = reports.attachment_url(self.case(request, report_id), attachment_id, actor=Actor.of(request))
        return Response({"url": url})


urlpatterns: list[URLPattern] = [
    path("reports", ReportListView.as_view(), name="supervision-reports"),
    path("reports/units", ReportUnitsView.as_view(), name="supervision-report-units"),
    path("reports/track", ReportTrackView.as_view(), name="supervision-report-track"),
    path("reports/track/answer", ReportTrackAnswerView.as_view(), name="supervision-report-track-answer"),
    path("reports/track/attachments", ReportTrackUploadView.as_view(), name="supervision-report-track-upload"),
    path(
        "reports/track/attachments/complete",
        ReportTrackUploadCompleteView.as_view(),
        name="supervision-report-track-upload-complete",
    ),
    path("reports/<int:report_id>", ReportDetailView.as_view(), name="supervision-report"),
    path("reports/<int:report_id>/acknowledge", ReportAcknowledgeView.as_view(), name="supervision-report-acknowledge"),
    path("reports/<int:report_id>/decline", ReportDeclineView.as_view(), name="supervision-report-decline"),
    path("reports/<int:report_id>/messages", ReportMessageView.as_view(), name="supervision-report-messages"),
    path("reports/<int:report_id>/extend", ReportExtendView.as_view(), name="supervision-report-extend"),
    path("reports/<int:report_id>/close", ReportCloseView.as_view(), name="supervision-report-close"),
    path("reports/<int:report_id>/feedback", ReportFeedbackView.as_view(), name="supervision-report-feedback"),
    path(
        "reports/<int:report_id>/attachments", ReportAttachmentListView.as_view(), name="supervision-report-attachments"
    ),
    path(
        "reports/<int:report_id>/attachments/<int:attachment_id>",
        ReportAttachmentView.as_view(),
        name="supervision-report-attachment",
    ),
]
