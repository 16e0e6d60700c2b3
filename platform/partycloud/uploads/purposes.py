"""Upload purposes: what a feature accepts (types, size, text extraction, who may upload).

Features register theirs when their app is ready, e.g. the learning app registers
``learning.document``. Thresholds of the upload protocol live here, in one place.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from partycloud.accounts.actor import Actor
from services.storage import DataClass

MiB = 1024 * 1024

# Above this declared size the browser uploads in parts (presigned multipart), below it
# with one presigned form POST.
MULTIPART_THRESHOLD = 64 * MiB
PART_SIZE = 16 * MiB
MAX_PARTS = 10_000
# Presigned part URLs handed out per call.
MAX_PART_URLS_PER_CALL = 100
# Extracted text kept per upload (characters); the rest is cut off.
MAX_TEXT_CHARS = 2_000_000
# How many first bytes identify a file's real type.
SNIFF_BYTES = 8192
# Pending uploads older than this are aborted by the periodic cleanup.
PENDING_UPLOAD_LIFETIME_HOURS = 24


@dataclass(frozen=True)
class Purpose:
    name: str  # e.g. "learning.document"
    data_class: DataClass
    kind: str  # the <kind> segment of the key, e.g. "document"
    allowed_types: frozenset[str]  # MIME types accepted after sniffing
    max_size: int  # bytes
    extract_text: bool = False
    # Who may start such uploads. Default: a user of this host (any role in the tenant on a
    # tenant host, a group role on the root host).
    permission: Callable[[Actor], bool] | None = None


_PURPOSES: dict[str, Purpose] = {}


def register_purpose(purpose: Purpose) -> None:
    """Register (or replace, e.g. on reload) the purpose named ``purpose.name``."""
    _PURPOSES[purpose.name] = purpose


def get_purpose(name: str) -> Purpose:
    """The registered purpose; ``KeyError`` when there is none."""
    return _PURPOSES[name]


def find_purpose(name: str) -> Purpose | None:
    return _PURPOSES.get(name)


def unregister_purpose(name: str) -> None:
    _PURPOSES.pop(name, None)


def uses_multipart(size: int) -> bool:
    return size > MULTIPART_THRESHOLD


def multipart_plan(size: int) -> tuple[int, int]:
    """``(part_size, part_count)`` for a multipart upload of ``size`` bytes: 16 MiB parts, grown
    (in whole MiB) when that would need more than 10,000 parts."""
    part_size = max(PART_SIZE, math.ceil(size / MAX_PARTS / MiB) * MiB)
    return part_size, max(1, math.ceil(size / part_size))
