"""Browsing the library without the search engine (issue 14: "search answers 503, browsing the
library still works"). The same rows a search without words lists, read from the database: the
published resources of this host's library and, on a tenant host, the group's shared library
(its own and the showcase), newest first, with the same facet counts and filters.

The visibility is the search's ACL, said in database terms: a host sees its own schema's published
resources and the public schema's published ones; drafts and archived rows never; markings are the
two a library holds (classified content is refused at the door, DOMAIN_RULES §8). Regulations are
browsed on their own page (``library/regulations``): their articles are search hits, not a list.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet

from partycloud.tenancy.context import active_schema
from services.search.documents import FACET_FIELDS, FACET_SIZE
from tenants.learning.library import PUBLIC, in_group_library
from tenants.learning.models import Resource, ResourceStatus
from tenants.learning.search import resource_card_data, resource_source_label

NEWEST = (F("published_at").desc(nulls_last=True), "uuid")
_NEVER = datetime.min.replace(tzinfo=UTC)
# What a row is made of (LibraryRow.row, resource_card_data): not the bodies, which are TOASTed.
CARD_FIELDS = (
    "uuid", "kind", "title", "summary", "category__name", "tags", "published_at", "cover_key",
    "duration_seconds", "file_type", "origin_name", "origin_tenant",
)  # fmt: skip


@dataclass(frozen=True)
class LibraryFilters:
    """Each filter: any of its values (like the search's facet filters); empty: no filter."""

    kinds: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


@dataclass
class LibraryRow:
    doc_id: str  # the search's id of the same document: "<schema>:resource:<uuid>"
    schema: str
    resource: Resource

    @property
    def row(self) -> dict[str, Any]:
        resource = self.resource
        return {
            "id": self.doc_id,
            "kind": resource.kind,
            "title": resource.title,
            "summary": resource.summary,
            "category": resource.category.name if resource.category else "",
            "tags": list(resource.tags),
            "source": resource_source_label(resource, self.schema),
            "owner_tenant": self.schema,
            "published_at": resource.published_at,
            "data": resource_card_data(resource),
        }


@dataclass
class LibraryPage:
    total: int
    rows: list[LibraryRow]
    facets: dict[str, list[tuple[str, int]]]


def _published() -> QuerySet[Resource]:
    return Resource.objects.filter(status=ResourceStatus.PUBLISHED)


def _source_condition(schema: str, sources: list[str]) -> Q | None:
    """The source filter in one schema's terms (None: nothing of this schema has such a source)."""
    if not sources:
        return Q()
    if schema != PUBLIC:
        return Q() if "tenant" in sources else None
    wanted = Q(pk__in=[])
    if "group" in sources:
        wanted |= Q(origin_tenant="")
    if "showcase" in sources:
        wanted |= ~Q(origin_tenant="")
    return wanted


def _filtered(schema: str, filters: LibraryFilters) -> QuerySet[Resource] | None:
    condition = _source_condition(schema, filters.sources)
    if condition is None:
        return None
    rows = _published().filter(condition)
    if filters.kinds:
        rows = rows.filter(kind__in=filters.kinds)
    if filters.categories:
        rows = rows.filter(category__name__in=filters.categories)
    if filters.tags:
        rows = rows.filter(tags__overlap=filters.tags)
    return rows


@dataclass
class _SchemaPart:
    """What one schema contributes: its facet counts, its count under the filters, and the keys
    of its first ``window`` rows newest first."""

    schema: str
    facets: dict[str, Counter[str]]
    total: int = 0
    keys: list[tuple[datetime | None, str]] = field(default_factory=list)


def _part(schema: str, filters: LibraryFilters, window: int) -> _SchemaPart:
    """Run in the schema (the host's, or the public one inside ``in_group_library``)."""
    facets: dict[str, Counter[str]] = {name: Counter() for name in FACET_FIELDS}
    # Facet counts ignore the filters (as the search's do): one GROUP BY for three facets.
    groups = (
        _published()
        .values("kind", "category__name", "origin_tenant")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("kind", "category__name", "origin_tenant", "n")
    )
    selected = 0  # the rows the filters keep, counted from the groups unless tags filter too
    for kind, category, origin, count in groups:
        facets["kind"][kind] += count
        if category:
            facets["category"][category] += count
        source = "tenant" if schema != PUBLIC else ("showcase" if origin else "group")
        facets["source"][source] += count
        if (
            (not filters.kinds or kind in filters.kinds)
            and (not filters.categories or category in filters.categories)
            and (not filters.sources or source in filters.sources)
        ):
            selected += count
    facets["tags"].update(dict(_tag_counts()))
    part = _SchemaPart(schema, facets)
    rows = _filtered(schema, filters)
    if rows is not None:
        part.total = rows.count() if filters.tags else selected
        if part.total:
            part.keys = [
                (published_at, f"{schema}:resource:{uuid}")
                for published_at, uuid in rows.order_by(*NEWEST).values_list("published_at", "uuid")[:window]
            ]
    return part


def _tag_counts() -> list[tuple[str, int]]:
    """Each tag of the published resources of the active schema and how many carry it: counted
    by PostgreSQL (one row per tag, not one per resource)."""
    table = connection.ops.quote_name(Resource._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tag, count(*) FROM {table} AS r, unnest(r.tags) AS tag WHERE r.status = %s GROUP BY tag",
            [ResourceStatus.PUBLISHED.value],
        )
        return [(str(tag), int(count)) for tag, count in cursor.fetchall()]


def _newest_first(keys: list[tuple[datetime | None, str]]) -> list[tuple[datetime | None, str]]:
    """The search's order: published_at descending (none last), then the document id."""
    by_id = sorted(keys, key=lambda key: key[1])
    # A stable sort keeps the ids' order among equal dates, reverse=True included.
    return sorted(by_id, key=lambda key: (key[0] is not None, key[0] or _NEVER), reverse=True)


def _load(schema: str, doc_ids: list[str]) -> list[LibraryRow]:
    uuids = [doc_id.rsplit(":", 1)[1] for doc_id in doc_ids if doc_id.startswith(f"{schema}:")]
    if not uuids:
        return []
    found = _published().select_related("category").filter(uuid__in=uuids).only(*CARD_FIELDS)
    return [LibraryRow(f"{schema}:resource:{resource.uuid}", schema, resource) for resource in found]


def browse_library(filters: LibraryFilters, *, page: int, page_size: int) -> LibraryPage:
    """One page of the library this host's readers see, newest first, with the facet counts.

    Each schema lists the keys of its first ``page * page_size`` rows (an index scan on
    ``learning_resource_published``); the merge keeps the page's, and only those rows are read.
    """
    schema = active_schema()
    window = page * page_size
    parts = [_part(schema, filters, window)]
    if schema != PUBLIC:
        with in_group_library():
            parts.append(_part(PUBLIC, filters, window))
    merged = _newest_first([key for part in parts for key in part.keys])
    wanted = [doc_id for _published_at, doc_id in merged[(page - 1) * page_size : window]]
    rows = _load(schema, wanted)
    if schema != PUBLIC and any(doc_id.startswith(f"{PUBLIC}:") for doc_id in wanted):
        with in_group_library():
            rows += _load(PUBLIC, wanted)
    position = {doc_id: index for index, doc_id in enumerate(wanted)}
    rows.sort(key=lambda row: position[row.doc_id])
    facets: dict[str, list[tuple[str, int]]] = {}
    for name in FACET_FIELDS:
        counts: Counter[str] = Counter()
        for part in parts:
            counts.update(part.facets[name])
        facets[name] = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:FACET_SIZE]
    return LibraryPage(total=sum(part.total for part in parts), rows=rows, facets=facets)
