"""Search documents of the learning platform: published resources and regulation articles.

The group's documents (public schema) are visible in every tenant; a tenant's stay with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from partycloud.tenancy.context import active_schema
from services.search import Marking, SearchDocument, Visibility, register_source
from tenants.learning.models import RegulationArticle, Resource, ResourceStatus

PUBLIC = "public"


def _visibility(schema: str) -> Visibility:
    return Visibility.SHARED if schema == PUBLIC else Visibility.OWNER


class ResourceSource:
    kind = "resource"

    def load(self, ids: Sequence[str]) -> list[SearchDocument]:
        schema = active_schema()
        rows = Resource.objects.select_related("category").filter(uuid__in=ids, status=ResourceStatus.PUBLISHED)
        return [resource_document(resource, schema) for resource in rows]

    def all_ids(self) -> Iterable[str]:
        uuids = Resource.objects.filter(status=ResourceStatus.PUBLISHED).values_list("uuid", flat=True)
        return (str(uuid) for uuid in uuids.iterator())


def resource_source_label(resource: Resource, schema: str) -> str:
    if schema != PUBLIC:
        return "tenant"
    return "showcase" if resource.origin_tenant else "group"


def resource_document(resource: Resource, schema: str) -> SearchDocument:
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
        data={
            "uuid": str(resource.uuid),
            "has_cover": bool(resource.cover_key),
            "duration_seconds": resource.duration_seconds,
            "file_type": resource.file_type,
            "origin_name": resource.origin_name,
        },
    )


class RegulationArticleSource:
    """Each article of a regulation is a document of its own ("第十条 …" is what people search)."""

    kind = "regulation"

    def load(self, ids: Sequence[str]) -> list[SearchDocument]:
        schema = active_schema()
        numeric = [int(i) for i in ids if i.isdigit()]
        rows = RegulationArticle.objects.select_related("regulation").filter(
            pk__in=numeric, regulation__status=ResourceStatus.PUBLISHED
        )
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
                category="党规党章",
                tags=[],
                source="group" if schema == PUBLIC else "tenant",
                published_at=article.regulation.published_at,
                data={
                    "regulation": str(article.regulation.uuid),
                    "article": article.pk,
                    "number": article.number,
                    "heading": article.heading,
                },
            )
            for article in rows
        ]

    def all_ids(self) -> Iterable[str]:
        ids = RegulationArticle.objects.filter(regulation__status=ResourceStatus.PUBLISHED).values_list("pk", flat=True)
        return (str(pk) for pk in ids.iterator())


def register_learning_sources() -> None:
    register_source(ResourceSource())
    register_source(RegulationArticleSource())
