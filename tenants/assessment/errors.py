"""Error codes of assessment (docs/api.md): each part of the app keeps its own enum here.

``EvaluationCode``: the democratic evaluation (民主评议党员, DOMAIN_RULES §5): rounds, self-review,
peer review, the masses' rating by one-time code, the general meeting's decision and the upper
committee's confirmation (docs/assessment.md, "Democratic evaluation")."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class EvaluationCode(ErrorCode):
    # Rules and rounds
    NO_RULE = "evaluation.no_rule", "No evaluation rule is in force on the opening day."
    RULE_VERSION_TAKEN = "evaluation.rule_version_taken", "A rule version with this name already exists."
    RULE_EFFECTIVE_FROM = (
        "evaluation.rule_effective_from",
        "A local rule version takes effect on or after the first day of this year.",
    )
    RULE_SHARE = "evaluation.rule_share", "The share of excellent grades is a fraction between 0 and 1."
    ADMIN_ONLY = "evaluation.admin_only", "Only the tenant administrator may add a rule version."
    OUT_OF_SCOPE = "evaluation.out_of_scope", "This organization is outside your scope."
    NOT_A_BRANCH = "evaluation.not_a_branch", "Evaluation rounds are run by a party branch."
    ROUND_EXISTS = "evaluation.round_exists", "This branch already has an evaluation round for that year."
    BAD_DATES = "evaluation.bad_dates", "The round closes on or after the day it opens."
    BAD_YEAR = "evaluation.bad_year", "Choose a year between 2000 and 2100."
    NO_PARTICIPANTS = "evaluation.no_participants", "The branch has no active members to evaluate."
    ROUND_UNKNOWN = "evaluation.round_unknown", "No such evaluation round here, or not for you."
    BAD_TRANSITION = "evaluation.bad_transition", "The round cannot go from <status> to <target>."
    NOT_DRAFT = "evaluation.not_draft", "Only a draft round can be changed this way."
    NOT_OPEN = "evaluation.not_open", "The round is not open."
    ALREADY_DECIDED = "evaluation.already_decided", "The decision has been taken; this can no longer be changed."
    # The member's side
    NOT_PARTICIPANT = "evaluation.not_participant", "You are not a participant of this round."
    SELF_REVIEW_REQUIRED = "evaluation.self_review_required", "Write your self-review before submitting it."
    SELF_RATING = "evaluation.self_rating", "You cannot rate yourself."
    NOT_RATEABLE = "evaluation.not_rateable", "This person is not rated in this round."
    # Decision and confirmation
    GRADE_MISSING = "evaluation.grade_missing", "Give a grade to every graded participant who is not excused."
    GRADE_NOT_ALLOWED = "evaluation.grade_not_allowed", "Probationary and excused participants are not graded."
    EXCELLENT_CAP = (
        "evaluation.excellent_cap",
        "At most <cap> excellent grades: <share> of <members> full members graded.",
    )
    UNQUALIFIED_REASONS = (
        "evaluation.unqualified_reasons",
        "An unqualified grade needs the reasons and the follow-up measure.",
    )
    FOLLOW_UP_DEADLINE = "evaluation.follow_up_deadline", "Correction within a deadline needs the deadline."
    BAD_MEETING = (
        "evaluation.bad_meeting",
        "Link a general meeting of this branch that has been held.",
    )
    NOT_UPPER = (
        "evaluation.not_upper",
        "The upper committee (the workers of the parent organization or the tenant administrator) confirms.",
    )
    # The masses (群众测评)
    CARD_UNKNOWN = "evaluation.card_unknown", "No employee is known with this card number."
    CARD_OTHER_EMPLOYER = "evaluation.card_other_employer", "This employee does not work for this party committee."
    CARD_PARTY_MEMBER = "evaluation.card_party_member", "Party members do not take part in the masses' rating."
    CARD_INVITED = "evaluation.card_invited", "This employee is already invited."
    INVITATION_UNKNOWN = "evaluation.invitation_unknown", "No such invitation in this round."
    ALREADY_VOTED = "evaluation.already_voted", "This code has been used."
    CODE_INVALID = "evaluation.code_invalid", "This code is not valid, or the rating is not open."
    BALLOT_INCOMPLETE = "evaluation.ballot_incomplete", "Rate every person on the ballot, once each."
