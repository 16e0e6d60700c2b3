"""Who is acting: the ``Actor`` every service takes instead of a user and a request.

A view builds it once per request (``Actor.of(request)``); a task or a command builds one for a
user (``Actor.for_user``) or acts as the system (``Actor.system()``). Services read the user, the
tenant, the roles held there and the request metadata the audit log records from it, so no
service needs DRF's request, ``request._request`` or an untyped ``actor``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.http import HttpRequest

from partycloud.accounts.models import GroupRole, User
from partycloud.accounts.roles import tenant_roles_of

if TYPE_CHECKING:
    from rest_framework.request import Request


def _http_request(request: HttpRequest | Request) -> HttpRequest:
    # DRF wraps Django's request; the audit needs the original's META.
    return getattr(request, "_request", request)


@dataclass(frozen=True)
class Actor:
    """A user (or the system, ``user`` None) acting in the schema that is active now."""

    user: User | None
    schema_name: str = "public"
    tenant_id: int | None = None
    ip_address: str | None = None
    user_agent: str = ""
    # Handed to the audit log (it reads META) and to Django's authenticate(); never used for anything else.
    http_request: HttpRequest | None = field(default=None, repr=False, compare=False)

    # ------------------------------------------------------------------ builders

    @classmethod
    def of(cls, request: HttpRequest | Request) -> Actor:
        """The actor of a request: built once and kept on the request."""
        http = _http_request(request)
        cached = getattr(http, "_partycloud_actor", None)
        if isinstance(cached, Actor):
            return cached
        user = getattr(request, "user", None)
        actor = cls(
            user=user if isinstance(user, User) and user.is_authenticated else None,
            schema_name=getattr(connection, "schema_name", "public"),
            tenant_id=_current_tenant_id(),
            # REMOTE_ADDR is set by uvicorn from X-Forwarded-For only for trusted proxies.
            ip_address=http.META.get("REMOTE_ADDR") or None,
            user_agent=str(http.META.get("HTTP_USER_AGENT", ""))[:300],
            http_request=http,
        )
        http._partycloud_actor = actor  # type: ignore[attr-defined]
        return actor

    @classmethod
    def for_user(cls, user: User | None) -> Actor:
        """A user acting outside a request (a task, a command, a test)."""
        return cls(
            user=user if user is not None and user.is_authenticated else None,
            schema_name=getattr(connection, "schema_name", "public"),
            tenant_id=_current_tenant_id(),
        )

    @classmethod
    def system(cls) -> Actor:
        """Nobody: a scheduled job or a cascade the platform runs itself."""
        return cls.for_user(None)

    def as_user(self, user: User) -> Actor:
        """The same caller (address, tenant) acting as ``user``: who just signed in or registered."""
        return replace(self, user=user)

    # ------------------------------------------------------------------ who

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def pk(self) -> int | None:
        return self.user.pk if self.user is not None else None

    @property
    def name(self) -> str:
        return self.user.name if self.user is not None else ""

    @cached_property
    def roles(self) -> frozenset[str]:
        """The tenant roles held in this actor's tenant (none at the group root or for the system)."""
        if self.user is None or self.schema_name == "public":
            return frozenset()
        return tenant_roles_of(self.user)

    @cached_property
    def group_roles(self) -> frozenset[str]:
        if self.user is None:
            return frozenset()
        return frozenset(GroupRole.objects.filter(user_id=self.user.pk).values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def __str__(self) -> str:
        return self.name or "system"


def _current_tenant_id() -> int | None:
    tenant: Any = getattr(connection, "tenant", None)
    if tenant is None or getattr(tenant, "schema_name", "public") == "public":
        return None
    return int(tenant.pk) if tenant.pk is not None else None
