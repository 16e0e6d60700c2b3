"""Demo organizational life for ``seed_demo``: the tenant's own kinds (中心组学习 monthly for the
committee, 支部活动日 monthly for the branches) as a local rule version, each branch's annual plan,
a few meetings held this year (a general meeting with minutes and a resolution, a theme party day,
a committee meeting) and a theme party day next week, notified. Run in the schema it fills; does
nothing when that schema has meetings already. A few dozen statements per branch: fast."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from partycloud.accounts.actor import Actor
from partycloud.core.errors import ServiceError
from tenants.meetings.models import ActivityKind, ActivityRule, AttendanceStatus, Meeting, StatsCategory
from tenants.meetings.records import (
    do_add_resolution,
    do_create_kind,
    do_create_local_rule,
    do_create_meeting,
    do_generate_plan,
    do_hold_meeting,
    do_notify_meeting,
    do_save_minutes,
)
from tenants.organizations.models import Organization

TENANT_KINDS = [
    # (code, name, stats category, applies to)
    ("central_group_study", "中心组学习", StatsCategory.STUDY, "committee"),
    ("branch_activity_day", "支部活动日", StatsCategory.BRANCH_DAY, "branch"),
]

MINUTES = (
    "<h3>会议议程</h3><ol><li>学习党的创新理论</li><li>讨论本季度工作</li><li>表决预备党员转正</li></ol>"
    "<h3>会议情况</h3><p>支部书记传达上级精神，与会党员结合岗位实际逐一发言。</p>"
    "<p>会议以举手表决方式通过预备党员转正事项。</p>"
)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


def _day_this_year(today: date, days_ago: int) -> date:
    """``days_ago`` before today, kept in this year when possible (early January: the 1st)."""
    return max(today - timedelta(days=days_ago), date(today.year, 1, 1))


def seed_tenant_kinds(actor: Actor, today: date) -> None:
    kinds = []
    for code, name, category, applies_to in TENANT_KINDS:
        kind = ActivityKind.objects.filter(code=code).first() or do_create_kind(
            actor=actor, code=code, name=name, stats_category=category
        )
        kinds.append({"kind": kind.pk, "period": "month", "minimum": 1, "applies_to": applies_to})
    version = f"{today.year}.本单位"
    if not ActivityRule.objects.filter(version=version).exists():
        do_create_local_rule(
            actor=actor, version=version, effective_from=date(today.year, 1, 1),
            source="本单位组织生活安排（示例）", requirements=kinds,
        )  # fmt: skip


def _held(actor: Actor, branch: Organization, code: str, title: str, day: date, share_present: float) -> Meeting | None:
    starts = _at(day, 9)
    meeting = do_create_meeting(
        actor=actor, organization=branch, kind=ActivityKind.objects.get(code=code), title=title,
        starts_at=starts, ends_at=starts + timedelta(hours=2), place="党员活动室",
        agenda="学习、讨论、表决",
    )  # fmt: skip
    attendees = list(meeting.attendees.order_by("id"))
    present = [a.pk for a in attendees[: max(1, round(len(attendees) * share_present))]]
    meeting.attendees.filter(pk__in=present).update(
        status=AttendanceStatus.PRESENT, method="manual", signed_in_at=starts + timedelta(minutes=5)
    )
    try:
        return do_hold_meeting(meeting, actor=actor)
    except ServiceError:  # a branch without enough voters: the meeting stays recorded, not held
        return None


def seed_meetings(actor: Actor, branches: list[Organization], today: date) -> None:
    """The demo's organizational life (``actor``: the tenant admin)."""
    if Meeting.objects.exists():
        return
    seed_tenant_kinds(actor, today)
    for number, branch in enumerate(branches):
        do_generate_plan(branch, today.year, actor=actor)
        general = _held(
            actor, branch, "general_meeting", f"{branch.name}党员大会", _day_this_year(today, 20 + number), 0.85
        )
        if general is not None:
            do_save_minutes(general, actor=actor, minutes=MINUTES, minutes_marking="internal")
            voters = general.voting_present or 0
            if voters:
                do_add_resolution(
                    general,
                    actor=actor,
                    text="同意预备党员按期转正。",
                    votes_for=voters,
                    votes_against=0,
                    abstentions=0,
                )
        _held(actor, branch, "theme_day", f"{branch.name}主题党日：重温入党誓词", _day_this_year(today, 45), 0.75)
        _held(actor, branch, "branch_activity_day", f"{branch.name}支部活动日", _day_this_year(today, 12), 0.7)
        starts = _at(today + timedelta(days=7), 14)
        upcoming = do_create_meeting(
            actor=actor, organization=branch, kind=ActivityKind.objects.get(code="theme_day"),
            title=f"{branch.name}主题党日：学习新修订的条例", starts_at=starts, ends_at=starts + timedelta(hours=2),
            place="党员活动室", online_url="https://meeting.example.com/demo", agenda="1. 集中学习；2. 交流发言",
        )  # fmt: skip
        do_notify_meeting(upcoming, actor=actor)
