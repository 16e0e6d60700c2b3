"""What the chat refuses before anything is broadcast, and the words each list refuses.

The order (docs/live.md, "Chat"): empty or too long → muted → rate limit → slow mode → classified
marking (§8, the platform's one detector ``partycloud.core.confidentiality``) → sensitive words. The
first three checks on text are here; muted, rate limit and slow mode need the room's Redis state
(``tenants.live.chat``). A refusal goes to the sender only, with its code and a message in their
language.

Sensitive words: each tenant's editable list (``SensitiveWord`` in its schema) applies to its
lessons; a group lesson applies the group's list (the public schema's rows) and the sender's
tenant's list. Lists are cached per process for ``WORDS_TTL`` seconds, keyed by schema.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.audit.services import do_record_audit
from partycloud.core.confidentiality import find_marking
from partycloud.core.errors import Conflict, ServiceError
from tenants.live.errors import LiveCode
from tenants.live.models import SensitiveWord

MAX_LENGTH = 500
WORDS_TTL = 30.0


@dataclass(frozen=True)
class Refusal:
    code: LiveCode
    message: str


def refusal(code: LiveCode) -> Refusal:
    """The refusal for ``code`` in the active language."""
    return Refusal(code, _refusal_messages()[code])


def _refusal_messages() -> dict[LiveCode, str]:
    return {
        LiveCode.CHAT_EMPTY: _("Type a message first."),
        LiveCode.CHAT_TOO_LONG: _("A chat message has at most %(limit)s characters.") % {"limit": MAX_LENGTH},
        LiveCode.CHAT_SENSITIVE: _("The message contains a word that is not allowed in this chat."),
        LiveCode.CHAT_CLASSIFIED: _(
            "The message carries a classified marking; classified material must not be put on an "
            "internet-facing system. Nothing was sent."
        ),
        LiveCode.CHAT_RATE_LIMITED: _("Too many messages in a short time; wait a few seconds."),
        LiveCode.CHAT_SLOW_MODE: _("Slow mode is on: one message every few seconds per person."),
        LiveCode.CHAT_MUTED: _("A host muted you in this chat."),
        LiveCode.CHAT_NOT_HOST: _("Only the lesson's hosts may do this."),
        LiveCode.CHAT_CLOSED: _("The chat of this lesson is closed."),
    }


def fold(text: str) -> str:
    """Full-width forms folded, case ignored, spaces dropped: how words are compared."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def check_length(text: str) -> LiveCode | None:
    if not text.strip():
        return LiveCode.CHAT_EMPTY
    if len(text) > MAX_LENGTH:
        return LiveCode.CHAT_TOO_LONG
    return None


def check_content(text: str, words: Iterable[str]) -> LiveCode | None:
    """The classified-marking gate, then the sensitive words (already folded)."""
    if find_marking([("text", text)]) is not None:
        return LiveCode.CHAT_CLASSIFIED
    folded = fold(text)
    if any(word and word in folded for word in words):
        return LiveCode.CHAT_SENSITIVE
    return None


# schema -> (loaded at, folded words)
_cache: dict[str, tuple[float, frozenset[str]]] = {}


def words_of_active_schema(schema: str) -> frozenset[str]:
    """The folded sensitive words of the active schema (``schema`` names it for the cache)."""
    cached = _cache.get(schema)
    now = time.monotonic()
    if cached is not None and now - cached[0] < WORDS_TTL:
        return cached[1]
    words = frozenset(fold(word) for word in SensitiveWord.objects.values_list("word", flat=True))
    _cache[schema] = (now, words)
    return words


def cached_words(schema: str) -> frozenset[str] | None:
    """The cached list of ``schema`` if fresh (no database work), else None."""
    cached = _cache.get(schema)
    if cached is not None and time.monotonic() - cached[0] < WORDS_TTL:
        return cached[1]
    return None


def forget_words(schema: str) -> None:
    """Drop this process's cached list of ``schema`` (after an edit here)."""
    _cache.pop(schema, None)


@transaction.atomic
def do_add_sensitive_word(word: str, *, actor: Actor, schema: str) -> SensitiveWord:
    """Add a word to the active schema's list (the tenant's, or the group's in public)."""
    word = unicodedata.normalize("NFKC", word).strip()
    if not word or len(word) > 50:
        raise ServiceError(LiveCode.WORD_REQUIRED, _("Enter a word of at most 50 characters."), "word")
    if any(fold(existing) == fold(word) for existing in SensitiveWord.objects.values_list("word", flat=True)):
        raise Conflict(LiveCode.WORD_EXISTS, _("This word is already on the list."), "word")
    created = SensitiveWord.objects.create(word=word)
    do_record_audit(
        event="live.sensitive_word.add", actor=actor, target_type="live.sensitive_word", target_id=created.pk,
        target_label=word, details={"word": word},
    )  # fmt: skip
    transaction.on_commit(lambda: forget_words(schema))
    return created


@transaction.atomic
def do_delete_sensitive_word(word: SensitiveWord, *, actor: Actor, schema: str) -> None:
    do_record_audit(
        event="live.sensitive_word.delete", actor=actor, target_type="live.sensitive_word", target_id=word.pk,
        target_label=word.word, details={"word": word.word},
    )  # fmt: skip
    word.delete()
    transaction.on_commit(lambda: forget_words(schema))
