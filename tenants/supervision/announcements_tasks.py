"""Announcements' background work: delivering a group announcement in each subsidiary (its
recipients fixed there, notified in its schema) and the group's reminders."""

from __future__ import annotations

from services.tasks import tenant_task
from tenants.supervision.announcements import do_deliver_group_announcement, do_send_group_reminder


@tenant_task(name="supervision.deliver_group_announcement")
def deliver_group_announcement(announcement_id: int) -> int:
    """In one subsidiary's schema: its recipients of a group announcement, fixed and notified."""
    return do_deliver_group_announcement(announcement_id)


@tenant_task(name="supervision.remind_group_announcement")
def remind_group_announcement(announcement_id: int, user_ids: list[int]) -> int:
    """In one subsidiary's schema: remind its recipients who haven't read a group announcement."""
    return do_send_group_reminder(announcement_id, user_ids)


SCHEDULE: dict[str, dict[str, object]] = {}
