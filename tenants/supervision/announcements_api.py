"""Open party affairs (党务公开) under ``/api/v1/supervision/announcements`` (docs/supervision.md,
"Announcements"). Thin: parse, call ``tenants.supervision.announcements``, render.

Console, on a tenant host (tenant admins, secretaries and committee members over the unit) and on
the root host (the group's announcements: group admins; group viewers read):

- ``GET|POST announcements``: announcements in scope (``?status=&organization=&category=&q=``); a draft.
- ``GET|PATCH|DELETE announcements/{id}``: one (change or delete a draft).
- ``POST announcements/{id}/attachments`` (``{upload}``), ``DELETE …/attachments/{aid}``: a draft's files.
- ``POST announcements/{id}/publish|withdraw``.
- ``GET announcements/{id}/receipts`` (``?state=read|unread|signed|unsigned&organization=&tenant=&q=``),
  ``GET …/receipts/summary`` (per unit, or per subsidiary for the group's), ``GET …/receipts.xlsx``
  (audited), ``POST …/remind`` (those who haven't read or signed; once in 24 hours).

Member, on a tenant host: ``GET announcements/mine`` (this tenant's and the group's, unread first),
``GET announcements/mine/{uuid}`` (opening it is the read receipt), ``POST …/mine/{uuid}/sign``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpResponse
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import GroupRoleKind
from partycloud.accounts.permissions import IsTenantUser, on_root_host
from partycloud.core.api import PagePagination, validated
from partycloud.core.spreadsheets import xlsx_response
from tenants.supervision import announcements as service
from tenants.supervision.audience import TENANT_SCOPE_CHOICES
from tenants.supervision.models import Announcement, AnnouncementStatus, Marking, Scope

# ------------------------------------------------------------------------------ permissions


class CanManageAnnouncements(BasePermission):
    """Tenant host: tenant admins, secretaries and committee members (the services check the unit
    is in their scope). Root host: group admins; group viewers read."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        actor = Actor.of(request)
        if on_root_host():
            roles = actor.group_roles
            if GroupRoleKind.GROUP_ADMIN in roles:
                return True
            return request.method in SAFE_METHODS and GroupRoleKind.GROUP_VIEWER in roles
        return actor.has_role(*service.MANAGERS)


STATE = OpenApiParameter("state", str, enum=list(service.READ_STATES))

# ------------------------------------------------------------------------------ shapes


class SupervisionOrganizationRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AnnouncementAttachmentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField(allow_blank=True)
    size = serializers.IntegerField(allow_null=True)
    url = serializers.CharField(help_text="a signed download URL, valid for a few minutes")


class AnnouncementRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    category = serializers.CharField(allow_blank=True)
    marking = serializers.ChoiceField(choices=Marking.choices)
    organization = SupervisionOrganizationRefSerializer(allow_null=True, help_text="the issuing unit; null: the group")
    scope = serializers.ChoiceField(choices=Scope.choices)
    requires_signature = serializers.BooleanField()
    pinned = serializers.BooleanField()
    status = serializers.ChoiceField(choices=AnnouncementStatus.choices)
    created_by = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    recipient_count = serializers.IntegerField()
    read_count = serializers.IntegerField()
    signed_count = serializers.IntegerField()


class AnnouncementSerializer(AnnouncementRowSerializer):
    body_html = serializers.CharField(allow_blank=True)
    attachments = AnnouncementAttachmentSerializer(many=True)
    can_manage = serializers.BooleanField()


class AnnouncementCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    body_html = serializers.CharField(required=False, allow_blank=True, default="", max_length=200_000)
    category = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
    marking = serializers.ChoiceField(choices=Marking.choices, required=False, default=Marking.INTERNAL)
    organization = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="the issuing unit (tenant host); ignored on the root host",
    )
    scope = serializers.ChoiceField(
        choices=TENANT_SCOPE_CHOICES,
        required=False,
        default=Scope.SUBTREE,
        help_text="tenant host; the group's announcements are group-wide",
    )
    requires_signature = serializers.BooleanField(required=False, default=False)
    pinned = serializers.BooleanField(required=False, default=False)
    uploads = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, max_length=20,
        help_text="verified uploads of purpose supervision_attachment",
    )  # fmt: skip


class AnnouncementChangeSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200, required=False)
    body_html = serializers.CharField(required=False, allow_blank=True, max_length=200_000)
    category = serializers.CharField(required=False, allow_blank=True, max_length=40)
    marking = serializers.ChoiceField(choices=Marking.choices, required=False)
    organization = serializers.IntegerField(required=False)
    scope = serializers.ChoiceField(choices=TENANT_SCOPE_CHOICES, required=False)
    requires_signature = serializers.BooleanField(required=False)
    pinned = serializers.BooleanField(required=False)


class AnnouncementAttachmentCreateSerializer(serializers.Serializer[Any]):
    upload = serializers.UUIDField(help_text="a verified upload of purpose supervision_attachment")


def _row(announcement: Announcement, names: dict[int, str]) -> dict[str, Any]:
    organization_id = announcement.organization_id
    return {
        "id": announcement.pk,
        "uuid": announcement.uuid,
        "title": announcement.title,
        "category": announcement.category,
        "marking": announcement.marking,
        "organization": (
            {"id": organization_id, "name": names.get(organization_id, "")} if organization_id is not None else None
        ),
        "scope": announcement.scope,
        "requires_signature": announcement.requires_signature,
        "pinned": announcement.pinned,
        "status": announcement.status,
        "created_by": announcement.created_by.name if announcement.created_by else "",
        "created_at": announcement.created_at,
        "published_at": announcement.published_at,
        "withdrawn_at": announcement.withdrawn_at,
        "recipient_count": announcement.recipient_count,
        "read_count": announcement.read_count,
        "signed_count": announcement.signed_count,
    }


def _attachments(attachments: Any) -> list[dict[str, Any]]:
    return [
        {"id": a.pk, "name": a.name, "content_type": a.content_type, "size": a.size, "url": service.attachment_url(a)}
        for a in attachments
    ]


def _detail(request: Request, announcement: Announcement) -> Any:
    body = _row(announcement, service.organization_names([announcement.organization_id]))
    body["body_html"] = announcement.body_html
    body["attachments"] = _attachments(announcement.attachments.all())
    body["can_manage"] = service.can_manage(Actor.of(request), announcement)
    return AnnouncementSerializer(body).data


def _announcement(request: Request, announcement_id: int) -> Announcement:
    return service.announcement_for(Actor.of(request), announcement_id)


# ------------------------------------------------------------------------------ console


class AnnouncementListView(generics.GenericAPIView[Any]):
    """Announcements the caller manages, pinned first, then newest."""

    permission_classes = [CanManageAnnouncements]
    serializer_class = AnnouncementRowSerializer
    queryset = Announcement.objects.none()
    pagination_class = PagePagination

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=AnnouncementStatus.values),
            OpenApiParameter("organization", int, description="the unit's subtree (tenant host)"),
            OpenApiParameter("category", str),
            OpenApiParameter("q", str, description="words of the title"),
        ],
        responses=AnnouncementRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        announcements = service.filter_announcements(
            service.visible_announcements(Actor.of(request)),
            status=params.get("status"),
            organization=params.get("organization"),
            category=params.get("category"),
            q=params.get("q"),
        )
        page = self.paginate_queryset(announcements)
        assert page is not None
        names = service.organization_names([a.organization_id for a in page])
        return self.get_paginated_response(AnnouncementRowSerializer([_row(a, names) for a in page], many=True).data)

    @extend_schema(request=AnnouncementCreateSerializer, responses={201: AnnouncementSerializer})
    def post(self, request: Request) -> Response:
        data = validated(AnnouncementCreateSerializer, request.data)
        announcement = service.do_create(actor=Actor.of(request), **data)
        return Response(_detail(request, announcement), status=201)


class AnnouncementView(APIView):
    permission_classes = [CanManageAnnouncements]

    @extend_schema(responses=AnnouncementSerializer)
    def get(self, request: Request, announcement_id: int) -> Response:
        return Response(_detail(request, _announcement(request, announcement_id)))

    @extend_schema(request=AnnouncementChangeSerializer, responses=AnnouncementSerializer)
    def patch(self, request: Request, announcement_id: int) -> Response:
        data = validated(AnnouncementChangeSerializer, request.data)
        announcement = service.do_update(_announcement(request, announcement_id), actor=Actor.of(request), **data)
        return Response(_detail(request, announcement))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, announcement_id: int) -> Response:
        service.do_delete(_announcement(request, announcement_id), actor=Actor.of(request))
        return Response(status=204)


class AnnouncementAttachmentsView(APIView):
    permission_classes = [CanManageAnnouncements]

    @extend_schema(request=AnnouncementAttachmentCreateSerializer, responses={201: AnnouncementSerializer})
    def post(self, request: Request, announcement_id: int) -> Response:
        data = validated(AnnouncementAttachmentCreateSerializer, request.data)
        announcement = _announcement(request, announcement_id)
        service.do_add_attachment(announcement, data["upload"], actor=Actor.of(request))
        return Response(_detail(request, announcement), status=201)


class AnnouncementAttachmentView(APIView):
    permission_classes = [CanManageAnnouncements]

    @extend_schema(responses={204: None})
    def delete(self, request: Request, announcement_id: int, attachment_id: int) -> Response:
        service.do_remove_attachment(_announcement(request, announcement_id), attachment_id, actor=Actor.of(request))
        return Response(status=204)


class AnnouncementPublishView(APIView):
    """draft → published: the recipients are fixed and notified (the group's: in every active
    subsidiary, by a task per subsidiary)."""

    permission_classes = [CanManageAnnouncements]

    @extend_schema(request=None, responses=AnnouncementSerializer)
    def post(self, request: Request, announcement_id: int) -> Response:
        announcement = service.do_publish(_announcement(request, announcement_id), actor=Actor.of(request))
        return Response(_detail(request, announcement))


class AnnouncementWithdrawView(APIView):
    """published → withdrawn: members no longer see it; the receipts are kept."""

    permission_classes = [CanManageAnnouncements]

    @extend_schema(request=None, responses=AnnouncementSerializer)
    def post(self, request: Request, announcement_id: int) -> Response:
        announcement = service.do_withdraw(_announcement(request, announcement_id), actor=Actor.of(request))
        return Response(_detail(request, announcement))


# ------------------------------------------------------------------------------ receipts


class AnnouncementReceiptSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField(allow_blank=True, help_text="masked")
    tenant_schema = serializers.CharField(allow_blank=True)
    tenant_name = serializers.CharField(allow_blank=True)
    organization_id = serializers.IntegerField(allow_null=True)
    organization_name = serializers.CharField(allow_blank=True)
    first_read_at = serializers.DateTimeField(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    reminded_at = serializers.DateTimeField(allow_null=True)
    reminder_count = serializers.IntegerField()


class AnnouncementReceiptGroupSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="the unit's id, or the subsidiary's schema")
    name = serializers.CharField(allow_blank=True)
    recipients = serializers.IntegerField()
    read = serializers.IntegerField()
    signed = serializers.IntegerField()


class AnnouncementReceiptSummarySerializer(serializers.Serializer[Any]):
    recipient_count = serializers.IntegerField()
    read_count = serializers.IntegerField()
    signed_count = serializers.IntegerField()
    unread_count = serializers.IntegerField()
    grouped_by = serializers.ChoiceField(choices=["organization", "tenant"])
    last_reminded_at = serializers.DateTimeField(allow_null=True)
    next_reminder_at = serializers.DateTimeField(allow_null=True, help_text="a reminder is refused before this")
    groups = AnnouncementReceiptGroupSerializer(many=True)


class AnnouncementRemindResultSerializer(serializers.Serializer[Any]):
    reminded = serializers.IntegerField()
    next_reminder_at = serializers.DateTimeField()


def _receipt(row: Any) -> dict[str, Any]:
    return {
        "id": row.pk,
        "name": row.name,
        "phone": row.user.masked_phone,
        "tenant_schema": row.tenant_schema,
        "tenant_name": row.tenant_name,
        "organization_id": row.organization_id,
        "organization_name": row.organization_name,
        "first_read_at": row.first_read_at,
        "signed_at": row.signed_at,
        "reminded_at": row.reminded_at,
        "reminder_count": row.reminder_count,
    }


class AnnouncementReceiptsView(generics.GenericAPIView[Any]):
    """Who has and hasn't read (and signed), by unit and name."""

    permission_classes = [CanManageAnnouncements]
    serializer_class = AnnouncementReceiptSerializer
    queryset = Announcement.objects.none()
    pagination_class = PagePagination

    @extend_schema(
        parameters=[
            STATE,
            OpenApiParameter("organization", int, description="one unit's recipients"),
            OpenApiParameter(
                "tenant", str, description="one subsidiary's recipients (its schema; group announcements)"
            ),
            OpenApiParameter("q", str, description="a name or a unit"),
        ],
        responses=AnnouncementReceiptSerializer(many=True),
    )
    def get(self, request: Request, announcement_id: int) -> Response:
        params = request.query_params
        rows = service.receipts(
            _announcement(request, announcement_id),
            state=params.get("state"),
            organization=params.get("organization"),
            tenant=params.get("tenant"),
            q=params.get("q"),
        )
        page = self.paginate_queryset(rows)
        assert page is not None
        return self.get_paginated_response(AnnouncementReceiptSerializer([_receipt(r) for r in page], many=True).data)


class AnnouncementReceiptSummaryView(APIView):
    permission_classes = [CanManageAnnouncements]

    @extend_schema(responses=AnnouncementReceiptSummarySerializer)
    def get(self, request: Request, announcement_id: int) -> Response:
        summary = service.receipt_summary(_announcement(request, announcement_id))
        summary["groups"] = [group.__dict__ for group in summary["groups"]]
        return Response(AnnouncementReceiptSummarySerializer(summary).data)


class AnnouncementReceiptsExportView(APIView):
    """The receipts as a workbook (audited; phones masked)."""

    permission_classes = [CanManageAnnouncements]

    @extend_schema(
        parameters=[STATE],
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes},
    )
    def get(self, request: Request, announcement_id: int) -> HttpResponse:
        announcement = _announcement(request, announcement_id)
        content = service.export_receipts(
            announcement, actor=Actor.of(request), state=request.query_params.get("state")
        )
        return xlsx_response(content, f"阅读回执-{announcement.title[:40]}.xlsx")


class AnnouncementRemindView(APIView):
    """Remind those who haven't read it (or signed it, when asked): at most once in 24 hours."""

    permission_classes = [CanManageAnnouncements]

    @extend_schema(request=None, responses=AnnouncementRemindResultSerializer)
    def post(self, request: Request, announcement_id: int) -> Response:
        result = service.do_remind(_announcement(request, announcement_id), actor=Actor.of(request))
        return Response(AnnouncementRemindResultSerializer(result).data)


# ------------------------------------------------------------------------------ the member's side


class MyAnnouncementSerializer(serializers.Serializer[Any]):
    uuid = serializers.UUIDField()
    source = serializers.ChoiceField(  # type: ignore[assignment]  # a field named like Field.source
        choices=["tenant", "group"], help_text="this subsidiary's, or the group's"
    )
    title = serializers.CharField()
    category = serializers.CharField(allow_blank=True)
    issuer = serializers.CharField(allow_blank=True, help_text="the issuing unit ('' for the group)")
    pinned = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)
    requires_signature = serializers.BooleanField()
    first_read_at = serializers.DateTimeField(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)


class MyAnnouncementDetailSerializer(MyAnnouncementSerializer):
    body_html = serializers.CharField(allow_blank=True)
    attachments = AnnouncementAttachmentSerializer(many=True)


def _mine_row(mine: service.MyAnnouncement, names: dict[int, str]) -> dict[str, Any]:
    announcement = mine.announcement
    return {
        "uuid": announcement.uuid,
        "source": mine.source,
        "title": announcement.title,
        "category": announcement.category,
        "issuer": names.get(announcement.organization_id or 0, "") if mine.source == "tenant" else "",
        "pinned": announcement.pinned,
        "published_at": announcement.published_at,
        "requires_signature": announcement.requires_signature,
        "first_read_at": mine.receipt.first_read_at,
        "signed_at": mine.receipt.signed_at,
    }


def _mine_detail(mine: service.MyAnnouncement) -> Any:
    announcement = mine.announcement
    body = _mine_row(mine, service.organization_names([announcement.organization_id]))
    body["body_html"] = announcement.body_html
    body["attachments"] = _attachments(service.my_attachments(mine))
    return MyAnnouncementDetailSerializer(body).data


class MyAnnouncementListView(generics.GenericAPIView[Any]):
    """The caller's announcements: this subsidiary's and the group's, unread first, then newest."""

    permission_classes = [IsTenantUser]
    serializer_class = MyAnnouncementSerializer
    queryset = Announcement.objects.none()
    pagination_class = PagePagination

    @extend_schema(parameters=[STATE], responses=MyAnnouncementSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = self.paginator
        assert isinstance(paginator, PagePagination)
        size = paginator.get_page_size(request) or 20
        number = request.query_params.get("page", "1")
        page = int(number) if number.isdigit() and int(number) > 0 else 1
        total, rows = service.my_page(
            Actor.of(request), state=request.query_params.get("state"), offset=(page - 1) * size, limit=size
        )
        names = service.organization_names([row.announcement.organization_id for row in rows if row.source == "tenant"])
        data = MyAnnouncementSerializer([_mine_row(row, names) for row in rows], many=True).data
        base = request.build_absolute_uri(request.path)
        return Response(
            {
                "count": total,
                "next": f"{base}?page={page + 1}&page_size={size}" if page * size < total else None,
                "previous": f"{base}?page={page - 1}&page_size={size}" if page > 1 else None,
                "results": data,
            }
        )


class MyAnnouncementView(APIView):
    """One of the caller's announcements; opening it is the read receipt (counted once)."""

    permission_classes = [IsTenantUser]

    @extend_schema(responses=MyAnnouncementDetailSerializer)
    def get(self, request: Request, uuid: UUID) -> Response:
        mine = service.do_open(service.my_announcement(Actor.of(request), uuid))
        return Response(_mine_detail(mine))


class MySignView(APIView):
    """签收: confirm the announcement as read (when it asks for it)."""

    permission_classes = [IsTenantUser]

    @extend_schema(request=None, responses=MyAnnouncementDetailSerializer)
    def post(self, request: Request, uuid: UUID) -> Response:
        mine = service.do_sign(service.my_announcement(Actor.of(request), uuid))
        return Response(_mine_detail(mine))


urlpatterns: list[URLPattern] = [
    path("announcements", AnnouncementListView.as_view(), name="supervision-announcements"),
    path("announcements/mine", MyAnnouncementListView.as_view(), name="supervision-my-announcements"),
    path("announcements/mine/<uuid:uuid>", MyAnnouncementView.as_view(), name="supervision-my-announcement"),
    path("announcements/mine/<uuid:uuid>/sign", MySignView.as_view(), name="supervision-my-announcement-sign"),
    path("announcements/<int:announcement_id>", AnnouncementView.as_view(), name="supervision-announcement"),
    path(
        "announcements/<int:announcement_id>/attachments",
        AnnouncementAttachmentsView.as_view(),
        name="supervision-announcement-attachments",
    ),
    path(
        "announcements/<int:announcement_id>/attachments/<int:attachment_id>",
        AnnouncementAttachmentView.as_view(),
        name="supervision-announcement-attachment",
    ),
    path(
        "announcements/<int:announcement_id>/publish",
        AnnouncementPublishView.as_view(),
        name="supervision-announcement-publish",
    ),
    path(
        "announcements/<int:announcement_id>/withdraw",
        AnnouncementWithdrawView.as_view(),
        name="supervision-announcement-withdraw",
    ),
    path(
        "announcements/<int:announcement_id>/receipts",
        AnnouncementReceiptsView.as_view(),
        name="supervision-announcement-receipts",
    ),
    path(
        "announcements/<int:announcement_id>/receipts/summary",
        AnnouncementReceiptSummaryView.as_view(),
        name="supervision-announcement-receipt-summary",
    ),
    path(
        "announcements/<int:announcement_id>/receipts.xlsx",
        AnnouncementReceiptsExportView.as_view(),
        name="supervision-announcement-receipts-export",
    ),
    path(
        "announcements/<int:announcement_id>/remind",
        AnnouncementRemindView.as_view(),
        name="supervision-announcement-remind",
    ),
]
