from __future__ import annotations

from celery.schedules import crontab

from services.tasks import tenant_task
from services.tasks.periodic import tenant_beat_entry
from tenants.access.services import tenant_admins
from tenants.development.models import DevelopmentCase, Stage
from tenants.development.services import all_rules, deadlines, with_deadline_records
from tenants.notifications.kinds import NotificationKind
from tenants.notifications.services import do_notify_once

REMIND_DAYS_BEFORE = 7


@tenant_task(name="tenants.development.remind_deadlines")
def remind_deadlines() -> int:
    """Per tenant, daily: a week before each development deadline (talk, review, approval
    window, probation end), tell the branch secretary and the tenant admins — once per deadline."""
    admins = tenant_admins()
    sent = 0
    cases = with_deadline_records(
        DevelopmentCase.objects.exclude(stage__in=[Stage.FULL, Stage.REVOKED]).select_related("organization__secretary")
    )
    rules = all_rules()
    for case in cases:
        for item in deadlines(case, rules=rules):
            if item["days_left"] > REMIND_DAYS_BEFORE:
                continue
            link = f"/console/development/{case.pk}?due={item['code']}:{item['due_on']}"
            recipients = {user.pk: user for user in admins}
            if case.organization.secretary is not None:
                recipients[case.organization.secretary.pk] = case.organization.secretary
            for user in recipients.values():
                late = "已逾期" if item["days_left"] < 0 else f"还有 {item['days_left']} 天"
                sent += do_notify_once(
                    user,
                    f"发展党员提醒：{case.name} · {item['label']}",
                    f"期限 {item['due_on']:%Y-%m-%d}（{late}）。",
                    link,
                    kind=NotificationKind.DEVELOPMENT_DEADLINE,
                )
    return sent


SCHEDULE = {
    # Development deadlines a week ahead (talk, review, approval window, probation end).
    "development-deadlines": tenant_beat_entry(
        "tenants.development.remind_deadlines", crontab(hour=9, minute=0), window_seconds=1800
    ),
}
