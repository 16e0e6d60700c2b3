"""Error codes of dues: each a stable code clients act on and what it means (docs/api.md)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class DuesCode(ErrorCode):
    ALREADY_PAID = "dues.already_paid", "<month> is already settled."
    BAD_MONTH = "dues.bad_month", "Use a month like 2026-06."
    BAD_RANGE = "dues.bad_range", "The last month must not be before the first."
    EXEMPTION_DECIDED = "dues.exemption_decided", "This request has already been decided."
    FIXED_OUT_OF_RANGE = "dues.fixed_out_of_range", "The fixed amount must be between <min> and <max> yuan."
    FOUR_EYES = "dues.four_eyes", "The next level up approves; the requester cannot approve it."
    MONTHS_REQUIRED = "dues.months_required", "Choose the months being paid."
    NEGATIVE_AMOUNT = "dues.negative_amount", "The reduced amount cannot be negative."
    NEGATIVE_BASE = "dues.negative_base", "The dues base cannot be negative."
    NO_BRACKET = "dues.no_bracket", "No dues bracket covers this base."
    NO_MEMBER_RECORD = "dues.no_member_record", "You have no member record in this party committee."
    NO_RULE = "dues.no_rule", "No dues rule is in force; ask the administrator."
    NOT_ASSESSED = "dues.not_assessed", "<month> has not been assessed yet."
    NOT_PAYABLE = "dues.not_payable", "Some of these months are not due (not assessed, or already settled)."
    OUT_OF_SCOPE = "dues.out_of_scope", "This member is outside your scope."
    PAYMENT_CLOSED = "dues.payment_closed", "This payment is already closed."
    PAYMENT_UNVERIFIED = "dues.payment_unverified", "The payment confirmation could not be verified."
    REASON_REQUIRED = "dues.reason_required", "Say why the dues are reduced or exempted."
    REMITTANCE_NOT_POSITIVE = "dues.remittance_not_positive", "The amount must be positive."
    UNKNOWN_CATEGORY = "dues.unknown_category", "No dues bracket for this member category."
    VOLUNTARY_BELOW_1000 = "dues.voluntary_below_1000", "A voluntary payment recorded separately is 1,000 yuan or more."
