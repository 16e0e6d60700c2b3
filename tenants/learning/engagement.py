"""Read-only queries for the points recorders (tenants.points.sources): what a user studied, as
the learning platform counted it. Nothing here writes; points never feed back into learning."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from tenants.learning.models import StudyDay, StudyEvent, StudyEventKind

# Events counted one by one; study time is read per day from StudyDay (see study_days).
COUNTED_KINDS = (StudyEventKind.ARTICLE_READ, StudyEventKind.VIDEO_WATCHED, StudyEventKind.QUIZ_COMPLETED)


def study_events(since: datetime | None, user_ids: Collection[int] | None) -> list[tuple[int, int, str, datetime]]:
    """``(id, user_id, kind, occurred_at)`` of counted study events (article read, video
    watched, quiz completed) that occurred at or after ``since``."""
    events = StudyEvent.objects.filter(kind__in=COUNTED_KINDS)
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    if user_ids is not None:
        events = events.filter(user_id__in=list(user_ids))
    return list(events.order_by("id").values_list("id", "user_id", "kind", "occurred_at"))


def study_days(
    since: datetime | None, user_ids: Collection[int] | None
) -> list[tuple[int, date, int, int, datetime | None]]:
    """``(user_id, day, reading_seconds, video_seconds, last_counted_at)`` of the days whose
    time was counted at or after ``since`` (every day when None; ``last_counted_at`` may be None on
    days written in bulk, e.g. the demo's history): the seconds that COUNT (playing, in the
    foreground, once across tabs and devices), before the study rule's daily credit cap."""
    days = StudyDay.objects.all()
    if since is not None:
        days = days.filter(last_counted_at__gte=since)
    if user_ids is not None:
        days = days.filter(user_id__in=list(user_ids))
    return list(
        days.order_by("id").values_list("user_id", "day", "reading_seconds", "video_seconds", "last_counted_at")
    )
