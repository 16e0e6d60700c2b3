"""Errors that services raise and the API renders as ``{code, message, field}``.

Services never import DRF: they raise ``ServiceError`` with a stable code that clients can act
on, a translated human message and, when one input is to blame, the field.

Codes are enums, one per app (``<app>/errors.py``: ``class MembersCode(ErrorCode)``), each member
a code and a one-line English description. The OpenAPI schema lists them (``partycloud.core.openapi``)
and the table in ``docs/api.md`` is generated from them (``manage.py error_codes --write``).
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any, cast

from django.conf import settings
from django.utils.functional import Promise

logger = logging.getLogger(__name__)


class ErrorCode(StrEnum):
    """Base of every app's error codes: ``NAME = "app.code", "What went wrong, in English."``.

    A member compares equal to its string (``MembersCode.BAD_DATE == "members.bad_date"``), so
    clients, tests and JSON see the plain code.
    """

    description: str

    def __new__(cls, value: str, description: str = "") -> ErrorCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member


def code_enums() -> list[type[ErrorCode]]:
    """The apps' code enums (every app's ``errors`` module is loaded once Django is set up), by module."""
    found: list[type[ErrorCode]] = []
    pending: list[type[ErrorCode]] = list(ErrorCode.__subclasses__())
    while pending:
        enum = pending.pop(0)
        found.append(enum)
        pending.extend(enum.__subclasses__())
    return sorted(found, key=lambda enum: (enum.__module__, enum.__name__))


def all_error_codes() -> dict[str, ErrorCode]:
    return {member.value: member for enum in code_enums() for member in enum}


def _as_code(code: ErrorCode | str) -> ErrorCode | str:
    if isinstance(code, ErrorCode):
        return code
    known = all_error_codes().get(code)
    if known is not None:
        return known
    # A code no enum declares is a programming error: the tests fail on it; production still answers.
    if getattr(settings, "STRICT_ERROR_CODES", False):
        raise TypeError(f"error code {code!r} is not declared in any app's errors.py")
    logger.warning("undeclared error code %s", code)
    return code


def declared_code(code: str) -> ErrorCode:
    """An adapter's code as the enum member that declares it. Adapters (``services.*``) import
    nothing of ours, so their exceptions carry plain strings; the kernel declares those codes
    (``CoreCode.MEDIA_*``, ``UploadsCode``, ``SearchCode``) and turns them back into members here.
    An undeclared one fails the tests; in production it stays a string (see ``_as_code``)."""
    return cast(ErrorCode, _as_code(code))


class CoreCode(ErrorCode):
    """Codes of the API's own answers (``core.api.exception_handler``) and of the kernel's helpers."""

    VALIDATION_INVALID = "validation.invalid", "The body or a parameter is invalid; errors lists every problem."
    AUTH_NOT_AUTHENTICATED = "auth.not_authenticated", "Sign in first."
    AUTH_FAILED = "auth.failed", "The credentials or the token were refused."
    PERMISSION_DENIED = "permission.denied", "The caller's roles do not allow this."
    NOT_FOUND = "not_found", "No such object here (or not for this caller)."
    METHOD_NOT_ALLOWED = "method_not_allowed", "This endpoint does not take that HTTP method."
    NOT_ACCEPTABLE = "not_acceptable", "The Accept header asks for a format the endpoint does not give."
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type", "The body's content type is not accepted."
    THROTTLED = "throttled", "Too many requests; retry_after says when to try again."
    DATABASE_UNAVAILABLE = (
        "core.database_unavailable",
        "The database did not answer (a restart, a failover); retry after Retry-After seconds.",
    )
    PARSE_ERROR = "parse_error", "The body could not be parsed."
    CONFIDENTIALITY_CLASSIFIED = (
        "confidentiality.classified",
        "The content carries a classified marking; nothing was stored.",
    )
    MEDIA_BAD_PLAYLIST = "media.bad_playlist", "The file is not a valid HLS playlist."
    MEDIA_ENCRYPTED_DOCUMENT = "media.encrypted_document", "The document is protected by a password."
    MEDIA_IMAGE_TOO_LARGE = "media.image_too_large", "The image has too many pixels."
    MEDIA_NOT_DOCUMENT = "media.not_document", "The document could not be read."
    MEDIA_NOT_IMAGE = "media.not_image", "The file is not an image that can be shown."
    MEDIA_NOT_VIDEO = "media.not_video", "The file is not a video that can be played."
    MEDIA_PREVIEW_FAILED = "media.preview_failed", "No preview could be made of this document."
    MEDIA_TIMEOUT = "media.timeout", "Processing the file took too long."
    MEDIA_TRANSCODE_FAILED = "media.transcode_failed", "The video could not be converted."
    MEDIA_UNAVAILABLE = "media.unavailable", "Media processing is not available on this server."
    MEDIA_UNSAFE_URI = "media.unsafe_uri", "The playlist refers to a file outside the video."
    SHEETS_MAPPING_DUPLICATE_FIELD = (
        "sheets.mapping_duplicate_field",
        "Columns <first> and <second> are both mapped to <field>.",
    )
    SHEETS_MAPPING_INVALID = (
        "sheets.mapping_invalid",
        'The mapping must be a JSON object {"sheet column": "field" or "ignore"}.',
    )
    SHEETS_MAPPING_REQUIRED = (
        "sheets.mapping_required",
        "Some required columns were not recognised (<fields>). Choose a field for each column.",
    )
    SHEETS_MAPPING_UNKNOWN_COLUMN = "sheets.mapping_unknown_column", "The sheet has no column <column>."
    SHEETS_MAPPING_UNKNOWN_FIELD = "sheets.mapping_unknown_field", "There is no field <field>."
    SHEETS_UNREADABLE = (
        "sheets.unreadable",
        "This file cannot be read. Upload an .xlsx or .csv file made from the template.",
    )


class ServiceError(Exception):
    """A business rule refused the request (HTTP 400 unless ``status`` says otherwise)."""

    status = 400

    def __init__(
        self,
        code: ErrorCode,
        message: str | Promise,
        field: str | None = None,
        *,
        status: int | None = None,
        extra: dict[str, Any] | None = None,
    ):
        super().__init__(str(message))
        self.code = _as_code(code)
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
