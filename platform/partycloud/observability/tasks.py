"""Celery tasks get the same log context as requests: task id and name, tenant (schema), and
the id of the request that queued the task (sent along in the message headers).

``connect()`` is called by the Celery app (``partycloud.celery``); the handlers run in the
worker (task_prerun/postrun) and wherever tasks are sent (before_task_publish).
"""

from __future__ import annotations

import contextlib
import logging.config
from contextvars import Token
from typing import Any

from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun

from partycloud.observability.context import WorkContext, bind, current, unbind

_tokens: dict[str, Token[WorkContext | None]] = {}


def _schema_of(task: Any) -> str:
    # Where tenant-schemas-celery puts the schema (headers, or merged into the request by Redis).
    request = task.request
    headers = request.headers or {}
    return str(headers.get("_schema_name") or request.get("_schema_name") or "public")


def _request_id_of(task: Any) -> str:
    headers = task.request.headers or {}
    return str(headers.get("request_id") or task.request.get("request_id") or "")


def on_prerun(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    if task is None:
        return
    work = WorkContext(request_id=_request_id_of(task), tenant=_schema_of(task), task_id=task_id, task_name=task.name)
    _tokens[task_id] = bind(work)


def on_postrun(task_id: str = "", **kwargs: Any) -> None:
    token = _tokens.pop(task_id, None)
    if token is not None:
        # Set in another context (an eager task inside a request): leave that context alone.
        with contextlib.suppress(ValueError):
            unbind(token)


def on_publish(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """A task queued during a request (or by another task) carries its request id along."""
    work = current()
    if headers is not None and work is not None and work.request_id and "request_id" not in headers:
        headers["request_id"] = work.request_id


def keep_django_logging(**kwargs: Any) -> None:
    """The worker logs through Django's LOGGING (LOG_FORMAT) instead of Celery's own handlers."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


def connect() -> None:
    task_prerun.connect(on_prerun, weak=False, dispatch_uid="partycloud_observability_prerun")
    task_postrun.connect(on_postrun, weak=False, dispatch_uid="partycloud_observability_postrun")
    before_task_publish.connect(on_publish, weak=False, dispatch_uid="partycloud_observability_publish")
    setup_logging.connect(keep_django_logging, weak=False, dispatch_uid="partycloud_observability_logging")
