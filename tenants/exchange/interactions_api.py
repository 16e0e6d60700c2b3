"""Interactions on posts and community threads, under ``/api/v1/exchange/`` on every host
(docs/exchange.md, "Interactions" and "Moderation"). Thin: parse, call ``exchange.interactions`` /
``exchange.moderation``, render.

Every endpoint takes ``?scope=tenant|group`` (default ``tenant``): ``tenant`` works on the rows of
the host's schema, ``group`` on the group's (public schema) rows from a subsidiary's host, e.g. a
comment on a group post. On the group's own host both mean the group's rows.

Members (portal):

- ``GET|PUT|DELETE reactions/{target_type}/{target_id}[/{kind}]``: my like / favourite and the counts
  (PUT and DELETE are idempotent toggles).
- ``GET favourites``: my favourites, newest first.
- ``POST shares {post}``: a share link; ``GET shares/{token}``: the shared post (anyone may open a
  public-marked post when the schema allows outside shares, else those who may see it).
- ``GET comments?target_type=&target_id=``: top comments with their replies; ``POST comments``;
  ``GET|DELETE comments/{id}``; ``POST comments/{id}/report``.
- ``GET mentionable?search=``: members of this party committee to @mention (ids go in ``mentions``).

Moderators (the post's author hides and unhides too; console):

- ``POST comments/{id}/hide|unhide|approve {note}``.
- ``GET moderation/comments?queue=pending|reported|hidden``; ``POST moderation/comments/{id}/reports
  {decision, note}`` upholds (hides) or dismisses the open reports.
- ``GET moderation/summary``: how many wait in each queue; ``GET|PATCH moderation/settings``.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import on_root_host
from partycloud.core.api import PagePagination, validated
from tenants.exchange import interactions, mentions, moderation
from tenants.exchange.interactions import Scope
from tenants.exchange.models import (
    CommentReportStatus,
    CommentStatus,
    Marking,
    PostKind,
    ReactionKind,
    TargetType,
)

# ------------------------------------------------------------------------------ permissions and parameters


class IsExchangeUser(BasePermission):
    """Signed in, with a role in this tenant (on a subsidiary's host) or a group role (on the root)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        actor = Actor.of(request)
        return bool(actor.group_roles) if on_root_host() else bool(actor.roles)


SCOPE = OpenApiParameter(
    "scope", str, enum=[scope.value for scope in Scope], description="tenant (default): this host's rows; group"
)
PAGE = [OpenApiParameter("page", int), OpenApiParameter("page_size", int)]


def scope_of(request: Request) -> Scope:
    return interactions.parse_scope(request.query_params.get("scope"))


def _page(request: Request, view: APIView, rows: Any) -> tuple[PagePagination, list[Any]]:
    paginator = PagePagination()
    page: list[Any] | None = paginator.paginate_queryset(rows, request, view=view)
    return paginator, list(page or [])


# ------------------------------------------------------------------------------ shapes


class ExchangePersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ExchangeReactionStateSerializer(serializers.Serializer[Any]):
    target_type = serializers.ChoiceField(choices=TargetType.choices)
    target_id = serializers.IntegerField()
    scope = serializers.CharField()
    liked = serializers.BooleanField()
    favourited = serializers.BooleanField()
    like_count = serializers.IntegerField()
    favourite_count = serializers.IntegerField()


class ExchangeFavouriteSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="the favourite (reaction) row")
    target_type = serializers.ChoiceField(choices=TargetType.choices)
    target_id = serializers.IntegerField()
    scope = serializers.CharField()
    title = serializers.CharField(help_text="the post's or thread's title ('' if no longer visible)")
    summary = serializers.CharField(allow_blank=True)
    post_kind = serializers.ChoiceField(choices=PostKind.choices, allow_null=True, help_text="null for a thread")
    post_uuid = serializers.UUIDField(allow_null=True, help_text="the post's page (its UUID); null for a thread")
    available = serializers.BooleanField(help_text="still there and visible to you")
    created_at = serializers.DateTimeField()


class ExchangeShareCreateSerializer(serializers.Serializer[Any]):
    post = serializers.IntegerField(help_text="the post's id (in the scope's schema)")


class ExchangeShareSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()
    url = serializers.CharField(help_text="the link to send: the portal page opening the share")
    share_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class ExchangeSharedPostSerializer(serializers.Serializer[Any]):
    """The post a share link opens: enough to read it (interactions need signing in)."""

    token = serializers.CharField()
    scope = serializers.CharField()
    id = serializers.IntegerField()
    uuid = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=PostKind.choices)
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    body_html = serializers.CharField(allow_blank=True, help_text="sanitized")
    marking = serializers.ChoiceField(choices=Marking.choices)
    author_name = serializers.CharField(allow_blank=True)
    origin_name = serializers.CharField(allow_blank=True, help_text="the unit or subsidiary that wrote it")
    published_at = serializers.DateTimeField(allow_null=True)
    cover_url = serializers.CharField(allow_null=True)
    video_url = serializers.CharField(allow_null=True, help_text="the HLS playlist (or the file) when ready")
    like_count = serializers.IntegerField()
    favourite_count = serializers.IntegerField()
    share_count = serializers.IntegerField()
    comment_count = serializers.IntegerField()
    view_count = serializers.IntegerField()
    signed_in = serializers.BooleanField(help_text="the caller may interact (like, comment) on the post's page")


class ExchangeReplySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    target_type = serializers.ChoiceField(choices=TargetType.choices)
    target_id = serializers.IntegerField()
    parent = serializers.IntegerField(  # type: ignore[assignment]  # a field named like Field.parent
        allow_null=True, help_text="the top comment this replies under"
    )
    reply_to = ExchangePersonSerializer(allow_null=True, help_text="whom it answers")
    author = ExchangePersonSerializer(allow_null=True)
    author_unit = serializers.CharField(allow_blank=True, help_text="the author's subsidiary on group rows")
    body = serializers.CharField()
    mentions = ExchangePersonSerializer(many=True)
    status = serializers.ChoiceField(choices=CommentStatus.choices)
    moderation_note = serializers.CharField(allow_blank=True, help_text="shown to the author and moderators")
    like_count = serializers.IntegerField()
    report_count = serializers.IntegerField(help_text="open reports (moderators only; 0 for others)")
    created_at = serializers.DateTimeField()
    mine = serializers.BooleanField()
    can_delete = serializers.BooleanField()
    can_moderate = serializers.BooleanField(help_text="hide, unhide, approve")
    reported = serializers.BooleanField(help_text="I reported it")


class ExchangeCommentSerializer(ExchangeReplySerializer):
    replies = ExchangeReplySerializer(many=True, help_text="the replies I may see, oldest first")


class ExchangeCommentCreateSerializer(serializers.Serializer[Any]):
    target_type = serializers.ChoiceField(choices=TargetType.choices)
    target_id = serializers.IntegerField()
    body = serializers.CharField(max_length=2000, allow_blank=True, trim_whitespace=False)
    parent = serializers.IntegerField(  # type: ignore[assignment]  # a field named like Field.parent
        required=False, allow_null=True, default=None, help_text="a comment to reply to"
    )
    mentions = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=10, help_text="user ids (@)"
    )


class ExchangeNoteSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ExchangeReportCreateSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=300, allow_blank=True)


class ExchangeReportedSerializer(serializers.Serializer[Any]):
    reported = serializers.BooleanField()
    status = serializers.ChoiceField(choices=CommentStatus.choices, help_text="the comment's status afterwards")


class ExchangeMentionableSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="the user id to send in mentions")
    name = serializers.CharField()
    organization = serializers.CharField(allow_blank=True, help_text="their organization's name")


class ExchangeCommentReportSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    reason = serializers.CharField()
    reporter = ExchangePersonSerializer(allow_null=True)
    status = serializers.ChoiceField(choices=CommentReportStatus.choices)
    created_at = serializers.DateTimeField()


class ExchangeModerationCommentSerializer(ExchangeReplySerializer):
    target_title = serializers.CharField(help_text="the post's or thread's title")
    reports = ExchangeCommentReportSerializer(many=True, help_text="open reports first")
    moderated_by = ExchangePersonSerializer(allow_null=True)
    moderated_at = serializers.DateTimeField(allow_null=True)


class ExchangeModerationDecisionSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=[("uphold", "uphold"), ("dismiss", "dismiss")])
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ExchangeModerationSummarySerializer(serializers.Serializer[Any]):
    pending_comments = serializers.IntegerField()
    reported_comments = serializers.IntegerField()
    hidden_comments = serializers.IntegerField()
    pending_threads = serializers.IntegerField()
    hidden_threads = serializers.IntegerField()


class ExchangeSettingsSerializer(serializers.Serializer[Any]):
    comments_need_review = serializers.BooleanField(required=False)
    hide_after_reports = serializers.IntegerField(required=False, min_value=1, max_value=100)
    allow_outside_shares = serializers.BooleanField(required=False)
    can_change = serializers.BooleanField(read_only=True)


# ------------------------------------------------------------------------------ reactions

TARGET = [
    OpenApiParameter("target_type", str, OpenApiParameter.PATH, enum=TargetType.values),
    OpenApiParameter("target_id", int, OpenApiParameter.PATH),
]
KIND = OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=ReactionKind.values)


class ReactionStateView(APIView):
    permission_classes = [IsExchangeUser]

    @extend_schema(parameters=[*TARGET, SCOPE], responses=ExchangeReactionStateSerializer)
    def get(self, request: Request, target_type: str, target_id: int) -> Response:
        """My like and favourite on a post or thread, and its counts."""
        actor, scope = Actor.of(request), scope_of(request)
        with interactions.in_scope(scope):
            state = interactions.reaction_state(actor, interactions.locate_target(actor, target_type, target_id))
        return Response(ExchangeReactionStateSerializer(state).data)


class ReactionView(APIView):
    permission_classes = [IsExchangeUser]

    @extend_schema(parameters=[*TARGET, KIND, SCOPE], request=None, responses=ExchangeReactionStateSerializer)
    def put(self, request: Request, target_type: str, target_id: int, kind: str) -> Response:
        """Like or favourite (again: nothing changes)."""
        return self._toggle(request, target_type, target_id, kind, on=True)

    @extend_schema(parameters=[*TARGET, KIND, SCOPE], responses=ExchangeReactionStateSerializer)
    def delete(self, request: Request, target_type: str, target_id: int, kind: str) -> Response:
        """Unlike or unfavourite (again: nothing changes)."""
        return self._toggle(request, target_type, target_id, kind, on=False)

    def _toggle(self, request: Request, target_type: str, target_id: int, kind: str, *, on: bool) -> Response:
        actor, scope = Actor.of(request), scope_of(request)
        with interactions.in_scope(scope):
            target = interactions.locate_target(actor, target_type, target_id)
            reaction = interactions.parse_reaction_kind(kind)
            if on:
                interactions.do_react(actor, target, reaction)
            else:
                interactions.do_unreact(actor, target, reaction)
            state = interactions.reaction_state(actor, interactions.locate_target(actor, target_type, target_id))
        return Response(ExchangeReactionStateSerializer(state).data)


class FavouriteListView(APIView):
    """My favourites in the scope, newest first."""

    permission_classes = [IsExchangeUser]
    pagination_class = PagePagination

    @extend_schema(parameters=[SCOPE, *PAGE], responses=ExchangeFavouriteSerializer(many=True))
    def get(self, request: Request) -> Response:
        actor, scope = Actor.of(request), scope_of(request)
        with interactions.in_scope(scope):
            paginator, page = _page(request, self, interactions.my_favourites(actor))
            rows = interactions.favourite_rows(actor, page)
        return paginator.get_paginated_response(ExchangeFavouriteSerializer(rows, many=True).data)


# ------------------------------------------------------------------------------ shares


class ShareCreateView(APIView):
    permission_classes = [IsExchangeUser]

    @extend_schema(parameters=[SCOPE], request=ExchangeShareCreateSerializer, responses={201: ExchangeShareSerializer})
    def post(self, request: Request) -> Response:
        """Share a post: a new link with an unguessable token (the post's share count +1)."""
        actor, scope = Actor.of(request), scope_of(request)
        data = validated(ExchangeShareCreateSerializer, request.data)
        with interactions.in_scope(scope):
            target = interactions.locate_target(actor, TargetType.POST, data["post"])
            share = interactions.do_share(actor, target)
        return Response(ExchangeShareSerializer(share).data, status=201)


class ShareOpenView(APIView):
    """The post a share link opens. Anyone for a public-marked post where outside shares are
    allowed; otherwise those who may see the post (401 when not signed in)."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("token", str, OpenApiParameter.PATH)],
        responses=ExchangeSharedPostSerializer,
    )
    def get(self, request: Request, token: str) -> Response:
        return Response(ExchangeSharedPostSerializer(interactions.do_open_share(Actor.of(request), token)).data)


# ------------------------------------------------------------------------------ comments


class CommentListView(APIView):
    permission_classes = [IsExchangeUser]
    pagination_class = PagePagination

    @extend_schema(
        parameters=[
            OpenApiParameter("target_type", str, enum=TargetType.values, required=True),
            OpenApiParameter("target_id", int, required=True),
            SCOPE,
            *PAGE,
        ],
        responses=ExchangeCommentSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """The top comments (oldest first) with their replies: visible ones, my own pending ones,
        and for moderators the pending and hidden ones too."""
        actor, scope = Actor.of(request), scope_of(request)
        with interactions.in_scope(scope):
            target = interactions.locate_target(
                actor,
                request.query_params.get("target_type") or "",
                interactions.parse_id(request.query_params.get("target_id")),
            )
            paginator, page = _page(request, self, interactions.top_comments(actor, target))
            rows = interactions.comment_rows(actor, target, page, with_replies=True)
        return paginator.get_paginated_response(ExchangeCommentSerializer(rows, many=True).data)

    @extend_schema(
        parameters=[SCOPE], request=ExchangeCommentCreateSerializer, responses={201: ExchangeCommentSerializer}
    )
    def post(self, request: Request) -> Response:
        """Comment, or reply to a comment (``parent``). Refused when empty or too long, classified
        (§8: nothing stored, the refusal logged) or holding a sensitive word; ``status`` is
        ``pending`` when comments need review."""
        actor, scope = Actor.of(request), scope_of(request)
        data = validated(ExchangeCommentCreateSerializer, request.data)
        with interactions.in_scope(scope):
            target = interactions.locate_target(actor, data["target_type"], data["target_id"])
            comment = interactions.do_comment(
                actor, target, body=data["body"], parent_id=data["parent"], mention_ids=data["mentions"]
            )
            row = interactions.comment_rows(actor, target, [comment], with_replies=True)[0]
        return Response(ExchangeCommentSerializer(row).data, status=201)


def _comment_response(actor: Actor, comment_id: int, scope: Scope, status: int = 200) -> Response:
    with interactions.in_scope(scope):
        comment, target = interactions.locate_comment(actor, comment_id)
        row = interactions.comment_rows(actor, target, [comment], with_replies=comment.parent_id is None)[0]
    return Response(ExchangeCommentSerializer(row).data, status=status)


class CommentView(APIView):
    permission_classes = [IsExchangeUser]

    @extend_schema(parameters=[SCOPE], responses=ExchangeCommentSerializer)
    def get(self, request: Request, comment_id: int) -> Response:
        return _comment_response(Actor.of(request), comment_id, scope_of(request))

    @extend_schema(parameters=[SCOPE], responses={204: None})
    def delete(self, request: Request, comment_id: int) -> Response:
        """The author deletes their comment (its replies stay, under a deleted placeholder)."""
        actor, scope = Actor.of(request), scope_of(request)
        with interactions.in_scope(scope):
            comment, target = interactions.locate_comment(actor, comment_id)
            interactions.do_delete_comment(actor, target, comment)
        return Response(status=204)


class CommentModerateView(APIView):
    """Hide, unhide or approve a comment (the post's author for hide/unhide; moderators)."""

    permission_classes = [IsExchangeUser]
    action = ""

    @extend_schema(parameters=[SCOPE], request=ExchangeNoteSerializer, responses=ExchangeCommentSerializer)
    def post(self, request: Request, comment_id: int) -> Response:
        actor, scope = Actor.of(request), scope_of(request)
        data = validated(ExchangeNoteSerializer, request.data)
        with interactions.in_scope(scope):
            comment, target = interactions.locate_comment(actor, comment_id)
            moderation.do_moderate_comment(actor, target, comment, action=self.action, note=data["note"])
        return _comment_response(actor, comment_id, scope)


class CommentHideView(CommentModerateView):
    action = "hide"


class CommentUnhideView(CommentModerateView):
    action = "unhide"


class CommentApproveView(CommentModerateView):
    action = "approve"


class CommentReportView(APIView):
    permission_classes = [IsExchangeUser]

    @extend_schema(
        parameters=[SCOPE], request=ExchangeReportCreateSerializer, responses={201: ExchangeReportedSerializer}
    )
    def post(self, request: Request, comment_id: int) -> Response:
        """Report a comment (once per person); enough reports hide it until a moderator decides."""
        actor, scope = Actor.of(request), scope_of(request)
        data = validated(ExchangeReportCreateSerializer, request.data)
        with interactions.in_scope(scope):
            comment, target = interactions.locate_comment(actor, comment_id)
            comment = moderation.do_report_comment(actor, target, comment, reason=data["reason"])
        return Response({"reported": True, "status": comment.status}, status=201)


class MentionableView(APIView):
    """Members of this party committee to @mention, by name (``?search=``); at most 20 a page."""

    permission_classes = [IsExchangeUser]
    pagination_class = PagePagination

    @extend_schema(
        parameters=[OpenApiParameter("search", str), *PAGE], responses=ExchangeMentionableSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        actor = Actor.of(request)
        paginator, page = _page(request, self, mentions.mentionable(actor, request.query_params.get("search") or ""))
        return paginator.get_paginated_response(
            ExchangeMentionableSerializer(mentions.mentionable_rows(page), many=True).data
        )


# ------------------------------------------------------------------------------ moderation (console)


class ModerationCommentListView(APIView):
    """The comments waiting for a moderator of the scope: ``pending`` (review before showing),
    ``reported`` (open reports), ``hidden``. Newest first."""

    permission_classes = [IsExchangeUser]
    pagination_class = PagePagination

    @extend_schema(
        parameters=[
            OpenApiParameter("queue", str, enum=list(moderation.COMMENT_QUEUES), required=True),
            OpenApiParameter("target_type", str, enum=TargetType.values),
            SCOPE,
            *PAGE,
        ],
        responses=ExchangeModerationCommentSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        actor, scope = Actor.of(request), scope_of(request)
        with interactions.in_scope(scope):
            comments = moderation.comment_queue(
                actor, request.query_params.get("queue") or "", request.query_params.get("target_type")
            )
            paginator, page = _page(request, self, comments)
            rows = moderation.queue_rows(actor, page)
        return paginator.get_paginated_response(ExchangeModerationCommentSerializer(rows, many=True).data)


class ModerationReportDecisionView(APIView):
    permission_classes = [IsExchangeUser]

    @extend_schema(
        parameters=[SCOPE], request=ExchangeModerationDecisionSerializer, responses=ExchangeModerationCommentSerializer
    )
    def post(self, request: Request, comment_id: int) -> Response:
        """Uphold the open reports (the comment is hidden) or dismiss them (a comment hidden by the
        reports shows again)."""
        actor, scope = Actor.of(request), scope_of(request)
        data = validated(ExchangeModerationDecisionSerializer, request.data)
        with interactions.in_scope(scope):
            comment, target = interactions.locate_comment(actor, comment_id)
            comment = moderation.do_decide_reports(
                actor, target, comment, uphold=data["decision"] == "uphold", note=data["note"]
            )
            row = moderation.queue_rows(actor, [comment])[0]
        return Response(ExchangeModerationCommentSerializer(row).data)


class ModerationSummaryView(APIView):
    permission_classes = [IsExchangeUser]

    @extend_schema(parameters=[SCOPE], responses=ExchangeModerationSummarySerializer)
    def get(self, request: Request) -> Response:
        """How many comments and threads wait in each queue (what the caller moderates)."""
        actor, scope = Actor.of(request), scope_of(request)
        with interactions.in_scope(scope):
            summary = moderation.summary(actor)
        return Response(ExchangeModerationSummarySerializer(summary).data)


class ModerationSettingsView(APIView):
    permission_classes = [IsExchangeUser]

    @extend_schema(responses=ExchangeSettingsSerializer)
    def get(self, request: Request) -> Response:
        """This schema's comment and share settings (the group's on the root host)."""
        actor = Actor.of(request)
        return Response(ExchangeSettingsSerializer(moderation.settings_row(actor)).data)

    @extend_schema(request=ExchangeSettingsSerializer, responses=ExchangeSettingsSerializer)
    def patch(self, request: Request) -> Response:
        """Change them (the tenant admin; group admins on the root host)."""
        actor = Actor.of(request)
        data = validated(ExchangeSettingsSerializer, request.data)
        moderation.do_change_settings(actor, **data)
        return Response(ExchangeSettingsSerializer(moderation.settings_row(actor)).data)


urlpatterns: list[URLPattern] = [
    path("reactions/<str:target_type>/<int:target_id>", ReactionStateView.as_view(), name="exchange-reaction-state"),
    path("reactions/<str:target_type>/<int:target_id>/<str:kind>", ReactionView.as_view(), name="exchange-reaction"),
    path("favourites", FavouriteListView.as_view(), name="exchange-favourites"),
    path("shares", ShareCreateView.as_view(), name="exchange-shares"),
    path("shares/<str:token>", ShareOpenView.as_view(), name="exchange-share"),
    path("comments", CommentListView.as_view(), name="exchange-comments"),
    path("comments/<int:comment_id>", CommentView.as_view(), name="exchange-comment"),
    path("comments/<int:comment_id>/hide", CommentHideView.as_view(), name="exchange-comment-hide"),
    path("comments/<int:comment_id>/unhide", CommentUnhideView.as_view(), name="exchange-comment-unhide"),
    path("comments/<int:comment_id>/approve", CommentApproveView.as_view(), name="exchange-comment-approve"),
    path("comments/<int:comment_id>/report", CommentReportView.as_view(), name="exchange-comment-report"),
    path("mentionable", MentionableView.as_view(), name="exchange-mentionable"),
    path("moderation/comments", ModerationCommentListView.as_view(), name="exchange-moderation-comments"),
    path(
        "moderation/comments/<int:comment_id>/reports",
        ModerationReportDecisionView.as_view(),
        name="exchange-moderation-reports",
    ),
    path("moderation/summary", ModerationSummaryView.as_view(), name="exchange-moderation-summary"),
    path("moderation/settings", ModerationSettingsView.as_view(), name="exchange-moderation-settings"),
]
