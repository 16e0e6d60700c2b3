"""Error codes of transfers: each a stable code clients act on and what it means (docs/api.md)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class TransfersCode(ErrorCode):
    ALREADY_DECIDED = "transfers.already_decided", "This transfer has already been decided."
    ALREADY_PENDING = "transfers.already_pending", "This member already has a transfer waiting to be received."
    BAD_DESTINATION = "transfers.bad_destination", "Choose an active branch, general branch or party group."
    BAD_TENANT = "transfers.bad_tenant", "Choose another active party committee of the group."
    DESTINATION_REQUIRED = "transfers.destination_required", "Choose the organization that receives the member."
    EXTERNAL_REQUIRED = "transfers.external_required", "Enter the party organization that receives the member."
    LETTER_NUMBER_REQUIRED = "transfers.letter_number_required", "Enter the introduction letter's number."
    LETTER_USED = "transfers.letter_used", "This introduction letter has already been registered."
    MEMBER_NOT_ACTIVE = "transfers.member_not_active", "Only an active member's relationship can be transferred."
    MEMBER_REQUIRED = "transfers.member_required", "Choose the member to transfer."
    NO_LETTER = "transfers.no_letter", "Only a transfer out of the group has an introduction letter."
    NO_RULE = "transfers.no_rule", "No transfer rule is in force; ask the administrator."
    NOT_A_LETTER = "transfers.not_a_letter", "Only a letter out of the group has a receipt."
    REASON_REQUIRED = "transfers.reason_required", "Say why the transfer is rejected."
    SAME_ORGANIZATION = "transfers.same_organization", "The member is already in this organization."
    USE_RECEIPT = "transfers.use_receipt", "Record the returned receipt for a letter out of the group."
    WRONG_SIDE = "transfers.wrong_side", "The receiving party committee accepts this transfer."
    OUT_OF_SCOPE = "transfers.out_of_scope", "This transfer is outside your scope."
