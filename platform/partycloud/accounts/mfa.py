"""Two-factor sign-in: TOTP authenticators (RFC 6238), recovery codes and the signed challenge
that carries a sign-in from the password to the code (or to the enrolment).

Who must use it: every holder of a role in ``MFA_REQUIRED_ROLES``, group roles and tenant roles
alike, held in any tenant (a member who is an admin anywhere needs it). Everyone else may turn
it on from their profile. Secrets are encrypted at rest (``core.crypto``); recovery codes are
stored as SHA-256 digests (80 random bits each), single use. A code is accepted one time step
either side of now, and only once: a device remembers the step of the last code it accepted.
Wrong codes count towards the login lockout of the identifier the user signed in with.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import pyotp
import segno
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.errors import AccountsCode
from partycloud.accounts.models import RecoveryCode, TotpDevice, User
from partycloud.accounts.services import (
    check_login_allowed,
    clear_login_failures,
    group_roles,
    record_login_failure,
    tenants_of,
)
from partycloud.accounts.signals import (
    login_failed,
    mfa_disabled,
    mfa_enrolled,
    mfa_reset,
    recovery_code_used,
    recovery_codes_regenerated,
)
from partycloud.core.crypto import decrypt, encrypt
from partycloud.core.errors import Conflict, NotAllowed, ServiceError

# ---------------------------------------------------------------- who needs it


def roles_anywhere(user: User) -> frozenset[str]:
    """The user's group roles and their tenant roles in every tenant (the public index)."""
    tenants, _current = tenants_of(user)
    return group_roles(user) | frozenset(role for link in tenants for role in link["roles"])


def mfa_required(user: User) -> bool:
    return bool(roles_anywhere(user) & set(settings.MFA_REQUIRED_ROLES))


def confirmed_device(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def mfa_enabled(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


# ---------------------------------------------------------------- the challenge between the steps

Step = Literal["code", "enrol"]
_CHALLENGE_SALT = "partycloud.accounts.mfa.challenge"


@dataclass(frozen=True)
class Challenge:
    """A sign-in past its password: ``step`` says what it still needs (a code, or an enrolment)."""

    user: User
    step: Step
    identifier: str


def issue_challenge(user: User, step: Step, identifier: str) -> str:
    # The password hash's HMAC ties the challenge to the password: a change voids it.
    payload = {"u": user.pk, "s": step, "i": identifier, "h": user.get_session_auth_hash()[:20]}
    return signing.dumps(payload, salt=_CHALLENGE_SALT, compress=True)


def read_challenge(token: str, step: Step) -> Challenge:
    try:
        payload = signing.loads(token, salt=_CHALLENGE_SALT, max_age=settings.MFA_CHALLENGE_SECONDS)
    except signing.BadSignature:  # also SignatureExpired
        payload = None
    if not isinstance(payload, dict):
        payload = {}
    user_id = payload.get("u")
    user = User.objects.filter(pk=user_id, is_active=True).first() if isinstance(user_id, int) else None
    if (
        user is None
        or payload.get("s") != step
        or not hmac.compare_digest(str(payload.get("h")), user.get_session_auth_hash()[:20])
    ):
        raise ServiceError(
            AccountsCode.MFA_CHALLENGE_INVALID,
            _("The sign-in step expired or is not valid for this action; sign in again."),
            "challenge",
            status=400,
        )
    return Challenge(user=user, step=step, identifier=str(payload.get("i", "")))


def second_step_for(user: User) -> Step | None:
    """What a sign-in with the right password still needs: a code, an enrolment, or nothing."""
    if mfa_enabled(user):
        return "code"
    if mfa_required(user):
        return "enrol"
    return None


# ---------------------------------------------------------------- codes

_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed by hand
_RECOVERY_LENGTH = 16


def _normalize(code: str) -> str:
    return re.sub(r"[^0-9a-z]", "", code.lower())


def _digest(code: str) -> str:
    return hashlib.sha256(_normalize(code).encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4))


def _replace_recovery_codes(user: User) -> list[str]:
    codes = [_new_recovery_code() for _ in range(settings.MFA_RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=_digest(code)) for code in codes)
    return codes


def totp_for(device: TotpDevice) -> pyotp.TOTP:
    return pyotp.TOTP(decrypt(device.secret_encrypted))


def _matching_step(device: TotpDevice, code: str, now: float | None = None) -> int | None:
    """The time step (now ±1) whose code is ``code``, if any."""
    totp = totp_for(device)
    current = int(now if now is not None else time.time()) // totp.interval
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _accept_totp(device: TotpDevice, code: str) -> bool:
    """True when ``code`` is the device's code now (±1 step) and no code of its step or a later one
    was accepted before; refuses a replay with its own error."""
    step = _matching_step(device, code)
    if step is None:
        return False
    fresh = Q(last_step__isnull=True) | Q(last_step__lt=step)
    # One UPDATE decides: two requests racing with the same code cannot both win.
    if not TotpDevice.objects.filter(Q(pk=device.pk) & fresh).update(last_step=step):
        raise ServiceError(
            AccountsCode.MFA_CODE_USED, _("This code was already used; wait for the next one."), "code", status=400
        )
    device.last_step = step
    return True


def _accept_recovery_code(user: User, code: str) -> bool:
    return bool(
        RecoveryCode.objects.filter(user=user, code_hash=_digest(code), used_at__isnull=True).update(
            used_at=timezone.now()
        )
    )


def _refuse_code(user: User, identifier: str, actor: Actor) -> ServiceError:
    """A wrong code counts as a failed login of ``identifier`` (the same lockout as passwords)."""
    count = record_login_failure(identifier)
    login_failed.send(sender=User, user=user, attempt=count, limit=settings.LOGIN_MAX_FAILURES, actor=actor)
    remaining = settings.LOGIN_MAX_FAILURES - count
    if remaining <= 0:
        check_login_allowed(identifier)
    return ServiceError(
        AccountsCode.MFA_INVALID_CODE,
        _("Wrong or expired code (%(remaining)d attempts left).") % {"remaining": remaining},
        "code",
        status=400,
    )


def _check_second_factor(user: User, code: str, *, identifier: str, actor: Actor, allow_recovery: bool = True) -> None:
    """Accept the authenticator's code, or (``allow_recovery``) an unused recovery code."""
    check_login_allowed(identifier)
    device = confirmed_device(user)
    if device is None:
        raise Conflict(AccountsCode.MFA_NOT_ENABLED, _("Two-factor sign-in is not on for this account."), "code")
    normalized = _normalize(code)
    if re.fullmatch(r"\d{6}", normalized):
        if _accept_totp(device, normalized):
            clear_login_failures(identifier)
            return
    elif allow_recovery and _accept_recovery_code(user, normalized):
        clear_login_failures(identifier)
        remaining = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
        recovery_code_used.send(sender=User, user=user, remaining=remaining, actor=actor.as_user(user))
        return
    raise _refuse_code(user, identifier, actor)


# ---------------------------------------------------------------- sign-in


# Not atomic: a refused code must leave its failed-login entry in the audit log.
def do_verify_sign_in_code(challenge: Challenge, code: str, *, actor: Actor) -> User:
    """The second step of a sign-in: the authenticator's code or a recovery code."""
    _check_second_factor(challenge.user, code, identifier=challenge.identifier, actor=actor)
    return challenge.user


# ---------------------------------------------------------------- enrolment


@dataclass(frozen=True)
class Enrolment:
    secret: str
    otpauth_uri: str
    qr_svg: str


def _provisioning(user: User, secret: str) -> Enrolment:
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.phone, issuer_name=settings.MFA_ISSUER)
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#1f1f1f", light="#ffffff")
    return Enrolment(secret=secret, otpauth_uri=uri, qr_svg=svg)


@transaction.atomic
def do_start_enrolment(user: User) -> Enrolment:
    """A new secret for ``user``'s authenticator, waiting for its first code (starting again
    replaces an unconfirmed one). Refused while a confirmed authenticator exists."""
    if mfa_enabled(user):
        raise Conflict(AccountsCode.MFA_ALREADY_ENABLED, _("Two-factor sign-in is already on for this account."), None)
    secret = pyotp.random_base32()
    TotpDevice.objects.update_or_create(
        user=user, defaults={"secret_encrypted": encrypt(secret), "confirmed_at": None, "last_step": None}
    )
    return _provisioning(user, secret)


def do_confirm_enrolment(user: User, code: str, *, identifier: str, actor: Actor) -> list[str]:
    """The first code proves the authenticator works: two-factor sign-in is on. Returns the
    recovery codes, shown this once."""
    check_login_allowed(identifier)
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    if device is None:
        if mfa_enabled(user):
            raise Conflict(
                AccountsCode.MFA_ALREADY_ENABLED, _("Two-factor sign-in is already on for this account."), None
            )
        raise Conflict(AccountsCode.MFA_ENROLMENT_NOT_STARTED, _("Start setting up the authenticator first."), None)
    normalized = _normalize(code)
    if not (re.fullmatch(r"\d{6}", normalized) and _accept_totp(device, normalized)):
        raise _refuse_code(user, identifier, actor)
    clear_login_failures(identifier)
    with transaction.atomic():
        device.confirmed_at = timezone.now()
        device.save(update_fields=["confirmed_at"])
        codes = _replace_recovery_codes(user)
        mfa_enrolled.send(sender=User, user=user, actor=actor.as_user(user))
    return codes


def enrol_with_secret(user: User, secret: str) -> TotpDevice:
    """Turn two-factor sign-in on with a known secret, no code asked: the demo's staff accounts and
    the test worlds only (their documented secret lets ``manage.py totp_code`` and the browser
    scenarios compute codes). Recovery codes are made and thrown away."""
    device, _created = TotpDevice.objects.update_or_create(
        user=user,
        defaults={"secret_encrypted": encrypt(secret), "confirmed_at": timezone.now(), "last_step": None},
    )
    _replace_recovery_codes(user)
    return device


# ---------------------------------------------------------------- the profile and the group admin


@dataclass(frozen=True)
class MfaStatus:
    enabled: bool
    required: bool
    confirmed_at: datetime | None
    recovery_codes_left: int


def mfa_status(user: User) -> MfaStatus:
    device = confirmed_device(user)
    return MfaStatus(
        enabled=device is not None,
        required=mfa_required(user),
        confirmed_at=device.confirmed_at if device else None,
        recovery_codes_left=RecoveryCode.objects.filter(user=user, used_at__isnull=True).count() if device else 0,
    )


def _signed_in(actor: Actor) -> User:
    user = actor.user
    assert user is not None, "only a signed-in user reaches this (IsAuthenticated)"
    return user


def do_disable_mfa(*, actor: Actor, code: str) -> None:
    """The signed-in user turns two-factor sign-in off, proving it with a code; refused while
    their roles require it."""
    user = _signed_in(actor)
    if mfa_required(user):
        raise NotAllowed(
            AccountsCode.MFA_REQUIRED, _("Your roles require two-factor sign-in; it cannot be turned off."), None
        )
    _check_second_factor(user, code, identifier=user.phone, actor=actor)
    with transaction.atomic():
        TotpDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        mfa_disabled.send(sender=User, user=user, actor=actor)


def do_regenerate_recovery_codes(*, actor: Actor, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), proven with the authenticator's code."""
    user = _signed_in(actor)
    _check_second_factor(user, code, identifier=user.phone, actor=actor, allow_recovery=False)
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        recovery_codes_regenerated.send(sender=User, user=user, actor=actor)
    return codes


@transaction.atomic
def do_reset_mfa(target: User, *, actor: Actor) -> None:
    """A group admin removes ``target``'s authenticator and recovery codes (a lost phone): their
    next sign-in enrols again if their roles require it. The permission is checked by the view
    (``IsGroupAdmin``); the audit log records who did it."""
    if not TotpDevice.objects.filter(user=target).exists():
        raise Conflict(AccountsCode.MFA_NOT_ENABLED, _("Two-factor sign-in is not on for this account."), None)
    TotpDevice.objects.filter(user=target).delete()
    RecoveryCode.objects.filter(user=target).delete()
    mfa_reset.send(sender=User, user=target, actor=actor)
