"""Error codes of organizational life (records, sign-in, compliance): each a stable code clients
act on and what it means (docs/api.md, docs/meetings.md)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class MeetingsCode(ErrorCode):
    # Rules, kinds and plans
    NO_RULE = "meetings.no_rule", "No organizational-life rule is in force on that day."
    KIND_EXISTS = "meetings.kind_exists", "An activity kind with this code already exists."
    KIND_BUILTIN = "meetings.kind_builtin", "The code of a kind of the regulations cannot be changed."
    KIND_INACTIVE = "meetings.kind_inactive", "This activity kind is no longer in use."
    KIND_REQUIRED = "meetings.kind_required", "Choose an activity kind."
    RULE_EFFECTIVE_FROM = (
        "meetings.rule_effective_from",
        "A local rule version takes effect on or after the first day of this year.",
    )
    RULE_VERSION_TAKEN = "meetings.rule_version_taken", "A rule version with this name already exists."
    RULE_BAD_ROW = "meetings.rule_bad_row", "A requirement row is invalid (kind, period, minimum ≥ 1, applies to)."
    BAD_YEAR = "meetings.bad_year", "Choose a year between 2000 and 2100."
    BAD_MONTH = "meetings.bad_month", "Choose a month from 1 to 12."
    # Meeting records
    OUT_OF_SCOPE = "meetings.out_of_scope", "This organization is outside your scope."
    BAD_ORGANIZATION = "meetings.bad_organization", "Choose an active organization of this party committee."
    TITLE_REQUIRED = "meetings.title_required", "Enter the meeting's title."
    END_BEFORE_START = "meetings.end_before_start", "The end must come after the start."
    BAD_PERSON = "meetings.bad_person", "The host and the recorder must be people of this party committee."
    NOT_EDITABLE = "meetings.not_editable", "This meeting can no longer be changed this way."
    NOT_DELETABLE = "meetings.not_deletable", "Invitees were told; cancel the meeting instead of deleting it."
    REASON_REQUIRED = "meetings.reason_required", "Give a reason."
    ALREADY_HELD = "meetings.already_held", "The meeting has already been held."
    NOT_STARTED = "meetings.not_started", "A meeting cannot be marked held before it starts."
    NOT_HELD = "meetings.not_held", "The meeting has not been held yet."
    CANCELLED = "meetings.cancelled", "The meeting was cancelled."
    QUORUM_NOT_MET = (
        "meetings.quorum_not_met",
        "More than half of the full members with voting rights must be present (<present> of <members>).",
    )
    VOTES_INVALID = "meetings.votes_invalid", "The votes cannot exceed the members with voting rights present."
    RESOLUTION_REQUIRED = "meetings.resolution_required", "Enter the resolution's text."
    BAD_MARKING = "meetings.bad_marking", "The marking is public or internal."
    ATTENDEE_EXISTS = "meetings.attendee_exists", "This person is already an invitee."
    NOT_A_MEMBER = "meetings.not_a_member", "This person is not a member of the meeting's organization."
    BAD_STATUS = "meetings.bad_status", "An attendance status set by hand is present or absent."
    GUEST_NAME_REQUIRED = "meetings.guest_name_required", "Enter the guest's name."
    BAD_FILE = "meetings.bad_file", "Attach a finished upload made for a meeting file."
    # Leave and make-up
    NOT_INVITED = "meetings.not_invited", "You are not an invitee of this meeting."
    LEAVE_TOO_LATE = "meetings.leave_too_late", "Leave is requested before the meeting starts."
    LEAVE_NOT_REQUESTED = "meetings.leave_not_requested", "There is no pending leave request to decide."
    LEAVE_ALREADY = "meetings.leave_already", "Leave has already been requested or decided."
    MAKEUP_DONE = "meetings.makeup_done", "This make-up task is already completed."
    # Sign-in (tenants.meetings.signin)
    SIGNIN_CODE_INVALID = "meetings.signin_code_invalid", "The sign-in code is wrong or has expired; scan again."
    SIGNIN_CLOSED = (
        "meetings.signin_closed",
        "Sign-in is open from 30 minutes before the meeting starts to 30 minutes after it ends.",
    )
    CARD_UNKNOWN = "meetings.card_unknown", "No employee is known with this card number."
    CARD_NOT_MEMBER = "meetings.card_not_member", "The card holder is not a member of this meeting's organization."
    # Compliance (tenants.meetings.compliance)
    BAD_PERIOD = "meetings.bad_period", "The period is month, quarter or year."
    MEETING_UNKNOWN = "meetings.meeting_unknown", "No such meeting within your scope."
    TENANT_UNKNOWN = "meetings.tenant_unknown", "No such subsidiary."
