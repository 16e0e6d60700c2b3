"""Live lessons' background work: announcing lessons to their audience and the 15-minute reminder
(the media part: tenants.live.media_tasks)."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry
from tenants.live.audience import LessonRef, LessonScope
from tenants.live.media_tasks import *  # noqa: F403
from tenants.live.media_tasks import MEDIA_SCHEDULE
from tenants.live.models import Lesson
from tenants.live.notify import LessonNews, audience_tenants, do_notify_audience, lessons_to_remind, ref_of


@tenant_task(name="live.announce_lesson")
def announce_lesson(scope: str, lesson_id: int, news: str) -> int:
    """Tell a lesson's audience ``news``. A tenant's lesson: its members, here. A group lesson:
    one task per audience tenant (returns how many were sent)."""
    ref = LessonRef.of(scope, lesson_id)
    if ref.scope is LessonScope.TENANT:
        return do_notify_audience(ref, LessonNews(news))
    lesson = Lesson.objects.filter(pk=lesson_id).first()
    if lesson is None:
        return 0
    tenants = audience_tenants(lesson)
    for tenant in tenants:
        with tenant:  # sent from the tenant's schema, the task runs there
            notify_lesson_audience.delay(scope, lesson_id, news)
    return len(tenants)


@tenant_task(name="live.notify_lesson_audience")
def notify_lesson_audience(scope: str, lesson_id: int, news: str) -> int:
    """In one audience tenant of a group lesson: notify its members."""
    return do_notify_audience(LessonRef.of(scope, lesson_id), LessonNews(news))


@tenant_task(name="live.remind_starting_lessons")
def remind_starting_lessons() -> int:
    """Every minute, per tenant and for the group: lessons starting within 15 minutes that were not
    reminded yet are marked and announced (once: ``reminded_at``)."""
    now = timezone.now()
    with transaction.atomic():
        due = lessons_to_remind(now)
        Lesson.objects.filter(pk__in=[lesson.pk for lesson in due]).update(reminded_at=now)
    for lesson in due:
        announce_lesson(ref_of(lesson).scope.value, lesson.pk, LessonNews.STARTING.value)
    return len(due)


def announce_went_live(sender: Any, ref: LessonRef, lesson: Lesson, **kwargs: Any) -> None:
    """``lesson_went_live`` receiver: tell the audience (a reconnect does not tell them twice)."""
    with schema_context(ref.schema):  # the task runs in the schema it is sent from
        announce_lesson.delay(ref.scope.value, ref.lesson_id, LessonNews.LIVE.value)


SCHEDULE = {
    **MEDIA_SCHEDULE,
    # Lessons starting within 15 minutes: every minute, the tenants' (spread over 30 s) and the group's.
    "live-reminders": tenant_beat_entry("live.remind_starting_lessons", crontab(), window_seconds=30),
    "live-reminders-group": {"task": "live.remind_starting_lessons", "schedule": crontab(), "options": {"expires": 60}},
}
