"""Task books (工作任务书) on the tenant host, under ``/api/v1/assessment/task-books/``
(docs/assessment.md "Task books"): the books in the caller's scope, a book with its indicators,
evidence and platform figures; the cascade to a child organization (draft, indicators, issue);
evidence (notes, files uploaded directly with purpose ``assessment_evidence``); the unit's
self-assessment and submission; the review by the level above (scores and comments, return,
approve, reopen). Thin: parse, call ``tenants.assessment.taskbooks``, render."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import HasTenantRole
from partycloud.core.api import PagePagination, validated
from tenants.assessment import taskbooks
from tenants.assessment.models import EvidenceSource, IndicatorOrigin, ScoringRule, TaskBookStatus

# ------------------------------------------------------------------------------ shapes (shared with the group)


class TaskBookLevelSerializer(serializers.Serializer[Any]):
    label = serializers.CharField(max_length=40)  # type: ignore[assignment]  # a field named like Field.label
    fraction = serializers.DecimalField(max_digits=4, decimal_places=3, min_value=0, max_value=1)


class TaskBookValueSerializer(serializers.Serializer[Any]):
    """A value by the indicator's rule: binary ``{"done": true}``, graded ``{"level": 0}`` (index
    into ``levels``, best first), count ``{"count": 12}``."""

    done = serializers.BooleanField(required=False)
    level = serializers.IntegerField(required=False, min_value=0)
    count = serializers.IntegerField(required=False, min_value=0)


class TaskBookFigureSerializer(serializers.Serializer[Any]):
    """A platform figure (automatic evidence) for the book's organization subtree over its year."""

    value = serializers.DecimalField(max_digits=6, decimal_places=4, help_text="0–1")
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    detail = serializers.DictField()
    measured_at = serializers.DateTimeField(required=False, help_text="frozen figures: when the unit submitted")


class TaskBookWarningSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    message = serializers.CharField()


class TaskBookEvidenceSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    indicator_id = serializers.IntegerField()
    note = serializers.CharField(allow_blank=True)
    filename = serializers.CharField(allow_blank=True)
    content_type = serializers.CharField(allow_blank=True)
    size = serializers.IntegerField()
    url = serializers.CharField(allow_null=True, help_text="a signed download URL (files); null for notes")
    created_by_name = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    can_delete = serializers.BooleanField()


class TaskBookIndicatorSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    origin = serializers.ChoiceField(choices=IndicatorOrigin.choices)
    source_indicator_id = serializers.IntegerField(allow_null=True)
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
    self_value = TaskBookValueSerializer(allow_null=True)
    self_note = serializers.CharField(allow_blank=True)
    self_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    review_value = TaskBookValueSerializer(allow_null=True)
    review_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    review_comment = serializers.CharField(allow_blank=True)
    measured = TaskBookFigureSerializer(allow_null=True, help_text="the platform figure frozen at submission")
    figure = TaskBookFigureSerializer(allow_null=True, help_text="the platform figure now (automatic sources; live)")
    evidence = TaskBookEvidenceSerializer(many=True)


class TaskBookEventSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    action = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    actor_name = serializers.CharField(allow_blank=True)
    at = serializers.DateTimeField()


class TaskBookPermissionsSerializer(serializers.Serializer[Any]):
    """What the caller may do with the book now (the UI shows its buttons from these)."""

    edit = serializers.BooleanField(help_text="draft: change indicators, issue, delete")
    fill = serializers.BooleanField(help_text="issued/returned: evidence, self-assessment, submit")
    review = serializers.BooleanField(help_text="submitted/reviewed: scores, return, approve")
    reopen = serializers.BooleanField(help_text="approved: reopen with a reason")
    cascade = serializers.BooleanField(help_text="create child books for child organizations")


class TaskBookRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    title = serializers.CharField()
    organization_id = serializers.IntegerField()
    organization_name = serializers.CharField()
    parent_id = serializers.IntegerField(allow_null=True)
    template_id = serializers.IntegerField(allow_null=True)
    template_version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=TaskBookStatus.choices)
    indicator_limit = serializers.IntegerField()
    indicator_count = serializers.IntegerField()
    evidence_count = serializers.IntegerField()
    self_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    review_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    final_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    issued_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)


class TaskBookDetailSerializer(TaskBookRowSerializer):
    review_comment = serializers.CharField(allow_blank=True)
    weight_total = serializers.DecimalField(max_digits=7, decimal_places=2)
    warnings = TaskBookWarningSerializer(many=True, help_text="e.g. more indicators than the limit (not an error)")
    indicators = TaskBookIndicatorSerializer(many=True)
    events = TaskBookEventSerializer(many=True)
    children = TaskBookRowSerializer(many=True, help_text="books cascaded from this one")
    permissions = TaskBookPermissionsSerializer()


# ------------------------------------------------------------------------------ requests


class TaskBookCascadeSerializer(serializers.Serializer[Any]):
    organization = serializers.IntegerField(help_text="a child organization of the book's organization")
    title = serializers.CharField(max_length=200, required=False, help_text="default: the parent's title")


class TaskBookChangeSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200, required=False)


class TaskBookIndicatorChangeSerializer(serializers.Serializer[Any]):
    """On a draft cascade: every indicator's weight, levels, target and deadline; the unit's own
    (local) indicators also their area, title, description, rule and evidence."""

    area = serializers.CharField(max_length=50, required=False)
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    scoring = serializers.ChoiceField(choices=ScoringRule.choices, required=False)
    levels = TaskBookLevelSerializer(many=True, required=False)
    target = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    evidence_required = serializers.CharField(max_length=300, required=False, allow_blank=True)
    evidence_source = serializers.ChoiceField(choices=EvidenceSource.choices, required=False)
    deadline = serializers.DateField(required=False, allow_null=True)


class TaskBookIndicatorCreateSerializer(TaskBookIndicatorChangeSerializer):
    area = serializers.CharField(max_length=50)
    title = serializers.CharField(max_length=200)
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)


class TaskBookEvidenceCreateSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    upload = serializers.UUIDField(
        required=False, allow_null=True, help_text="a verified upload of purpose assessment_evidence"
    )


class TaskBookSelfItemSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="the indicator")
    value = TaskBookValueSerializer(allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TaskBookSelfAssessmentSerializer(serializers.Serializer[Any]):
    indicators = TaskBookSelfItemSerializer(many=True)


class TaskBookReviewItemSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="the indicator")
    value = TaskBookValueSerializer(allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class TaskBookReviewSerializer(serializers.Serializer[Any]):
    """The reviewer's scores (indicators not listed keep theirs) and the book's comment."""

    indicators = TaskBookReviewItemSerializer(many=True)
    comment = serializers.CharField(required=False, allow_blank=True)


class TaskBookReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True, help_text="required: blank answers taskbooks.reason_required")


class TaskBookApproveSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(required=False, allow_blank=True)


# ------------------------------------------------------------------------------ views


class CanUseTaskBooks(HasTenantRole):
    """Tenant admins, secretaries and committee members, in their subtree; the discipline inspector reads."""

    roles = taskbooks.MANAGERS
    read_roles = taskbooks.READERS


def _detail(request: Request, book: Any) -> Response:
    return Response(TaskBookDetailSerializer(taskbooks.book_payload(book, Actor.of(request))).data)


YEAR = OpenApiParameter("year", int, description="all years if absent")


class BookListView(APIView):
    """The books of the caller's scope (tenant admin: all; secretaries and committee members:
    their subtree), newest year first."""

    permission_classes = [CanUseTaskBooks]
    pagination_class = PagePagination  # so the schema describes the paginated envelope

    @extend_schema(
        parameters=[
            YEAR,
            OpenApiParameter("status", str, enum=TaskBookStatus.values),
            OpenApiParameter("organization", int, description="this organization's subtree"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=TaskBookRowSerializer(many=True),
        operation_id="assessment_task_books_list",
    )
    def get(self, request: Request) -> Response:
        books = taskbooks.list_books(
            Actor.of(request),
            year=request.query_params.get("year"),
            status=request.query_params.get("status"),
            organization=request.query_params.get("organization"),
        )
        paginator = PagePagination()
        page = paginator.paginate_queryset(books, request, view=self)
        return paginator.get_paginated_response(TaskBookRowSerializer(taskbooks.book_rows(page or []), many=True).data)


class BookDetailView(APIView):
    permission_classes = [CanUseTaskBooks]

    @extend_schema(responses=TaskBookDetailSerializer, operation_id="assessment_task_books_retrieve")
    def get(self, request: Request, book_id: int) -> Response:
        """A book with its indicators, evidence, live and frozen platform figures, history and children."""
        return _detail(request, taskbooks.book_for(Actor.of(request), book_id))

    @extend_schema(
        request=TaskBookChangeSerializer,
        responses=TaskBookDetailSerializer,
        operation_id="assessment_task_books_update",
    )
    def patch(self, request: Request, book_id: int) -> Response:
        """Change a draft cascade's title."""
        actor = Actor.of(request)
        data = validated(TaskBookChangeSerializer, request.data)
        return _detail(request, taskbooks.do_update_draft(taskbooks.book_for(actor, book_id), actor=actor, **data))

    @extend_schema(responses={204: None}, operation_id="assessment_task_books_destroy")
    def delete(self, request: Request, book_id: int) -> Response:
        """Delete a draft cascade."""
        actor = Actor.of(request)
        taskbooks.do_delete_draft(taskbooks.book_for(actor, book_id), actor=actor)
        return Response(status=204)


class CascadeView(APIView):
    permission_classes = [CanUseTaskBooks]

    @extend_schema(
        request=TaskBookCascadeSerializer,
        responses={201: TaskBookDetailSerializer},
        operation_id="assessment_task_books_cascade",
    )
    def post(self, request: Request, book_id: int) -> Response:
        """From a book the caller's organization holds, a draft book for a child organization
        (the indicators copied; adapt them, add the unit's own, then issue)."""
        actor = Actor.of(request)
        data = validated(TaskBookCascadeSerializer, request.data)
        child = taskbooks.do_cascade(
            taskbooks.book_for(actor, book_id),
            actor=actor,
            organization_id=data["organization"],
            title=data.get("title") or "",
        )
        return Response(TaskBookDetailSerializer(taskbooks.book_payload(child, actor)).data, status=201)


class IndicatorListView(APIView):
    permission_classes = [CanUseTaskBooks]

    @extend_schema(
        request=TaskBookIndicatorCreateSerializer,
        responses={201: TaskBookDetailSerializer},
        operation_id="assessment_task_books_indicators_create",
    )
    def post(self, request: Request, book_id: int) -> Response:
        """Add the unit's own indicator to a draft cascade."""
        actor = Actor.of(request)
        data = validated(TaskBookIndicatorCreateSerializer, request.data)
        book = taskbooks.book_for(actor, book_id)
        taskbooks.do_add_indicator(book, actor=actor, **data)
        return Response(TaskBookDetailSerializer(taskbooks.book_payload(book, actor)).data, status=201)


class IndicatorDetailView(APIView):
    permission_classes = [CanUseTaskBooks]

    @extend_schema(
        request=TaskBookIndicatorChangeSerializer,
        responses=TaskBookDetailSerializer,
        operation_id="assessment_task_books_indicators_update",
    )
    def patch(self, request: Request, book_id: int, indicator_id: int) -> Response:
        actor = Actor.of(request)
        data = validated(TaskBookIndicatorChangeSerializer, request.data)
        book = taskbooks.book_for(actor, book_id)
        taskbooks.do_update_indicator(taskbooks.indicator_for(book, indicator_id), actor=actor, **data)
        return _detail(request, book)

    @extend_schema(responses=TaskBookDetailSerializer, operation_id="assessment_task_books_indicators_destroy")
    def delete(self, request: Request, book_id: int, indicator_id: int) -> Response:
        """Remove an indicator from a draft cascade."""
        actor = Actor.of(request)
        book = taskbooks.book_for(actor, book_id)
        taskbooks.do_delete_indicator(taskbooks.indicator_for(book, indicator_id), actor=actor)
        return _detail(request, book)


class EvidenceListView(APIView):
    permission_classes = [CanUseTaskBooks]

    @extend_schema(
        request=TaskBookEvidenceCreateSerializer,
        responses={201: TaskBookEvidenceSerializer},
        operation_id="assessment_task_books_evidence_create",
    )
    def post(self, request: Request, book_id: int, indicator_id: int) -> Response:
        """Attach a note or a file (uploaded directly, purpose ``assessment_evidence``) while the
        book is issued or returned."""
        actor = Actor.of(request)
        data = validated(TaskBookEvidenceCreateSerializer, request.data)
        book = taskbooks.book_for(actor, book_id)
        evidence = taskbooks.do_add_evidence(
            taskbooks.indicator_for(book, indicator_id),
            actor=actor,
            note=data.get("note") or "",
            upload_id=data.get("upload"),
        )
        return Response(
            TaskBookEvidenceSerializer(taskbooks.evidence_row(evidence, actor, fillable=True)).data, status=201
        )


class EvidenceDetailView(APIView):
    permission_classes = [CanUseTaskBooks]

    @extend_schema(responses={204: None}, operation_id="assessment_task_books_evidence_destroy")
    def delete(self, request: Request, book_id: int, evidence_id: int) -> Response:
        """Delete evidence one added, before submission."""
        actor = Actor.of(request)
        book = taskbooks.book_for(actor, book_id)
        taskbooks.do_delete_evidence(taskbooks.evidence_for(book, evidence_id), actor=actor)
        return Response(status=204)


class BookActionView(APIView):
    permission_classes = [CanUseTaskBooks]
    action = ""


class IssueView(BookActionView):
    @extend_schema(request=None, responses=TaskBookDetailSerializer, operation_id="assessment_task_books_issue")
    def post(self, request: Request, book_id: int) -> Response:
        """Issue a draft cascade to its organization (weights must sum to 100; above the limit a warning)."""
        actor = Actor.of(request)
        return _detail(request, taskbooks.do_issue(taskbooks.book_for(actor, book_id), actor=actor))


class SelfAssessmentView(BookActionView):
    @extend_schema(
        request=TaskBookSelfAssessmentSerializer,
        responses=TaskBookDetailSerializer,
        operation_id="assessment_task_books_self_assess",
    )
    def post(self, request: Request, book_id: int) -> Response:
        """Save the unit's values and notes (indicators not listed keep theirs); the self score follows."""
        actor = Actor.of(request)
        data = validated(TaskBookSelfAssessmentSerializer, request.data)
        return _detail(
            request, taskbooks.do_self_assess(taskbooks.book_for(actor, book_id), actor=actor, items=data["indicators"])
        )


class SubmitView(BookActionView):
    @extend_schema(request=None, responses=TaskBookDetailSerializer, operation_id="assessment_task_books_submit")
    def post(self, request: Request, book_id: int) -> Response:
        """Submit for review: the platform figures are frozen into ``measured``."""
        actor = Actor.of(request)
        return _detail(request, taskbooks.do_submit(taskbooks.book_for(actor, book_id), actor=actor))


class ReviewView(BookActionView):
    @extend_schema(
        request=TaskBookReviewSerializer,
        responses=TaskBookDetailSerializer,
        operation_id="assessment_task_books_review",
    )
    def post(self, request: Request, book_id: int) -> Response:
        """The level above scores indicators and comments (status reviewed)."""
        actor = Actor.of(request)
        data = validated(TaskBookReviewSerializer, request.data)
        book = taskbooks.book_for(actor, book_id)
        return _detail(
            request,
            taskbooks.do_review(
                book, reviewer=taskbooks.Reviewer.of(actor), items=data["indicators"], comment=data.get("comment")
            ),
        )


class ReturnView(BookActionView):
    @extend_schema(
        request=TaskBookReasonSerializer,
        responses=TaskBookDetailSerializer,
        operation_id="assessment_task_books_return",
    )
    def post(self, request: Request, book_id: int) -> Response:
        """Return the book to its unit for changes (a reason is required)."""
        actor = Actor.of(request)
        data = validated(TaskBookReasonSerializer, request.data)
        book = taskbooks.book_for(actor, book_id)
        return _detail(request, taskbooks.do_return(book, reviewer=taskbooks.Reviewer.of(actor), reason=data["reason"]))


class ApproveView(BookActionView):
    @extend_schema(
        request=TaskBookApproveSerializer,
        responses=TaskBookDetailSerializer,
        operation_id="assessment_task_books_approve",
    )
    def post(self, request: Request, book_id: int) -> Response:
        """Approve a reviewed book: the final score is the review score; the book is locked."""
        actor = Actor.of(request)
        data = validated(TaskBookApproveSerializer, request.data)
        book = taskbooks.book_for(actor, book_id)
        return _detail(
            request, taskbooks.do_approve(book, reviewer=taskbooks.Reviewer.of(actor), comment=data.get("comment"))
        )


class ReopenView(BookActionView):
    @extend_schema(
        request=TaskBookReasonSerializer,
        responses=TaskBookDetailSerializer,
        operation_id="assessment_task_books_reopen",
    )
    def post(self, request: Request, book_id: int) -> Response:
        """Reopen an approved book (back to reviewed; a reason is required; audited)."""
        actor = Actor.of(request)
        data = validated(TaskBookReasonSerializer, request.data)
        book = taskbooks.book_for(actor, book_id)
        return _detail(request, taskbooks.do_reopen(book, reviewer=taskbooks.Reviewer.of(actor), reason=data["reason"]))


urlpatterns: list[URLPattern] = [
    path("task-books", BookListView.as_view(), name="assessment-task-books"),
    path("task-books/<int:book_id>", BookDetailView.as_view(), name="assessment-task-book"),
    path("task-books/<int:book_id>/cascade", CascadeView.as_view(), name="assessment-task-book-cascade"),
    path("task-books/<int:book_id>/indicators", IndicatorListView.as_view(), name="assessment-task-book-indicators"),
    path(
        "task-books/<int:book_id>/indicators/<int:indicator_id>",
        IndicatorDetailView.as_view(),
        name="assessment-task-book-indicator",
    ),
    path(
        "task-books/<int:book_id>/indicators/<int:indicator_id>/evidence",
        EvidenceListView.as_view(),
        name="assessment-task-book-evidence",
    ),
    path(
        "task-books/<int:book_id>/evidence/<int:evidence_id>",
        EvidenceDetailView.as_view(),
        name="assessment-task-book-evidence-item",
    ),
    path("task-books/<int:book_id>/issue", IssueView.as_view(), name="assessment-task-book-issue"),
    path("task-books/<int:book_id>/self-assessment", SelfAssessmentView.as_view(), name="assessment-task-book-self"),
    path("task-books/<int:book_id>/submit", SubmitView.as_view(), name="assessment-task-book-submit"),
    path("task-books/<int:book_id>/review", ReviewView.as_view(), name="assessment-task-book-review"),
    path("task-books/<int:book_id>/return", ReturnView.as_view(), name="assessment-task-book-return"),
    path("task-books/<int:book_id>/approve", ApproveView.as_view(), name="assessment-task-book-approve"),
    path("task-books/<int:book_id>/reopen", ReopenView.as_view(), name="assessment-task-book-reopen"),
]
