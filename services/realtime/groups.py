"""Channel-layer group names and sending. Every group name carries its tenant's schema."""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from services.realtime.outage import LAYER_OUTAGE_ERRORS

logger = logging.getLogger(__name__)

# Pushes are a courtesy on top of what is stored (the unread count, the notification list): while
# Redis is down they are dropped with a warning instead of failing the request that caused them.


def group_name(schema: str, kind: str, object_id: int | str) -> str:
    return f"t.{schema}.{kind}.{object_id}"


def user_group(schema: str, user_id: int) -> str:
    return group_name(schema, "user", user_id)


def send_to_group(group: str, event: dict[str, Any]) -> None:
    """Send from synchronous code (services, tasks). Call it from ``transaction.on_commit``."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except LAYER_OUTAGE_ERRORS as error:
        logger.warning("channel layer unavailable, push to %s dropped: %s", group, error)


def send_to_groups(messages: list[tuple[str, dict[str, Any]]]) -> None:
    """Send many ``(group, event)`` pairs from synchronous code in one event-loop run (a bulk
    notification reaches thousands of people's sockets without a loop per person)."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return

    async def send_all() -> None:
        for group, event in messages:
            await layer.group_send(group, event)

    try:
        async_to_sync(send_all)()
    except LAYER_OUTAGE_ERRORS as error:
        logger.warning("channel layer unavailable, %d pushes dropped: %s", len(messages), error)
