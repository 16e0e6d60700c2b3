"""Post endpoints under /api/v1/exchange/, on every host: a tenant host lists its own posts and the
group's (merged, each row saying its ``source``), the root host the group's own. Services in
``tenants.exchange.posts`` decide everything; these views parse and shape."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any
from uuid import UUID

from django.urls import URLPattern, URLResolver, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import GroupRoleKind
from partycloud.accounts.permissions import on_root_host
from partycloud.core.api import PagePagination, validated
from partycloud.tenancy.context import active_schema
from partycloud.uploads.services import download_url
from services.storage import DataClass
from tenants.exchange import posts, uploads
from tenants.exchange.models import (
    Marking,
    MediaStatus,
    Post,
    PostKind,
    PostPromotion,
    PostStatus,
    ProposalStatus,
    Reaction,
    ReactionKind,
    TargetType,
)
from tenants.exchange.visibility import PUBLIC, can_moderate_post
from tenants.learning.media import hls_play_url

MAX_PAGE_SIZE = PagePagination.max_page_size  # as every paginated list
DEFAULT_PAGE_SIZE = 20


class UsesExchange(BasePermission):
    """Tenant host: anyone with a role here. Root host: group admins; group viewers read."""

    def has_permission(self, request: Request, view: Any) -> bool:
        actor = Actor.of(request)
        if actor.user is None:
            return False
        if on_root_host():
            roles = actor.group_roles
            if GroupRoleKind.GROUP_ADMIN in roles:
                return True
            return request.method in SAFE_METHODS and GroupRoleKind.GROUP_VIEWER in roles
        return bool(actor.roles)


def _url(key: str) -> str | None:
    return download_url(DataClass.MEDIA, key) if key else None


# ---------------------------------------------------------------- shapes


SOURCE_CHOICES = [("tenant", "tenant"), ("group", "group")]


class PostRowSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    pk = serializers.IntegerField(help_text="the row in its schema: what comments, reactions and shares address")
    source = serializers.ChoiceField(  # type: ignore[assignment]  # a field named like Field.source
        choices=SOURCE_CHOICES, help_text="tenant: this tenant's own post; group: the group's"
    )
    kind = serializers.ChoiceField(choices=PostKind.choices)
    title = serializers.CharField()
    summary = serializers.CharField()
    marking = serializers.ChoiceField(choices=Marking.choices)
    tags = serializers.ListField(child=serializers.CharField())
    status = serializers.ChoiceField(choices=PostStatus.choices)
    organization = serializers.IntegerField(allow_null=True, help_text="the writing unit (null: the group)")
    organization_name = serializers.CharField()
    audience = serializers.IntegerField(allow_null=True, help_text="seen by this organization's subtree")
    audience_name = serializers.CharField()
    author_name = serializers.CharField()
    origin_name = serializers.CharField(help_text="for a group copy: the tenant that wrote it")
    is_mine = serializers.BooleanField()
    cover_url = serializers.CharField(allow_null=True)
    has_video = serializers.BooleanField()
    media_status = serializers.ChoiceField(choices=MediaStatus.choices)
    duration_seconds = serializers.FloatField(allow_null=True)
    pinned = serializers.BooleanField()
    group_status = serializers.ChoiceField(choices=ProposalStatus.choices)
    like_count = serializers.IntegerField()
    favourite_count = serializers.IntegerField()
    share_count = serializers.IntegerField()
    comment_count = serializers.IntegerField()
    view_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)


class PostPageSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = PostRowSerializer(many=True)


class PostImageSerializer(serializers.Serializer[Any]):
    url = serializers.CharField()
    thumbnail_url = serializers.CharField()
    caption = serializers.CharField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)


class PostVideoSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=MediaStatus.choices)
    progress = serializers.FloatField()
    error = serializers.CharField(help_text="a code (exchange.video_too_long) or the processing error")
    duration_seconds = serializers.FloatField(allow_null=True)
    renditions = serializers.ListField(child=serializers.CharField())
    play_url = serializers.CharField(allow_null=True, help_text="HLS master playlist (signed, short-lived)")
    poster_url = serializers.CharField(allow_null=True)
    file_name = serializers.CharField()
    file_size = serializers.IntegerField(allow_null=True)


class OpenPromotionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    to_organization = serializers.IntegerField()
    to_organization_name = serializers.CharField()
    status = serializers.ChoiceField(choices=ProposalStatus.choices)
    note = serializers.CharField()
    proposed_at = serializers.DateTimeField()


class PostDetailSerializer(PostRowSerializer):
    body_html = serializers.CharField(help_text="sanitized HTML")
    images = PostImageSerializer(many=True)
    video = PostVideoSerializer(allow_null=True)
    review_note = serializers.CharField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    comments_enabled = serializers.BooleanField()
    comments_need_review = serializers.BooleanField()
    liked = serializers.BooleanField()
    favourited = serializers.BooleanField()
    can_edit = serializers.BooleanField(help_text="content may be changed (draft, returned, withdrawn)")
    can_moderate = serializers.BooleanField(help_text="a worker of the unit: pin, comments, withdraw, propose")
    can_review = serializers.BooleanField(help_text="pending and the caller may approve or return it")
    promotion = OpenPromotionSerializer(allow_null=True, help_text="the open proposal to the level above")


def _row(located: posts.LocatedPost, actor: Actor, names: dict[int, str]) -> dict[str, Any]:
    post = located.post
    return {
        "id": post.uuid,
        "pk": post.pk,
        "source": located.source,
        "kind": post.kind,
        "title": post.title,
        "summary": post.summary,
        "marking": post.marking,
        "tags": list(post.tags),
        "status": post.status,
        "organization": post.organization_id,
        "organization_name": names.get(post.organization_id or 0, "") or post.origin_name,
        "audience": post.audience_id,
        "audience_name": names.get(post.audience_id or 0, ""),
        "author_name": post.author_name,
        "origin_name": post.origin_name,
        "is_mine": actor.user is not None and post.author_id == actor.user.pk,
        "cover_url": _url(post.cover_key),
        "has_video": bool(post.file_key or post.hls_prefix),
        "media_status": post.media_status,
        "duration_seconds": post.duration_seconds,
        "pinned": post.pinned,
        "group_status": post.group_status,
        "like_count": post.like_count,
        "favourite_count": post.favourite_count,
        "share_count": post.share_count,
        "comment_count": post.comment_count,
        "view_count": post.view_count,
        "created_at": post.created_at,
        "submitted_at": post.submitted_at,
        "published_at": post.published_at,
    }


def row_names(located: list[posts.LocatedPost]) -> dict[int, str]:
    """The names of the organizations the rows show, in one query (none for group rows)."""
    ids: list[int | None] = []
    for row in located:
        if row.schema != PUBLIC:
            ids += [row.post.organization_id, row.post.audience_id]
    return posts.organization_names(ids)


def post_rows(
    located: list[posts.LocatedPost], actor: Actor, names: dict[int, str] | None = None
) -> list[dict[str, Any]]:
    names = row_names(located) if names is None else names
    return [_row(row, actor, names) for row in located]


def post_detail(located: posts.LocatedPost, actor: Actor) -> dict[str, Any]:
    """The detail of a post; the caller's schema is active, the post's rows are read in theirs."""
    post = located.post
    with posts.in_group_schema() if located.schema == PUBLIC else nullcontext():
        images = list(post.images.all())
        mine = set()
        if actor.user is not None:
            mine = set(
                Reaction.objects.filter(
                    user_id=actor.user.pk, target_type=TargetType.POST, target_id=post.pk
                ).values_list("kind", flat=True)
            )
        promotion = post.promotions.filter(status=ProposalStatus.PROPOSED).first()
        moderator = can_moderate_post(actor, post)
        editable = posts.can_edit_post(actor, post)
        reviewer = (
            post.status == PostStatus.PENDING and moderator and (located.schema == PUBLIC or post.author_id != actor.pk)
        )
    ids: list[int | None] = [post.organization_id, post.audience_id]
    if promotion is not None:
        ids.append(promotion.to_organization_id)
    names = posts.organization_names(ids) if located.schema != PUBLIC else {}
    video = None
    if post.file_key or post.hls_prefix or post.media_error:
        video = {
            "status": post.media_status,
            "progress": post.media_progress,
            "error": post.media_error,
            "duration_seconds": post.duration_seconds,
            "renditions": list(post.renditions),
            "play_url": hls_play_url(post.hls_prefix, post.duration_seconds) if post.hls_prefix else None,
            "poster_url": _url(post.poster_key),
            "file_name": post.file_name,
            "file_size": post.file_size,
        }
    return {
        **_row(located, actor, names),
        "body_html": post.body_html,
        "images": [
            {
                "url": _url(image.key),
                "thumbnail_url": _url(image.thumbnail_key or image.key),
                "caption": image.caption,
                "width": image.width,
                "height": image.height,
            }
            for image in images
        ],
        "video": video,
        "review_note": post.review_note,
        "reviewed_at": post.reviewed_at,
        "comments_enabled": post.comments_enabled,
        "comments_need_review": post.comments_need_review,
        "liked": ReactionKind.LIKE in mine,
        "favourited": ReactionKind.FAVOURITE in mine,
        "can_edit": editable,
        "can_moderate": moderator,
        "can_review": reviewer,
        "promotion": (
            {
                "id": promotion.pk,
                "to_organization": promotion.to_organization_id,
                "to_organization_name": names.get(promotion.to_organization_id, ""),
                "status": promotion.status,
                "note": promotion.note,
                "proposed_at": promotion.proposed_at,
            }
            if promotion is not None
            else None
        ),
    }


# ---------------------------------------------------------------- inputs


class PostCreateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=PostKind.choices)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    body_html = serializers.CharField(required=False, allow_blank=True, default="", max_length=500_000)
    marking = serializers.ChoiceField(choices=Marking.choices, default=Marking.INTERNAL)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, default=list, max_length=posts.MAX_TAGS
    )
    organization = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="the writing unit (a micro-video by a member: their own unit, may be left out; root host: none)",
    )
    cover_upload = serializers.UUIDField(required=False, allow_null=True, default=None)
    image_uploads = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, max_length=posts.MAX_IMAGES
    )
    captions = serializers.ListField(
        child=serializers.CharField(max_length=200, allow_blank=True), required=False, default=list
    )
    video_upload = serializers.UUIDField(required=False, allow_null=True, default=None)
    pinned = serializers.BooleanField(default=False)
    comments_enabled = serializers.BooleanField(default=True)
    comments_need_review = serializers.BooleanField(default=False)
    submit = serializers.BooleanField(
        default=False, help_text="send to review at once (root host: publish the group's post)"
    )


class PostUpdateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200, required=False)
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True)
    body_html = serializers.CharField(required=False, allow_blank=True, max_length=500_000)
    marking = serializers.ChoiceField(choices=Marking.choices, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=30), required=False, max_length=posts.MAX_TAGS)
    cover_upload = serializers.UUIDField(required=False, allow_null=True, help_text="null removes the cover")
    image_uploads = serializers.ListField(
        child=serializers.UUIDField(), required=False, max_length=posts.MAX_IMAGES, help_text="replaces the pictures"
    )
    captions = serializers.ListField(
        child=serializers.CharField(max_length=200, allow_blank=True), required=False, default=list
    )
    video_upload = serializers.UUIDField(required=False, help_text="replaces the video")
    pinned = serializers.BooleanField(required=False)
    comments_enabled = serializers.BooleanField(required=False)
    comments_need_review = serializers.BooleanField(required=False)


class NoteSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RejectSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=500)


LIST_PARAMETERS = [
    OpenApiParameter("kind", str, enum=PostKind.values),
    OpenApiParameter("status", str, enum=PostStatus.values),
    OpenApiParameter("organization", int, description="posts written by this unit"),
    OpenApiParameter("search", str, description="words in the title, summary or body"),
    OpenApiParameter("source", str, enum=["tenant", "group"], description="only the tenant's or the group's"),
    OpenApiParameter("mine", bool, description="only the posts I wrote"),
    OpenApiParameter("reviewable", bool, description="pending posts I may review"),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int),
]


class PostListParamsSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=PostKind.choices, required=False, default="")
    status = serializers.ChoiceField(choices=PostStatus.choices, required=False, default="")
    organization = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    search = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    source = serializers.ChoiceField(  # type: ignore[assignment]  # a field named like Field.source
        choices=["tenant", "group"], required=False, default=""
    )
    mine = serializers.BooleanField(required=False, default=False)
    reviewable = serializers.BooleanField(required=False, default=False)
    page = serializers.IntegerField(required=False, default=1, min_value=1, max_value=10_000)
    page_size = serializers.IntegerField(
        required=False, default=DEFAULT_PAGE_SIZE, min_value=1, max_value=MAX_PAGE_SIZE
    )


def _page_links(request: Request, page: int, total: int, page_size: int) -> tuple[str | None, str | None]:
    url = request.build_absolute_uri()
    following = replace_query_param(url, "page", page + 1) if page * page_size < total else None
    if page <= 1:
        return following, None
    previous = remove_query_param(url, "page") if page == 2 else replace_query_param(url, "page", page - 1)
    return following, previous


# ---------------------------------------------------------------- views


class PostListView(APIView):
    """``GET``: the posts I see here, pinned first then newest (on a tenant host the group's
    published posts merged in, ``source`` says which). ``POST``: write a post (a draft, or
    ``submit`` it at once)."""

    permission_classes = [UsesExchange]
    pagination_class = PagePagination  # so the schema describes the paginated envelope

    @extend_schema(
        parameters=LIST_PARAMETERS, responses=PostRowSerializer(many=True), operation_id="exchange_posts_list"
    )
    def get(self, request: Request) -> Response:
        values = validated(PostListParamsSerializer, request.query_params)
        actor = Actor.of(request)
        filters = posts.PostFilters(
            kind=values["kind"],
            status=values["status"],
            organization_id=values["organization"],
            text=values["search"],
            source=values["source"],
            mine=values["mine"],
            reviewable=values["reviewable"],
        )
        page, size = values["page"], values["page_size"]
        found = posts.list_posts(actor, filters, offset=(page - 1) * size, limit=size)
        following, previous = _page_links(request, page, found.total, size)
        body = {"count": found.total, "next": following, "previous": previous, "results": post_rows(found.rows, actor)}
        return Response(PostPageSerializer(body).data)

    @extend_schema(
        request=PostCreateSerializer, responses={201: PostDetailSerializer}, operation_id="exchange_posts_create"
    )
    def post(self, request: Request) -> Response:
        data = validated(PostCreateSerializer, request.data)
        actor = Actor.of(request)
        draft = posts.PostDraft(
            kind=data["kind"],
            title=data["title"],
            summary=data["summary"],
            body_html=data["body_html"],
            marking=data["marking"],
            tags=data["tags"],
            organization_id=data["organization"],
            cover_upload=data["cover_upload"],
            image_uploads=data["image_uploads"],
            captions=data["captions"],
            video_upload=data["video_upload"],
            pinned=data["pinned"],
            comments_enabled=data["comments_enabled"],
            comments_need_review=data["comments_need_review"],
        )
        post = posts.do_create_post(actor=actor, draft=draft, submit=data["submit"])
        return Response(PostDetailSerializer(_detail_of(actor, post.uuid)).data, status=201)


def _detail_of(actor: Actor, uuid: UUID) -> dict[str, Any]:
    return post_detail(posts.locate_post(actor, uuid), actor)


def _own(request: Request, uuid: UUID) -> tuple[Actor, Post]:
    """A post of this host's schema the caller sees (the group's posts are changed on the root host)."""
    actor = Actor.of(request)
    located = posts.locate_post(actor, uuid)
    if located.schema != active_schema():
        raise posts.post_not_found()
    return actor, located.post


class PostDetailView(APIView):
    """One post I may see (this host's or the group's); reading it counts a view."""

    permission_classes = [UsesExchange]

    @extend_schema(responses=PostDetailSerializer, operation_id="exchange_posts_retrieve")
    def get(self, request: Request, uuid: UUID) -> Response:
        actor = Actor.of(request)
        located = posts.locate_post(actor, uuid)
        if located.post.status == PostStatus.PUBLISHED:
            with posts.in_group_schema() if located.schema == PUBLIC else nullcontext():
                posts.do_record_view(located.post)
            located.post.view_count += 1
        return Response(PostDetailSerializer(post_detail(located, actor)).data)

    @extend_schema(request=PostUpdateSerializer, responses=PostDetailSerializer, operation_id="exchange_posts_update")
    def patch(self, request: Request, uuid: UUID) -> Response:
        """Change the content (draft, returned, withdrawn: author or a worker) or, for the unit's
        workers, ``pinned`` and the comment settings in any status."""
        actor, post = _own(request, uuid)
        data = validated(PostUpdateSerializer, request.data)
        changes = posts.PostChanges(
            title=data.get("title"),
            summary=data.get("summary"),
            body_html=data.get("body_html"),
            marking=data.get("marking"),
            tags=data.get("tags"),
            cover_upload=data.get("cover_upload"),
            clear_cover="cover_upload" in data and data["cover_upload"] is None,
            image_uploads=data.get("image_uploads"),
            captions=data.get("captions") or [],
            video_upload=data.get("video_upload"),
            pinned=data.get("pinned"),
            comments_enabled=data.get("comments_enabled"),
            comments_need_review=data.get("comments_need_review"),
        )
        posts.do_update_post(post, actor=actor, changes=changes)
        return Response(PostDetailSerializer(_detail_of(actor, uuid)).data)

    @extend_schema(responses={204: None}, operation_id="exchange_posts_destroy")
    def delete(self, request: Request, uuid: UUID) -> Response:
        """The author deletes an unpublished post; the unit's workers any."""
        actor, post = _own(request, uuid)
        posts.do_delete_post(post, actor=actor)
        return Response(status=204)


class _PostStepView(APIView):
    permission_classes = [UsesExchange]

    def _answer(self, actor: Actor, uuid: UUID) -> Response:
        return Response(PostDetailSerializer(_detail_of(actor, uuid)).data)


class PostSubmitView(_PostStepView):
    @extend_schema(request=None, responses=PostDetailSerializer, operation_id="exchange_posts_submit")
    def post(self, request: Request, uuid: UUID) -> Response:
        """Send to review (draft, returned, withdrawn). On the root host: publish the group's post."""
        actor, post = _own(request, uuid)
        posts.do_submit_post(post, actor=actor)
        return self._answer(actor, uuid)


class PostApproveView(_PostStepView):
    @extend_schema(request=NoteSerializer, responses=PostDetailSerializer, operation_id="exchange_posts_approve")
    def post(self, request: Request, uuid: UUID) -> Response:
        """Publish a pending post: a worker of its unit or above, never its author (``exchange.own_post_review``)."""
        actor, post = _own(request, uuid)
        data = validated(NoteSerializer, request.data)
        posts.do_approve_post(post, actor=actor, note=data["note"])
        return self._answer(actor, uuid)


class PostRejectView(_PostStepView):
    @extend_schema(request=RejectSerializer, responses=PostDetailSerializer, operation_id="exchange_posts_reject")
    def post(self, request: Request, uuid: UUID) -> Response:
        """Return a pending post to its author with a note."""
        actor, post = _own(request, uuid)
        data = validated(RejectSerializer, request.data)
        posts.do_reject_post(post, actor=actor, note=data["note"])
        return self._answer(actor, uuid)


class PostWithdrawView(_PostStepView):
    @extend_schema(request=NoteSerializer, responses=PostDetailSerializer, operation_id="exchange_posts_withdraw")
    def post(self, request: Request, uuid: UUID) -> Response:
        """Take back a pending or published post (its author or the unit's workers)."""
        actor, post = _own(request, uuid)
        data = validated(NoteSerializer, request.data)
        posts.do_withdraw_post(post, actor=actor, note=data["note"])
        return self._answer(actor, uuid)


class PostProposeView(_PostStepView):
    @extend_schema(request=NoteSerializer, responses=PostDetailSerializer, operation_id="exchange_posts_propose")
    def post(self, request: Request, uuid: UUID) -> Response:
        """Propose a published post to the level above its audience (that unit's workers decide)."""
        actor, post = _own(request, uuid)
        data = validated(NoteSerializer, request.data)
        posts.do_propose_to_parent(post, actor=actor, note=data["note"])
        return self._answer(actor, uuid)


class PostProposeToGroupView(_PostStepView):
    @extend_schema(
        request=NoteSerializer, responses=PostDetailSerializer, operation_id="exchange_posts_propose_to_group"
    )
    def post(self, request: Request, uuid: UUID) -> Response:
        """Propose a published post to the group (the learning showcase's proposals, ``source``
        ``exchange.post``; the group's acceptance makes a group post)."""
        actor, post = _own(request, uuid)
        data = validated(NoteSerializer, request.data)
        posts.do_propose_post_to_group(post, actor=actor, note=data["note"])
        return self._answer(actor, uuid)


# ---------------------------------------------------------------- promotions (to the level above)


class PromotionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    post = serializers.UUIDField()
    post_title = serializers.CharField()
    post_kind = serializers.ChoiceField(choices=PostKind.choices)
    from_organization = serializers.IntegerField()
    from_organization_name = serializers.CharField()
    to_organization = serializers.IntegerField()
    to_organization_name = serializers.CharField()
    status = serializers.ChoiceField(choices=ProposalStatus.choices)
    note = serializers.CharField()
    proposed_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()
    can_decide = serializers.BooleanField()


def _promotion_rows(promotions: list[PostPromotion], actor: Actor) -> list[dict[str, Any]]:
    ids: list[int | None] = []
    for promotion in promotions:
        ids += [promotion.from_organization_id, promotion.to_organization_id]
    names = posts.organization_names(ids)
    deciders = {pk: posts.is_worker_of(actor, pk) for pk in {promotion.to_organization_id for promotion in promotions}}
    return [
        {
            "id": promotion.pk,
            "post": promotion.post.uuid,
            "post_title": promotion.post.title,
            "post_kind": promotion.post.kind,
            "from_organization": promotion.from_organization_id,
            "from_organization_name": names.get(promotion.from_organization_id, ""),
            "to_organization": promotion.to_organization_id,
            "to_organization_name": names.get(promotion.to_organization_id, ""),
            "status": promotion.status,
            "note": promotion.note,
            "proposed_at": promotion.proposed_at,
            "decided_at": promotion.decided_at,
            "decision_note": promotion.decision_note,
            "can_decide": promotion.status == ProposalStatus.PROPOSED and deciders[promotion.to_organization_id],
        }
        for promotion in promotions
    ]


class PromotionListView(APIView):
    """Proposals of posts to the level above: those addressed to units I work for (to decide) and
    those from my units. ``?status=``, ``?incoming=true`` (only those I may decide)."""

    permission_classes = [UsesExchange]
    pagination_class = PagePagination  # so the schema describes the paginated envelope

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=ProposalStatus.values),
            OpenApiParameter("incoming", bool, description="only proposals addressed to my units"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=PromotionSerializer(many=True),
        operation_id="exchange_post_promotions_list",
    )
    def get(self, request: Request) -> Response:
        actor = Actor.of(request)
        rows = posts.visible_promotions(actor)
        status = request.query_params.get("status", "")
        if status in ProposalStatus.values:
            rows = rows.filter(status=status)
        if request.query_params.get("incoming") in ("true", "1"):
            rows = rows.filter(to_organization_id__in=posts.worker_unit_ids(actor))
        paginator = PagePagination()
        page = paginator.paginate_queryset(rows.order_by("-proposed_at", "-id"), request, view=self)
        return paginator.get_paginated_response(
            PromotionSerializer(_promotion_rows(list(page or []), actor), many=True).data
        )


class PromotionDecisionView(APIView):
    permission_classes = [UsesExchange]
    accept = True

    @extend_schema(request=NoteSerializer, responses=PromotionSerializer)
    def post(self, request: Request, promotion_id: int) -> Response:
        actor = Actor.of(request)
        data = validated(NoteSerializer, request.data)
        promotion = posts.find_promotion(actor, promotion_id)
        decided = posts.do_decide_promotion(promotion, actor=actor, accept=self.accept, note=data["note"])
        decided = PostPromotion.objects.select_related("post").get(pk=decided.pk)
        return Response(PromotionSerializer(_promotion_rows([decided], actor)[0]).data)


class PromotionAcceptView(PromotionDecisionView):
    """Accept: the post is seen by the whole subtree of my unit from now on."""

    accept = True

    @extend_schema(
        request=NoteSerializer, responses=PromotionSerializer, operation_id="exchange_post_promotions_accept"
    )
    def post(self, request: Request, promotion_id: int) -> Response:
        return super().post(request, promotion_id)


class PromotionDeclineView(PromotionDecisionView):
    accept = False

    @extend_schema(
        request=NoteSerializer, responses=PromotionSerializer, operation_id="exchange_post_promotions_decline"
    )
    def post(self, request: Request, promotion_id: int) -> Response:
        return super().post(request, promotion_id)


# ---------------------------------------------------------------- limits


class PostLimitsSerializer(serializers.Serializer[Any]):
    micro_video_max_seconds = serializers.IntegerField()
    micro_video_max_bytes = serializers.IntegerField()
    max_images = serializers.IntegerField()
    max_tags = serializers.IntegerField()
    image_types = serializers.ListField(child=serializers.CharField())
    video_types = serializers.ListField(child=serializers.CharField())


class PostLimitsView(APIView):
    """What an upload must respect here, to say it before the upload starts."""

    permission_classes = [UsesExchange]

    @extend_schema(responses=PostLimitsSerializer, operation_id="exchange_post_limits")
    def get(self, request: Request) -> Response:
        settings = posts.exchange_settings()
        body = {
            "micro_video_max_seconds": settings.micro_video_max_seconds,
            "micro_video_max_bytes": settings.micro_video_max_bytes,
            "max_images": posts.MAX_IMAGES,
            "max_tags": posts.MAX_TAGS,
            "image_types": sorted(uploads.IMAGE_TYPES),
            "video_types": sorted(uploads.VIDEO_TYPES),
        }
        return Response(PostLimitsSerializer(body).data)


urlpatterns: list[URLPattern | URLResolver] = [
    path("posts", PostListView.as_view(), name="exchange-posts"),
    path("posts/<uuid:uuid>", PostDetailView.as_view(), name="exchange-post"),
    path("posts/<uuid:uuid>/submit", PostSubmitView.as_view(), name="exchange-post-submit"),
    path("posts/<uuid:uuid>/approve", PostApproveView.as_view(), name="exchange-post-approve"),
    path("posts/<uuid:uuid>/reject", PostRejectView.as_view(), name="exchange-post-reject"),
    path("posts/<uuid:uuid>/withdraw", PostWithdrawView.as_view(), name="exchange-post-withdraw"),
    path("posts/<uuid:uuid>/propose", PostProposeView.as_view(), name="exchange-post-propose"),
    path("posts/<uuid:uuid>/propose-to-group", PostProposeToGroupView.as_view(), name="exchange-post-propose-group"),
    path("post-limits", PostLimitsView.as_view(), name="exchange-post-limits"),
    path("post-promotions", PromotionListView.as_view(), name="exchange-post-promotions"),
    path("post-promotions/<int:promotion_id>/accept", PromotionAcceptView.as_view(), name="exchange-promotion-accept"),
    path(
        "post-promotions/<int:promotion_id>/decline", PromotionDeclineView.as_view(), name="exchange-promotion-decline"
    ),
]
