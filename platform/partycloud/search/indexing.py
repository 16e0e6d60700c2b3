"""The indexing pipeline: features register document sources; changes are indexed after commit.

A feature calls ``index_on_commit(kind, ids)`` wherever its documents change (created,
edited, published, withdrawn, deleted). The ids collect in a per-transaction buffer; when the
transaction commits, one Celery task per (schema, kind) loads the current state through the
source, upserts what it returns and deletes what it does not (gone or no longer indexable).
Nothing is indexed from inside the request's transaction.

While the engine is down (``SearchUnavailable``) those ids wait in ``PendingIndex`` (public
schema); ``catch_up`` (every minute) indexes them once it answers again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Protocol, TypeVar

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from partycloud.search.models import PendingIndex
from partycloud.tenancy.context import active_schema
from partycloud.tenancy.models import CommitteeStatus, PartyCommittee
from services.search import SearchDocument, SearchUnavailable, document_id, get_backend
from services.search.documents import PUBLIC_SCHEMA

logger = logging.getLogger(__name__)

T = TypeVar("T")
LOAD_BATCH = 200
TASK_BATCH = 500
# (documents done, documents in total)
Progress = Callable[[int, int], None]


class DocumentSource(Protocol):
    kind: str  # the middle part of doc ids, e.g. "resource"

    def load(self, ids: Sequence[str]) -> list[SearchDocument]:
        """Runs in the owner's schema. Ids that no longer exist or are no longer indexable are
        simply missing from the answer: they are deleted from the index."""

    def all_ids(self) -> Iterable[str]:
        """Runs in a schema: every indexable id there."""

    # Optional, for the reconcile: ``versions() -> Iterable[tuple[str, str]]``, every indexable
    # id with the version its document would carry (cheap: one query, no bodies). A source
    # without it is reconciled by id only (missing and leftover documents, not stale ones).


_sources: dict[str, DocumentSource] = {}


def register_source(source: DocumentSource) -> None:
    """Called from the feature's ``AppConfig.ready()``; a kind registered twice keeps the newest."""
    _sources[source.kind] = source


def unregister_source(kind: str) -> None:
    _sources.pop(kind, None)


def registered_sources() -> list[DocumentSource]:
    return list(_sources.values())


def get_source(kind: str) -> DocumentSource:
    try:
        return _sources[kind]
    except KeyError:
        raise LookupError(f"no search document source is registered for {kind!r}") from None


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


# ---------------------------------------------------------------- after commit


class _PendingIndex:
    """The on-commit callback of one transaction, holding the ids to index after it commits.

    It lives in Django's list of on-commit callbacks, so a rollback discards it with its ids."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str], set[str]] = {}
        self.sent = False

    def add(self, schema: str, kind: str, ids: Iterable[str]) -> None:
        self.ids.setdefault((schema, kind), set()).update(ids)

    def __call__(self) -> None:
        # Imported when sending: the tasks module imports this one (its tasks run these functions).
        from partycloud.search.tasks import index_documents_task

        self.sent = True
        for (schema, kind), ids in self.ids.items():
            for batch in _batches(sorted(ids), TASK_BATCH):
                try:
                    with schema_context(schema):  # the task runs in the schema it was sent from
                        index_documents_task.delay(kind, batch)
                except Exception:  # the change is committed: a broker outage must not fail the request
                    logger.exception("search: could not queue indexing of %s %s in %s", len(batch), kind, schema)


def _pending_in_transaction() -> _PendingIndex | None:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return None
    for entry in connection.run_on_commit:  # (savepoint ids, callback, robust)
        callback = entry[1]
        if isinstance(callback, _PendingIndex) and not callback.sent:
            return callback
    return None


def index_on_commit(kind: str, ids: Sequence[str]) -> None:
    """Index these documents of the CURRENT schema once the transaction commits.

    Calls within one transaction coalesce: one task per kind (per 500 ids) after commit.
    Outside a transaction the task is sent at once."""
    get_source(kind)  # a typo fails here, in the feature's request, not later in a worker
    if not ids:
        return
    pending = _pending_in_transaction()
    registered = pending is not None
    pending = pending or _PendingIndex()
    pending.add(active_schema(), kind, (str(local_id) for local_id in ids))
    if not registered:  # outside a transaction this sends at once
        transaction.on_commit(pending)


def index_documents(kind: str, ids: Sequence[str]) -> int:
    """In the current schema: upsert the documents the source returns, delete the others."""
    schema = active_schema()
    documents = _owned(get_source(kind).load(ids), schema)
    backend = get_backend()
    backend.index(documents)
    found = {document.doc_id for document in documents}
    gone = [doc_id for doc_id in (document_id(kind, local_id, schema) for local_id in ids) if doc_id not in found]
    backend.delete(gone)
    return len(documents)


def _owned(documents: list[SearchDocument], schema: str) -> list[SearchDocument]:
    """A source indexes its own schema's documents only: anything else would leak across tenants."""
    for document in documents:
        if document.owner_tenant != schema:
            raise ValueError(f"search document {document.doc_id} claims owner {document.owner_tenant!r} in {schema!r}")
    return documents


# ---------------------------------------------------------------- outages


def defer_indexing(kind: str, ids: Sequence[str]) -> None:
    """The engine did not answer: keep these ids of the CURRENT schema until ``catch_up``."""
    schema = active_schema()
    now = timezone.now()
    PendingIndex.objects.bulk_create(
        [PendingIndex(schema=schema, kind=kind, local_id=str(local_id), queued_at=now) for local_id in ids],
        update_conflicts=True,
        unique_fields=["schema", "kind", "local_id"],
        update_fields=["queued_at"],
    )
    logger.warning("search: engine unavailable, %d %s documents of %s wait for it", len(ids), kind, schema)


def catch_up() -> int:
    """Index what waited out an outage, in its schema; returns how many ids were indexed again.

    Stops at the first ``SearchUnavailable`` (still down: the next run tries again). An id that
    failed again while its batch was being indexed stays for the next run (its ``queued_at``
    moved on), so no change made during the catch-up is dropped."""
    pending = PendingIndex.objects.values_list("schema", "kind").distinct().order_by("schema", "kind")
    caught_up = 0
    for schema, kind in list(pending):
        rows = PendingIndex.objects.filter(schema=schema, kind=kind)
        if kind not in _sources:  # the feature that indexed it is gone: nothing can load these
            logger.error("search: dropping %d pending %s documents of %s: no source", rows.count(), kind, schema)
            rows.delete()
            continue
        for batch in _batches(list(rows.order_by("id").values_list("local_id", flat=True)), TASK_BATCH):
            started = timezone.now()
            try:
                with schema_context(schema):
                    index_documents(kind, batch)
            except SearchUnavailable as error:
                logger.warning("search: still unavailable, catch-up waits (%s)", error)
                return caught_up
            rows.filter(local_id__in=batch, queued_at__lte=started).delete()
            caught_up += len(batch)
    if caught_up:
        logger.warning("search: caught up %d documents indexed while the engine was unavailable", caught_up)
    return caught_up


# ---------------------------------------------------------------- reindex and rebuild


def _plan(schema: str) -> list[tuple[DocumentSource, list[str]]]:
    with schema_context(schema):
        return [(source, [str(local_id) for local_id in source.all_ids()]) for source in registered_sources()]


def _load(schema: str, plan: list[tuple[DocumentSource, list[str]]]) -> Iterator[list[SearchDocument]]:
    for source, ids in plan:
        for batch in _batches(ids, LOAD_BATCH):
            with schema_context(schema):
                documents = _owned(source.load(batch), schema)
            yield documents  # outside the schema context: the backend writes to the public schema


def reindex_schema(schema: str, *, progress: Progress | None = None) -> int:
    """Every source's documents in one schema: upsert them all, then delete the owner's documents
    that were not rewritten (gone since). Search keeps answering throughout."""
    started = timezone.now()
    backend = get_backend()
    plan = _plan(schema)
    total = sum(len(ids) for _source, ids in plan)
    indexed = seen = 0
    if progress is not None:
        progress(0, total)
    for source, ids in plan:
        for batch in _batches(ids, LOAD_BATCH):
            with schema_context(schema):
                documents = _owned(source.load(batch), schema)
            backend.index(documents)
            indexed += len(documents)
            seen += len(batch)
            if progress is not None:
                progress(seen, total)
    backend.delete_owner(schema, indexed_before=started)
    return indexed


# ---------------------------------------------------------------- reconcile


@dataclass
class ReconcileReport:
    schema: str
    checked: int = 0  # indexable rows compared with the index
    reindexed: int = 0  # missing or stale documents written again
    deleted: int = 0  # documents whose row is gone or no longer indexable
    seconds: float = 0.0


def _current_versions(source: DocumentSource) -> dict[str, str | None]:
    """Every indexable id with its version (None: the source keeps no versions)."""
    versions = getattr(source, "versions", None)
    if versions is None:
        return dict.fromkeys((str(local_id) for local_id in source.all_ids()), None)
    return {str(local_id): str(version) for local_id, version in versions()}


def _is_stale(indexed: str | None, current: str | None) -> bool:
    return indexed is None or (current is not None and indexed != current)


def reconcile_schema(schema: str) -> ReconcileReport:
    """Make the index agree with one schema's sources, writing only the difference.

    Indexing after commit is one Celery task per change: a task lost with a broker or worker
    (or dropped after its retries) would leave search wrong for ever. This compares every
    indexable row's version with the version the index holds, reindexes what is missing or
    stale and deletes what no source still returns. Unchanged documents cost one row each in
    two lookups, nothing more, so it can run every few minutes."""
    started = time.perf_counter()
    report = ReconcileReport(schema)
    backend = get_backend()
    indexed = backend.indexed_versions(schema)
    for source in registered_sources():
        with schema_context(schema):
            wanted = _current_versions(source)
        prefix = document_id(source.kind, "", schema)
        report.checked += len(wanted)
        stale = [local_id for local_id, version in wanted.items() if _is_stale(indexed.get(prefix + local_id), version)]
        gone = [doc_id for doc_id in indexed if doc_id.startswith(prefix) and doc_id[len(prefix) :] not in wanted]
        for batch in _batches(stale, LOAD_BATCH):
            with schema_context(schema):
                report.reindexed += index_documents(source.kind, batch)
        backend.delete(gone)
        report.deleted += len(gone)
    report.seconds = time.perf_counter() - started
    if report.reindexed or report.deleted:
        # Worth an operator's attention: something lost index tasks (broker, worker, retries).
        logger.warning(
            "search: reconcile of %s reindexed %d and deleted %d of %d documents",
            schema, report.reindexed, report.deleted, report.checked,
        )  # fmt: skip
    return report


def indexed_schemas() -> list[str]:
    """The group root and every subsidiary that is active or suspended (archived ones are not searched)."""
    tenants = PartyCommittee.objects.subsidiaries().filter(
        status__in=[CommitteeStatus.ACTIVE, CommitteeStatus.SUSPENDED]
    )
    return [PUBLIC_SCHEMA, *tenants.order_by("id").values_list("schema_name", flat=True)]


def rebuild_all(*, progress: Progress | None = None) -> int:
    """Every schema into a fresh index (or generation), switched atomically (zero downtime)."""
    plans = [(schema, _plan(schema)) for schema in indexed_schemas()]
    total = sum(len(ids) for _schema, plan in plans for _source, ids in plan)
    if progress is not None:
        progress(0, total)

    def documents() -> Iterator[SearchDocument]:
        for schema, plan in plans:
            for batch in _load(schema, plan):
                yield from batch

    def loaded(count: int) -> None:
        if progress is not None:
            progress(min(count, total), total)

    return get_backend().rebuild(documents(), progress=loaded)
