"""Error codes of learning: each a stable code clients act on and what it means (docs/api.md)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class LearningCode(ErrorCode):
    ALREADY_DECIDED = "learning.already_decided", "This proposal has already been decided."
    ALREADY_PROPOSED = "learning.already_proposed", "This resource has already been proposed to the showcase."
    ALREADY_SHARED = "learning.already_shared", "The group's own resources are shared already."
    ANSWER_INVALID = "learning.answer_invalid", "A true-or-false answer is 0 (true) or 1 (false)."
    ANSWER_UNKNOWN = "learning.answer_unknown", "An answer is for a question not on this paper."
    ATTEMPT_SUBMITTED = "learning.attempt_submitted", "This paper has been handed in."
    BAD_HEARTBEAT = "learning.bad_heartbeat", "Unknown heartbeat state."
    BANK_IN_USE = "learning.bank_in_use", "Quizzes draw from this question bank: delete or change them first."
    COURSE_DUPLICATE = "learning.course_duplicate", "A resource appears twice in the course."
    COURSE_EMPTY = "learning.course_empty", "A course needs at least one resource."
    COURSE_TOO_LONG = "learning.course_too_long", "A course holds at most 100 resources."
    GROUP_ONLY = "learning.group_only", "Only the group decides on the showcase."
    INCOMPLETE = "learning.incomplete", "An article needs a body."
    MANAGERS_ONLY = "learning.managers_only", "Only the library's managers see this."
    NAME_REQUIRED = "learning.name_required", "Enter a name."
    NO_ARTICLES = (
        "learning.no_articles",
        "No articles (第一条, 第二条 …) were found in this document: is it a regulation?",
    )
    NO_ATTEMPTS_LEFT = "learning.no_attempts_left", "You have used all <count> attempts of this quiz."
    NO_COVER = "learning.no_cover", "This resource has no cover picture."
    NOT_ENOUGH_QUESTIONS = (
        "learning.not_enough_questions",
        "The bank has <have> active questions of kind “<kind>”; the paper needs <need>.",
    )
    NOT_PUBLISHED = "learning.not_published", "Publish the resource before proposing it."
    OPTIONS_INVALID = "learning.options_invalid", "Give at least two non-empty choices."
    PAPER_EMPTY = "learning.paper_empty", "A paper needs at least one question."
    QUESTION_EMPTY = "learning.question_empty", "Write the question."
    QUESTION_KIND = "learning.question_kind", "Unknown question kind."
    QUIZ_CLOSED = "learning.quiz_closed", "This quiz is not open."
    QUIZ_CLOSES_BEFORE_OPENS = "learning.quiz_closes_before_opens", "The quiz must close after it opens."
    QUIZ_NOT_OPEN = "learning.quiz_not_open", "This quiz opens at <time>."
    REGULATION_NOT_FOUND = "learning.regulation_not_found", "This regulation does not exist or is not published."
    RESOURCE_NOT_FOUND = "learning.resource_not_found", "This learning resource does not exist."
    TIME_UP = "learning.time_up", "Time is up: the answers saved before the deadline count."
    TITLE_REQUIRED = "learning.title_required", "Enter a title."
    TOO_MANY_TAGS = "learning.too_many_tags", "At most <count> tags per resource."
    UNKNOWN_CATEGORY = "learning.unknown_category", "This category does not exist."
    UNKNOWN_FIELD = "learning.unknown_field", "Unknown field."
    UNKNOWN_KIND = "learning.unknown_kind", "Unknown resource kind."
