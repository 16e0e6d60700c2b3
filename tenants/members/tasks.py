from __future__ import annotations

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from services.tasks import tenant_task
from tenants.members.imports import run_import
from tenants.members.models import MemberImport


@tenant_task(name="tenants.members.run_member_import")
def run_member_import(import_id: int, actor_id: int | None = None) -> str:
    """Large uploads run here, in the tenant's schema; the UI polls the job for progress."""
    job = MemberImport.objects.get(pk=import_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return str(run_import(job, actor=Actor.for_user(actor)).status)
