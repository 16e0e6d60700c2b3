"""The media side's background work: the recording of an ended lesson into the library, the
sweep of lessons stuck live, the clean-up of old HLS folders. tenants/live/tasks.py re-exports
these and merges ``MEDIA_SCHEDULE`` into the app's beat ``SCHEDULE``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from celery.schedules import crontab
from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone

from partycloud.tenancy.models import PartyCommittee
from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry
from tenants.live.audience import LessonRef
from tenants.live.models import Lesson, LessonStatus, StreamKey
from tenants.live.recording import clean_stale_hls, do_take_recording
from tenants.live.services import CLOSES_AFTER, do_end_publishing
from tenants.live.signals import lesson_ended

__all__ = ["MEDIA_SCHEDULE", "clean_hls_folders", "sweep_lessons", "take_recording"]


@tenant_task(name="live.take_recording", acks_late=True)
def take_recording(lesson_id: int) -> str:
    """The ended lesson's recordings → a draft video in the library of its schema."""
    return do_take_recording(lesson_id)


@receiver(lesson_ended, dispatch_uid="live.media.take_recording")
def _recording_after_end(sender: Any, ref: LessonRef, lesson: Lesson, **kwargs: Any) -> None:
    # The task runs in the schema it is sent from: the lesson's (the group's for a group lesson).
    tenant = PartyCommittee.objects.filter(schema_name=ref.schema).first()
    if tenant is None:
        return
    with tenant:
        take_recording.apply_async((lesson.pk,), countdown=settings.LIVE_RECORDING_DELAY_SECONDS)


def do_sweep_lessons(now: datetime | None = None) -> dict[str, int]:
    """End lessons stuck live past the window (a lost on_publish_done), through the same path as
    the media server's call (``lesson_ended`` follows: recording, chat, notifications), and clear
    publishing flags no live lesson explains (active schema)."""
    now = now or timezone.now()
    stuck = list(
        Lesson.objects.filter(status=LessonStatus.LIVE, planned_end_at__lt=now - CLOSES_AFTER).values_list(
            "pk", flat=True
        )
    )
    for lesson_id in stuck:
        do_end_publishing(lesson_id, now=now)
    stale = (
        StreamKey.objects.filter(publishing=True)
        .exclude(lesson__status=LessonStatus.LIVE, revoked_at__isnull=True)
        .update(publishing=False, publishing_since=None)
    )
    return {"ended": len(stuck), "stale_flags": stale}


@tenant_task(name="live.sweep_lessons")
def sweep_lessons() -> dict[str, int]:
    return do_sweep_lessons()


@tenant_task(name="live.clean_hls_folders")
def clean_hls_folders() -> int:
    """HLS folders of streams that ended over an hour ago (the media server leaves them)."""
    return clean_stale_hls()


MEDIA_SCHEDULE = {
    # Each tenant's lessons, and the group's (public schema) in a plain entry.
    "live-sweep": tenant_beat_entry("live.sweep_lessons", crontab(minute="*/5"), window_seconds=60),
    "live-sweep-group": {"task": "live.sweep_lessons", "schedule": crontab(minute="*/5")},
    "live-clean-hls": {"task": "live.clean_hls_folders", "schedule": crontab(minute="*/10")},
}
