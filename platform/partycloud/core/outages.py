"""Answers for a dependency that does not respond: the database or the object store.

Both are outages of a few seconds to minutes (a restart, a failover, a network cut), not bugs:
the client gets a 503 ``{code, message, field}`` with ``Retry-After`` instead of a 500 page,
and the next request works as soon as the dependency is back, without restarting the app.
The DRF exception handler (``core.api``) answers API views; the ``handler500`` of the URL confs
(``tenancy.middleware.server_error``) answers everything else, middleware included (the tenant
lookup is the first query of every request).

See docs/deploy.md, "When a dependency fails".
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.utils.translation import gettext as _

from partycloud.core.errors import CoreCode, declared_code
from services.storage.base import StorageUnavailable

logger = logging.getLogger(__name__)

# What a database that is restarting, failing over or unreachable raises (through Django's
# wrappers): a refused or dropped connection, "terminating connection due to administrator
# command", a closed connection reused.
DATABASE_ERRORS = (OperationalError, InterfaceError)


def drop_broken_connections() -> None:
    """Close this thread's database connections that the error left unusable, so that the next
    request opens a fresh one (persistent connections, ``CONN_MAX_AGE`` > 0, would otherwise keep
    a dead socket)."""
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(Exception):
            if connection.connection is not None and not connection.is_usable():
                connection.close()


def unavailable_body(error: BaseException) -> tuple[dict[str, Any], dict[str, str]] | None:
    """The 503 body and headers for an outage error; None when ``error`` is not one."""
    if isinstance(error, DATABASE_ERRORS):
        logger.warning("database unavailable: %s: %s", type(error).__name__, str(error).strip())
        drop_broken_connections()
        code: str = CoreCode.DATABASE_UNAVAILABLE
        message = _("The service is briefly unavailable. Try again in a moment.")
    elif isinstance(error, StorageUnavailable):
        logger.warning("object store unavailable: %s", error)
        code = declared_code(error.code)
        message = _("The file store is not answering; nothing was changed. Try again in a few minutes.")
    else:
        return None
    body = {"code": code, "message": str(message), "field": None}
    return body, {"Retry-After": str(settings.UNAVAILABLE_RETRY_AFTER_SECONDS)}
