"""What the search service stores and answers: documents, the caller's ACL, queries and results.

Both backends take and return exactly these types, so features never see which one runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext as _

PUBLIC_SCHEMA = "public"
MAX_PAGE_SIZE = 100
# Deep paging costs the same as sorting everything; Elasticsearch refuses past 10,000 by default.
MAX_RESULT_WINDOW = 10_000
MAX_QUERY_CHARS = 200
# Facets return the most frequent values of each field, like a terms aggregation.
FACET_SIZE = 20
FACET_FIELDS = ("kind", "category", "tags", "source")
# Bodies are indexed up to this length (the full text of a 300-page book still fits).
MAX_INDEXED_BODY_CHARS = 200_000


class Visibility(StrEnum):
    SHARED = "shared"  # every tenant of the group sees it
    OWNER = "owner"  # only the owner tenant (schema) sees it


class Marking(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"


class InvalidQuery(ValueError):
    """A query the backends refuse (too long, a page out of range): a stable code, a translated
    message and the parameter to fix. The platform answers it as a 400 (``partycloud.search``)."""

    def __init__(self, code: str, message: str | Promise, field: str):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field


class SearchUnavailable(RuntimeError):
    """The engine did not answer in time (unreachable, timed out, overloaded). The platform
    answers a search with 503 ``search.unavailable``; writes wait in its backlog until the
    engine answers again (``partycloud.search.indexing.catch_up``)."""

    code = "search.unavailable"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.message = _("Search is unavailable for a moment; the library can still be browsed. Try again shortly.")


def document_id(kind: str, local_id: str, schema: str) -> str:
    """The global id of a source's document: ``<schema>:<kind>:<id>`` (e.g. ``t_alpha:resource:12``)."""
    return f"{schema}:{kind}:{local_id}"


@dataclass
class SearchDocument:
    doc_id: str  # globally unique: document_id(kind, id, schema)
    owner_tenant: str  # schema name of the owner; "public" for the group
    visibility: Visibility
    marking: Marking
    kind: str  # article | document | gallery | video | link | regulation …
    title: str
    body: str  # plain text (may be long: full document text)
    summary: str = ""
    category: str = ""
    tags: list[str] = field(default_factory=list)
    source: str = ""  # facet: "group" | "tenant" | "showcase"
    published_at: datetime | None = None
    data: dict[str, Any] = field(default_factory=dict)  # returned as is (ids, urls, cover …)
    # What the source's row looked like when this was built (e.g. its updated_at): the periodic
    # reconcile compares it with the source's current versions to find what a lost task missed.
    version: str = ""


@dataclass(frozen=True)
class SearchAcl:
    """Who is asking. A document is visible iff its marking is in ``markings`` and it is the
    caller's own (``owner_tenant == tenant``) or shared with the group. The root host is the
    tenant "public": the same rule gives it the group's documents and everything shared."""

    tenant: str
    markings: frozenset[Marking] = frozenset({Marking.PUBLIC, Marking.INTERNAL})


@dataclass
class SearchQuery:
    acl: SearchAcl
    text: str = ""  # empty: browse, newest first
    kinds: list[str] = field(default_factory=list)  # each filter: any of the values
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # only these doc ids (one document's detail)
    owner_only: bool = False  # only the caller's own documents (console lists)
    sort: Literal["relevance", "newest"] = "relevance"
    page: int = 1
    page_size: int = 20

    def __post_init__(self) -> None:
        self.text = " ".join(self.text.split())
        if len(self.text) > MAX_QUERY_CHARS:
            raise InvalidQuery(
                "search.query_too_long",
                _("The search text is too long (at most %(max)d characters).") % {"max": MAX_QUERY_CHARS},
                field="q",
            )
        if self.sort not in ("relevance", "newest"):
            raise InvalidQuery("search.invalid_sort", _("Sort by relevance or newest."), field="sort")
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise InvalidQuery(
                "search.invalid_page_size",
                _("The page size is between 1 and %(max)d.") % {"max": MAX_PAGE_SIZE},
                field="page_size",
            )
        if self.page < 1 or self.page * self.page_size > MAX_RESULT_WINDOW:
            raise InvalidQuery(
                "search.invalid_page",
                _("Only the first %(max)d results can be paged through: refine the search.")
                % {"max": MAX_RESULT_WINDOW},
                field="page",
            )

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    @property
    def by_newest(self) -> bool:
        return not self.text or self.sort == "newest"

    @property
    def facet_filters(self) -> dict[str, list[str]]:
        """The facet filters that narrow the hits (facet counts ignore them)."""
        filters = {"kind": self.kinds, "category": self.categories, "tags": self.tags, "source": self.sources}
        return {name: values for name, values in filters.items() if values}


@dataclass
class SearchHit:
    doc_id: str
    score: float
    document: SearchDocument
    # {"title": [...], "body": [...]}: all text HTML-escaped, matches wrapped in <em>…</em>.
    highlights: dict[str, list[str]]


@dataclass
class SearchResult:
    total: int
    hits: list[SearchHit]
    # "kind", "category", "tags", "source": (value, count), most frequent first, under the ACL and text.
    facets: dict[str, list[tuple[str, int]]]
    took_ms: float


class SearchBackend(Protocol):
    name: str

    def ensure_ready(self) -> None:
        """Create the index (behind its alias) or the table state if missing."""

    def index(self, documents: Sequence[SearchDocument]) -> None:
        """Bulk upsert."""

    def delete(self, doc_ids: Sequence[str]) -> None: ...

    def delete_owner(self, owner_tenant: str, *, indexed_before: datetime | None = None) -> int:
        """Delete the owner's documents (only those indexed before ``indexed_before``, if given)."""

    def indexed_versions(self, owner_tenant: str) -> dict[str, str]:
        """The owner's documents in the live copy: doc id → the version they were indexed with."""

    def search(self, query: SearchQuery) -> SearchResult: ...

    def rebuild(self, documents: Iterable[SearchDocument], *, progress: Callable[[int], None] | None = None) -> int:
        """Zero-downtime full rebuild: load everything beside the live copy, switch atomically."""


def empty_facets() -> dict[str, list[tuple[str, int]]]:
    return {name: [] for name in FACET_FIELDS}


def no_highlights() -> dict[str, list[str]]:
    return {"title": [], "body": []}
