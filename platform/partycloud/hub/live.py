"""A group lesson's attendance per tenant, on the group root host.

Each subsidiary keeps its own members' watch time in its own schema (``tenants.live.attendance``):
the group root enters each tenant of the lesson's audience in turn and asks for its totals,
reported with that tenant's rule version (the rule is *local*). Group admins and group viewers
read it.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.permissions import IsGroupAdminOrViewerReadOnly
from partycloud.core.errors import NotFoundError
from partycloud.tenancy.models import PartyCommittee
from tenants.live.attendance import rate, tenant_totals
from tenants.live.attendance_api import AttendanceCountsSerializer, AttendanceLessonSerializer
from tenants.live.audience import LessonRef, LessonScope
from tenants.live.errors import LiveCode
from tenants.live.models import Lesson, LessonStatus
from tenants.live.rules import actual_seconds

COUNTS = ("expected", "present", "partly", "absent", "replay")


def group_lesson_attendance(lesson: Lesson) -> dict[str, Any]:
    """Per tenant of the lesson's audience (``audience_tenants``, empty: every active
    subsidiary): ``{tenant, name, expected, present, partly, absent, replay, rate, rule_version}``,
    and the group's totals summed from them (the rate from the sums)."""
    ref = LessonRef(LessonScope.GROUP, lesson.pk, "public")
    tenants = PartyCommittee.objects.active().order_by("pk")
    if lesson.audience_tenants:
        tenants = tenants.filter(pk__in=lesson.audience_tenants)
    now = timezone.now()
    rows = []
    for tenant in tenants:
        with tenant:
            totals = tenant_totals(ref, lesson, now=now)
        rows.append({"tenant": tenant.pk, "name": tenant.name} | totals)
    summed = {key: sum(row[key] for row in rows) for key in COUNTS}
    return {
        "lesson": {
            "scope": ref.scope.value, "id": lesson.pk, "title": lesson.title, "status": lesson.status,
            "went_live_at": lesson.went_live_at, "ended_at": lesson.ended_at,
            "counts_as_party_lesson": lesson.counts_as_party_lesson,
        },
        "actual_seconds": actual_seconds(lesson, now),
        "totals": summed | {"rate": rate(summed["present"], summed["expected"])},
        "tenants": rows,
    }  # fmt: skip


class TenantAttendanceSerializer(AttendanceCountsSerializer):
    tenant = serializers.IntegerField()
    name = serializers.CharField()
    rule_version = serializers.CharField(help_text="the tenant's own attendance rule version")


class GroupLessonAttendanceSerializer(serializers.Serializer[Any]):
    lesson = AttendanceLessonSerializer()
    actual_seconds = serializers.IntegerField()
    totals = AttendanceCountsSerializer()
    tenants = TenantAttendanceSerializer(many=True)


class GroupLessonAttendanceView(APIView):
    """A group lesson's attendance per subsidiary (each with its own rule version)."""

    permission_classes = [IsGroupAdminOrViewerReadOnly]

    @extend_schema(responses=GroupLessonAttendanceSerializer)
    def get(self, request: Request, lesson_id: int) -> Response:
        lesson = Lesson.objects.exclude(status=LessonStatus.CANCELLED).filter(pk=lesson_id).first()
        if lesson is None:
            raise NotFoundError(LiveCode.LESSON_NOT_FOUND, _("No such lesson, or it is not for you."))
        return Response(GroupLessonAttendanceSerializer(group_lesson_attendance(lesson)).data)


# Mounted under /api/v1/group/live/ (partycloud.urls_public).
group_live_urlpatterns = [
    path(
        "lessons/<int:lesson_id>/attendance",
        GroupLessonAttendanceView.as_view(),
        name="group-live-lesson-attendance",
    ),
]
