"""Demo organizational life for ``seed_demo``: the tenant's own kinds (中心组学习 monthly for the
committee, 支部活动日 monthly for the branches) as a local rule version, each branch's annual plan,
the closed months of this year held as a branch keeps them (written in bulk, with a few deliberate
gaps so the compliance views have something to show), a general meeting three weeks ago with
minutes and a resolution, a theme party day and a 支部活动日, and a theme party day next week,
notified. Run in the schema it fills; does nothing when that schema has meetings already. A few
dozen statements per branch: fast."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from partycloud.accounts.actor import Actor
from partycloud.core.errors import ServiceError
from tenants.meetings.models import (
    ActivityKind,
    ActivityRule,
    AttendanceStatus,
    Attendee,
    Meeting,
    MeetingStatus,
    PlannedActivity,
    SignInMethod,
    StatsCategory,
)
from tenants.meetings.records import (
    do_add_resolution,
    do_create_kind,
    do_create_local_rule,
    do_create_meeting,
    do_generate_plan,
    do_hold_meeting,
    do_notify_meeting,
    do_save_minutes,
    invitable_members,
    voting_member_ids,
)
from tenants.meetings.rules import full_members_on
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


# The year so far, as a branch keeps it: (kind, months of the quarter it falls in, title). Months
# before the current one; a few deliberate gaps (below) so the compliance views show something.
YEAR_SO_FAR = [
    ("theme_day", (1, 2, 3), "主题党日"),
    ("branch_activity_day", (1, 2, 3), "支部活动日"),
    ("committee_meeting", (1, 2, 3), "支部委员会会议"),
    ("general_meeting", (2,), "支部党员大会"),
    ("party_lecture", (3,), "党课"),
]


def _gap(number: int, code: str, month: int) -> bool:
    """Every fourth branch missed a committee meeting in May; every fifth a theme day in March."""
    return (number % 4 == 1 and code == "committee_meeting" and month == 5) or (
        number % 5 == 2 and code == "theme_day" and month == 3
    )


def seed_year_so_far(branches: list[Organization], today: date) -> int:
    """Held meetings of this year's closed months for every branch, written in bulk (attendance by
    hand, 80–90 % present), linked to their plan lines. Committee meetings only where the branch has
    a committee. Returns the number of meetings."""
    kinds = {kind.code: kind for kind in ActivityKind.objects.filter(code__in=[code for code, *_ in YEAR_SO_FAR])}
    created = 0
    for number, branch in enumerate(branches):
        members = list(invitable_members(branch).order_by("id"))
        if not members:
            continue
        meetings: list[Meeting] = []
        for month in range(1, today.month):
            in_quarter = (month - 1) % 3 + 1
            first = date(today.year, month, 1)
            committee = full_members_on(first - timedelta(days=1), [branch])[branch.pk] >= 7
            for code, months, title in YEAR_SO_FAR:
                if in_quarter not in months or code not in kinds or _gap(number, code, month):
                    continue
                if code == "committee_meeting" and not committee:
                    continue
                starts = _at(date(today.year, month, 8 + (number + len(meetings)) % 15), 14)
                meetings.append(
                    Meeting(
                        organization=branch,
                        kind=kinds[code],
                        title=f"{branch.name}{month}月{title}",
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=2),
                        place="党员活动室",
                        agenda="学习、讨论",
                        status=MeetingStatus.HELD,
                        held_at=starts + timedelta(hours=2),
                        rule_version="2018.1",
                    )
                )
        Meeting.objects.bulk_create(meetings)
        attendees = []
        for index, meeting in enumerate(meetings):
            voters = voting_member_ids(branch, timezone.localdate(meeting.starts_at))
            absent = {members[(index + k) % len(members)].pk for k in range(max(1, len(members) // 8))}
            present_voters = 0
            for member in members:
                here = member.pk not in absent
                present_voters += here and member.pk in voters
                attendees.append(
                    Attendee(
                        meeting=meeting,
                        user_id=member.user_id,
                        member=member,
                        name=member.name,
                        has_vote=member.pk in voters,
                        status=AttendanceStatus.PRESENT if here else AttendanceStatus.ABSENT,
                        absence_reason="" if here else "出差",
                        method=SignInMethod.MANUAL if here else "",
                        signed_in_at=meeting.starts_at + timedelta(minutes=3) if here else None,
                    )
                )
            meeting.voting_members, meeting.voting_present = len(voters), present_voters
        Attendee.objects.bulk_create(attendees)
        Meeting.objects.bulk_update(meetings, ["voting_members", "voting_present"])
        lines = {
            (line.kind_id, line.month): line
            for line in PlannedActivity.objects.filter(organization=branch, year=today.year, meeting=None)
        }
        linked = []
        for meeting in meetings:
            line = lines.pop((meeting.kind_id, timezone.localtime(meeting.starts_at).month), None)
            if line is not None:
                line.meeting = meeting
                linked.append(line)
        PlannedActivity.objects.bulk_update(linked, ["meeting"])
        created += len(meetings)
    return created


def seed_meetings(actor: Actor, branches: list[Organization], today: date) -> None:
    """The demo's organizational life (``actor``: the tenant admin)."""
    if Meeting.objects.exists():
        return
    seed_tenant_kinds(actor, today)
    for branch in branches:
        do_generate_plan(branch, today.year, actor=actor)
    seed_year_so_far(branches, today)
    for number, branch in enumerate(branches):
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
