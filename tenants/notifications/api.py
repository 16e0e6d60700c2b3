"""The caller's notifications in this tenant."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.access.permissions import IsTenantUser
from tenants.notifications.models import Notification
from tenants.notifications.services import do_mark_read, unread_count


def caller_id(request: Request) -> int:
    assert request.user.pk is not None
    return int(request.user.pk)


Count = inline_serializer("Count", {"count": serializers.IntegerField()})


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "link", "created_at", "read_at"]
        read_only_fields = fields


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

    @extend_schema(request=None, responses=Count)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        do_mark_read(caller_id(request))
        return Response({"count": 0})
