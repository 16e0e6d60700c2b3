"""Pause points: named places in the middle of a task where the fault tests kill the worker.

A task calls ``pause_point("members.import.created")`` where half its work is done. Nothing happens
unless the setting ``TASK_PAUSE_AT`` names that point (only the fault tests set it, on the worker
they are about to kill; production.py forces it empty): the task then writes the name to
``TASK_PAUSE_MARKER`` and waits there until it is killed, so the test knows the worker stands
exactly in the middle (tests/faults/test_worker_killed.py).
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings


def pause_point(name: str) -> None:
    if not settings.TASK_PAUSE_AT or name != settings.TASK_PAUSE_AT:
        return
    if settings.TASK_PAUSE_MARKER:
        Path(settings.TASK_PAUSE_MARKER).write_text(name)
    while True:  # until SIGKILL
        time.sleep(0.2)
