from __future__ import annotations

from datetime import timedelta

from celery.schedules import crontab
from django.utils import timezone

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry
from services.tasks.redrive import grace_seconds, redrive
from tenants.members.imports import run_import
from tenants.members.models import ImportStatus, MemberImport


@tenant_task(name="tenants.members.run_member_import")
def run_member_import(import_id: int, actor_id: int | None = None) -> str:
    """Large uploads run here, in the tenant's schema; the UI polls the job for progress."""
    job = MemberImport.objects.get(pk=import_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return str(run_import(job, actor=Actor.for_user(actor)).status)


@tenant_task(name="tenants.members.redrive_imports")
def redrive_imports() -> int:
    """Per tenant, every 5 minutes: imports still ``pending`` after the grace period were never
    taken by a worker (their task was not sent: the broker was down). Send them again."""
    since = timezone.now() - timedelta(seconds=grace_seconds())
    stalled = MemberImport.objects.filter(status=ImportStatus.PENDING, created_at__lt=since)
    return redrive(run_member_import, stalled.values_list("pk", "created_by_id"), what="member imports")


SCHEDULE = {
    "member-imports-redrive": tenant_beat_entry(
        "tenants.members.redrive_imports", crontab(minute="*/5"), window_seconds=120
    ),
}
