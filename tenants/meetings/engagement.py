"""Read-only queries for the points recorders (tenants.points.sources): who was present at a
held meeting, who completed a make-up (补学), which branches held a meeting. Nothing here writes."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.db.models import Q

from tenants.meetings.models import AttendanceStatus, Attendee, MakeUpTask, Meeting, MeetingStatus


def present_attendees(
    since: datetime | None, user_ids: Collection[int] | None
) -> list[tuple[int, int | None, int | None, datetime]]:
    """``(meeting_id, user_id, member_id, meeting starts_at)`` of the people present at held
    meetings marked held, or signed in, at or after ``since`` (guests without a user are left out)."""
    attendees = Attendee.objects.filter(status=AttendanceStatus.PRESENT, meeting__status=MeetingStatus.HELD).filter(
        Q(user__isnull=False) | Q(member__isnull=False)
    )
    if since is not None:
        attendees = attendees.filter(Q(meeting__held_at__gte=since) | Q(signed_in_at__gte=since))
    if user_ids is not None:
        attendees = attendees.filter(user_id__in=list(user_ids))
    return list(attendees.order_by("id").values_list("meeting_id", "user_id", "member_id", "meeting__starts_at"))


def completed_makeups(since: datetime | None, user_ids: Collection[int] | None) -> list[tuple[int, int, datetime]]:
    """``(meeting_id, user_id, completed_at)`` of make-up tasks completed at or after ``since``."""
    tasks = MakeUpTask.objects.filter(completed_at__isnull=False)
    if since is not None:
        tasks = tasks.filter(completed_at__gte=since)
    if user_ids is not None:
        tasks = tasks.filter(user_id__in=list(user_ids))
    rows = tasks.order_by("id").values_list("meeting_id", "user_id", "completed_at")
    return [(meeting_id, user_id, done) for meeting_id, user_id, done in rows if done is not None]


def held_meetings_of(since: datetime | None, organization_kinds: Collection[str]) -> list[tuple[int, int, datetime]]:
    """``(meeting_id, organization_id, starts_at)`` of the meetings held by organizations of these
    kinds, marked held at or after ``since``."""
    meetings = Meeting.objects.filter(status=MeetingStatus.HELD, organization__kind__in=list(organization_kinds))
    if since is not None:
        meetings = meetings.filter(held_at__gte=since)
    return list(meetings.order_by("id").values_list("id", "organization_id", "starts_at"))
