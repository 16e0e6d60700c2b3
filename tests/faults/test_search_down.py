"""Search backend down (issue 14): the Elasticsearch adapter against a real server process that
the tests stop and start (noida-db, the ES-compatible test server of tests/es_server.py).

While the engine does not answer, search says 503 ``search.unavailable`` at once (no hang),
browsing the library (``/api/v1/learning/library``), its own pages and study still work, and
writes are not lost: the ids wait in the backlog and the ``search.catch_up`` beat entry indexes
them once the engine is back.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from partycloud.search.models import PendingIndex
from partycloud.search.tasks import catch_up_task, reconcile_task
from services.search import get_backend, reset_backend
from tests.conftest import TenantWorld, api
from tests.es_server import _answers, _binary, _free_port
from tests.learning_support import eager_tasks

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/search"
RESOURCES = "/api/v1/learning/resources"
# Connection refused must not cost a member more than this (the timeout is for a hung engine).
REFUSED_WITHIN_SECONDS = 1.0


class EngineProcess:
    """One noida-db process on a fixed port and data directory: stop it, start it again."""

    def __init__(self, binary: Path) -> None:
        self.binary = binary
        self.port = _free_port()
        self.data_dir = tempfile.mkdtemp(prefix="pc-search-down-")
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *, empty: bool = False) -> None:
        """``empty``: as a node replaced without its volume (the data directory wiped first)."""
        if empty:
            for entry in Path(self.data_dir).iterdir():
                if entry.name != "server.log":
                    shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        log = open(Path(self.data_dir) / "server.log", "ab")  # noqa: SIM115 (the process holds it)
        self.process = subprocess.Popen(
            [str(self.binary), "start", "--data-dir", self.data_dir, "--only", "elasticsearch",
             "--elasticsearch-port", str(self.port), "--host", "127.0.0.1"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + 30
        while not _answers(self.url):
            assert self.process.poll() is None, (Path(self.data_dir) / "server.log").read_text(errors="replace")
            assert time.monotonic() < deadline, "noida-db did not start"
            time.sleep(0.05)  # polling for readiness, not waiting for an outcome

    def stop(self) -> None:
        """Stop the server (SIGTERM, as an operator or an orchestrator does): it keeps its data."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)


@pytest.fixture
def engine(settings: Any) -> Iterator[EngineProcess]:
    binary = _binary()
    if binary is None:
        pytest.skip("noida-db is not installed: no Elasticsearch process to stop and start")
    process = EngineProcess(binary)
    process.start()
    settings.ELASTICSEARCH_URL = process.url
    settings.SEARCH_REFRESH_ON_WRITE = True
    settings.SEARCH_WRITE_ATTEMPTS = 1  # one failed write is enough to know: no backoff sleeps here
    reset_backend()
    get_backend().ensure_ready()
    yield process
    reset_backend()
    process.remove()


def create_article(world: TenantWorld, title: str, captured: Any) -> dict[str, Any]:
    with eager_tasks(), captured(execute=True):
        response = api(world.host, world.admin).post(
            RESOURCES, {"kind": "article", "title": title, "body_html": f"<p>{title}正文。</p>", "publish": True}
        )
    assert response.status_code == 201, response.json()
    result: dict[str, Any] = response.json()
    return result


def titles(world: TenantWorld, text: str) -> set[str]:
    response = api(world.host, world.member).get(SEARCH, {"q": text})
    assert response.status_code == 200, response.json()
    return {row["title"] for row in response.json()["results"]}


def timed_get(client: Any, path: str, params: dict[str, Any] | None = None) -> tuple[Any, float]:
    started = time.perf_counter()
    response = client.get(path, params or {})
    return response, time.perf_counter() - started


def test_search_answers_503_at_once_while_the_engine_is_down_and_the_library_still_works(
    engine: EngineProcess, tenant_a: TenantWorld, django_capture_on_commit_callbacks: Any
) -> None:
    created = create_article(tenant_a, "党员冬训学习材料", django_capture_on_commit_callbacks)
    assert titles(tenant_a, "冬训") == {"党员冬训学习材料"}
    member = api(tenant_a.host, tenant_a.member)

    engine.stop()
    for path, params in [(SEARCH, {"q": "冬训"}), (SEARCH, {}), (f"{SEARCH}/documents/t_alpha:resource:1", {})]:
        response, seconds = timed_get(member, path, params)
        assert response.status_code == 503, (path, response.content)
        body = response.json()
        assert body["code"] == "search.unavailable"
        assert body["message"]
        assert body["field"] is None
        assert seconds < REFUSED_WITHIN_SECONDS, (path, seconds)
    # Browsing the library (the portal's 学习 tab without words), reading it, its regulations and
    # courses, and studying do not go through search.
    browsed, seconds = timed_get(member, "/api/v1/learning/library")
    assert browsed.status_code == 200, browsed.content
    # (the group's shared library may hold other tests' resources: only this one is asserted)
    assert "党员冬训学习材料" in [row["title"] for row in browsed.json()["results"]]
    assert {facet["value"]: facet["count"] for facet in browsed.json()["facets"]["kind"]}.get("article", 0) >= 1
    assert seconds < REFUSED_WITHIN_SECONDS
    assert member.get(f"/api/v1/learning/library/{created['id']}").status_code == 200
    assert member.get("/api/v1/learning/library/regulations").status_code == 200
    assert member.get("/api/v1/learning/courses").status_code == 200
    beat = member.post(
        "/api/v1/learning/study/heartbeats", {"resource": created["id"], "session": "s1", "state": "start"}
    )
    assert beat.status_code == 200, beat.json()
    assert member.get("/api/v1/learning/study/me").status_code == 200
    assert api(tenant_a.host, tenant_a.admin).get(RESOURCES).status_code == 200

    engine.start()
    assert titles(tenant_a, "冬训") == {"党员冬训学习材料"}


def test_a_hung_engine_answers_503_after_the_search_timeout(settings: Any, tenant_a: TenantWorld) -> None:
    # A server that accepts connections and never answers (a hung node, a black-holed route).
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(16)
        settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{hung.getsockname()[1]}"
        settings.SEARCH_TIMEOUT_SECONDS = 1
        reset_backend()
        try:
            response, seconds = timed_get(api(tenant_a.host, tenant_a.member), SEARCH, {"q": "党员"})
        finally:
            reset_backend()
    assert response.status_code == 503
    assert response.json()["code"] == "search.unavailable"
    assert 1 <= seconds < 3, seconds  # one attempt of SEARCH_TIMEOUT_SECONDS, no retries


def test_writes_made_while_the_engine_is_down_are_indexed_once_it_is_back(
    engine: EngineProcess, tenant_a: TenantWorld, django_capture_on_commit_callbacks: Any
) -> None:
    kept = create_article(tenant_a, "理论学习中心组发言", django_capture_on_commit_callbacks)
    gone = create_article(tenant_a, "旧版三会一课记录", django_capture_on_commit_callbacks)
    engine.stop()

    # The library takes writes as usual; their indexing waits for the engine.
    create_article(tenant_a, "主题党日活动方案", django_capture_on_commit_callbacks)
    admin = api(tenant_a.host, tenant_a.admin)
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        renamed = admin.patch(f"{RESOURCES}/{kept['id']}", {"title": "理论学习中心组专题发言"})
        deleted = admin.delete(f"{RESOURCES}/{gone['id']}")
    assert renamed.status_code == 200, renamed.json()
    assert deleted.status_code == 204
    with tenant_a.tenant:
        assert PendingIndex.objects.filter(schema="t_alpha", kind="resource").count() == 3

    # Still down: the beat entry and the reconcile try, keep everything, and fail nothing.
    assert catch_up_task.apply().get() == 0
    assert reconcile_task.apply().get() == {"checked": 0, "reindexed": 0, "deleted": 0}
    assert PendingIndex.objects.count() == 3

    engine.start()
    assert catch_up_task.apply().get() == 3
    assert not PendingIndex.objects.exists()
    assert titles(tenant_a, "主题党日") == {"主题党日活动方案"}
    assert titles(tenant_a, "中心组") == {"理论学习中心组专题发言"}
    assert titles(tenant_a, "三会一课") == set()
    assert catch_up_task.apply().get() == 0  # nothing left: one query


def test_an_engine_back_without_its_data_gets_its_index_and_documents_again(
    engine: EngineProcess, tenant_a: TenantWorld, django_capture_on_commit_callbacks: Any
) -> None:
    create_article(tenant_a, "党风廉政建设责任书", django_capture_on_commit_callbacks)
    engine.stop()
    create_article(tenant_a, "主题党日活动方案", django_capture_on_commit_callbacks)
    engine.start(empty=True)

    # The catch-up recreates the index with its mappings (not one guessed from a document) ...
    assert catch_up_task.apply().get() == 1
    assert titles(tenant_a, "主题党日") == {"主题党日活动方案"}
    # ... and the reconcile brings back what the lost data held.
    with tenant_a.tenant:
        assert reconcile_task.apply().get()["reindexed"] == 1
    assert titles(tenant_a, "党风廉政") == {"党风廉政建设责任书"}
