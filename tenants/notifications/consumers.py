"""The notifications WebSocket (``/ws/notifications``, routed in ``partycloud.asgi``).

The socket is open to a signed-in user who holds a role in the dialled tenant; it greets with the
unread count and then pushes each new notification (``services.do_notify`` sends it after commit to
the user's group ``t.<schema>.user.<id>``) and the live events of other apps (``services.do_push_event``,
e.g. ``{"type": "meetings.signed_in", ...}`` to the screens showing a meeting's QR code). Database work runs inside the tenant's schema.
"""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from partycloud.accounts.roles import tenant_roles_of
from partycloud.tenancy.realtime import CLOSE_UNAUTHENTICATED, CLOSE_UNKNOWN_TENANT, in_tenant
from services.realtime.groups import user_group
from services.realtime.outage import SurvivesLayerOutage
from tenants.notifications.services import unread_count


class NotificationConsumer(SurvivesLayerOutage, AsyncJsonWebsocketConsumer):
    """Pushes the user's notifications in this tenant: ``{"type": "notification", ...}``. While Redis
    is down, sockets are closed with "try again later" (``SurvivesLayerOutage``)."""

    group: str | None = None

    async def connect(self) -> None:
        tenant = self.scope.get("tenant")
        user = self.scope.get("user")
        if tenant is None:
            await self.refuse(CLOSE_UNKNOWN_TENANT)
            return
        if user is None or not user.is_authenticated:
            await self.refuse(CLOSE_UNAUTHENTICATED)
            return
        if not await in_tenant(tenant, lambda: bool(tenant_roles_of(user))):
            await self.refuse(CLOSE_UNAUTHENTICATED)
            return
        self.group = user_group(tenant.schema_name, user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        count = await in_tenant(tenant, lambda: unread_count(user.pk))
        await self.send_json({"type": "hello", "tenant": tenant.slug, "unread": count})

    async def refuse(self, code: int) -> None:
        """Accept, then close with an application code (see ``partycloud.tenancy.realtime``)."""
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

    async def event_message(self, event: dict[str, Any]) -> None:
        """A live event of another app (``services.do_push_event``), sent as it is."""
        await self.send_json(event["event"])
