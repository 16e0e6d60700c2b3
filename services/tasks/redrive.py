"""Re-driving work whose task was never sent (issue 14: the broker was down when it committed).

``OutageTolerantTask`` gives up a send the broker refuses and logs it: the job's row is committed,
its status says it waits (a member import ``pending``, a video ``queued``), and no worker will
ever take it. Each app that queues such jobs runs a periodic sweep (a beat entry every few
minutes) that hands this module the jobs still waiting after a grace period; they are sent again.

"Still waiting" means no task ever started on them: every such task moves its job to a running
status first, so a job that is running is never re-sent. A job whose task is merely slow to be
taken (a long queue) may be sent twice: the tasks are idempotent (a finished job is left alone,
one import commits once), and each job is re-sent at most once per grace period (a claim in the
cache), so a backlog does not pile up duplicates.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)


def grace_seconds() -> int:
    return int(settings.REDRIVE_GRACE_SECONDS)


def _claimed(key: str) -> bool:
    """One re-send per job and grace period, across beats and workers. The cache down (it is the
    broker's Redis in most setups): no claim, and no send either, since the broker is down too."""
    try:
        return bool(cache.add(key, 1, timeout=grace_seconds()))
    except Exception as error:  # noqa: BLE001 - any cache failure: try at the next beat
        logger.warning("re-drive: cache unavailable, trying at the next beat (%s)", error)
        return False


def redrive(task: Any, stalled: Iterable[Sequence[Any]], *, what: str) -> int:
    """Send ``task`` again with each argument tuple of ``stalled`` (the first value is the job's
    id); returns how many were sent. Runs in the jobs' schema (the task runs there too)."""
    schema = getattr(connection, "schema_name", "public")
    sent = []
    for args in stalled:
        if not _claimed(f"redrive:{task.name}:{schema}:{args[0]}"):
            continue
        if task.apply_async(tuple(args)) is not None:
            sent.append(args[0])
    if sent:
        logger.warning("re-drive: %d %s in %s were still waiting, sent again: %s", len(sent), what, schema, sent)
    return len(sent)
