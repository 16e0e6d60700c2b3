"""Celery glue: every task is tenant-aware and declared through ``tenant_task``.

A task sent while a tenant's schema is active runs in that schema on the worker
(``tenant-schemas-celery`` carries the schema in the message headers); a task sent
from the public schema runs in the public schema.

Tasks are shared tasks: this adapter knows no Celery app. The wiring (``partycloud.celery``)
creates the app and makes it the default of every thread, so each task resolves to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from celery import shared_task
from tenant_schemas_celery.task import TenantTask

F = TypeVar("F", bound=Callable[..., Any])


def tenant_task(name: str, **options: Any) -> Callable[[F], Any]:
    """Declare a Celery task that runs in the schema it was sent from. Names are explicit and stable."""
    options.setdefault("base", TenantTask)

    def decorate(function: F) -> Any:
        declare: Callable[[F], Any] = shared_task(name=name, **options)
        return declare(function)

    return decorate
