"""PostgreSQL backend specifics behind the search contract (issue 14): the row layout a text
search scans, the session settings of a search statement, the total taken from the facets' pass.
The contract itself (same cases on Elasticsearch) is in test_search_contract.py."""

from __future__ import annotations

import random

import pytest
from django.db import connection

from services.search import SearchAcl, SearchQuery
from services.search.postgres import PostgresBackend, _search_cursor
from tests.es_server import make_doc

pytestmark = pytest.mark.django_db

ALPHA = SearchAcl(tenant="t_alpha")


@pytest.fixture
def backend() -> PostgresBackend:
    backend = PostgresBackend()
    backend.ensure_ready()
    return backend


def _pages(doc_ids: list[str]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT (ctid::text::point)[0]) FROM public.search_entry WHERE doc_id = ANY(%s)", [doc_ids]
        )
        return int(cursor.fetchone()[0])


def test_the_rows_a_text_search_scans_are_narrow(backend: PostgresBackend) -> None:
    """Bodies of ~1.5 KB (here 500 characters) would stay in the row by PostgreSQL's default and
    put 4–5 rows on a page; out of line, 40 documents fit on one or two pages, so a common word's
    tens of thousands of matches are read from few pages (migration 0004)."""
    rng = random.Random(14)
    documents = [
        make_doc(i, title=f"学习材料{i}", body="".join(chr(0x4E00 + rng.randrange(20000)) for _ in range(500)))
        for i in range(40)
    ]
    backend.index(documents)
    assert _pages([document.doc_id for document in documents]) <= 3
    result = backend.search(SearchQuery(acl=ALPHA, text="学习材料", page_size=100))
    assert result.total == 40
    assert {hit.document.body for hit in result.hits} == {document.body for document in documents}


def test_a_search_statement_runs_without_jit_and_puts_the_settings_back() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('jit', 'on', true), set_config('work_mem', '4MB', true)")
        with _search_cursor(text=True) as inner:
            inner.execute(
                "SELECT current_setting('jit'), current_setting('enable_seqscan'), current_setting('work_mem')"
            )
            assert inner.fetchone() == ("off", "off", "32MB")
        cursor.execute("SELECT current_setting('jit'), current_setting('enable_seqscan'), current_setting('work_mem')")
        assert cursor.fetchone() == ("on", "on", "4MB")


def test_the_total_counts_the_filtered_matches_and_the_facets_all_of_them(backend: PostgresBackend) -> None:
    backend.index([
        make_doc(1, title="党员大会", kind="article", category="组织建设", tags=["党员"]),
        make_doc(2, title="党员学习", kind="video", category="理论学习", tags=["学习", "党员"]),
        make_doc(3, title="党员风采", kind="video", category="理论学习"),
        make_doc(4, title="党员风采", owner="t_beta", kind="video"),
    ])  # fmt: skip
    result = backend.search(SearchQuery(acl=ALPHA, text="党员", kinds=["video"]))
    assert result.total == 2
    assert sorted(hit.doc_id for hit in result.hits) == ["t_alpha:video:2", "t_alpha:video:3"]
    assert result.facets["kind"] == [("video", 2), ("article", 1)]
    assert result.facets["category"] == [("理论学习", 2), ("组织建设", 1)]
    assert result.facets["tags"] == [("党员", 2), ("学习", 1)]
    nothing = backend.search(SearchQuery(acl=ALPHA, text="不存在的词语"))
    assert (nothing.total, nothing.hits) == (0, [])
    assert all(values == [] for values in nothing.facets.values())


def test_title_matches_fill_the_page_and_body_matches_follow_them_in_rank_order(backend: PostgresBackend) -> None:
    """Only title matches are ranked while they fill the page; past them, every candidate is."""
    backend.index([
        make_doc("t1", title="党员大会", body="党员 党员 党员", days_ago=3),
        make_doc("t2", title="党员学习", days_ago=1),
        make_doc("t3", title="优秀党员", body="党员", days_ago=2),
        *(make_doc(f"b{k}", title="通知", body="，".join(["党员"] * k + ["学习"] * (6 - k)), days_ago=k) for k in range(1, 6)),
    ])  # fmt: skip

    def page(number: int) -> list[str]:
        result = backend.search(SearchQuery(acl=ALPHA, text="党员", page=number, page_size=2))
        assert result.total == 8
        return [hit.doc_id.rsplit(":", 1)[1] for hit in result.hits]

    assert page(1) == ["t1", "t3"]  # title matches, the more occurrences the higher
    assert page(2) == ["t2", "b5"]  # the last title match, then the best body match
    assert page(3) == ["b4", "b3"]
    assert page(4) == ["b2", "b1"]
