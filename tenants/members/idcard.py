"""Resident ID-card numbers (GB 11643-1999): 17 digits and a check character."""

from __future__ import annotations

import unicodedata
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def normalize_id_card(raw: str) -> str:
    """Full-width characters, spaces and a lower-case x are what people actually type."""
    return unicodedata.normalize("NFKC", raw).replace(" ", "").strip().upper()


def id_card_check_character(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def id_card_problem(number: str) -> str | None:
    """None when valid, else a short English reason (translated by the caller)."""
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        return "format"
    if id_card_check_character(number[:17]) != number[17]:
        return "checksum"
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "birth_date"
    if born > date.today() or born.year < 1900:
        return "birth_date"
    return None


def birth_date_of(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def mask_id_card(number: str) -> str:
    return f"{number[:3]}{'*' * 11}{number[-4:]}" if len(number) == 18 else "*" * len(number)
