"""Organizational-life records on the tenant host, under ``/api/v1/meetings/`` (the contract's
"Records" section, docs/meetings.md): kinds, rule versions, the annual plan, meetings with their
invitees, notices, leave, minutes, resolutions, holding, files, and the member's side (``mine``,
``makeups``). Thin: parse, call ``tenants.meetings.records``, render."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from partycloud.accounts.permissions import HasTenantRole, IsTenantUser
from partycloud.core.api import validated
from partycloud.core.errors import NotFoundError
from tenants.access.services import user_covers, user_scope
from tenants.meetings import records
from tenants.meetings.errors import MeetingsCode
from tenants.meetings.models import (
    ActivityKind,
    ActivityRule,
    AttendanceStatus,
    Attendee,
    MakeUpTask,
    Meeting,
    MeetingFile,
    MeetingStatus,
    PlannedActivity,
    StatsCategory,
)
from tenants.members.models import Member
from tenants.organizations.models import Organization


class CanReadMeetings(HasTenantRole):
    """Managers (tenant admin, secretaries, committee members) change; the discipline inspector reads."""

    roles = records.MANAGERS
    read_roles = records.READERS


def _not_found() -> NotFoundError:
    return NotFoundError(MeetingsCode.NOT_INVITED, _("No such meeting here, or not for you."))


def _meeting(request: Request, meeting_id: int) -> Meeting:
    meeting = (
        records.visible_meetings(Actor.of(request))
        .select_related("kind", "organization", "host", "recorder")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise _not_found()
    return meeting


def _attendee(meeting: Meeting, attendee_id: int) -> Attendee:
    attendee = meeting.attendees.filter(pk=attendee_id).select_related("meeting").first()
    if attendee is None:
        raise _not_found()
    return attendee


def _organization(organization_id: Any, field: str = "organization") -> Organization:
    organization = Organization.objects.filter(pk=organization_id).first() if str(organization_id).isdigit() else None
    if organization is None:
        raise serializers.ValidationError({field: _("Choose an organization of this party committee.")})
    return organization


def _year(raw: Any) -> int:
    try:
        year = int(raw) if raw else timezone.localdate().year
    except ValueError:
        year = 0
    records.check_year(year)
    return year


# ------------------------------------------------------------------------------ kinds


class KindSerializer(serializers.ModelSerializer[ActivityKind]):
    class Meta:
        model = ActivityKind
        fields = ["id", "code", "name", "builtin", "needs_quorum", "three_one", "stats_category", "is_active"]
        read_only_fields = ["builtin", "needs_quorum"]


class KindChangeSerializer(serializers.Serializer[Any]):
    code = serializers.SlugField(max_length=40, required=False)
    name = serializers.CharField(max_length=60, required=False)
    stats_category = serializers.ChoiceField(choices=StatsCategory.choices, required=False)
    three_one = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False)


class KindCreateSerializer(KindChangeSerializer):
    code = serializers.SlugField(max_length=40)
    name = serializers.CharField(max_length=60)


class KindListView(APIView):
    """Activity kinds: the eight of the regulations and the tenant's own. A tenant admin adds kinds."""

    permission_classes = [CanReadMeetings]

    @extend_schema(responses=KindSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(KindSerializer(ActivityKind.objects.all(), many=True).data)

    @extend_schema(request=KindCreateSerializer, responses={201: KindSerializer})
    def post(self, request: Request) -> Response:
        data = validated(KindCreateSerializer, request.data)
        data.pop("is_active", None)
        kind = records.do_create_kind(actor=Actor.of(request), **data)
        return Response(KindSerializer(kind).data, status=201)


class KindDetailView(APIView):
    permission_classes = [CanReadMeetings]

    @extend_schema(responses=KindSerializer)
    def get(self, request: Request, kind_id: int) -> Response:
        kind = ActivityKind.objects.filter(pk=kind_id).first()
        if kind is None:
            raise _not_found()
        return Response(KindSerializer(kind).data)

    @extend_schema(request=KindChangeSerializer, responses=KindSerializer)
    def patch(self, request: Request, kind_id: int) -> Response:
        kind = ActivityKind.objects.filter(pk=kind_id).first()
        if kind is None:
            raise _not_found()
        data = validated(KindChangeSerializer, request.data)
        return Response(KindSerializer(records.do_update_kind(kind, actor=Actor.of(request), **data)).data)


# ------------------------------------------------------------------------------ rules


class RequirementSerializer(serializers.Serializer[Any]):
    kind = serializers.IntegerField(source="kind_id")
    kind_code = serializers.CharField(source="kind.code")
    kind_name = serializers.CharField(source="kind.name")
    period = serializers.CharField(help_text="month | quarter | year")
    minimum = serializers.IntegerField()
    applies_to = serializers.CharField()


class RuleSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    version = serializers.CharField()
    effective_from = serializers.DateField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.source
    local = serializers.BooleanField()
    committee_threshold = serializers.IntegerField()
    requirements = RequirementSerializer(many=True, source="requirements.all")


class RequirementChangeSerializer(serializers.Serializer[Any]):
    kind = serializers.IntegerField()
    period = serializers.CharField(help_text="month | quarter | year")
    minimum = serializers.IntegerField(min_value=0, max_value=31, help_text="0 drops the kind from the version")
    applies_to = serializers.CharField()


class RuleCreateSerializer(serializers.Serializer[Any]):
    version = serializers.CharField(max_length=40)
    effective_from = serializers.DateField()
    source = serializers.CharField(max_length=200, required=False, default="")  # type: ignore[assignment]  # a field named like Field.source
    committee_threshold = serializers.IntegerField(min_value=3, max_value=1000, required=False)
    requirements = RequirementChangeSerializer(many=True, required=False, default=list)


class RuleListView(APIView):
    """Rule versions (newest first) with their requirements; a tenant admin adds a local version
    (a copy of the newest with rows changed), effective on or after this year's first day."""

    permission_classes = [CanReadMeetings]

    @extend_schema(responses=RuleSerializer(many=True))
    def get(self, request: Request) -> Response:
        rules = ActivityRule.objects.prefetch_related("requirements__kind").order_by("-effective_from", "-id")
        return Response(RuleSerializer(rules, many=True).data)

    @extend_schema(request=RuleCreateSerializer, responses={201: RuleSerializer})
    def post(self, request: Request) -> Response:
        data = validated(RuleCreateSerializer, request.data)
        rule = records.do_create_local_rule(actor=Actor.of(request), **data)
        rule = ActivityRule.objects.prefetch_related("requirements__kind").get(pk=rule.pk)
        return Response(RuleSerializer(rule).data, status=201)


# ------------------------------------------------------------------------------ plans


class PlanItemSerializer(serializers.ModelSerializer[PlannedActivity]):
    kind_code = serializers.CharField(source="kind.code", read_only=True)
    kind_name = serializers.CharField(source="kind.name", read_only=True)

    class Meta:
        model = PlannedActivity
        fields = ["id", "month", "kind", "kind_code", "kind_name", "title", "note", "generated", "meeting"]
        read_only_fields = ["generated", "meeting"]


class PlanSerializer(serializers.Serializer[Any]):
    organization = serializers.IntegerField()
    year = serializers.IntegerField()
    items = PlanItemSerializer(many=True)


class PlanGenerateSerializer(serializers.Serializer[Any]):
    organization = serializers.IntegerField()
    year = serializers.IntegerField()


class PlanGeneratedSerializer(PlanSerializer):
    created = serializers.IntegerField(help_text="lines added now (0 when the plan already had them)")


class PlanItemCreateSerializer(serializers.Serializer[Any]):
    organization = serializers.IntegerField()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    kind = serializers.PrimaryKeyRelatedField(queryset=ActivityKind.objects.all())
    title = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class PlanItemChangeSerializer(serializers.Serializer[Any]):
    month = serializers.IntegerField(required=False)
    kind = serializers.PrimaryKeyRelatedField(queryset=ActivityKind.objects.all(), required=False)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


def _plan_body(organization: Organization, year: int) -> dict[str, Any]:
    return {"organization": organization.pk, "year": year, "items": list(records.plan_of(organization, year))}


def _first_readable_organization(request: Request) -> int | None:
    scope = user_scope(request.user, records.READERS)
    organizations = scope.apply(Organization.objects.filter(is_active=True), path_field="path").order_by("path")
    return organizations.values_list("pk", flat=True).first()


def _readable_organization(request: Request, organization_id: Any) -> Organization:
    organization = _organization(organization_id)
    if not user_covers(request.user, organization.pk, records.READERS):
        raise NotFoundError(MeetingsCode.OUT_OF_SCOPE, _("This organization is outside your scope."))
    return organization


class PlanView(APIView):
    """An organization's annual plan (``?organization=&year=``), planned activities by month."""

    permission_classes = [CanReadMeetings]

    @extend_schema(
        parameters=[
            OpenApiParameter("organization", int, description="default: the top of the caller's scope"),
            OpenApiParameter("year", int),
        ],
        responses=PlanSerializer,
    )
    def get(self, request: Request) -> Response:
        # Without ?organization=: the top of the caller's scope (the tenant's root for its admin),
        # so a secretary's screen opens on their own branch.
        chosen = request.query_params.get("organization") or _first_readable_organization(request)
        organization = _readable_organization(request, chosen)
        year = _year(request.query_params.get("year"))
        return Response(PlanSerializer(_plan_body(organization, year)).data)


class PlanGenerateView(APIView):
    permission_classes = [CanReadMeetings]

    @extend_schema(request=PlanGenerateSerializer, responses=PlanGeneratedSerializer)
    def post(self, request: Request) -> Response:
        """Add the rule-derived lines not yet in the plan (idempotent)."""
        data = validated(PlanGenerateSerializer, request.data)
        organization = _readable_organization(request, data["organization"])
        created = records.do_generate_plan(organization, data["year"], actor=Actor.of(request))
        body = _plan_body(organization, data["year"]) | {"created": created}
        return Response(PlanGeneratedSerializer(body).data)


class PlanItemCreateView(APIView):
    permission_classes = [CanReadMeetings]

    @extend_schema(request=PlanItemCreateSerializer, responses={201: PlanItemSerializer})
    def post(self, request: Request) -> Response:
        data = validated(PlanItemCreateSerializer, request.data)
        data["organization"] = _readable_organization(request, data["organization"])
        item = records.do_add_plan_item(actor=Actor.of(request), **data)
        return Response(PlanItemSerializer(item).data, status=201)


def _plan_item(request: Request, item_id: int) -> PlannedActivity:
    scope = user_scope(request.user, records.READERS)
    item = scope.apply(PlannedActivity.objects.select_related("kind")).filter(pk=item_id).first()
    if item is None:
        raise _not_found()
    return item


class PlanItemView(APIView):
    permission_classes = [CanReadMeetings]

    @extend_schema(responses=PlanItemSerializer)
    def get(self, request: Request, item_id: int) -> Response:
        return Response(PlanItemSerializer(_plan_item(request, item_id)).data)

    @extend_schema(request=PlanItemChangeSerializer, responses=PlanItemSerializer)
    def patch(self, request: Request, item_id: int) -> Response:
        item = _plan_item(request, item_id)
        data = validated(PlanItemChangeSerializer, request.data)
        return Response(PlanItemSerializer(records.do_update_plan_item(item, actor=Actor.of(request), **data)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, item_id: int) -> Response:
        records.do_delete_plan_item(_plan_item(request, item_id), actor=Actor.of(request))
        return Response(status=204)


# ------------------------------------------------------------------------------ meetings


class RefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class KindRefSerializer(RefSerializer):
    code = serializers.CharField()


# What a meeting's row and its record both show (a comment: a docstring would describe every subclass).
class MeetingFieldsSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = KindRefSerializer()
    organization = RefSerializer()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField()
    online_url = serializers.CharField()
    status = serializers.CharField(help_text="planned | notified | held | cancelled")


class MeetingRowSerializer(MeetingFieldsSerializer):
    invited = serializers.IntegerField(source="invited_count")
    present = serializers.IntegerField(source="present_count")
    attendance_rate = serializers.FloatField(allow_null=True, help_text="present ÷ invited, percent")


class PersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AttendeeSerializer(serializers.ModelSerializer[Attendee]):
    status = serializers.CharField(help_text="invited | present | absent | leave_requested | leave_approved")
    method = serializers.CharField(help_text="qr | card | manual | live, or empty")

    class Meta:
        model = Attendee
        fields = [
            "id", "name", "is_guest", "has_vote", "status", "absence_reason", "leave_reason", "method",
            "signed_in_at",
        ]  # fmt: skip


class ResolutionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    text = serializers.CharField()
    votes_for = serializers.IntegerField(allow_null=True)
    votes_against = serializers.IntegerField(allow_null=True)
    abstentions = serializers.IntegerField(allow_null=True)
    passed = serializers.BooleanField(allow_null=True)
    created_at = serializers.DateTimeField()


class FileSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    is_photo = serializers.BooleanField()
    url = serializers.CharField(help_text="a signed download URL")
    created_at = serializers.DateTimeField()


class QuorumSerializer(serializers.Serializer[Any]):
    voting_members = serializers.IntegerField(help_text="应到: full members with voting rights")
    voting_present = serializers.IntegerField(help_text="实到 of them")
    required = serializers.IntegerField(help_text="more than half")  # type: ignore[assignment]  # a field named like Field.required
    met = serializers.BooleanField()


class LessonRefSerializer(serializers.Serializer[Any]):
    scope = serializers.CharField()
    schema = serializers.CharField()
    id = serializers.IntegerField()


class PermissionsSerializer(serializers.Serializer[Any]):
    can_edit = serializers.BooleanField()
    can_sign_in_others = serializers.BooleanField()


class MeetingDetailSerializer(MeetingFieldsSerializer):
    held_at = serializers.DateTimeField(allow_null=True)
    cancelled_reason = serializers.CharField()
    host = PersonSerializer(allow_null=True)
    recorder = PersonSerializer(allow_null=True)
    agenda = serializers.CharField()
    minutes = serializers.CharField(help_text="sanitized HTML; empty when you may not read it")
    minutes_marking = serializers.CharField()
    rule_version = serializers.CharField()
    resolutions = ResolutionSerializer(many=True)
    files = FileSerializer(many=True)
    attendees = AttendeeSerializer(many=True)
    quorum = QuorumSerializer()
    lesson = LessonRefSerializer(allow_null=True)
    permissions = PermissionsSerializer()


def _person(user: User | None) -> dict[str, Any] | None:
    return {"id": user.pk, "name": user.name} if user is not None else None


def meeting_detail(meeting: Meeting, actor: Actor, *, attendees: bool = True) -> dict[str, Any]:
    manager = records.is_manager(actor, meeting)
    readable = records.can_read_minutes(meeting, actor)
    files = [
        {
            "id": f.pk, "filename": f.filename, "content_type": f.content_type, "size": f.size,
            "is_photo": f.is_photo, "url": records.file_url(f), "created_at": f.created_at,
        }
        for f in meeting.files.all()
    ]  # fmt: skip
    lesson = (
        {"scope": meeting.lesson_scope, "schema": meeting.lesson_schema, "id": meeting.lesson_id}
        if meeting.lesson_id is not None
        else None
    )
    return {
        "id": meeting.pk, "title": meeting.title,
        "kind": {"id": meeting.kind_id, "code": meeting.kind.code, "name": meeting.kind.name},
        "organization": {"id": meeting.organization_id, "name": meeting.organization.name},
        "starts_at": meeting.starts_at, "ends_at": meeting.ends_at, "place": meeting.place,
        "online_url": meeting.online_url, "status": meeting.status, "held_at": meeting.held_at,
        "cancelled_reason": meeting.cancelled_reason, "host": _person(meeting.host),
        "recorder": _person(meeting.recorder), "agenda": meeting.agenda,
        "minutes": meeting.minutes if readable else "", "minutes_marking": meeting.minutes_marking,
        "rule_version": meeting.rule_version, "resolutions": list(meeting.resolutions.all()), "files": files,
        "attendees": list(meeting.attendees.all()) if attendees else [],
        "quorum": records.quorum_of(meeting).as_dict(), "lesson": lesson,
        "permissions": {
            "can_edit": manager and meeting.status in records.EDITABLE,
            "can_sign_in_others": manager and meeting.status != MeetingStatus.CANCELLED,
        },
    }  # fmt: skip


def _detail_response(request: Request, meeting: Meeting, status: int = 200) -> Response:
    meeting = _meeting(request, meeting.pk)
    return Response(MeetingDetailSerializer(meeting_detail(meeting, Actor.of(request))).data, status=status)


class GuestSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=60)


class MeetingChangeSerializer(serializers.Serializer[Any]):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), required=False)
    kind = serializers.PrimaryKeyRelatedField(queryset=ActivityKind.objects.all(), required=False)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    starts_at = serializers.DateTimeField(required=False)
    ends_at = serializers.DateTimeField(required=False)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    online_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    host = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    recorder = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    agenda = serializers.CharField(required=False, allow_blank=True)


class MeetingCreateSerializer(MeetingChangeSerializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    kind = serializers.PrimaryKeyRelatedField(queryset=ActivityKind.objects.all())
    title = serializers.CharField(max_length=200, allow_blank=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    invite_members = serializers.BooleanField(required=False, default=True)
    guests = GuestSerializer(many=True, required=False, default=list)


def _date_param(raw: str | None, field: str) -> datetime | None:
    if not raw:
        return None
    try:
        day = datetime.strptime(raw, "%Y-%m-%d")
        if day.year >= 9999:
            raise ValueError(raw)
    except ValueError:
        raise serializers.ValidationError({field: _("Use a date like 2026-06-30.")}) from None
    return timezone.make_aware(day)


class MeetingListView(generics.GenericAPIView[Any]):
    """Meetings managers and inspectors may read (``?organization=`` its subtree, ``?kind=`` id or code,
    ``?status=``, ``?from=``/``?to=`` dates of the start, ``?search=`` in the title), newest first."""

    permission_classes = [CanReadMeetings]
    serializer_class = MeetingRowSerializer
    queryset = Meeting.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("organization", int),
            OpenApiParameter("kind", str),
            OpenApiParameter("status", str, enum=MeetingStatus.values),
            OpenApiParameter("from", str),
            OpenApiParameter("to", str),
            OpenApiParameter("search", str),
        ],
        responses=MeetingRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        meetings = records.visible_meetings(Actor.of(request)).select_related("kind", "organization")
        if params.get("organization"):
            meetings = meetings.filter(organization__path__startswith=_organization(params["organization"]).path)
        if params.get("kind"):
            kind = params["kind"]
            meetings = meetings.filter(kind_id=int(kind)) if kind.isdigit() else meetings.filter(kind__code=kind)
        if params.get("status"):
            meetings = meetings.filter(status=params["status"])
        start, end = _date_param(params.get("from"), "from"), _date_param(params.get("to"), "to")
        if start:
            meetings = meetings.filter(starts_at__gte=start)
        if end:
            meetings = meetings.filter(starts_at__lt=end + timedelta(days=1))
        if params.get("search"):
            meetings = meetings.filter(Q(title__icontains=params["search"]))
        page = self.paginate_queryset(records.with_counts(meetings.order_by("-starts_at", "-id")))
        assert page is not None
        rows = [
            {
                "id": m.pk, "title": m.title, "kind": {"id": m.kind_id, "code": m.kind.code, "name": m.kind.name},
                "organization": {"id": m.organization_id, "name": m.organization.name}, "starts_at": m.starts_at,
                "ends_at": m.ends_at, "place": m.place, "online_url": m.online_url, "status": m.status,
                "invited_count": m.invited_count, "present_count": m.present_count,  # type: ignore[attr-defined]
                "attendance_rate": records.attendance_rate(m.invited_count, m.present_count),  # type: ignore[attr-defined]
            }
            for m in page
        ]  # fmt: skip
        return self.get_paginated_response(MeetingRowSerializer(rows, many=True).data)


class MeetingCreateView(APIView):
    permission_classes = [CanReadMeetings]

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingDetailSerializer})
    def post(self, request: Request) -> Response:
        """Record a meeting; by default every active member of the organization is invited."""
        data = validated(MeetingCreateSerializer, request.data)
        data["guests"] = [guest["name"] for guest in data.get("guests", [])]
        meeting = records.do_create_meeting(actor=Actor.of(request), **data)
        return _detail_response(request, meeting, 201)


class MeetingView(APIView):
    permission_classes = [CanReadMeetings]

    @extend_schema(responses=MeetingDetailSerializer)
    def get(self, request: Request, meeting_id: int) -> Response:
        return _detail_response(request, _meeting(request, meeting_id))

    @extend_schema(request=MeetingChangeSerializer, responses=MeetingDetailSerializer)
    def patch(self, request: Request, meeting_id: int) -> Response:
        meeting = _meeting(request, meeting_id)
        data = validated(MeetingChangeSerializer, request.data)
        records.do_update_meeting(meeting, actor=Actor.of(request), **data)
        return _detail_response(request, meeting)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, meeting_id: int) -> Response:
        """Delete a meeting not yet notified (cancel it after the notice)."""
        records.do_delete_meeting(_meeting(request, meeting_id), actor=Actor.of(request))
        return Response(status=204)


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=300, allow_blank=True)


class MeetingCancelView(APIView):
    permission_classes = [CanReadMeetings]

    @extend_schema(request=ReasonSerializer, responses=MeetingDetailSerializer)
    def post(self, request: Request, meeting_id: int) -> Response:
        """Cancel a meeting (with the reason); notified invitees are told."""
        meeting = _meeting(request, meeting_id)
        data = validated(ReasonSerializer, request.data)
        records.do_cancel_meeting(meeting, actor=Actor.of(request), reason=data["reason"])
        return _detail_response(request, meeting)


class NotifiedSerializer(MeetingDetailSerializer):
    notified = serializers.IntegerField(help_text="invitees told now (each invitee is told once)")


class MeetingNotifyView(APIView):
    permission_classes = [CanReadMeetings]

    @extend_schema(request=None, responses=NotifiedSerializer)
    def post(self, request: Request, meeting_id: int) -> Response:
        """Tell the invitees (in-app and WebSocket): time, place or online link, agenda."""
        meeting = _meeting(request, meeting_id)
        sent = records.do_notify_meeting(meeting, actor=Actor.of(request))
        meeting = _meeting(request, meeting_id)
        body = meeting_detail(meeting, Actor.of(request)) | {"notified": sent}
        return Response(NotifiedSerializer(body).data)


class AttendeeAddSerializer(serializers.Serializer[Any]):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), required=False, allow_null=True)
    name = serializers.CharField(max_length=60, required=False, allow_blank=True, help_text="a guest's name")


class AttendeeAddView(APIView):
    permission_classes = [CanReadMeetings]

    @extend_schema(request=AttendeeAddSerializer, responses={201: AttendeeSerializer})
    def post(self, request: Request, meeting_id: int) -> Response:
        """Invite a member of the organization (``member``) or a guest (``name``, no vote)."""
        meeting = _meeting(request, meeting_id)
        data = validated(AttendeeAddSerializer, request.data)
        attendee = records.do_add_attendee(
            meeting, actor=Actor.of(request), member=data.get("member"), guest=data.get("name", "")
        )
        return Response(AttendeeSerializer(attendee).data, status=201)


class AttendanceSerializer(serializers.Serializer[Any]):
    status = serializers.CharField(help_text="present | absent")
    absence_reason = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class AttendeeView(APIView):
    permission_classes = [CanReadMeetings]

    @extend_schema(responses=AttendeeSerializer)
    def get(self, request: Request, meeting_id: int, attendee_id: int) -> Response:
        return Response(AttendeeSerializer(_attendee(_meeting(request, meeting_id), attendee_id)).data)

    @extend_schema(request=AttendanceSerializer, responses=AttendeeSerializer)
    def patch(self, request: Request, meeting_id: int, attendee_id: int) -> Response:
        """Record an invitee present or absent (with the reason) by hand; audited."""
        attendee = _attendee(_meeting(request, meeting_id), attendee_id)
        data = validated(AttendanceSerializer, request.data)
        attendee = records.do_set_attendance(attendee, actor=Actor.of(request), **data)
        return Response(AttendeeSerializer(attendee).data)


class LeaveDecisionSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField()


class LeaveDecisionView(APIView):
    permission_classes = [CanReadMeetings]

    @extend_schema(request=LeaveDecisionSerializer, responses=AttendeeSerializer)
    def post(self, request: Request, meeting_id: int, attendee_id: int) -> Response:
        """Approve (leave_approved) or refuse (back to invited) a leave request; the invitee is told."""
        attendee = _attendee(_meeting(request, meeting_id), attendee_id)
        data = validated(LeaveDecisionSerializer, request.data)
        attendee = records.do_decide_leave(attendee, actor=Actor.of(request), approve=data["approve"])
        return Response(AttendeeSerializer(attendee).data)


class MinutesSerializer(serializers.Serializer[Any]):
    minutes = serializers.CharField(allow_blank=True)
    minutes_marking = serializers.ChoiceField(choices=list(records.MARKINGS), required=False, default="internal")
    agenda = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)


class MinutesView(APIView):
    permission_classes = [CanReadMeetings]

    @extend_schema(request=MinutesSerializer, responses=MeetingDetailSerializer)
    def post(self, request: Request, meeting_id: int) -> Response:
        """Save the minutes (sanitized); a classified marking is refused and nothing is stored."""
        meeting = _meeting(request, meeting_id)
        data = validated(MinutesSerializer, request.data)
        records.do_save_minutes(meeting, actor=Actor.of(request), **data)
        return _detail_response(request, meeting)


MAX_VOTES = 1_000_000


class ResolutionCreateSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    votes_for = serializers.IntegerField(min_value=0, max_value=MAX_VOTES, required=False, allow_null=True)
    votes_against = serializers.IntegerField(min_value=0, max_value=MAX_VOTES, required=False, allow_null=True)
    abstentions = serializers.IntegerField(min_value=0, max_value=MAX_VOTES, required=False, allow_null=True)


class ResolutionsView(APIView):
    permission_classes = [CanReadMeetings]

    @extend_schema(request=ResolutionCreateSerializer, responses={201: ResolutionSerializer})
    def post(self, request: Request, meeting_id: int) -> Response:
        """Record a resolution; a general meeting's passes with more than half of its voters for it."""
        meeting = _meeting(request, meeting_id)
        data = validated(ResolutionCreateSerializer, request.data)
        resolution = records.do_add_resolution(meeting, actor=Actor.of(request), **data)
        return Response(ResolutionSerializer(resolution).data, status=201)


class HoldView(APIView):
    permission_classes = [CanReadMeetings]

    @extend_schema(request=None, responses=MeetingDetailSerializer)
    def post(self, request: Request, meeting_id: int) -> Response:
        """Mark the meeting held (a general meeting only with its quorum); absentees get make-up tasks."""
        meeting = _meeting(request, meeting_id)
        records.do_hold_meeting(meeting, actor=Actor.of(request))
        return _detail_response(request, meeting)


class FileClaimSerializer(serializers.Serializer[Any]):
    upload = serializers.UUIDField(help_text="a verified upload of purpose meeting_file")


class FilesView(APIView):
    permission_classes = [CanReadMeetings]

    @extend_schema(request=FileClaimSerializer, responses={201: FileSerializer})
    def post(self, request: Request, meeting_id: int) -> Response:
        """Attach a photo or an attachment uploaded directly to the store."""
        meeting = _meeting(request, meeting_id)
        data = validated(FileClaimSerializer, request.data)
        f = records.do_attach_file(meeting, actor=Actor.of(request), upload_id=data["upload"])
        body = {
            "id": f.pk, "filename": f.filename, "content_type": f.content_type, "size": f.size,
            "is_photo": f.is_photo, "url": records.file_url(f), "created_at": f.created_at,
        }  # fmt: skip
        return Response(FileSerializer(body).data, status=201)


class FileView(APIView):
    permission_classes = [CanReadMeetings]

    @extend_schema(responses={204: None})
    def delete(self, request: Request, meeting_id: int, file_id: int) -> Response:
        meeting = _meeting(request, meeting_id)
        meeting_file = MeetingFile.objects.select_related("meeting").filter(meeting=meeting, pk=file_id).first()
        if meeting_file is None:
            raise _not_found()
        records.do_remove_file(meeting_file, actor=Actor.of(request))
        return Response(status=204)


# ------------------------------------------------------------------------------ the member's side


class MyMeetingSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = KindRefSerializer()
    organization = RefSerializer()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField()
    online_url = serializers.CharField()
    status = serializers.CharField(help_text="planned | notified | held | cancelled")
    my_status = serializers.CharField(help_text="invited | present | absent | leave_requested | leave_approved")
    my_method = serializers.CharField()
    can_request_leave = serializers.BooleanField()
    can_sign_in = serializers.BooleanField()


class MyMeetingDetailSerializer(MyMeetingSerializer):
    agenda = serializers.CharField()
    minutes = serializers.CharField(help_text="sanitized HTML, once held; empty otherwise")
    minutes_marking = serializers.CharField()
    resolutions = ResolutionSerializer(many=True)
    leave_reason = serializers.CharField()
    signed_in_at = serializers.DateTimeField(allow_null=True)


SIGN_IN_MARGIN = timedelta(minutes=30)


def _my_row(meeting: Meeting, attendee: Attendee, now: datetime) -> dict[str, Any]:
    open_for_sign_in = meeting.starts_at - SIGN_IN_MARGIN <= now <= meeting.ends_at + SIGN_IN_MARGIN
    return {
        "id": meeting.pk, "title": meeting.title,
        "kind": {"id": meeting.kind_id, "code": meeting.kind.code, "name": meeting.kind.name},
        "organization": {"id": meeting.organization_id, "name": meeting.organization.name},
        "starts_at": meeting.starts_at, "ends_at": meeting.ends_at, "place": meeting.place,
        "online_url": meeting.online_url, "status": meeting.status, "my_status": attendee.status,
        "my_method": attendee.method, "can_request_leave": records.can_request_leave(meeting, attendee, now),
        "can_sign_in": open_for_sign_in
        and meeting.status in (*records.EDITABLE, MeetingStatus.HELD)
        and attendee.status != AttendanceStatus.PRESENT,
    }  # fmt: skip


class MyMeetingsView(generics.GenericAPIView[Any]):
    """Meetings you are invited to: ``?when=upcoming`` (default, soonest first) or ``past``."""

    permission_classes = [IsTenantUser]
    serializer_class = MyMeetingSerializer
    queryset = Meeting.objects.none()

    @extend_schema(
        parameters=[OpenApiParameter("when", str, enum=["upcoming", "past"])],
        responses=MyMeetingSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        user = Actor.of(request).user
        assert user is not None
        when = request.query_params.get("when") or "upcoming"
        if when not in ("upcoming", "past"):
            raise serializers.ValidationError({"when": _("Choose upcoming or past.")})
        page = self.paginate_queryset(records.my_meetings(user, when).select_related("kind", "organization"))
        assert page is not None
        mine = {a.meeting_id: a for a in Attendee.objects.filter(user=user, meeting_id__in=[m.pk for m in page])}
        now = timezone.now()
        rows = [_my_row(meeting, mine[meeting.pk], now) for meeting in page]
        return self.get_paginated_response(MyMeetingSerializer(rows, many=True).data)


class MyMeetingView(APIView):
    permission_classes = [IsTenantUser]

    @extend_schema(responses=MyMeetingDetailSerializer)
    def get(self, request: Request, meeting_id: int) -> Response:
        """A meeting you are invited to; its minutes once it was held."""
        actor = Actor.of(request)
        meeting, attendee = records.find_my_meeting(actor.user, meeting_id)
        readable = records.can_read_minutes(meeting, actor)
        body = _my_row(meeting, attendee, timezone.now()) | {
            "agenda": meeting.agenda,
            "minutes": meeting.minutes if readable else "",
            "minutes_marking": meeting.minutes_marking,
            "resolutions": list(meeting.resolutions.all()) if meeting.status == MeetingStatus.HELD else [],
            "leave_reason": attendee.leave_reason,
            "signed_in_at": attendee.signed_in_at,
        }
        return Response(MyMeetingDetailSerializer(body).data)


class MyLeaveView(APIView):
    permission_classes = [IsTenantUser]

    @extend_schema(request=ReasonSerializer, responses=MyMeetingSerializer)
    def post(self, request: Request, meeting_id: int) -> Response:
        """Ask for leave (before the meeting starts); the secretary is told."""
        actor = Actor.of(request)
        meeting, attendee = records.find_my_meeting(actor.user, meeting_id)
        data = validated(ReasonSerializer, request.data)
        attendee = records.do_request_leave(meeting, attendee, actor=actor, reason=data["reason"])
        return Response(MyMeetingSerializer(_my_row(meeting, attendee, timezone.now())).data)


class MyAttendanceRowSerializer(serializers.Serializer[Any]):
    meeting = serializers.IntegerField()
    title = serializers.CharField()
    kind = KindRefSerializer()
    organization = RefSerializer()
    starts_at = serializers.DateTimeField()
    status = serializers.CharField(help_text="invited | present | absent | leave_requested | leave_approved")
    method = serializers.CharField()


class MyAttendanceSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    held = serializers.IntegerField()
    present = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="present ÷ held meetings you were invited to, percent")
    rows = MyAttendanceRowSerializer(many=True)


class MyAttendanceView(APIView):
    permission_classes = [IsTenantUser]

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses=MyAttendanceSerializer)
    def get(self, request: Request) -> Response:
        """Your attendance at the meetings held in a year (default this year) and your rate."""
        user = Actor.of(request).user
        assert user is not None
        year = _year(request.query_params.get("year"))
        rows, rate = records.my_attendance(user, year)
        body = {
            "year": year, "held": len(rows), "present": sum(1 for r in rows if r.status == AttendanceStatus.PRESENT),
            "rate": rate,
            "rows": [
                {
                    "meeting": r.meeting_id, "title": r.meeting.title,
                    "kind": {"id": r.meeting.kind_id, "code": r.meeting.kind.code, "name": r.meeting.kind.name},
                    "organization": {"id": r.meeting.organization_id, "name": r.meeting.organization.name},
                    "starts_at": r.meeting.starts_at, "status": r.status, "method": r.method,
                }
                for r in rows
            ],
        }  # fmt: skip
        return Response(MyAttendanceSerializer(body).data)


class MakeUpSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    meeting = serializers.IntegerField(source="meeting_id")
    title = serializers.CharField(source="meeting.title")
    kind = serializers.CharField(source="meeting.kind.name")
    starts_at = serializers.DateTimeField(source="meeting.starts_at")
    has_recording = serializers.SerializerMethodField(help_text="a live lesson's replay to watch")
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField()

    def get_has_recording(self, task: MakeUpTask) -> bool:
        return task.meeting.lesson_id is not None


class MakeUpsView(generics.GenericAPIView[Any]):
    """Your make-up tasks (补学): ``?done=false`` open ones, ``true`` completed, none: all."""

    permission_classes = [IsTenantUser]
    serializer_class = MakeUpSerializer
    queryset = MakeUpTask.objects.none()

    @extend_schema(parameters=[OpenApiParameter("done", bool)], responses=MakeUpSerializer(many=True))
    def get(self, request: Request) -> Response:
        user = Actor.of(request).user
        assert user is not None
        raw = request.query_params.get("done")
        done = None if raw in (None, "") else raw.lower() in ("1", "true", "yes")
        page = self.paginate_queryset(records.my_makeups(user, done))
        assert page is not None
        return self.get_paginated_response(MakeUpSerializer(page, many=True).data)


class MakeUpCompleteSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class MakeUpCompleteView(APIView):
    permission_classes = [IsTenantUser]

    @extend_schema(request=MakeUpCompleteSerializer, responses=MakeUpSerializer)
    def post(self, request: Request, task_id: int) -> Response:
        """Confirm a make-up (read the minutes / watched the recording), with what you learned."""
        actor = Actor.of(request)
        task = MakeUpTask.objects.select_related("meeting", "meeting__kind").filter(pk=task_id, user=actor.user).first()
        if task is None:
            raise _not_found()
        data = validated(MakeUpCompleteSerializer, request.data)
        return Response(MakeUpSerializer(records.do_complete_makeup(task, actor=actor, note=data["note"])).data)


urlpatterns: list[URLPattern] = [
    path("kinds", KindListView.as_view(), name="meetings-kinds"),
    path("kinds/<int:kind_id>", KindDetailView.as_view(), name="meetings-kind"),
    path("rules", RuleListView.as_view(), name="meetings-rules"),
    path("plans", PlanView.as_view(), name="meetings-plan"),
    path("plans/generate", PlanGenerateView.as_view(), name="meetings-plan-generate"),
    path("plans/items", PlanItemCreateView.as_view(), name="meetings-plan-items"),
    path("plans/items/<int:item_id>", PlanItemView.as_view(), name="meetings-plan-item"),
    path("list", MeetingListView.as_view(), name="meetings-list"),
    path("create", MeetingCreateView.as_view(), name="meetings-create"),
    path("mine", MyMeetingsView.as_view(), name="meetings-mine"),
    path("mine/attendance", MyAttendanceView.as_view(), name="meetings-mine-attendance"),
    path("mine/<int:meeting_id>", MyMeetingView.as_view(), name="meetings-mine-detail"),
    path("mine/<int:meeting_id>/leave", MyLeaveView.as_view(), name="meetings-mine-leave"),
    path("makeups", MakeUpsView.as_view(), name="meetings-makeups"),
    path("makeups/<int:task_id>/complete", MakeUpCompleteView.as_view(), name="meetings-makeup-complete"),
    path("<int:meeting_id>", MeetingView.as_view(), name="meetings-detail"),
    path("<int:meeting_id>/cancel", MeetingCancelView.as_view(), name="meetings-cancel"),
    path("<int:meeting_id>/notify", MeetingNotifyView.as_view(), name="meetings-notify"),
    path("<int:meeting_id>/attendees", AttendeeAddView.as_view(), name="meetings-attendees"),
    path("<int:meeting_id>/attendees/<int:attendee_id>", AttendeeView.as_view(), name="meetings-attendee"),
    path(
        "<int:meeting_id>/attendees/<int:attendee_id>/leave-decision",
        LeaveDecisionView.as_view(),
        name="meetings-leave-decision",
    ),
    path("<int:meeting_id>/minutes", MinutesView.as_view(), name="meetings-minutes"),
    path("<int:meeting_id>/resolutions", ResolutionsView.as_view(), name="meetings-resolutions"),
    path("<int:meeting_id>/hold", HoldView.as_view(), name="meetings-hold"),
    path("<int:meeting_id>/files", FilesView.as_view(), name="meetings-files"),
    path("<int:meeting_id>/files/<int:file_id>", FileView.as_view(), name="meetings-file"),
]
