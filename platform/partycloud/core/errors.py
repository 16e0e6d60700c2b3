"""Errors that services raise and the API renders as ``{code, message, field}``.

Services never import DRF: they raise ``ServiceError`` with a stable code that
clients can act on, a translated human message and, when one input is to blame,
the field.
"""

from __future__ import annotations

from django.utils.functional import Promise


class ServiceError(Exception):
    """A business rule refused the request (HTTP 400 unless ``status`` says otherwise)."""

    status = 400

    def __init__(
        self,
        code: str,
        message: str | Promise,
        field: str | None = None,
        *,
        status: int | None = None,
        extra: dict[str, object] | None = None,
    ):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
        # Rendered next to code/message/field (e.g. "errors": per-row problems of an import).
        self.extra = extra or {}
        if status is not None:
            self.status = status


class NotAllowed(ServiceError):
    """The caller may not do this (HTTP 403)."""

    status = 403


class NotFoundError(ServiceError):
    """The object does not exist for this caller (HTTP 404)."""

    status = 404


class Conflict(ServiceError):
    """The request conflicts with the current state (HTTP 409)."""

    status = 409
