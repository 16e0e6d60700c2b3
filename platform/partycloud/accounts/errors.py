"""Error codes of accounts: each a stable code clients act on and what it means (docs/api.md)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class AccountsCode(ErrorCode):
    LAST_GROUP_ADMIN = "accounts.last_group_admin", "The group keeps at least one group admin."
    ROLE_EXISTS = "accounts.role_exists", "This user already holds this role."
    UNKNOWN_ROLE = "accounts.unknown_role", "Unknown role: <role>"
    USER_NOT_FOUND = "accounts.user_not_found", "No user has this phone or employee card number."
    AUTH_BAD_CARD = "auth.bad_card", "The employee card number has the wrong format."
    AUTH_BAD_PHONE = "auth.bad_phone", "Enter an 11-digit mainland mobile number."
    AUTH_CARD_TAKEN = "auth.card_taken", "This employee card number is already registered."
    AUTH_INACTIVE = "auth.inactive", "This account is disabled."
    AUTH_INVALID_CREDENTIALS = (
        "auth.invalid_credentials",
        "Wrong phone number, card number or password (<remaining> attempts left).",
    )
    AUTH_LOCKED = "auth.locked", "Too many failed logins. This account is locked; try again in <minutes> minutes."
    AUTH_NAME_REQUIRED = "auth.name_required", "Enter your name."
    AUTH_PHONE_TAKEN = "auth.phone_taken", "This mobile number is already registered."
    AUTH_WEAK_PASSWORD = (
        "auth.weak_password",
        "The password is too short, too common or too like the account's details.",
    )
    AUTH_WRONG_PASSWORD = "auth.wrong_password", "The current password is wrong."
