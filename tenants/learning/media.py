"""The learning platform's video pipeline as functions other apps reuse (the exchange's posts):
a stored upload → an HLS ladder and a poster in the media store, and the signed playback URL the
learning HLS endpoint (``/api/v1/learning/hls/<token>/…``) serves.

Nothing here knows a ``Resource``: the learning task and the exchange's task each keep their own
row up to date around these calls.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core import signing

from partycloud.uploads.services import object_key
from services.media.video import transcode_to_hls
from services.storage import DataClass, get_storage
from services.tasks.pause import pause_point

HLS_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
HLS_SALT = "learning.hls"
# Segments are fetched while the video plays: their URLs live as long as the video plus an hour.
HLS_EXTRA_SECONDS = 3600
HLS_MAX_SECONDS = 7 * 24 * 3600  # S3's limit for presigned URLs


@dataclass(frozen=True)
class Transcoded:
    hls_prefix: str
    renditions: list[str]
    duration: float
    poster_key: str


def output_identity(owner: uuid.UUID, output: str, file_key: str) -> uuid.UUID:
    """Where ``owner``'s ``output`` of its current file goes: the same place each time the task
    runs for that file (a rerun replaces it), a new one for a new file."""
    return uuid.uuid5(owner, f"{output}:{file_key}")


def upload_tree(root: Path, prefix: str) -> list[str]:
    """The tree under ``prefix``, replacing whatever an earlier, interrupted run left there."""
    storage = get_storage()
    storage.delete_prefix(DataClass.MEDIA, f"{prefix}/")
    keys = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            key = f"{prefix}/{path.relative_to(root).as_posix()}"
            storage.put(DataClass.MEDIA, key, path, content_type=HLS_TYPES.get(path.suffix, "application/octet-stream"))
            keys.append(key)
            pause_point("learning.media.uploading")
    return keys


def download_video(file_key: str, work: Path) -> Path:
    """The stored video ``file_key`` as a local file in ``work``."""
    source = work / "source"
    get_storage().download_to(DataClass.MEDIA, file_key, source)
    return source


def transcode_video(
    source: Path, work: Path, *, owner: uuid.UUID, file_key: str, progress: Callable[[float], None]
) -> Transcoded:
    """Transcode the local ``source`` (the stored ``file_key`` of ``owner``) to an HLS ladder and
    store it; ``progress`` gets fractions of the transcoding (the upload of the ladder follows)."""
    out = work / "hls"
    out.mkdir()
    result = transcode_to_hls(source, out, progress=progress)
    prefix = object_key("video", name="hls", identity=output_identity(owner, "hls", file_key))
    upload_tree(out, prefix)
    return Transcoded(
        hls_prefix=prefix,
        renditions=list(result.renditions),
        duration=result.duration,
        poster_key=f"{prefix}/{result.poster.relative_to(out).as_posix()}",
    )


def hls_play_url(hls_prefix: str, duration_seconds: float | None) -> str:
    """The signed master-playlist URL of a transcoded video (the token is the authorization)."""
    lifetime = min(int(duration_seconds or 0) + HLS_EXTRA_SECONDS, HLS_MAX_SECONDS)
    token = signing.dumps({"p": hls_prefix, "t": lifetime}, salt=HLS_SALT, compress=True)
    return f"/api/v1/learning/hls/{token}/master.m3u8"
