"""The Elasticsearch backend: one shared index behind the alias ``<prefix>learning``.

Concrete indices are ``<prefix>learning_v<N>``; a rebuild loads ``v<N+1>`` while searches keep
reading the alias, swaps the alias in one ``_aliases`` call and drops the old index. Writes made
during a rebuild go to both indices, so the new one misses nothing.

The Chinese analyzer comes from ``settings.SEARCH_ANALYZER``: IK (``ik_max_word`` to index,
``ik_smart`` to search), ``smartcn``, ``icu`` or ``cjk`` (bigrams, always available); ``auto``
asks the cluster which plugin answers. Queries are cut into words with jieba first and every
word must match (each word's analyzed terms in one field): with bigrams, 党员教育 would
otherwise also require 员教, which a document with 党员 … 教育 apart does not hold.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any, ParamSpec, TypeVar

from django.utils import timezone
from elastic_transport import TransportError
from elasticsearch import ApiError, BadRequestError, Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import A, Q, Search

from services.search.documents import (
    FACET_FIELDS,
    FACET_SIZE,
    MAX_INDEXED_BODY_CHARS,
    Marking,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
    Visibility,
    empty_facets,
    no_highlights,
)
from services.search.segmentation import FRAGMENT_CHARS, MAX_FRAGMENTS, query_words

logger = logging.getLogger(__name__)

T = TypeVar("T")
P = ParamSpec("P")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
BULK_CHUNK = 500
BULK_CHUNK_BYTES = 10 * 1024 * 1024
WRITE_ATTEMPTS = 4
# index analyzer, search analyzer
ANALYZERS: dict[str, tuple[str, str]] = {
    "ik": ("ik_max_word", "ik_smart"),
    "smartcn": ("smartcn", "smartcn"),
    "icu": ("icu_analyzer", "icu_analyzer"),
    "cjk": ("cjk", "cjk"),
}
_PROBE_ORDER = ("ik", "smartcn", "icu")
_TEXT_FIELDS = ["title^3", "summary^2", "body"]
# The source row's version (read back by the reconcile, never searched).
VERSION_MAPPING: dict[str, Any] = {"version": {"type": "keyword", "index": False}}
SCAN_PAGE = 5000


def _retrying(operation: Callable[[], T], attempts: int = WRITE_ATTEMPTS) -> T:
    """Run a write, retrying with exponential backoff when the cluster is unreachable, overloaded
    (429) or failing (5xx). Writes are idempotent upserts and deletes by id, so a retry is safe.
    The last failure is raised (``SearchUnavailable`` for the caller: the write waits in the backlog)."""
    for attempt in range(attempts):
        try:
            return operation()
        except (TransportError, ApiError) as error:
            if not _outage(error) or attempt == attempts - 1:
                raise
            delay = 0.5 * 2**attempt
            logger.warning("search: Elasticsearch write failed (%s), retrying in %.1fs", error, delay)
            time.sleep(delay)
    raise AssertionError("unreachable")


def _outage(error: Exception) -> bool:
    """Did the cluster fail to answer (rather than refuse the request)?"""
    if isinstance(error, ApiError):
        return error.meta.status == 429 or error.meta.status >= 500
    return isinstance(error, TransportError)  # connection refused or reset, timeout


def _unavailable_when_down(method: Callable[P, T]) -> Callable[P, T]:
    """The cluster unreachable, timing out or overloaded is ``SearchUnavailable``, whatever the
    operation: the platform answers 503 to a search and keeps a failed write in its backlog."""

    @functools.wraps(method)
    def call(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(*args, **kwargs)
        except (TransportError, ApiError) as error:
            if not _outage(error):
                raise
            raise SearchUnavailable(f"Elasticsearch: {error}") from error

    return call


def _microseconds(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(
        self,
        url: str,
        *,
        prefix: str,
        analyzer: str = "auto",
        refresh_on_write: bool = False,
        timeout: float = 30,
        search_timeout: float = 3,
        write_attempts: int = WRITE_ATTEMPTS,
    ) -> None:
        # Writes retry in _retrying (with backoff), not also in the transport: an unreachable
        # cluster costs WRITE_ATTEMPTS attempts, not three times as many.
        self.client = Elasticsearch(url, request_timeout=timeout, max_retries=0)
        # A member waits for a search: one short attempt, then 503 (writes retry, they can wait).
        self.reader = self.client.options(request_timeout=search_timeout, max_retries=0, retry_on_timeout=False)
        self.write_attempts = write_attempts
        self.alias = f"{prefix}learning"
        self.analyzer_setting = analyzer
        self.refresh_on_write = refresh_on_write
        self._analyzer: tuple[str, str] | None = None
        self._ready = False

    # ---------------------------------------------------------------- indices

    def analyzers(self) -> tuple[str, str]:
        """(index analyzer, search analyzer) for new indices."""
        if self._analyzer is None:
            choice = self.analyzer_setting
            if choice == "auto":
                choice = next((name for name in _PROBE_ORDER if self._cluster_has(ANALYZERS[name][0])), "cjk")
            if choice not in ANALYZERS:
                raise ValueError(f"SEARCH_ANALYZER must be auto, ik, smartcn, icu or cjk, not {choice!r}")
            self._analyzer = ANALYZERS[choice]
        return self._analyzer

    def _cluster_has(self, analyzer: str) -> bool:
        try:
            self.client.indices.analyze(analyzer=analyzer, text="党员教育")
        except ApiError:
            return False
        return True

    def index_body(self) -> dict[str, Any]:
        analyzer, search_analyzer = self.analyzers()
        text = {"type": "text", "analyzer": analyzer, "search_analyzer": search_analyzer}
        keyword = {"type": "keyword"}
        return {
            "settings": {"number_of_shards": 1},
            "mappings": {
                "dynamic": "strict",
                "_meta": {"analyzer": analyzer, "search_analyzer": search_analyzer},
                "properties": {
                    **dict.fromkeys(("doc_id", "owner_tenant", "visibility", "marking"), keyword),
                    **dict.fromkeys(("kind", "category", "tags", "source"), keyword),
                    "title": text,
                    "summary": text,
                    "body": text,
                    "published_at": {"type": "date"},
                    # Microseconds since the epoch: "indexed before" must be exact (dates keep milliseconds).
                    "indexed_at": {"type": "long"},
                    **VERSION_MAPPING,
                    "data": {"type": "object", "enabled": False},
                },
            },
        }

    def _versions(self) -> tuple[dict[int, str], int | None]:
        """Every ``learning_v<N>`` index by N, and the N the alias points at (None: no alias yet)."""
        found = self.client.indices.get_alias(
            index=f"{self.alias}_v*", ignore_unavailable=True, allow_no_indices=True
        ).body
        versions: dict[int, str] = {}
        live: int | None = None
        pattern = re.compile(rf"^{re.escape(self.alias)}_v(\d+)$")
        for name, info in found.items():
            match = pattern.match(name)
            if match:
                versions[int(match.group(1))] = name
                if self.alias in (info.get("aliases") or {}):
                    live = int(match.group(1))
        return versions, live

    def _write_targets(self) -> list[str]:
        """The live index and any newer one a rebuild is loading."""
        self._ensure_once()
        versions, live = self._versions()
        if live is None:
            # The index is gone (dropped, or a cluster back from an outage without its data): a
            # write to the bare alias would create an index with guessed mappings. Recreate it.
            self.ensure_ready()
            versions, live = self._versions()
            if live is None:
                return [self.alias]
        return [name for number, name in sorted(versions.items()) if number >= live]

    @_unavailable_when_down
    def ensure_ready(self) -> None:
        versions, live = self._versions()
        if live is not None:
            # An index created before documents carried a version (the mapping is strict): adding
            # a field to a mapping is allowed in place.
            self.client.indices.put_mapping(index=self.alias, properties=VERSION_MAPPING)
            self._ready = True
            return
        name = f"{self.alias}_v{max(versions, default=0) + 1}"
        try:
            self.client.indices.create(index=name, aliases={self.alias: {"is_write_index": True}}, **self.index_body())
        except BadRequestError as error:
            if error.error != "resource_already_exists_exception":  # another process won the race
                raise
        self._ready = True

    def _ensure_once(self) -> None:
        if not self._ready:
            self.ensure_ready()

    # ---------------------------------------------------------------- writes

    @staticmethod
    def source(document: SearchDocument) -> dict[str, Any]:
        return {
            "doc_id": document.doc_id,
            "owner_tenant": document.owner_tenant,
            "visibility": str(document.visibility),
            "marking": str(document.marking),
            "kind": document.kind,
            "category": document.category or None,  # no empty-string facet bucket
            "tags": [tag for tag in document.tags if tag],
            "source": document.source or None,
            "title": document.title,
            "summary": document.summary,
            "body": document.body[:MAX_INDEXED_BODY_CHARS],
            "published_at": document.published_at.isoformat() if document.published_at else None,
            "data": document.data,
            "version": document.version,
        }

    def _bulk(self, actions: list[dict[str, Any]], *, ignore_status: tuple[int, ...] = ()) -> None:
        for chunk in _chunks(actions, BULK_CHUNK):
            _retrying(
                lambda chunk=chunk: helpers.bulk(  # type: ignore[misc]
                    self.client,
                    chunk,
                    chunk_size=BULK_CHUNK,
                    max_chunk_bytes=BULK_CHUNK_BYTES,
                    raise_on_error=True,
                    max_retries=3,
                    initial_backoff=1,
                    ignore_status=ignore_status,
                    refresh=self.refresh_on_write,
                ),
                self.write_attempts,
            )

    def _index_into(self, targets: list[str], documents: Sequence[SearchDocument]) -> None:
        indexed_at = _microseconds(timezone.now())
        actions = [
            {"_index": target, "_id": document.doc_id, "_source": {**self.source(document), "indexed_at": indexed_at}}
            for document in documents
            for target in targets
        ]
        self._bulk(actions)

    @_unavailable_when_down
    def index(self, documents: Sequence[SearchDocument]) -> None:
        if documents:
            self._index_into(self._write_targets(), documents)

    @_unavailable_when_down
    def delete(self, doc_ids: Sequence[str]) -> None:
        if doc_ids:
            targets = self._write_targets()
            actions = [
                {"_op_type": "delete", "_index": target, "_id": doc_id} for doc_id in doc_ids for target in targets
            ]
            self._bulk(actions, ignore_status=(404,))

    @_unavailable_when_down
    def delete_owner(self, owner_tenant: str, *, indexed_before: datetime | None = None) -> int:
        conditions: list[dict[str, Any]] = [{"term": {"owner_tenant": owner_tenant}}]
        if indexed_before is not None:
            conditions.append({"range": {"indexed_at": {"lt": _microseconds(indexed_before)}}})
        deleted = 0
        for position, target in enumerate(self._write_targets()):
            response = _retrying(
                lambda target=target: self.client.delete_by_query(  # type: ignore[misc]
                    index=target,
                    query={"bool": {"filter": conditions}},
                    conflicts="proceed",
                    refresh=self.refresh_on_write,
                ),
                self.write_attempts,
            )
            if position == 0:  # the live index: a rebuild's copy holds the same documents again
                deleted = int(response.get("deleted", 0))
        return deleted

    @_unavailable_when_down
    def indexed_versions(self, owner_tenant: str) -> dict[str, str]:
        self._ensure_once()
        hits = helpers.scan(
            self.client,
            index=self.alias,
            query={"query": {"bool": {"filter": [{"term": {"owner_tenant": owner_tenant}}]}}},
            _source=["doc_id", "version"],
            size=SCAN_PAGE,
        )
        return {hit["_source"]["doc_id"]: hit["_source"].get("version") or "" for hit in hits}

    @_unavailable_when_down
    def rebuild(self, documents: Iterable[SearchDocument], *, progress: Callable[[int], None] | None = None) -> int:
        """Load ``v<N+1>`` beside the live index, swap the alias atomically, drop the old index."""
        self.ensure_ready()
        versions, live = self._versions()
        assert live is not None
        for number, name in versions.items():  # leftovers of an interrupted rebuild
            if number > live:
                self.client.indices.delete(index=name, ignore_unavailable=True)
        self._analyzer = None  # a rebuild picks up a changed analyzer setting
        new_index = f"{self.alias}_v{max(versions) + 1}"
        self.client.indices.create(index=new_index, **self.index_body())
        loaded = 0
        try:
            for batch in _chunks(documents, BULK_CHUNK):
                # Writes landing meanwhile go to both indices (see _write_targets).
                self._index_into([new_index], batch)
                loaded += len(batch)
                if progress is not None:
                    progress(loaded)
            self.client.indices.refresh(index=new_index)
            self.client.indices.update_aliases(
                actions=[
                    {"remove": {"index": versions[live], "alias": self.alias}},
                    {"add": {"index": new_index, "alias": self.alias, "is_write_index": True}},
                ]
            )
        except BaseException:
            self.client.indices.delete(index=new_index, ignore_unavailable=True)
            raise
        self.client.indices.delete(index=versions[live], ignore_unavailable=True)
        return loaded

    def refresh(self) -> None:
        """Make every write searchable now (tests; production relies on the refresh interval)."""
        self.client.indices.refresh(index=self.alias, ignore_unavailable=True)

    def drop_all(self) -> None:
        """Delete the alias and every version (tests and benchmarks clean up with this)."""
        versions, _live = self._versions()
        for name in versions.values():
            self.client.indices.delete(index=name, ignore_unavailable=True)
        self._ready = False

    # ---------------------------------------------------------------- search

    @_unavailable_when_down
    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        words = query_words(query.text)
        if query.text and not words:  # only punctuation: nothing can match
            return SearchResult(0, [], empty_facets(), (time.perf_counter() - started) * 1000)
        try:
            response = self.reader.search(index=self.alias, body=self._request(query, words).to_dict()).body
        except NotFoundError:  # nothing indexed yet: no alias
            return SearchResult(0, [], empty_facets(), (time.perf_counter() - started) * 1000)
        facets = empty_facets()
        aggregations = response.get("aggregations", {})
        for name in FACET_FIELDS:
            buckets = aggregations.get(name, {}).get("buckets", [])
            facets[name] = [(str(bucket["key"]), int(bucket["doc_count"])) for bucket in buckets]
        hits = [self._hit(hit, bool(words)) for hit in response["hits"]["hits"]]
        total = int(response["hits"]["total"]["value"])
        return SearchResult(total, hits, facets, (time.perf_counter() - started) * 1000)

    def _request(self, query: SearchQuery, words: list[str]) -> Search:
        acl = query.acl
        # The ACL, built here from the caller's tenant and markings: never from anything else.
        filters = [Q("terms", marking=sorted(str(marking) for marking in acl.markings))]
        if query.owner_only:
            filters.append(Q("term", owner_tenant=acl.tenant))
        else:
            filters.append(
                Q(
                    "bool",
                    should=[Q("term", owner_tenant=acl.tenant), Q("term", visibility=str(Visibility.SHARED))],
                    minimum_should_match=1,
                )
            )
        if query.ids:
            filters.append(Q("terms", doc_id=list(query.ids)))
        must = [
            Q("multi_match", query=word, fields=_TEXT_FIELDS, operator="and", zero_terms_query="all") for word in words
        ]
        search = Search().query(Q("bool", must=must, filter=filters))
        facet_filters = [Q("terms", **{name: values}) for name, values in query.facet_filters.items()]
        if facet_filters:  # hits obey the facet filters; facet counts do not
            search = search.post_filter(Q("bool", filter=facet_filters))
        for name in FACET_FIELDS:
            search.aggs.bucket(
                name, A("terms", field=name, size=FACET_SIZE, order=[{"_count": "desc"}, {"_key": "asc"}])
            )
        if words:
            search = (
                search.highlight_options(encoder="html", pre_tags=["<em>"], post_tags=["</em>"])
                .highlight("title", number_of_fragments=0)
                .highlight("body", fragment_size=FRAGMENT_CHARS, number_of_fragments=MAX_FRAGMENTS)
            )
        newest: list[Any] = [{"published_at": {"order": "desc", "missing": "_last"}}, {"doc_id": "asc"}]
        search = search.sort(*(newest if query.by_newest else [{"_score": "desc"}, *newest]))
        search = search.extra(track_total_hits=True)
        return search[query.offset : query.offset + query.page_size]

    @staticmethod
    def _hit(hit: Any, highlighted: bool) -> SearchHit:
        body = hit["_source"]
        published = body.get("published_at")
        document = SearchDocument(
            doc_id=body["doc_id"],
            owner_tenant=body["owner_tenant"],
            visibility=Visibility(body["visibility"]),
            marking=Marking(body["marking"]),
            kind=body["kind"],
            title=body.get("title") or "",
            body=body.get("body") or "",
            summary=body.get("summary") or "",
            category=body.get("category") or "",
            tags=list(body.get("tags") or []),
            source=body.get("source") or "",
            published_at=datetime.fromisoformat(published) if published else None,
            data=body.get("data") or {},
        )
        highlights = no_highlights()
        if highlighted:
            found = hit.get("highlight", {})
            highlights = {"title": list(found.get("title", [])), "body": list(found.get("body", []))}
        return SearchHit(
            doc_id=document.doc_id, score=float(hit.get("_score") or 0.0), document=document, highlights=highlights
        )
