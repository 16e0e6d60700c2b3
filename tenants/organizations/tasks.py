from __future__ import annotations

from datetime import timedelta

from celery.schedules import crontab
from django.utils import timezone

from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry
from tenants.access.services import tenant_admins
from tenants.notifications.kinds import NotificationKind
from tenants.notifications.services import do_notify_once
from tenants.organizations.models import Organization
from tenants.organizations.services import RE_ELECTION_WARNING_DAYS


@tenant_task(name="tenants.organizations.remind_re_elections")
def remind_re_elections() -> int:
    """Per tenant, daily: remind tenant admins and the secretary of terms ending within 90 days
    (换届提醒), once per organization and term."""
    today = timezone.localdate()
    admins = tenant_admins()
    sent = 0
    for organization in Organization.objects.filter(is_active=True, term_started_on__isnull=False):
        due = organization.re_election_due_on
        if due is None or not today <= due <= today + timedelta(days=RE_ELECTION_WARNING_DAYS):
            continue
        link = f"/console/organizations/{organization.pk}?term={organization.term_started_on}"
        recipients = {user.pk: user for user in admins}
        if organization.secretary is not None:
            recipients[organization.secretary.pk] = organization.secretary
        for user in recipients.values():
            sent += do_notify_once(
                user,
                f"换届提醒：{organization.name}",
                f"本届任期于 {due:%Y-%m-%d} 届满，请提前做好换届准备。",
                link,
                kind=NotificationKind.RE_ELECTION,
            )
    return sent


SCHEDULE = {
    # Terms of office ending within 90 days (换届提醒).
    "re-elections": tenant_beat_entry(
        "tenants.organizations.remind_re_elections", crontab(hour=8, minute=30), window_seconds=1800
    ),
}
