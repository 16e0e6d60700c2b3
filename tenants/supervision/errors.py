"""Error codes of supervision (docs/api.md, docs/supervision.md). One enum for the whole app;
each part keeps its codes in its own section below (append inside your section: merges stay clean).

Announcements, cadre publicity, rules and the calendar: back-notice. Surveys and votes:
back-ballot. Reports and inquiries: back-report."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class SupervisionCode(ErrorCode):
    # ------------------------------------------------------------ shared (scope, audience)
    OUT_OF_SCOPE = "supervision.out_of_scope", "This organization is outside your scope."
    ORGANIZATION_NOT_FOUND = "supervision.organization_not_found", "No such organization in this subsidiary."
    BAD_SCOPE = "supervision.bad_scope", "Choose the unit, its subtree or the whole subsidiary."
    NO_RECIPIENTS = "supervision.no_recipients", "Nobody with an account is in this scope."

    # ------------------------------------------------------------ announcements (党务公开)
    ANNOUNCEMENT_NOT_FOUND = "supervision.announcement_not_found", "No such announcement within your scope."
    ANNOUNCEMENT_NOT_DRAFT = (
        "supervision.announcement_not_draft",
        "Only a draft announcement can be changed or published.",
    )
    ANNOUNCEMENT_NOT_PUBLISHED = "supervision.announcement_not_published", "The announcement is not published."
    SIGNATURE_NOT_REQUIRED = "supervision.signature_not_required", "This announcement does not ask to be signed."
    REMINDED_RECENTLY = (
        "supervision.reminded_recently",
        "Those who haven't read it were reminded less than 24 hours ago.",
    )
    NOTHING_TO_REMIND = "supervision.nothing_to_remind", "Everyone has read it: nobody to remind."
    BAD_ATTACHMENT = "supervision.bad_attachment", "This attachment was not uploaded for an announcement."
    TOO_MANY_ATTACHMENTS = "supervision.too_many_attachments", "Attach at most 20 files."

    # ------------------------------------------------------------ cadre publicity (任前公示)
    PUBLICITY_NOT_FOUND = "supervision.publicity_not_found", "No such publicity within your scope."
    PUBLICITY_NOT_DRAFT = "supervision.publicity_not_draft", "Only a draft publicity can be changed or published."
    BAD_CANDIDATES = (
        "supervision.bad_candidates",
        "List at least one candidate, each with a name and the proposed post.",
    )
    WINDOW_TOO_SHORT = "supervision.window_too_short", "The window is shorter than the rule's minimum of working days."
    WINDOW_TOO_LONG = "supervision.window_too_long", "A window of at most 30 working days."
    STARTS_IN_PAST = "supervision.starts_in_past", "The window cannot start before today."
    PUBLICITY_NOT_OPEN_YET = "supervision.publicity_not_open_yet", "The publicity's window has not opened yet."
    PUBLICITY_WINDOW_OVER = (
        "supervision.publicity_window_over",
        "The publicity's window is over: objections are closed.",
    )
    UNKNOWN_CANDIDATE = "supervision.unknown_candidate", "This person is not one of the publicity's candidates."
    OBJECTION_NOT_FOUND = "supervision.objection_not_found", "No such objection in this publicity."
    OBJECTIONS_PENDING = "supervision.objections_pending", "Record how every objection was handled before concluding."
    PUBLICITY_NOT_CLOSED = "supervision.publicity_not_closed", "A publicity is concluded once its window has closed."
    PUBLICITY_NOT_WITHDRAWABLE = (
        "supervision.publicity_not_withdrawable",
        "Only a draft or open publicity can be withdrawn.",
    )

    # ------------------------------------------------------------ rules and the working-day calendar
    NO_RULES = "supervision.no_rules", "No supervision rules are in force on that day."
    BAD_RULE = "supervision.bad_rule", "The rule's values are out of range."
    RULE_VERSION_EXISTS = "supervision.rule_version_exists", "A rule version with this name exists."
    BAD_YEAR = "supervision.bad_year", "Choose a year between 2000 and 2100."

    # ------------------------------------------------------------ surveys (问卷): back-ballot
    SURVEY_NOT_FOUND = "supervision.survey_not_found", "No such survey within your scope."
    SURVEY_NOT_DRAFT = "supervision.survey_not_draft", "Only a draft survey can be changed or deleted."
    SURVEY_BAD_TRANSITION = "supervision.survey_bad_transition", "The survey cannot go from <status> to <target>."
    SURVEY_NOT_OPEN = "supervision.survey_not_open", "The survey is not open."
    SURVEY_ANONYMOUS = "supervision.survey_anonymous", "An anonymous survey keeps no one's answers."
    TITLE_REQUIRED = "supervision.title_required", "Give the survey or the vote a title."
    BAD_WINDOW = "supervision.bad_window", "The window closes after it opens."
    WINDOW_OVER = "supervision.window_over", "The window's end has already passed."
    NO_QUESTIONS = "supervision.no_questions", "Add at least one question."
    BAD_QUESTION = "supervision.bad_question", "A question's kind, options or limits are invalid (extra: question)."
    NOT_RESPONDENT = "supervision.not_respondent", "You are not asked to answer this survey."
    ALREADY_RESPONDED = "supervision.already_responded", "You have already answered this survey."
    BAD_ANSWER = "supervision.bad_answer", "An answer does not fit its question, or a required one is missing."
    RESULTS_NOT_SHARED = (
        "supervision.results_not_shared",
        "The results are shown to respondents only after closing, when the organizer shares them.",
    )

    # ------------------------------------------------------------ votes (匿名投票): back-ballot
    VOTE_NOT_FOUND = "supervision.vote_not_found", "No such vote within your scope."
    VOTE_NOT_DRAFT = "supervision.vote_not_draft", "Only a draft vote can be changed or deleted."
    VOTE_BAD_TRANSITION = "supervision.vote_bad_transition", "The vote cannot go from <status> to <target>."
    VOTE_NOT_OPEN = "supervision.vote_not_open", "The vote is not open."
    BAD_OPTIONS = "supervision.bad_options", "A vote needs at least two distinct, non-empty options."
    BAD_MAX_CHOICES = "supervision.bad_max_choices", "Each voter picks between 1 and the number of options."
    NOT_ELIGIBLE = "supervision.not_eligible", "You are not among this vote's eligible voters."
    ALREADY_VOTED = "supervision.already_voted", "You have already voted."
    BAD_BALLOT = "supervision.bad_ballot", "Choose between 1 and <max_choices> different options of this vote."
    VOTE_TALLY_HIDDEN = "supervision.vote_tally_hidden", "The tally is shown once the vote is closed."

    # ------------------------------------------------------------ reports (信访举报): back-report

    # ------------------------------------------------------------ inquiries (询问·质询): back-report
