"""HLS playlists for signed delivery.

Segments sit in object storage behind short-lived presigned URLs, so the app serves the
playlists itself and rewrites every URI on the way out: segment and key URIs through ``sign``,
variant playlist URIs (master playlists) through ``playlist_url``. Only plain relative names
such as ``seg_00001.ts`` or ``360p/index.m3u8`` are accepted; anything else is refused, so a
tampered playlist cannot make the app sign keys outside the video's own folder.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.utils.translation import gettext

from services.media.errors import MediaError

log = logging.getLogger(__name__)

_HEADER = re.compile(r"#EXTM3U[ \t]*(?:\r?\n|$)")
# One attribute of an attribute list; quoted values may hold commas and '=' (RFC 8216 §4.2).
_ATTRIBUTE = re.compile(r'([A-Z0-9-]+)=("[^"\r\n]*"|[^,\r\n]*)')
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_~.-]+(?:/[A-Za-z0-9_~.-]+)*$")
# The tags whose attribute list may hold a URI (RFC 8216 and its low-latency additions). Others,
# such as EXTINF titles, are free text that merely might contain 'URI="'.
_URI_TAGS = frozenset(
    {
        "#EXT-X-KEY",
        "#EXT-X-MAP",
        "#EXT-X-PART",
        "#EXT-X-PRELOAD-HINT",
        "#EXT-X-RENDITION-REPORT",
        "#EXT-X-MEDIA",
        "#EXT-X-I-FRAME-STREAM-INF",
        "#EXT-X-SESSION-KEY",
        "#EXT-X-SESSION-DATA",
    }
)
# Which of them are rewritten; a URI in any other is refused (we never produce those).
_SIGNED_TAGS = ("#EXT-X-KEY", "#EXT-X-MAP", "#EXT-X-PART", "#EXT-X-PRELOAD-HINT")
_PLAYLIST_TAGS = ("#EXT-X-MEDIA", "#EXT-X-I-FRAME-STREAM-INF")


def is_safe_relative(uri: str) -> bool:
    """True for a plain relative path: letters, digits, ``_~.-`` and ``/`` between non-empty names.

    No scheme, no leading ``/``, no ``.``/``..`` segments, no query, fragment, escapes or spaces.
    """
    return bool(_SAFE_NAME.match(uri)) and not any(part in (".", "..") for part in uri.split("/"))


def rewrite_media_playlist(text: str, sign: Callable[[str], str]) -> str:
    """Replace every segment URI line and every ``URI="…"`` attribute (EXT-X-KEY, EXT-X-MAP …) with
    ``sign(uri)``, the URI as written; every other byte stays as it was."""
    if "#EXT-X-STREAM-INF" in text:
        raise _bad_playlist("a master playlist where a media playlist was expected")
    return _rewrite(text, sign, lambda tag: sign if tag in _SIGNED_TAGS else None)


def rewrite_master_playlist(text: str, playlist_url: Callable[[str], str]) -> str:
    """Replace the variant URIs (and the playlist URIs of EXT-X-MEDIA / EXT-X-I-FRAME-STREAM-INF)
    with ``playlist_url(uri)``; every other byte stays as it was."""
    if "#EXTINF" in text:
        raise _bad_playlist("a media playlist where a master playlist was expected")
    return _rewrite(text, playlist_url, lambda tag: playlist_url if tag in _PLAYLIST_TAGS else None)


def _rewrite(
    text: str,
    for_line: Callable[[str], str],
    for_tag: Callable[[str], Callable[[str], str] | None],
) -> str:
    if not _HEADER.match(text):
        raise _bad_playlist("no #EXTM3U header")
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        uri = body.strip()
        if not uri:
            out.append(line)
        elif uri.startswith("#"):
            out.append(_rewrite_tag(body, for_tag) + ending)
        else:
            start = body.index(uri)
            out.append(body[:start] + _replacement(uri, for_line) + body[start + len(uri) :] + ending)
    return "".join(out)


def _rewrite_tag(body: str, for_tag: Callable[[str], Callable[[str], str] | None]) -> str:
    name, _, attributes = body.partition(":")
    if name.strip() not in _URI_TAGS:
        return body
    pieces = []
    position = 0
    for match in _ATTRIBUTE.finditer(attributes):
        if match.group(1) != "URI":
            continue
        value = match.group(2)
        if len(value) < 2 or not (value.startswith('"') and value.endswith('"')):
            raise _bad_playlist(f"unquoted URI in {name.strip()}")
        rewrite = for_tag(name.strip())
        if rewrite is None:
            raise _bad_playlist(f"unsupported URI in {name.strip()}")
        pieces += [attributes[position : match.start(2)], f'"{_replacement(value[1:-1], rewrite)}"']
        position = match.end(2)
    return f"{name}:{''.join(pieces)}{attributes[position:]}"


def _replacement(uri: str, rewrite: Callable[[str], str]) -> str:
    if not is_safe_relative(uri):
        log.warning("unsafe URI in an HLS playlist: %r", uri[:200])
        raise MediaError("media.unsafe_uri", gettext("The playlist refers to a file outside the video."))
    result = rewrite(uri)
    if any(character in result for character in '"\r\n'):
        raise ValueError(f"the rewritten URI for {uri!r} would break the playlist")
    return result


def _bad_playlist(reason: str) -> MediaError:
    log.warning("bad HLS playlist: %s", reason)
    return MediaError("media.bad_playlist", gettext("The file is not a valid HLS playlist."))
