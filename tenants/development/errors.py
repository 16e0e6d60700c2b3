"""Error codes of development: each a stable code clients act on and what it means (docs/api.md)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class DevelopmentCode(ErrorCode):
    ACTIVIST_PERIOD_TOO_SHORT = (
        "development.activist_period_too_short",
        "Activist cultivation is shorter than one year (<days> days short).",
    )
    ALREADY_MEMBER = "development.already_member", "This person is already a party member here."
    BAD_DATE = "development.bad_date", "Use a date like 2026-06-30."
    BAD_EVIDENCE = "development.bad_evidence", "Upload a PDF or an image of at most 20 MB."
    CASE_EXISTS = "development.case_exists", "This person already has a development case here."
    CONFIRMATION_APPROVAL_LATE = (
        "development.confirmation_approval_late",
        "The upper committee approves within 3 months of the branch meeting (<days> days over).",
    )
    DATE_BEFORE_PREVIOUS = "development.date_before_previous", "The date is before the previous step (<date>)."
    DATE_IN_FUTURE = "development.date_in_future", "A step cannot be recorded in advance."
    DISCUSSION_OUTSIDE_PROBATION = (
        "development.discussion_outside_probation",
        "The discussion must fall within probation (<start> to <end>).",
    )
    ENTITLED_DIFFERS = (
        "development.entitled_differs",
        "The records give <records> members with voting rights on the meeting date, not <typed>; give the reason for the different figure.",
    )
    EXTENDED_ONCE = "development.extended_once", "Probation can be extended only once."
    EXTENSION_LENGTH = "development.extension_length", "An extension lasts 6 to 12 months."
    INTRODUCER_NOT_FULL = "development.introducer_not_full", "Introducers must be full party members."
    NAME_REQUIRED = "development.name_required", "Enter the applicant's name."
    NO_EVIDENCE = "development.no_evidence", "This step has no evidence file."
    NO_QUORUM = (
        "development.no_quorum",
        "No quorum: <present> of <entitled> members with voting rights present; more than half is required.",
    )
    NO_RULE = "development.no_rule", "No development rule is in force; ask the administrator."
    NO_STEP = "development.no_step", "This step has not been recorded."
    NO_VOTERS = (
        "development.no_voters",
        "The records show no member with voting rights on the meeting date; enter the number and the reason.",
    )
    NOT_CONFIRMED = "development.not_confirmed", "The branch meeting did not decide to confirm."
    NOT_IN_PROBATION = "development.not_in_probation", "Only a probationary member's case has quarterly discussions."
    OUT_OF_ORDER = "development.out_of_order", "Step <step> cannot be recorded now; next: <next>."
    OUT_OF_SCOPE = "development.out_of_scope", "This case is outside your scope."
    OUTCOME_REQUIRED = "development.outcome_required", "Choose the outcome: confirm, extend or revoke."
    POLITICAL_REVIEW_EXPIRED = (
        "development.political_review_expired",
        "The political review is older than one year; review again.",
    )
    PROBATION_NOT_OVER = "development.probation_not_over", "Probation ends on <date>; approve confirmation from then."
    RE_DELIBERATE = (
        "development.re_deliberate",
        "More than 3 months since the branch meeting (<days> days over): the branch meeting must deliberate again.",
    )
    RESTART_REQUIRED = (
        "development.restart_required",
        "More than 6 months since the branch meeting (<days> days over): the development procedure restarts.",
    )
    TALK_LATE = (
        "development.talk_late",
        "The talk is due within <months> month of the application (<days> days late); give the reason in late_reason.",
    )
    TOO_YOUNG = "development.too_young", "The applicant is under <age> (<days> days to go)."
    TRAINING_TOO_SHORT = (
        "development.training_too_short",
        "Training needs at least <days> days or <hours> class hours (recorded: <got_days> days, <got_hours> hours).",
    )
    TWO_INTRODUCERS = "development.two_introducers", "Choose exactly two introducers."
    VOTE_INCOMPLETE = "development.vote_incomplete", "Record the members present and the yes votes."
    VOTE_INCONSISTENT = "development.vote_inconsistent", "The vote counts do not add up."
    VOTE_NOT_PASSED = (
        "development.vote_not_passed",
        "Not passed: <yes> yes of <entitled> entitled; more than half is required.",
    )
