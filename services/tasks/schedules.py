"""Beat schedule, assembled from what each app declares.

An app that has periodic work declares it next to its tasks, in a ``SCHEDULE`` dict of its
``tasks`` module: entry name -> beat entry. Group-level tasks are plain entries
(``{"task": ..., "schedule": crontab(...)}``); per-tenant tasks go through the fan-out
(``services.tasks.periodic.tenant_beat_entry``). The wiring (``partycloud.celery``) installs
``beat_schedule()`` once the apps are loaded, so this adapter names no app's task.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import module_has_submodule

Schedule = dict[str, dict[str, Any]]


def beat_schedule() -> Schedule:
    """Every installed app's ``tasks.SCHEDULE``, merged. Two apps may not declare one entry name."""
    schedule: Schedule = {}
    declared_by: dict[str, str] = {}
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, "tasks"):
            continue
        module = import_module(f"{config.name}.tasks")
        for name, entry in getattr(module, "SCHEDULE", {}).items():
            if name in schedule:
                raise ImproperlyConfigured(
                    f"beat entry {name!r} is declared by {declared_by[name]} and {module.__name__}"
                )
            schedule[name] = entry
            declared_by[name] = module.__name__
    return schedule
