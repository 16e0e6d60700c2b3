"""Chinese word segmentation with jieba, and highlighting on the original text.

PostgreSQL's parser does not split Chinese into words, so the PostgreSQL backend indexes
jieba's output joined by spaces. Both sides (documents and queries) use ``cut_for_search``,
which also emits the shorter words inside long ones (共产党员 → 共产, 党员, 共产党, 共产党员):
a query for 党员 finds 共产党员.
"""

from __future__ import annotations

import html
import logging
import re
import threading
import warnings
from collections.abc import Iterable, Iterator
from typing import Any

with warnings.catch_warnings():  # jieba's regular expressions predate Python 3.12's escape warnings
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", SyntaxWarning)
    import jieba  # type: ignore[import-untyped]

MAX_QUERY_TERMS = 32
FRAGMENT_CHARS = 100
MAX_FRAGMENTS = 3

_ready = False
_lock = threading.Lock()


def _tokenizer() -> Any:
    """jieba, loaded once per process (about half a second with its cache, quietly)."""
    global _ready
    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba


def _is_word(token: str) -> bool:
    """Keep words and numbers; drop spaces and punctuation (、，。 would become lexemes otherwise)."""
    return any(character.isalnum() for character in token)


def words_for_index(text: str) -> Iterator[str]:
    for token in _tokenizer().cut_for_search(text):
        if _is_word(token):
            yield token


def segmented(text: str) -> str:
    """The text as space-separated words, ready for ``to_tsvector('simple', …)``."""
    return " ".join(words_for_index(text))


def _unique_lower(tokens: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for token in tokens:
        if _is_word(token):
            seen.setdefault(token.lower(), None)
        if len(seen) >= MAX_QUERY_TERMS:
            break
    return list(seen)


def query_terms(text: str) -> list[str]:
    """The terms a query requires (all of them), segmented like the documents."""
    return _unique_lower(_tokenizer().cut_for_search(text))


def _single_chinese(word: str) -> bool:
    return len(word) == 1 and not word.isascii()


def query_words(text: str) -> list[str]:
    """The query as whole words (precise mode), for an engine that analyzes each word itself.

    A single Chinese character joins the word it touches, the next one first (新时代 → 新 +
    时代 → 新时代): a bigram analyzer indexes no single characters, so 新 alone never matches."""
    tokens = [(word, start, end) for word, start, end in _tokenizer().tokenize(text) if _is_word(word)]
    words: list[tuple[str, int, int]] = []
    for index, (word, start, end) in enumerate(tokens):
        if _single_chinese(word):
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if following and following[1] == end and not following[0].isascii():
                tokens[index + 1] = (word + following[0], start, following[2])
                continue
            if words and words[-1][2] == start and not words[-1][0].isascii():
                words[-1] = (words[-1][0] + word, words[-1][1], end)
                continue
        words.append((word, start, end))
    return _unique_lower(word for word, _start, _end in words)


# ---------------------------------------------------------------- highlighting


def _term_pattern(terms: list[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    alternatives = []
    for term in sorted(terms, key=len, reverse=True):  # longest first: 共产党员 before 党员
        escaped = re.escape(term)
        # Latin words and numbers match whole (no "art" inside "party"); Chinese matches anywhere.
        if term.isascii():
            escaped = rf"(?<![0-9A-Za-z]){escaped}(?![0-9A-Za-z])"
        alternatives.append(escaped)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    parts: list[str] = []
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        parts.append(html.escape(text[position:span_start]))
        parts.append(f"<em>{html.escape(text[span_start:span_end])}</em>")
        position = span_end
    parts.append(html.escape(text[position:end]))
    return "".join(parts)


def highlight(text: str, terms: list[str], *, whole: bool = False) -> list[str]:
    """Fragments of ``text`` around the terms: escaped, matches in ``<em>``. ``whole``: one
    fragment of the entire text (titles). No match: no fragment."""
    pattern = _term_pattern(terms)
    if pattern is None or not text:
        return []
    spans = [match.span() for match in pattern.finditer(text)]
    if not spans:
        return []
    if whole:
        return [_marked(text, spans, 0, len(text))]
    fragments: list[tuple[int, int, int, int]] = []  # (distinct terms, matches, start, end)
    index = 0
    while index < len(spans):
        start = max(0, spans[index][0] - FRAGMENT_CHARS // 5)
        end = min(len(text), start + FRAGMENT_CHARS)
        inside = [span for span in spans[index:] if span[0] < end]
        end = max(end, inside[-1][1])  # never cut a match in two
        distinct = {text[s:e].lower() for s, e in inside}
        fragments.append((len(distinct), len(inside), start, end))
        index += len(inside)
    best = sorted(fragments, key=lambda f: (-f[0], -f[1], f[2]))[:MAX_FRAGMENTS]
    return [_marked(text, spans, start, end).strip() for _, _, start, end in sorted(best, key=lambda f: f[2])]
