"""WebSockets in a tenant: who dialled which party committee, and database work in its schema.

- ``TenantAuthMiddleware`` (wrapped around the WebSocket router in ``partycloud.asgi``) puts
  ``scope["tenant"]``: the PartyCommittee whose host was dialled (None: unknown host, the consumer
  closes; suspended and archived tenants get no sockets), and ``scope["user"]``: from the
  ``sessionid`` cookie (browsers: the Origin must be the same host, against cross-site WebSocket
  hijacking) or from ``?token=<JWT access token>`` (native apps); otherwise AnonymousUser.
- Consumers (each in its domain app, routed in ``partycloud.asgi``) run database work through
  ``in_tenant``: inside the scope's schema. They refuse with the close codes below.

The channel layer itself (group names ``t.<schema>.<kind>.<id>``, sending) is the adapter
``services.realtime``; this module is what it needs from the kernel (tenants and users).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlparse

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.utils.crypto import constant_time_compare
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from partycloud.accounts.models import User
from partycloud.observability.context import WorkContext, bind, request_id_from, unbind
from partycloud.observability.metrics import WEBSOCKET_ACCEPTED, WEBSOCKET_CONNECTIONS, websocket_kind
from partycloud.tenancy.context import use_public_schema, use_tenant
from partycloud.tenancy.models import CommitteeKind, CommitteeStatus, Domain, PartyCommittee

T = TypeVar("T")
Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]

# Close codes (4000-4999 are for applications). Refusals accept first and then close with one of
# these, so that clients can tell "sign in again" from "no such party committee" from a network error.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_UNKNOWN_TENANT = 4404


async def in_tenant(tenant: PartyCommittee, function: Callable[[], T]) -> T:
    """Run ``function`` in a worker thread with the tenant's schema active, then reset it."""

    def run() -> T:
        use_tenant(tenant)
        try:
            return function()
        finally:
            use_public_schema()

    return await database_sync_to_async(run)()


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def _lookup_tenant(host: str) -> PartyCommittee | None:
    use_public_schema()
    domain = Domain.objects.select_related("tenant").filter(domain=host).first()
    if domain is None:
        return None
    tenant = domain.tenant
    if tenant.kind == CommitteeKind.TEMPLATE or tenant.status != CommitteeStatus.ACTIVE:
        return None
    return tenant


def _user_from_session(session_key: str) -> Any:
    use_public_schema()
    session = SessionStore(session_key=session_key)
    user_id = session.get(SESSION_KEY)
    if user_id is None or session.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not constant_time_compare(session.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()):
        return AnonymousUser()
    return user


def _user_from_token(token: str) -> Any:
    use_public_schema()
    auth = JWTAuthentication()
    try:
        user = auth.get_user(auth.get_validated_token(token.encode()))
    except (InvalidToken, TokenError, Exception):  # noqa: BLE001 - any bad token is anonymous
        return AnonymousUser()
    return user if user.is_active else AnonymousUser()


def resolve(scope: Scope) -> tuple[PartyCommittee | None, Any]:
    """The tenant of the dialled host and the user of the session or token (AnonymousUser if none)."""
    host = _header(scope, b"host").split(":")[0].lower()
    tenant = _lookup_tenant(host)
    if tenant is None:
        return None, AnonymousUser()
    token = parse_qs(scope.get("query_string", b"").decode()).get("token", [""])[0]
    if token:
        return tenant, _user_from_token(token)
    cookies = SimpleCookie(_header(scope, b"cookie"))
    session = cookies.get(settings.SESSION_COOKIE_NAME)
    origin = urlparse(_header(scope, b"origin")).hostname or ""
    if session is not None and origin == host:
        return tenant, _user_from_session(session.value)
    return tenant, AnonymousUser()


class TenantAuthMiddleware:
    """Also counts the open sockets (Prometheus, by kind) and gives the connection a log context
    (a request id, the tenant, the user) for everything its consumer logs."""

    def __init__(self, inner: ASGIApp):
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        tenant, user = await database_sync_to_async(resolve)(scope)
        work = WorkContext(
            request_id=request_id_from(_header(scope, b"x-request-id")),
            tenant=tenant.schema_name if tenant is not None else "",
            user_id=str(user.pk) if user.is_authenticated else "",
        )
        kind = websocket_kind(scope.get("path", ""))
        accepted = False

        async def counting_send(message: dict[str, Any]) -> None:
            nonlocal accepted
            if message["type"] == "websocket.accept" and not accepted:
                accepted = True
                WEBSOCKET_ACCEPTED.labels(kind).inc()
                WEBSOCKET_CONNECTIONS.labels(kind).inc()
            await send(message)

        token = bind(work)
        try:
            await self.inner({**scope, "tenant": tenant, "user": user}, receive, counting_send)
        finally:
            unbind(token)
            if accepted:
                WEBSOCKET_CONNECTIONS.labels(kind).dec()
