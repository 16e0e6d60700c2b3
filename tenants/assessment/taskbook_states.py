"""The task book's state machine (one table, used by the tenant's and the group's services alike).

    draft ──issue──▶ issued ──submit──▶ submitted ──review──▶ reviewed ──approve──▶ approved
                       ▲                    │  ▲                 │  ▲                  │
                       └──────return────────┴──┼────return───────┘  └──────reopen──────┘
                                   (returned ──submit──▶ submitted)

- ``edit`` (indicators, title, delete) only on a draft cascade; ``fill`` (evidence and the
  self-assessment) while issued or returned; ``cascade`` from any book that was issued.
- An approved book is locked: every step but ``reopen`` (and cascading from it) is refused with
  ``taskbooks.locked`` (409) until it is reopened.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from partycloud.core.errors import Conflict
from tenants.assessment.errors import TaskBookCode
from tenants.assessment.models import TaskBookStatus as S


@dataclass(frozen=True)
class Step:
    allowed_from: frozenset[str]
    to: str | None  # None: the status does not change
    code: TaskBookCode  # the rule's error when the book is in another status


STEPS: dict[str, Step] = {
    "edit": Step(frozenset({S.DRAFT}), None, TaskBookCode.NOT_DRAFT),
    "issue": Step(frozenset({S.DRAFT}), S.ISSUED, TaskBookCode.NOT_DRAFT),
    "fill": Step(frozenset({S.ISSUED, S.RETURNED}), None, TaskBookCode.NOT_FILLABLE),
    "submit": Step(frozenset({S.ISSUED, S.RETURNED}), S.SUBMITTED, TaskBookCode.NOT_FILLABLE),
    "review": Step(frozenset({S.SUBMITTED, S.REVIEWED}), S.REVIEWED, TaskBookCode.NOT_REVIEWABLE),
    "return": Step(frozenset({S.SUBMITTED, S.REVIEWED}), S.RETURNED, TaskBookCode.NOT_REVIEWABLE),
    "approve": Step(frozenset({S.REVIEWED}), S.APPROVED, TaskBookCode.NOT_REVIEWED),
    "reopen": Step(frozenset({S.APPROVED}), S.REVIEWED, TaskBookCode.BAD_TRANSITION),
    "cascade": Step(frozenset(S.values) - {S.DRAFT}, None, TaskBookCode.BAD_TRANSITION),
}

_MESSAGES = {
    TaskBookCode.NOT_DRAFT: lambda: _("Only a draft task book can be changed or deleted."),
    TaskBookCode.NOT_FILLABLE: lambda: _(
        "Evidence and self-assessment are entered while the book is issued or returned."
    ),
    TaskBookCode.NOT_REVIEWABLE: lambda: _("Only a submitted task book can be reviewed."),
    TaskBookCode.NOT_REVIEWED: lambda: _("Score every indicator before approving."),
    TaskBookCode.BAD_TRANSITION: lambda: _("This step is not possible in the task book's current status."),
}


def can(status: str, step: str) -> bool:
    return status in STEPS[step].allowed_from


def check_step(status: str, step: str) -> str:
    """The status after ``step`` from ``status``; a 409 with the rule's code otherwise (an
    approved book: ``taskbooks.locked``)."""
    rule = STEPS[step]
    if status in rule.allowed_from:
        return rule.to or status
    if status == S.APPROVED:
        raise Conflict(TaskBookCode.LOCKED, _("The task book is approved and locked; it must be reopened first."))
    raise Conflict(rule.code, _MESSAGES[rule.code]())
