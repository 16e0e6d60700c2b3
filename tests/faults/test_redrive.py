"""Work started while Redis was down (issue 14): a member import committed while the broker did
not answer stays ``pending`` (``OutageTolerantTask`` logged that its task was not sent). Once
Redis is back, the re-drive sweep (beat, every 5 minutes) sends it again and a real worker
imports it — exactly once, however often the sweep runs.

The test process and the worker use a Redis of their own (``redis_server``), stopped and started
here; the data is committed (the worker is another process) and removed afterwards by the
``committed`` fixture of test_worker_killed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from kombu import pools as kombu_pools

from partycloud.audit.models import AuditEvent
from partycloud.celery import app as celery_app
from tenants.learning.models import MediaStatus, Resource, ResourceKind
from tenants.learning.tasks import redrive_media
from tenants.members import api as members_api
from tenants.members.models import ImportStatus, Member, MemberImport
from tenants.members.tasks import redrive_imports
from tests.conftest import TenantWorld, api
from tests.faults.conftest import RedisServer
from tests.faults.test_worker_killed import _branch, _sheet, _succeeded, committed  # noqa: F401 (fixture)
from tests.learning_support import eager_tasks
from tests.worker_support import start_worker, wait_until

ROWS = 20


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """This process's Celery producer on ``url`` for the block (its pools built afresh)."""
    previous = celery_app.conf.broker_url

    def reset(to: str) -> None:
        celery_app.pool.force_close_all()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        # kombu keeps producer pools in a process-wide registry keyed by connection: without this,
        # the next producer for the old URL comes back bound to the connection pool closed above
        # ("Acquire on closed pool" in every later test that sends a task).
        kombu_pools.reset()
        celery_app.conf.broker_url = to

    reset(url)
    try:
        yield
    finally:
        reset(previous)


def test_the_sweep_sends_nothing_when_nothing_waits(db: None, tenant_a: TenantWorld) -> None:
    """(First: it makes pytest-django create the test database; the drill below commits through
    ``django_db_blocker`` and requests no ``db``.)"""
    with tenant_a.tenant:
        MemberImport.objects.create(filename="旧.xlsx", content=b"", status=ImportStatus.SUCCEEDED)
        MemberImport.objects.create(filename="刚上传.xlsx", content=b"")  # pending, within the grace period
        assert redrive_imports() == 0


def test_media_still_queued_after_the_grace_period_is_processed_again(db: None, tenant_a: TenantWorld) -> None:
    """Media jobs: the same sweep over ``queued`` resources, in each tenant and in the group's library."""
    long_ago = timezone.now() - timedelta(minutes=30)

    def resource(title: str, status: str, *, stale: bool = True) -> int:
        row = Resource.objects.create(kind=ResourceKind.ARTICLE, title=title, media_status=status)
        if stale:
            Resource.objects.filter(pk=row.pk).update(updated_at=long_ago)  # update() leaves auto_now alone
        return row.pk

    with tenant_a.tenant:
        lost = resource("发送失败的", MediaStatus.QUEUED)
        fresh = resource("刚排队的", MediaStatus.QUEUED, stale=False)
        running = resource("处理中的", MediaStatus.PROCESSING)
        with eager_tasks():
            assert redrive_media() == 1
            assert redrive_media() == 0
        statuses = dict(Resource.objects.values_list("pk", "media_status"))
        assert statuses[lost] == MediaStatus.READY
        assert (statuses[fresh], statuses[running]) == (MediaStatus.QUEUED, MediaStatus.PROCESSING)
    group = resource("集团的", MediaStatus.QUEUED)  # the public schema: the "-group" beat entry
    with eager_tasks():
        assert redrive_media() == 1
    assert Resource.objects.get(pk=group).media_status == MediaStatus.READY


def test_an_import_started_while_redis_was_down_is_re_driven_and_imported_once(
    committed: dict[str, Any],  # noqa: F811
    redis_server: RedisServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    settings: Any,
) -> None:
    world: TenantWorld = committed["world"]
    settings.REDRIVE_GRACE_SECONDS = 60
    monkeypatch.setattr(members_api, "INLINE_IMPORT_BYTES", 0)  # every upload goes to a worker
    queue = celery_app.conf.task_default_queue
    broker = redis.Redis.from_url(redis_server.url)
    with world.tenant:
        _branch("重发测试支部")
        before = Member.objects.count()
    try:
        with broker_at(redis_server.url):
            redis_server.stop()
            with caplog.at_level(logging.ERROR, logger="services.tasks"):
                response = api(world.host, world.admin).post(
                    "/api/v1/member-imports",
                    {"file": SimpleUploadedFile("党员.xlsx", _sheet(ROWS, "重发测试支部"))},
                    format="multipart",
                )
            assert response.status_code == 202, response.json()
            job_id = response.json()["id"]
            assert "broker unavailable, task tenants.members.run_member_import not queued" in caplog.text
            redis_server.start()

            with world.tenant:
                assert MemberImport.objects.get(pk=job_id).status == ImportStatus.PENDING
                # Within the grace period the sweep leaves it (a worker may be about to take it).
                assert redrive_imports() == 0
                MemberImport.objects.filter(pk=job_id).update(created_at=timezone.now() - timedelta(minutes=2))
                assert redrive_imports() == 1
                assert redrive_imports() == 0  # the next beat within the grace period: not sent twice
            assert broker.llen(queue) == 1

            monkeypatch.setenv("REDIS_URL", redis_server.url)
            monkeypatch.setenv("CELERY_BROKER_URL", redis_server.url)
            worker = start_worker(queue, committed["logs"])
            committed["workers"].append(worker)
            with world.tenant:
                wait_until(
                    lambda: MemberImport.objects.get(pk=job_id).status == ImportStatus.SUCCEEDED, 90, "the import"
                )
                assert Member.objects.count() - before == ROWS
                assert AuditEvent.objects.filter(event="members.import", target_id=str(job_id)).count() == 1
                assert redrive_imports() == 0  # done: nothing waits
            assert _succeeded(worker, "run_member_import") == 1
    finally:
        broker.close()
        if redis_server.process is None:
            redis_server.start()
