"""The search path of issue 6 (before issue 14), kept as the benchmark's baseline: two
statements (facets and total, then the page), each a bitmap heap scan over every match, and
the planner's settings in their own round trips. Same answers as the current path."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

from services.search.documents import FACET_FIELDS, FACET_SIZE, SearchHit, SearchQuery, SearchResult, empty_facets
from services.search.postgres import _HIT_COLUMNS, RANK_WINDOW, PostgresBackend, _table, _Where
from services.search.segmentation import query_terms


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


class Issue6PostgresSearch(PostgresBackend):
    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        terms = query_terms(query.text)
        if query.text and not terms:  # only punctuation: nothing can match
            return SearchResult(0, [], empty_facets(), (time.perf_counter() - started) * 1000)
        where = self._where(query, terms)
        with _led_by_the_text_index(bool(terms)):
            facets, total = self._issue6_facets(query, where)
            hits = self._issue6_hits(query, where, terms) if total > query.offset else []
        return SearchResult(total, hits, facets, (time.perf_counter() - started) * 1000)

    def _issue6_facets(self, query: SearchQuery, where: _Where) -> tuple[dict[str, list[tuple[str, int]]], int]:
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

    def _issue6_hits(self, query: SearchQuery, where: _Where, terms: list[str]) -> list[SearchHit]:
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
