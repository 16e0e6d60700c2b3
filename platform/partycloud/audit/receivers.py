"""The audit log's record of what happens to identities: accounts (a lower kernel app) sends
signals, these receivers write the entries. Connected in ``AuditConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import GroupRole, User
from partycloud.accounts.signals import (
    account_registered,
    group_role_granted,
    group_role_revoked,
    login_failed,
    login_succeeded,
    mfa_disabled,
    mfa_enrolled,
    mfa_reset,
    password_changed,
    recovery_code_used,
    recovery_codes_regenerated,
)
from partycloud.audit.services import do_record_audit


@receiver(login_succeeded, dispatch_uid="audit.login")
def record_login(sender: type[User], *, user: User, actor: Actor, **kwargs: Any) -> None:
    do_record_audit(event="auth.login", actor=actor, target=user)


@receiver(login_failed, dispatch_uid="audit.login_failed")
def record_login_failure(
    sender: type[User], *, user: User | None, attempt: int, limit: int, actor: Actor, **kwargs: Any
) -> None:
    do_record_audit(
        event="auth.login_failed",
        details={"attempt": attempt, "limit": limit},
        actor=actor,
        target_type="accounts.user",
        target_id=user.pk if user else "",
        target_label=user.name if user else "",
    )


@receiver(user_logged_out, dispatch_uid="audit.logout")
def record_logout(sender: Any, *, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if not isinstance(user, User):  # nobody was signed in
        return
    actor = Actor.of(request).as_user(user) if request is not None else Actor.for_user(user)
    do_record_audit(event="auth.logout", actor=actor, target=user)


@receiver(account_registered, dispatch_uid="audit.register")
def record_registration(sender: type[User], *, user: User, actor: Actor, **kwargs: Any) -> None:
    do_record_audit(event="account.register", actor=actor, target=user)


@receiver(password_changed, dispatch_uid="audit.password_change")
def record_password_change(sender: type[User], *, user: User, actor: Actor, **kwargs: Any) -> None:
    do_record_audit(event="account.password.change", actor=actor, target=user)


@receiver(group_role_granted, dispatch_uid="audit.group_role_grant")
def record_group_role_grant(sender: type[GroupRole], *, grant: GroupRole, actor: Actor, **kwargs: Any) -> None:
    do_record_audit(
        event="group_role.grant",
        details={"role": grant.role, "user": grant.user_id},
        actor=actor,
        target=grant,
        target_label=grant.user.name,
    )


@receiver(group_role_revoked, dispatch_uid="audit.group_role_revoke")
def record_group_role_revoke(sender: type[GroupRole], *, grant: GroupRole, actor: Actor, **kwargs: Any) -> None:
    do_record_audit(
        event="group_role.revoke",
        details={"role": grant.role, "user": grant.user_id},
        actor=actor,
        target=grant,
        target_label=grant.user.name,
    )


@receiver(mfa_enrolled, dispatch_uid="audit.mfa_enrol")
def record_mfa_enrolment(sender: type[User], *, user: User, actor: Actor, **kwargs: Any) -> None:
    do_record_audit(event="account.mfa.enrol", actor=actor, target=user)


@receiver(mfa_disabled, dispatch_uid="audit.mfa_disable")
def record_mfa_disable(sender: type[User], *, user: User, actor: Actor, **kwargs: Any) -> None:
    do_record_audit(event="account.mfa.disable", actor=actor, target=user)


@receiver(recovery_code_used, dispatch_uid="audit.recovery_code_use")
def record_recovery_code_use(sender: type[User], *, user: User, remaining: int, actor: Actor, **kwargs: Any) -> None:
    do_record_audit(event="account.mfa.recovery_code.use", details={"remaining": remaining}, actor=actor, target=user)


@receiver(recovery_codes_regenerated, dispatch_uid="audit.recovery_codes_regenerate")
def record_recovery_codes_regenerated(sender: type[User], *, user: User, actor: Actor, **kwargs: Any) -> None:
    do_record_audit(event="account.mfa.recovery_codes.regenerate", actor=actor, target=user)


@receiver(mfa_reset, dispatch_uid="audit.mfa_reset")
def record_mfa_reset(sender: type[User], *, user: User, actor: Actor, **kwargs: Any) -> None:
    do_record_audit(event="account.mfa.reset", details={"user": user.pk}, actor=actor, target=user)
