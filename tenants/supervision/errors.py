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

    # ------------------------------------------------------------ votes (匿名投票): back-ballot

    # ------------------------------------------------------------ reports (信访举报): back-report
    REPORT_NOT_FOUND = "supervision.report_not_found", "No such report among those assigned to you."
    TRACKING_UNKNOWN = "supervision.tracking_unknown", "No report matches this tracking code."
    ACCUSED_UNIT_UNKNOWN = (
        "supervision.accused_unit_unknown",
        "Choose the accused's unit from this subsidiary's organizations.",
    )
    SIGN_IN_FOR_REAL_NAME = (
        "supervision.sign_in_for_real_name",
        "Sign in to report under your name (or report anonymously).",
    )
    REPORTER_NAME_REQUIRED = "supervision.reporter_name_required", "A real-name report needs the reporter's name."
    REPORT_NOT_RECEIVED = (
        "supervision.report_not_received",
        "Only a report waiting to be acknowledged can be acknowledged or declined.",
    )
    REPORT_NOT_IN_HAND = "supervision.report_not_in_hand", "Only an acknowledged report can be extended or closed."
    REPORT_FINISHED = "supervision.report_finished", "The report is closed or not accepted: nothing more can be added."
    EXTENSION_USED = (
        "supervision.extension_used",
        "The report was extended once already: the rule allows one extension.",
    )
    EXTENSION_TOO_LONG = "supervision.extension_too_long", "The extension is longer than the rule allows."
    REPORT_NOT_CLOSED = "supervision.report_not_closed", "Feed the result back once the report is closed."
    ALREADY_FED_BACK = "supervision.already_fed_back", "The result was fed back already."
    NO_QUESTION = "supervision.no_question", "Answer once the inspectors have asked you something."
    REPORT_UPLOAD_UNKNOWN = (
        "supervision.report_upload_unknown",
        "This upload was not started for this report, or it expired.",
    )
    TOO_MANY_REPORT_FILES = "supervision.too_many_report_files", "A report takes at most 20 files."
    ATTACHMENT_NOT_FOUND = "supervision.attachment_not_found", "No such file in this report."

    # ------------------------------------------------------------ inquiries (询问·质询): back-report
    INQUIRY_NOT_FOUND = "supervision.inquiry_not_found", "No such inquiry for you."
    NOT_A_MEMBER = "supervision.not_a_member", "Only a member with a party record here can ask."
    NOT_ASKABLE = "supervision.not_askable", "Ask your own organization or one above it."
    INQUIRY_NOT_OPEN = "supervision.inquiry_not_open", "The inquiry has been answered already."
    INQUIRY_NOT_ANSWERED = "supervision.inquiry_not_answered", "Rate the answer once the inquiry is answered."
    NOT_ASKER = "supervision.not_asker", "Only the member who asked can rate the answer."
    BAD_DUE_FILTER = "supervision.bad_due_filter", "Filter by due=overdue or due=soon."
