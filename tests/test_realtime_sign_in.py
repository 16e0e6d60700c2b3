"""WebSockets end with their sign-in (issue 14, ADR 0017): a session's socket closes with 4401
when the session idles out or is signed out, a token's socket when the token expires; a session
that idled out opens none. Against a real uvicorn (a server of this module's own that re-reads
sign-ins every second) and the committed users of the session fixtures."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from rest_framework_simplejwt.tokens import AccessToken
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from partycloud.accounts.middleware import LAST_SEEN_KEY
from partycloud.tenancy.realtime import CLOSE_UNAUTHENTICATED, ClosesWhenSignedOut
from tenants.live.consumers import LiveChatConsumer
from tenants.notifications.consumers import NotificationConsumer
from tests.conftest import TenantWorld
from tests.factories import PASSWORD
from tests.live import LiveServer, start_server, stop_server

pytestmark = pytest.mark.live

IDLE_SECONDS = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60


@pytest.fixture(scope="module")
def server(platform_world: dict[str, Any]) -> Iterator[LiveServer]:
    process, port = start_server(extra_env={"WEBSOCKET_SIGN_IN_CHECK_SECONDS": "1"})
    try:
        yield LiveServer(port)
    finally:
        stop_server(process)


@pytest.fixture
def world(platform_world: dict[str, Any], django_db_blocker: Any) -> Iterator[TenantWorld]:
    """Tenant A of the session fixtures; database access outside a transaction (the server must
    see what the test writes to the sessions)."""
    with django_db_blocker.unblock():
        yield platform_world["a"]


def sign_in(server: LiveServer, world: TenantWorld) -> str:
    """A member's browser session on A's host (through the server): its key."""
    with server.http(world.host) as client:
        response = client.post("/api/v1/auth/login", json={"identifier": world.member.phone, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return str(client.cookies["sessionid"])


def session_socket(server: LiveServer, world: TenantWorld, key: str) -> ClientConnection:
    origin = server.url(world.host, "").rstrip("/")
    return connect(
        server.url(world.host, "/ws/notifications", scheme="ws"),
        sock=server.connect(),
        additional_headers={"Cookie": f"sessionid={key}", "Origin": origin},
        open_timeout=20,
    )


def last_seen(key: str, seconds_ago: int) -> None:
    session = SessionStore(session_key=key)
    session[LAST_SEEN_KEY] = int(time.time()) - seconds_ago
    session.save()


def receive(socket: ClientConnection, timeout: float = 15) -> dict[str, Any]:
    return dict(json.loads(socket.recv(timeout=timeout)))


def closed_with(socket: ClientConnection, timeout: float = 15) -> int | None:
    """The close code the server sent (pongs and pushes may come first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.recv(timeout=max(0.1, deadline - time.monotonic()))
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd is not None else None
    raise AssertionError(f"the socket was still open after {timeout} s")


def test_both_sockets_end_with_their_sign_in(db: None) -> None:
    """(``db``: pytest-django creates the test database for the tests below, which commit.)"""
    assert issubclass(NotificationConsumer, ClosesWhenSignedOut)
    assert issubclass(LiveChatConsumer, ClosesWhenSignedOut)


def test_a_session_socket_closes_when_the_session_idles_out(server: LiveServer, world: TenantWorld) -> None:
    key = sign_in(server, world)
    with session_socket(server, world, key) as socket:
        assert receive(socket)["type"] == "hello"
        socket.send(json.dumps({"type": "ping"}))
        assert receive(socket)["type"] == "pong"
        # The last request was (nearly) the whole timeout ago: the session idles out in 2 s.
        last_seen(key, IDLE_SECONDS - 2)
        started = time.monotonic()
        assert closed_with(socket) == CLOSE_UNAUTHENTICATED
        assert time.monotonic() - started < 10
    # The socket did not renew the session, and no new socket opens on it.
    assert SessionStore(session_key=key)[LAST_SEEN_KEY] <= int(time.time()) - IDLE_SECONDS
    with session_socket(server, world, key) as again:
        assert closed_with(again) == CLOSE_UNAUTHENTICATED


def test_a_session_renewed_by_requests_keeps_its_socket(server: LiveServer, world: TenantWorld) -> None:
    key = sign_in(server, world)
    with session_socket(server, world, key) as socket:
        assert receive(socket)["type"] == "hello"
        last_seen(key, IDLE_SECONDS - 2)
        # A request in time renews the session (the mark is rewritten: it is over a minute old).
        with server.http(world.host) as client:
            client.cookies.set("sessionid", key)
            assert client.get("/api/v1/me").status_code == 200
        # Checked every second, past the old deadline: still open, and still answering.
        with pytest.raises(TimeoutError):
            socket.recv(timeout=4)
        socket.send(json.dumps({"type": "ping"}))
        assert receive(socket)["type"] == "pong"


def test_a_session_socket_closes_when_signed_out_elsewhere(server: LiveServer, world: TenantWorld) -> None:
    key = sign_in(server, world)
    with session_socket(server, world, key) as socket:
        assert receive(socket)["type"] == "hello"
        with server.http(world.host) as client:  # another tab signs out
            client.cookies.set("sessionid", key)
            csrf = client.get("/api/v1/auth/csrf").json()["csrf_token"]
            origin = server.url(world.host, "").rstrip("/")
            logout = client.post(
                "/api/v1/auth/logout", headers={"X-CSRFToken": csrf, "Origin": origin, "Referer": origin + "/"}
            )
            assert logout.status_code == 204, logout.text
        assert closed_with(socket) == CLOSE_UNAUTHENTICATED


def test_a_token_socket_closes_when_its_token_expires(server: LiveServer, world: TenantWorld) -> None:
    token = AccessToken.for_user(world.member)
    token.set_exp(lifetime=timedelta(seconds=3))
    url = server.url(world.host, f"/ws/notifications?token={token}", scheme="ws")
    with connect(url, sock=server.connect(), open_timeout=20) as socket:
        assert receive(socket)["type"] == "hello"
        started = time.monotonic()
        assert closed_with(socket) == CLOSE_UNAUTHENTICATED
        assert 1 < time.monotonic() - started < 10
