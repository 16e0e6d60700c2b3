"""The embedded default: PostgreSQL full-text search over jieba-segmented text.

Documents live in ``public.search_entry`` whatever schema is active. Their ``vector`` is built
from jieba's words with the ``simple`` configuration (title weight A, summary B, body C); a GIN
index on it answers ``vector @@ query`` with an exact bitmap, so matching never reads the
vectors themselves (they are large: TOASTed). A query requires all its terms. Documents whose
title holds every term rank above the others, then ``ts_rank_cd`` orders them (for a very
broad query, among the RANK_WINDOW best candidates: title matches, newest first). Highlights
are cut from the original text in Python (``ts_headline`` on segmented text would show the
spaces between words).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from services.search.documents import (
    FACET_FIELDS,
    FACET_SIZE,
    MAX_INDEXED_BODY_CHARS,
    Marking,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResult,
    Visibility,
    empty_facets,
    no_highlights,
)
from services.search.segmentation import highlight, query_terms, segmented

WRITE_BATCH = 200
# Relevance ranks at most this many candidates per query (every match of a specific query).
RANK_WINDOW = 1000
LOAD_BATCH = 500
_COLUMNS = (
    "generation, doc_id, owner_tenant, visibility, marking, kind, category, tags, source, title, summary, body, "
    "published_at, data, title_vector, vector, indexed_at, version"
)
_ROW = (
    "(%s, %s, %s, %s, %s, %s, %s, %s::varchar[], %s, %s, %s, %s, %s, %s::jsonb, to_tsvector('simple', %s), "
    "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B') "
    "|| setweight(to_tsvector('simple', %s), 'C'), %s, %s)"
)
_UPDATES = ", ".join(
    f"{column} = EXCLUDED.{column}" for column in _COLUMNS.split(", ") if column not in {"generation", "doc_id"}
)
_HIT_COLUMNS = (
    "doc_id, owner_tenant, visibility, marking, kind, category, tags, source, title, summary, body, published_at, data"
)


def _table(name: str) -> str:
    """Schema-qualified: the search tables are in the public schema, whichever tenant is active."""
    quote = connection.ops.quote_name
    return f"{quote(settings.PUBLIC_SCHEMA_NAME)}.{quote(name)}"


def _batches(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@contextmanager
def _led_by_the_text_index(active: bool) -> Iterator[None]:
    """For a text query, keep the planner off sequential scans: its cost model does not count
    reading each row's words out of TOAST, so for a common word it would scan and test every
    row (5–7× slower at 100,000 documents) instead of taking the GIN index's exact bitmap."""
    if not active:
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
        previous = cursor.fetchone()[0]
        yield
        # Inside a caller's transaction the setting would outlive us (an error rolls it back).
        cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])


class _Where:
    """A WHERE clause and its parameters, built from the query (the ACL always first)."""

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: list[Any] = []

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    @property
    def sql(self) -> str:
        return " AND ".join(self.clauses)


class PostgresBackend:
    name = "postgresql"

    # ---------------------------------------------------------------- state

    def ensure_ready(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_table('search_state')} (id, live_generation) VALUES (1, 1) ON CONFLICT (id) DO NOTHING"
            )

    def _generations(self) -> tuple[int, int | None]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT live_generation, building_generation FROM {_table('search_state')} WHERE id = 1")
            row = cursor.fetchone()
        if row is None:
            self.ensure_ready()
            return 1, None
        return int(row[0]), row[1]

    def _write_generations(self) -> list[int]:
        """The live generation and, during a rebuild, the one being loaded (it must not miss writes)."""
        live, building = self._generations()
        return [live] if building is None else [live, building]

    # ---------------------------------------------------------------- writes

    def index(self, documents: Sequence[SearchDocument]) -> None:
        if documents:
            self._upsert(documents, self._write_generations())

    def _upsert(self, documents: Sequence[SearchDocument], generations: list[int]) -> None:
        now = timezone.now()
        for batch in _batches(documents, WRITE_BATCH):
            rows = [[*self._row(document), now, document.version[:100]] for document in batch]
            params: list[Any] = []
            for generation in generations:
                for row in rows:
                    params.extend([generation, *row])
            values = ", ".join([_ROW] * (len(rows) * len(generations)))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {_table('search_entry')} ({_COLUMNS}) VALUES {values} "
                    f"ON CONFLICT (generation, doc_id) DO UPDATE SET {_UPDATES}",
                    params,
                )

    @staticmethod
    def _row(document: SearchDocument) -> list[Any]:
        body = document.body[:MAX_INDEXED_BODY_CHARS]
        title = segmented(document.title)
        return [
            document.doc_id,
            document.owner_tenant,
            str(document.visibility),
            str(document.marking),
            document.kind,
            document.category,
            list(document.tags),
            document.source,
            document.title,
            document.summary,
            body,
            document.published_at,
            json.dumps(document.data, cls=DjangoJSONEncoder, ensure_ascii=False),
            title,
            title,
            segmented(document.summary),
            segmented(body),
        ]

    def delete(self, doc_ids: Sequence[str]) -> None:
        if doc_ids:
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {_table('search_entry')} WHERE doc_id = ANY(%s)", [list(doc_ids)])

    def delete_owner(self, owner_tenant: str, *, indexed_before: datetime | None = None) -> int:
        generations = self._write_generations()
        sql = f"DELETE FROM {_table('search_entry')} WHERE owner_tenant = %s AND generation = ANY(%s)"
        params: list[Any] = [owner_tenant, generations]
        if indexed_before is not None:
            sql += " AND indexed_at < %s"
            params.append(indexed_before)
        with connection.cursor() as cursor:
            cursor.execute(sql + " RETURNING generation", params)
            # A rebuild's generation holds a second copy of the same documents: count the live ones.
            return sum(1 for (generation,) in cursor.fetchall() if generation == generations[0])

    def indexed_versions(self, owner_tenant: str) -> dict[str, str]:
        live, _building = self._generations()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT doc_id, version FROM {_table('search_entry')} WHERE owner_tenant = %s AND generation = %s",
                [owner_tenant, live],
            )
            return dict(cursor.fetchall())

    def rebuild(self, documents: Iterable[SearchDocument], *, progress: Callable[[int], None] | None = None) -> int:
        """Load a new generation beside the live one, then switch in one transaction."""
        state, entries = _table("search_state"), _table("search_entry")
        self.ensure_ready()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT live_generation FROM {state} WHERE id = 1 FOR UPDATE")
            live = int(cursor.fetchone()[0])
            new = live + 1
            # Leftovers of an interrupted rebuild go first; then writes also reach the new generation.
            cursor.execute(f"DELETE FROM {entries} WHERE generation <> %s", [live])
            cursor.execute(f"UPDATE {state} SET building_generation = %s WHERE id = 1", [new])
        loaded = 0
        try:
            for batch in _batches(documents, LOAD_BATCH):
                self._upsert(batch, [new])
                loaded += len(batch)
                if progress is not None:
                    progress(loaded)
        except BaseException:
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {state} SET building_generation = NULL WHERE id = 1")
                cursor.execute(f"DELETE FROM {entries} WHERE generation = %s", [new])
            raise
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {state} SET live_generation = %s, building_generation = NULL WHERE id = 1", [new])
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {entries} WHERE generation = %s", [live])
        return loaded

    # ---------------------------------------------------------------- search

    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        terms = query_terms(query.text)
        if query.text and not terms:  # only punctuation: nothing can match
            return SearchResult(0, [], empty_facets(), (time.perf_counter() - started) * 1000)
        where = self._where(query, terms)
        with _led_by_the_text_index(bool(terms)):
            facets, total = self._facets(query, where)
            hits = self._hits(query, where, terms) if total > query.offset else []
        return SearchResult(total, hits, facets, (time.perf_counter() - started) * 1000)

    @staticmethod
    def _where(query: SearchQuery, terms: list[str]) -> _Where:
        where = _Where()
        where.add(f"e.generation = (SELECT live_generation FROM {_table('search_state')} WHERE id = 1)")
        # The ACL, built here from the caller's tenant and markings: never from anything else.
        where.add("e.marking = ANY(%s)", sorted(str(marking) for marking in query.acl.markings))
        if query.owner_only:
            where.add("e.owner_tenant = %s", query.acl.tenant)
        else:
            where.add("(e.owner_tenant = %s OR e.visibility = %s)", query.acl.tenant, str(Visibility.SHARED))
        if terms:
            where.add("e.vector @@ plainto_tsquery('simple', %s)", " ".join(terms))
        if query.ids:
            where.add("e.doc_id = ANY(%s)", list(query.ids))
        return where

    @staticmethod
    def _filters(query: SearchQuery) -> tuple[str, list[Any]]:
        """The facet filters as one condition (hits obey them, facet counts do not)."""
        clauses: list[str] = []
        params: list[Any] = []
        for name, values in query.facet_filters.items():
            if name == "tags":
                clauses.append("e.tags && %s::varchar[]")
            else:
                clauses.append(f"e.{name} = ANY(%s)")
            params.append(list(values))
        return (" AND ".join(clauses) or "TRUE"), params

    def _facets(self, query: SearchQuery, where: _Where) -> tuple[dict[str, list[tuple[str, int]]], int]:
        filters, filter_params = self._filters(query)
        selects = [
            f"(SELECT '{name}', {name}, count(*) AS n FROM matched WHERE {name} <> '' "
            f"GROUP BY {name} ORDER BY n DESC, {name} LIMIT {FACET_SIZE})"
            for name in ("kind", "category", "source")
        ]
        selects.append(
            "(SELECT 'tags', tag, count(*) AS n FROM matched, unnest(matched.tags) AS tag "
            f"GROUP BY tag ORDER BY n DESC, tag LIMIT {FACET_SIZE})"
        )
        selects.append("(SELECT '', '', count(*) FILTER (WHERE selected) FROM matched)")
        sql = (
            f"WITH matched AS MATERIALIZED (SELECT e.kind, e.category, e.source, e.tags, ({filters}) AS selected "
            f"FROM {_table('search_entry')} e WHERE {where.sql}) " + " UNION ALL ".join(selects)
        )
        facets = empty_facets()
        total = 0
        with connection.cursor() as cursor:
            cursor.execute(sql, [*filter_params, *where.params])
            for name, value, count in cursor.fetchall():
                if name:
                    facets[name].append((value, int(count)))
                else:
                    total = int(count)
        for name in FACET_FIELDS:
            facets[name].sort(key=lambda item: (-item[1], item[0]))
        return facets, total

    def _hits(self, query: SearchQuery, where: _Where, terms: list[str]) -> list[SearchHit]:
        filters, filter_params = self._filters(query)
        columns = ", ".join(f"e.{column}" for column in _HIT_COLUMNS.split(", "))
        newest = "e.published_at DESC NULLS LAST, e.doc_id"
        base = f"FROM {_table('search_entry')} e WHERE {where.sql} AND {filters}"
        if query.by_newest:
            sql = f"SELECT {columns}, 0 AS score {base} ORDER BY {newest} LIMIT %s OFFSET %s"
            params: list[Any] = [*where.params, *filter_params, query.page_size, query.offset]
        else:
            # Rank the best RANK_WINDOW candidates (every match, unless the query is very broad):
            # those whose title holds every term, newest first. ts_rank_cd reads the positional
            # vectors of these only. Score: 1 for a title match + ts_rank_cd normalized to [0, 1).
            tsquery = " ".join(terms)
            sql = (
                f"WITH candidates AS (SELECT e.id, (e.title_vector @@ plainto_tsquery('simple', %s)) AS in_title "
                f"{base} ORDER BY in_title DESC, {newest} LIMIT %s) "
                f"SELECT {columns}, c.in_title::int + ts_rank_cd('{{0.1, 0.2, 0.4, 1.0}}', e.vector, "
                "plainto_tsquery('simple', %s), 32) AS score "
                f"FROM candidates c JOIN {_table('search_entry')} e ON e.id = c.id "
                f"ORDER BY score DESC, {newest} LIMIT %s OFFSET %s"
            )
            window = max(RANK_WINDOW, query.offset + query.page_size)
            params = [tsquery, *where.params, *filter_params, window, tsquery, query.page_size, query.offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [self._hit(row, terms) for row in rows]

    @staticmethod
    def _hit(row: tuple[Any, ...], terms: list[str]) -> SearchHit:
        (doc_id, owner, visibility, marking, kind, category, tags, source, title, summary, body, published, data, score) = row  # fmt: skip
        document = SearchDocument(
            doc_id=doc_id,
            owner_tenant=owner,
            visibility=Visibility(visibility),
            marking=Marking(marking),
            kind=kind,
            title=title,
            body=body,
            summary=summary,
            category=category,
            tags=list(tags or []),
            source=source,
            published_at=published,
            data=data if isinstance(data, dict) else json.loads(data or "{}"),
        )
        highlights = no_highlights()
        if terms:
            highlights = {"title": highlight(title, terms, whole=True), "body": highlight(body, terms)}
        return SearchHit(doc_id=doc_id, score=float(score), document=document, highlights=highlights)
