"""Search over 100,000 Chinese documents (issue 6), PostgreSQL backend: bulk indexing rate, then
query latency as one tenant (1–3 terms, with and without facet filters) — against an unindexed
``ILIKE '%term%'`` scan of the same table for the same queries (baseline).

If the noida-db binary is there, its bulk rate too: noida is an Elasticsearch-compatible
stand-in for tests, NOT Elasticsearch, so its figure says nothing about a real cluster.

Query latency is measured against the search path of issue 6 (two statements per search,
``bench/search_issue6.py``), query by query in turn on the same corpus, so both see the same
load; both must give the same answers.

BENCH_SEARCH_DOCS (default 100000) and BENCH_SEARCH_QUERIES (default 200) scale the run.
BENCH_SEARCH_KEEP=1 keeps the corpus in ``partycloud_bench_search_kept`` and reuses it on the
next run (indexing 100,000 documents takes minutes on a loaded machine; the queries do not).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import random
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse, urlunparse

from support import _admin_connect, bench_database

DOCS = int(os.environ.get("BENCH_SEARCH_DOCS", "100000"))
QUERIES = int(os.environ.get("BENCH_SEARCH_QUERIES", "200"))
KEEP = os.environ.get("BENCH_SEARCH_KEEP", "") == "1"
KEPT_DATABASE = "partycloud_bench_search_kept"
SINGLE_PROCESS_DOCS = min(5000, DOCS // 10)
NOIDA_DOCS = min(20000, DOCS)
BATCH = 500
TENANTS = [f"t_bench{i}" for i in range(10)]
CALLER = "t_bench3"

TERMS = [
    "党员",
    "教育",
    "学习",
    "支部",
    "组织生活",
    "会议",
    "民主评议",
    "党费",
    "发展党员",
    "积极分子",
    "入党申请",
    "思想建设",
    "政治理论",
    "主题党日",
    "三会一课",
    "党风廉政",
    "作风建设",
    "纪律",
    "监督",
    "初心",
    "使命",
    "群众路线",
    "基层党建",
    "责任制",
    "落实",
    "新时代",
    "中国特色",
    "社会主义",
    "文化建设",
    "宣传",
    "党史",
    "党章",
    "党规",
    "党性修养",
    "先锋模范",
    "理想信念",
    "为人民服务",
    "改革开放",
    "高质量发展",
    "乡村振兴",
    "安全生产",
    "创新驱动",
    "国有企业",
    "党委",
    "纪委",
    "巡察",
    "整改",
    "问责",
    "考核",
    "评优",
    "表彰",
    "志愿服务",
    "红色教育",
    "革命传统",
    "学习强国",
    "理论武装",
    "调查研究",
    "批评与自我批评",
    "组织关系",
    "转接",
    "预备党员",
    "转正",
    "谈心谈话",
    "换届选举",
    "党小组",
    "党务公开",
    "意识形态",
    "网络安全",
    "保密",
    "廉洁",
    "清正",
    "担当",
    "作为",
    "实干",
    "奋斗",
    "团结",
    "统一战线",
    "群团工作",
    "工会",
    "共青团",
    "妇联",
    "青年",
    "人才",
    "培训",
    "讲座",
    "微党课",
    "专题研讨",
    "读书班",
    "交流",
    "分享",
    "心得体会",
    "案例",
    "经验",
    "做法",
    "成效",
    "问题",
    "短板",
    "措施",
    "计划",
    "总结",
    "报告",
    "通知",
    "方案",
    "制度",
    "规定",
    "办法",
    "细则",
    "标准",
    "流程",
    "台账",
    "档案",
    "数据",
    "统计",
    "年报",
]
CONNECTORS = ["，", "。", "的", "和", "要", "加强", "推进", "深化", "持续", "全面", "扎实", "切实", "不断", "进一步"]
KINDS = ["article", "document", "video", "gallery", "link", "regulation"]
CATEGORIES = ["党史学习", "理论学习", "廉政教育", "组织建设", "业务知识", "先进典型", "政策法规", "其他"]
SOURCES = ["group", "tenant", "showcase"]

documents: list = []  # filled before the indexing processes fork (they read it copy-on-write)


def _term(rng: random.Random) -> str:
    # Zipf-like: the first terms are everywhere, the last ones rare (as in real text).
    index = min(int(rng.paretovariate(1.1)) - 1, len(TERMS) - 1)
    return TERMS[index] if rng.random() < 0.6 else rng.choice(TERMS)


class Vocabulary:
    """Everyday Chinese words with their real frequencies (jieba's dictionary, top 30,000)."""

    def __init__(self) -> None:
        from services.search.segmentation import _tokenizer

        frequencies = _tokenizer().dt.FREQ
        words = [w for w, f in frequencies.items() if f > 0 and 2 <= len(w) <= 4 and not w.isascii()]
        words.sort(key=lambda w: -frequencies[w])
        self.words = words[:30000]
        self.cumulative = list(itertools.accumulate(frequencies[w] for w in self.words))

    def sample(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=count)


def make_documents(count: int) -> list:
    """Bodies of 300–800 characters: 70 % everyday words, 30 % party-building terms."""
    from services.search import Marking, SearchDocument, Visibility

    vocabulary = Vocabulary()
    rng = random.Random(6)
    now = datetime(2026, 6, 1, tzinfo=UTC)
    made = []
    for serial in range(count):
        owner = "public" if rng.random() < 0.3 else rng.choice(TENANTS)
        shared = rng.random() < (0.9 if owner == "public" else 0.2)
        title = f"关于{_term(rng)}{_term(rng)}的{rng.choice(['通知', '学习材料', '专题报告', '工作方案', '心得体会', '经验交流'])}"
        length = rng.randint(300, 800)
        parts: list[str] = []
        size = 0
        while size < length:
            words = vocabulary.sample(rng, 4)
            words.insert(rng.randrange(5), _term(rng))
            piece = "".join(words) + rng.choice(CONNECTORS)
            parts.append(piece)
            size += len(piece)
        made.append(
            SearchDocument(
                doc_id=f"{owner}:bench:{serial}",
                owner_tenant=owner,
                visibility=Visibility.SHARED if shared else Visibility.OWNER,
                marking=Marking.INTERNAL if rng.random() < 0.3 else Marking.PUBLIC,
                kind=rng.choice(KINDS),
                title=title,
                body="".join(parts)[:length],
                summary="",
                category=rng.choice(CATEGORIES),
                tags=rng.sample(TERMS[:30], rng.randint(0, 3)),
                source="group" if owner == "public" else rng.choice(SOURCES[1:]),
                published_at=now - timedelta(minutes=serial * 7),
                data={"serial": serial},
            )
        )
    return made


def _index_slice(bounds: tuple[int, int]) -> int:
    from services.search.postgres import PostgresBackend

    backend = PostgresBackend()
    start, end = bounds
    for offset in range(start, end, BATCH):
        backend.index(documents[offset : min(offset + BATCH, end)])
    return end - start


def make_queries(count: int) -> list[dict]:
    """Mostly party-building terms (what people search here), some everyday words."""
    vocabulary = Vocabulary()
    common = vocabulary.words[:3000]
    rng = random.Random(7)
    queries = []
    for _ in range(count):
        terms = [
            rng.choice(TERMS) if rng.random() < 0.7 else rng.choice(common) for _ in range(rng.choice([1, 1, 2, 2, 3]))
        ]
        # Typed with spaces or run together (党员 教育 / 党员教育): segmentation must cope with both.
        query: dict = {"text": " ".join(terms) if rng.random() < 0.5 else "".join(terms), "terms": terms}
        roll = rng.random()
        if roll < 0.2:
            query["kinds"] = [rng.choice(KINDS)]
        elif roll < 0.35:
            query["categories"] = [rng.choice(CATEGORIES)]
        elif roll < 0.4:
            query["sort"] = "newest"
        queries.append(query)
    return queries


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] * 1000

    return f"p50 {statistics.median(samples) * 1000:7.1f} ms  p95 {at(0.95):7.1f} ms  p99 {at(0.99):7.1f} ms"


def ilike_scan(terms: list[str]) -> float:
    """The baseline: what a plain LIKE search over the same rows costs (no full-text index)."""
    from django.db import connection

    clauses = " AND ".join(["(title ILIKE %s OR body ILIKE %s)"] * len(terms))
    params: list = []
    for term in terms:
        params += [f"%{term}%", f"%{term}%"]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT doc_id FROM public.search_entry WHERE generation = 1 AND marking = ANY(%s) "
            f"AND (owner_tenant = %s OR visibility = 'shared') AND {clauses} "
            "ORDER BY published_at DESC LIMIT 20",
            [["public", "internal"], CALLER, *params],
        )
        cursor.fetchall()
        cursor.execute(
            "SELECT count(*) FROM public.search_entry WHERE generation = 1 AND marking = ANY(%s) "
            f"AND (owner_tenant = %s OR visibility = 'shared') AND {clauses}",
            [["public", "internal"], CALLER, *params],
        )
        cursor.fetchall()
    return time.perf_counter() - started


def bench_noida() -> None:
    try:
        from tests.es_server import _binary, _start_noida
    except ImportError:
        print("noida-db: not available, skipped")
        return
    binary = _binary()
    if binary is None:
        print("noida-db: not installed, skipped")
        return
    from services.search.elastic import ElasticsearchBackend

    backend = ElasticsearchBackend(_start_noida(binary), prefix="bench-search-")
    backend.drop_all()
    backend.ensure_ready()
    started = time.perf_counter()
    for offset in range(0, NOIDA_DOCS, BATCH):
        backend.index(documents[offset : offset + BATCH])
    seconds = time.perf_counter() - started
    backend.refresh()
    print(
        f"noida-db bulk, 1 process, {NOIDA_DOCS} docs: {seconds:6.1f} s = {NOIDA_DOCS / seconds:7.0f} docs/s"
        "  (noida-db is a test stand-in, NOT Elasticsearch)"
    )
    backend.drop_all()


@contextmanager
def kept_database() -> Iterator[bool]:
    """BENCH_SEARCH_KEEP=1: the corpus database stays; yields whether it already holds the corpus."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/partycloud")
    with _admin_connect(base) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [KEPT_DATABASE]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{KEPT_DATABASE}"')
    os.environ["DATABASE_URL"] = urlunparse(urlparse(base)._replace(path=f"/{KEPT_DATABASE}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partycloud.settings")
    os.environ.setdefault("TENANT_WARM_POOL_SIZE", "0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("bootstrap_platform", "--no-spares", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM public.search_entry")
        yield cursor.fetchone()[0] == DOCS


@contextmanager
def corpus_database() -> Iterator[bool]:
    """A fresh database (dropped afterwards), or the kept one: yields whether the corpus is there."""
    if KEEP:
        with kept_database() as ready:
            yield ready
    else:
        with bench_database("search"):
            yield False


def build_corpus() -> None:
    global documents
    from django.db import connection, connections

    from services.search.segmentation import segmented

    started = time.perf_counter()
    documents = make_documents(DOCS)
    characters = sum(len(d.title) + len(d.body) for d in documents)
    print(f"{DOCS} documents, {characters / DOCS:.0f} characters each on average "
          f"(generated in {time.perf_counter() - started:.1f} s)")  # fmt: skip
    segmented("预热")  # jieba's dictionary loads once per process (before the fork)

    started = time.perf_counter()
    _index_slice((0, SINGLE_PROCESS_DOCS))
    single = time.perf_counter() - started
    print(
        f"index, 1 process, {SINGLE_PROCESS_DOCS} docs:   {single:6.1f} s = {SINGLE_PROCESS_DOCS / single:7.0f} docs/s"
    )

    connections.close_all()  # each process opens its own connection
    rest = DOCS - SINGLE_PROCESS_DOCS
    middle = SINGLE_PROCESS_DOCS + rest // 2
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_index_slice, [(SINGLE_PROCESS_DOCS, middle), (middle, DOCS)])
    both = time.perf_counter() - started
    print(f"index, 2 processes, {rest} docs: {both:6.1f} s = {rest / both:7.0f} docs/s")
    with connection.cursor() as cursor:
        # What autovacuum does after a bulk load (the shared test server runs with it off): flush
        # the GIN index's pending list, set the visibility map, refresh the statistics.
        cursor.execute("VACUUM ANALYZE public.search_entry")
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('public.search_entry'))")
        print(f"table with indexes: {cursor.fetchone()[0]}")


def main() -> None:
    with corpus_database() as ready:
        from search_issue6 import Issue6PostgresSearch

        from services.search import SearchAcl, SearchQuery
        from services.search.postgres import PostgresBackend

        if ready:
            print(f"{DOCS} documents already indexed in {KEPT_DATABASE} (BENCH_SEARCH_KEEP=1): reused")
        else:
            build_corpus()
        with open("/proc/loadavg") as load:
            print(f"load average before the queries: {' '.join(load.read().split()[:3])} ({os.cpu_count()} cores)")

        backend = PostgresBackend()
        baseline = Issue6PostgresSearch()
        acl = SearchAcl(tenant=CALLER)
        queries = make_queries(QUERIES)

        def search(query: dict, engine=backend):
            options = {key: value for key, value in query.items() if key != "terms"}
            return engine.search(SearchQuery(acl=acl, **options))

        for query in queries[:10]:  # warm the cache like a running server
            search(query)
            search(query, baseline)
        samples: list[float] = []
        before: list[float] = []
        totals: list[int] = []
        different = 0
        for query in queries:  # in turn, so that both paths see the same load
            started = time.perf_counter()
            old = search(query, baseline)
            before.append(time.perf_counter() - started)
            started = time.perf_counter()
            result = search(query)
            samples.append(time.perf_counter() - started)
            totals.append(result.total)
            answer = (result.total, [hit.doc_id for hit in result.hits], result.facets)
            different += answer != (old.total, [hit.doc_id for hit in old.hits], old.facets)
        print(f"search as one tenant, {QUERIES} queries:  {percentiles(samples)}")
        print(f"  issue 6 path (baseline, same run): {percentiles(before)}")
        print(
            f"  p95 {sorted(samples)[round(0.95 * (len(samples) - 1))] / sorted(before)[round(0.95 * (len(before) - 1))]:.2f}"
            f"x the baseline's; answers that differ (total, page, facets): {different} of {QUERIES}"
        )
        print(f"  hits per query: median {statistics.median(totals):.0f}, max {max(totals)}")
        browse = []
        browse_before = []
        for page in range(1, 21):
            started = time.perf_counter()
            baseline.search(SearchQuery(acl=acl, page=page))
            browse_before.append(time.perf_counter() - started)
            started = time.perf_counter()
            backend.search(SearchQuery(acl=acl, page=page))
            browse.append(time.perf_counter() - started)
        print(f"browse newest first, 20 pages:       {percentiles(browse)}")
        print(f"  issue 6 path (baseline, same run): {percentiles(browse_before)}")

        baseline_queries = [q for q in queries if "kinds" not in q and "categories" not in q][:10]
        scans = [ilike_scan(query["terms"]) for query in baseline_queries]
        indexed = []
        for query in baseline_queries:
            started = time.perf_counter()
            search(query)
            indexed.append(time.perf_counter() - started)
        print(
            f"same {len(baseline_queries)} queries: ILIKE scan (baseline) median {statistics.median(scans) * 1000:7.1f} ms, "
            f"full-text median {statistics.median(indexed) * 1000:6.1f} ms "
            f"({statistics.median(scans) / statistics.median(indexed):.1f}x faster)"
        )
        if ready:
            print("noida-db: skipped (the corpus was reused, not generated)")
        else:
            bench_noida()


if __name__ == "__main__":
    main()
