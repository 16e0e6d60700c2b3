"""What the current line of work is about: a request (id, tenant, user) or a Celery task.

One contextvar holds it. Under ASGI, Django runs sync views in a thread with a copy of the
context, WebSocket consumers run in the connection's task, Celery runs one task at a time per
process: each sees its own. Readers (the log filter, Sentry) never query the database: the
tenant is the schema django-tenants put on the request, the user only when authentication has
already resolved it.
"""

from __future__ import annotations

import os
import re
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any

from django.utils.functional import SimpleLazyObject, empty

# A client's X-Request-ID is kept when it looks like an id (no log injection, bounded length).
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


@dataclass
class WorkContext:
    request_id: str = ""
    tenant: str = ""
    task_id: str = ""
    task_name: str = ""
    request: Any = None  # the HttpRequest, read lazily (tenant and user are set after routing)
    user_id: str = ""

    def current_tenant(self) -> str:
        if self.request is not None:
            tenant = getattr(self.request, "tenant", None)
            if tenant is not None:
                return str(tenant.schema_name)
        return self.tenant

    def current_user(self) -> str:
        if self.request is not None:
            return user_of(self.request)
        return self.user_id


_current: ContextVar[WorkContext | None] = ContextVar("partycloud_work", default=None)


def current() -> WorkContext | None:
    return _current.get()


def bind(work: WorkContext) -> Token[WorkContext | None]:
    return _current.set(work)


def unbind(token: Token[WorkContext | None]) -> None:
    _current.reset(token)


def request_id_from(header: str | None) -> str:
    """The client's id when it is a sane one, else a new one (32 hex digits)."""
    if header and _REQUEST_ID.match(header):
        return header
    return os.urandom(16).hex()


def user_of(request: Any) -> str:
    """The user's id if authentication has resolved it already; "" for anonymous or not yet known.

    Never evaluates Django's lazy ``request.user`` (that would read the session in a log call).
    DRF puts the authenticated user on the request when it authenticates (JWT included).
    """
    user = request.__dict__.get("user")
    if user is None:
        return ""
    if isinstance(user, SimpleLazyObject):
        wrapped = user._wrapped
        if wrapped is empty:
            return ""
        user = wrapped
    if not getattr(user, "is_authenticated", False):
        return ""
    return str(user.pk)
