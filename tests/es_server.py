"""An Elasticsearch-compatible server for the search tests.

``ELASTICSEARCH_URL`` set in the environment: that (real) cluster. Otherwise a local
``noida-db`` (the PyPI package ships a binary that answers as Elasticsearch 8.15, with the
``cjk`` analyzer, aliases, bulk, highlighting and terms aggregations) on a free loopback port,
started once per test process and stopped when it exits. Import the ``es_url`` fixture.

Test indices are named after ``settings.SEARCH_INDEX_PREFIX`` (one prefix per xdist worker);
tests drop what they create. ``search_backend`` runs a test on each backend in turn (and makes
it the one ``get_backend()`` returns); ``make_doc`` builds a document with defaults; ``notes`` is
a fake document source (the only one registered during the test); ``eager_tasks`` runs Celery
tasks in-process. Test modules
load it with ``pytest_plugins = ["tests.es_server"]`` (PYTEST_DONT_REWRITE: it holds no asserts).
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.utils import timezone

from partycloud.celery import app
from partycloud.search import indexing
from partycloud.search.indexing import register_source
from partycloud.tenancy.context import active_schema
from services.search import Marking, SearchBackend, SearchDocument, Visibility, get_backend, reset_backend

START_TIMEOUT_SECONDS = 30

_url: str | None = None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _binary() -> Path | None:
    try:
        import noida_db  # type: ignore[import-untyped]
    except ImportError:
        return None
    path = Path(noida_db.__file__).parent / "noida-db"
    return path if path.exists() else None


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _start_noida(binary: Path) -> str:
    data_dir = tempfile.mkdtemp(prefix="pc-noida-")
    port = _free_port()
    log = open(Path(data_dir) / "server.log", "wb")  # noqa: SIM115 (closed when the process stops)
    process = subprocess.Popen(
        [str(binary), "start", "--data-dir", data_dir, "--only", "elasticsearch",
         "--elasticsearch-port", str(port), "--host", "127.0.0.1"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip

    def stop() -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)

    atexit.register(stop)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not _answers(url):
        if process.poll() is not None or time.monotonic() > deadline:
            stop()
            output = (Path(data_dir) / "server.log").read_text(errors="replace") if Path(data_dir).exists() else ""
            raise RuntimeError(f"noida-db did not start on port {port}: {output[-2000:]}")
        time.sleep(0.05)  # polling for readiness, not waiting for an outcome
    return url


def elasticsearch_url() -> str:
    """The cluster for this test process (started on first use)."""
    global _url
    if _url is None:
        configured = os.environ.get("ELASTICSEARCH_URL", "")
        if configured:
            _url = configured
        else:
            binary = _binary()
            if binary is None:
                pytest.skip("no Elasticsearch: set ELASTICSEARCH_URL or install noida-db")
            _url = _start_noida(binary)
    return _url


@pytest.fixture(scope="session")
def es_url() -> str:
    return elasticsearch_url()


@pytest.fixture(params=["postgresql", "elasticsearch"])
def search_backend(request: pytest.FixtureRequest, settings: Any, db: None) -> Iterator[SearchBackend]:
    """Each backend in turn, installed as the process's backend for the test."""
    reset_backend()
    if request.param == "elasticsearch":
        settings.ELASTICSEARCH_URL = request.getfixturevalue("es_url")
        settings.SEARCH_REFRESH_ON_WRITE = True  # read your writes at once
    else:
        settings.ELASTICSEARCH_URL = ""
    backend = get_backend()
    if request.param == "elasticsearch":
        backend.drop_all()  # type: ignore[attr-defined]  # leftovers of an interrupted run
    backend.ensure_ready()
    yield backend
    if request.param == "elasticsearch":
        backend.drop_all()  # type: ignore[attr-defined]
    reset_backend()


def make_doc(
    local_id: str | int,
    *,
    owner: str = "t_alpha",
    kind: str = "article",
    visibility: Visibility = Visibility.OWNER,
    marking: Marking = Marking.PUBLIC,
    title: str = "标题",
    body: str = "",
    days_ago: int = 0,
    **fields: Any,
) -> SearchDocument:
    return SearchDocument(
        doc_id=f"{owner}:{kind}:{local_id}",
        owner_tenant=owner,
        visibility=visibility,
        marking=marking,
        kind=kind,
        title=title,
        body=body,
        published_at=timezone.now().replace(microsecond=0) - timedelta(days=days_ago),
        **fields,
    )


class NoteSource:
    """Notes kept in memory per schema; records every load (schema, ids) it serves."""

    def __init__(self, kind: str = "note") -> None:
        self.kind = kind
        self.rows: dict[tuple[str, str], dict[str, Any]] = {}
        self.loads: list[tuple[str, list[str]]] = []
        self.edits = 0

    def put(self, schema: str, local_id: str, title: str, **fields: Any) -> None:
        """Add or change a note: every put is a new version of it (as an ``updated_at`` would be)."""
        self.edits += 1
        self.rows[(schema, local_id)] = {"title": title, "version": f"v{self.edits}", **fields}

    def load(self, ids: Sequence[str]) -> list[SearchDocument]:
        schema = active_schema()
        self.loads.append((schema, sorted(ids)))
        return [
            make_doc(local_id, owner=schema, kind=self.kind, **self.rows[(schema, local_id)])
            for local_id in ids
            if (schema, local_id) in self.rows
        ]

    def all_ids(self) -> Iterable[str]:
        schema = active_schema()
        return [local_id for (owner, local_id) in self.rows if owner == schema]

    def versions(self) -> Iterable[tuple[str, str]]:
        schema = active_schema()
        return [(local_id, row["version"]) for (owner, local_id), row in self.rows.items() if owner == schema]


@pytest.fixture
def notes(monkeypatch: pytest.MonkeyPatch) -> NoteSource:
    """Only the test's sources are registered while it runs."""
    monkeypatch.setattr(indexing, "_sources", {})
    source = NoteSource()
    register_source(source)
    return source


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Tasks sent with .delay() run at once, in this process (and raise what they raise)."""
    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous
