"""Scheduling live lessons, their stream keys and the media server's publish callbacks.

Run in the schema holding the lesson: a tenant's (its lessons, organized by its admins and
secretaries, audience an organization's subtree) or the public schema (the group's lessons,
organized by group admins, audience ``audience_tenants``). One code path for both; only who
organizes and the audience check differ. The hook view switches into the schema the key names."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Q, QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import GroupRoleKind
from partycloud.accounts.roles import TenantRole
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import Conflict, NotAllowed, ServiceError
from partycloud.tenancy.context import active_schema
from partycloud.tenancy.models import PartyCommittee
from tenants.access.services import check_covers, scope_filter
from tenants.live.audience import PUBLIC, LessonRef, LessonScope
from tenants.live.control import drop_publishers
from tenants.live.errors import LiveCode
from tenants.live.materials import check_materials, claim_cover, discard_cover_after_commit
from tenants.live.models import Lesson, LessonStatus, StreamKey
from tenants.live.notify import LessonNews, announce_after_commit
from tenants.live.signals import lesson_cancelled, lesson_ended, lesson_went_live
from tenants.organizations.models import Organization

# Who schedules lessons: a tenant admin, or a secretary for the audience their scope covers.
ORGANIZERS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY})
# The stream key works from this long before the start until this long after the planned end.
OPENS_BEFORE = timedelta(minutes=30)
CLOSES_AFTER = timedelta(minutes=60)
EDITABLE = (LessonStatus.SCHEDULED, LessonStatus.LIVE)
CHANGEABLE_FIELDS = (
    "title",
    "lecturer",
    "description",
    "starts_at",
    "planned_end_at",
    "organization",
    "audience_tenants",
    "counts_as_party_lesson",
    "cover",
    "materials",
)


def on_group_root() -> bool:
    """Whether the public schema is active: the group's lessons, not a tenant's."""
    return active_schema() == PUBLIC


def visible_lessons(actor: Actor) -> QuerySet[Lesson]:
    """The lessons ``actor`` organizes or may see as an organizer: the whole tenant's for a
    tenant-wide role; else those for a subtree they cover, and the whole tenant's lessons."""
    lessons = Lesson.objects.select_related("organization")
    scope = scope_filter(actor.user, ORGANIZERS)
    return lessons if scope is None else lessons.filter(scope | Q(organization__isnull=True))


def check_can_organize(actor: Actor, organization_id: int | None) -> None:
    """Refuse (403) unless ``actor`` organizes lessons for this audience (None: the whole tenant);
    the group's lessons are organized by group admins."""
    if on_group_root():
        if GroupRoleKind.GROUP_ADMIN not in actor.group_roles:
            raise NotAllowed(LiveCode.OUT_OF_SCOPE, _("This lesson's audience is outside your scope."))
        return
    check_covers(
        actor.user,
        organization_id,
        ORGANIZERS,
        LiveCode.OUT_OF_SCOPE,
        _("This lesson's audience is outside your scope."),
    )


def _check_times(starts_at: datetime, planned_end_at: datetime, *, start_changed: bool, now: datetime) -> None:
    if planned_end_at <= starts_at:
        raise ServiceError(LiveCode.END_BEFORE_START, _("The planned end must come after the start."), "planned_end_at")
    if start_changed and starts_at < now:
        raise ServiceError(LiveCode.START_IN_PAST, _("A lesson cannot be scheduled to start in the past."), "starts_at")


def _check_lesson(data: dict[str, Any], *, start_changed: bool, now: datetime) -> None:
    if not str(data.get("title") or "").strip():
        raise ServiceError(LiveCode.TITLE_REQUIRED, _("Enter the lesson's title."), "title")
    organization = data.get("organization")
    if organization is not None and (on_group_root() or not organization.is_active):
        raise ServiceError(LiveCode.BAD_AUDIENCE, _("Choose an active organization as the audience."), "organization")
    audience_tenants = data.get("audience_tenants") or []
    if audience_tenants:
        if not on_group_root():
            raise ServiceError(
                LiveCode.BAD_AUDIENCE, _("Choose active subsidiaries as the audience."), "audience_tenants"
            )
        active = set(PartyCommittee.objects.active().filter(pk__in=audience_tenants).values_list("pk", flat=True))
        if active != set(audience_tenants):
            raise ServiceError(
                LiveCode.BAD_AUDIENCE, _("Choose active subsidiaries as the audience."), "audience_tenants"
            )
    _check_times(data["starts_at"], data["planned_end_at"], start_changed=start_changed, now=now)


@transaction.atomic
def do_schedule_lesson(
    *,
    actor: Actor,
    title: str,
    starts_at: datetime,
    planned_end_at: datetime,
    lecturer: str = "",
    description: str = "",
    organization: Organization | None = None,
    audience_tenants: list[int] | None = None,
    counts_as_party_lesson: bool = False,
    cover: UUID | str | None = None,
    materials: Sequence[UUID | str] | None = None,
    now: datetime | None = None,
) -> Lesson:
    """Schedule a lesson: a tenant's for the whole tenant (``organization`` None) or an
    organization's subtree; the group's (public schema) for ``audience_tenants`` (empty: all).
    The audience is told once the transaction commits."""
    audience_tenants = sorted(set(audience_tenants or []))
    data = {
        "title": title.strip(),
        "starts_at": starts_at,
        "planned_end_at": planned_end_at,
        "organization": organization,
        "audience_tenants": audience_tenants,
    }
    check_can_organize(actor, organization.pk if organization is not None else None)
    _check_lesson(data, start_changed=True, now=now or timezone.now())
    stored_materials = check_materials(materials or [])
    cover_upload, cover_key = claim_cover(cover, actor) if cover else (None, "")
    lesson = Lesson.objects.create(
        title=title.strip(), lecturer=lecturer.strip(), description=description, starts_at=starts_at,
        planned_end_at=planned_end_at, organization=organization, audience_tenants=audience_tenants,
        counts_as_party_lesson=counts_as_party_lesson, organizer=actor.user, cover_upload=cover_upload,
        cover_key=cover_key, materials=stored_materials,
    )  # fmt: skip
    do_record_audit(event="live.lesson.schedule", actor=actor, target=lesson, details=_audience_details(lesson))
    announce_after_commit(lesson, LessonNews.SCHEDULED)
    return lesson


def _audience_details(lesson: Lesson) -> dict[str, Any]:
    if on_group_root():
        return {"audience_tenants": lesson.audience_tenants}
    return {"organization": lesson.organization_id}


def _check_editable(lesson: Lesson, statuses: tuple[str, ...] = EDITABLE) -> None:
    if lesson.status not in statuses:
        raise Conflict(LiveCode.NOT_EDITABLE, _("This lesson can no longer be changed or cancelled."))


@transaction.atomic
def do_update_lesson(lesson: Lesson, *, actor: Actor, now: datetime | None = None, **changes: Any) -> Lesson:
    """Change a scheduled (or live) lesson; moving it to another audience needs that audience's scope too."""
    unknown = set(changes) - set(CHANGEABLE_FIELDS)
    if unknown:
        raise ValueError(f"not a changeable lesson field: {sorted(unknown)}")
    check_can_organize(actor, lesson.organization_id)
    _check_editable(lesson)
    if "organization" in changes:
        target = changes["organization"]
        check_can_organize(actor, target.pk if target is not None else None)
    if "title" in changes:
        changes["title"] = str(changes["title"]).strip()
    if "audience_tenants" in changes:
        changes["audience_tenants"] = sorted(set(changes["audience_tenants"] or []))
    if "materials" in changes:
        changes["materials"] = check_materials(changes["materials"] or [])
    cover = changes.pop("cover", lesson.cover_upload)
    changed = [name for name, value in changes.items() if getattr(lesson, name) != value]
    merged = {name: changes.get(name, getattr(lesson, name, None)) for name in CHANGEABLE_FIELDS}
    _check_lesson(merged, start_changed="starts_at" in changed, now=now or timezone.now())
    if str(cover or "") != str(lesson.cover_upload or ""):
        replaced = lesson.cover_key
        lesson.cover_upload, lesson.cover_key = claim_cover(cover, actor) if cover else (None, "")
        changed += ["cover_upload", "cover_key"]
        if replaced:
            discard_cover_after_commit(replaced)
    if not changed:
        return lesson
    for name in changed:
        if name in changes:
            setattr(lesson, name, changes[name])
    lesson.save(update_fields=changed)
    do_record_audit(event="live.lesson.update", actor=actor, target=lesson, details={"fields": ", ".join(changed)})
    return lesson


@transaction.atomic
def do_cancel_lesson(lesson: Lesson, *, actor: Actor) -> Lesson:
    """Cancel a lesson that has not gone live; its stream keys stop working."""
    check_can_organize(actor, lesson.organization_id)
    _check_editable(lesson, (LessonStatus.SCHEDULED,))
    lesson.status = LessonStatus.CANCELLED
    lesson.save(update_fields=["status"])
    lesson.stream_keys.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    do_record_audit(event="live.lesson.cancel", actor=actor, target=lesson)
    announce_after_commit(lesson, LessonNews.CANCELLED)
    _send_after_commit(lesson_cancelled, lesson)
    return lesson


# ------------------------------------------------------------------------------ stream keys


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def schema_of_key(key: str) -> str:
    """The tenant schema a stream key names (``<schema>.<secret>``); "" when it names none."""
    schema, dot, secret = key.partition(".")
    return schema if dot and schema and secret else ""


@dataclass(frozen=True)
class IssuedKey:
    key: str  # the clear key: shown once, never stored
    stream_key: StreamKey


@transaction.atomic
def do_issue_stream_key(lesson: Lesson, *, actor: Actor) -> IssuedKey:
    """A new stream key for the lesson (``<schema>.<secret>``); the previous one stops working."""
    check_can_organize(actor, lesson.organization_id)
    _check_editable(lesson)
    now = timezone.now()
    # Rotating also clears a publisher flag a lost on_publish_done left behind on an old key,
    # and drops the old key's publisher from the media server (tenants.live.control).
    streaming = list(
        lesson.stream_keys.filter(publishing=True).exclude(playback_name="").values_list("playback_name", flat=True)
    )
    lesson.stream_keys.filter(revoked_at__isnull=True).update(revoked_at=now)
    lesson.stream_keys.filter(publishing=True).update(publishing=False)
    if streaming:
        transaction.on_commit(lambda: drop_publishers(streaming))
    key = f"{actor.schema_name}.{secrets.token_urlsafe(24)}"
    stream_key = StreamKey.objects.create(lesson=lesson, key_hash=hash_key(key))
    rotated = lesson.stream_keys.count() > 1
    do_record_audit(event="live.stream_key.issue", actor=actor, target=lesson, details={"rotated": rotated})
    return IssuedKey(key=key, stream_key=stream_key)


def check_publish(key: str, addr: str, now: datetime) -> StreamKey:
    """The stream key an encoder may publish with now, its lesson locked for the update; refuse
    (403) an unknown or rotated key, a cancelled lesson, outside the window, a second publisher."""
    stream_key = StreamKey.objects.filter(key_hash=hash_key(key)).select_related("lesson").first()
    if stream_key is None:
        raise NotAllowed(LiveCode.UNKNOWN_KEY, _("The stream key is not known."))
    lesson = Lesson.objects.select_for_update().get(pk=stream_key.lesson_id)
    stream_key.lesson = lesson
    if lesson.status == LessonStatus.CANCELLED:
        raise NotAllowed(LiveCode.CANCELLED, _("The lesson was cancelled."))
    if stream_key.revoked_at is not None:
        raise NotAllowed(LiveCode.KEY_REVOKED, _("The stream key was replaced by a newer one."))
    if now < lesson.starts_at - OPENS_BEFORE:
        raise NotAllowed(LiveCode.TOO_EARLY, _("Streaming opens 30 minutes before the lesson starts."))
    if now > lesson.planned_end_at + CLOSES_AFTER:
        raise NotAllowed(LiveCode.TOO_LATE, _("Streaming closed 60 minutes after the lesson's planned end."))
    if lesson.stream_keys.filter(publishing=True).exists():
        raise NotAllowed(LiveCode.ALREADY_PUBLISHING, _("Someone is already streaming this lesson."))
    return stream_key


@transaction.atomic
def do_start_publishing(key: str, addr: str, now: datetime | None = None) -> Lesson:
    """on_publish: let the encoder in and mark the lesson live (an encoder that reconnects
    within the window takes an ended lesson live again)."""
    now = now or timezone.now()
    stream_key = check_publish(key, addr, now)
    stream_key.publishing, stream_key.publishing_since, stream_key.last_addr = True, now, addr[:64]
    stream_key.save(update_fields=["publishing", "publishing_since", "last_addr"])
    lesson = stream_key.lesson
    lesson.status, lesson.ended_at = LessonStatus.LIVE, None
    lesson.went_live_at = lesson.went_live_at or now
    lesson.save(update_fields=["status", "ended_at", "went_live_at"])
    do_record_audit(event="live.lesson.start", actor=Actor.system(), target=lesson, details={"addr": addr[:64]})
    _send_after_commit(lesson_went_live, lesson)
    return lesson


@transaction.atomic
def do_stop_publishing(key: str, addr: str, now: datetime | None = None) -> Lesson | None:
    """on_publish_done: the encoder left; the lesson has ended. None when the key is unknown
    or was not publishing (nothing to record)."""
    stream_key = StreamKey.objects.select_for_update().filter(key_hash=hash_key(key)).first()
    if stream_key is None or not stream_key.publishing:
        return None
    return do_end_publishing(stream_key.lesson_id, now=now)


@transaction.atomic
def do_end_publishing(lesson_id: int, *, now: datetime | None = None) -> Lesson:
    """No encoder publishes the lesson any more: clear its keys' publishing flags and end it if
    it is live (``lesson_ended`` after commit). The media server's on_publish_done (by the key or
    by the playback name) and the sweep of lessons stuck live both come here."""
    now = now or timezone.now()
    StreamKey.objects.filter(lesson_id=lesson_id, publishing=True).update(publishing=False, publishing_since=None)
    lesson = Lesson.objects.select_for_update().get(pk=lesson_id)
    if lesson.status == LessonStatus.LIVE:
        lesson.status, lesson.ended_at = LessonStatus.ENDED, now
        lesson.save(update_fields=["status", "ended_at"])
        do_record_audit(event="live.lesson.end", actor=Actor.system(), target=lesson)
        _send_after_commit(lesson_ended, lesson)
    return lesson


def _send_after_commit(signal: Signal, lesson: Lesson) -> None:
    """Send ``signal`` for ``lesson`` (of the active schema) once the transaction commits, with the
    same schema active for the receivers."""
    schema = active_schema()
    scope = LessonScope.GROUP if schema == PUBLIC else LessonScope.TENANT
    ref = LessonRef(scope, lesson.pk, schema)

    def send() -> None:
        with schema_context(schema):
            signal.send(sender=Lesson, ref=ref, lesson=lesson)

    transaction.on_commit(send)
