"""The real-time channel over a real WebSocket against a real uvicorn and Redis."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework_simplejwt.tokens import RefreshToken
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from partycloud.accounts.models import User
from tenants.access.services import do_assign_role
from tenants.notifications.models import Notification
from tenants.notifications.services import do_notify
from tests.conftest import TenantWorld, api
from tests.factories import PASSWORD
from tests.isolation import Endpoint, assert_tenant_isolated
from tests.live import LiveServer

pytestmark = pytest.mark.live


def token(user: User) -> str:
    return str(RefreshToken.for_user(user).access_token)


def open_socket(
    server: LiveServer, host: str, *, query: str = "", headers: dict[str, str] | None = None
) -> ClientConnection:
    return connect(
        server.url(host, f"/ws/notifications{query}", scheme="ws"),
        sock=server.connect(),
        additional_headers=headers or {},
        open_timeout=20,
    )


def receive(socket: ClientConnection, timeout: float = 15) -> dict[str, Any]:
    return dict(json.loads(socket.recv(timeout=timeout)))


def assert_closed_with(socket: ClientConnection, code: int) -> None:
    with pytest.raises(ConnectionClosed) as closed:
        socket.recv(timeout=15)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == code


def test_unauthenticated_socket_is_closed(uvicorn_server: LiveServer, tenant_a: TenantWorld):
    with open_socket(uvicorn_server, tenant_a.host) as socket:
        assert_closed_with(socket, 4401)
    with open_socket(uvicorn_server, tenant_a.host, query="?token=not-a-jwt") as socket:
        assert_closed_with(socket, 4401)


def test_unknown_host_socket_is_closed(uvicorn_server: LiveServer, tenant_a: TenantWorld):
    with open_socket(uvicorn_server, "ghost.partycloud.test", query=f"?token={token(tenant_a.member)}") as socket:
        assert_closed_with(socket, 4404)


def test_another_tenants_token_gets_no_socket_here(
    uvicorn_server: LiveServer, tenant_a: TenantWorld, tenant_b: TenantWorld
):
    with open_socket(uvicorn_server, tenant_a.host, query=f"?token={token(tenant_b.admin)}") as socket:
        assert_closed_with(socket, 4401)


def test_notification_is_pushed_after_commit(
    uvicorn_server: LiveServer, tenant_a: TenantWorld, django_capture_on_commit_callbacks: Any
):
    with open_socket(uvicorn_server, tenant_a.host, query=f"?token={token(tenant_a.member)}") as socket:
        hello = receive(socket)
        assert hello["type"] == "hello"
        assert hello["tenant"] == "alpha"
        with django_capture_on_commit_callbacks(execute=True), tenant_a.tenant:
            do_notify(tenant_a.member, "支部党员大会通知", "本周五下午三点召开", "/meetings/1")
        message = receive(socket)
        assert message["type"] == "notification"
        assert message["notification"]["title"] == "支部党员大会通知"
        assert message["unread"] == 1


def test_a_user_in_two_tenants_never_receives_the_other_tenants_events(
    uvicorn_server: LiveServer, tenant_a: TenantWorld, tenant_b: TenantWorld, django_capture_on_commit_callbacks: Any
):
    person = tenant_a.member
    with tenant_b.tenant:
        do_assign_role(user=person, role="member")  # same user id, also a member in B
    with open_socket(uvicorn_server, tenant_a.host, query=f"?token={token(person)}") as on_a:
        assert receive(on_a)["type"] == "hello"
        with django_capture_on_commit_callbacks(execute=True), tenant_b.tenant:
            do_notify(person, "乙公司的通知")
        with pytest.raises(TimeoutError):
            on_a.recv(timeout=1.0)
        with django_capture_on_commit_callbacks(execute=True), tenant_a.tenant:
            do_notify(person, "甲公司的通知")
        assert receive(on_a)["notification"]["title"] == "甲公司的通知"


def test_browser_session_needs_a_same_origin_socket(uvicorn_server: LiveServer, tenant_a: TenantWorld):
    with uvicorn_server.http(tenant_a.host) as client:
        login = client.post("/api/v1/auth/login", json={"identifier": tenant_a.member.phone, "password": PASSWORD})
        assert login.status_code == 200
        session = client.cookies["sessionid"]
    cookie = {"Cookie": f"sessionid={session}"}
    origin = uvicorn_server.url(tenant_a.host, "").rstrip("/")
    with open_socket(uvicorn_server, tenant_a.host, headers={**cookie, "Origin": origin}) as socket:
        assert receive(socket)["type"] == "hello"
    hijack = {**cookie, "Origin": "http://evil.example"}
    with open_socket(uvicorn_server, tenant_a.host, headers=hijack) as socket:
        assert_closed_with(socket, 4401)


def test_notifications_api_counts_and_marks_read(tenant_a: TenantWorld):
    with tenant_a.tenant:
        first = do_notify(tenant_a.member, "一")
        do_notify(tenant_a.member, "二")
        do_notify(tenant_a.admin, "别人的")
    client = api(tenant_a.host, tenant_a.member)
    assert client.get("/api/v1/notifications/unread-count").json() == {"count": 2}
    assert [n["title"] for n in client.get("/api/v1/notifications").json()["results"]] == ["二", "一"]
    assert client.post(f"/api/v1/notifications/{first.pk}/read").json() == {"count": 1}
    assert client.post("/api/v1/notifications/read-all").json() == {"count": 0}
    assert client.get("/api/v1/notifications?unread=true").json()["count"] == 0


def test_notifications_are_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld):
    with tenant_a.tenant:
        notification = do_notify(tenant_a.admin, "仅甲公司管理员可见")
    assert_tenant_isolated(
        Endpoint("/api/v1/notifications", object_id=notification.pk, change={"title": "x"}),
        owner=tenant_a,
        outsider=tenant_b,
    )
    with tenant_a.tenant:
        assert Notification.objects.get(pk=notification.pk).read_at is None
