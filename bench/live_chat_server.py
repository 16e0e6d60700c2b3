"""One web process for ``bench_live_chat.py``: uvicorn on a port, optionally under cProfile.

``python bench/live_chat_server.py <app> <port>`` with ``<app>`` ``partycloud.asgi:application``
(the product) or ``live_chat_baseline:application``. With ``BENCH_PROFILE=<file>`` the event-loop
thread runs under cProfile and the stats are written to ``<file>`` when uvicorn stops (SIGTERM);
worker threads (``database_sync_to_async``) are not profiled. With ``BENCH_TIMERS=<file>`` a few
coroutines of the product's chat (the room's tick, its parts, a consumer's batch forwarding) are
wrapped with wall-clock timers, written to ``<file>`` as JSON at exit: where a tick's time goes.
"""

from __future__ import annotations

import cProfile
import functools
import json
import os
import resource
import signal
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parent / "platform")]


TIMERS: dict[str, list[float]] = {}


def _timed(name: str, function):  # type: ignore[no-untyped-def]
    @functools.wraps(function)
    async def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return await function(*args, **kwargs)
        finally:
            TIMERS.setdefault(name, []).append(time.perf_counter() - started)

    return wrapper


def install_timers() -> None:
    """Wrap the chat's hot coroutines (module attributes, looked up at call time)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partycloud.settings")
    import django

    django.setup()
    from channels_redis.pubsub import RedisPubSubLoopLayer

    from tenants.live import chat, consumers

    chat.publish_tick = _timed("publish_tick (whole tick)", chat.publish_tick)
    chat.run_in_schema = _timed("persist_events off the tick (run_in_schema)", chat.run_in_schema)
    RedisPubSubLoopLayer.group_send = _timed("tick: group_send (PUBLISH)", RedisPubSubLoopLayer.group_send)
    consumers.LiveChatConsumer.chat_batch = _timed(
        "consumer: chat_batch (one socket)", consumers.LiveChatConsumer.chat_batch
    )
    original_sleep = chat.asyncio.sleep

    class _Asyncio:  # the room loop's asyncio.sleep(TICK), timed: how late the loop wakes up
        def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
            return getattr(chat_asyncio, name)

        @staticmethod
        async def sleep(delay: float) -> None:
            started = time.perf_counter()
            await original_sleep(delay)
            TIMERS.setdefault("room loop: sleep overshoot (woke late by)", []).append(
                time.perf_counter() - started - delay
            )

    chat_asyncio = chat.asyncio
    chat.asyncio = _Asyncio()  # type: ignore[assignment]


def skip_dispatch_hop() -> None:
    """The experiment of ``--mode product-nohop`` (never shipped from here): Channels 4.2+ runs
    ``close_old_connections`` through ``sync_to_async`` (the one thread-sensitive worker thread)
    before EVERY message it dispatches to a consumer, so each broadcast batch costs one thread hop
    per socket, queued behind any database work of the process. ``chat_batch`` touches no
    database: dispatch it directly and see what that hop costs."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partycloud.settings")
    import django

    django.setup()
    from tenants.live.consumers import LiveChatConsumer

    original = LiveChatConsumer.dispatch

    async def dispatch(self, message):  # type: ignore[no-untyped-def]
        if message.get("type") == "chat.batch":
            await self.chat_batch(message)
            return
        await original(self, message)

    LiveChatConsumer.dispatch = dispatch


def persist_off_the_tick() -> None:
    """The second experiment (``--mode product-fixed``, with the first): the room's tick awaits
    ``persist_events`` (a PostgreSQL write through the one worker thread, a new connection each
    time with CONN_MAX_AGE 0) before it sleeps again, so the broadcast cadence is 200 ms + that
    write. Here the write is started as a task and the tick goes on (rows are written in order:
    the worker thread is serial)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partycloud.settings")
    import django

    django.setup()
    from tenants.live import chat

    original = chat.run_in_schema
    pending: set[Any] = set()

    async def run_in_schema(tenant, function):  # type: ignore[no-untyped-def]
        if "persist_events" in getattr(getattr(function, "__code__", None), "co_names", ()):
            task = chat.asyncio.ensure_future(original(tenant, function))
            pending.add(task)
            task.add_done_callback(pending.discard)
            return None
        return await original(tenant, function)

    chat.run_in_schema = run_in_schema


def dump_timers(path: str) -> None:
    summary = {}
    for name, values in TIMERS.items():
        ordered = sorted(values)
        summary[name] = {
            "calls": len(values),
            "total_s": round(sum(values), 3),
            "mean_ms": round(1000 * sum(values) / len(values), 2),
            "p50_ms": round(1000 * ordered[len(ordered) // 2], 2),
            "p99_ms": round(1000 * ordered[int(0.99 * (len(ordered) - 1))], 2),
            "max_ms": round(1000 * ordered[-1], 2),
        }
    with open(path, "w") as output:
        json.dump(summary, output, indent=1)


def main() -> None:
    app, port = sys.argv[1], int(sys.argv[2])
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    import uvicorn

    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_level="warning",
        access_log=False,
        ws_per_message_deflate=False,
        backlog=4096,
        timeout_graceful_shutdown=3,
    )
    server = uvicorn.Server(config)
    timers_path = os.environ.get("BENCH_TIMERS")
    if timers_path and "partycloud.asgi" in app:
        install_timers()
    if os.environ.get("BENCH_SKIP_DISPATCH_HOP"):
        skip_dispatch_hop()
    if os.environ.get("BENCH_PERSIST_OFF_TICK"):
        persist_off_the_tick()
    profile_path = os.environ.get("BENCH_PROFILE")
    # uvicorn re-raises the SIGTERM it caught once it has shut down: exit through Python so the
    # profile and the timers below are written.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    profiler = cProfile.Profile() if profile_path else None
    if profiler:
        profiler.enable()
    try:
        server.run()
    finally:
        if profiler and profile_path:
            profiler.disable()
            profiler.dump_stats(profile_path)
        if timers_path and TIMERS:
            dump_timers(timers_path)


if __name__ == "__main__":
    main()
