"""The web server's command line: one place for `make run`, the live-server tests and the benchmark.

The layout (ADR 0016): uvicorn with WEB_CONCURRENCY worker processes on one port; in each,
HTTP runs through Django's WSGI handler on WEB_THREADS threads (partycloud.core.wsgi_threads)
and WebSockets through Channels. The Helm chart's web Deployment runs the same command
(helm/partycloud/templates/web-deployment.yaml). Standard library only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

# Two cores: two processes keep both busy while a third would only add memory (see ADR 0016).
DEFAULT_WORKERS = 2


def workers(env: Mapping[str, str] = os.environ) -> int:
    """WEB_CONCURRENCY, or the default for a small machine."""
    value = env.get("WEB_CONCURRENCY", "").strip()
    return max(1, int(value)) if value else DEFAULT_WORKERS


def command(python: str, *, host: str, port: int, processes: int, extra: Sequence[str] = ()) -> list[str]:
    """uvicorn serving partycloud.asgi with ``processes`` workers."""
    return [
        python, "-m", "uvicorn", "partycloud.asgi:application",
        "--host", host, "--port", str(port), "--workers", str(processes), "--lifespan", "off",
        # No per-message deflate: chat batches go to thousands of sockets, compressing each costs CPU.
        "--ws-per-message-deflate", "false",
        *extra,
    ]  # fmt: skip
