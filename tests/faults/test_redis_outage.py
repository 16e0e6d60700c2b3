"""Redis stopped under load: reads and logins keep answering, sockets work again once it is back,
and the work of the moment is neither lost nor done twice.

The app runs against a Redis of its own (``redis_server``) and the test database on the
machine's PostgreSQL: Redis is its cache (throttles, login lockout, cached figures), its channel
layer and its Celery broker.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import psycopg
import pytest
import redis
from asgiref.sync import async_to_sync
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from partycloud.rollups.tasks import drain
from services.realtime.groups import user_group
from services.realtime.outage import TRY_AGAIN_LATER
from tenants.live.models import Lesson
from tenants.live.services import do_schedule_lesson
from tenants.live.tasks import announce_lesson, remind_starting_lessons
from tenants.notifications.models import Notification
from tenants.outbox.models import OutboxEvent
from tests.conftest import TenantWorld
from tests.factories import PASSWORD
from tests.faults.conftest import App, Load, RedisServer, start_app, wait_for
from tests.live import database_url_of_test_db
from tests.live_support import add_member, make_tree

LESSONS = "/api/v1/live/lessons"


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"}


@pytest.fixture(scope="module")
def app(redis_server: RedisServer, platform_world: dict[str, Any]) -> Iterator[App]:
    with start_app({"REDIS_URL": redis_server.url}) as running:
        yield running


@pytest.fixture
def redis_is_back(redis_server: RedisServer) -> Iterator[None]:
    """A drill that stops Redis leaves it running for the next one, even when it fails."""
    yield
    if redis_server.process is None:
        redis_server.start()


@pytest.mark.live
@pytest.mark.django_db  # the test database must exist for the server; the server commits, not us
def test_reads_and_logins_keep_answering_while_redis_is_stopped(
    app: App, redis_server: RedisServer, platform_world: dict[str, Any], redis_is_back: None
) -> None:
    world: TenantWorld = platform_world["a"]
    client = app.http(world.host)
    admin, member = bearer(world.admin), bearer(world.member)

    def send(number: int) -> httpx.Response:
        match number % 3:
            case 0:
                return client.get("/api/v1/roles", headers=admin)
            case 1:
                return client.get("/api/v1/me", headers=member)
            case _:
                return client.post("/api/v1/auth/token", json={"identifier": world.member.phone, "password": PASSWORD})

    with Load(send, threads=3) as load:
        wait_for(lambda: load.total() >= 15, what="requests with Redis up")
        redis_server.stop()
        down_from = load.total()
        wait_for(lambda: load.total() >= down_from + 45, timeout=120, what="requests with Redis down")
        redis_server.start()
        up_from = load.total()
        wait_for(lambda: load.total() >= up_from + 15, timeout=60, what="requests once Redis is back")

    assert not load.errors, load.errors[:3]
    assert load.odd == [], load.odd[:3]
    assert set(load.statuses) == {200}
    log = app.log()
    # Throttles, the login lockout and the dashboard cache fail open, saying so (once per cache).
    assert "unavailable" in log
    assert "continuing without it" in log
    assert "Internal Server Error" not in log
    assert "Exception in ASGI application" not in log


def open_socket(app: App, host: str, user: User) -> ClientConnection:
    token = RefreshToken.for_user(user).access_token
    return connect(app.ws_url(host, f"/ws/notifications?token={token}"), sock=app.connect(), open_timeout=20)


def receive(socket: ClientConnection, timeout: float = 15) -> dict[str, Any]:
    return dict(json.loads(socket.recv(timeout=timeout)))


def push_to(redis_server: RedisServer, group: str, title: str) -> None:
    """What ``do_notify`` sends after commit, through the app's channel layer (same prefix)."""
    layer = RedisPubSubChannelLayer(
        hosts=[redis_server.url], prefix=settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]
    )
    event = {"type": "notification.message", "notification": {"title": title}, "unread": 1}

    async def send() -> None:
        await layer.group_send(group, event)
        await layer.flush()

    async_to_sync(send)()


@pytest.mark.live
@pytest.mark.django_db
def test_a_socket_opened_after_redis_returns_gets_its_pushes(
    app: App, redis_server: RedisServer, platform_world: dict[str, Any], redis_is_back: None
) -> None:
    world: TenantWorld = platform_world["a"]
    group = user_group(world.tenant.schema_name, world.member.pk)
    with open_socket(app, world.host, world.member) as before:
        assert receive(before)["type"] == "hello"
        push_to(redis_server, group, "停电前")
        assert receive(before)["notification"]["title"] == "停电前"
        redis_server.stop()
        # A socket opened meanwhile is told to come back later (the client backs off and retries).
        with open_socket(app, world.host, world.member) as during:
            with pytest.raises(ConnectionClosed) as closed:
                during.recv(timeout=15)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == TRY_AGAIN_LATER
        redis_server.start()
    # The client reconnects (frontend/src/shared/backoff.ts); the server's layer reconnects too.
    deadline = time.monotonic() + 30
    while True:
        with open_socket(app, world.host, world.member) as after:
            assert receive(after)["type"] == "hello"
            push_to(redis_server, group, "恢复后")
            try:
                assert receive(after, timeout=3)["notification"]["title"] == "恢复后"
                break
            except TimeoutError:
                if time.monotonic() > deadline:
                    raise
    # channels_redis logs its reader's lost connection (with a traceback) and reconnects; no
    # socket of ours crashed.
    assert "Exception in ASGI application" not in app.log()


@pytest.mark.live
@pytest.mark.django_db
def test_a_change_made_while_redis_is_down_is_kept_and_its_task_queued_after(
    app: App, redis_server: RedisServer, platform_world: dict[str, Any], redis_is_back: None
) -> None:
    world: TenantWorld = platform_world["a"]
    client = app.http(world.host)
    start = timezone.now() + timedelta(days=3)
    lesson = {"title": "断线演练", "lecturer": "王书记", "starts_at": start.isoformat(),
              "planned_end_at": (start + timedelta(hours=1)).isoformat()}  # fmt: skip
    broker = redis.Redis.from_url(redis_server.url)
    created: list[int] = []
    try:
        redis_server.stop()
        # The lesson is committed; its announcement cannot be queued: said in the log, not a 500.
        during = client.post(LESSONS, json=lesson, headers=bearer(world.admin))
        assert during.status_code == 201, during.text
        created.append(during.json()["id"])
        assert "broker unavailable, task live.announce_lesson not queued" in app.log()
        redis_server.start()
        after = client.post(LESSONS, json=lesson, headers=bearer(world.admin))
        assert after.status_code == 201, after.text
        created.append(after.json()["id"])
        # The producer reconnected by itself; the queued task survives a Redis restart (append-only file).
        wait_for(lambda: broker.llen("celery") >= 1, what="the announcement in the queue")
        queued = broker.llen("celery")
        redis_server.stop()
        redis_server.start()
        assert broker.llen("celery") == queued
    finally:
        broker.close()
        # The server committed them: deleted on a connection of our own (ours is in the test's transaction).
        with psycopg.connect(database_url_of_test_db(), autocommit=True) as own:
            table = f'"{world.tenant.schema_name}".{Lesson._meta.db_table}'
            own.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", (created,))


@pytest.mark.django_db
def test_reminders_redelivered_after_an_outage_are_not_sent_twice(tenant_a: TenantWorld) -> None:
    """With ``acks_late`` a task that ran while Redis went away runs again: reminders are claimed
    (``reminded_at``) and announcements skip who was told already."""
    tree = make_tree(tenant_a)
    with tenant_a.tenant:
        start = timezone.now() + timedelta(minutes=10)
        lesson = do_schedule_lesson(
            actor=Actor.for_user(tenant_a.admin), title="提醒演练", lecturer="王书记", starts_at=start,
            planned_end_at=start + timedelta(hours=1),
        )  # fmt: skip
        assert remind_starting_lessons() == 1
        assert remind_starting_lessons() == 0  # the beat fired again, or the task was redelivered
        announce_lesson("tenant", lesson.pk, "starting")  # the announcement redelivered
        reminded = Notification.objects.filter(title__contains="提醒演练", user=tree.branch_member)
        assert reminded.count() == 1


@pytest.mark.django_db
def test_the_outbox_applies_a_change_once_whatever_happened_to_the_queue(tenant_a: TenantWorld) -> None:
    """Rollup changes are rows of the change's own transaction (triggers), drained by beat:
    a message lost with Redis loses nothing, a drain run twice applies nothing twice."""
    tree = make_tree(tenant_a)
    with tenant_a.tenant:
        add_member(tree.branch)
        assert OutboxEvent.objects.exists()
    # Beat runs the drain from the root: it relays every tenant flagged as having rows.
    connection.set_schema_to_public()
    assert drain() > 0
    with tenant_a.tenant:
        assert not OutboxEvent.objects.exists()
    assert drain() == 0
