"""Celery glue: every task is tenant-aware and declared through ``tenant_task``.

A task sent while a tenant's schema is active runs in that schema on the worker
(``tenant-schemas-celery`` carries the schema in the message headers); a task sent
from the public schema runs in the public schema.

Tasks are shared tasks: this adapter knows no Celery app. The wiring (``partycloud.celery``)
creates the app and makes it the default of every thread, so each task resolves to it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from celery import shared_task
from django.db import connection
from kombu.exceptions import OperationalError as BrokerUnavailable
from tenant_schemas_celery.task import TenantTask

F = TypeVar("F", bound=Callable[..., Any])

logger = logging.getLogger(__name__)


class OutageTolerantTask(TenantTask):
    """A tenant task whose sending survives a broker outage (Redis stopped or restarting).

    Tasks are sent from ``transaction.on_commit``: the change is committed by then, so failing
    the request would only make the client retry a change that was made. Instead the send is
    given up after kombu's short retry (under a second), logged as an error with the task, its
    arguments and schema, and ``None`` is returned. Nothing is lost for good: what a task does is
    recorded in the database first and re-driven by a periodic sweep (notification deliveries,
    the rollups outbox, reminders, search jobs; docs/deploy.md, "When a dependency fails").
    """

    def apply_async(self, args: Any = None, kwargs: Any = None, **options: Any) -> Any:
        try:
            return super().apply_async(args, kwargs, **options)
        except BrokerUnavailable as error:
            logger.error(
                "broker unavailable, task %s not queued (schema %s, args %r, kwargs %r): %s",
                self.name,
                getattr(connection, "schema_name", "?"),
                args,
                kwargs,
                error,
            )
            return None


def tenant_task(name: str, **options: Any) -> Callable[[F], Any]:
    """Declare a Celery task that runs in the schema it was sent from. Names are explicit and stable."""
    options.setdefault("base", OutageTolerantTask)

    def decorate(function: F) -> Any:
        declare: Callable[[F], Any] = shared_task(name=name, **options)
        return declare(function)

    return decorate
