"""Search documents of supervision: announcements (党务公开) and cadre publicities (任前公示),
through the platform's search service (docs/search.md).

The search's ACL is a schema's (a tenant's documents are seen by its users, the group's by
everyone): it knows no organizations. So, as for the exchange's posts (``tenants.exchange.search``),
only what the whole tenant sees becomes a document:

- an announcement (kind ``announcement``): published (not withdrawn) with scope ``tenant`` in a
  tenant's schema (owner visibility); in the public schema every published group announcement
  (shared: every subsidiary receives it). A unit's or subtree's announcement is found by the
  member's own announcements list;
- a cadre publicity (kind ``publicity``): in its window (``open``; the portal shows a member the
  open ones only, so a closed one would link nowhere) with scope ``tenant`` (owner visibility).

``announcements`` and ``publicity`` call ``index_announcements`` / ``index_publicities`` on every
change of status or content; the periodic reconcile repairs anything missed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from uuid import UUID

from django.db.models import Model, QuerySet

from partycloud.search.indexing import index_on_commit, register_source
from partycloud.tenancy.context import active_schema
from services.search import Marking, SearchDocument, Visibility
from tenants.supervision.models import (
    Announcement,
    AnnouncementStatus,
    CadrePublicity,
    PublicityStatus,
    Scope,
)

PUBLIC = "public"
ANNOUNCEMENT_KIND = "announcement"
PUBLICITY_KIND = "publicity"
# Raise when what a document holds changes: every version changes and the reconcile rewrites them.
DOCUMENT_FORMAT = 1
ANNOUNCEMENT_VERSION_FIELDS = ("updated_at", "status", "scope", "marking")
PUBLICITY_VERSION_FIELDS = ("title", "text", "status", "scope", "starts_on", "ends_on")


def _uuids(ids: Sequence[str]) -> list[UUID]:
    found = []
    for value in ids:
        try:
            found.append(UUID(str(value)))
        except ValueError:
            continue
    return found


def _versions(rows: QuerySet[Any], fields: Sequence[str]) -> Iterator[tuple[str, str]]:
    for uuid, *values in rows.values_list("uuid", *fields).iterator():
        digest = hashlib.blake2b(repr((DOCUMENT_FORMAT, *values)).encode(), digest_size=12)
        yield str(uuid), digest.hexdigest()


def _visibility(schema: str) -> Visibility:
    return Visibility.SHARED if schema == PUBLIC else Visibility.OWNER


def _source(schema: str) -> str:
    return "group" if schema == PUBLIC else "tenant"


# ------------------------------------------------------------------------------ announcements


def _indexable_announcements() -> QuerySet[Announcement]:
    published = Announcement.objects.filter(status=AnnouncementStatus.PUBLISHED)
    if active_schema() == PUBLIC:
        return published
    return published.filter(scope=Scope.TENANT)


def announcement_card_data(announcement: Announcement) -> dict[str, Any]:
    """Links to the portal's ``/supervision/announcements/<uuid>``."""
    return {
        "uuid": str(announcement.uuid),
        "requires_signature": announcement.requires_signature,
        "pinned": announcement.pinned,
    }


class AnnouncementSource:
    kind = ANNOUNCEMENT_KIND

    def load(self, ids: Sequence[str]) -> list[SearchDocument]:
        schema = active_schema()
        rows = _indexable_announcements().filter(uuid__in=_uuids(ids))
        versions = dict(_versions(rows, ANNOUNCEMENT_VERSION_FIELDS))
        return [
            SearchDocument(
                doc_id=f"{schema}:{ANNOUNCEMENT_KIND}:{announcement.uuid}",
                owner_tenant=schema,
                visibility=_visibility(schema),
                marking=Marking(announcement.marking),
                kind=ANNOUNCEMENT_KIND,
                title=announcement.title,
                body=announcement.text,
                summary=announcement.text[:200],
                category=announcement.category,
                source=_source(schema),
                published_at=announcement.published_at,
                data=announcement_card_data(announcement),
                version=versions[str(announcement.uuid)],
            )
            for announcement in rows
        ]

    def all_ids(self) -> Iterable[str]:
        return (str(uuid) for uuid in _indexable_announcements().values_list("uuid", flat=True).iterator())

    def versions(self) -> Iterable[tuple[str, str]]:
        return _versions(_indexable_announcements(), ANNOUNCEMENT_VERSION_FIELDS)


# ------------------------------------------------------------------------------ cadre publicities


def _indexable_publicities() -> QuerySet[CadrePublicity]:
    return CadrePublicity.objects.filter(status=PublicityStatus.OPEN, scope=Scope.TENANT)


def publicity_card_data(publicity: CadrePublicity) -> dict[str, Any]:
    """Links to the portal's ``/supervision/publicity/<uuid>``."""
    return {
        "uuid": str(publicity.uuid),
        "starts_on": publicity.starts_on.isoformat() if publicity.starts_on else None,
        "ends_on": publicity.ends_on.isoformat() if publicity.ends_on else None,
    }


def _publicity_body(publicity: CadrePublicity) -> str:
    # The candidates' names and posts are what members look for (姓名, 拟任职务).
    people = " ".join(
        " ".join(str(candidate.get(key, "")) for key in ("name", "current_post", "proposed_post"))
        for candidate in publicity.candidates
        if isinstance(candidate, dict)
    )
    return f"{people}\n{publicity.text}".strip()


class PublicitySource:
    kind = PUBLICITY_KIND

    def load(self, ids: Sequence[str]) -> list[SearchDocument]:
        schema = active_schema()
        rows = _indexable_publicities().filter(uuid__in=_uuids(ids))
        versions = dict(_versions(rows, PUBLICITY_VERSION_FIELDS))
        return [
            SearchDocument(
                doc_id=f"{schema}:{PUBLICITY_KIND}:{publicity.uuid}",
                owner_tenant=schema,
                visibility=_visibility(schema),
                marking=Marking.INTERNAL,
                kind=PUBLICITY_KIND,
                title=publicity.title,
                body=_publicity_body(publicity),
                summary=publicity.text[:200],
                source=_source(schema),
                published_at=publicity.published_at,
                data=publicity_card_data(publicity),
                version=versions[str(publicity.uuid)],
            )
            for publicity in rows
        ]

    def all_ids(self) -> Iterable[str]:
        return (str(uuid) for uuid in _indexable_publicities().values_list("uuid", flat=True).iterator())

    def versions(self) -> Iterable[tuple[str, str]]:
        return _versions(_indexable_publicities(), PUBLICITY_VERSION_FIELDS)


# ------------------------------------------------------------------------------ hooks


def register_announcement_source() -> None:
    register_source(AnnouncementSource())


def register_publicity_source() -> None:
    register_source(PublicitySource())


def _index(kind: str, rows: Iterable[Model | UUID | str]) -> None:
    index_on_commit(kind, [str(getattr(row, "uuid", row)) for row in rows])


def index_announcements(rows: Iterable[Announcement | UUID | str]) -> None:
    """After commit, (re)index these announcements of the current schema (gone ones are deleted)."""
    _index(ANNOUNCEMENT_KIND, rows)


def index_publicities(rows: Iterable[CadrePublicity | UUID | str]) -> None:
    """After commit, (re)index these publicities of the current schema (gone ones are deleted)."""
    _index(PUBLICITY_KIND, rows)
