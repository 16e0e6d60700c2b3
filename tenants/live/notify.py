"""Telling a lesson's audience: when it is scheduled, 15 minutes before it starts, and when it goes
live. The notifications are stored in bulk in each audience tenant (``do_notify_many``) and pushed
over the sockets the portal keeps open.

A tenant's lesson is announced by one task in its schema. A group lesson is announced by a task in
the public schema that sends one task per audience tenant (each runs in that tenant's schema and
notifies its members there), so a large group fans out instead of one long transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from partycloud.accounts.models import User
from partycloud.tenancy.context import active_schema, active_tenant
from partycloud.tenancy.models import PartyCommittee
from tenants.live.audience import PUBLIC, WATCHING_STATUSES, LessonRef, LessonScope, in_lesson_schema
from tenants.live.models import Lesson, LessonStatus
from tenants.members.models import Member
from tenants.notifications.models import Notification
from tenants.notifications.services import do_notify_many


class LessonNews(StrEnum):
    SCHEDULED = "scheduled"
    STARTING = "starting"  # 15 minutes before the start
    LIVE = "live"
    CANCELLED = "cancelled"


def ref_of(lesson: Lesson) -> LessonRef:
    """The ref of a lesson of the active schema."""
    schema = active_schema()
    return LessonRef(LessonScope.GROUP if schema == PUBLIC else LessonScope.TENANT, lesson.pk, schema)


def announce_after_commit(lesson: Lesson, news: LessonNews) -> None:
    """Tell ``lesson``'s audience (of the active schema) once the transaction commits."""
    # Imported here: the tasks module imports this one.
    from tenants.live.tasks import announce_lesson

    ref = ref_of(lesson)

    def send() -> None:
        # The task runs in the schema active when it is sent; on_commit may run after the caller left it.
        with schema_context(ref.schema):
            announce_lesson.delay(ref.scope.value, ref.lesson_id, news.value)

    transaction.on_commit(send)


def audience_tenants(lesson: Lesson) -> list[PartyCommittee]:
    """The subsidiaries a group lesson is for (all active ones when it names none)."""
    tenants = PartyCommittee.objects.active().order_by("pk")
    return list(tenants.filter(pk__in=lesson.audience_tenants) if lesson.audience_tenants else tenants)


def audience_users(ref: LessonRef, lesson: Lesson) -> list[User]:
    """The people of the active tenant ``lesson`` is for: members with a login in its audience."""
    members = Member.objects.filter(status__in=WATCHING_STATUSES, user__isnull=False)
    if ref.scope is LessonScope.TENANT and lesson.organization_id is not None:
        assert lesson.organization is not None
        members = members.filter(organization__path__startswith=lesson.organization.path)
    user_ids = members.values("user_id")
    return list(User.objects.filter(pk__in=user_ids, is_active=True).only("pk", "email", "phone"))


def message(lesson: Lesson, news: LessonNews) -> tuple[str, str]:
    """The title and body of the notification (in the active language)."""
    start = formats.date_format(timezone.localtime(lesson.starts_at), "Y-m-d H:i")
    lecturer = lesson.lecturer or _("(no lecturer named)")
    if news is LessonNews.SCHEDULED:
        title = _("New live lesson: %(title)s") % {"title": lesson.title}
    elif news is LessonNews.STARTING:
        title = _("Starting in 15 minutes: %(title)s") % {"title": lesson.title}
    elif news is LessonNews.CANCELLED:
        title = _("Cancelled: %(title)s") % {"title": lesson.title}
    else:
        title = _("Now live: %(title)s") % {"title": lesson.title}
    body = _("Starts %(start)s, lecturer: %(lecturer)s.") % {"start": start, "lecturer": lecturer}
    return title, body


def portal_link(ref: LessonRef) -> str:
    """The portal page of the lesson, on the viewer's own host."""
    return f"/live/{ref.scope.value}/{ref.lesson_id}"


def do_notify_audience(ref: LessonRef, news: LessonNews) -> int:
    """Notify the members of the active tenant in ``ref``'s audience; how many were notified.
    A cancelled lesson gets only its cancellation; an announcement or reminder only while scheduled."""
    lessons = Lesson.objects.filter(pk=ref.lesson_id)
    if ref.scope is LessonScope.TENANT:  # the public schema has no organizations
        lessons = lessons.select_related("organization")
    with in_lesson_schema(ref):
        lesson = lessons.first()
    if lesson is None or (lesson.status == LessonStatus.CANCELLED) != (news is LessonNews.CANCELLED):
        return 0  # nothing but the cancellation is told of a cancelled lesson, and that only of one
    if news in (LessonNews.SCHEDULED, LessonNews.STARTING) and lesson.status != LessonStatus.SCHEDULED:
        return 0
    with translation.override(active_tenant().locale or settings.LANGUAGE_CODE):  # the tenant's language
        title, body = message(lesson, news)
    link = portal_link(ref)
    # Idempotent: a retried task, or a lesson that goes live again after a reconnect, tells nobody twice.
    audience = audience_users(ref, lesson)
    told = set(
        Notification.objects.filter(
            user_id__in=[user.pk for user in audience], link=link, title=title[:200]
        ).values_list("user_id", flat=True)
    )  # by the users' index, not a scan of every notification
    users = [user for user in audience if user.pk not in told]
    with transaction.atomic():
        return do_notify_many(users, title, body, link)


def lessons_to_remind(now: datetime) -> list[Lesson]:
    """Claim the lessons of the active schema starting within 15 minutes and not yet reminded
    (the claim and the notification are one transaction per lesson in the caller)."""
    return list(
        Lesson.objects.select_for_update(skip_locked=True).filter(
            status=LessonStatus.SCHEDULED,
            reminded_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + REMIND_BEFORE,
        )
    )


REMIND_BEFORE = timedelta(minutes=15)
