"""WebSockets in a tenant: who dialled which party committee, and database work in its schema.

- ``TenantAuthMiddleware`` (wrapped around the WebSocket router in ``partycloud.asgi``) puts
  ``scope["tenant"]``: the PartyCommittee whose host was dialled (None: unknown host, the consumer
  closes; suspended and archived tenants get no sockets), and ``scope["user"]``: from the
  ``sessionid`` cookie (browsers: the Origin must be the same host, against cross-site WebSocket
  hijacking) or from ``?token=<JWT access token>`` (native apps); otherwise AnonymousUser.
- Consumers (each in its domain app, routed in ``partycloud.asgi``) run database work through
  ``in_tenant``: inside the scope's schema. They refuse with the close codes below.
- ``ClosesWhenSignedOut`` (mixed into every consumer) ends a socket with 4401 when the sign-in
  that opened it ends: the session idles out (``SESSION_IDLE_TIMEOUT_MINUTES``, ADR 0017) or is
  signed out, or the token expires. Sockets do not keep a session alive: only requests do.

The channel layer itself (group names ``t.<schema>.<kind>.<id>``, sending) is the adapter
``services.realtime``; this module is what it needs from the kernel (tenants and users).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
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

from partycloud.accounts.middleware import idle_deadline
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


@dataclass(frozen=True)
class SignIn:
    """What a socket's user signed in with: a session (its key, and when it idles out unless a
    request renews it) or a token (when it expires). ``scope["sign_in"]``; None when anonymous."""

    session_key: str | None = None
    ends_at: float | None = None  # epoch seconds; None: no idle timeout configured


def _session_sign_in(session_key: str) -> tuple[Any, SignIn | None]:
    """The session's user (AnonymousUser when it is not a live sign-in: unknown, signed out,
    idled out, another password since) and its sign-in."""
    use_public_schema()
    session = SessionStore(session_key=session_key)
    user_id = session.get(SESSION_KEY)
    if user_id is None or session.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser(), None
    ends_at = idle_deadline(session)
    if ends_at is not None and int(time.time()) > ends_at:
        return AnonymousUser(), None  # HTTP would end it on the next request (IdleSessionMiddleware)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not constant_time_compare(session.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()):
        return AnonymousUser(), None
    return user, SignIn(session_key=session_key, ends_at=ends_at)


def _user_from_session(session_key: str) -> Any:
    return _session_sign_in(session_key)[0]


def _token_sign_in(token: str) -> tuple[Any, SignIn | None]:
    use_public_schema()
    auth = JWTAuthentication()
    try:
        validated = auth.get_validated_token(token.encode())
        user = auth.get_user(validated)
    except (InvalidToken, TokenError, Exception):  # noqa: BLE001 - any bad token is anonymous
        return AnonymousUser(), None
    if not user.is_active:
        return AnonymousUser(), None
    return user, SignIn(ends_at=float(validated["exp"]))


def _user_from_token(token: str) -> Any:
    return _token_sign_in(token)[0]


def resolve_sign_in(scope: Scope) -> tuple[PartyCommittee | None, Any, SignIn | None]:
    """The tenant of the dialled host, the user of the session or token (AnonymousUser if none)
    and what they signed in with."""
    host = _header(scope, b"host").split(":")[0].lower()
    tenant = _lookup_tenant(host)
    if tenant is None:
        return None, AnonymousUser(), None
    token = parse_qs(scope.get("query_string", b"").decode()).get("token", [""])[0]
    if token:
        return tenant, *_token_sign_in(token)
    cookies = SimpleCookie(_header(scope, b"cookie"))
    session = cookies.get(settings.SESSION_COOKIE_NAME)
    origin = urlparse(_header(scope, b"origin")).hostname or ""
    if session is not None and origin == host:
        return tenant, *_session_sign_in(session.value)
    return tenant, AnonymousUser(), None


def resolve(scope: Scope) -> tuple[PartyCommittee | None, Any]:
    """The tenant of the dialled host and the user of the session or token (AnonymousUser if none)."""
    tenant, user, _sign_in = resolve_sign_in(scope)
    return tenant, user


class TenantAuthMiddleware:
    """Also counts the open sockets (Prometheus, by kind) and gives the connection a log context
    (a request id, the tenant, the user) for everything its consumer logs."""

    def __init__(self, inner: ASGIApp):
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        tenant, user, sign_in = await database_sync_to_async(resolve_sign_in)(scope)
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
            await self.inner({**scope, "tenant": tenant, "user": user, "sign_in": sign_in}, receive, counting_send)
        finally:
            unbind(token)
            if accepted:
                WEBSOCKET_CONNECTIONS.labels(kind).dec()


def _still_signed_in(sign_in: SignIn, user_id: Any) -> SignIn | None:
    """The sign-in as it stands now (its session re-read: a request may have renewed it), or
    None when it has ended."""
    if sign_in.session_key is None:
        return sign_in if sign_in.ends_at is None or time.time() < sign_in.ends_at else None
    user, now = _session_sign_in(sign_in.session_key)
    return now if now is not None and user.pk == user_id else None


class ClosesWhenSignedOut:
    """Mix into a consumer (before the Channels consumer class): once accepted, the socket is
    closed with 4401 (the clients' "signed out", they stop retrying) when its sign-in ends.

    A token ends at its expiry. A session ends when it idles out (no request for
    ``SESSION_IDLE_TIMEOUT_MINUTES``: the socket re-reads the session at the deadline, and sleeps
    on if a request renewed it) or is signed out elsewhere (seen at the latest after
    ``WEBSOCKET_SIGN_IN_CHECK_SECONDS``: one query for the session, one for the user). A client
    message past a due check is checked first. Sockets never renew a session themselves: a
    notification socket left open in a background tab must not keep the sign-in alive.
    """

    scope: Scope
    _sign_in_watch: asyncio.Task[None] | None = None
    _sign_in_check_at: float = float("inf")

    async def accept(self, subprotocol: str | None = None, headers: Any = None) -> None:
        await super().accept(subprotocol, headers)  # type: ignore[misc]
        sign_in: SignIn | None = self.scope.get("sign_in")
        if sign_in is not None and self._sign_in_watch is None:
            self._plan_sign_in_check(sign_in)
            self._sign_in_watch = asyncio.create_task(self._watch_sign_in())

    def _plan_sign_in_check(self, sign_in: SignIn) -> None:
        check_at = time.time() + settings.WEBSOCKET_SIGN_IN_CHECK_SECONDS
        if sign_in.session_key is None:
            check_at = float("inf")  # a token ends when it says, and nothing ends it earlier
        if sign_in.ends_at is not None:
            check_at = min(check_at, sign_in.ends_at + 1)
        self._sign_in_check_at = check_at

    async def _signed_in(self) -> bool:
        sign_in: SignIn | None = self.scope.get("sign_in")
        if sign_in is None:
            return True
        now = await database_sync_to_async(_still_signed_in)(sign_in, self.scope["user"].pk)
        if now is None:
            return False
        self.scope["sign_in"] = now
        self._plan_sign_in_check(now)
        return True

    async def _watch_sign_in(self) -> None:
        while True:
            await asyncio.sleep(max(0.0, min(self._sign_in_check_at - time.time(), 24 * 3600.0)))
            if time.time() >= self._sign_in_check_at and not await self._signed_in():
                await self._signed_out()
                return

    async def _signed_out(self) -> None:
        await self.close(code=CLOSE_UNAUTHENTICATED)  # type: ignore[attr-defined]

    async def websocket_receive(self, message: dict[str, Any]) -> None:
        if time.time() >= self._sign_in_check_at and not await self._signed_in():
            await self._signed_out()
            return
        await super().websocket_receive(message)  # type: ignore[misc]

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        watch, self._sign_in_watch = self._sign_in_watch, None
        if watch is not None and watch is not asyncio.current_task():
            watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watch
        await super().websocket_disconnect(message)  # type: ignore[misc]
