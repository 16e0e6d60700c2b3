"""Channel-layer group names and sending. Every group name carries its tenant's schema."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def group_name(schema: str, kind: str, object_id: int | str) -> str:
    return f"t.{schema}.{kind}.{object_id}"


def user_group(schema: str, user_id: int) -> str:
    return group_name(schema, "user", user_id)


def send_to_group(group: str, event: dict[str, Any]) -> None:
    """Send from synchronous code (services, tasks). Call it from ``transaction.on_commit``."""
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, event)


def send_to_groups(messages: list[tuple[str, dict[str, Any]]]) -> None:
    """Send many ``(group, event)`` pairs from synchronous code in one event-loop run (a bulk
    notification reaches thousands of people's sockets without a loop per person)."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return

    async def send_all() -> None:
        for group, event in messages:
            await layer.group_send(group, event)

    async_to_sync(send_all)()
