"""The 25 steps (中国共产党发展党员工作细则, 2014; DOMAIN_RULES §3) and the checks that block them.

Each check returns None or a ``Block`` naming the rule and by how much it fails, e.g.
"积极分子培养期不足一年（还差 83 天）". Rule values come from the versioned DevelopmentRule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partycloud.core.dates import add_months
from tenants.development.errors import DevelopmentCode


@dataclass(frozen=True)
class StepField:
    """One fact a step's form asks for, sent as ``details[name]``; the console renders the form from these.

    ``kind``: ``text``; ``texts`` (``items`` names, blanks dropped); ``members`` (``items`` full members,
    searched by name); ``integer`` (``min``/``max``); ``choice`` (``choices``); ``voting_roll`` (shows the
    records' number entitled to vote on the step's date; its value, "the actual figure differs", is not sent).
    ``shown_when`` = (field, value): asked for, and sent, only while that field has that value.
    """

    name: str
    kind: str
    label: str | Promise
    required: bool = False
    hint: str | Promise = ""
    min: int | None = None
    max: int | None = None
    items: int | None = None
    choices: tuple[tuple[str, str | Promise], ...] = ()
    default: str | None = None
    shown_when: tuple[str, bool | str] | None = None


TALK_FIELDS = (
    StepField(
        "late_reason",
        "text",
        gettext_lazy("Reason for delay"),
        hint=gettext_lazy("Required when the talk is more than a month late"),
    ),
)
CONTACT_FIELDS = (StepField("contacts", "texts", gettext_lazy("Contacts"), required=True, items=2),)
INTRODUCER_FIELDS = (
    StepField(
        "introducers",
        "members",
        gettext_lazy("Introducers"),
        required=True,
        items=2,
        hint=gettext_lazy("Search full members by name and choose two"),
    ),
)
TRAINING_FIELDS = (
    StepField("days", "integer", gettext_lazy("Training days"), required=True, min=0),
    StepField("hours", "integer", gettext_lazy("Training hours"), required=True, min=0),
)
# The number entitled comes from the records on the meeting date; a different one needs its reason.
VOTE_FIELDS = (
    StepField("entitled_differs", "voting_roll", gettext_lazy("Entitled")),
    StepField(
        "entitled",
        "integer",
        gettext_lazy("Actual number entitled"),
        required=True,
        min=0,
        shown_when=("entitled_differs", True),
    ),
    StepField(
        "entitled_reason",
        "text",
        gettext_lazy("Reason for the difference"),
        required=True,
        hint=gettext_lazy("Required, e.g. two members transferred in whose records are not entered yet"),
        shown_when=("entitled_differs", True),
    ),
    StepField("present", "integer", gettext_lazy("Present"), required=True, min=0),
    StepField("yes", "integer", gettext_lazy("In favour"), required=True, min=0),
)
CONFIRMATION_FIELDS = (
    StepField(
        "outcome",
        "choice",
        gettext_lazy("Outcome"),
        required=True,
        default="confirm",
        choices=(
            ("confirm", gettext_lazy("Confirm on time")),
            ("extend", gettext_lazy("Extend probation")),
            ("revoke", gettext_lazy("Revoke")),
        ),
    ),
    StepField(
        "extension_months",
        "integer",
        gettext_lazy("Extension (months)"),
        required=True,
        min=6,
        max=12,
        shown_when=("outcome", "extend"),
    ),
)


@dataclass(frozen=True)
class Step:
    number: int
    stage: str
    code: str
    name: str
    repeatable: bool = False
    fields: tuple[StepField, ...] = ()


STEPS: tuple[Step, ...] = (
    Step(1, "applicant", "application", "递交入党申请书"),
    Step(2, "applicant", "talk", "党组织派人谈话", fields=TALK_FIELDS),
    Step(3, "activist", "activist_selection", "推荐和确定入党积极分子"),
    Step(4, "activist", "activist_filing", "报上级党委备案"),
    Step(5, "activist", "contacts", "指定培养联系人", fields=CONTACT_FIELDS),
    Step(6, "activist", "cultivation_review", "培养教育考察", repeatable=True),
    Step(7, "candidate", "candidate_determination", "确定发展对象"),
    Step(8, "candidate", "candidate_filing", "报上级党委备案"),
    Step(9, "candidate", "introducers", "确定入党介绍人", fields=INTRODUCER_FIELDS),
    Step(10, "candidate", "political_review", "进行政治审查"),
    Step(11, "candidate", "training", "开展集中培训", fields=TRAINING_FIELDS),
    Step(12, "admission", "branch_committee_review", "支部委员会审查"),
    Step(13, "admission", "upper_pre_review", "上级党委预审"),
    Step(14, "admission", "application_form", "填写入党志愿书"),
    Step(15, "admission", "branch_meeting_vote", "支部大会讨论", fields=VOTE_FIELDS),
    Step(16, "admission", "upper_talk", "上级党委派人谈话"),
    Step(17, "admission", "upper_approval", "上级党委审批"),
    Step(18, "admission", "admission_filing", "报上级党委组织部门备案"),
    Step(19, "probation", "enrolment", "编入党支部和党小组"),
    Step(20, "probation", "oath", "入党宣誓"),
    Step(21, "probation", "continued_education", "继续教育考察", repeatable=True),
    Step(22, "probation", "confirmation_application", "提出转正申请"),
    Step(23, "probation", "confirmation_vote", "支部大会讨论转正", fields=VOTE_FIELDS + CONFIRMATION_FIELDS),
    Step(24, "probation", "confirmation_approval", "上级党委审批转正"),
    Step(25, "probation", "archive", "材料归档"),
)
BY_NUMBER = {step.number: step for step in STEPS}

DEFAULT_VALUES: dict[str, int] = {
    "min_age": 18,
    "talk_within_months": 1,
    "activist_min_months": 12,
    "review_every_months": 6,
    "political_review_valid_months": 12,
    "training_min_days": 3,
    "training_min_hours": 24,
    "approval_within_months": 3,
    "approval_restart_months": 6,
    "probation_months": 12,
    "extension_min_months": 6,
    "extension_max_months": 12,
    "confirmation_approval_within_months": 3,
    "probation_discussion_every_months": 3,
}


@dataclass(frozen=True)
class Block:
    code: DevelopmentCode
    message: str
    field: str | None = None


def days_until(start: date, end: date) -> int:
    return (end - start).days


def check_age(birth: date, on: date, rules: dict[str, int]) -> Block | None:
    adult_on = add_months(birth, 12 * rules["min_age"])
    if on < adult_on:
        return Block(
            DevelopmentCode.TOO_YOUNG,
            _("The applicant is under %(age)d (%(days)d days to go).")
            % {"age": rules["min_age"], "days": days_until(on, adult_on)},
            "done_on",
        )
    return None


def check_talk(applied: date, on: date, rules: dict[str, int], data: dict[str, Any]) -> Block | None:
    due = add_months(applied, rules["talk_within_months"])
    if on > due and not str(data.get("late_reason", "")).strip():
        return Block(
            DevelopmentCode.TALK_LATE,
            _(
                "The talk is due within %(months)d month of the application (%(days)d days late); give the reason in late_reason."
            )
            % {"months": rules["talk_within_months"], "days": days_until(due, on)},
            "done_on",
        )
    return None


def check_activist_period(activist_since: date, on: date, rules: dict[str, int]) -> Block | None:
    enough = add_months(activist_since, rules["activist_min_months"])
    if on < enough:
        return Block(
            DevelopmentCode.ACTIVIST_PERIOD_TOO_SHORT,
            _("Activist cultivation is shorter than one year (%(days)d days short).")
            % {"days": days_until(on, enough)},
            "done_on",
        )
    return None


def check_training(data: dict[str, Any], rules: dict[str, int]) -> Block | None:
    days, hours = int(data.get("days") or 0), int(data.get("hours") or 0)
    if days < rules["training_min_days"] and hours < rules["training_min_hours"]:
        return Block(
            DevelopmentCode.TRAINING_TOO_SHORT,
            _(
                "Training needs at least %(days)d days or %(hours)d class hours (recorded: %(got_days)d days, %(got_hours)d hours)."
            )
            % {
                "days": rules["training_min_days"],
                "hours": rules["training_min_hours"],
                "got_days": days,
                "got_hours": hours,
            },
            "details.hours",
        )
    return None


def check_vote(data: dict[str, Any], by_records: int) -> Block | None:
    """Quorum: more than half of the full members with voting rights present; passes with more
    than half of those entitled voting yes. ``by_records`` is the number entitled according to
    the records on the meeting date; a typed ``entitled`` that differs needs ``entitled_reason``
    (e.g. a member transferred in whose record has not arrived), so a typed figure alone can never
    make a meeting quorate."""
    try:
        present, yes = (int(data[key]) for key in ("present", "yes"))
        typed = data.get("entitled")
        entitled = by_records if typed in (None, "") else int(typed)
    except (KeyError, TypeError, ValueError):
        return Block(DevelopmentCode.VOTE_INCOMPLETE, _("Record the members present and the yes votes."), "details")
    if entitled != by_records and not str(data.get("entitled_reason", "")).strip():
        return Block(
            DevelopmentCode.ENTITLED_DIFFERS,
            _(
                "The records give %(records)d members with voting rights on the meeting date, not %(typed)d; give the reason for the different figure."
            )
            % {"records": by_records, "typed": entitled},
            "details.entitled_reason",
        )
    if entitled == 0:
        return Block(
            DevelopmentCode.NO_VOTERS,
            _("The records show no member with voting rights on the meeting date; enter the number and the reason."),
            "details.entitled",
        )
    if not 0 <= yes <= present <= entitled:
        return Block(DevelopmentCode.VOTE_INCONSISTENT, _("The vote counts do not add up."), "details")
    if present * 2 <= entitled:
        return Block(
            DevelopmentCode.NO_QUORUM,
            _("No quorum: %(present)d of %(entitled)d members with voting rights present; more than half is required.")
            % {"present": present, "entitled": entitled},
            "details.present",
        )
    if yes * 2 <= entitled:
        return Block(
            DevelopmentCode.VOTE_NOT_PASSED,
            _("Not passed: %(yes)d yes of %(entitled)d entitled; more than half is required.")
            % {"yes": yes, "entitled": entitled},
            "details.yes",
        )
    return None


def check_confirmation_meeting(probation_ends_on: date, on: date) -> Block | None:
    """Party Constitution Art. 7: the branch discusses confirmation once probation has ended
    (the written application, step 22, comes about a week before)."""
    if on < probation_ends_on:
        return Block(
            DevelopmentCode.PROBATION_NOT_OVER,
            _(
                "The branch meeting discusses confirmation once probation has ended (Party Constitution Art. 7): probation ends on %(date)s, %(days)d days after this date."
            )
            % {"date": probation_ends_on, "days": days_until(on, probation_ends_on)},
            "done_on",
        )
    return None


@dataclass(frozen=True)
class ProbationQuarter:
    """One period [starts_on, ends_on) of probation in which the branch discusses the member once."""

    number: int
    starts_on: date
    ends_on: date

    @property
    def last_day(self) -> date:
        return self.ends_on - timedelta(days=1)


def probation_quarters(starts_on: date, ends_on: date, every_months: int) -> list[ProbationQuarter]:
    """Probation cut into periods of ``every_months`` from its start; the last one is cut at its end
    (an extension of 6–12 months adds periods)."""
    quarters: list[ProbationQuarter] = []
    start = starts_on
    while start < ends_on:
        end = min(add_months(starts_on, every_months * (len(quarters) + 1)), ends_on)
        quarters.append(ProbationQuarter(len(quarters) + 1, start, end))
        start = end
    return quarters


def check_within(start: date, on: date, months: int, code: DevelopmentCode, message: str) -> Block | None:
    if on > add_months(start, months):
        return Block(code, message % {"days": days_until(add_months(start, months), on)}, "done_on")
    return None
