"""Supervision's background work. Each part keeps its tasks and its beat entries in its own
module, ``<part>_tasks.py`` (``announcements_tasks``, ``publicity_tasks``, ``surveys_tasks``,
``votes_tasks``, ``reports_tasks``, ``inquiries_tasks``) with a ``SCHEDULE`` dict; this module
imports them (Celery's autodiscovery finds the tasks through it) and merges their entries for
``services.tasks.schedules``. A part adds its module, never a line here."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from tenants.supervision.apps import PARTS

SCHEDULE: dict[str, dict[str, Any]] = {}
for _part in PARTS:
    _name = f"tenants.supervision.{_part}_tasks"
    if find_spec(_name) is not None:
        SCHEDULE.update(getattr(import_module(_name), "SCHEDULE", {}))
