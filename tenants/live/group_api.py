"""The group's own live lessons on the root host (public schema): group admins schedule them for
selected subsidiaries (or all), group viewers read. Same services as a tenant's lessons."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from rest_framework import serializers

from partycloud.accounts.permissions import IsGroupAdminOrViewerReadOnly
from partycloud.tenancy.models import PartyCommittee
from tenants.live.api import LessonSerializer, LessonViewSet
from tenants.live.models import Lesson, StreamKey


class GroupLessonSerializer(LessonSerializer):
    audience_tenants = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="subsidiaries (party committee ids); []: all"
    )
    audience_tenant_names = serializers.SerializerMethodField()

    scope_value = "group"

    class Meta(LessonSerializer.Meta):
        fields = [
            name for name in LessonSerializer.Meta.fields if name not in {"organization", "organization_name"}
        ] + ["audience_tenants", "audience_tenant_names"]

    def get_audience_tenant_names(self, lesson: Lesson) -> list[str]:
        names: dict[int, str] = self.context.get("tenant_names") or tenant_names()
        return [names.get(pk, "") for pk in lesson.audience_tenants]


def tenant_names() -> dict[int, str]:
    """Every subsidiary's short name by id (one query; a group has tens, not thousands)."""
    return {
        pk: short or name
        for pk, short, name in PartyCommittee.objects.subsidiaries().values_list("pk", "short_name", "name")
    }


class GroupLessonViewSet(LessonViewSet):
    """The group's lessons (``?status=``, ``?counts_as_party_lesson=``, ``?search=``): group admins
    schedule, change, cancel and issue stream keys (``public.<secret>``); group viewers read."""

    permission_classes = [IsGroupAdminOrViewerReadOnly]
    serializer_class = GroupLessonSerializer
    filterset_fields = ["status", "counts_as_party_lesson"]

    def get_queryset(self) -> QuerySet[Lesson]:
        active_key = StreamKey.objects.filter(lesson=OuterRef("pk"), revoked_at__isnull=True)
        return Lesson.objects.select_related("organizer").annotate(has_stream_key=Exists(active_key))

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "tenant_names": tenant_names()}
