"""Celery tasks and beat entries of live lessons (the media part: tenants.live.media_tasks)."""

from __future__ import annotations

from tenants.live.media_tasks import *  # noqa: F403
from tenants.live.media_tasks import MEDIA_SCHEDULE

SCHEDULE = {**MEDIA_SCHEDULE}
