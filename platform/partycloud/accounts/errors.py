"""Error codes of accounts: each a stable code clients act on and what it means (docs/api.md)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class AccountsCode(ErrorCode):
    LAST_GROUP_ADMIN = "accounts.last_group_admin", "The group keeps at least one group admin."
    ROLE_EXISTS = "accounts.role_exists", "This user already holds this role."
    UNKNOWN_ROLE = "accounts.unknown_role", "Unknown role: <role>"
    MFA_ALREADY_ENABLED = "accounts.mfa_already_enabled", "Two-factor sign-in is already on for this account."
    MFA_CHALLENGE_INVALID = (
        "accounts.mfa_challenge_invalid",
        "The sign-in step expired or is not valid for this action; sign in again.",
    )
    MFA_CODE_USED = "accounts.mfa_code_used", "This code was already used; wait for the next one."
    MFA_ENROLMENT_NOT_STARTED = "accounts.mfa_enrolment_not_started", "Start setting up the authenticator first."
    MFA_INVALID_CODE = "accounts.mfa_invalid_code", "Wrong or expired code (<remaining> attempts left)."
    MFA_NOT_ENABLED = "accounts.mfa_not_enabled", "Two-factor sign-in is not on for this account."
    MFA_REQUIRED = (
        "accounts.mfa_required",
        "Your roles require two-factor sign-in; it cannot be turned off.",
    )
    SESSION_EXPIRED = (
        "accounts.session_expired",
        "Signed out after <minutes> minutes without activity; sign in again.",
    )
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
