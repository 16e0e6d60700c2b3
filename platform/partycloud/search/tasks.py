"""Celery entry points of search (the names predate the move from ``services.search``: kept)."""

from __future__ import annotations

import logging

from celery.schedules import crontab

from partycloud.search.indexing import catch_up, defer_indexing, index_documents, reconcile_schema
from partycloud.search.jobs import run_reindex_job
from partycloud.tenancy.context import active_schema
from services.search import SearchUnavailable
from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry

logger = logging.getLogger(__name__)


@tenant_task(
    name="search.index_documents",
    autoretry_for=(Exception,),
    dont_autoretry_for=(LookupError, ValueError),  # an unknown kind or a bad source: retrying won't help
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def index_documents_task(kind: str, ids: list[str]) -> int:
    """In the schema it was sent from: upsert what the source returns for ``ids``, delete the rest.
    The engine down: the ids wait in the backlog (``catch_up``), not in Celery's retries."""
    try:
        return index_documents(kind, ids)
    except SearchUnavailable:
        defer_indexing(kind, ids)
        return 0


@tenant_task(name="search.reindex_tenant")
def reindex_tenant_task(job_id: int) -> int:
    """Reindex one tenant's documents (the job names the tenant)."""
    return run_reindex_job(job_id)


@tenant_task(name="search.rebuild_all")
def rebuild_all_task(job_id: int) -> int:
    """Rebuild the whole index, every schema, with zero downtime."""
    return run_reindex_job(job_id)


@tenant_task(name="search.reconcile")
def reconcile_task() -> dict[str, int]:
    """Repair this schema's part of the index: what lost index tasks left missing, stale or behind."""
    try:
        report = reconcile_schema(active_schema())
    except SearchUnavailable as error:  # the next quarter hour tries again; catch_up covers the writes
        logger.warning("search: reconcile of %s skipped, engine unavailable (%s)", active_schema(), error)
        return {"checked": 0, "reindexed": 0, "deleted": 0}
    return {"checked": report.checked, "reindexed": report.reindexed, "deleted": report.deleted}


@tenant_task(name="search.catch_up")
def catch_up_task() -> int:
    """Public schema, every minute: index what waited out an engine outage (nothing: one query)."""
    return catch_up()


SCHEDULE = {
    # Index repair: reindex what lost index tasks missed (tenants spread over 10 minutes, then the group).
    "search-reconcile": tenant_beat_entry("search.reconcile", crontab(minute="*/15"), window_seconds=600),
    "search-reconcile-group": {"task": "search.reconcile", "schedule": crontab(minute="*/15")},
    # Writes made while the engine was down: indexed within a minute of its return.
    "search-catch-up": {"task": "search.catch_up", "schedule": 60.0, "options": {"expires": 60}},
}
