"""Use cases of identity: login with lockout, registration, passwords, group roles."""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from partycloud.accounts.backends import find_user
from partycloud.accounts.models import (
    GroupRole,
    GroupRoleKind,
    User,
    normalize_phone,
    validate_card_number,
    validate_phone,
)
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import Conflict, NotAllowed, ServiceError

# ---------------------------------------------------------------- login and lockout


def _lock_keys(identifier: str) -> tuple[str, str]:
    # Identities are global (public schema), so the lockout is too: the "global" cache
    # has no tenant in its keys, otherwise each tenant host would grant fresh attempts.
    digest = hashlib.sha256(identifier.strip().lower().encode()).hexdigest()[:32]
    return f"login-failures:{digest}", f"login-locked:{digest}"


def check_login_allowed(identifier: str) -> None:
    cache = caches["global"]
    _failures, locked = _lock_keys(identifier)
    locked_until = cache.get(locked)
    if locked_until is not None:
        minutes = max(1, math.ceil((float(locked_until) - time.time()) / 60))
        raise ServiceError(
            "auth.locked",
            _("Too many failed logins. This account is locked; try again in %(minutes)d minutes.")
            % {"minutes": minutes},
            "identifier",
            status=429,
        )


def _record_failure(identifier: str) -> int:
    cache = caches["global"]
    failures, locked = _lock_keys(identifier)
    cache.add(failures, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
    count = int(cache.incr(failures))
    if count >= settings.LOGIN_MAX_FAILURES:
        cache.set(locked, time.time() + settings.LOGIN_LOCKOUT_SECONDS, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        cache.delete(failures)
    return count


def _clear_failures(identifier: str) -> None:
    caches["global"].delete_many(list(_lock_keys(identifier)))


def do_authenticate(identifier: str, password: str, *, request: HttpRequest | None = None) -> User:
    """Check credentials (phone or employee card number) with lockout after repeated failures."""
    identifier = identifier.strip()
    check_login_allowed(identifier)
    user = authenticate(request, username=identifier, password=password)
    if not isinstance(user, User):
        count = _record_failure(identifier)
        target = find_user(identifier)
        do_record_audit(
            event="auth.login_failed",
            details={"attempt": count, "limit": settings.LOGIN_MAX_FAILURES},
            actor=None,
            target_type="accounts.user",
            target_id=target.pk if target else "",
            target_label=target.name if target else "",
            request=request,
        )
        if target is not None and not target.is_active and target.check_password(password):
            raise NotAllowed("auth.inactive", _("This account is disabled."), "identifier")
        remaining = settings.LOGIN_MAX_FAILURES - count
        if remaining <= 0:
            check_login_allowed(identifier)
        raise ServiceError(
            "auth.invalid_credentials",
            _("Wrong phone number, card number or password (%(remaining)d attempts left).") % {"remaining": remaining},
            "password",
            status=400,
        )
    _clear_failures(identifier)
    do_record_audit(event="auth.login", actor=user, target=user, request=request)
    return user


# ---------------------------------------------------------------- registration and passwords


def _check_password_rules(password: str, user: User, field: str = "password") -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ServiceError("auth.weak_password", " ".join(error.messages), field) from None


def check_can_register(*, phone: str, name: str, employee_card_number: str | None) -> str:
    phone = normalize_phone(phone)
    try:
        validate_phone(phone)
    except ValidationError as error:
        raise ServiceError("auth.bad_phone", error.messages[0], "phone") from None
    if not name.strip():
        raise ServiceError("auth.name_required", _("Enter your name."), "name")
    if employee_card_number:
        try:
            validate_card_number(employee_card_number)
        except ValidationError as error:
            raise ServiceError("auth.bad_card", error.messages[0], "employee_card_number") from None
        if User.objects.filter(employee_card_number__iexact=employee_card_number).exists():
            raise Conflict(
                "auth.card_taken", _("This employee card number is already registered."), "employee_card_number"
            )
    if User.objects.filter(phone=phone).exists():
        raise Conflict("auth.phone_taken", _("This mobile number is already registered."), "phone")
    return phone


@transaction.atomic
def do_register(
    *,
    phone: str,
    name: str,
    password: str,
    email: str = "",
    employee_card_number: str | None = None,
    request: HttpRequest | None = None,
) -> User:
    phone = check_can_register(phone=phone, name=name, employee_card_number=employee_card_number)
    user = User(phone=phone, name=name.strip(), email=email, employee_card_number=employee_card_number or None)
    _check_password_rules(password, user)
    user.set_password(password)
    user.save()
    do_record_audit(event="account.register", actor=user, target=user, request=request)
    return user


def do_change_password(user: User, *, old_password: str, new_password: str, request: HttpRequest | None = None) -> None:
    if not user.check_password(old_password):
        raise ServiceError("auth.wrong_password", _("The current password is wrong."), "old_password")
    _check_password_rules(new_password, user, "new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    do_record_audit(event="account.password.change", actor=user, target=user, request=request)


# ---------------------------------------------------------------- group roles


def group_roles(user: Any) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(GroupRole.objects.filter(user_id=user.pk).values_list("role", flat=True))


def is_group_admin(user: Any) -> bool:
    return GroupRoleKind.GROUP_ADMIN in group_roles(user)


def is_group_staff(user: Any) -> bool:
    return bool(group_roles(user))


@transaction.atomic
def do_grant_group_role(*, user: User, role: str, actor: Any = None, request: HttpRequest | None = None) -> GroupRole:
    if role not in GroupRoleKind.values:
        raise ServiceError("accounts.unknown_role", _("Unknown role: %(role)s") % {"role": role}, "role")
    if GroupRole.objects.filter(user=user, role=role).exists():
        raise Conflict("accounts.role_exists", _("This user already holds this role."), "role")
    grant = GroupRole.objects.create(user=user, role=role, granted_by=actor if actor and actor.pk else None)
    do_record_audit(
        event="group_role.grant",
        details={"role": role, "user": user.pk},
        actor=actor,
        target=grant,
        target_label=user.name,
        request=request,
    )
    return grant


@transaction.atomic
def do_revoke_group_role(grant: GroupRole, *, actor: Any = None, request: HttpRequest | None = None) -> None:
    if (
        grant.role == GroupRoleKind.GROUP_ADMIN
        and GroupRole.objects.filter(role=GroupRoleKind.GROUP_ADMIN).count() == 1
    ):
        raise Conflict("accounts.last_group_admin", _("The group keeps at least one group admin."), "role")
    do_record_audit(
        event="group_role.revoke",
        details={"role": grant.role, "user": grant.user_id},
        actor=actor,
        target=grant,
        target_label=grant.user.name,
        request=request,
    )
    grant.delete()


# ---------------------------------------------------------------- tenant capabilities


# Which console pages a user's roles in a tenant open. Roles are tenant data (``tenants.access``,
# a higher floor), so that app registers the resolver at start-up; until then nothing is open.
def _no_capabilities(roles: Iterable[str]) -> list[str]:
    return []


_tenant_capabilities: Callable[[Iterable[str]], list[str]] = _no_capabilities


def register_tenant_capabilities(resolver: Callable[[Iterable[str]], list[str]]) -> None:
    global _tenant_capabilities
    _tenant_capabilities = resolver


def tenant_capabilities(roles: Iterable[str]) -> list[str]:
    return _tenant_capabilities(roles)
