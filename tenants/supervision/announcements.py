"""Open party affairs (党务公开): announcements to a scope, with read receipts (docs/supervision.md,
"Announcements").

A tenant's unit writes an announcement (sanitized rich text through the confidentiality gate,
attachments by direct upload, purpose ``supervision_attachment``) for its own members, its subtree
or the whole subsidiary; publishing fixes the recipients (``AnnouncementRecipient``, from
``audience.recipients``) and notifies them. A member opens it (the first read is counted once) and,
when asked, signs it as read (签收). The unit's workers see who has and hasn't read, remind those
who haven't (at most once in 24 hours) and export the receipts (audited).

The group's announcements are public rows written by group admins on the root host: publishing
sends one task per active subsidiary, which fixes that tenant's recipients (public rows with the
tenant and unit as they were) and notifies them in the tenant's schema. A subsidiary onboarded
after the publishing does not receive it. Members read the group's announcements beside their
tenant's (``my_page``).

Search (``tenants.supervision.search``): a published announcement with scope ``tenant`` is a
document of the tenant, a published group announcement a shared one; edit, publish, withdraw and
delete re-index it (``index_announcements``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Max, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context
from openpyxl import Workbook
from openpyxl.styles import Font

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import GroupRoleKind, User, stored_user
from partycloud.accounts.roles import TenantRole
from partycloud.audit.services import do_record_audit
from partycloud.core.confidentiality import check_unclassified
from partycloud.core.errors import Conflict, NotAllowed, NotFoundError, ServiceError
from partycloud.core.richtext import html_to_text, sanitize_html
from partycloud.core.spreadsheets import HEADER_FILL
from partycloud.tenancy.context import active_schema, active_tenant
from partycloud.tenancy.models import PartyCommittee
from partycloud.uploads.models import Upload
from partycloud.uploads.purposes import Purpose, register_purpose
from partycloud.uploads.services import claim_upload, discard_object, download_url
from services.storage import DataClass
from tenants.access.services import check_covers, user_scope
from tenants.notifications.kinds import NotificationKind
from tenants.notifications.models import Notification
from tenants.notifications.services import do_notify_many
from tenants.organizations.models import Organization
from tenants.supervision.audience import check_scope, recipients
from tenants.supervision.errors import SupervisionCode
from tenants.supervision.models import (
    Announcement,
    AnnouncementAttachment,
    AnnouncementRecipient,
    AnnouncementStatus,
    Marking,
    Scope,
)
from tenants.supervision.search import index_announcements, register_announcement_source

PUBLIC = "public"
MANAGERS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY, TenantRole.COMMITTEE_MEMBER})
ATTACHMENT_PURPOSE = "supervision_attachment"
ATTACHMENT_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/webp",
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)
ATTACHMENT_MAX_SIZE = 50 * 1024 * 1024
MAX_ATTACHMENTS = 20
REMIND_INTERVAL = timedelta(hours=24)
READ_STATES = ("read", "unread", "signed", "unsigned")


def is_group() -> bool:
    """The root host: the group's own announcements (public rows)."""
    return active_schema() == PUBLIC


def _may_write(actor: Actor) -> bool:
    if is_group():
        return GroupRoleKind.GROUP_ADMIN in actor.group_roles
    return actor.has_role(*MANAGERS)


def on_ready() -> None:
    """Attachments by direct upload: workers of a unit, or group admins on the root host; the
    search source of announcements (``tenants.supervision.search``)."""
    register_announcement_source()
    register_purpose(
        Purpose(
            ATTACHMENT_PURPOSE,
            DataClass.MEDIA,
            "supervision-attachment",
            ATTACHMENT_TYPES,
            ATTACHMENT_MAX_SIZE,
            extract_text=True,  # the confidentiality gate reads the documents' text when they are verified
            permission=_may_write,
        )
    )


# ------------------------------------------------------------------------------ access


def _not_found() -> NotFoundError:
    return NotFoundError(SupervisionCode.ANNOUNCEMENT_NOT_FOUND, _("No such announcement within your scope."))


def covered_organization_ids(actor: Actor) -> QuerySet[Organization, Any] | None:
    """The organizations ``actor`` works on (ids, as a subquery); None: the whole tenant."""
    scope = user_scope(actor.user, MANAGERS)
    if scope.whole_tenant:
        return None
    return scope.apply(Organization.objects.all(), "path").values("pk")


def visible_announcements(actor: Actor) -> QuerySet[Announcement]:
    """The announcements ``actor`` manages: the group's on the root host (group admins and viewers),
    on a tenant host those of the units in the caller's scope."""
    announcements = Announcement.objects.select_related("created_by")
    if is_group():
        if not actor.group_roles & {GroupRoleKind.GROUP_ADMIN, GroupRoleKind.GROUP_VIEWER}:
            return announcements.none()
        return announcements
    covered = covered_organization_ids(actor)
    return announcements if covered is None else announcements.filter(organization_id__in=covered)


def announcement_for(actor: Actor, announcement_id: int) -> Announcement:
    found = visible_announcements(actor).filter(pk=announcement_id).first()
    if found is None:
        raise _not_found()
    return found


def check_can_manage(actor: Actor, organization_id: int | None) -> None:
    if is_group():
        if GroupRoleKind.GROUP_ADMIN not in actor.group_roles:
            raise NotAllowed(
                SupervisionCode.OUT_OF_SCOPE, _("Only a group admin can manage the group's announcements.")
            )
        return
    check_covers(
        actor.user,
        organization_id,
        MANAGERS,
        SupervisionCode.OUT_OF_SCOPE,
        _("This organization is outside your scope."),
    )


def can_manage(actor: Actor, announcement: Announcement) -> bool:
    try:
        check_can_manage(actor, announcement.organization_id)
    except ServiceError:
        return False
    return True


def filter_announcements(
    announcements: QuerySet[Announcement],
    *,
    status: str | None = None,
    organization: str | None = None,
    category: str | None = None,
    q: str | None = None,
) -> QuerySet[Announcement]:
    if status:
        announcements = announcements.filter(status=status)
    if organization and not is_group():
        root = Organization.objects.filter(pk=int(organization) if organization.isdigit() else 0).first()
        ids = list(Organization.objects.filter(path__startswith=root.path).values_list("pk", flat=True)) if root else []
        announcements = announcements.filter(organization_id__in=ids)
    if category:
        announcements = announcements.filter(category=category)
    if q:
        announcements = announcements.filter(title__icontains=q.strip())
    return announcements


def organization_names(ids: Sequence[int | None]) -> dict[int, str]:
    """Names of the tenant's organizations (an empty map on the root host: no organizations there)."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted or is_group():
        return {}
    return dict(Organization.objects.filter(pk__in=wanted).values_list("pk", "name"))


# ------------------------------------------------------------------------------ writing


def _gate(title: str, text: str, *, actor: Actor, upload_ids: Sequence[UUID] = ()) -> None:
    """The confidentiality gate (DOMAIN_RULES §8) before anything is written: on refusal the files
    uploaded for it are deleted and the refusal is logged."""
    try:
        check_unclassified([("title", title), ("body", text)])
    except ServiceError as refusal:
        for upload in Upload.objects.filter(pk__in=list(upload_ids)):
            discard_object(DataClass(upload.data_class), upload.key)
            upload.status, upload.error_code = "rejected", refusal.code
            upload.save(update_fields=["status", "error_code"])
        do_record_audit(
            event="supervision.classified.refuse",
            details={"marking": refusal.extra.get("marking", ""), "field": refusal.field or ""},
            actor=actor,
            target_type="supervision.refused",
            target_id=title[:64],
            target_label=title[:200],
        )
        raise


def _attach(announcement: Announcement, upload_ids: Sequence[UUID], actor: Actor) -> None:
    if announcement.attachments.count() + len(upload_ids) > MAX_ATTACHMENTS:
        raise ServiceError(SupervisionCode.TOO_MANY_ATTACHMENTS, _("Attach at most 20 files."), "uploads")
    position = announcement.attachments.aggregate(top=Max("position"))["top"] or 0
    for upload_id in upload_ids:
        upload = claim_upload(upload_id, purpose=ATTACHMENT_PURPOSE, user=actor.user)
        position += 1
        AnnouncementAttachment.objects.create(
            announcement=announcement, position=position, key=upload.key, name=upload.filename,
            content_type=upload.detected_type, size=upload.size,
        )  # fmt: skip


def _check_draft(announcement: Announcement) -> None:
    if announcement.status != AnnouncementStatus.DRAFT:
        raise Conflict(
            SupervisionCode.ANNOUNCEMENT_NOT_DRAFT, _("Only a draft announcement can be changed or published.")
        )


def do_create(
    *,
    actor: Actor,
    title: str,
    body_html: str = "",
    category: str = "",
    marking: str = Marking.INTERNAL,
    organization: int | None = None,
    scope: str = Scope.SUBTREE,
    requires_signature: bool = False,
    pinned: bool = False,
    uploads: Sequence[UUID] = (),
) -> Announcement:
    """A draft announcement of a unit (on the root host: of the group, to every subsidiary)."""
    if is_group():
        check_can_manage(actor, None)
        organization_id, scope = None, Scope.GROUP
    else:
        organization_id = check_scope(organization, scope).pk
        check_can_manage(actor, organization_id)
    clean = sanitize_html(body_html)
    text = html_to_text(clean)
    _gate(title, text, actor=actor, upload_ids=uploads)  # before the transaction: the refusal is kept
    with transaction.atomic():
        announcement = Announcement.objects.create(
            title=title.strip(), body_html=clean, text=text, category=category.strip(), marking=marking,
            organization_id=organization_id, scope=scope, requires_signature=requires_signature, pinned=pinned,
            created_by=stored_user(actor),
        )  # fmt: skip
        _attach(announcement, uploads, actor)
        do_record_audit(event="supervision.announcement.create", actor=actor, target=announcement)
    return announcement


def do_update(announcement: Announcement, *, actor: Actor, **changes: Any) -> Announcement:
    """Change a draft: title, body, category, marking, unit and scope, signature, pinned."""
    _gate(
        str(changes.get("title", announcement.title)),
        html_to_text(sanitize_html(changes["body_html"])) if "body_html" in changes else announcement.text,
        actor=actor,
    )  # before the transaction: the refusal is kept
    with transaction.atomic():
        return _update(announcement, actor=actor, **changes)


def _update(announcement: Announcement, *, actor: Actor, **changes: Any) -> Announcement:
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    check_can_manage(actor, announcement.organization_id)
    _check_draft(announcement)
    if not is_group() and ("organization" in changes or "scope" in changes):
        organization = changes.pop("organization", announcement.organization_id)
        scope = changes.pop("scope", announcement.scope)
        announcement.organization_id = check_scope(organization, scope).pk
        announcement.scope = scope
        check_can_manage(actor, announcement.organization_id)
    changes.pop("organization", None)
    changes.pop("scope", None)
    if "body_html" in changes:
        announcement.body_html = sanitize_html(changes.pop("body_html"))
        announcement.text = html_to_text(announcement.body_html)
    for name in ("title", "category"):
        if name in changes:
            setattr(announcement, name, str(changes.pop(name)).strip())
    for name in ("marking", "requires_signature", "pinned"):
        if name in changes:
            setattr(announcement, name, changes.pop(name))
    announcement.save()
    index_announcements([announcement])  # a draft is no document: this keeps the index honest all the same
    do_record_audit(event="supervision.announcement.update", actor=actor, target=announcement)
    return announcement


@transaction.atomic
def do_delete(announcement: Announcement, *, actor: Actor) -> None:
    check_can_manage(actor, announcement.organization_id)
    _check_draft(announcement)
    keys = list(announcement.attachments.values_list("key", flat=True))
    do_record_audit(event="supervision.announcement.delete", actor=actor, target=announcement)
    index_announcements([announcement.uuid])
    announcement.delete()

    def discard() -> None:
        for key in keys:
            discard_object(DataClass.MEDIA, key)

    transaction.on_commit(discard)


@transaction.atomic
def do_add_attachment(announcement: Announcement, upload_id: UUID, *, actor: Actor) -> AnnouncementAttachment:
    check_can_manage(actor, announcement.organization_id)
    _check_draft(announcement)
    _attach(announcement, [upload_id], actor)
    return announcement.attachments.order_by("-position", "-id")[0]


@transaction.atomic
def do_remove_attachment(announcement: Announcement, attachment_id: int, *, actor: Actor) -> None:
    check_can_manage(actor, announcement.organization_id)
    _check_draft(announcement)
    attachment = announcement.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFoundError(SupervisionCode.BAD_ATTACHMENT, _("No such attachment."))
    key = attachment.key
    attachment.delete()
    transaction.on_commit(lambda: discard_object(DataClass.MEDIA, key))


def attachment_url(attachment: AnnouncementAttachment) -> str:
    """A signed download URL (authorize before calling)."""
    return download_url(DataClass.MEDIA, attachment.key, filename=attachment.name, inline=False)


# ------------------------------------------------------------------------------ publishing


def portal_link(announcement: Announcement) -> str:
    return f"/supervision/announcements/{announcement.uuid}"


def _tenant_language() -> str:
    return active_tenant().locale or settings.LANGUAGE_CODE


def _notify(users: Sequence[User], announcement: Announcement, *, reminder: bool = False) -> int:
    """Notify ``users`` of the active tenant (in its language); nobody twice for one message."""
    if not users:
        return 0
    with translation.override(_tenant_language()):
        if reminder:
            title = _("Reminder: please read “%(title)s”") % {"title": announcement.title}
        else:
            title = _("Announcement: %(title)s") % {"title": announcement.title}
        body = _("Please confirm it as read.") if announcement.requires_signature else ""
    link = portal_link(announcement)
    if not reminder:  # a retried task tells nobody twice
        told = set(
            Notification.objects.filter(user_id__in=[u.pk for u in users], link=link, title=title[:200]).values_list(
                "user_id", flat=True
            )
        )
        users = [user for user in users if user.pk not in told]
    return do_notify_many(list(users), title, body, link, kind=NotificationKind.ANNOUNCEMENT)


@transaction.atomic
def do_publish(announcement: Announcement, *, actor: Actor) -> Announcement:
    """Fix the recipients and notify them. A tenant's announcement: its scope's members now. The
    group's: one task per active subsidiary (``deliver_group_announcement``)."""
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    check_can_manage(actor, announcement.organization_id)
    _check_draft(announcement)
    now = timezone.now()
    if is_group():
        announcement.status, announcement.published_at = AnnouncementStatus.PUBLISHED, now
        announcement.save(update_fields=["status", "published_at", "updated_at"])
        index_announcements([announcement])
        tenants = list(PartyCommittee.objects.active().order_by("pk"))
        announcement_id = announcement.pk

        def fan_out() -> None:
            # Imported here: the tasks module imports this one.
            from tenants.supervision.announcements_tasks import deliver_group_announcement

            for tenant in tenants:
                with tenant:  # sent from the tenant's schema, the task runs there
                    deliver_group_announcement.delay(announcement_id)

        transaction.on_commit(fan_out)
        do_record_audit(
            event="supervision.announcement.publish", actor=actor, target=announcement,
            details={"count": 0, "tenants": len(tenants)},
        )  # fmt: skip
        return announcement
    rows = recipients(announcement.organization_id, announcement.scope)
    if not rows:
        raise ServiceError(SupervisionCode.NO_RECIPIENTS, _("Nobody with an account is in this scope."), "scope")
    schema, tenant_name = active_schema(), active_tenant().name
    AnnouncementRecipient.objects.bulk_create(
        [
            AnnouncementRecipient(
                announcement=announcement,
                user_id=row.user_id,
                tenant_schema=schema,
                tenant_name=tenant_name,
                organization_id=row.organization_id,
                organization_name=row.organization_name,
                name=row.name,
            )
            for row in rows
        ],
        batch_size=2000,
    )
    announcement.status, announcement.published_at = AnnouncementStatus.PUBLISHED, now
    announcement.recipient_count = len(rows)
    announcement.save(update_fields=["status", "published_at", "recipient_count", "updated_at"])
    index_announcements([announcement])
    _notify(list(User.objects.filter(pk__in=[row.user_id for row in rows])), announcement)
    do_record_audit(
        event="supervision.announcement.publish", actor=actor, target=announcement, details={"count": len(rows)}
    )
    return announcement


def do_deliver_group_announcement(announcement_id: int) -> int:
    """In one subsidiary's schema: fix its recipients of a group announcement (public rows) and
    notify them here. Idempotent (a retried task adds and tells nobody twice). How many were added."""
    schema = active_schema()
    if schema == PUBLIC:
        return 0
    tenant_name = active_tenant().name
    with schema_context(PUBLIC):
        announcement = Announcement.objects.filter(pk=announcement_id, status=AnnouncementStatus.PUBLISHED).first()
    if announcement is None:
        return 0
    rows = recipients(None, Scope.TENANT)
    with schema_context(PUBLIC), transaction.atomic():
        Announcement.objects.select_for_update().filter(pk=announcement_id).first()  # one tenant at a time
        known = set(
            AnnouncementRecipient.objects.filter(announcement_id=announcement_id, tenant_schema=schema).values_list(
                "user_id", flat=True
            )
        )
        new = [row for row in rows if row.user_id not in known]
        AnnouncementRecipient.objects.bulk_create(
            [
                AnnouncementRecipient(
                    announcement_id=announcement_id,
                    user_id=row.user_id,
                    tenant_schema=schema,
                    tenant_name=tenant_name,
                    organization_id=row.organization_id,
                    organization_name=row.organization_name,
                    name=row.name,
                )
                for row in new
            ],
            batch_size=2000,
            ignore_conflicts=True,  # a user who is a member of two subsidiaries gets it once
        )
        total = AnnouncementRecipient.objects.filter(announcement_id=announcement_id).count()
        Announcement.objects.filter(pk=announcement_id).update(recipient_count=total)
        delivered = set(
            AnnouncementRecipient.objects.filter(announcement_id=announcement_id, tenant_schema=schema).values_list(
                "user_id", flat=True
            )
        )
    with transaction.atomic():
        _notify(list(User.objects.filter(pk__in=delivered)), announcement)
    return len(new)


@transaction.atomic
def do_withdraw(announcement: Announcement, *, actor: Actor) -> Announcement:
    """Take a published announcement back: members no longer see it; the receipts are kept."""
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    check_can_manage(actor, announcement.organization_id)
    if announcement.status != AnnouncementStatus.PUBLISHED:
        raise Conflict(SupervisionCode.ANNOUNCEMENT_NOT_PUBLISHED, _("The announcement is not published."))
    announcement.status, announcement.withdrawn_at = AnnouncementStatus.WITHDRAWN, timezone.now()
    announcement.save(update_fields=["status", "withdrawn_at", "updated_at"])
    index_announcements([announcement])
    do_record_audit(event="supervision.announcement.withdraw", actor=actor, target=announcement)
    return announcement


# ------------------------------------------------------------------------------ receipts


def receipts(
    announcement: Announcement,
    *,
    state: str | None = None,
    organization: str | None = None,
    tenant: str | None = None,
    q: str | None = None,
) -> QuerySet[AnnouncementRecipient]:
    """The announcement's recipients with their receipts (by unit, then name)."""
    rows = announcement.recipients.select_related("user")
    if state == "read":
        rows = rows.filter(first_read_at__isnull=False)
    elif state == "unread":
        rows = rows.filter(first_read_at__isnull=True)
    elif state == "signed":
        rows = rows.filter(signed_at__isnull=False)
    elif state == "unsigned":
        rows = rows.filter(signed_at__isnull=True)
    if organization and organization.isdigit():
        rows = rows.filter(organization_id=int(organization))
    if tenant:
        rows = rows.filter(tenant_schema=tenant)
    if q:
        rows = rows.filter(Q(name__icontains=q.strip()) | Q(organization_name__icontains=q.strip()))
    return rows.order_by("tenant_name", "organization_name", "name", "id")


def _pending(announcement: Announcement) -> QuerySet[AnnouncementRecipient]:
    """Who still owes the announcement something: a signature when it asks for one, else a read."""
    if announcement.requires_signature:
        return announcement.recipients.filter(signed_at__isnull=True)
    return announcement.recipients.filter(first_read_at__isnull=True)


def last_reminded_at(announcement: Announcement) -> datetime | None:
    value: datetime | None = announcement.recipients.aggregate(last=Max("reminded_at"))["last"]
    return value


@dataclass(frozen=True)
class ReceiptGroup:
    key: str
    name: str
    recipients: int
    read: int
    signed: int


def receipt_summary(announcement: Announcement) -> dict[str, Any]:
    """The counts, per subsidiary (a group announcement) or per unit (a tenant's), and when the
    next reminder may be sent."""
    grouped = "tenant_schema" if announcement.organization_id is None and announcement.scope == Scope.GROUP else None
    key, name = ("tenant_schema", "tenant_name") if grouped else ("organization_id", "organization_name")
    rows = (
        announcement.recipients.values(key, name)
        .annotate(total=Count("id"), read=Count("first_read_at"), signed=Count("signed_at"))
        .order_by(name, key)
    )
    last = last_reminded_at(announcement)
    return {
        "recipient_count": announcement.recipient_count,
        "read_count": announcement.read_count,
        "signed_count": announcement.signed_count,
        "unread_count": announcement.recipient_count - announcement.read_count,
        "grouped_by": "tenant" if grouped else "organization",
        "last_reminded_at": last,
        "next_reminder_at": last + REMIND_INTERVAL if last else None,
        "groups": [
            ReceiptGroup(str(row[key] or ""), row[name], row["total"], row["read"], row["signed"]) for row in rows
        ],
    }


@transaction.atomic
def do_remind(announcement: Announcement, *, actor: Actor, now: datetime | None = None) -> dict[str, Any]:
    """Remind those who haven't read it (or signed it, when asked): at most once in 24 hours per
    announcement. Returns how many were reminded and when the next reminder may be sent."""
    now = now or timezone.now()
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)  # one reminder at a time
    check_can_manage(actor, announcement.organization_id)
    if announcement.status != AnnouncementStatus.PUBLISHED:
        raise Conflict(SupervisionCode.ANNOUNCEMENT_NOT_PUBLISHED, _("The announcement is not published."))
    last = last_reminded_at(announcement)
    if last is not None and now - last < REMIND_INTERVAL:
        raise Conflict(
            SupervisionCode.REMINDED_RECENTLY,
            _("Those who haven't read it were reminded less than 24 hours ago."),
            extra={"next_reminder_at": (last + REMIND_INTERVAL).isoformat()},
        )
    pending = list(_pending(announcement).values_list("pk", "user_id", "tenant_schema"))
    if not pending:
        raise Conflict(SupervisionCode.NOTHING_TO_REMIND, _("Everyone has read it: nobody to remind."))
    AnnouncementRecipient.objects.filter(pk__in=[pk for pk, _user, _schema in pending]).update(
        reminded_at=now, reminder_count=F("reminder_count") + 1
    )
    if is_group():
        by_schema: dict[str, list[int]] = {}
        for _pk, user_id, schema in pending:
            by_schema.setdefault(schema, []).append(user_id)
        tenants = {t.schema_name: t for t in PartyCommittee.objects.filter(schema_name__in=list(by_schema))}
        announcement_id = announcement.pk

        def fan_out() -> None:
            # Imported here: the tasks module imports this one.
            from tenants.supervision.announcements_tasks import remind_group_announcement

            for schema, user_ids in by_schema.items():
                if schema in tenants:
                    with tenants[schema]:
                        remind_group_announcement.delay(announcement_id, user_ids)

        transaction.on_commit(fan_out)
    else:
        _notify(
            list(User.objects.filter(pk__in=[user_id for _pk, user_id, _s in pending])), announcement, reminder=True
        )
    do_record_audit(
        event="supervision.announcement.remind", actor=actor, target=announcement, details={"count": len(pending)}
    )
    return {"reminded": len(pending), "next_reminder_at": now + REMIND_INTERVAL}


def do_send_group_reminder(announcement_id: int, user_ids: Sequence[int]) -> int:
    """In one subsidiary's schema: remind its recipients of a group announcement."""
    with schema_context(PUBLIC):
        announcement = Announcement.objects.filter(pk=announcement_id).first()
    if announcement is None:
        return 0
    with transaction.atomic():
        return _notify(list(User.objects.filter(pk__in=list(user_ids))), announcement, reminder=True)


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def receipts_workbook(announcement: Announcement, rows: QuerySet[AnnouncementRecipient]) -> bytes:
    """签收情况: one line per recipient (phones masked)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "阅读回执"
    sheet.append([f"{announcement.title} 阅读回执"])
    sheet["A1"].font = Font(bold=True, size=14)
    group = announcement.scope == Scope.GROUP
    headers = ["序号", *(["单位"] if group else []), "党组织", "姓名", "手机", "阅读时间", "签收时间", "提醒次数"]
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
    for number, row in enumerate(rows.iterator(chunk_size=2000), start=1):
        sheet.append(
            [
                number,
                *([row.tenant_name] if group else []),
                row.organization_name,
                row.name,
                row.user.masked_phone,
                _local(row.first_read_at) or "未读",
                _local(row.signed_at) if announcement.requires_signature else "—",
                row.reminder_count,
            ]
        )
    for column, width in zip("ABCDEFGHI", (6, 20, 20, 12, 14, 18, 18, 10, 10), strict=False):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_receipts(announcement: Announcement, *, actor: Actor, state: str | None = None) -> bytes:
    rows = receipts(announcement, state=state)
    content = receipts_workbook(announcement, rows)
    do_record_audit(
        event="supervision.announcement.receipts.export", actor=actor, target=announcement,
        details={"count": rows.count()},
    )  # fmt: skip
    return content


# ------------------------------------------------------------------------------ the member's side


@dataclass
class MyAnnouncement:
    """A recipient's view of an announcement, of this tenant (``source`` tenant) or of the group."""

    source: str  # "tenant" | "group"
    receipt: AnnouncementRecipient

    @property
    def announcement(self) -> Announcement:
        return self.receipt.announcement


def _mine(user_id: int, *, group: bool, state: str | None) -> QuerySet[AnnouncementRecipient]:
    rows = AnnouncementRecipient.objects.filter(
        user_id=user_id, announcement__status=AnnouncementStatus.PUBLISHED
    ).select_related("announcement")
    if group:
        rows = rows.filter(announcement__scope=Scope.GROUP)
    if state == "unread":
        rows = rows.filter(first_read_at__isnull=True)
    elif state == "read":
        rows = rows.filter(first_read_at__isnull=False)
    elif state == "unsigned":
        rows = rows.filter(announcement__requires_signature=True, signed_at__isnull=True)
    elif state == "signed":
        rows = rows.filter(signed_at__isnull=False)
    return rows.annotate(unread=ExpressionWrapper(Q(first_read_at__isnull=True), output_field=BooleanField())).order_by(
        "-unread", "-announcement__pinned", "-announcement__published_at", "-id"
    )


def _sort_key(row: MyAnnouncement) -> tuple[Any, ...]:
    announcement = row.announcement
    published = announcement.published_at.timestamp() if announcement.published_at else 0.0
    return (row.receipt.first_read_at is not None, not announcement.pinned, -published, str(announcement.uuid))


def my_page(actor: Actor, *, state: str | None, offset: int, limit: int) -> tuple[int, list[MyAnnouncement]]:
    """The caller's announcements on a tenant host: this tenant's and the group's, unread first,
    then pinned, then newest. Each schema reads its first ``offset + limit`` rows; they are merged."""
    assert actor.user is not None
    window = offset + limit
    schema = active_schema()
    own = _mine(actor.user.pk, group=False, state=state)
    total = own.count()
    rows = [MyAnnouncement("tenant", receipt) for receipt in own[:window]]
    with schema_context(PUBLIC):
        group = _mine(actor.user.pk, group=True, state=state).filter(tenant_schema=schema)
        total += group.count()
        rows += [MyAnnouncement("group", receipt) for receipt in group[:window]]
    rows.sort(key=_sort_key)
    return total, rows[offset:window]


def my_unread_count(actor: Actor) -> int:
    assert actor.user is not None
    schema = active_schema()
    count = _mine(actor.user.pk, group=False, state="unread").count()
    with schema_context(PUBLIC):
        count += _mine(actor.user.pk, group=True, state="unread").filter(tenant_schema=schema).count()
    return count


def my_announcement(actor: Actor, uuid: UUID) -> MyAnnouncement:
    """One of the caller's announcements (this tenant's first, then the group's), 404 otherwise."""
    if actor.user is None:
        raise _not_found()
    schema = active_schema()
    receipt = _mine(actor.user.pk, group=False, state=None).filter(announcement__uuid=uuid).first()
    if receipt is not None:
        return MyAnnouncement("tenant", receipt)
    with schema_context(PUBLIC):
        receipt = (
            _mine(actor.user.pk, group=True, state=None)
            .filter(announcement__uuid=uuid, tenant_schema=schema)
            .prefetch_related("announcement__attachments")
            .first()
        )
    if receipt is None:
        raise _not_found()
    return MyAnnouncement("group", receipt)


def _schema_of(mine: MyAnnouncement) -> str:
    return PUBLIC if mine.source == "group" else active_schema()


def my_attachments(mine: MyAnnouncement) -> list[AnnouncementAttachment]:
    with schema_context(_schema_of(mine)):
        return list(mine.announcement.attachments.all())


def do_open(mine: MyAnnouncement, *, now: datetime | None = None) -> MyAnnouncement:
    """The first opening sets ``first_read_at`` and counts one read (once, under concurrency)."""
    now = now or timezone.now()
    if mine.receipt.first_read_at is not None:
        return mine
    with schema_context(_schema_of(mine)):
        with transaction.atomic():
            if AnnouncementRecipient.objects.filter(pk=mine.receipt.pk, first_read_at__isnull=True).update(
                first_read_at=now
            ):
                Announcement.objects.filter(pk=mine.announcement.pk).update(read_count=F("read_count") + 1)
        mine.receipt.refresh_from_db(fields=["first_read_at", "signed_at"])
    return mine


def do_sign(mine: MyAnnouncement, *, now: datetime | None = None) -> MyAnnouncement:
    """签收: confirm as read (also counts as the first read when it was not opened before)."""
    now = now or timezone.now()
    if not mine.announcement.requires_signature:
        raise ServiceError(SupervisionCode.SIGNATURE_NOT_REQUIRED, _("This announcement does not ask to be signed."))
    do_open(mine, now=now)
    with schema_context(_schema_of(mine)):
        with transaction.atomic():
            if AnnouncementRecipient.objects.filter(pk=mine.receipt.pk, signed_at__isnull=True).update(signed_at=now):
                Announcement.objects.filter(pk=mine.announcement.pk).update(signed_count=F("signed_count") + 1)
        mine.receipt.refresh_from_db(fields=["first_read_at", "signed_at"])
    return mine
