"""A lesson's cover picture and its materials (learning-library resources handed out with it).

Materials are stored on the lesson as ``[{"uuid", "shared"}]``: ``shared`` names the group's
library (the public schema's published resources, readable from every tenant), else the library
of the lesson's own schema. They are resolved in bulk (two queries for a whole page of lessons);
a resource unpublished or deleted since is left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypedDict
from uuid import UUID

from django.db import transaction
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.core.errors import NotFoundError, ServiceError
from partycloud.tenancy.context import active_schema
from partycloud.uploads.purposes import Purpose, register_purpose
from partycloud.uploads.services import claim_upload, discard_object, download_url
from services.storage import DataClass
from tenants.learning.library import in_group_library, locate_resource
from tenants.learning.models import Resource, ResourceStatus
from tenants.live.audience import PUBLIC
from tenants.live.errors import LiveCode
from tenants.live.models import Lesson

COVER_PURPOSE = "live_cover"
COVER_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
COVER_MAX_SIZE = 10 * 1024 * 1024
MAX_MATERIALS = 20


class Material(TypedDict):
    uuid: str
    title: str
    kind: str
    shared: bool


def register_cover_purpose() -> None:
    register_purpose(Purpose(COVER_PURPOSE, DataClass.MEDIA, "live-cover", COVER_TYPES, COVER_MAX_SIZE))


def claim_cover(upload_id: UUID | str, actor: Actor) -> tuple[UUID, str]:
    """Take a verified ``live_cover`` upload of ``actor`` for a lesson: its id and object key."""
    upload = claim_upload(upload_id, purpose=COVER_PURPOSE, user=actor)
    return upload.pk, upload.key


def discard_cover_after_commit(key: str) -> None:
    """Delete a replaced cover's object once the change is committed (nothing else refers to it)."""
    transaction.on_commit(lambda: discard_object(DataClass.MEDIA, key))


def cover_url(lesson: Lesson) -> str | None:
    """A signed URL of the cover (no query: signing is local); authorize before calling."""
    return download_url(DataClass.MEDIA, lesson.cover_key) if lesson.cover_key else None


def check_materials(uuids: Sequence[UUID | str]) -> list[dict[str, Any]]:
    """The stored form of the materials ``uuids`` (order kept, duplicates dropped): each a
    published resource of this schema's library or of the group's shared one."""
    if len(uuids) > MAX_MATERIALS:
        raise ServiceError(
            LiveCode.BAD_MATERIAL, _("Attach at most %(count)d materials.") % {"count": MAX_MATERIALS}, "materials"
        )
    stored: list[dict[str, Any]] = []
    seen: set[str] = set()
    for raw in uuids:
        try:
            uuid = UUID(str(raw))
            located = locate_resource(uuid)
        except (ValueError, NotFoundError) as error:
            raise ServiceError(
                LiveCode.BAD_MATERIAL, _("Attach published learning resources only."), "materials"
            ) from error
        if str(uuid) in seen:
            continue
        seen.add(str(uuid))
        stored.append({"uuid": str(uuid), "shared": located.schema == PUBLIC})
    return stored


def _published(uuids: Iterable[str]) -> dict[str, tuple[str, str]]:
    wanted = list(set(uuids))
    if not wanted:
        return {}
    rows = Resource.objects.filter(uuid__in=wanted, status=ResourceStatus.PUBLISHED).values_list(
        "uuid", "title", "kind"
    )
    return {str(uuid): (title, kind) for uuid, title, kind in rows}


def attach_materials(lessons: Sequence[Lesson]) -> None:
    """Resolve the materials of ``lessons`` (all of the active schema) into ``lesson.material_rows``:
    one query for this schema's library and one for the group's."""
    own_uuids = [m["uuid"] for lesson in lessons for m in lesson.materials if not m.get("shared")]
    shared_uuids = [m["uuid"] for lesson in lessons for m in lesson.materials if m.get("shared")]
    own = _published(own_uuids)
    if active_schema() == PUBLIC:
        shared = _published(shared_uuids)
    else:
        with in_group_library():
            shared = _published(shared_uuids)
    for lesson in lessons:
        rows: list[Material] = []
        for material in lesson.materials:
            found = (shared if material.get("shared") else own).get(material["uuid"])
            if found is not None:
                rows.append(
                    {
                        "uuid": material["uuid"],
                        "title": found[0],
                        "kind": found[1],
                        "shared": bool(material.get("shared")),
                    }
                )
        lesson.material_rows = rows  # type: ignore[attr-defined]


def materials_of(lesson: Lesson) -> list[Material]:
    if not hasattr(lesson, "material_rows"):
        attach_materials([lesson])
    rows: list[Material] = lesson.material_rows  # type: ignore[attr-defined]
    return rows
