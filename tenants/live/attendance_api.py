"""Attendance endpoints on the tenant host (mounted under ``/api/v1/live/`` by ``attendance_urlpatterns``).

- ``POST watch/{scope}/{id}/heartbeat``: a viewer's heartbeat (any signed-in person of this
  tenant in the lesson's audience; 401 anonymous, 404 outside the audience).
- ``GET lessons/{id}/attendance`` (``.xlsx``): the tenant lesson's attendance, for its organizers
  (a scoped secretary sees their subtree's members).
- ``GET watch/group/{id}/attendance`` (``.xlsx``): this tenant's part of a group lesson, for its
  tenant admins and secretaries (their scope).
"""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import on_tenant_host
from partycloud.audit.services import do_record_audit
from partycloud.core.api import validated
from partycloud.core.errors import NotFoundError, ServiceError
from partycloud.core.spreadsheets import HEADER_FILL, xlsx_response
from tenants.access.services import Scope, user_scope
from tenants.live.api import CanOrganizeLessons
from tenants.live.attendance import MODES, STATES, do_record_live_heartbeat, lesson_attendance
from tenants.live.audience import LessonRef, LessonScope, find_viewable, viewer_of
from tenants.live.errors import LiveCode
from tenants.live.models import Lesson
from tenants.live.services import ORGANIZERS, visible_lessons
from tenants.organizations.models import Organization

VERDICT_LABELS = {"present": "出席", "partly": "部分参学", "absent": "缺席"}


class SignedInOnTenantHost(BasePermission):
    """Anyone signed in on a tenant host; the audience check (404) is the view's."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and on_tenant_host())


def _not_found() -> NotFoundError:
    return NotFoundError(LiveCode.LESSON_NOT_FOUND, _("No such lesson, or it is not for you."))


# ------------------------------------------------------------------------------ heartbeats


class LiveHeartbeatSerializer(serializers.Serializer[Any]):
    session = serializers.CharField(max_length=64, help_text="one id per tab (a uuid)")
    state = serializers.ChoiceField(choices=[(state, state) for state in STATES])
    mode = serializers.ChoiceField(choices=[(mode, mode) for mode in MODES])


class LiveBeatSerializer(serializers.Serializer[Any]):
    counted_seconds = serializers.IntegerField(help_text="what this heartbeat added")
    watched_seconds = serializers.IntegerField(help_text="your total in this mode (live: attendance; replay: 补学)")
    mode = serializers.CharField()


class LiveHeartbeatView(APIView):
    """Send every 15 s while the lesson plays and the page is visible (``playing``), and
    ``paused`` / ``hidden`` when that stops. Time counts once per person across tabs and devices;
    live mode only while the lesson is live (409 ``live.not_live``), replay mode (补学) once it ended."""

    permission_classes = [SignedInOnTenantHost]

    @extend_schema(request=LiveHeartbeatSerializer, responses=LiveBeatSerializer)
    def post(self, request: Request, scope: str, lesson_id: int) -> Response:
        viewer = viewer_of(Actor.of(request))
        if viewer is None or scope not in {kind.value for kind in LessonScope}:
            raise _not_found()
        ref = LessonRef.of(scope, lesson_id)
        lesson = find_viewable(ref, viewer)
        data = validated(LiveHeartbeatSerializer, request.data)
        beat = do_record_live_heartbeat(
            viewer=viewer, ref=ref, lesson=lesson, session=data["session"], state=data["state"], mode=data["mode"]
        )
        body = {"counted_seconds": beat.counted_seconds, "watched_seconds": beat.watched_seconds, "mode": beat.mode}
        return Response(LiveBeatSerializer(body).data)


# ------------------------------------------------------------------------------ the report


class AttendanceRuleSerializer(serializers.Serializer[Any]):
    version = serializers.CharField()
    share = serializers.FloatField(help_text="present from this share of the actual duration (e.g. 0.6667)")
    share_label = serializers.CharField(help_text='the share as a fraction, e.g. "2/3"')


class AttendanceCountsSerializer(serializers.Serializer[Any]):
    expected = serializers.IntegerField()
    present = serializers.IntegerField()
    partly = serializers.IntegerField()
    absent = serializers.IntegerField()
    replay = serializers.IntegerField(help_text="made up by replay (补学), whatever the verdict")
    rate = serializers.FloatField(allow_null=True, help_text="present ÷ expected, percent")


class OrganizationAttendanceSerializer(AttendanceCountsSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MemberAttendanceSerializer(serializers.Serializer[Any]):
    member_id = serializers.IntegerField()
    name = serializers.CharField()
    organization_id = serializers.IntegerField()
    organization = serializers.CharField()
    watched_seconds = serializers.IntegerField(help_text="live time (playing, visible)")
    replay_seconds = serializers.IntegerField(help_text="replay time (补学)")
    verdict = serializers.ChoiceField(choices=["present", "partly", "absent"])


class AttendanceLessonSerializer(serializers.Serializer[Any]):
    scope = serializers.CharField()
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    went_live_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    counts_as_party_lesson = serializers.BooleanField()


class LessonAttendanceSerializer(serializers.Serializer[Any]):
    lesson = AttendanceLessonSerializer()
    rule = AttendanceRuleSerializer()
    actual_seconds = serializers.IntegerField(help_text="ended − went live (live: now − went live)")
    totals = AttendanceCountsSerializer()
    organizations = OrganizationAttendanceSerializer(many=True)
    members = MemberAttendanceSerializer(many=True)


def _within(request: Request) -> Organization | None:
    raw = str(request.query_params.get("organization") or "")
    if not raw:
        return None
    found = Organization.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if found is None:
        raise ServiceError(LiveCode.BAD_AUDIENCE, _("Choose an active organization as the audience."), "organization")
    return found


def _scope_of(request: Request) -> Scope | None:
    scope = user_scope(request.user, ORGANIZERS)
    return None if scope.whole_tenant else scope


def attendance_workbook(report: dict[str, Any]) -> bytes:
    """The report as a workbook: the members, then the organizations."""
    workbook = Workbook()
    members = workbook.active
    assert members is not None
    members.title = "参学明细"
    rule = report["rule"]
    header = [
        ["课程", report["lesson"]["title"]],
        ["实际直播时长(分钟)", round(report["actual_seconds"] / 60, 1)],
        ["出席标准", f"实际时长的 {rule['share_label']} (规则版本 {rule['version']})"],
        [],
    ]
    for line in header:
        members.append(line)
    _table(
        members,
        ["党组织", "姓名", "直播观看(分钟)", "回看补学(分钟)", "结果"],
        [
            [
                m["organization"],
                m["name"],
                round(m["watched_seconds"] / 60, 1),
                round(m["replay_seconds"] / 60, 1),
                VERDICT_LABELS[m["verdict"]],
            ]
            for m in report["members"]
        ],
        first_row=len(header) + 1,
    )
    organizations = workbook.create_sheet("按组织统计")
    totals = report["totals"]
    _table(
        organizations,
        ["党组织", "应参学", "出席", "部分参学", "缺席", "补学", "出席率(%)"],
        [
            [o["name"], o["expected"], o["present"], o["partly"], o["absent"], o["replay"], o["rate"]]
            for o in report["organizations"]
        ]
        + [
            [
                "合计",
                totals["expected"],
                totals["present"],
                totals["partly"],
                totals["absent"],
                totals["replay"],
                totals["rate"],
            ]
        ],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _table(sheet: Any, headers: list[str], rows: list[list[Any]], first_row: int = 1) -> None:
    sheet.append(headers)
    for cell in sheet[first_row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append(row)
    for index, column in enumerate("ABCDEFG"[: len(headers)]):
        sheet.column_dimensions[column].width = max(14, len(headers[index]) * 2 + 4)


def _export(request: Request, ref: LessonRef, lesson: Lesson, report: dict[str, Any]) -> HttpResponse:
    do_record_audit(
        event="live.attendance.export", actor=Actor.of(request), target=lesson,
        target_id=ref.token, details={"count": len(report["members"]), "scope": ref.scope.value},
    )  # fmt: skip
    return xlsx_response(attendance_workbook(report), f"直播党课参学-{lesson.title}.xlsx")


class _Attendance(APIView):
    permission_classes = [CanOrganizeLessons]
    xlsx = False

    def lesson(self, request: Request, lesson_id: int) -> tuple[LessonRef, Lesson]:
        raise NotImplementedError

    def get(self, request: Request, lesson_id: int) -> Response | HttpResponse:
        ref, lesson = self.lesson(request, lesson_id)
        report = lesson_attendance(ref, lesson, within=_within(request), scope=_scope_of(request))
        if self.xlsx:
            return _export(request, ref, lesson, report)
        return Response(LessonAttendanceSerializer(report).data)


ORGANIZATION_PARAMETER = OpenApiParameter("organization", int, description="only this organization's subtree")


@extend_schema(parameters=[ORGANIZATION_PARAMETER], responses=LessonAttendanceSerializer)
class LessonAttendanceView(_Attendance):
    """A tenant lesson's attendance: the expected audience's verdicts (rule version included),
    per organization and per member; replay (补学) counted apart. Organizers only."""

    def lesson(self, request: Request, lesson_id: int) -> tuple[LessonRef, Lesson]:
        lesson = visible_lessons(Actor.of(request)).filter(pk=lesson_id).first()
        if lesson is None:
            raise _not_found()
        return LessonRef.of(LessonScope.TENANT, lesson.pk), lesson


@extend_schema(parameters=[ORGANIZATION_PARAMETER], responses={(200, "application/octet-stream"): bytes})
class LessonAttendanceSheetView(LessonAttendanceView):
    """The same as a workbook (audited)."""

    xlsx = True


@extend_schema(parameters=[ORGANIZATION_PARAMETER], responses=LessonAttendanceSerializer)
class GroupLessonAttendanceView(_Attendance):
    """This tenant's part of a group lesson (its members, its own rule version), for its tenant
    admins and secretaries (their scope); 404 when the lesson is not for this tenant."""

    def lesson(self, request: Request, lesson_id: int) -> tuple[LessonRef, Lesson]:
        viewer = viewer_of(Actor.of(request))
        if viewer is None:
            raise _not_found()
        ref = LessonRef.of(LessonScope.GROUP, lesson_id)
        return ref, find_viewable(ref, viewer)


@extend_schema(parameters=[ORGANIZATION_PARAMETER], responses={(200, "application/octet-stream"): bytes})
class GroupLessonAttendanceSheetView(GroupLessonAttendanceView):
    """The same as a workbook (audited)."""

    xlsx = True


# Mounted under /api/v1/live/ (partycloud.urls_tenant).
attendance_urlpatterns = [
    path("watch/<str:scope>/<int:lesson_id>/heartbeat", LiveHeartbeatView.as_view(), name="live-heartbeat"),
    path("lessons/<int:lesson_id>/attendance", LessonAttendanceView.as_view(), name="live-lesson-attendance"),
    path(
        "lessons/<int:lesson_id>/attendance.xlsx",
        LessonAttendanceSheetView.as_view(),
        name="live-lesson-attendance-xlsx",
    ),
    path(
        "watch/group/<int:lesson_id>/attendance",
        GroupLessonAttendanceView.as_view(),
        name="live-group-lesson-attendance",
    ),
    path(
        "watch/group/<int:lesson_id>/attendance.xlsx",
        GroupLessonAttendanceSheetView.as_view(),
        name="live-group-lesson-attendance-xlsx",
    ),
]
