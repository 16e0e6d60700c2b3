"""One web process for ``bench_live_chat.py``: uvicorn on a port, optionally under cProfile.

``python bench/live_chat_server.py <app> <port>`` with ``<app>`` ``partycloud.asgi:application``
(the product) or ``live_chat_baseline:application``. With ``BENCH_PROFILE=<file>`` the event-loop
thread runs under cProfile and the stats are written to ``<file>`` when uvicorn stops (SIGTERM);
worker threads (``database_sync_to_async``) are not profiled.
"""

from __future__ import annotations

import cProfile
import os
import resource
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parent / "platform")]


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
    profile_path = os.environ.get("BENCH_PROFILE")
    if not profile_path:
        server.run()
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        server.run()
    finally:
        profiler.disable()
        profiler.dump_stats(profile_path)


if __name__ == "__main__":
    main()
