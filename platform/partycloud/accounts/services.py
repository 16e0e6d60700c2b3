"""Use cases of identity: login with lockout, registration, passwords, group roles.

Each use case announces what happened through ``partycloud.accounts.signals`` (the audit log,
a higher app, records it); accounts imports no other app of ours.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Iterable
from typing import TypedDict

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.backends import find_user
from partycloud.accounts.errors import AccountsCode
from partycloud.accounts.models import (
    GroupRole,
    GroupRoleKind,
    User,
    normalize_phone,
    validate_card_number,
    validate_phone,
)
from partycloud.accounts.signals import (
    account_registered,
    group_role_granted,
    group_role_revoked,
    login_failed,
    login_succeeded,
    password_changed,
)
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
            AccountsCode.AUTH_LOCKED,
            _("Too many failed logins. This account is locked; try again in %(minutes)d minutes.")
            % {"minutes": minutes},
            "identifier",
            status=429,
        )


def record_login_failure(identifier: str) -> int:
    cache = caches["global"]
    failures, locked = _lock_keys(identifier)
    cache.add(failures, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
    count = int(cache.incr(failures))
    if count >= settings.LOGIN_MAX_FAILURES:
        cache.set(locked, time.time() + settings.LOGIN_LOCKOUT_SECONDS, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        cache.delete(failures)
    return count


def clear_login_failures(identifier: str) -> None:
    caches["global"].delete_many(list(_lock_keys(identifier)))


def do_authenticate(identifier: str, password: str, *, actor: Actor) -> User:
    """Check credentials (phone or employee card number) with lockout after repeated failures.

    ``actor`` is the anonymous caller (``Actor.of(request)``): its request goes to the
    authentication backends, its address to the audit log. The sign-in is not announced yet:
    a second step (``accounts.mfa``) may follow; ``announce_sign_in`` says it is complete."""
    identifier = identifier.strip()
    check_login_allowed(identifier)
    user = authenticate(actor.http_request, username=identifier, password=password)
    if not isinstance(user, User):
        count = record_login_failure(identifier)
        target = find_user(identifier)
        login_failed.send(sender=User, user=target, attempt=count, limit=settings.LOGIN_MAX_FAILURES, actor=actor)
        if target is not None and not target.is_active and target.check_password(password):
            raise NotAllowed(AccountsCode.AUTH_INACTIVE, _("This account is disabled."), "identifier")
        remaining = settings.LOGIN_MAX_FAILURES - count
        if remaining <= 0:
            check_login_allowed(identifier)
        raise ServiceError(
            AccountsCode.AUTH_INVALID_CREDENTIALS,
            _("Wrong phone number, card number or password (%(remaining)d attempts left).") % {"remaining": remaining},
            "password",
            status=400,
        )
    clear_login_failures(identifier)
    return user


def announce_sign_in(user: User, *, actor: Actor) -> None:
    """A sign-in is complete (password, and the code when one is asked): the audit log records it."""
    login_succeeded.send(sender=User, user=user, actor=actor.as_user(user))


# ---------------------------------------------------------------- registration and passwords


def _check_password_rules(password: str, user: User, field: str = "password") -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ServiceError(AccountsCode.AUTH_WEAK_PASSWORD, " ".join(error.messages), field) from None


def check_can_register(*, phone: str, name: str, employee_card_number: str | None) -> str:
    phone = normalize_phone(phone)
    try:
        validate_phone(phone)
    except ValidationError as error:
        raise ServiceError(AccountsCode.AUTH_BAD_PHONE, error.messages[0], "phone") from None
    if not name.strip():
        raise ServiceError(AccountsCode.AUTH_NAME_REQUIRED, _("Enter your name."), "name")
    if employee_card_number:
        try:
            validate_card_number(employee_card_number)
        except ValidationError as error:
            raise ServiceError(AccountsCode.AUTH_BAD_CARD, error.messages[0], "employee_card_number") from None
        if User.objects.filter(employee_card_number__iexact=employee_card_number).exists():
            raise Conflict(
                AccountsCode.AUTH_CARD_TAKEN,
                _("This employee card number is already registered."),
                "employee_card_number",
            )
    if User.objects.filter(phone=phone).exists():
        raise Conflict(AccountsCode.AUTH_PHONE_TAKEN, _("This mobile number is already registered."), "phone")
    return phone


@transaction.atomic
def do_register(
    *,
    phone: str,
    name: str,
    password: str,
    email: str = "",
    employee_card_number: str | None = None,
    actor: Actor,
) -> User:
    """Create an account; ``actor`` is the anonymous caller, who becomes the new user."""
    phone = check_can_register(phone=phone, name=name, employee_card_number=employee_card_number)
    user = User(phone=phone, name=name.strip(), email=email, employee_card_number=employee_card_number or None)
    _check_password_rules(password, user)
    user.set_password(password)
    user.save()
    account_registered.send(sender=User, user=user, actor=actor.as_user(user))
    return user


def do_change_password(*, actor: Actor, old_password: str, new_password: str) -> None:
    """The signed-in ``actor`` changes their own password."""
    user = actor.user
    assert user is not None, "only a signed-in user reaches this (PasswordView: IsAuthenticated)"
    if not user.check_password(old_password):
        raise ServiceError(AccountsCode.AUTH_WRONG_PASSWORD, _("The current password is wrong."), "old_password")
    _check_password_rules(new_password, user, "new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    password_changed.send(sender=User, user=user, actor=actor)


# ---------------------------------------------------------------- group roles


def group_roles(user: AbstractBaseUser | AnonymousUser | None) -> frozenset[str]:
    if user is None or not user.is_authenticated:
        return frozenset()
    return frozenset(GroupRole.objects.filter(user_id=user.pk).values_list("role", flat=True))


def is_group_admin(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    return GroupRoleKind.GROUP_ADMIN in group_roles(user)


def is_group_staff(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    return bool(group_roles(user))


@transaction.atomic
def do_grant_group_role(*, user: User, role: str, actor: Actor) -> GroupRole:
    if role not in GroupRoleKind.values:
        raise ServiceError(AccountsCode.UNKNOWN_ROLE, _("Unknown role: %(role)s") % {"role": role}, "role")
    if GroupRole.objects.filter(user=user, role=role).exists():
        raise Conflict(AccountsCode.ROLE_EXISTS, _("This user already holds this role."), "role")
    grant = GroupRole.objects.create(user=user, role=role, granted_by=actor.user)
    group_role_granted.send(sender=GroupRole, grant=grant, actor=actor)
    return grant


@transaction.atomic
def do_revoke_group_role(grant: GroupRole, *, actor: Actor) -> None:
    if (
        grant.role == GroupRoleKind.GROUP_ADMIN
        and GroupRole.objects.filter(role=GroupRoleKind.GROUP_ADMIN).count() == 1
    ):
        raise Conflict(AccountsCode.LAST_GROUP_ADMIN, _("The group keeps at least one group admin."), "role")
    group_role_revoked.send(sender=GroupRole, grant=grant, actor=actor)
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


# ---------------------------------------------------------------- the tenants a user reaches


class TenantLink(TypedDict):
    id: int
    name: str
    slug: str
    url: str
    status: str
    roles: list[str]
    has_member_record: bool


class CurrentTenant(TypedDict):
    id: int
    name: str
    slug: str
    roles: list[str]
    capabilities: list[str]
    locale: str


TenantDirectory = Callable[[User], tuple[list[TenantLink], CurrentTenant | None]]


# Where a user has a role or a member record, and the tenant whose host they are on: tenancy's
# data (a higher kernel app), so tenancy registers its lookup at start-up (TenancyConfig.ready).
def _no_tenants(user: User) -> tuple[list[TenantLink], CurrentTenant | None]:
    return [], None


_tenant_directory: TenantDirectory = _no_tenants


def register_tenant_directory(directory: TenantDirectory) -> None:
    global _tenant_directory
    _tenant_directory = directory


def tenants_of(user: User) -> tuple[list[TenantLink], CurrentTenant | None]:
    """The tenants ``user`` reaches (``/me``'s ``tenants``) and the one being visited, if any."""
    return _tenant_directory(user)
