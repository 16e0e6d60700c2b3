"""WebSocket consumers. Database work runs through ``in_tenant``: inside the scope's schema."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from partycloud.tenancy.context import use_public_schema, use_tenant
from services.realtime.groups import user_group

T = TypeVar("T")

# Close codes (4000-4999 are for applications).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_UNKNOWN_TENANT = 4404


async def in_tenant(tenant: Any, function: Callable[[], T]) -> T:
    """Run ``function`` in a worker thread with the tenant's schema active, then reset it."""

    def run() -> T:
        use_tenant(tenant)
        try:
            return function()
        finally:
            use_public_schema()

    return await database_sync_to_async(run)()


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    """Pushes the user's notifications in this tenant: ``{"type": "notification", ...}``."""

    group: str | None = None

    async def connect(self) -> None:
        tenant = self.scope.get("tenant")
        user = self.scope.get("user")
        # Refusals accept first and then close with an application code, so that clients can
        # tell "sign in again" (4401) from "no such party committee" (4404) from a network error.
        if tenant is None:
            await self.refuse(CLOSE_UNKNOWN_TENANT)
            return
        if user is None or not user.is_authenticated:
            await self.refuse(CLOSE_UNAUTHENTICATED)
            return
        from tenants.access.services import get_roles
        from tenants.notifications.services import unread_count

        if not await in_tenant(tenant, lambda: bool(get_roles(user))):
            await self.refuse(CLOSE_UNAUTHENTICATED)
            return
        self.group = user_group(tenant.schema_name, user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        count = await in_tenant(tenant, lambda: unread_count(user.pk))
        await self.send_json({"type": "hello", "tenant": tenant.slug, "unread": count})

    async def refuse(self, code: int) -> None:
        await self.accept()
        await self.close(code=code)

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def notification_message(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "notification", "notification": event["notification"], "unread": event["unread"]})
