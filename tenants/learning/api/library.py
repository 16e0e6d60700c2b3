"""Library endpoints: categories, resources (managed in the library of the host), reading any
visible resource, video playback, the showcase and the regulations library."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.core import signing
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import IsGroupAdminOrViewerReadOnly
from partycloud.core.api import validated
from partycloud.core.errors import NotFoundError
from partycloud.uploads.services import download_url
from services.media.hls import is_safe_relative, rewrite_media_playlist
from services.storage import DataClass, get_storage
from tenants.learning.api.writes import ServiceModelViewSet
from tenants.learning.errors import LearningCode
from tenants.learning.library import (
    Located,
    ResourceChanges,
    ResourceDraft,
    do_create_category,
    do_create_resource,
    do_decide_proposal,
    do_delete_category,
    do_delete_resource,
    do_propose_to_showcase,
    do_publish_resource,
    do_unpublish_resource,
    do_update_category,
    do_update_resource,
    locate_resource,
)
from tenants.learning.media import HLS_MAX_SECONDS, HLS_SALT, hls_play_url
from tenants.learning.models import (
    Category,
    GalleryImage,
    Marking,
    MediaStatus,
    Regulation,
    RegulationArticle,
    Resource,
    ResourceKind,
    ResourceStatus,
    ShowcaseProposal,
    StudyRecord,
)
from tenants.learning.permissions import ManagesLibrary, ReadsLibrary, is_library_manager
from tenants.learning.regulations import (
    ReadableRegulation,
    RegulationDraft,
    do_create_regulation,
    do_delete_regulation,
    do_publish_regulation,
    read_regulation,
    readable_regulations,
)
from tenants.learning.search import resource_source_label


class CategorySerializer(serializers.ModelSerializer[Category]):
    class Meta:
        model = Category
        fields = ["id", "name", "position"]


class CategoryViewSet(ServiceModelViewSet[Category]):
    """Categories of the library of this host."""

    permission_classes = [ManagesLibrary]
    serializer_class = CategorySerializer
    queryset = Category.objects.all()
    pagination_class = None
    filter_backends: list[Any] = []

    create_with = do_create_category
    update_with = do_update_category
    delete_with = do_delete_category


class GalleryImageSerializer(serializers.ModelSerializer[GalleryImage]):
    class Meta:
        model = GalleryImage
        fields = ["position", "caption", "width", "height"]


class ResourceSerializer(serializers.ModelSerializer[Resource]):
    id = serializers.UUIDField(source="uuid", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True, default="")
    has_cover = serializers.SerializerMethodField()
    images = GalleryImageSerializer(many=True, read_only=True)

    class Meta:
        model = Resource
        fields = [
            "id", "kind", "title", "summary", "body_html", "link_url", "category", "category_name", "tags",
            "marking", "status", "file_name", "file_type", "file_size", "has_cover", "media_status",
            "media_progress", "media_error", "duration_seconds", "renditions", "showcase_status", "origin_name",
            "images", "created_at", "updated_at", "published_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_has_cover(self, resource: Resource) -> bool:
        return bool(resource.cover_key)


class ResourceCreateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ResourceKind.choices)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    body_html = serializers.CharField(required=False, allow_blank=True, default="", max_length=500_000)
    link_url = serializers.URLField(required=False, allow_blank=True, default="", max_length=500)
    category = serializers.IntegerField(required=False, allow_null=True, default=None)
    tags = serializers.ListField(child=serializers.CharField(max_length=30), required=False, default=list)
    marking = serializers.ChoiceField(choices=Marking.choices, default=Marking.INTERNAL)
    file_upload = serializers.UUIDField(required=False, allow_null=True, default=None)
    cover_upload = serializers.UUIDField(required=False, allow_null=True, default=None)
    image_uploads = serializers.ListField(child=serializers.UUIDField(), required=False, default=list, max_length=100)
    captions = serializers.ListField(
        child=serializers.CharField(max_length=200, allow_blank=True), required=False, default=list
    )
    publish = serializers.BooleanField(default=False)


class ResourceUpdateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200, required=False)
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True)
    body_html = serializers.CharField(required=False, allow_blank=True, max_length=500_000)
    link_url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    category = serializers.IntegerField(required=False, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=30), required=False)
    marking = serializers.ChoiceField(choices=Marking.choices, required=False)


class ProposeSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ResourceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Resource],
):
    """The library of this host, as its managers see it (drafts included); readers see what is
    published. ``?status=``, ``?kind=``, ``?category=``, ``?search=`` (title)."""

    permission_classes = [ManagesLibrary]
    serializer_class = ResourceSerializer
    lookup_field = "uuid"
    filterset_fields = ["status", "kind", "category", "showcase_status", "media_status"]
    search_fields = ["title"]
    ordering_fields = ["created_at", "published_at", "title"]

    def get_queryset(self) -> QuerySet[Resource]:
        rows = Resource.objects.select_related("category").prefetch_related("images").order_by("-created_at", "-id")
        if not is_library_manager(Actor.of(self.request)):
            rows = rows.filter(status=ResourceStatus.PUBLISHED)
        return rows

    @extend_schema(request=ResourceCreateSerializer, responses={201: ResourceSerializer})
    def create(self, request: Request) -> Response:
        data = validated(ResourceCreateSerializer, request.data)
        draft = ResourceDraft(
            kind=data["kind"],
            title=data["title"],
            summary=data["summary"],
            body_html=data["body_html"],
            link_url=data["link_url"],
            category_id=data["category"],
            tags=data["tags"],
            marking=data["marking"],
            file_upload=data["file_upload"],
            cover_upload=data["cover_upload"],
            image_uploads=data["image_uploads"],
            captions=data["captions"],
        )
        resource = do_create_resource(actor=Actor.of(request), draft=draft, publish=data["publish"])
        return Response(ResourceSerializer(self._fresh(resource)).data, status=201)

    @extend_schema(request=ResourceUpdateSerializer, responses=ResourceSerializer)
    def partial_update(self, request: Request, uuid: str) -> Response:
        resource = self.get_object()
        data = validated(ResourceUpdateSerializer, request.data)
        changes = ResourceChanges(
            title=data.get("title"),
            summary=data.get("summary"),
            body_html=data.get("body_html"),
            link_url=data.get("link_url"),
            category_id=data.get("category"),
            clear_category="category" in data and data["category"] is None,
            tags=data.get("tags"),
            marking=data.get("marking"),
        )
        do_update_resource(resource, actor=Actor.of(request), changes=changes)
        return Response(ResourceSerializer(self._fresh(resource)).data)

    def perform_destroy(self, instance: Resource) -> None:
        do_delete_resource(instance, actor=Actor.of(self.request))

    @extend_schema(request=None, responses=ResourceSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, uuid: str) -> Response:
        resource = do_publish_resource(self.get_object(), actor=Actor.of(request))
        return Response(ResourceSerializer(self._fresh(resource)).data)

    @extend_schema(request=None, responses=ResourceSerializer)
    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, uuid: str) -> Response:
        resource = do_unpublish_resource(self.get_object(), actor=Actor.of(request))
        return Response(ResourceSerializer(self._fresh(resource)).data)

    @extend_schema(request=ProposeSerializer, responses=ResourceSerializer)
    @action(detail=True, methods=["post"])
    def propose(self, request: Request, uuid: str) -> Response:
        """Offer this resource to the group's showcase (the group approves or declines)."""
        data = validated(ProposeSerializer, request.data)
        resource = self.get_object()
        do_propose_to_showcase(resource, actor=Actor.of(request), note=data["note"])
        return Response(ResourceSerializer(self._fresh(resource)).data)

    def _fresh(self, resource: Resource) -> Resource:
        return (
            self.get_queryset().model.objects.select_related("category").prefetch_related("images").get(pk=resource.pk)
        )


# ---------------------------------------------------------------- reading


class FileLinkSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    type = serializers.CharField()
    size = serializers.IntegerField(allow_null=True)
    url = serializers.CharField()


class ImageLinkSerializer(serializers.Serializer[Any]):
    url = serializers.CharField()
    thumbnail_url = serializers.CharField()
    caption = serializers.CharField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)


class VideoSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=MediaStatus.choices)
    progress = serializers.FloatField()
    duration_seconds = serializers.FloatField(allow_null=True)
    renditions = serializers.ListField(child=serializers.CharField())
    play_url = serializers.CharField(allow_null=True, help_text="HLS master playlist (signed, short-lived)")


class ItemStudySerializer(serializers.Serializer[Any]):
    seconds = serializers.IntegerField()
    position = serializers.FloatField()
    completed = serializers.BooleanField()


class LibraryItemSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=ResourceKind.choices)
    title = serializers.CharField()
    summary = serializers.CharField()
    body_html = serializers.CharField(help_text="sanitized HTML (articles)")
    link_url = serializers.CharField()
    category_name = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    marking = serializers.ChoiceField(choices=Marking.choices)
    source = serializers.ChoiceField(  # type: ignore[assignment]  # a field named like Field.source
        choices=[("group", "group"), ("tenant", "tenant"), ("showcase", "showcase")]
    )
    origin_name = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    cover_url = serializers.CharField(allow_null=True)
    file = FileLinkSerializer(allow_null=True)
    preview_urls = serializers.ListField(child=serializers.CharField())
    images = ImageLinkSerializer(many=True)
    video = VideoSerializer(allow_null=True)
    my_study = ItemStudySerializer()


def _url(key: str, **options: Any) -> str | None:
    return download_url(DataClass.MEDIA, key, **options) if key else None


def library_item(located: Located, user: Any) -> dict[str, Any]:
    resource = located.resource
    record = StudyRecord.objects.filter(user=user, resource_uuid=resource.uuid).first()
    video = None
    if resource.kind == ResourceKind.VIDEO:
        video = {
            "status": resource.media_status,
            "progress": resource.media_progress,
            "duration_seconds": resource.duration_seconds,
            "renditions": list(resource.renditions),
            "play_url": hls_master_url(resource) if resource.media_status == MediaStatus.READY else None,
        }
    return {
        "id": resource.uuid,
        "kind": resource.kind,
        "title": resource.title,
        "summary": resource.summary,
        "body_html": resource.body_html,
        "link_url": resource.link_url,
        "category_name": resource.category.name if resource.category else "",
        "tags": list(resource.tags),
        "marking": resource.marking,
        "source": resource_source_label(resource, located.schema),
        "origin_name": resource.origin_name,
        "published_at": resource.published_at,
        "cover_url": _url(resource.cover_key),
        "file": (
            {
                "name": resource.file_name,
                "type": resource.file_type,
                "size": resource.file_size,
                "url": _url(resource.file_key, filename=resource.file_name, inline=False),
            }
            if resource.file_key and resource.kind == ResourceKind.DOCUMENT
            else None
        ),
        "preview_urls": [_url(key) for key in resource.preview_keys],
        "images": [
            {
                "url": _url(image.key),
                "thumbnail_url": _url(image.thumbnail_key or image.key),
                "caption": image.caption,
                "width": image.width,
                "height": image.height,
            }
            for image in resource.images.all()
        ],
        "video": video,
        "my_study": {
            "seconds": record.seconds if record else 0,
            "position": record.position if record else 0,
            "completed": bool(record and record.completed_at),
        },
    }


class LibraryItemView(APIView):
    """Read one resource visible here: this library's own, or the group's shared library."""

    permission_classes = [ReadsLibrary]

    @extend_schema(responses=LibraryItemSerializer)
    def get(self, request: Request, uuid: UUID) -> Response:
        located = locate_resource(uuid, include_unpublished=is_library_manager(Actor.of(request)))
        return Response(LibraryItemSerializer(library_item(located, request.user)).data)


class LibraryCoverView(APIView):
    """The cover picture of a visible resource (a redirect to a short-lived URL), for lists."""

    permission_classes = [ReadsLibrary]

    @extend_schema(responses={302: OpenApiResponse(description="redirect to the picture")})
    def get(self, request: Request, uuid: UUID) -> HttpResponse:
        located = locate_resource(uuid, include_unpublished=is_library_manager(Actor.of(request)))
        if located.resource.cover_key:
            get_storage().check_available()  # no redirect to a store that does not answer
        url = _url(located.resource.cover_key)
        if url is None:
            raise NotFoundError(LearningCode.NO_COVER, _("This resource has no cover picture."))
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, max-age=300"
        return response


def hls_master_url(resource: Resource) -> str:
    return hls_play_url(resource.hls_prefix, resource.duration_seconds)


def hls_playlist(request: HttpRequest, token: str, path: str) -> HttpResponse:
    """A playlist of a transcoded video, its segments as short-lived URLs of the store.

    The signed token is the authorization (players fetch playlists without our headers);
    it names the video's key prefix, which carries the schema, and expires with the video.
    """
    try:
        claims = signing.loads(token, salt=HLS_SALT, max_age=HLS_MAX_SECONDS)
        lifetime = int(claims["t"])
        signing.loads(token, salt=HLS_SALT, max_age=lifetime)
        prefix = str(claims["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return HttpResponse(status=403)
    if not path.endswith(".m3u8") or not is_safe_relative(path):
        return HttpResponse(status=404)
    storage = get_storage()
    key = f"{prefix}/{path}"
    if storage.stat(DataClass.MEDIA, key) is None:
        return HttpResponse(status=404)
    text = storage.read_range(DataClass.MEDIA, key).decode("utf-8")
    folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    if "#EXT-X-STREAM-INF" not in text:
        expires = timedelta(seconds=lifetime)
        text = rewrite_media_playlist(
            text, lambda uri: storage.presign_get(DataClass.MEDIA, f"{prefix}/{folder}{uri}", expires=expires)
        )
    response = HttpResponse(text, content_type="application/vnd.apple.mpegurl")
    response["Cache-Control"] = "private, max-age=60"
    return response


# ---------------------------------------------------------------- showcase


class ShowcaseProposalSerializer(serializers.ModelSerializer[ShowcaseProposal]):
    class Meta:
        model = ShowcaseProposal
        fields = [
            "id", "tenant_schema", "tenant_name", "source", "resource_uuid", "title", "kind", "note", "status",
            "proposed_at", "decided_at", "decision_note", "copy_uuid",
        ]  # fmt: skip
        read_only_fields = fields


class ShowcaseDecisionSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ShowcaseProposalViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ShowcaseProposal]
):
    """Proposals to the group's showcase (root host): group admins decide, viewers look.
    ``source`` says what is proposed: ``learning.resource`` or ``exchange.post`` (a post's group
    copy is a group post). A tenant follows its proposals through each item's status."""

    permission_classes = [IsGroupAdminOrViewerReadOnly]
    serializer_class = ShowcaseProposalSerializer
    filterset_fields = ["status", "source"]
    queryset = ShowcaseProposal.objects.all()

    @extend_schema(request=ShowcaseDecisionSerializer, responses=ShowcaseProposalSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._decide(request, approve=True)

    @extend_schema(request=ShowcaseDecisionSerializer, responses=ShowcaseProposalSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        return self._decide(request, approve=False)

    def _decide(self, request: Request, *, approve: bool) -> Response:
        data = validated(ShowcaseDecisionSerializer, request.data)
        proposal = do_decide_proposal(self.get_object(), actor=Actor.of(request), approve=approve, note=data["note"])
        return Response(ShowcaseProposalSerializer(proposal).data)


# ---------------------------------------------------------------- regulations


class RegulationArticleSerializer(serializers.ModelSerializer[RegulationArticle]):
    class Meta:
        model = RegulationArticle
        fields = ["id", "position", "number", "heading", "text"]


class RegulationSerializer(serializers.ModelSerializer[Regulation]):
    id = serializers.UUIDField(source="uuid", read_only=True)
    article_count = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Regulation
        fields = [
            "id", "title", "issuer", "issued_on", "marking", "status", "file_name", "file_url", "article_count",
            "created_at", "published_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_article_count(self, regulation: Regulation) -> int:
        # Lists annotate it (RegulationViewSet.get_queryset): one COUNT per regulation otherwise.
        counted = getattr(regulation, "article_total", None)
        return int(counted) if counted is not None else regulation.articles.count()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_file_url(self, regulation: Regulation) -> str | None:
        return _url(regulation.file_key, filename=regulation.file_name, inline=False)


class RegulationCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    issuer = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    issued_on = serializers.DateField(required=False, allow_null=True, default=None)
    marking = serializers.ChoiceField(choices=Marking.choices, default=Marking.PUBLIC)
    upload = serializers.UUIDField()
    publish = serializers.BooleanField(default=False)


class RegulationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet[Regulation]
):
    """The regulations library of this host; upload a document and its articles are split out."""

    permission_classes = [ManagesLibrary]
    serializer_class = RegulationSerializer
    lookup_field = "uuid"
    filterset_fields = ["status"]
    search_fields = ["title", "issuer"]

    def get_queryset(self) -> QuerySet[Regulation]:
        # order_by repeats Meta.ordering, which a GROUP BY query drops.
        rows = Regulation.objects.annotate(article_total=Count("articles")).order_by("-issued_on", "-id")
        if not is_library_manager(Actor.of(self.request)):
            rows = rows.filter(status=ResourceStatus.PUBLISHED)
        return rows

    @extend_schema(request=RegulationCreateSerializer, responses={201: RegulationSerializer})
    def create(self, request: Request) -> Response:
        data = validated(RegulationCreateSerializer, request.data)
        draft = RegulationDraft(
            title=data["title"],
            upload=data["upload"],
            issuer=data["issuer"],
            issued_on=data["issued_on"],
            marking=data["marking"],
        )
        regulation = do_create_regulation(actor=Actor.of(request), draft=draft, publish=data["publish"])
        return Response(RegulationSerializer(regulation).data, status=201)

    def perform_destroy(self, instance: Regulation) -> None:
        do_delete_regulation(instance, actor=Actor.of(self.request))

    @extend_schema(request=None, responses=RegulationSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, uuid: str) -> Response:
        return Response(RegulationSerializer(do_publish_regulation(self.get_object(), actor=Actor.of(request))).data)

    @extend_schema(request=None, responses=RegulationSerializer)
    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, uuid: str) -> Response:
        regulation = do_publish_regulation(self.get_object(), actor=Actor.of(request), published=False)
        return Response(RegulationSerializer(regulation).data)

    @extend_schema(responses=RegulationArticleSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def articles(self, request: Request, uuid: str) -> Response:
        regulation = self.get_object()
        return Response(RegulationArticleSerializer(regulation.articles.all(), many=True).data)


# ---------------------------------------------------------------- reading regulations (every reader)


class ReadableRegulationSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    title = serializers.CharField()
    issuer = serializers.CharField()
    issued_on = serializers.DateField(allow_null=True)
    source = serializers.CharField(  # type: ignore[assignment]  # a field named like Field.source
        help_text="tenant: this library's own; group: the group's shared library"
    )
    article_count = serializers.IntegerField()
    published_at = serializers.DateTimeField(allow_null=True)
    file_name = serializers.CharField()
    file_url = serializers.CharField(allow_null=True)


class RegulationReaderSerializer(ReadableRegulationSerializer):
    articles = RegulationArticleSerializer(many=True)


def _readable(found: ReadableRegulation) -> dict[str, Any]:
    regulation = found.regulation
    row: dict[str, Any] = {
        "id": regulation.uuid,
        "title": regulation.title,
        "issuer": regulation.issuer,
        "issued_on": regulation.issued_on,
        "source": found.source,
        "article_count": found.article_count,
        "published_at": regulation.published_at,
        "file_name": regulation.file_name,
        "file_url": _url(regulation.file_key, filename=regulation.file_name, inline=False),
    }
    if found.articles is not None:
        row["articles"] = found.articles
    return row


class LibraryRegulationsView(APIView):
    """党规党章 for readers: the published regulations of this library and, on a tenant host, the
    group's shared ones (read-only). Managers edit theirs under ``regulations``."""

    permission_classes = [ReadsLibrary]

    @extend_schema(responses=ReadableRegulationSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = [_readable(found) for found in readable_regulations()]
        return Response(ReadableRegulationSerializer(rows, many=True).data)


class LibraryRegulationView(APIView):
    """One published regulation with its articles, this library's own or the group's shared one."""

    permission_classes = [ReadsLibrary]

    @extend_schema(responses=RegulationReaderSerializer)
    def get(self, request: Request, uuid: UUID) -> Response:
        return Response(RegulationReaderSerializer(_readable(read_regulation(uuid))).data)
