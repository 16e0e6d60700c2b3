"""Search documents of the learning platform: published resources and regulation articles.

The group's documents (public schema) are visible in every tenant; a tenant's stay with it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import QuerySet

from partycloud.search.indexing import register_source
from partycloud.tenancy.context import active_schema
from services.search import Marking, SearchDocument, Visibility
from tenants.learning.models import RegulationArticle, Resource, ResourceStatus

PUBLIC = "public"
# Raise when what a document holds changes (a field added, a value computed differently): every
# document's version changes with it, and the periodic reconcile rewrites them all by itself.
# 2: regulation articles no longer carry the category 党规党章 (the kind says it; issue 11).
DOCUMENT_FORMAT = 2
# What a resource's document is built from. Media processing writes covers and durations
# without touching updated_at, and a category can be renamed: each is part of the version.
RESOURCE_VERSION_FIELDS = ("updated_at", "status", "cover_key", "duration_seconds", "category__name", "origin_tenant")
# Articles are never edited; their documents change with their regulation.
ARTICLE_VERSION_FIELDS = ("regulation__title", "regulation__marking", "regulation__published_at", "number", "heading")


def _visibility(schema: str) -> Visibility:
    return Visibility.SHARED if schema == PUBLIC else Visibility.OWNER


def _versions(rows: QuerySet[Any], key: str, fields: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(id, version) of each row: a digest of the values its document is built from."""
    for key_value, *values in rows.values_list(key, *fields).iterator():
        digest = hashlib.blake2b(repr((DOCUMENT_FORMAT, *values)).encode(), digest_size=12)
        yield str(key_value), digest.hexdigest()


class ResourceSource:
    kind = "resource"

    def load(self, ids: Sequence[str]) -> list[SearchDocument]:
        schema = active_schema()
        rows = Resource.objects.select_related("category").filter(uuid__in=ids, status=ResourceStatus.PUBLISHED)
        versions = dict(_versions(rows, "uuid", RESOURCE_VERSION_FIELDS))
        return [resource_document(resource, schema, version=versions[str(resource.uuid)]) for resource in rows]

    def all_ids(self) -> Iterable[str]:
        uuids = Resource.objects.filter(status=ResourceStatus.PUBLISHED).values_list("uuid", flat=True)
        return (str(uuid) for uuid in uuids.iterator())

    def versions(self) -> Iterable[tuple[str, str]]:
        return _versions(Resource.objects.filter(status=ResourceStatus.PUBLISHED), "uuid", RESOURCE_VERSION_FIELDS)


def resource_source_label(resource: Resource, schema: str) -> str:
    if schema != PUBLIC:
        return "tenant"
    return "showcase" if resource.origin_tenant else "group"


def resource_document(resource: Resource, schema: str, *, version: str = "") -> SearchDocument:
    return SearchDocument(
        doc_id=f"{schema}:resource:{resource.uuid}",
        owner_tenant=schema,
        visibility=_visibility(schema),
        marking=Marking(resource.marking),
        kind=resource.kind,
        title=resource.title,
        body=resource.text,
        summary=resource.summary,
        category=resource.category.name if resource.category else "",
        tags=list(resource.tags),
        source=resource_source_label(resource, schema),
        published_at=resource.published_at,
        data=resource_card_data(resource),
        version=version,
    )


def resource_card_data(resource: Resource) -> dict[str, Any]:
    """What a list shows of a resource besides its title (the search's and the library listing's)."""
    return {
        "uuid": str(resource.uuid),
        "has_cover": bool(resource.cover_key),
        "duration_seconds": resource.duration_seconds,
        "file_type": resource.file_type,
        "origin_name": resource.origin_name,
    }


class RegulationArticleSource:
    """Each article of a regulation is a document of its own ("第十条 …" is what people search)."""

    kind = "regulation"

    def load(self, ids: Sequence[str]) -> list[SearchDocument]:
        schema = active_schema()
        numeric = [int(i) for i in ids if i.isdigit()]
        rows = RegulationArticle.objects.select_related("regulation").filter(
            pk__in=numeric, regulation__status=ResourceStatus.PUBLISHED
        )
        versions = dict(_versions(rows, "pk", ARTICLE_VERSION_FIELDS))
        return [
            SearchDocument(
                doc_id=f"{schema}:regulation:{article.pk}",
                owner_tenant=schema,
                visibility=_visibility(schema),
                marking=Marking(article.regulation.marking),
                kind="regulation",
                title=f"{article.regulation.title} {article.number}".strip(),
                body=article.text,
                summary=article.heading,
                # No category: the kind already says 党规党章, and the same name under two
                # facets showed one bucket twice (issue 11).
                category="",
                tags=[],
                source="group" if schema == PUBLIC else "tenant",
                published_at=article.regulation.published_at,
                data={
                    "regulation": str(article.regulation.uuid),
                    "article": article.pk,
                    "number": article.number,
                    "heading": article.heading,
                },
                version=versions[str(article.pk)],
            )
            for article in rows
        ]

    def all_ids(self) -> Iterable[str]:
        ids = RegulationArticle.objects.filter(regulation__status=ResourceStatus.PUBLISHED).values_list("pk", flat=True)
        return (str(pk) for pk in ids.iterator())

    def versions(self) -> Iterable[tuple[str, str]]:
        published = RegulationArticle.objects.filter(regulation__status=ResourceStatus.PUBLISHED)
        return _versions(published, "pk", ARTICLE_VERSION_FIELDS)


def register_learning_sources() -> None:
    register_source(ResourceSource())
    register_source(RegulationArticleSource())
