"""The group's task books on the root host, under ``/api/v1/group/task-books/`` (docs/assessment.md
"Task books"): templates of a year and their indicators (draft, edit, reorder, publish: a copy
to every subsidiary), the progress per subsidiary (rankings only when the group turns them on),
the drill-down into a subsidiary's book (audited), the group's review of top books (scores,
return, approve, reopen), the settings, and the Excel export (audited). Group admins write;
group viewers read."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import IsGroupAdminOrViewerReadOnly
from partycloud.core.api import PagePagination, validated
from partycloud.core.spreadsheets import xlsx_response
from partycloud.taskbooks import services
from partycloud.taskbooks.models import TemplateStatus
from tenants.assessment.models import EvidenceSource, ScoringRule, TaskBookStatus
from tenants.assessment.taskbooks_api import (
    TaskBookApproveSerializer,
    TaskBookDetailSerializer,
    TaskBookIndicatorChangeSerializer,
    TaskBookIndicatorCreateSerializer,
    TaskBookLevelSerializer,
    TaskBookReasonSerializer,
    TaskBookReviewSerializer,
    TaskBookWarningSerializer,
)

# A subsidiary's book status in the progress table, or "not_received".
PROGRESS_STATUSES = [*TaskBookStatus.choices, ("not_received", "not received")]

# ------------------------------------------------------------------------------ templates


class TaskBookTemplateIndicatorSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    area = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    scoring = serializers.ChoiceField(choices=ScoringRule.choices)
    levels = TaskBookLevelSerializer(many=True)
    target = serializers.IntegerField(allow_null=True)
    evidence_required = serializers.CharField(allow_blank=True)
    evidence_source = serializers.ChoiceField(choices=EvidenceSource.choices)
    deadline = serializers.DateField(allow_null=True)


class TaskBookTemplateRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=TemplateStatus.choices)
    version = serializers.IntegerField()
    indicator_limit = serializers.IntegerField()
    submit_by = serializers.DateField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    indicator_count = serializers.IntegerField()
    weight_total = serializers.DecimalField(max_digits=7, decimal_places=2)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class TaskBookTemplateDetailSerializer(TaskBookTemplateRowSerializer):
    warnings = TaskBookWarningSerializer(many=True, help_text="e.g. more indicators than the limit (not an error)")
    indicators = TaskBookTemplateIndicatorSerializer(many=True)


class TaskBookTemplateCreateSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=200)
    indicator_limit = serializers.IntegerField(min_value=1, max_value=200, required=False)
    submit_by = serializers.DateField(required=False, allow_null=True)


class TaskBookTemplateChangeSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200, required=False)
    indicator_limit = serializers.IntegerField(min_value=1, max_value=200, required=False)
    submit_by = serializers.DateField(required=False, allow_null=True)


class TaskBookTemplateIndicatorChangeSerializer(TaskBookIndicatorChangeSerializer):
    """A template's indicator: a book indicator's fields, every one changeable while drafting."""


class TaskBookTemplateIndicatorCreateSerializer(TaskBookIndicatorCreateSerializer):
    """A new template indicator: area, title and weight required."""


class TaskBookReorderSerializer(serializers.Serializer[Any]):
    ids = serializers.ListField(child=serializers.IntegerField(), help_text="every indicator id, in the new order")


class TaskBookPublishResultSerializer(serializers.Serializer[Any]):
    template = TaskBookTemplateDetailSerializer()
    delivered = serializers.IntegerField(help_text="subsidiaries that received a new book")
    updated = serializers.IntegerField(help_text="books not yet submitted brought to the new version")
    unchanged = serializers.IntegerField(help_text="books already submitted (or already current)")


def _template_detail(template: Any) -> Response:
    return Response(TaskBookTemplateDetailSerializer(services.template_payload(template)).data)


class TemplateListView(APIView):
    permission_classes = [IsGroupAdminOrViewerReadOnly]
    pagination_class = PagePagination  # so the schema describes the paginated envelope

    @extend_schema(
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses=TaskBookTemplateRowSerializer(many=True),
        operation_id="group_task_books_templates_list",
    )
    def get(self, request: Request) -> Response:
        """The templates, newest year first."""
        paginator = PagePagination()
        page = paginator.paginate_queryset(services.templates(), request, view=self)
        return paginator.get_paginated_response(
            TaskBookTemplateRowSerializer(services.template_rows(page or []), many=True).data
        )

    @extend_schema(
        request=TaskBookTemplateCreateSerializer,
        responses={201: TaskBookTemplateDetailSerializer},
        operation_id="group_task_books_templates_create",
    )
    def post(self, request: Request) -> Response:
        """Draft a template for a year (one per year)."""
        data = validated(TaskBookTemplateCreateSerializer, request.data)
        template = services.do_create_template(actor=Actor.of(request), **data)
        return Response(TaskBookTemplateDetailSerializer(services.template_payload(template)).data, status=201)


class TemplateDetailView(APIView):
    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(responses=TaskBookTemplateDetailSerializer, operation_id="group_task_books_templates_retrieve")
    def get(self, request: Request, template_id: int) -> Response:
        return _template_detail(services.template_for(template_id))

    @extend_schema(
        request=TaskBookTemplateChangeSerializer,
        responses=TaskBookTemplateDetailSerializer,
        operation_id="group_task_books_templates_update",
    )
    def patch(self, request: Request, template_id: int) -> Response:
        data = validated(TaskBookTemplateChangeSerializer, request.data)
        return _template_detail(
            services.do_update_template(services.template_for(template_id), actor=Actor.of(request), **data)
        )

    @extend_schema(responses={204: None}, operation_id="group_task_books_templates_destroy")
    def delete(self, request: Request, template_id: int) -> Response:
        """Delete a template never published."""
        services.do_delete_template(services.template_for(template_id), actor=Actor.of(request))
        return Response(status=204)


class TemplateIndicatorListView(APIView):
    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(
        request=TaskBookTemplateIndicatorCreateSerializer,
        responses={201: TaskBookTemplateDetailSerializer},
        operation_id="group_task_books_template_indicators_create",
    )
    def post(self, request: Request, template_id: int) -> Response:
        data = validated(TaskBookTemplateIndicatorCreateSerializer, request.data)
        template = services.template_for(template_id)
        services.do_add_indicator(template, actor=Actor.of(request), **data)
        return Response(TaskBookTemplateDetailSerializer(services.template_payload(template)).data, status=201)


class TemplateIndicatorDetailView(APIView):
    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(
        request=TaskBookTemplateIndicatorChangeSerializer,
        responses=TaskBookTemplateDetailSerializer,
        operation_id="group_task_books_template_indicators_update",
    )
    def patch(self, request: Request, template_id: int, indicator_id: int) -> Response:
        data = validated(TaskBookTemplateIndicatorChangeSerializer, request.data)
        template = services.template_for(template_id)
        services.do_update_indicator(services.indicator_for(template, indicator_id), actor=Actor.of(request), **data)
        return _template_detail(template)

    @extend_schema(
        responses=TaskBookTemplateDetailSerializer, operation_id="group_task_books_template_indicators_destroy"
    )
    def delete(self, request: Request, template_id: int, indicator_id: int) -> Response:
        template = services.template_for(template_id)
        services.do_delete_indicator(services.indicator_for(template, indicator_id), actor=Actor.of(request))
        return _template_detail(template)


class TemplateReorderView(APIView):
    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(
        request=TaskBookReorderSerializer,
        responses=TaskBookTemplateDetailSerializer,
        operation_id="group_task_books_template_reorder",
    )
    def post(self, request: Request, template_id: int) -> Response:
        data = validated(TaskBookReorderSerializer, request.data)
        template = services.template_for(template_id)
        services.do_reorder(template, actor=Actor.of(request), ids=data["ids"])
        return _template_detail(template)


class TemplatePublishView(APIView):
    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(
        request=None, responses=TaskBookPublishResultSerializer, operation_id="group_task_books_template_publish"
    )
    def post(self, request: Request, template_id: int) -> Response:
        """Publish (version + 1; weights must sum to exactly 100) and deliver a copy to every active
        subsidiary; idempotent."""
        result = services.do_publish(services.template_for(template_id), actor=Actor.of(request))
        return Response(TaskBookPublishResultSerializer(result).data)


# ------------------------------------------------------------------------------ progress, settings, export


class TaskBookProgressTemplateSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=TemplateStatus.choices)
    version = serializers.IntegerField()
    published_at = serializers.DateTimeField(allow_null=True)


class TaskBookProgressRowSerializer(serializers.Serializer[Any]):
    tenant_id = serializers.IntegerField()
    tenant_name = serializers.CharField()
    received = serializers.BooleanField(help_text="false: the subsidiary has no book for the year")
    book_id = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=PROGRESS_STATUSES)
    template_version = serializers.IntegerField(allow_null=True)
    self_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    review_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    final_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    indicator_count = serializers.IntegerField()
    evidence_count = serializers.IntegerField()
    rank = serializers.IntegerField(
        allow_null=True, help_text="only when rankings are on (by final, else review, else self score)"
    )


class TaskBookProgressSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    template = TaskBookProgressTemplateSerializer(allow_null=True)
    rankings_enabled = serializers.BooleanField()
    tenants = TaskBookProgressRowSerializer(many=True, help_text="by tenant name; by rank when rankings are on")


class TaskBookSettingsSerializer(serializers.Serializer[Any]):
    rankings_enabled = serializers.BooleanField()


class TaskBookSettingsChangeSerializer(serializers.Serializer[Any]):
    rankings_enabled = serializers.BooleanField(required=False)


YEAR = OpenApiParameter("year", int, description="this year if absent")


class ProgressView(APIView):
    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(parameters=[YEAR], responses=TaskBookProgressSerializer, operation_id="group_task_books_progress")
    def get(self, request: Request) -> Response:
        """Per subsidiary: the book's status, scores, times and counts (not-received ones listed as such)."""
        return Response(
            TaskBookProgressSerializer(services.progress(services.parse_year(request.query_params.get("year")))).data
        )


class SettingsView(APIView):
    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(responses=TaskBookSettingsSerializer, operation_id="group_task_books_settings_retrieve")
    def get(self, request: Request) -> Response:
        return Response(TaskBookSettingsSerializer(services.settings_payload()).data)

    @extend_schema(
        request=TaskBookSettingsChangeSerializer,
        responses=TaskBookSettingsSerializer,
        operation_id="group_task_books_settings_update",
    )
    def patch(self, request: Request) -> Response:
        data = validated(TaskBookSettingsChangeSerializer, request.data)
        return Response(TaskBookSettingsSerializer(services.do_update_settings(actor=Actor.of(request), **data)).data)


class ExportView(APIView):
    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(
        parameters=[
            YEAR,
            OpenApiParameter(
                "layout", str, enum=["sheets", "long"], description="default sheets: a breakdown sheet per subsidiary"
            ),
        ],
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes},
        operation_id="group_task_books_export",
    )
    def get(self, request: Request) -> HttpResponse:
        """The progress sheet and each subsidiary's indicator breakdown (audited)."""
        year = services.parse_year(request.query_params.get("year"))
        content, filename = services.export(
            year, str(request.query_params.get("layout") or "sheets"), actor=Actor.of(request)
        )
        return xlsx_response(content, filename)


# ------------------------------------------------------------------------------ drill-down and review


class TenantBookView(APIView):
    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(responses=TaskBookDetailSerializer, operation_id="group_task_books_tenant_book")
    def get(self, request: Request, tenant_id: int, book_id: int) -> Response:
        """A subsidiary's top book with every indicator, value, score, figure and evidence (audited)."""
        return Response(
            TaskBookDetailSerializer(services.tenant_book(tenant_id, book_id, actor=Actor.of(request))).data
        )


class TenantBookReviewView(APIView):
    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(
        request=TaskBookReviewSerializer,
        responses=TaskBookDetailSerializer,
        operation_id="group_task_books_tenant_book_review",
    )
    def post(self, request: Request, tenant_id: int, book_id: int) -> Response:
        """Score the submitted book's indicators with comments (status reviewed)."""
        data = validated(TaskBookReviewSerializer, request.data)
        body = services.do_review(
            tenant_id, book_id, actor=Actor.of(request), items=data["indicators"], comment=data.get("comment")
        )
        return Response(TaskBookDetailSerializer(body).data)


class TenantBookReturnView(APIView):
    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(
        request=TaskBookReasonSerializer,
        responses=TaskBookDetailSerializer,
        operation_id="group_task_books_tenant_book_return",
    )
    def post(self, request: Request, tenant_id: int, book_id: int) -> Response:
        data = validated(TaskBookReasonSerializer, request.data)
        return Response(
            TaskBookDetailSerializer(
                services.do_return(tenant_id, book_id, actor=Actor.of(request), reason=data["reason"])
            ).data
        )


class TenantBookApproveView(APIView):
    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(
        request=TaskBookApproveSerializer,
        responses=TaskBookDetailSerializer,
        operation_id="group_task_books_tenant_book_approve",
    )
    def post(self, request: Request, tenant_id: int, book_id: int) -> Response:
        data = validated(TaskBookApproveSerializer, request.data)
        body = services.do_approve(tenant_id, book_id, actor=Actor.of(request), comment=data.get("comment"))
        return Response(TaskBookDetailSerializer(body).data)


class TenantBookReopenView(APIView):
    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(
        request=TaskBookReasonSerializer,
        responses=TaskBookDetailSerializer,
        operation_id="group_task_books_tenant_book_reopen",
    )
    def post(self, request: Request, tenant_id: int, book_id: int) -> Response:
        """Reopen an approved book (reason required; audited)."""
        data = validated(TaskBookReasonSerializer, request.data)
        return Response(
            TaskBookDetailSerializer(
                services.do_reopen(tenant_id, book_id, actor=Actor.of(request), reason=data["reason"])
            ).data
        )


urlpatterns: list[URLPattern] = [
    path("templates", TemplateListView.as_view(), name="group-task-book-templates"),
    path("templates/<int:template_id>", TemplateDetailView.as_view(), name="group-task-book-template"),
    path(
        "templates/<int:template_id>/indicators",
        TemplateIndicatorListView.as_view(),
        name="group-task-book-template-indicators",
    ),
    path(
        "templates/<int:template_id>/indicators/<int:indicator_id>",
        TemplateIndicatorDetailView.as_view(),
        name="group-task-book-template-indicator",
    ),
    path("templates/<int:template_id>/reorder", TemplateReorderView.as_view(), name="group-task-book-template-reorder"),
    path("templates/<int:template_id>/publish", TemplatePublishView.as_view(), name="group-task-book-template-publish"),
    path("progress", ProgressView.as_view(), name="group-task-book-progress"),
    path("settings", SettingsView.as_view(), name="group-task-book-settings"),
    path("export", ExportView.as_view(), name="group-task-book-export"),
    path("tenants/<int:tenant_id>/books/<int:book_id>", TenantBookView.as_view(), name="group-task-book-tenant-book"),
    path(
        "tenants/<int:tenant_id>/books/<int:book_id>/review",
        TenantBookReviewView.as_view(),
        name="group-task-book-tenant-book-review",
    ),
    path(
        "tenants/<int:tenant_id>/books/<int:book_id>/return",
        TenantBookReturnView.as_view(),
        name="group-task-book-tenant-book-return",
    ),
    path(
        "tenants/<int:tenant_id>/books/<int:book_id>/approve",
        TenantBookApproveView.as_view(),
        name="group-task-book-tenant-book-approve",
    ),
    path(
        "tenants/<int:tenant_id>/books/<int:book_id>/reopen",
        TenantBookReopenView.as_view(),
        name="group-task-book-tenant-book-reopen",
    ),
]
