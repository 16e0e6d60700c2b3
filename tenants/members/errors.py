"""Error codes of members: each a stable code clients act on and what it means (docs/api.md)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class MembersCode(ErrorCode):
    BAD_DATE = "members.bad_date", "Use a date like 2026-06-30."
    BAD_DUES_CATEGORY = "members.bad_dues_category", "Choose a valid dues category."
    BAD_EDUCATION = "members.bad_education", "Choose a valid education."
    BAD_GENDER = "members.bad_gender", "Choose a valid gender."
    BAD_MEMBERSHIP = "members.bad_membership", "Choose a valid membership (full or probationary)."
    BAD_PHONE = "members.bad_phone", "Enter a valid mainland mobile number (11 digits starting with 1)."
    BAD_STATUS = "members.bad_status", "Choose a valid status."
    BIRTH_DATE_MISMATCH = "members.birth_date_mismatch", "The birth date does not match the ID-card number."
    BIRTH_DATE_REQUIRED = "members.birth_date_required", "Enter the birth date."
    CONFIRMED_ON_ORDER = (
        "members.confirmed_on_order",
        "The confirmation date must be after joining and not in the future.",
    )
    CONFIRMED_ON_REQUIRED = "members.confirmed_on_required", "A full member needs a confirmation date."
    DECISION_REQUIRED = "members.decision_required", "Enter the deciding body and the decision's number."
    DISCIPLINARY_PROBATION_LENGTH = (
        "members.disciplinary_probation_length",
        "Disciplinary probation lasts one or two years: the end date must be after the start and at most two years later.",
    )
    DISCIPLINARY_PROBATION_OVERLAPS = (
        "members.disciplinary_probation_overlaps",
        "This member is already under disciplinary probation in that period.",
    )
    ID_CARD_BIRTH_DATE = "members.id_card_birth_date", "The ID-card number contains an impossible birth date."
    ID_CARD_CHECKSUM = "members.id_card_checksum", "The ID-card number's check character is wrong."
    ID_CARD_FORMAT = "members.id_card_format", "The ID-card number must be 17 digits followed by a digit or X."
    ID_CARD_IMMUTABLE = "members.id_card_immutable", "The ID-card number of a record cannot be changed."
    ID_CARD_TAKEN = "members.id_card_taken", "A member with this ID-card number is already recorded."
    IMPORT_TOO_LARGE = "members.import_too_large", "The file is larger than 20 MB."
    JOINED_ON_FUTURE = "members.joined_on_future", "The joining date is in the future."
    JOINED_ON_REQUIRED = "members.joined_on_required", "Enter the date of joining the party."
    NAME_REQUIRED = "members.name_required", "Enter the member's name."
    NO_RECORD = "members.no_record", "You have no member record in this party committee."
    NO_REPORT = "members.no_report", "This import has no error report."
    NOT_ACTIVE = "members.not_active", "Only an active member can be placed under disciplinary probation."
    ORGANIZATION_KIND = "members.organization_kind", "Members are held by a branch, general branch or party group."
    ORGANIZATION_REQUIRED = "members.organization_required", "Choose the organization that holds this member."
    OUT_OF_SCOPE = "members.out_of_scope", "This member is outside your scope."
    PLACED_BEFORE_JOINED = "members.placed_before_joined", "The branch cannot have been joined before the party."
    PLACED_IN_FUTURE = "members.placed_in_future", "The date cannot be in the future."
    PROBATIONARY_CONFIRMED = "members.probationary_confirmed", "A probationary member has no confirmation date yet."
    STARTED_ON_FUTURE = "members.started_on_future", "The start date is in the future."
    TOO_YOUNG_AT_JOINING = "members.too_young_at_joining", "A member must be at least 18 when joining the party."
    UNKNOWN_FIELD = "members.unknown_field", "Unknown field."
    # Declared here, not in TransfersCode: members receives the record and transfers imports members.
    TRANSFERS_ALREADY_MEMBER_HERE = "transfers.already_member_here", "This person is already an active member here."
