"""The confidentiality gate (DOMAIN_RULES §8): nothing classified on an internet-facing system.

Classified documents carry a *marking*: the level (绝密, 机密, 秘密, or 涉密) with a star and
often a period ("机密★1年", "秘密★"), a 密级 line ("密级：秘密"), a bracketed level ("【绝密】",
"（机密）", "【涉密】"), or the level alone on a line (the stamp at the top of a page). The gate
looks for markings, not for the bare words: the Party Constitution asks every member to
"保守党的秘密", and a regulation on managing 涉密人员 is itself public; both must pass.

One function decides for titles, descriptions, post bodies and extracted file text alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from partycloud.core.errors import CoreCode, ServiceError

_LEVEL = r"(?:绝密|机密|秘密|涉密)"
_MARKINGS = re.compile(
    "|".join(
        [
            rf"{_LEVEL}\s*[★☆*＊]",  # 机密★1年, 秘密★
            rf"[★☆]\s*{_LEVEL}",
            rf"密\s*级\s*[:：]?\s*{_LEVEL}",  # 密级：秘密
            rf"[【\[〔（(]\s*{_LEVEL}\s*[】\]〕）)]",  # 【绝密】 （机密）
            rf"^\s*{_LEVEL}\s*$",  # a level alone on its line: the stamp at the top of a page
        ]
    ),
    re.MULTILINE,
)


@dataclass(frozen=True)
class Marking:
    """A classified marking found in a text: the words as written and where they were."""

    text: str
    source: str


def find_marking(texts: Iterable[tuple[str, str | None]]) -> Marking | None:
    """The first classified marking in ``(source, text)`` pairs, e.g. ``("title", "…")``, or None."""
    for source, text in texts:
        if not text:
            continue
        # Full-width letters and stars as typed by Chinese input methods fold to one form.
        folded = unicodedata.normalize("NFKC", text)
        match = _MARKINGS.search(folded)
        if match:
            return Marking(text=match.group(0).strip(), source=source)
    return None


CLASSIFIED = CoreCode.CONFIDENTIALITY_CLASSIFIED


def check_unclassified(texts: Iterable[tuple[str, str | None]]) -> None:
    """Raise ``ServiceError(CLASSIFIED)`` when any text carries a classified marking.

    The caller deletes whatever it had already received and records the refusal in the audit log.
    """
    marking = find_marking(texts)
    if marking is not None:
        raise ServiceError(
            CLASSIFIED,
            _(
                "This content carries the classified marking “%(marking)s” (in the %(source)s). "
                "Classified material must not be put on an internet-facing system: nothing was stored."
            )
            % {"marking": marking.text, "source": _source_label(marking.source)},
            field=marking.source if marking.source in {"title", "description", "body"} else "file",
            extra={"marking": marking.text, "source": marking.source},
        )


def _source_label(source: str) -> str:
    labels = {"title": _("title"), "description": _("description"), "body": _("body"), "file": _("file text")}
    return labels.get(source, source)
