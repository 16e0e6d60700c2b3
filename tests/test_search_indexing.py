"""The indexing pipeline: sources, indexing after commit (coalesced, in the right schema),
reindexing one tenant, rebuilding everything, and reindex jobs. A fake source stands in for
the features (the learning app registers its own)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pytest
from django.db import transaction

from partycloud.accounts.actor import Actor
from partycloud.search import indexing
from partycloud.search.indexing import index_on_commit, rebuild_all, reconcile_schema, register_source, reindex_schema
from partycloud.search.jobs import do_request_reindex, run_reindex_job
from partycloud.search.models import ReindexStatus
from partycloud.search.tasks import index_documents_task, reconcile_task
from services.search import SearchAcl, SearchBackend, SearchDocument, SearchQuery, Visibility
from tests.conftest import TenantWorld
from tests.es_server import NoteSource, make_doc

pytest_plugins = ["tests.es_server"]  # search_backend, notes, eager_tasks


def visible(backend: SearchBackend, tenant: str, text: str = "") -> list[str]:
    result = backend.search(SearchQuery(acl=SearchAcl(tenant=tenant), text=text, page_size=100))
    return sorted(hit.doc_id for hit in result.hits)


def test_a_change_is_indexed_after_commit_in_the_schema_it_was_made_in(
    search_backend: SearchBackend, notes: NoteSource, eager_tasks: None, tenant_a: TenantWorld,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    notes.put("t_alpha", "1", "党员 学习笔记")
    with django_capture_on_commit_callbacks(execute=False) as callbacks, tenant_a.tenant:
        index_on_commit("note", ["1"])
    assert notes.loads == [], "nothing is indexed inside the transaction"
    assert len(callbacks) == 1
    callbacks[0]()  # the commit, seen from the public schema: the task still runs in t_alpha
    assert notes.loads == [("t_alpha", ["1"])]
    assert visible(search_backend, "t_alpha", "党员") == ["t_alpha:note:1"]
    assert visible(search_backend, "t_beta", "党员") == []


def test_calls_in_one_transaction_coalesce_into_one_task_per_kind(
    search_backend: SearchBackend, notes: NoteSource, eager_tasks: None, tenant_a: TenantWorld,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    links = NoteSource("link")
    register_source(links)
    for local_id in ("1", "2", "3"):
        notes.put("t_alpha", local_id, f"笔记{local_id}")
    links.put("t_alpha", "9", "链接")
    with django_capture_on_commit_callbacks(execute=True) as callbacks, tenant_a.tenant:
        index_on_commit("note", ["1"])
        index_on_commit("note", ["2", "1"])
        index_on_commit("link", ["9"])
        with transaction.atomic():
            index_on_commit("note", ["3"])
    assert len(callbacks) == 1
    assert notes.loads == [("t_alpha", ["1", "2", "3"])]
    assert links.loads == [("t_alpha", ["9"])]
    assert visible(search_backend, "t_alpha") == [
        "t_alpha:link:9",
        "t_alpha:note:1",
        "t_alpha:note:2",
        "t_alpha:note:3",
    ]


def test_each_schema_gets_its_own_task(
    search_backend: SearchBackend, notes: NoteSource, eager_tasks: None, tenant_a: TenantWorld,
    tenant_b: TenantWorld, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    notes.put("t_alpha", "1", "甲的笔记")
    notes.put("t_beta", "1", "乙的笔记")
    with django_capture_on_commit_callbacks(execute=True):
        with tenant_a.tenant:
            index_on_commit("note", ["1"])
        with tenant_b.tenant:
            index_on_commit("note", ["1"])
    assert sorted(notes.loads) == [("t_alpha", ["1"]), ("t_beta", ["1"])]
    assert visible(search_backend, "t_alpha") == ["t_alpha:note:1"]
    assert visible(search_backend, "t_beta") == ["t_beta:note:1"]


def test_a_rolled_back_change_is_not_indexed(
    search_backend: SearchBackend, notes: NoteSource, eager_tasks: None, tenant_a: TenantWorld,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    notes.put("t_alpha", "1", "笔记")

    def failing_write() -> None:
        with transaction.atomic():
            index_on_commit("note", ["1"])
            raise RuntimeError("the feature's write failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, tenant_a.tenant:
        with pytest.raises(RuntimeError):
            failing_write()
    assert callbacks == []
    assert notes.loads == []
    # The next transaction starts afresh.
    with django_capture_on_commit_callbacks(execute=True) as callbacks, tenant_a.tenant:
        index_on_commit("note", ["1"])
    assert len(callbacks) == 1
    assert notes.loads == [("t_alpha", ["1"])]


def test_documents_the_source_no_longer_returns_are_deleted(
    search_backend: SearchBackend, notes: NoteSource, eager_tasks: None, tenant_a: TenantWorld,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    notes.put("t_alpha", "1", "党员 笔记")
    notes.put("t_alpha", "2", "党员 笔记")
    with django_capture_on_commit_callbacks(execute=True), tenant_a.tenant:
        index_on_commit("note", ["1", "2"])
    assert visible(search_backend, "t_alpha", "党员") == ["t_alpha:note:1", "t_alpha:note:2"]
    del notes.rows[("t_alpha", "2")]  # deleted, or withdrawn from publication
    notes.put("t_alpha", "1", "教育 笔记")  # edited
    with django_capture_on_commit_callbacks(execute=True), tenant_a.tenant:
        index_on_commit("note", ["1", "2"])
    assert visible(search_backend, "t_alpha", "党员") == []
    assert visible(search_backend, "t_alpha", "教育") == ["t_alpha:note:1"]


def test_unknown_kinds_fail_in_the_caller(notes: NoteSource) -> None:
    with pytest.raises(LookupError):
        index_on_commit("nope", ["1"])


def test_a_source_cannot_index_another_owners_documents(search_backend: SearchBackend, tenant_a: TenantWorld) -> None:
    class Leaky(NoteSource):
        def load(self, ids: Sequence[str]) -> list[SearchDocument]:
            return [make_doc(local_id, owner="t_beta", kind=self.kind) for local_id in ids]

    register_source(Leaky("leaky"))
    try:
        with tenant_a.tenant, pytest.raises(ValueError, match="claims owner"):
            index_documents_task.apply(args=("leaky", ["1"]), throw=True)
    finally:
        indexing.unregister_source("leaky")
    assert visible(search_backend, "t_beta") == []


def test_reindexing_a_schema_rewrites_its_documents_and_drops_stale_ones(
    search_backend: SearchBackend, notes: NoteSource, tenant_a: TenantWorld
) -> None:
    search_backend.index([
        make_doc("stale", owner="t_alpha", kind="note", title="已删除"),
        make_doc("1", owner="t_beta", kind="note", title="乙", visibility=Visibility.SHARED),
    ])  # fmt: skip
    for local_id in ("1", "2", "3"):
        notes.put("t_alpha", local_id, f"笔记{local_id}")
    progress: list[tuple[int, int]] = []
    assert reindex_schema("t_alpha", progress=lambda done, total: progress.append((done, total))) == 3
    assert progress[0] == (0, 3)
    assert progress[-1] == (3, 3)
    assert visible(search_backend, "t_alpha") == [
        "t_alpha:note:1",
        "t_alpha:note:2",
        "t_alpha:note:3",
        "t_beta:note:1",
    ]


def test_rebuild_all_covers_the_group_and_every_indexed_tenant(
    search_backend: SearchBackend, notes: NoteSource, tenant_a: TenantWorld, tenant_b: TenantWorld
) -> None:
    search_backend.index([make_doc("old", owner="t_alpha", kind="note", title="旧")])
    notes.put("public", "1", "集团文件", visibility=Visibility.SHARED)
    notes.put("t_alpha", "1", "甲笔记")
    notes.put("t_beta", "1", "乙笔记")
    progress: list[tuple[int, int]] = []
    assert rebuild_all(progress=lambda done, total: progress.append((done, total))) == 3
    assert progress[-1] == (3, 3)
    assert visible(search_backend, "t_alpha") == ["public:note:1", "t_alpha:note:1"]
    assert visible(search_backend, "t_beta") == ["public:note:1", "t_beta:note:1"]


def test_a_reindex_job_records_its_progress(
    search_backend: SearchBackend, notes: NoteSource, tenant_a: TenantWorld, django_capture_on_commit_callbacks: Any
) -> None:
    notes.put("t_alpha", "1", "笔记")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:  # on the root host
        job = do_request_reindex(actor=Actor.system(), tenant="t_alpha")
    assert (job.scope, job.owner_tenant, job.status) == ("tenant", "t_alpha", ReindexStatus.QUEUED)
    assert len(callbacks) == 1  # the task is sent after commit
    assert run_reindex_job(job.pk) == 1
    job.refresh_from_db()
    assert (job.status, job.total, job.done, job.progress) == (ReindexStatus.DONE, 1, 1, 100)
    assert job.started_at is not None
    assert job.finished_at is not None
    assert visible(search_backend, "t_alpha") == ["t_alpha:note:1"]


def test_a_failed_job_says_why(
    search_backend: SearchBackend, tenant_a: TenantWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Broken(NoteSource):
        def all_ids(self) -> Iterable[str]:
            raise RuntimeError("the source's table is gone")

    monkeypatch.setattr(indexing, "_sources", {})
    register_source(Broken())
    job = do_request_reindex(actor=Actor.system(), tenant="t_alpha")
    with pytest.raises(RuntimeError):
        run_reindex_job(job.pk)
    job.refresh_from_db()
    assert job.status == ReindexStatus.FAILED
    assert "table is gone" in job.error


# ---------------------------------------------------------------- reconcile (issue 11: index repair)


def _lose_index_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The broker is gone when the change commits: the change stays, its index task never runs."""

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(index_documents_task, "delay", broker_down)


def test_a_change_whose_index_task_was_lost_is_found_after_the_reconcile(
    search_backend: SearchBackend, notes: NoteSource, eager_tasks: None, tenant_a: TenantWorld,
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    notes.put("t_alpha", "1", "党员 笔记")
    notes.put("t_alpha", "2", "党员 旧笔记")
    with django_capture_on_commit_callbacks(execute=True), tenant_a.tenant:
        index_on_commit("note", ["1", "2"])
    _lose_index_tasks(monkeypatch)
    notes.put("t_alpha", "1", "教育 笔记")  # edited
    del notes.rows[("t_alpha", "2")]  # deleted
    notes.put("t_alpha", "3", "教育 新笔记")  # created
    with django_capture_on_commit_callbacks(execute=True), tenant_a.tenant:
        index_on_commit("note", ["1", "2", "3"])
    assert visible(search_backend, "t_alpha", "教育") == [], "the task was lost: search is wrong"
    assert visible(search_backend, "t_alpha", "党员") == ["t_alpha:note:1", "t_alpha:note:2"]

    with tenant_a.tenant:
        assert reconcile_task.apply(throw=True).get() == {"checked": 2, "reindexed": 2, "deleted": 1}
    assert visible(search_backend, "t_alpha", "教育") == ["t_alpha:note:1", "t_alpha:note:3"]
    assert visible(search_backend, "t_alpha", "党员") == []


def test_the_reconcile_writes_nothing_when_the_index_is_current(
    search_backend: SearchBackend, notes: NoteSource, tenant_a: TenantWorld, tenant_b: TenantWorld
) -> None:
    for local_id in ("1", "2", "3"):
        notes.put("t_alpha", local_id, f"笔记{local_id}")
    notes.put("t_beta", "1", "乙的笔记")
    first = reconcile_schema("t_alpha")
    assert (first.checked, first.reindexed, first.deleted) == (3, 3, 0)
    notes.loads.clear()
    again = reconcile_schema("t_alpha")
    assert (again.checked, again.reindexed, again.deleted) == (3, 0, 0)
    assert notes.loads == [], "unchanged documents are compared by version, not loaded"
    assert visible(search_backend, "t_beta") == [], "another schema's rows are its own reconcile's business"


def test_a_source_without_versions_is_reconciled_by_id(
    search_backend: SearchBackend, notes: NoteSource, tenant_a: TenantWorld
) -> None:
    class Unversioned(NoteSource):
        versions = None  # type: ignore[assignment]  # the optional method is absent

    unversioned = Unversioned("memo")
    register_source(unversioned)
    unversioned.put("t_alpha", "1", "备忘")
    search_backend.index([make_doc("9", owner="t_alpha", kind="memo", title="已删除")])
    report = reconcile_schema("t_alpha")
    assert (report.reindexed, report.deleted) == (1, 1)
    assert visible(search_backend, "t_alpha") == ["t_alpha:memo:1"]
    assert reconcile_schema("t_alpha").reindexed == 0


def test_the_reconcile_runs_every_quarter_hour_for_the_group_and_each_tenant() -> None:
    from services.tasks.periodic import FAN_OUT_TASK
    from services.tasks.schedules import beat_schedule

    schedule = beat_schedule()
    tenants, group = schedule["search-reconcile"], schedule["search-reconcile-group"]
    assert (tenants["task"], tenants["args"][0]) == (FAN_OUT_TASK, "search.reconcile")
    assert group["task"] == "search.reconcile"
    assert tenants["schedule"].minute == group["schedule"].minute == set(range(0, 60, 15))


def test_operators_repair_or_reindex_from_the_command_line(
    search_backend: SearchBackend, notes: NoteSource, tenant_a: TenantWorld
) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    notes.put("t_alpha", "1", "党员 笔记")
    out = StringIO()
    call_command("search_reindex", "--reconcile", stdout=out)
    assert "t_alpha: 1 checked, 1 reindexed, 0 deleted" in out.getvalue()
    assert visible(search_backend, "t_alpha", "党员") == ["t_alpha:note:1"]
    call_command("search_reindex", "--tenant", "t_alpha", stdout=out)
    assert "t_alpha: 1 documents indexed" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("search_reindex", "--tenant", "t_nowhere")
