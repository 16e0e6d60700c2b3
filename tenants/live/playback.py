"""What a viewer plays: the signed HLS URL of a live lesson, the replay of an ended one.

The HLS server serves only signed paths (nginx ``secure_link``, scripts/liveingest.py and the
Helm chart): ``<LIVE_HLS_BASE_URL>/<token>/<expires>/<playback name>/index.m3u8`` where token is
the base64url MD5 (no padding) of ``"<expires>/<playback name> <LIVE_HLS_SECRET>"``. The token
and expiry are in the path, so the playlist's relative segment URLs carry them too. A wrong
token answers 403, an expired one 410; players renew before ``expires_at``
(``POST watch/{scope}/{id}/playback``, tenants.live.playback_api).
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from tenants.learning.models import Resource
from tenants.live.audience import LessonRef, in_lesson_schema
from tenants.live.models import Lesson, LessonStatus, StreamKey

PLAYLIST = "index.m3u8"


def playback_configured() -> bool:
    return bool(settings.LIVE_HLS_BASE_URL and settings.LIVE_HLS_SECRET)


def hls_token(name: str, expires: int, secret: str) -> str:
    """nginx secure_link_md5 ``"$expires/$name <secret>"``, base64url without padding."""
    digest = hashlib.md5(f"{expires}/{name} {secret}".encode(), usedforsecurity=False).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def signed_playlist_url(name: str, expires: int) -> str:
    base = settings.LIVE_HLS_BASE_URL.rstrip("/")
    return f"{base}/{hls_token(name, expires, settings.LIVE_HLS_SECRET)}/{expires}/{name}/{PLAYLIST}"


def current_playback_name(ref: LessonRef) -> str:
    """The playback name the lesson is being published under now; "" when none is."""
    with in_lesson_schema(ref):
        key = (
            StreamKey.objects.filter(lesson_id=ref.lesson_id, publishing=True)
            .exclude(playback_name="")
            .order_by("-publishing_since")
            .first()
        )
    return key.playback_name if key is not None else ""


def playback_for(ref: LessonRef, lesson: Lesson, now: datetime) -> dict[str, Any] | None:
    """``{"url", "expires_at"}`` while ``lesson`` is live and a media server is configured; else None."""
    if lesson.status != LessonStatus.LIVE or not playback_configured():
        return None
    name = current_playback_name(ref)
    if not name:
        return None
    expires_at = now.replace(microsecond=0) + timedelta(seconds=settings.LIVE_PLAYBACK_TTL_SECONDS)
    return {"url": signed_playlist_url(name, int(expires_at.timestamp())), "expires_at": expires_at}


def replay_for(ref: LessonRef, lesson: Lesson) -> dict[str, Any] | None:
    """``{"video_uuid", "status"}`` once the lesson's recording is in the library (``status`` the
    resource's: draft until an admin publishes it); else None."""
    if lesson.recording_resource_uuid is None:
        return None
    with in_lesson_schema(ref):
        resource = Resource.objects.filter(uuid=lesson.recording_resource_uuid).only("uuid", "status").first()
    if resource is None:
        return None
    return {"video_uuid": str(resource.uuid), "status": resource.status}
