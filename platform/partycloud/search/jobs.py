"""Reindex jobs, for platform operators (the group admin on the root host): rebuild everything,
or reindex one tenant. Party workers never need one: the index repairs itself (reconcile).

The job row (public schema) carries the progress the console polls; the work runs in Celery.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from partycloud.accounts.actor import Actor
from partycloud.core.errors import Conflict, NotAllowed, ServiceError
from partycloud.search.errors import SearchCode
from partycloud.search.indexing import indexed_schemas, rebuild_all, reindex_schema
from partycloud.search.models import ReindexJob, ReindexScope, ReindexStatus
from partycloud.tenancy.context import active_schema
from services.search.documents import PUBLIC_SCHEMA

# A job that has not moved for this long lost its worker: it no longer blocks a new one.
STALE_AFTER = timedelta(hours=1)
ACTIVE = (ReindexStatus.QUEUED, ReindexStatus.RUNNING)


def check_no_reindex_running(owner_tenant: str) -> None:
    running = ReindexJob.objects.filter(
        owner_tenant=owner_tenant, status__in=ACTIVE, updated_at__gte=timezone.now() - STALE_AFTER
    )
    if running.exists():
        raise Conflict(
            SearchCode.REINDEX_RUNNING,
            _("A reindex is already under way: follow its progress, or wait until it finishes."),
        )


def check_can_request_reindex(tenant: str | None) -> str:
    """Rebuilds are the platform operators' business (the group admin on the root host): the
    index repairs itself every quarter hour (``reconcile_schema``), so a party worker never needs
    one. Returns the schema to reindex (``public``: everything)."""
    if active_schema() != PUBLIC_SCHEMA:
        raise NotAllowed(
            SearchCode.OPERATORS_ONLY,
            _("Search data is kept up to date automatically; only platform operators rebuild it."),
        )
    if tenant is None:
        return PUBLIC_SCHEMA
    if tenant == PUBLIC_SCHEMA or tenant not in indexed_schemas():
        raise ServiceError(SearchCode.UNKNOWN_TENANT, _("No searchable tenant has this schema name."), "tenant")
    return tenant


def do_request_reindex(*, actor: Actor, tenant: str | None = None) -> ReindexJob:
    """Queue a full rebuild, or (``tenant``: a schema name) a reindex of one tenant's documents."""
    schema = check_can_request_reindex(tenant)
    check_no_reindex_running(schema)
    scope = ReindexScope.ALL if schema == PUBLIC_SCHEMA else ReindexScope.TENANT
    job = ReindexJob.objects.create(scope=scope, owner_tenant=schema, requested_by=actor.user)

    def send() -> None:
        # Imported when sending: the tasks module imports this one (its tasks run run_reindex_job).
        from partycloud.search.tasks import rebuild_all_task, reindex_tenant_task

        task = rebuild_all_task if scope == ReindexScope.ALL else reindex_tenant_task
        with schema_context(schema):
            task.delay(job.pk)

    transaction.on_commit(send)
    return job


def run_reindex_job(job_id: int) -> int:
    """Run a queued job, recording progress as it goes; returns the number of documents indexed."""
    job = ReindexJob.objects.get(pk=job_id)
    ReindexJob.objects.filter(pk=job.pk).update(
        status=ReindexStatus.RUNNING, started_at=timezone.now(), updated_at=timezone.now()
    )

    def progress(done: int, total: int) -> None:
        ReindexJob.objects.filter(pk=job.pk).update(done=done, total=total, updated_at=timezone.now())

    try:
        if job.scope == ReindexScope.ALL:
            count = rebuild_all(progress=progress)
        else:
            count = reindex_schema(job.owner_tenant, progress=progress)
    except Exception as error:
        ReindexJob.objects.filter(pk=job.pk).update(
            status=ReindexStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now(), updated_at=timezone.now()
        )
        raise
    job.refresh_from_db()
    ReindexJob.objects.filter(pk=job.pk).update(
        status=ReindexStatus.DONE, done=job.total, finished_at=timezone.now(), updated_at=timezone.now()
    )
    return count
