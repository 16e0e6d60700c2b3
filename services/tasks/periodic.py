"""The per-tenant periodic task pattern.

Beat fires one fan-out task in the public schema; it sends the real task once per
active tenant, *inside that tenant's context*, with a countdown spread over a window
so that 200 tenants do not hit the database in the same second. Each tenant keeps
the same offset every day (a stable hash), which keeps load and logs predictable.

The fan-out task itself (``FAN_OUT_TASK``) belongs to the kernel, which knows the tenants:
``partycloud.tenancy.tasks.fan_out_to_tenants``. This adapter builds its beat entries and
computes the offsets.

To add one: declare the task with ``tenant_task`` and add
``"entry-name": tenant_beat_entry("app.task_name", crontab(...), window_seconds=...)`` to the
``SCHEDULE`` dict of the app's ``tasks`` module (``services.tasks.schedules``).
"""

from __future__ import annotations

import hashlib
from typing import Any

# The name is older than the move of the task to the kernel; beat entries and queued messages carry it.
FAN_OUT_TASK = "services.tasks.fan_out_to_tenants"


def spread_offset(schema_name: str, task_name: str, window_seconds: int) -> int:
    """A stable offset in [0, window) for this tenant and task."""
    if window_seconds <= 0:
        return 0
    digest = hashlib.sha256(f"{task_name}:{schema_name}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % window_seconds


def tenant_beat_entry(task_name: str, schedule: Any, *, window_seconds: int = 3600, **kwargs: Any) -> dict[str, Any]:
    """A beat schedule entry that runs ``task_name`` once per active tenant."""
    return {
        "task": FAN_OUT_TASK,
        "schedule": schedule,
        "args": (task_name, window_seconds),
        "kwargs": {"kwargs": kwargs} if kwargs else {},
        "options": {"expires": max(window_seconds, 60)},
    }
