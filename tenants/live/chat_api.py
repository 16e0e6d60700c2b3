"""The chat's REST side: older events for scrolling back, the whole chat as a workbook for the
organizers, and the sensitive-word lists. ``chat_urlpatterns`` are mounted under
``/api/v1/live/`` on a tenant host, ``group_chat_urlpatterns`` under ``/api/v1/group/live/`` on
the root host (group lessons, the group's word list)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import (
    IsGroupAdmin,
    IsGroupAdminOrViewerReadOnly,
    IsTenantAdmin,
    on_root_host,
)
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import NotFoundError
from partycloud.core.spreadsheets import workbook_bytes, xlsx_response
from partycloud.tenancy.context import active_schema
from tenants.live.api import CanOrganizeLessons
from tenants.live.audience import PUBLIC, LessonRef, LessonScope, viewer_of
from tenants.live.chat import find_chat_lesson, history_page
from tenants.live.errors import LiveCode
from tenants.live.models import ChatEvent, ChatEventKind, Lesson, SensitiveWord
from tenants.live.moderation import do_add_sensitive_word, do_delete_sensitive_word
from tenants.live.services import visible_lessons

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _not_found() -> NotFoundError:
    return NotFoundError(LiveCode.LESSON_NOT_FOUND, _("No such lesson, or it is not for you."))


def _before(request: Request) -> int | None:
    value = request.query_params.get("before", "")
    return int(value) if value.isdigit() else None


class ChatPageSerializer(serializers.Serializer[Any]):
    events = serializers.ListField(
        child=serializers.DictField(), help_text="messages and questions, oldest first (WebSocket event form)"
    )
    has_more = serializers.BooleanField()


BEFORE = OpenApiParameter("before", int, description="event id: the page ends before it")


class IsAuthenticatedViewer(BasePermission):
    """Signed in on a tenant host (a member record without a role watches too; the view decides)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and not on_root_host())


class ChatHistoryView(generics.GenericAPIView[Lesson]):
    """Older messages and questions of a lesson's chat (50, before ``?before=``), for the viewers
    of the lesson; removed ones are left out."""

    permission_classes = [IsAuthenticatedViewer]
    serializer_class = ChatPageSerializer

    @extend_schema(parameters=[BEFORE], responses=ChatPageSerializer)
    def get(self, request: Request, scope: str, pk: int) -> Response:
        if scope not in {LessonScope.TENANT.value, LessonScope.GROUP.value}:
            raise _not_found()
        viewer = viewer_of(Actor.of(request))
        if viewer is None:
            raise _not_found()
        ref = LessonRef.of(scope, pk)
        find_chat_lesson(ref, viewer)
        return Response(history_page(ref, _before(request)))


class GroupChatHistoryView(generics.GenericAPIView[Lesson]):
    """Older messages and questions of a group lesson's chat, for group admins and viewers."""

    permission_classes = [IsGroupAdminOrViewerReadOnly]
    serializer_class = ChatPageSerializer

    @extend_schema(parameters=[BEFORE], responses=ChatPageSerializer)
    def get(self, request: Request, pk: int) -> Response:
        if not Lesson.objects.filter(pk=pk).exists():
            raise _not_found()
        return Response(history_page(LessonRef(LessonScope.GROUP, pk, PUBLIC), _before(request)))


def _kind_labels() -> dict[str, str]:
    return {str(kind.value): str(kind.label) for kind in ChatEventKind}


def chat_workbook(lesson: Lesson) -> tuple[bytes, int]:
    """Every event of the lesson's chat (the active schema is the lesson's) as a workbook."""
    labels = _kind_labels()
    yes, no = _("yes"), _("no")
    rows = []
    for event in ChatEvent.objects.filter(lesson=lesson).order_by("event_id").iterator(chunk_size=2000):
        payload = event.payload
        sender = payload.get("sender") or {}
        text = event.text or payload.get("text", "")
        if event.kind in {ChatEventKind.ANSWERED, ChatEventKind.UPVOTES}:
            text = f"#{payload.get('question_id')}"
        elif event.kind == ChatEventKind.REMOVED:
            text = f"#{payload.get('event_id')}"
        elif event.kind in {ChatEventKind.MUTED, ChatEventKind.UNMUTED}:
            text = (payload.get("user") or {}).get("display", "")
        elif event.kind == ChatEventKind.SLOW_MODE:
            text = str(payload.get("seconds", ""))
        elif event.kind == ChatEventKind.STATUS:
            text = str(payload.get("status", ""))
        question = event.kind == ChatEventKind.QUESTION
        rows.append(
            [
                event.event_id,
                timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
                sender.get("unit", ""),
                sender.get("name", ""),
                labels.get(event.kind, event.kind),
                text,
                yes if event.removed else no,
                (yes if payload.get("answered") else no) if question else "",
                payload.get("upvotes", 0) if question else "",
            ]
        )
    headers = [
        _("No."),
        _("time"),
        _("unit"),
        _("full name"),
        _("kind"),
        _("text"),
        _("removed"),
        _("answered"),
        _("upvotes"),
    ]
    return workbook_bytes(_("chat"), headers, rows), len(rows)


def _export(request: Request, lesson: Lesson) -> HttpResponse:
    content, count = chat_workbook(lesson)
    do_record_audit(event="live.chat.export", actor=Actor.of(request), target=lesson, details={"count": count})
    return xlsx_response(content, f"{_('chat')}-{lesson.title}.xlsx")


class ChatExportView(generics.GenericAPIView[Lesson]):
    """The whole chat of a lesson as a workbook (organizers); audited."""

    permission_classes = [CanOrganizeLessons]

    @extend_schema(responses={(200, XLSX): bytes})
    def get(self, request: Request, pk: int) -> HttpResponse:
        lesson = visible_lessons(Actor.of(request)).filter(pk=pk).first()
        if lesson is None:
            raise _not_found()
        return _export(request, lesson)


class GroupChatExportView(generics.GenericAPIView[Lesson]):
    """The whole chat of a group lesson as a workbook (group admins); audited."""

    permission_classes = [IsGroupAdmin]

    @extend_schema(responses={(200, XLSX): bytes})
    def get(self, request: Request, pk: int) -> HttpResponse:
        lesson = Lesson.objects.filter(pk=pk).first()
        if lesson is None:
            raise _not_found()
        return _export(request, lesson)


class SensitiveWordSerializer(serializers.ModelSerializer[SensitiveWord]):
    word = serializers.CharField(max_length=50, allow_blank=True)

    class Meta:
        model = SensitiveWord
        fields = ["id", "word", "created_at"]
        read_only_fields = ["created_at"]


class SensitiveWordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[SensitiveWord],
):
    """The words the chat refuses: a tenant admin edits the tenant's list (its lessons and its
    members' messages in group lessons), a group admin the group's (group lessons). Changes reach
    every server process within 30 seconds."""

    serializer_class = SensitiveWordSerializer
    queryset = SensitiveWord.objects.all()

    def get_permissions(self) -> list[BasePermission]:
        return [IsGroupAdminOrViewerReadOnly()] if on_root_host() else [IsTenantAdmin()]

    def perform_create(self, serializer: SensitiveWordSerializer) -> None:  # type: ignore[override]
        serializer.instance = do_add_sensitive_word(
            serializer.validated_data["word"], actor=Actor.of(self.request), schema=active_schema()
        )

    def perform_destroy(self, instance: SensitiveWord) -> None:
        do_delete_sensitive_word(instance, actor=Actor.of(self.request), schema=active_schema())


_words = SensitiveWordViewSet.as_view({"get": "list", "post": "create"})
_word = SensitiveWordViewSet.as_view({"get": "retrieve", "delete": "destroy"})

# Tenant host, under /api/v1/live/
chat_urlpatterns = [
    path("watch/<str:scope>/<int:pk>/chat", ChatHistoryView.as_view(), name="live-chat-history"),
    path("lessons/<int:pk>/chat.xlsx", ChatExportView.as_view(), name="live-chat-export"),
    path("sensitive-words", _words, name="live-sensitive-words"),
    path("sensitive-words/<int:pk>", _word, name="live-sensitive-word"),
]

# Root host, under /api/v1/group/live/
group_chat_urlpatterns = [
    path("lessons/<int:pk>/chat", GroupChatHistoryView.as_view(), name="group-live-chat-history"),
    path("lessons/<int:pk>/chat.xlsx", GroupChatExportView.as_view(), name="group-live-chat-export"),
    path("sensitive-words", _words, name="group-live-sensitive-words"),
    path("sensitive-words/<int:pk>", _word, name="group-live-sensitive-word"),
]
