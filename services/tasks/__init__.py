"""Celery glue: every task is tenant-aware and declared through ``tenant_task``.

A task sent while a tenant's schema is active runs in that schema on the worker
(``tenant-schemas-celery`` carries the schema in the message headers); a task sent
from the public schema runs in the public schema.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from tenant_schemas_celery.task import TenantTask

from partycloud.celery import app

F = TypeVar("F", bound=Callable[..., Any])


def tenant_task(name: str, **options: Any) -> Callable[[F], Any]:
    """Declare a Celery task that runs in the schema it was sent from. Names are explicit and stable."""
    options.setdefault("base", TenantTask)

    def decorate(function: F) -> Any:
        return app.task(name=name, **options)(function)

    return decorate
