"""Renewing a viewer's signed HLS URL (tenant host): ``POST /api/v1/live/watch/{scope}/{id}/playback``."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.core.errors import Conflict, NotFoundError
from tenants.live.audience import LessonRef, LessonScope, find_viewable, viewer_of
from tenants.live.errors import LiveCode
from tenants.live.playback import playback_for

SCOPES = frozenset(scope.value for scope in LessonScope)


class PlaybackSerializer(serializers.Serializer[Any]):
    url = serializers.CharField(help_text="the signed HLS playlist URL")
    expires_at = serializers.DateTimeField(help_text="renew before this")


def _not_found() -> NotFoundError:
    return NotFoundError(LiveCode.LESSON_NOT_FOUND, _("No such lesson, or it is not for you."))


class PlaybackView(APIView):
    """A fresh signed playback URL for a live lesson the caller may watch (409 live.not_live
    when it is not live or no media server is configured; 404 outside the audience)."""

    @extend_schema(
        request=None,
        responses={200: PlaybackSerializer},
        parameters=[OpenApiParameter("scope", str, OpenApiParameter.PATH, enum=[s.value for s in LessonScope])],
        operation_id="live_watch_playback_renew",
    )
    def post(self, request: Request, scope: str, lesson_id: int) -> Response:
        viewer = viewer_of(Actor.of(request))
        if viewer is None or scope not in SCOPES:
            raise _not_found()
        ref = LessonRef.of(scope, lesson_id)
        lesson = find_viewable(ref, viewer)
        playback = playback_for(ref, lesson, timezone.now())
        if playback is None:
            raise Conflict(LiveCode.NOT_LIVE, _("The lesson is not live."))
        return Response(PlaybackSerializer(playback).data)


urlpatterns = [
    path("watch/<str:scope>/<int:lesson_id>/playback", PlaybackView.as_view(), name="live-watch-playback"),
]
