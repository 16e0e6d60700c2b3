"""Live lessons on the tenant host: schedule, change, cancel, and the stream key (shown once)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import HasTenantRole
from partycloud.core.api import ChoiceLabelField
from tenants.live.materials import attach_materials, cover_url, materials_of
from tenants.live.models import Lesson, StreamKey
from tenants.live.services import (
    ORGANIZERS,
    do_cancel_lesson,
    do_issue_stream_key,
    do_schedule_lesson,
    do_update_lesson,
    visible_lessons,
)
from tenants.organizations.models import Organization


class CanOrganizeLessons(HasTenantRole):
    roles = ORGANIZERS


class MaterialSerializer(serializers.Serializer[Any]):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    kind = serializers.CharField()
    shared = serializers.BooleanField(help_text="from the group's shared library")


class MaterialField(serializers.Field):  # type: ignore[type-arg]
    """Materials: read as ``{uuid, title, kind, shared}``, written as a list of resource uuids
    (this library's published ones or the group's shared ones)."""

    def to_representation(self, value: Any) -> Any:
        return value

    def get_attribute(self, instance: Lesson) -> Any:
        return materials_of(instance)

    def to_internal_value(self, data: Any) -> list[str]:
        if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
            raise serializers.ValidationError("a list of resource uuids")
        return data


class MaterialFieldSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]  # untyped in drf-spectacular
    """OpenAPI of ``MaterialField``: uuids in requests, resources in responses."""

    target_class = MaterialField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        if direction == "request":
            return {"type": "array", "items": {"type": "string", "format": "uuid"}, "description": "resource uuids"}
        return {"type": "array", "items": auto_schema.resolve_serializer(MaterialSerializer, direction).ref}


class LessonSerializer(serializers.ModelSerializer[Lesson]):
    title = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        allow_null=True,
        required=False,
        help_text="the audience; null: the whole tenant",
    )
    organization_name = serializers.CharField(source="organization.name", read_only=True, default="")
    organizer_name = serializers.SerializerMethodField()
    status_label = ChoiceLabelField("status")
    has_stream_key = serializers.SerializerMethodField()
    scope = serializers.SerializerMethodField()
    cover = serializers.UUIDField(
        source="cover_upload", allow_null=True, required=False, help_text="a verified upload (purpose live_cover)"
    )
    cover_url = serializers.SerializerMethodField()
    materials = MaterialField(required=False)

    scope_value = "tenant"

    class Meta:
        model = Lesson
        fields = [
            "id", "scope", "title", "lecturer", "description", "starts_at", "planned_end_at", "organization",
            "organization_name", "counts_as_party_lesson", "cover", "cover_url", "materials", "organizer",
            "organizer_name", "status", "status_label", "went_live_at", "ended_at", "has_stream_key", "created_at",
        ]  # fmt: skip
        read_only_fields = ["organizer", "status", "went_live_at", "ended_at", "created_at"]

    def get_organizer_name(self, lesson: Lesson) -> str:
        return lesson.organizer.name if lesson.organizer is not None else ""

    def get_has_stream_key(self, lesson: Lesson) -> bool:
        return bool(getattr(lesson, "has_stream_key", False))

    @extend_schema_field(serializers.ChoiceField(choices=["tenant", "group"]))
    def get_scope(self, lesson: Lesson) -> str:
        return self.scope_value

    def get_cover_url(self, lesson: Lesson) -> str | None:
        return cover_url(lesson)


class ObsHintSerializer(serializers.Serializer[Any]):
    setting = serializers.CharField()
    value = serializers.CharField()


class IssuedKeySerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="the stream key, shown only now: the platform keeps only its hash")
    rtmp_url = serializers.CharField(help_text="the encoder's server URL; empty when no media server is configured")
    media_server_configured = serializers.BooleanField()
    obs = ObsHintSerializer(many=True)
    created_at = serializers.DateTimeField()


def obs_hints(rtmp_url: str) -> list[dict[str, str]]:
    """What to set in OBS (Settings → Stream and Output) to stream a lesson."""
    return [
        {"setting": _("Service"), "value": _("Custom...")},
        {"setting": _("Server"), "value": rtmp_url or _("(the media server is not configured)")},
        {"setting": _("Stream Key"), "value": _("the key above")},
        {"setting": _("Keyframe Interval"), "value": _("2 s")},
        {"setting": _("Rate Control"), "value": _("CBR, 2500 Kbps at 1280×720, 30 fps")},
        {"setting": _("Audio"), "value": _("AAC, 128 Kbps")},
    ]


def lesson_changes(serializer: serializers.Serializer[Any]) -> dict[str, Any]:
    """The validated fields as the lesson services take them (``cover`` is the upload id)."""
    data = dict(serializer.validated_data)
    if "cover_upload" in data:
        data["cover"] = data.pop("cover_upload")
    return data


class LessonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Lesson],
):
    """Live lessons (``?status=``, ``?organization=``): a tenant admin schedules any, a secretary
    those for an audience their scope covers."""

    permission_classes = [CanOrganizeLessons]
    serializer_class = LessonSerializer
    filterset_fields = ["status", "organization", "counts_as_party_lesson"]
    search_fields = ["title", "lecturer"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Lesson]:
        active_key = StreamKey.objects.filter(lesson=OuterRef("pk"), revoked_at__isnull=True)
        return (
            visible_lessons(Actor.of(self.request))
            .select_related("organizer")
            .annotate(has_stream_key=Exists(active_key))
        )

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        if page is not None:
            attach_materials(list(page))  # two queries for the page, not two per lesson
        return page

    def perform_create(self, serializer: LessonSerializer) -> None:  # type: ignore[override]
        serializer.instance = do_schedule_lesson(actor=Actor.of(self.request), **lesson_changes(serializer))

    def perform_update(self, serializer: LessonSerializer) -> None:  # type: ignore[override]
        lesson = serializer.instance
        assert lesson is not None  # an update always has its object
        serializer.instance = do_update_lesson(lesson, actor=Actor.of(self.request), **lesson_changes(serializer))

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True  # PATCH only
        super().update(request, *args, **kwargs)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=None, responses=LessonSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Cancel a lesson that has not gone live; its stream key stops working."""
        do_cancel_lesson(self.get_object(), actor=Actor.of(request))
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=None, responses={201: IssuedKeySerializer})
    @action(detail=True, methods=["post"], url_path="stream-key")
    def stream_key(self, request: Request, pk: str | None = None) -> Response:
        """Issue the lesson's stream key, or a new one (the previous stops working): the key is
        in this answer only. It works from 30 minutes before the start to 60 after the planned end."""
        issued = do_issue_stream_key(self.get_object(), actor=Actor.of(request))
        rtmp_url = settings.LIVE_RTMP_URL
        body = {
            "key": issued.key, "rtmp_url": rtmp_url, "media_server_configured": bool(rtmp_url),
            "obs": obs_hints(rtmp_url), "created_at": issued.stream_key.created_at,
        }  # fmt: skip
        return Response(IssuedKeySerializer(body).data, status=201)
