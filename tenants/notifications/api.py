"""The caller's notifications in this tenant, their notification settings and push devices;
the tenant admin's view of deliveries outside the app (消息投递) with retry."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import IsTenantAdmin, IsTenantUser
from tenants.notifications.delivery import do_retry_delivery
from tenants.notifications.kinds import Channel, NotificationKind
from tenants.notifications.models import Delivery, DeliveryStatus, Notification
from tenants.notifications.preferences import (
    do_subscribe_push,
    do_unsubscribe_push,
    do_update_preferences,
    preference_matrix,
)
from tenants.notifications.services import do_mark_read, unread_count


def caller_id(request: Request) -> int:
    assert request.user.pk is not None
    return int(request.user.pk)


Count = inline_serializer("Count", {"count": serializers.IntegerField()})


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "created_at", "read_at"]
        read_only_fields = fields


class KindPreferenceSerializer(serializers.Serializer[dict[str, object]]):
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]  # DRF pops declared fields off the class
    channels = serializers.DictField(child=serializers.BooleanField(), help_text="channel → on")


class ChannelReachSerializer(serializers.Serializer[dict[str, object]]):
    channel = serializers.ChoiceField(choices=Channel.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # DRF pops declared fields off the class
    reachable = serializers.BooleanField()
    reason = serializers.CharField(help_text="why this person cannot be reached on it ('' when reachable)")


@extend_schema_field({"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$", "example": "22:00"})
class HourMinuteField(serializers.TimeField):
    """A local time of day as HH:MM (an OpenAPI ``time`` would need seconds and an offset)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class QuietHoursSerializer(serializers.Serializer[dict[str, object]]):
    enabled = serializers.BooleanField()
    start = HourMinuteField()
    end = HourMinuteField()


class PushStateSerializer(serializers.Serializer[dict[str, object]]):
    public_key = serializers.CharField(help_text="VAPID application server key ('' when push is off)")
    devices = serializers.IntegerField()


class NotificationSettingsSerializer(serializers.Serializer[dict[str, object]]):
    kinds = KindPreferenceSerializer(many=True)
    channels = ChannelReachSerializer(many=True)
    quiet_hours = QuietHoursSerializer()
    push = PushStateSerializer()


class PreferenceChangeSerializer(serializers.Serializer[dict[str, object]]):
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    enabled = serializers.BooleanField()


class NotificationSettingsChangeSerializer(serializers.Serializer[dict[str, object]]):
    preferences = PreferenceChangeSerializer(many=True, required=False, default=list)
    quiet_hours = QuietHoursSerializer(required=False)


class PushKeysSerializer(serializers.Serializer[dict[str, str]]):
    p256dh = serializers.CharField(max_length=200)
    auth = serializers.CharField(max_length=100)


class PushSubscriptionSerializer(serializers.Serializer[dict[str, object]]):
    """What ``PushSubscription.toJSON()`` gives in the browser."""

    endpoint = serializers.URLField(max_length=1000)
    keys = PushKeysSerializer(required=False)


def push_state(request: Request) -> dict[str, object]:
    return dict(PushStateSerializer(preference_matrix(request.user)["push"]).data)  # type: ignore[arg-type]


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Notification]):
    """Notifications of the signed-in user here, newest first; ``?unread=true`` filters."""

    permission_classes = [IsTenantUser]
    serializer_class = NotificationSerializer

    queryset = Notification.objects.none()  # for the schema generator; see get_queryset

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        queryset = Notification.objects.filter(user_id=caller_id(self.request))
        if self.request.query_params.get("unread") in {"1", "true"}:
            queryset = queryset.filter(read_at__isnull=True)
        return queryset

    @extend_schema(responses=Count)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request) -> Response:
        return Response({"count": unread_count(caller_id(request))})

    @extend_schema(request=None, responses=Count)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = self.get_object()
        do_mark_read(caller_id(request), notification.pk)
        return Response({"count": unread_count(caller_id(request))})

    @extend_schema(methods=["GET"], responses=NotificationSettingsSerializer)
    @extend_schema(
        methods=["PUT"], request=NotificationSettingsChangeSerializer, responses=NotificationSettingsSerializer
    )
    @action(detail=False, methods=["get", "put"], url_path="settings")
    def notification_settings(self, request: Request) -> Response:
        """通知设置: per kind × channel, quiet hours, push devices; PUT changes what it sends."""
        if request.method == "GET":
            return Response(NotificationSettingsSerializer(preference_matrix(request.user)).data)  # type: ignore[arg-type]
        change = NotificationSettingsChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        matrix = do_update_preferences(
            request.user,  # type: ignore[arg-type]
            change.validated_data["preferences"],
            change.validated_data.get("quiet_hours"),
        )
        return Response(NotificationSettingsSerializer(matrix).data)

    @extend_schema(request=PushSubscriptionSerializer, responses={201: PushStateSerializer})
    @action(detail=False, methods=["post"], url_path="push-subscriptions")
    def push_subscribe(self, request: Request) -> Response:
        """This browser's subscription (``PushSubscription.toJSON()``) receives push from now on."""
        body = PushSubscriptionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        keys = body.validated_data.get("keys") or {}
        do_subscribe_push(
            request.user,  # type: ignore[arg-type]
            body.validated_data["endpoint"],
            keys.get("p256dh", ""),
            keys.get("auth", ""),
            request.headers.get("User-Agent", ""),
        )
        return Response(push_state(request), status=status.HTTP_201_CREATED)

    @extend_schema(request=PushSubscriptionSerializer, responses=PushStateSerializer)
    @action(detail=False, methods=["post"], url_path="push-subscriptions/remove")
    def push_unsubscribe(self, request: Request) -> Response:
        """This browser no longer receives push (a POST: clients drop DELETE bodies)."""
        body = PushSubscriptionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        do_unsubscribe_push(request.user, body.validated_data["endpoint"])  # type: ignore[arg-type]
        return Response(push_state(request))

    @extend_schema(request=None, responses=Count)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        do_mark_read(caller_id(request))
        return Response({"count": 0})


class NotificationDeliverySerializer(serializers.ModelSerializer[Delivery]):
    title = serializers.CharField(source="notification.title", read_only=True)
    kind = serializers.CharField(source="notification.kind", read_only=True)
    kind_label = serializers.CharField(source="notification.get_kind_display", read_only=True)
    recipient = serializers.CharField(source="notification.user.name", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "channel",
            "status",
            "attempts",
            "last_error",
            "next_attempt_at",
            "sent_at",
            "created_at",
            "title",
            "kind",
            "kind_label",
            "recipient",
        ]
        read_only_fields = fields


StatusCounts = inline_serializer(
    "DeliveryStatusCounts", {status: serializers.IntegerField() for status in DeliveryStatus.values}
)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("kind", str, enum=NotificationKind.values, description="notification kind")]
    )
)
class DeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Delivery]):
    """消息投递 (tenant admin): deliveries outside the app, newest first; ``?status=dead`` is the
    dead-letter list; filter by ``channel`` and ``kind``, search by title or recipient."""

    permission_classes = [IsTenantAdmin]
    serializer_class = NotificationDeliverySerializer
    queryset = Delivery.objects.select_related("notification__user")
    filterset_fields = ["status", "channel"]
    search_fields = ["notification__title", "notification__user__name"]
    ordering_fields = ["created_at", "next_attempt_at", "attempts"]

    def get_queryset(self) -> QuerySet[Delivery]:
        queryset = super().get_queryset()
        if kind := self.request.query_params.get("kind"):
            queryset = queryset.filter(notification__kind=kind)
        return queryset

    @extend_schema(responses=StatusCounts)
    @action(detail=False, methods=["get"])
    def summary(self, request: Request) -> Response:
        """How many deliveries are in each status (the page's tabs)."""
        counts = dict(Delivery.objects.values_list("status").annotate(n=models.Count("id")))
        return Response({value: counts.get(value, 0) for value in DeliveryStatus.values})

    @extend_schema(request=None, responses=NotificationDeliverySerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        """Send a dead or failing delivery again now."""
        delivery = do_retry_delivery(self.get_object().pk, actor=Actor.of(request))
        return Response(NotificationDeliverySerializer(self.get_queryset().get(pk=delivery.pk)).data)
