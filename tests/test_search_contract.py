"""The search contract: the same cases on PostgreSQL and on Elasticsearch (a local noida-db,
or the cluster in ELASTICSEARCH_URL). Features rely on exactly these semantics."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest

from services.search import (
    InvalidQuery,
    Marking,
    SearchAcl,
    SearchBackend,
    SearchDocument,
    SearchQuery,
    SearchResult,
    Visibility,
)
from tests.es_server import make_doc

pytest_plugins = ["tests.es_server"]  # the search_backend and es_url fixtures

ALPHA = SearchAcl(tenant="t_alpha")
BETA = SearchAcl(tenant="t_beta")
ROOT = SearchAcl(tenant="public")


def ids(result: SearchResult) -> list[str]:
    return [hit.doc_id for hit in result.hits]


def find(backend: SearchBackend, text: str = "", acl: SearchAcl = ALPHA, **options: Any) -> SearchResult:
    return backend.search(SearchQuery(acl=acl, text=text, **options))


def test_a_query_requires_all_its_terms_even_apart(search_backend: SearchBackend) -> None:
    search_backend.index([
        make_doc(1, title="党员教育培训班开班"),
        make_doc(2, title="支部工作简报", body="本月组织全体党员集中学习，开展主题教育。"),
        make_doc(3, title="教育改革新闻", body="学校教育的新进展"),
        make_doc(4, title="党员大会召开", body="选举产生新一届支部委员会"),
    ])  # fmt: skip
    result = find(search_backend, "党员教育")
    assert sorted(ids(result)) == ["t_alpha:article:1", "t_alpha:article:2"]
    assert result.total == 2
    assert sorted(ids(find(search_backend, "教育"))) == ["t_alpha:article:1", "t_alpha:article:2", "t_alpha:article:3"]


def test_a_word_inside_a_longer_word_is_found(search_backend: SearchBackend) -> None:
    search_backend.index([make_doc(1, title="争做优秀共产党员"), make_doc(2, title="先锋模范作用")])
    assert ids(find(search_backend, "党员")) == ["t_alpha:article:1"]


def test_title_matches_rank_above_body_matches(search_backend: SearchBackend) -> None:
    search_backend.index([
        make_doc(1, title="支部工作", body="党员 党员 党员 党员 党员，每一名党员都要参加。" * 3, days_ago=0),
        make_doc(2, title="党员发展工作细则", body="关于发展工作的说明", days_ago=5),
    ])  # fmt: skip
    assert ids(find(search_backend, "党员")) == ["t_alpha:article:2", "t_alpha:article:1"]


def test_highlights_wrap_matches_in_em_and_escape_everything_else(search_backend: SearchBackend) -> None:
    body = "前言部分。" * 60 + "全体<script>党员</script>参加'教育'活动 & 讨论。" + "后记部分。" * 60
    search_backend.index([make_doc(1, title="<b>党员</b>教育 & 培训", body=body)])
    (hit,) = find(search_backend, "党员教育").hits
    (title,) = hit.highlights["title"]
    assert "<em>党员</em>" in title
    assert "<em>教育</em>" in title
    assert "&lt;b&gt;" in title
    assert "&amp;" in title
    assert hit.highlights["body"], "the body matches: it has fragments"
    assert len(hit.highlights["body"]) <= 3
    for fragment in [title, *hit.highlights["body"]]:
        assert re.sub(r"</?em>", "", fragment).count("<") == 0, fragment  # nothing else is markup
    joined = "".join(hit.highlights["body"])
    assert "<em>党员</em>" in joined
    assert "<script>" not in joined
    assert "&lt;script&gt;" in joined
    for fragment in hit.highlights["body"]:  # fragments, not the whole 600-character body
        assert len(html.unescape(re.sub(r"</?em>", "", fragment))) < 250


def test_browsing_has_no_highlights_and_lists_newest_first(search_backend: SearchBackend) -> None:
    search_backend.index([make_doc(i, title=f"第{i}期学习简报", days_ago=i) for i in range(1, 4)])
    result = find(search_backend, sort="relevance")
    assert ids(result) == ["t_alpha:article:1", "t_alpha:article:2", "t_alpha:article:3"]
    assert all(hit.highlights == {"title": [], "body": []} for hit in result.hits)


def test_sort_by_newest_with_text(search_backend: SearchBackend) -> None:
    search_backend.index([
        make_doc(1, title="党员学习", days_ago=3),
        make_doc(2, title="学习强国", body="党员", days_ago=1),
        make_doc(3, title="党员", body="党员学习 党员", days_ago=2),
    ])  # fmt: skip
    assert ids(find(search_backend, "党员", sort="newest")) == [
        "t_alpha:article:2",
        "t_alpha:article:3",
        "t_alpha:article:1",
    ]


def _acl_world(backend: SearchBackend) -> None:
    backend.index([
        make_doc(1, owner="t_alpha", visibility=Visibility.OWNER, title="甲公司 内部 党课"),
        make_doc(2, owner="t_alpha", visibility=Visibility.SHARED, title="甲公司 共享 党课"),
        make_doc(1, owner="t_beta", visibility=Visibility.OWNER, title="乙公司 内部 党课"),
        make_doc(2, owner="t_beta", visibility=Visibility.SHARED, title="乙公司 共享 党课"),
        make_doc(1, owner="public", visibility=Visibility.OWNER, title="集团 自用 党课"),
        make_doc(2, owner="public", visibility=Visibility.SHARED, title="集团 共享 党课"),
    ])  # fmt: skip


@pytest.mark.parametrize("text", ["", "党课"])
def test_a_tenant_sees_its_own_and_shared_documents_only(search_backend: SearchBackend, text: str) -> None:
    _acl_world(search_backend)
    assert sorted(ids(find(search_backend, text, ALPHA))) == [
        "public:article:2",
        "t_alpha:article:1",
        "t_alpha:article:2",
        "t_beta:article:2",
    ]
    assert sorted(ids(find(search_backend, text, BETA))) == [
        "public:article:2",
        "t_alpha:article:2",
        "t_beta:article:1",
        "t_beta:article:2",
    ]
    # The root host follows the same rule: the group's own documents and everything shared.
    assert sorted(ids(find(search_backend, text, ROOT))) == [
        "public:article:1",
        "public:article:2",
        "t_alpha:article:2",
        "t_beta:article:2",
    ]


def test_another_tenants_owner_documents_stay_hidden_whatever_the_filters(search_backend: SearchBackend) -> None:
    _acl_world(search_backend)
    for options in ({"ids": ["t_beta:article:1", "public:article:1"]}, {"kinds": ["article"]}, {"text": "内部"}):
        result = find(search_backend, acl=ALPHA, **options)
        assert "t_beta:article:1" not in ids(result)
        assert "public:article:1" not in ids(result)
    assert ids(find(search_backend, "乙公司 内部", ALPHA)) == []


def test_owner_only_lists_the_callers_documents(search_backend: SearchBackend) -> None:
    _acl_world(search_backend)
    assert sorted(ids(find(search_backend, acl=ALPHA, owner_only=True))) == ["t_alpha:article:1", "t_alpha:article:2"]


def test_markings_filter(search_backend: SearchBackend) -> None:
    search_backend.index([
        make_doc(1, title="公开 党章", marking=Marking.PUBLIC),
        make_doc(2, title="内部 党章", marking=Marking.INTERNAL),
    ])  # fmt: skip
    public_only = SearchAcl(tenant="t_alpha", markings=frozenset({Marking.PUBLIC}))
    assert ids(find(search_backend, "党章", public_only)) == ["t_alpha:article:1"]
    assert sorted(ids(find(search_backend, "党章", ALPHA))) == ["t_alpha:article:1", "t_alpha:article:2"]


def test_facets_count_under_the_acl_and_the_text_not_the_facet_filters(search_backend: SearchBackend) -> None:
    search_backend.index([
        make_doc(1, kind="video", title="党史 微课", category="党史", tags=["微课", "党史"], source="tenant"),
        make_doc(2, kind="video", title="党史 纪录片", category="党史", tags=["党史"], source="tenant"),
        make_doc(3, kind="article", title="党史 文章", category="理论", tags=["党史"], source="tenant"),
        make_doc(4, kind="article", title="其他 文章", category="理论", source="tenant"),
        make_doc(5, owner="t_beta", kind="video", title="党史 乙", category="党史", tags=["党史"], source="tenant"),
        make_doc(6, owner="public", kind="document", visibility=Visibility.SHARED, title="党史 集团",
                 category="党史", tags=["党史"], source="group"),
    ])  # fmt: skip
    result = find(search_backend, "党史", kinds=["video"])
    assert sorted(ids(result)) == ["t_alpha:video:1", "t_alpha:video:2"]
    assert result.total == 2
    assert result.facets["kind"] == [("video", 2), ("article", 1), ("document", 1)]
    assert result.facets["category"] == [("党史", 3), ("理论", 1)]
    assert result.facets["tags"] == [("党史", 4), ("微课", 1)]
    assert result.facets["source"] == [("tenant", 3), ("group", 1)]
    assert ids(find(search_backend, "党史", tags=["微课"])) == ["t_alpha:video:1"]
    assert sorted(ids(find(search_backend, "", categories=["理论"], sources=["tenant"]))) == [
        "t_alpha:article:3",
        "t_alpha:article:4",
    ]


def test_pagination(search_backend: SearchBackend) -> None:
    search_backend.index([make_doc(i, title=f"学习材料{i}号 党员", days_ago=i) for i in range(25)])
    pages = [find(search_backend, "党员", sort="newest", page=page, page_size=10) for page in (1, 2, 3, 4)]
    assert [len(page.hits) for page in pages] == [10, 10, 5, 0]
    assert {page.total for page in pages} == {25}
    seen = [doc_id for page in pages for doc_id in ids(page)]
    assert seen == [f"t_alpha:article:{i}" for i in range(25)]


def test_page_size_and_depth_are_bounded() -> None:
    with pytest.raises(InvalidQuery) as error:
        SearchQuery(acl=ALPHA, page_size=101)
    assert error.value.field == "page_size"
    with pytest.raises(InvalidQuery):
        SearchQuery(acl=ALPHA, page=501, page_size=20)


def test_upsert_replaces_the_document(search_backend: SearchBackend) -> None:
    search_backend.index([make_doc(1, title="旧标题 党员", tags=["旧"])])
    search_backend.index([make_doc(1, title="新标题 教育", tags=["新"], data={"uuid": "u-1", "n": [1, 2]})])
    assert ids(find(search_backend, "党员")) == []
    result = find(search_backend, "教育")
    assert result.total == 1
    document = result.hits[0].document
    assert (document.title, document.tags, document.data) == ("新标题 教育", ["新"], {"uuid": "u-1", "n": [1, 2]})
    assert find(search_backend).total == 1


def test_documents_round_trip(search_backend: SearchBackend) -> None:
    original = make_doc(
        7, title="标题", body="正文 内容", summary="摘要", category="分类", tags=["甲", "乙"], source="group",
        data={"cover": "/x.jpg", "duration_seconds": 90},
    )  # fmt: skip
    search_backend.index([original])
    (hit,) = find(search_backend, "正文").hits
    assert hit.document == original


def test_delete(search_backend: SearchBackend) -> None:
    search_backend.index([make_doc(1, title="党员"), make_doc(2, title="党员")])
    search_backend.delete(["t_alpha:article:1", "t_alpha:article:404"])
    assert ids(find(search_backend, "党员")) == ["t_alpha:article:2"]


def test_indexed_versions_list_one_owners_documents_with_their_versions(search_backend: SearchBackend) -> None:
    search_backend.index([
        make_doc(1, version="a1"),
        make_doc(2),
        make_doc(1, owner="t_beta", version="b1", visibility=Visibility.SHARED),
    ])  # fmt: skip
    search_backend.index([make_doc(1, version="a2")])  # an upsert replaces the version
    assert search_backend.indexed_versions("t_alpha") == {"t_alpha:article:1": "a2", "t_alpha:article:2": ""}
    assert search_backend.indexed_versions("t_beta") == {"t_beta:article:1": "b1"}
    assert search_backend.indexed_versions("t_gamma") == {}


def test_delete_owner(search_backend: SearchBackend) -> None:
    _acl_world(search_backend)
    assert search_backend.delete_owner("t_beta") == 2
    assert sorted(ids(find(search_backend, acl=ROOT))) == ["public:article:1", "public:article:2", "t_alpha:article:2"]


def test_rebuild_keeps_answering_and_switches_atomically(search_backend: SearchBackend) -> None:
    search_backend.index([make_doc(i, title=f"旧文档{i} 党员") for i in range(3)])
    seen_during: list[list[str]] = []

    def new_documents() -> Iterator[SearchDocument]:
        for i in range(1200):  # several bulk batches
            yield make_doc(100 + i, title=f"新文档 教育 {i}")

    def progress(loaded: int) -> None:
        # Between batches: the old documents still answer, the new ones are not live yet.
        seen_during.append(sorted(ids(find(search_backend, "党员"))))
        assert find(search_backend, "新文档").total == 0
        if len(seen_during) == 1:  # a write that lands during the rebuild must survive it
            search_backend.index([make_doc(9, title="重建期间 写入 教育")])

    assert search_backend.rebuild(new_documents(), progress=progress) == 1200
    assert len(seen_during) >= 2
    assert all(seen == ["t_alpha:article:0", "t_alpha:article:1", "t_alpha:article:2"] for seen in seen_during)
    assert find(search_backend, "党员").total == 0
    assert find(search_backend, "新文档").total == 1200
    assert find(search_backend, "教育").total == 1201
    assert ids(find(search_backend, "重建期间")) == ["t_alpha:article:9"]
    if search_backend.name == "elasticsearch":
        client, alias = search_backend.client, search_backend.alias  # type: ignore[attr-defined]
        (live,) = client.indices.get_alias(name=alias).body
        assert live == f"{alias}_v2"
        assert not client.indices.exists(index=f"{alias}_v1")
    else:
        from partycloud.search.models import SearchEntry, SearchState

        state = SearchState.objects.get()
        assert (state.live_generation, state.building_generation) == (2, None)
        assert set(SearchEntry.objects.values_list("generation", flat=True).distinct()) == {2}


def test_a_failed_rebuild_leaves_the_live_copy(search_backend: SearchBackend) -> None:
    search_backend.index([make_doc(1, title="党员")])

    def broken() -> Iterator[SearchDocument]:
        yield make_doc(2, title="党员")
        raise RuntimeError("source failed")

    with pytest.raises(RuntimeError):
        search_backend.rebuild(broken())
    assert ids(find(search_backend, "党员")) == ["t_alpha:article:1"]
    search_backend.index([make_doc(3, title="党员")])
    assert sorted(ids(find(search_backend, "党员"))) == ["t_alpha:article:1", "t_alpha:article:3"]


def test_english_words_and_digits_are_searchable(search_backend: SearchBackend) -> None:
    search_backend.index([
        make_doc(1, title="Python 3.12 Release Notes", body="What's new in the 2024 release"),
        make_doc(2, title="二十大报告 学习", body="党的二十大于2022年10月召开"),
    ])  # fmt: skip
    assert ids(find(search_backend, "python")) == ["t_alpha:article:1"]
    assert ids(find(search_backend, "RELEASE notes")) == ["t_alpha:article:1"]
    assert ids(find(search_backend, "3.12")) == ["t_alpha:article:1"]
    assert ids(find(search_backend, "2024")) == ["t_alpha:article:1"]
    assert ids(find(search_backend, "2022")) == ["t_alpha:article:2"]
    assert ids(find(search_backend, "python 2022")) == []
    (hit,) = find(search_backend, "python").hits
    assert hit.highlights["title"] == ["<em>Python</em> 3.12 Release Notes"]


def test_punctuation_alone_finds_nothing(search_backend: SearchBackend) -> None:
    search_backend.index([make_doc(1, title="党员，教育")])
    assert find(search_backend, "，、。").total == 0
