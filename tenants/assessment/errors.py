"""Error codes of assessment (docs/api.md, docs/assessment.md). Task books (工作任务书: cascade,
evidence, self-assessment, review, approval, lock) are shared by the group's review
(``partycloud.taskbooks``), which goes through ``tenants.assessment.taskbooks`` too."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class TaskBookCode(ErrorCode):
    NOT_FOUND = "taskbooks.not_found", "No such task book within your scope."
    INDICATOR_NOT_FOUND = "taskbooks.indicator_not_found", "No such indicator in this task book."
    EVIDENCE_NOT_FOUND = "taskbooks.evidence_not_found", "No such evidence in this task book."
    OUT_OF_SCOPE = "taskbooks.out_of_scope", "This organization is outside your scope."
    BAD_YEAR = "taskbooks.bad_year", "Choose a year between 2000 and 2100."
    # The rules of an indicator and of a book's weights (tenants.assessment.scoring)
    BAD_RULE = "taskbooks.bad_rule", "The indicator's scoring rule is invalid (weight, levels or target)."
    WEIGHTS_NOT_100 = "taskbooks.weights_not_100", "The indicators' weights must sum to exactly 100."
    NO_INDICATORS = "taskbooks.no_indicators", "Add at least one indicator."
    BAD_VALUE = "taskbooks.bad_value", "This value does not fit the indicator's scoring rule."
    # Cascade
    NOT_A_CHILD = "taskbooks.not_a_child", "Cascade to an organization directly under the book's organization."
    ALREADY_HAS_BOOK = "taskbooks.already_has_book", "This organization already has a task book for that year."
    NOT_LOCAL = "taskbooks.not_local", "Only the unit's own indicators can be changed this way."
    # The state machine (tenants.assessment.taskbook_states)
    BAD_TRANSITION = "taskbooks.bad_transition", "This step is not possible in the task book's current status."
    NOT_DRAFT = "taskbooks.not_draft", "Only a draft task book can be changed or deleted."
    NOT_FILLABLE = (
        "taskbooks.not_fillable",
        "Evidence and self-assessment are entered while the book is issued or returned.",
    )
    NOT_REVIEWABLE = "taskbooks.not_reviewable", "Only a submitted task book can be reviewed."
    NOT_REVIEWED = "taskbooks.not_reviewed", "Score every indicator before approving."
    LOCKED = "taskbooks.locked", "The task book is approved and locked; it must be reopened first."
    REASON_REQUIRED = "taskbooks.reason_required", "Give a reason."
    NOT_HOLDER = "taskbooks.not_holder", "Only the book's organization fills in its task book."
    NOT_REVIEWER = "taskbooks.not_reviewer", "Only the level above reviews this task book."
    NOT_OWN_EVIDENCE = "taskbooks.not_own_evidence", "You can delete only evidence you added."
    EVIDENCE_EMPTY = "taskbooks.evidence_empty", "Attach a file or write a note."
    BAD_FILE = "taskbooks.bad_file", "Attach a finished upload made for assessment evidence."
    TENANT_UNKNOWN = "taskbooks.tenant_unknown", "No such subsidiary."
