"""The naive live chat that ``bench_live_chat.py --mode baseline`` measures the product against.

Never shipped: it lives in ``bench/`` and has its own ASGI application
(``uvicorn --app-dir bench live_chat_baseline:application``). It is what a first version built
from the Channels tutorial looks like:

- the channel layer is Channels' default ``channels_redis.core.RedisChannelLayer`` (one Redis
  list per consumer channel, ``group_send`` pushes the event onto every member's list with one
  Lua script: work in Redis and in every server process grows with the room);
- every accepted message is one ``group_send``, and every consumer writes one WebSocket frame
  per message (no batching, no coalescing of viewer/like counts).

It speaks the contract's protocol as far as the benchmark needs (``welcome``, ``say`` →
``ack``/``refused``, ``batch`` with one event, ``ping`` → ``pong``), authenticates and checks the
audience exactly like the product (``TenantAuthMiddleware``, ``viewer_of``, ``find_viewable``),
and takes event ids from one Redis ``INCR`` per message. It stores nothing in the database and
has no moderation, which flatters the baseline.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partycloud.settings")
django_application = get_asgi_application()

import redis.asyncio as aioredis  # noqa: E402
from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import path  # noqa: E402

from partycloud.accounts.actor import Actor  # noqa: E402
from partycloud.core.errors import NotFoundError  # noqa: E402
from partycloud.tenancy.realtime import (  # noqa: E402
    CLOSE_UNAUTHENTICATED,
    CLOSE_UNKNOWN_TENANT,
    TenantAuthMiddleware,
    in_tenant,
)
from tenants.live.audience import LessonRef, find_viewable, viewer_of  # noqa: E402

# Channels' default Redis layer instead of the product's RedisPubSubChannelLayer. The layer is
# built lazily on first use, so overriding the setting here (before any consumer runs) is enough.
# One change from the defaults: redis-py 8's asyncio pool allows 100 connections and *raises*
# MaxConnectionsError beyond that (a few hundred sockets joining or leaving at once did), so the
# pool may grow to 2,000: the baseline is measured working, not crashing.
settings.CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [{"address": settings.REDIS_URL, "max_connections": 2000}],
            "prefix": f"{settings.CACHE_KEY_PREFIX}:wsb",
        },
    }
}
MAX_LENGTH = 500
_redis: aioredis.Redis | None = None


def _counter() -> aioredis.Redis:
    global _redis
    if _redis is None:
        _redis = aioredis.Redis.from_url(settings.REDIS_URL)
    return _redis


def _now() -> str:
    return datetime.now(UTC).isoformat()


class BaselineChatConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    room: str | None = None

    async def connect(self) -> None:
        tenant, user = self.scope.get("tenant"), self.scope.get("user")
        if tenant is None:
            await self.refuse(CLOSE_UNKNOWN_TENANT)
            return
        if user is None or not user.is_authenticated:
            await self.refuse(CLOSE_UNAUTHENTICATED)
            return
        kwargs = self.scope["url_route"]["kwargs"]
        ref = LessonRef.of(kwargs["scope"], kwargs["lesson_id"], tenant)

        def check() -> Any:
            viewer = viewer_of(Actor.for_user(user))
            if viewer is None:
                return None
            try:
                return viewer, find_viewable(ref, viewer)
            except NotFoundError:
                return None

        found = await in_tenant(tenant, check)
        if found is None:
            await self.refuse(CLOSE_UNKNOWN_TENANT)
            return
        viewer, lesson = found
        self.viewer = viewer
        self.room = f"{ref.room}.baseline"
        self.counter = f"{settings.CACHE_KEY_PREFIX}:wsb:seq:{ref.token}"
        await self.channel_layer.group_add(self.room, self.channel_name)
        await self.accept()
        await self.send_json(
            {
                "type": "welcome",
                "lesson": {
                    "scope": ref.scope.value,
                    "id": ref.lesson_id,
                    "title": lesson.title,
                    "status": lesson.status,
                },
                "me": {
                    "user_id": user.pk,
                    "tenant": tenant.slug,
                    "name": viewer.name,
                    "unit": viewer.unit,
                    "display": viewer.display_name,
                    "is_host": False,
                    "muted": False,
                },
                "viewers": 0,
                "likes": 0,
                "pinned": None,
                "slow_mode_seconds": 0,
                "events": [],
                "last_event_id": None,
                "resumed": False,
            }
        )

    async def refuse(self, code: int) -> None:
        await self.accept()
        await self.close(code=code)

    async def disconnect(self, code: int) -> None:
        if self.room is not None:
            await self.channel_layer.group_discard(self.room, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong"})
            return
        if kind not in ("say", "ask") or self.room is None:
            return
        text = str(content.get("text", "")).strip()
        client_id = content.get("client_id")
        if not text or len(text) > MAX_LENGTH:
            code = "live.chat_empty" if not text else "live.chat_too_long"
            await self.send_json({"type": "refused", "client_id": client_id, "code": code, "message": code})
            return
        event_id = int(await _counter().incr(self.counter))
        viewer = self.viewer
        event = {
            "id": event_id,
            "kind": "message",
            "at": _now(),
            "sender": {
                "tenant": viewer.tenant_schema,
                "user_id": viewer.user_id,
                "name": viewer.name,
                "unit": viewer.unit,
                "display": viewer.display_name,
            },
            "text": text,
        }
        # The naive fan-out: one group_send per message, one frame per message per viewer.
        await self.channel_layer.group_send(self.room, {"type": "chat.event", "event": event})
        await self.send_json({"type": "ack", "client_id": client_id, "event_id": event_id})

    async def chat_event(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "batch", "events": [message["event"]], "viewers": 0, "likes": 0})


websocket_urlpatterns = [path("ws/live/<str:scope>/<int:lesson_id>", BaselineChatConsumer.as_asgi())]

application = ProtocolTypeRouter(
    {"http": django_application, "websocket": TenantAuthMiddleware(URLRouter(websocket_urlpatterns))}
)
