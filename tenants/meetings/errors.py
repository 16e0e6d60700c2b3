"""Error codes of organizational life: each a stable code clients act on and what it means
(docs/api.md, docs/meetings.md).

This branch (sign-in) declares only the codes of sign-in; the records and compliance branches
declare theirs in the same class (identical lines where both use a code).
"""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class MeetingsCode(ErrorCode):
    OUT_OF_SCOPE = "meetings.out_of_scope", "This organization is outside your scope."
    CANCELLED = "meetings.cancelled", "The meeting was cancelled."
    NOT_INVITED = "meetings.not_invited", "You are not an invitee of this meeting."
    # Sign-in (tenants.meetings.signin)
    SIGNIN_CODE_INVALID = "meetings.signin_code_invalid", "The sign-in code is wrong or has expired; scan again."
    SIGNIN_CLOSED = (
        "meetings.signin_closed",
        "Sign-in is open from 30 minutes before the meeting starts to 30 minutes after it ends.",
    )
    CARD_UNKNOWN = "meetings.card_unknown", "No employee is known with this card number."
    CARD_NOT_MEMBER = "meetings.card_not_member", "The card holder is not a member of this meeting's organization."
