"""Error codes of the group's task-book templates (public schema, ``/api/v1/group/task-books/``)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class GroupTaskBookCode(ErrorCode):
    TEMPLATE_NOT_FOUND = "group_taskbooks.template_not_found", "No such task-book template."
    INDICATOR_NOT_FOUND = "group_taskbooks.indicator_not_found", "No such indicator in this template."
    YEAR_TAKEN = "group_taskbooks.year_taken", "A template for this year already exists."
    BAD_YEAR = "group_taskbooks.bad_year", "Choose a year between 2000 and 2100."
    NOT_DRAFT = "group_taskbooks.not_draft", "A published template cannot be deleted."
    BAD_RULE = "group_taskbooks.bad_rule", "The indicator's scoring rule is invalid (weight, levels or target)."
    WEIGHTS_NOT_100 = "group_taskbooks.weights_not_100", "The indicators' weights must sum to exactly 100 to publish."
    NO_INDICATORS = "group_taskbooks.no_indicators", "Add at least one indicator before publishing."
    BAD_ORDER = "group_taskbooks.bad_order", "List every indicator of the template exactly once."
    TENANT_UNKNOWN = "group_taskbooks.tenant_unknown", "No such subsidiary."
    NO_BOOK = "group_taskbooks.no_book", "This subsidiary has not received a task book for that year."
    BAD_LAYOUT = "group_taskbooks.bad_layout", "The export layout is sheets or long."
