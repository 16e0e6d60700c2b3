"""The members' community (党员社区), under ``/api/v1/exchange/`` on every host (docs/exchange.md,
"Community"). Thin: parse, call ``exchange.community``, render. ``?scope=tenant|group`` as for
interactions (``interactions_api``): group-wide boards are the group's rows.

- ``GET|POST boards``; ``GET|PATCH|DELETE boards/{id}`` (DELETE closes the board). ``?manage=true``
  lists the boards the caller manages, closed ones included.
- ``GET threads?board=&search=&mine=``: pinned first, then by the last reply; ``POST threads``;
  ``GET|DELETE threads/{id}``; ``POST threads/{id}/pin|lock {pinned|locked}``;
  ``POST threads/{id}/hide|unhide|approve {note}``; ``GET moderation/threads?queue=pending|hidden``.
- A thread's replies are comments on ``(thread, id)``: ``GET|POST comments`` (``interactions_api``).
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.core.api import PagePagination, validated
from tenants.exchange import community, interactions
from tenants.exchange.interactions_api import PAGE, SCOPE, ExchangePersonSerializer, IsExchangeUser, scope_of
from tenants.exchange.models import CommentStatus

# ------------------------------------------------------------------------------ shapes


class ExchangeBoardSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    scope = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    organization = serializers.IntegerField(allow_null=True, help_text="the unit; null: tenant-wide (or group-wide)")
    organization_name = serializers.CharField(allow_blank=True)
    position = serializers.IntegerField()
    is_active = serializers.BooleanField()
    posts_need_review = serializers.BooleanField()
    thread_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    can_manage = serializers.BooleanField()
    can_post = serializers.BooleanField()


class ExchangeBoardWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=60, allow_blank=True)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    organization = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="the unit (its subtree reads and posts); null: all"
    )
    position = serializers.IntegerField(required=False, min_value=0, max_value=100000, default=0)
    posts_need_review = serializers.BooleanField(required=False, default=False)


class ExchangeBoardChangeSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=60, required=False)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    position = serializers.IntegerField(required=False, min_value=0, max_value=100000)
    posts_need_review = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False)


class ExchangeThreadSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    scope = serializers.CharField()
    board = serializers.IntegerField()
    board_name = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField(help_text="plain text; the list carries the first 200 characters")
    mentions = ExchangePersonSerializer(many=True)
    author = ExchangePersonSerializer(allow_null=True)
    author_unit = serializers.CharField(allow_blank=True, help_text="the author's subsidiary on group rows")
    status = serializers.ChoiceField(choices=CommentStatus.choices)
    moderation_note = serializers.CharField(allow_blank=True)
    pinned = serializers.BooleanField()
    locked = serializers.BooleanField()
    reply_count = serializers.IntegerField()
    like_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    last_reply_at = serializers.DateTimeField(allow_null=True)
    mine = serializers.BooleanField()
    can_moderate = serializers.BooleanField(help_text="pin, lock, hide, unhide, approve")
    can_reply = serializers.BooleanField()
    liked = serializers.BooleanField()
    favourited = serializers.BooleanField()


class ExchangeThreadCreateSerializer(serializers.Serializer[Any]):
    board = serializers.IntegerField()
    title = serializers.CharField(max_length=120, allow_blank=True)
    body = serializers.CharField(max_length=5000, allow_blank=True, trim_whitespace=False)
    mentions = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=10, help_text="user ids (@)"
    )


class ExchangePinSerializer(serializers.Serializer[Any]):
    pinned = serializers.BooleanField()


class ExchangeLockSerializer(serializers.Serializer[Any]):
    locked = serializers.BooleanField()


class ExchangeThreadNoteSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


# ------------------------------------------------------------------------------ boards


class BoardListView(APIView):
    permission_classes = [IsExchangeUser]
    pagination_class = PagePagination

    @extend_schema(
        parameters=[
            SCOPE,
            OpenApiParameter("manage", bool, description="the boards I manage, closed ones too"),
            *PAGE,
        ],
        responses=ExchangeBoardSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """The boards I may read (or manage), by position."""
        actor, scope = Actor.of(request), scope_of(request)
        manage = (request.query_params.get("manage") or "").lower() in {"1", "true"}
        with interactions.in_scope(scope):
            paginator = PagePagination()
            page = paginator.paginate_queryset(community.boards_for(actor, manage=manage), request, view=self)
            rows = community.board_rows(actor, list(page or []))
        return paginator.get_paginated_response(ExchangeBoardSerializer(rows, many=True).data)

    @extend_schema(parameters=[SCOPE], request=ExchangeBoardWriteSerializer, responses={201: ExchangeBoardSerializer})
    def post(self, request: Request) -> Response:
        """A new board: a unit's (its workers or the admin), tenant-wide (the admin) or group-wide (group admins)."""
        actor, scope = Actor.of(request), scope_of(request)
        data = validated(ExchangeBoardWriteSerializer, request.data)
        with interactions.in_scope(scope):
            board = community.do_create_board(actor, **data)
            row = community.board_rows(actor, [board])[0]
        return Response(ExchangeBoardSerializer(row).data, status=201)


class BoardView(APIView):
    permission_classes = [IsExchangeUser]

    @extend_schema(parameters=[SCOPE], responses=ExchangeBoardSerializer)
    def get(self, request: Request, board_id: int) -> Response:
        actor, scope = Actor.of(request), scope_of(request)
        with interactions.in_scope(scope):
            row = community.board_rows(actor, [community.board_for(actor, board_id)])[0]
        return Response(ExchangeBoardSerializer(row).data)

    @extend_schema(parameters=[SCOPE], request=ExchangeBoardChangeSerializer, responses=ExchangeBoardSerializer)
    def patch(self, request: Request, board_id: int) -> Response:
        actor, scope = Actor.of(request), scope_of(request)
        data = validated(ExchangeBoardChangeSerializer, request.data)
        with interactions.in_scope(scope):
            board = community.do_change_board(actor, community.board_for(actor, board_id), **data)
            row = community.board_rows(actor, [board])[0]
        return Response(ExchangeBoardSerializer(row).data)

    @extend_schema(parameters=[SCOPE], responses={204: None})
    def delete(self, request: Request, board_id: int) -> Response:
        """Close the board (its threads are kept, read-only; PATCH is_active reopens it)."""
        actor, scope = Actor.of(request), scope_of(request)
        with interactions.in_scope(scope):
            community.do_change_board(actor, community.board_for(actor, board_id), is_active=False)
        return Response(status=204)


# ------------------------------------------------------------------------------ threads


class ThreadListView(APIView):
    permission_classes = [IsExchangeUser]
    pagination_class = PagePagination

    @extend_schema(
        parameters=[
            OpenApiParameter("board", int, description="one board (else every board I may read)"),
            OpenApiParameter("search", str, description="in titles"),
            OpenApiParameter("mine", bool, description="only my threads"),
            SCOPE,
            *PAGE,
        ],
        responses=ExchangeThreadSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """Threads: pinned first, then the most recent reply (or creation)."""
        actor, scope = Actor.of(request), scope_of(request)
        params = request.query_params
        with interactions.in_scope(scope):
            threads = community.threads_for(
                actor,
                board_id=interactions.parse_id(params["board"]) if params.get("board") else None,
                search=params.get("search") or "",
                mine=(params.get("mine") or "").lower() in {"1", "true"},
            )
            paginator = PagePagination()
            page = paginator.paginate_queryset(threads, request, view=self)
            rows = community.thread_rows(actor, list(page or []), excerpt=True)
        return paginator.get_paginated_response(ExchangeThreadSerializer(rows, many=True).data)

    @extend_schema(
        parameters=[SCOPE], request=ExchangeThreadCreateSerializer, responses={201: ExchangeThreadSerializer}
    )
    def post(self, request: Request) -> Response:
        """Post a thread (checked like a comment; ``pending`` when the board needs review)."""
        actor, scope = Actor.of(request), scope_of(request)
        data = validated(ExchangeThreadCreateSerializer, request.data)
        with interactions.in_scope(scope):
            board = community.board_for(actor, data["board"])
            thread = community.do_create_thread(
                actor, board, title=data["title"], body=data["body"], mention_ids=data["mentions"]
            )
            row = community.thread_rows(actor, [thread])[0]
        return Response(ExchangeThreadSerializer(row).data, status=201)


def _thread_response(actor: Actor, thread_id: int, scope: interactions.Scope) -> Response:
    with interactions.in_scope(scope):
        row = community.thread_rows(actor, [community.thread_for(actor, thread_id)])[0]
    return Response(ExchangeThreadSerializer(row).data)


class ThreadView(APIView):
    permission_classes = [IsExchangeUser]

    @extend_schema(parameters=[SCOPE], responses=ExchangeThreadSerializer)
    def get(self, request: Request, thread_id: int) -> Response:
        return _thread_response(Actor.of(request), thread_id, scope_of(request))

    @extend_schema(parameters=[SCOPE], responses={204: None})
    def delete(self, request: Request, thread_id: int) -> Response:
        """The author deletes their thread (moderators hide instead)."""
        actor, scope = Actor.of(request), scope_of(request)
        with interactions.in_scope(scope):
            community.do_delete_thread(actor, community.thread_for(actor, thread_id))
        return Response(status=204)


class ThreadPinView(APIView):
    permission_classes = [IsExchangeUser]

    @extend_schema(parameters=[SCOPE], request=ExchangePinSerializer, responses=ExchangeThreadSerializer)
    def post(self, request: Request, thread_id: int) -> Response:
        actor, scope = Actor.of(request), scope_of(request)
        data = validated(ExchangePinSerializer, request.data)
        with interactions.in_scope(scope):
            community.do_set_thread_flags(actor, community.thread_for(actor, thread_id), pinned=data["pinned"])
        return _thread_response(actor, thread_id, scope)


class ThreadLockView(APIView):
    permission_classes = [IsExchangeUser]

    @extend_schema(parameters=[SCOPE], request=ExchangeLockSerializer, responses=ExchangeThreadSerializer)
    def post(self, request: Request, thread_id: int) -> Response:
        actor, scope = Actor.of(request), scope_of(request)
        data = validated(ExchangeLockSerializer, request.data)
        with interactions.in_scope(scope):
            community.do_set_thread_flags(actor, community.thread_for(actor, thread_id), locked=data["locked"])
        return _thread_response(actor, thread_id, scope)


class ThreadModerateView(APIView):
    permission_classes = [IsExchangeUser]
    action = ""

    @extend_schema(parameters=[SCOPE], request=ExchangeThreadNoteSerializer, responses=ExchangeThreadSerializer)
    def post(self, request: Request, thread_id: int) -> Response:
        actor, scope = Actor.of(request), scope_of(request)
        data = validated(ExchangeThreadNoteSerializer, request.data)
        with interactions.in_scope(scope):
            community.do_moderate_thread(
                actor, community.thread_for(actor, thread_id), action=self.action, note=data["note"]
            )
        return _thread_response(actor, thread_id, scope)


class ThreadHideView(ThreadModerateView):
    action = "hide"


class ThreadUnhideView(ThreadModerateView):
    action = "unhide"


class ThreadApproveView(ThreadModerateView):
    action = "approve"


class ModerationThreadListView(APIView):
    """Threads waiting for a moderator: ``pending`` (boards that review posts) or ``hidden``."""

    permission_classes = [IsExchangeUser]
    pagination_class = PagePagination

    @extend_schema(
        parameters=[OpenApiParameter("queue", str, enum=list(community.THREAD_QUEUES), required=True), SCOPE, *PAGE],
        responses=ExchangeThreadSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        actor, scope = Actor.of(request), scope_of(request)
        with interactions.in_scope(scope):
            threads = community.thread_queue(actor, request.query_params.get("queue") or "")
            paginator = PagePagination()
            page = paginator.paginate_queryset(threads, request, view=self)
            rows = community.thread_rows(actor, list(page or []), excerpt=True)
        return paginator.get_paginated_response(ExchangeThreadSerializer(rows, many=True).data)


urlpatterns: list[URLPattern] = [
    path("boards", BoardListView.as_view(), name="exchange-boards"),
    path("boards/<int:board_id>", BoardView.as_view(), name="exchange-board"),
    path("threads", ThreadListView.as_view(), name="exchange-threads"),
    path("threads/<int:thread_id>", ThreadView.as_view(), name="exchange-thread"),
    path("threads/<int:thread_id>/pin", ThreadPinView.as_view(), name="exchange-thread-pin"),
    path("threads/<int:thread_id>/lock", ThreadLockView.as_view(), name="exchange-thread-lock"),
    path("threads/<int:thread_id>/hide", ThreadHideView.as_view(), name="exchange-thread-hide"),
    path("threads/<int:thread_id>/unhide", ThreadUnhideView.as_view(), name="exchange-thread-unhide"),
    path("threads/<int:thread_id>/approve", ThreadApproveView.as_view(), name="exchange-thread-approve"),
    path("moderation/threads", ModerationThreadListView.as_view(), name="exchange-moderation-threads"),
]
