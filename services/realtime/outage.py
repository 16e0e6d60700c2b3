"""WebSocket consumers that survive the channel layer's Redis going away.

Without this, a socket opened while Redis is down fails its handshake with an HTTP 500 (the
consumer subscribes its channel before ``connect``), and one whose layer connection drops dies
with an unhandled exception. With it, either is accepted if need be and closed with the standard
"try again later" code: clients back off and reconnect (``frontend/src/shared/backoff.ts``), and
get a working socket once Redis is back (the layer reconnects by itself).
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

TRY_AGAIN_LATER = 1013  # RFC 6455 close code
LAYER_OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)


class SurvivesLayerOutage:
    """Mix into a Channels consumer (before the consumer class)."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        state = {"connected": False, "accepted": False, "closed": False}

        async def watched_receive() -> Any:
            message = await receive()
            state["connected"] |= message.get("type") == "websocket.connect"
            return message

        async def watched_send(message: Any) -> None:
            state["accepted"] |= message.get("type") == "websocket.accept"
            state["closed"] |= message.get("type") == "websocket.close"
            await send(message)

        try:
            await super().__call__(scope, watched_receive, watched_send)  # type: ignore[misc]
        except LAYER_OUTAGE_ERRORS as error:
            logger.warning(
                "channel layer unavailable, socket %s closed (try again later): %s", scope.get("path"), error
            )
            if state["closed"]:
                return
            with contextlib.suppress(Exception):  # the client may be gone already
                if not state["connected"]:
                    await watched_receive()
                if not state["accepted"]:
                    await send({"type": "websocket.accept"})
                await send({"type": "websocket.close", "code": TRY_AGAIN_LATER})
