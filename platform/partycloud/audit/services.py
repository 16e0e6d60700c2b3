"""Recording audit events. Call ``do_record_audit`` from services, inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Model
from django.http import HttpRequest

from partycloud.audit.models import AuditAction, AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # REMOTE_ADDR is set by uvicorn from X-Forwarded-For only for trusted proxies (--forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR") or None


def current_tenant_id() -> int | None:
    """The tenant whose schema is active, or None at the group root."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or getattr(tenant, "schema_name", "public") == "public":
        return None
    return int(tenant.pk) if tenant.pk is not None else None


def do_record_audit(
    *,
    action: AuditAction,
    actor: Any = None,
    target: Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    summary: str = "",
    request: HttpRequest | None = None,
    tenant_id: int | None = None,
) -> AuditEvent:
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        tenant_id=tenant_id if tenant_id is not None else current_tenant_id(),
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        summary=summary[:500],
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:300],
    )
