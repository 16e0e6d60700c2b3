"""What a viewer plays: the signed HLS URL of a live lesson, the published replay of an ended one.

(Filled by the media part of issue 13; until then no playback is offered.)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tenants.live.audience import LessonRef
from tenants.live.models import Lesson


def playback_for(ref: LessonRef, lesson: Lesson, now: datetime) -> dict[str, Any] | None:
    """``{"url", "expires_at"}`` while ``lesson`` is live and a media server is configured; else None."""
    return None


def replay_for(ref: LessonRef, lesson: Lesson) -> dict[str, Any] | None:
    """``{"video_uuid", "status"}`` once the lesson's recording is in the library; else None."""
    return None
