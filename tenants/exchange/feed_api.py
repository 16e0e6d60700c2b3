"""``GET /api/v1/exchange/feed``: the portal's home, in one answer."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from tenants.exchange.feed import home_feed
from tenants.exchange.models import PostKind
from tenants.exchange.posts_api import PostRowSerializer, UsesExchange, post_rows, row_names
from tenants.live.models import LessonStatus


class FeedLessonSerializer(serializers.Serializer[Any]):
    scope = serializers.ChoiceField(choices=["tenant", "group"], help_text="open it at /live/<scope>/<id>")
    id = serializers.IntegerField()
    title = serializers.CharField()
    lecturer = serializers.CharField()
    status = serializers.ChoiceField(choices=LessonStatus.choices)
    starts_at = serializers.DateTimeField()
    planned_end_at = serializers.DateTimeField()


class FeedMeetingSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField()
    status = serializers.CharField()


class FeedTodosSerializer(serializers.Serializer[Any]):
    reviews = serializers.IntegerField(help_text="posts awaiting my review")
    workbench = serializers.IntegerField(
        allow_null=True, help_text="the console workbench's to-dos (null: no workbench)"
    )
    notifications = serializers.IntegerField(help_text="unread notifications")


class FeedSerializer(serializers.Serializer[Any]):
    news = PostRowSerializer(many=True)
    showcase = PostRowSerializer(many=True)
    micro_videos = PostRowSerializer(many=True)
    live_lessons = FeedLessonSerializer(many=True)
    meetings = FeedMeetingSerializer(many=True)
    todos = FeedTodosSerializer()


class FeedView(APIView):
    """The latest news, showcase and micro-videos of my unit and the group, live lessons upcoming or
    live, my upcoming meetings and my to-dos (five of each, newest or soonest first)."""

    permission_classes = [UsesExchange]

    @extend_schema(responses=FeedSerializer, operation_id="exchange_feed")
    def get(self, request: Request) -> Response:
        actor = Actor.of(request)
        feed = home_feed(actor)
        names = row_names([row for rows in feed.posts.values() for row in rows])  # one query for the sections
        body = {
            "news": post_rows(feed.posts[PostKind.NEWS], actor, names),
            "showcase": post_rows(feed.posts[PostKind.SHOWCASE], actor, names),
            "micro_videos": post_rows(feed.posts[PostKind.MICRO_VIDEO], actor, names),
            "live_lessons": feed.lessons,
            "meetings": feed.meetings,
            "todos": feed.todos,
        }
        return Response(FeedSerializer(body).data)


urlpatterns: list[URLPattern | URLResolver] = [
    path("feed", FeedView.as_view(), name="exchange-feed"),
]
