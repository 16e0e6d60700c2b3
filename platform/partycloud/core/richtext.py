"""Rich text from editors is sanitized on the way in: a fixed allow-list, no scripts, no styles."""

from __future__ import annotations

import html
import re

import nh3

_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup", "blockquote",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "figure", "figcaption", "span",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan", "rowspan"}}
_BLOCK_END = re.compile(r"</(?:p|h[2-4]|li|blockquote|tr|figure)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\u3000]+")


def sanitize_html(value: str) -> str:
    """The HTML kept: allowed tags and attributes only; links get rel=noopener noreferrer."""
    return nh3.clean(
        value,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def html_to_text(value: str) -> str:
    """Plain text of (sanitized) HTML: for search, summaries and the confidentiality gate."""
    text = _TAG.sub("", _BLOCK_END.sub("\n", value))
    lines = (_SPACES.sub(" ", line).strip() for line in html.unescape(text).splitlines())
    return "\n".join(line for line in lines if line)
