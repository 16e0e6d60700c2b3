"""Tracking codes (查询码) of reports and petitions: the reporter's only credential.

A code is 16 characters of an unambiguous alphabet (no 0/O, 1/I/L) drawn with ``secrets``
(31^16 ≈ 7·10^23, about 79 bits), shown ONCE when the report is filed, grouped by four
("K7QM-2XHR-…") for reading aloud. Only its keyed hash (``core.crypto.blind_index`` under a
purpose prefix) is stored; the lookup is by that hash, so the database never holds the code.
Wrong codes get one generic answer (no hint whether a report exists) and the views throttle
callers by address.
"""

from __future__ import annotations

import secrets

from django.utils.translation import gettext as _

from partycloud.core.crypto import blind_index
from partycloud.core.errors import NotFoundError
from tenants.supervision.errors import SupervisionCode
from tenants.supervision.models import Report

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16
GROUP = 4
_PURPOSE = "supervision.report.tracking:"


def new_code() -> str:
    """A fresh code, grouped for display (``XXXX-XXXX-XXXX-XXXX``)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


def normalize_code(typed: str) -> str:
    """A code as typed: spaces and dashes dropped, upper case, the look-alikes folded (O→0 is not
    in the alphabet, so a typed O or 0 cannot match anyway)."""
    return "".join(ch for ch in typed.upper() if ch not in " -\t\n")


def code_hash(code: str) -> str:
    return blind_index(_PURPOSE + normalize_code(code))


def wrong_code() -> NotFoundError:
    return NotFoundError(
        SupervisionCode.TRACKING_UNKNOWN,
        _("No report matches this tracking code. Check the code and try again."),
        "code",
    )


def report_by_code(code: str) -> Report:
    """The report a tracking code opens; the generic ``wrong_code`` error otherwise."""
    normalized = normalize_code(code)
    if len(normalized) != CODE_LENGTH or any(ch not in ALPHABET for ch in normalized):
        raise wrong_code()
    report = Report.objects.filter(tracking_code_hash=code_hash(normalized)).first()
    if report is None:
        raise wrong_code()
    return report
