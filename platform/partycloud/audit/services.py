"""Recording audit events. Call ``do_record_audit`` from services, inside their transaction.

Each entry names an event code of ``partycloud.audit.events`` with structured ``details``
and the object's human label; who did it (name and role) is frozen at write time, and the
client's address is taken from the ``Actor`` (or the request being served, when the actor was
built outside a request): an entry without an address is a system task.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from partycloud.audit.events import EVENTS, role_at_write_time
from partycloud.audit.models import AuditAction, AuditEvent

_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


class AuditRequestMiddleware:
    """Remembers the request being served, so an entry written by a service that was not
    handed the request (a deletion deep in a cascade) still records where it came from."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


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


def label_of(target: Model | None) -> str:
    """A human label for an object: its name or title (a member's name, an organization's name)."""
    if target is None:
        return ""
    for attribute in ("name", "title", "number"):
        value = getattr(target, attribute, None)
        if isinstance(value, str) and value:
            return value
    return ""


def do_record_audit(
    *,
    action: AuditAction | None = None,
    event: str = "",
    details: dict[str, Any] | None = None,
    actor: Actor | AbstractBaseUser | AnonymousUser | None = None,
    target: Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    target_label: str = "",
    summary: str = "",
    request: HttpRequest | None = None,
    tenant_id: int | None = None,
) -> AuditEvent:
    """Record one entry. ``event`` (a catalog code) gives the action; ``summary`` is only a
    free-text note now, the human sentence is rendered from the code and ``details``.

    ``actor`` is an ``Actor``: the entry takes its user, address and user agent from it.
    Deprecated (issue 12), kept while services are converted: ``actor=<a user>`` with
    ``request=<the HttpRequest>`` (or no request: the one being served). Drop it once no
    caller passes ``request``.
    """
    if event:
        if event not in EVENTS:
            raise ValueError(f"unknown audit event {event!r}: add it to partycloud.audit.events")
        action = action or EVENTS[event].action
    if action is None:
        raise ValueError("an audit entry needs an event code or an action")
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_label = target_label or label_of(target)
    if isinstance(actor, Actor):
        user = actor.user
        if actor.ip_address or actor.http_request is not None:
            ip_address, user_agent = actor.ip_address, actor.user_agent
        else:
            # Built outside a request (``Actor.for_user`` deep in a call chain): the request
            # being served, if any, still says where the action came from.
            ip_address, user_agent = _client_of(request if request is not None else _current_request.get())
    else:  # the deprecated form: a user (or an anonymous one) and maybe the request
        user = actor if isinstance(actor, User) and actor.is_authenticated else None
        ip_address, user_agent = _client_of(request if request is not None else _current_request.get())
    return AuditEvent.objects.create(
        tenant_id=tenant_id if tenant_id is not None else current_tenant_id(),
        actor=user,
        actor_name=(user.name if user is not None else "")[:50],
        actor_role=role_at_write_time(actor if isinstance(actor, Actor) else user),
        action=action,
        event=event,
        details=details or {},
        target_type=target_type,
        target_id=str(target_id),
        target_label=str(target_label)[:200],
        summary=summary[:500],
        ip_address=ip_address,
        user_agent=user_agent[:300],
    )


def _client_of(request: HttpRequest | None) -> tuple[str | None, str]:
    """The client's address and user agent from a request (none for a system task)."""
    if request is None:
        return None, ""
    return client_ip(request), str(request.META.get("HTTP_USER_AGENT", ""))[:300]
