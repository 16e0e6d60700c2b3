"""What happens to an identity, announced for the apps above accounts (the audit log records each).

Sent by ``partycloud.accounts.services`` inside the use case's transaction, always with
``actor`` (the ``Actor`` who did it; after a login or a registration, the user themselves).
Accounts is the lowest kernel app and imports no other: ``partycloud.audit`` connects its
receivers in ``AuditConfig.ready`` (``partycloud/audit/receivers.py``). A signing-out goes
through Django's own ``django.contrib.auth.signals.user_logged_out``, sent by ``logout()``.
Django's ``user_logged_in`` and ``user_login_failed`` do not fit: the token login never calls
``login()``, and the failure count the audit shows is known only after ``authenticate()``.
"""

from __future__ import annotations

from django.dispatch import Signal

# user=, actor=: a user proved their password (the web session or the native apps' token).
login_succeeded = Signal()
# user= (None when no account has the identifier), attempt=, limit=, actor=: a wrong password.
login_failed = Signal()
# user=, actor=: an account was created (self-service registration).
account_registered = Signal()
# user=, actor=: a user changed their own password.
password_changed = Signal()
# grant= (a GroupRole), actor=: a group role was given.
group_role_granted = Signal()
# grant= (a GroupRole, still in the database), actor=: a group role is being taken away.
group_role_revoked = Signal()
# user=, actor=: a user turned on two-factor sign-in (confirmed their authenticator with a code).
mfa_enrolled = Signal()
# user=, actor=: a user turned two-factor sign-in off.
mfa_disabled = Signal()
# user=, actor=, remaining=: a recovery code replaced the authenticator's code once.
recovery_code_used = Signal()
# user=, actor=: a user replaced their recovery codes.
recovery_codes_regenerated = Signal()
# user=, actor=: a group admin removed another user's authenticator (lost phone).
mfa_reset = Signal()
