"""The viewer's side on a tenant host: the lessons a signed-in person of this tenant may watch
(the tenant's and the group's), one lesson's page, and its calendar entry.

Anonymous callers get 401; a user with neither a role nor a member record here 403 on the list
and 404 on a lesson; a lesson outside the viewer's audience is 404 (as if it did not exist).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import on_tenant_host
from partycloud.core.errors import NotAllowed
from partycloud.tenancy.context import active_tenant
from partycloud.tenancy.models import PartyCommittee
from tenants.live.api import MaterialSerializer
from tenants.live.audience import (
    LessonRef,
    LessonScope,
    Viewer,
    can_host,
    viewable_lessons,
    viewer_of,
    watched_lesson,
)
from tenants.live.calendar import lesson_calendar
from tenants.live.errors import LiveCode
from tenants.live.materials import cover_url, materials_of
from tenants.live.models import Lesson, LessonStatus
from tenants.live.playback import playback_for, replay_for

WHEN = {
    "upcoming": (LessonStatus.SCHEDULED,),
    "live": (LessonStatus.LIVE,),
    "past": (LessonStatus.ENDED,),
}


class CanWatch(BasePermission):
    """Signed in, on a tenant host; whether they are a viewer here is the view's question."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and on_tenant_host())


def viewer_for(request: Request) -> Viewer | None:
    """The caller as a viewer of this tenant (worked out once per request)."""
    http: Any = getattr(request, "_request", request)
    if not hasattr(http, "_live_viewer"):
        http._live_viewer = viewer_of(Actor.of(request))
    viewer: Viewer | None = http._live_viewer
    return viewer


class Labels:
    """Names a card shows, read once per request: the group root's and the subsidiaries'."""

    def __init__(self) -> None:
        self.tenant = active_tenant()
        rows = PartyCommittee.objects.values_list("pk", "schema_name", "short_name", "name")
        self.tenants = {pk: short or name for pk, _schema, short, name in rows}
        self.group = next((short or name for _pk, schema, short, name in rows if schema == "public"), "")

    def organizer_unit(self, ref: LessonRef, lesson: Lesson) -> str:
        if ref.scope is LessonScope.GROUP:
            return self.group
        if lesson.organization is not None:
            return lesson.organization.name
        return self.tenant.short_name or self.tenant.name

    def audience(self, ref: LessonRef, lesson: Lesson) -> str:
        if ref.scope is LessonScope.GROUP:
            if not lesson.audience_tenants:
                return _("All subsidiaries")
            return "、".join(self.tenants.get(pk, "") for pk in lesson.audience_tenants)
        if lesson.organization is not None:
            return lesson.organization.name
        return _("All of %(unit)s") % {"unit": self.tenant.short_name or self.tenant.name}


def card(ref: LessonRef, lesson: Lesson, labels: Labels) -> dict[str, Any]:
    ended = lesson.status == LessonStatus.ENDED
    return {
        "scope": ref.scope.value, "id": lesson.pk, "title": lesson.title, "lecturer": lesson.lecturer,
        "description": lesson.description, "cover_url": cover_url(lesson), "starts_at": lesson.starts_at,
        "planned_end_at": lesson.planned_end_at, "status": lesson.status, "went_live_at": lesson.went_live_at,
        "ended_at": lesson.ended_at, "organizer_unit": labels.organizer_unit(ref, lesson),
        "audience_label": labels.audience(ref, lesson), "counts_as_party_lesson": lesson.counts_as_party_lesson,
        # Only an ended lesson has a replay: the others cost no look-up.
        "has_replay": ended and replay_for(ref, lesson) is not None,
    }  # fmt: skip


class LessonCardSerializer(serializers.Serializer[Any]):
    scope = serializers.ChoiceField(choices=[s.value for s in LessonScope])
    id = serializers.IntegerField()
    title = serializers.CharField()
    lecturer = serializers.CharField()
    description = serializers.CharField()
    cover_url = serializers.CharField(allow_null=True)
    starts_at = serializers.DateTimeField()
    planned_end_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=LessonStatus.choices)
    went_live_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    organizer_unit = serializers.CharField()
    audience_label = serializers.CharField()
    counts_as_party_lesson = serializers.BooleanField()
    has_replay = serializers.BooleanField()


class PlaybackSerializer(serializers.Serializer[Any]):
    url = serializers.CharField(help_text="the signed HLS playlist")
    expires_at = serializers.DateTimeField()


class ReplaySerializer(serializers.Serializer[Any]):
    video_uuid = serializers.UUIDField()
    status = serializers.CharField()


class WatchLessonSerializer(LessonCardSerializer):
    materials = MaterialSerializer(many=True)
    can_host = serializers.BooleanField()
    chat_url = serializers.CharField(help_text="the chat WebSocket's path")
    calendar_url = serializers.CharField()
    playback = PlaybackSerializer(allow_null=True, help_text="while live only")
    replay = ReplaySerializer(allow_null=True)
    media_server_configured = serializers.BooleanField()


class WatchListView(generics.GenericAPIView[Any]):
    """The lessons you may watch here (this tenant's and the group's): ``?when=upcoming`` (scheduled,
    soonest first, the default), ``live``, or ``past`` (ended, newest first); ``?scope=tenant`` or
    ``group`` keeps one kind."""

    permission_classes = [CanWatch]
    serializer_class = LessonCardSerializer
    queryset = Lesson.objects.none()  # the lessons come from two schemas: see viewable_lessons

    @extend_schema(
        parameters=[
            OpenApiParameter("when", str, enum=list(WHEN), description="default: upcoming"),
            OpenApiParameter("scope", str, enum=[kind.value for kind in LessonScope], description="default: both"),
        ],
        responses=LessonCardSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        viewer = viewer_for(request)
        if viewer is None:
            raise NotAllowed(LiveCode.NOT_A_VIEWER, _("Only people of this party committee watch its lessons."))
        when = str(request.query_params.get("when") or "upcoming")
        if when not in WHEN:
            raise serializers.ValidationError({"when": _("Choose upcoming, live or past.")})
        scope = request.query_params.get("scope") or None
        if scope is not None and scope not in LessonScope.__members__.values():
            raise serializers.ValidationError({"scope": _("Choose tenant or group.")})
        pairs = viewable_lessons(viewer, WHEN[when], LessonScope(scope) if scope else None)
        if when == "past":
            pairs.sort(key=lambda pair: (pair[1].ended_at or pair[1].starts_at, pair[1].pk), reverse=True)
        else:
            pairs.sort(key=lambda pair: (pair[1].starts_at, pair[1].pk))
        page = self.paginate_queryset(pairs)
        assert page is not None  # always paginated
        labels = Labels()
        rows = [card(ref, lesson, labels) for ref, lesson in page]
        return self.get_paginated_response(LessonCardSerializer(rows, many=True).data)


def _watched(request: Request, scope: str, lesson_id: int) -> tuple[LessonRef, Lesson, Viewer]:
    return watched_lesson(Actor.of(request), scope, lesson_id)


def watch_path(ref: LessonRef) -> str:
    return f"/api/v1/live/watch/{ref.scope.value}/{ref.lesson_id}"


class WatchLessonView(generics.GenericAPIView[Any]):
    """One lesson's page: the card, its materials, whether you host it, the chat socket, the
    calendar entry, and what to play (the signed live stream while live, the replay once published)."""

    permission_classes = [CanWatch]
    serializer_class = WatchLessonSerializer

    def get(self, request: Request, scope: str, lesson_id: int) -> Response:
        ref, lesson, viewer = _watched(request, scope, lesson_id)
        body = card(ref, lesson, Labels())
        body.update(
            materials=materials_of(lesson),
            can_host=can_host(ref, lesson, viewer),
            chat_url=f"/ws/live/{ref.scope.value}/{ref.lesson_id}",
            calendar_url=f"{watch_path(ref)}/calendar.ics",
            playback=playback_for(ref, lesson, timezone.now()) if lesson.status == LessonStatus.LIVE else None,
            replay=replay_for(ref, lesson),
            media_server_configured=bool(settings.LIVE_RTMP_URL),
        )
        body["has_replay"] = body["replay"] is not None
        return Response(WatchLessonSerializer(body).data)


class WatchCalendarView(generics.GenericAPIView[Any]):
    """The lesson as an iCalendar file (``text/calendar``) to add to a calendar app."""

    permission_classes = [CanWatch]

    @extend_schema(responses={(200, "text/calendar"): OpenApiResponse(OpenApiTypes.STR)})
    def get(self, request: Request, scope: str, lesson_id: int) -> HttpResponse:
        ref, lesson, _viewer = _watched(request, scope, lesson_id)
        page = f"{active_tenant().url}/live/{ref.scope.value}/{ref.lesson_id}"
        text = lesson_calendar(ref, lesson, url=page, domain=settings.BASE_DOMAIN, now=timezone.now())
        response = HttpResponse(text.encode(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="lesson-{ref.scope.value}-{ref.lesson_id}.ics"'
        return response
