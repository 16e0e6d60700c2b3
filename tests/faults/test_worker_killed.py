"""A Celery worker killed (SIGKILL) in the middle of a task: with ``acks_late`` the message stays
unacked, comes back after the visibility timeout, and a new worker finishes the task — exactly
once: the rows, ledger entries, rollups and media files are what one run gives.

Each test starts a real worker (tests/worker_support.py) whose task stops at a pause point
(services.tasks.pause) in the middle of its work, kills the worker's process group, starts a
new worker and waits for the outcome. The data is committed (the worker is another process) and
removed afterwards.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.models import Model

from partycloud.accounts.models import User
from partycloud.audit.models import AuditEvent
from partycloud.rollups.models import PendingTenant, RollupOrganization, RollupState, RollupSummary, RollupValue
from partycloud.rollups.recompute import drift
from partycloud.rollups.tasks import drain
from partycloud.tenancy.context import use_public_schema
from partycloud.uploads.services import object_key
from services.storage import DataClass, get_storage
from services.tasks.pause import pause_point
from tenants.dues.models import ArrearsNotice, DuesAssessment, DuesBase
from tenants.dues.tasks import assess_month
from tenants.learning.models import MediaStatus, Resource, ResourceKind
from tenants.learning.tasks import process_resource_media
from tenants.members.models import ImportStatus, Member, MemberChange, MemberImport, MemberTenure
from tenants.members.tasks import run_member_import
from tenants.notifications.kinds import NotificationKind
from tenants.notifications.models import Notification
from tenants.organizations.models import Organization, OrganizationEvent
from tenants.organizations.services import do_create_organization
from tenants.outbox.models import OutboxEvent
from tests.conftest import TenantWorld
from tests.factories import UserFactory
from tests.test_member_import import row, xlsx
from tests.worker_support import Worker, new_queue, start_worker, wait_until

# Rows of these models committed by a test are deleted afterwards (children first).
TENANT_MODELS: list[type[Model]] = [
    ArrearsNotice, Notification, DuesAssessment, DuesBase, MemberChange, MemberTenure, Member, MemberImport,
    Resource, OrganizationEvent, Organization, AuditEvent, OutboxEvent,
]  # fmt: skip


@pytest.fixture
def committed(platform_world: dict[str, Any], django_db_blocker: Any, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Database access outside a test transaction, and the clean-up of what the test committed
    in tenant ``alpha`` (rows newer than the marks taken here), of the workers it started and of
    the rollups of that tenant."""
    world: TenantWorld = platform_world["a"]
    workers: list[Worker] = []
    with django_db_blocker.unblock():
        with world.tenant:
            marks = {model: _last_id(model) for model in TENANT_MODELS}
        use_public_schema()
        user_mark = _last_id(User)
        yield {"world": world, "workers": workers, "logs": tmp_path}
        for worker in workers:
            if worker.running():
                worker.stop()
        with world.tenant:
            for model in TENANT_MODELS:
                newer = model.objects.filter(pk__gt=marks[model])  # type: ignore[attr-defined]
                if model is Organization:  # one by one, newest first: children go before their parent
                    for organization in newer.order_by("-pk"):
                        organization.delete()
                else:
                    newer.delete()
            # What the clean-up itself wrote to the outbox.
            OutboxEvent.objects.filter(pk__gt=marks[OutboxEvent]).delete()
        use_public_schema()
        for model in (RollupValue, RollupSummary, RollupOrganization, RollupState):
            model.objects.filter(tenant=world.tenant).delete()  # type: ignore[attr-defined]
        PendingTenant.objects.filter(schema_name=world.tenant.schema_name).delete()
        # Not through the ORM's cascade: it would look for the users' rows in tenant tables the
        # public schema lacks (those rows went with the tenant's clean-up above).
        users = User.objects.filter(pk__gt=user_mark)
        users._raw_delete(users.db)  # type: ignore[attr-defined]


def _last_id(model: type[Model]) -> int:
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0  # type: ignore[attr-defined]


def _succeeded(worker: Worker, task: str) -> int:
    return sum(f"{task}[" in line and " succeeded " in line for line in worker.tail(10**6).splitlines())


def _branch(name: str) -> Organization:
    return do_create_organization(
        kind="branch", name=name, parent=do_create_organization(kind="committee", name="测试党委")
    )


def kill_in_the_middle(context: dict[str, Any], pause_at: str, send: Any, *, while_paused: Any = None) -> Worker:
    """Start a worker that pauses at ``pause_at``, ``send(queue)`` the task, kill the worker once
    the task stands there (``while_paused()`` first), and start a worker that finishes it."""
    queue = new_queue()
    first = start_worker(queue, context["logs"], pause_at=pause_at)
    context["workers"].append(first)
    send(queue)
    first.wait_paused()
    if while_paused is not None:
        while_paused()
    first.kill()
    second = start_worker(queue, context["logs"])
    context["workers"].append(second)
    return second


def test_pause_points_do_nothing_unless_named(db, settings):
    """(Also makes pytest-django create the test database when this file runs alone: the other
    tests commit through ``django_db_blocker`` and request no ``db``.)"""
    settings.TASK_PAUSE_AT = "somewhere.else"
    pause_point("members.import.created")
    settings.TASK_PAUSE_AT = ""
    pause_point("members.import.created")


# ---------------------------------------------------------------- member import


def _sheet(rows: int, branch: str) -> bytes:
    numbered = [
        row(姓名=f"导入{index}", 手机号=f"139{index:08d}", 员工卡号=f"K{index}", 所在党组织=branch)
        for index in range(rows)
    ]
    return bytes(xlsx(numbered).read())


def test_an_import_killed_after_inserting_its_members_imports_them_once(committed):
    world: TenantWorld = committed["world"]
    rows = 100
    with world.tenant:
        _branch("导入测试支部")
        before = Member.objects.count()
        job = MemberImport.objects.create(
            filename="党员.xlsx", content=_sheet(rows, "导入测试支部"), created_by_id=world.admin.pk
        )

    def send(queue: str) -> None:
        with world.tenant:
            run_member_import.apply_async((job.pk, world.admin.pk), queue=queue)

    def nothing_visible_yet() -> None:
        # The members are inserted but not committed: nobody sees half an import.
        with world.tenant:
            assert Member.objects.count() == before

    kill_in_the_middle(committed, "members.import.created", send, while_paused=nothing_visible_yet)
    with world.tenant:
        assert Member.objects.count() - before in (0, rows)  # rolled back (or already redone): never half
        wait_until(lambda: MemberImport.objects.get(pk=job.pk).status == ImportStatus.SUCCEEDED, 90, "the import")
        job.refresh_from_db()
        assert (job.imported_rows, job.error_count) == (rows, 0)
        assert Member.objects.count() - before == rows
        assert MemberChange.objects.filter(member__name__startswith="导入", kind="created").count() == rows
        assert AuditEvent.objects.filter(event="members.import", target_id=str(job.pk)).count() == 1


def test_an_import_redelivered_after_it_finished_changes_nothing(committed):
    """The worker died after the commit but before the ack: the next delivery finds the job done."""
    world: TenantWorld = committed["world"]
    with world.tenant:
        _branch("导入测试支部")
        job = MemberImport.objects.create(filename="党员.xlsx", content=_sheet(5, "导入测试支部"))
    queue = new_queue()
    worker = start_worker(queue, committed["logs"])
    committed["workers"].append(worker)
    # Results may be off (CELERY_TASK_IGNORE_RESULT): the worker's log tells when both ran.
    with world.tenant:
        run_member_import.apply_async((job.pk,), queue=queue)
        run_member_import.apply_async((job.pk,), queue=queue)
        wait_until(lambda: _succeeded(worker, "run_member_import") == 2, 60, "both deliveries")
        assert Member.objects.filter(name__startswith="导入").count() == 5
        assert AuditEvent.objects.filter(event="members.import", target_id=str(job.pk)).count() == 1


# ---------------------------------------------------------------- dues month close


def test_a_month_close_killed_between_a_notice_and_its_notification_notifies_each_member_once(committed):
    world: TenantWorld = committed["world"]
    unpaid, month = date(2031, 3, 1), date(2031, 4, 1)
    count = 6
    with world.tenant:
        branch = _branch("党费测试支部")
        members = []
        for index in range(count):
            member = Member.objects.create(
                user=UserFactory(), organization=branch, name=f"党费{index}", gender="male", birth_date="1985-06-12",
                id_card_encrypted="x", id_card_index=f"dues-kill-{index}", id_card_masked="x",
                joined_on="2010-07-01", membership="full", dues_category="employee",
            )  # fmt: skip
            DuesBase.objects.create(member=member, amount=Decimal("8000.00"), effective_from=date(2030, 1, 1))
            members.append(member)
        assess_month.run(unpaid.isoformat())  # March assessed, nobody paid: April's close reminds everybody
        users = [m.user_id for m in members]
        assert ArrearsNotice.objects.filter(month=unpaid).count() == 0

    def send(queue: str) -> None:
        with world.tenant:
            assess_month.apply_async((month.isoformat(),), queue=queue)

    kill_in_the_middle(committed, "dues.arrears.noticed", send)
    with world.tenant:
        wait_until(lambda: ArrearsNotice.objects.filter(month=unpaid).count() == count, 90, "the arrears notices")
        wait_until(
            lambda: (
                Notification.objects.filter(user_id__in=users, kind=NotificationKind.DUES_REMINDER).count() >= count
            ),
            30,
            "notices",
        )
        assert DuesAssessment.objects.filter(month=month, member__in=members).count() == count
        assert ArrearsNotice.objects.filter(month=unpaid, level="reminder").count() == count
        per_user = sorted(Notification.objects.filter(user_id__in=users).values_list("user_id", flat=True))
        assert per_user == sorted(users)  # one notification each, none lost, none twice


# ---------------------------------------------------------------- outbox relay → rollups


def test_a_relay_killed_mid_batch_applies_every_outbox_row_once(committed):
    world: TenantWorld = committed["world"]
    with world.tenant:
        branch = _branch("汇总测试支部")
        for index in range(20):
            Member.objects.create(
                organization=branch, name=f"汇总{index}", gender="female", birth_date="1990-01-01",
                id_card_encrypted="x", id_card_index=f"relay-kill-{index}", id_card_masked="x",
                joined_on="2015-07-01", membership="full", dues_category="employee",
            )  # fmt: skip
        events = OutboxEvent.objects.count()
        assert events > 0
    use_public_schema()
    assert PendingTenant.objects.filter(schema_name=world.tenant.schema_name).exists()
    applied_before = RollupState.objects.filter(tenant=world.tenant).values_list("events_applied", flat=True).first()

    def send(queue: str) -> None:
        use_public_schema()
        drain.apply_async(queue=queue)  # as beat sends it: from the public schema

    kill_in_the_middle(committed, "rollups.relay.applied", send)

    def relayed() -> bool:
        with world.tenant:
            return not OutboxEvent.objects.exists()

    wait_until(relayed, 90, "the outbox drained")
    use_public_schema()
    wait_until(lambda: not PendingTenant.objects.filter(schema_name=world.tenant.schema_name).exists(), 30, "unflag")
    state = RollupState.objects.get(tenant=world.tenant)
    assert state.events_applied - (applied_before or 0) == events
    with world.tenant:
        assert drift(world.tenant, state.stock_period) == []
        assert connection.schema_name == world.tenant.schema_name


# ---------------------------------------------------------------- media transcode


def _video(tmp: Path) -> Path:
    path = tmp / "lesson.mp4"
    subprocess.run(
        [
            "ffmpeg", "-nostdin", "-y", "-hide_banner", "-loglevel", "error",
            "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=4",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=4",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


def _keys_under(prefix: str) -> list[str]:
    root = Path(get_storage()._bucket_dir(DataClass.MEDIA))  # type: ignore[attr-defined]
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and path.relative_to(root).as_posix().startswith(prefix)
    )


def test_a_transcode_killed_while_uploading_its_ladder_leaves_one_ladder(committed):
    world: TenantWorld = committed["world"]
    with world.tenant:
        source_key = object_key("video", name="lesson.mp4")
        get_storage().put(DataClass.MEDIA, source_key, _video(committed["logs"]), content_type="video/mp4")
        resource = Resource.objects.create(
            kind=ResourceKind.VIDEO, title="中断的转码", file_key=source_key, file_name="lesson.mp4",
            file_type="video/mp4", media_status=MediaStatus.QUEUED,
        )  # fmt: skip
    videos = f"t/{world.tenant.schema_name}/video/"
    before = set(_keys_under(videos))

    def send(queue: str) -> None:
        with world.tenant:
            process_resource_media.apply_async((resource.pk,), queue=queue)

    kill_in_the_middle(committed, "learning.media.uploading", send)
    with world.tenant:
        wait_until(lambda: Resource.objects.get(pk=resource.pk).media_status == MediaStatus.READY, 120, "the transcode")
        resource.refresh_from_db()
    ladder = _keys_under(f"{resource.hls_prefix}/")
    written = set(_keys_under(videos)) - before
    # Everything written lies under the one prefix the resource points to: no half ladder beside it.
    assert written == set(ladder)
    assert f"{resource.hls_prefix}/master.m3u8" in ladder
    for rendition in resource.renditions:
        playlist = f"{resource.hls_prefix}/{rendition}/index.m3u8"
        assert playlist in ladder
        segments = [line for line in get_storage().read_range(DataClass.MEDIA, playlist).decode().splitlines()
                    if line and not line.startswith("#")]  # fmt: skip
        assert sorted(f"{resource.hls_prefix}/{rendition}/{name}" for name in segments) == sorted(
            key for key in ladder if key.startswith(f"{resource.hls_prefix}/{rendition}/") and key.endswith(".ts")
        )
    for key in [*ladder, source_key]:
        get_storage().delete(DataClass.MEDIA, key)
