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
# A text query keeps its matches (a few columns each, up to every visible document) in memory:
# the default 4 MB spills a common word's 30,000 matches to a temporary file.
WORK_MEM = "32MB"
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
# GROUPING(kind, category, source) of the empty grouping set (all three bits set): the total.
_TOTAL_LEVEL = 0b111
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
def _search_cursor(text: bool) -> Iterator[Any]:
    """A cursor in a transaction with room in memory for the matches (WORK_MEM) and, for a text
    query, the planner kept off sequential scans: its cost model does not count reading each
    row's words out of TOAST, so for a common word it would scan and test every row (5–7×
    slower at 100,000 documents) instead of taking the GIN index's exact bitmap.

    JIT off: these statements are short and their estimated cost grows with the corpus; past
    ``jit_above_cost`` PostgreSQL would spend tens of milliseconds compiling each one (measured
    in docs/performance.md, issue 14) to save less than that.

    In a transaction of our own, one round trip (``SET LOCAL`` ends with it); inside a caller's,
    the previous values are read and put back."""
    seqscan = "off" if text else "on"
    outer = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if not outer:
            cursor.execute(
                f"SET LOCAL enable_seqscan = {seqscan}; SET LOCAL work_mem = '{WORK_MEM}'; SET LOCAL jit = off"
            )
            yield cursor
            return
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), current_setting('work_mem'), current_setting('jit'), "
            "set_config('enable_seqscan', %s, true), set_config('work_mem', %s, true), set_config('jit', 'off', true)",
            [seqscan, WORK_MEM],
        )
        previous = cursor.fetchone()[:3]
        yield cursor
        cursor.execute(
            "SELECT set_config('enable_seqscan', %s, true), set_config('work_mem', %s, true), "
            "set_config('jit', %s, true)",
            previous,
        )


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
    entry_table = "search_entry"

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
        with _search_cursor(bool(terms)) as cursor:
            cursor.execute(*self._statement(query, where, terms))
            rows = cursor.fetchall()
        facets, total = self._facets(rows[0][0])
        hits = [self._hit(row[1:], terms) for row in rows if row[1] is not None]
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

    def _statement(self, query: SearchQuery, where: _Where, terms: list[str]) -> tuple[str, list[Any]]:
        """One statement, one pass over the matches: the bitmap heap scan that reads each visible
        match's facet columns once (``matched``) feeds the facets, the total and the page.

        Facets: one grouping-sets aggregate for kind, category, source and the total, one unnest
        for tags. Page, by relevance: the RANK_WINDOW best candidates (every match of a specific
        query; for a broad one, title matches newest first) are ranked with ``ts_rank_cd``, which
        reads their positional vectors only; score = 1 for a title match + ts_rank_cd in [0, 1).
        Every title match outranks every other match: when the candidates hold enough title matches
        to fill the page (down to its last row), only those are ranked — the same page, without
        reading the other candidates' vectors (out of line, in TOAST). Only the page's rows are
        then read in full (their bodies are TOASTed too)."""
        entries = _table(self.entry_table)
        filters, filter_params = self._filters(query)
        tsquery = " ".join(terms)
        in_title = "e.title_vector @@ plainto_tsquery('simple', %s)" if terms else "FALSE"
        matched = (
            f"matched AS MATERIALIZED (SELECT e.id, e.kind, e.category, e.source, e.tags, e.published_at, e.doc_id, "
            f"({filters}) AS selected, {in_title} AS in_title, e.vector FROM {entries} e WHERE {where.sql})"
        )
        params: list[Any] = [*filter_params, *([tsquery] if terms else []), *where.params]
        # The empty grouping set () is the total (the matches that pass the facet filters): the
        # same pass over the matches as the kind, category and source counts.
        facets = (
            "facets AS (SELECT json_build_object("
            "'groups', (SELECT json_agg(json_build_array(g.kind, g.category, g.source, g.n, g.selected, g.level)) "
            "FROM (SELECT kind, category, source, count(*) AS n, count(*) FILTER (WHERE selected) AS selected, "
            "GROUPING(kind, category, source) AS level FROM matched "
            "GROUP BY GROUPING SETS ((kind), (category), (source), ())) g), "
            "'tags', (SELECT json_agg(json_build_array(t.tag, t.n)) FROM ("
            "SELECT tag, count(*) AS n FROM (SELECT unnest(tags) AS tag FROM matched) AS tagged "
            f"GROUP BY tag ORDER BY n DESC, tag LIMIT {FACET_SIZE}) t)) AS facets)"
        )
        newest = "published_at DESC NULLS LAST, doc_id"
        if query.by_newest:
            page = (
                f"page AS (SELECT id, 0::float8 AS score FROM matched WHERE selected "
                f"ORDER BY {newest} LIMIT %s OFFSET %s)"
            )
            params += [query.page_size, query.offset]
        else:
            page = (
                f"candidates AS (SELECT id, in_title, vector, published_at, doc_id FROM matched WHERE selected "
                f"ORDER BY in_title DESC, {newest} LIMIT %s), "
                "ranked AS (SELECT id, in_title::int + ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', vector, "
                "plainto_tsquery('simple', %s), 32) AS score, published_at, doc_id FROM candidates "
                "WHERE in_title OR (SELECT count(*) FROM candidates WHERE in_title) < %s), "
                f"page AS (SELECT id, score FROM ranked ORDER BY score DESC, {newest} LIMIT %s OFFSET %s)"
            )
            end = query.offset + query.page_size
            params += [max(RANK_WINDOW, end), tsquery, end, query.page_size, query.offset]
        columns = ", ".join(f"e.{column}" for column in _HIT_COLUMNS.split(", "))
        sql = (
            f"WITH {matched}, {facets}, {page} "
            f"SELECT f.facets, {columns}, p.score FROM facets f "
            f"LEFT JOIN (page p JOIN {entries} e ON e.id = p.id) ON TRUE "
            "ORDER BY p.score DESC, e.published_at DESC NULLS LAST, e.doc_id"
        )
        return sql, params

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

    @staticmethod
    def _facets(found: Any) -> tuple[dict[str, list[tuple[str, int]]], int]:
        """The facets the statement aggregated: the FACET_SIZE most frequent values of each."""
        found = found if isinstance(found, dict) else json.loads(found)
        facets = empty_facets()
        total = 0
        for kind, category, source, count, selected, level in found["groups"] or []:
            if level == _TOTAL_LEVEL:  # the empty grouping set: every match
                total = int(selected)
                continue
            for name, value in (("kind", kind), ("category", category), ("source", source)):
                if value:  # the grouping set of another field has NULL here; '' is no value
                    facets[name].append((value, int(count)))
        facets["tags"] = [(tag, int(count)) for tag, count in found["tags"] or []]
        for name in FACET_FIELDS:
            facets[name] = sorted(facets[name], key=lambda item: (-item[1], item[0]))[:FACET_SIZE]
        return facets, total

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
