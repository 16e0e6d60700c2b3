"""Log formats: one JSON object a line (production) or readable text (development).

Every line carries the work it belongs to (``context``): ``request_id``, ``tenant`` (schema),
``user`` (id) during a request or WebSocket, ``task_id``/``task`` and ``tenant`` in a Celery
task. Mainland mobile numbers and resident ID-card numbers are masked in every line, message
and traceback alike: the logs leave the platform (log shippers, support tickets), personal
data must not.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from partycloud.observability.context import current

# Digits not glued to other digits/letters: an 18-character ID card (last one may be X) and a
# mainland mobile number (1, then 3-9, then nine digits; an optional +86/86 prefix goes too).
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<![0-9A-Za-z+])(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)")
# Credentials that travel in URLs and headers: a WebSocket's ?token=<JWT> (uvicorn logs the path),
# presigned URLs' signatures, sign-in challenges, any JWT, a Bearer header.
_URL_SECRET = re.compile(
    r"(?i)([?&;](?:token|access|refresh|secret|challenge|signature|x-amz-signature|x-amz-credential|x-amz-security-token)=)[^&\s\"']+"
)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
_BEARER = re.compile(r"(?i)\b(Bearer\s+)[A-Za-z0-9._~+/=-]+")

# LogRecord's own attributes: anything else on a record came from ``extra=`` and is logged.
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def mask_personal_data(text: str) -> str:
    """Phone and ID-card numbers, and credentials (tokens, signatures), out of a log line."""
    if "=" in text or "eyJ" in text or "earer" in text:
        text = _BEARER.sub(r"\1<secret>", _JWT.sub("<jwt>", _URL_SECRET.sub(r"\1<secret>", text)))
    if not any(character.isdigit() for character in text):
        return text
    return _PHONE.sub("<phone>", _ID_CARD.sub("<id-card>", text))


def work_fields() -> dict[str, str]:
    """The context of the line: only the keys that have a value."""
    work = current()
    if work is None:
        return {}
    fields = {
        "request_id": work.request_id,
        "tenant": work.current_tenant(),
        "user": work.current_user(),
        "task_id": work.task_id,
        "task": work.task_name,
    }
    return {key: value for key, value in fields.items() if value}


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", <context>, <extra>, "exc_info"}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_personal_data(record.getMessage()),
            **work_fields(),
        }
        for key, value in record.__dict__.items():
            if key not in _RECORD_FIELDS and not key.startswith("_") and key not in entry:
                entry[key] = (
                    value if isinstance(value, int | float | bool | type(None)) else mask_personal_data(str(value))
                )
        if record.exc_info:
            entry["exc_info"] = mask_personal_data(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack_info"] = mask_personal_data(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``time LEVEL logger [request_id tenant user] message`` for people reading a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(work)s%(message)s")

    def format(self, record: logging.LogRecord) -> str:
        fields = work_fields()
        record.work = f"[{' '.join(f'{k}={v}' for k, v in fields.items())}] " if fields else ""
        return mask_personal_data(super().format(record))


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """Django's LOGGING for ``LOG_FORMAT`` (json or text); uvicorn's and Celery's loggers go through it."""
    formatter = {
        "json": "partycloud.observability.logs.JsonFormatter",
        "text": "partycloud.observability.logs.TextFormatter",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": {"()": formatter[log_format]}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "main"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # uvicorn and Celery install handlers of their own: send theirs through ours instead.
            "uvicorn": {"handlers": ["console"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": ["console"], "level": level, "propagate": False},
            "celery": {"handlers": ["console"], "level": level, "propagate": False},
        },
    }
