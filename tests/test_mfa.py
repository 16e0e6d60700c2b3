"""Two-factor sign-in (TOTP + recovery codes) and the idle session timeout (issue 14)."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.conf import settings

from partycloud.accounts.mfa import enrol_with_secret, mfa_required
from partycloud.accounts.middleware import LAST_SEEN_KEY
from partycloud.accounts.models import RecoveryCode, TotpDevice, User
from partycloud.audit.models import AuditEvent
from partycloud.core.crypto import decrypt
from tenants.access.services import do_assign_role
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.factories import PASSWORD, UserFactory
from tests.mfa_support import TEST_TOTP_SECRET, code_at, current_step, fresh_code, sign_in


def password_step(client, user: User, path: str = "/api/v1/auth/login"):
    return client.post(path, {"identifier": user.phone, "password": PASSWORD}, format="json")


def enrol_from_profile(user: User, host: str) -> tuple[str, list[str]]:
    """A member turns two-factor sign-in on from their profile: the secret and the recovery codes."""
    client = api(host, user)
    started = client.post("/api/v1/me/mfa/enrolment")
    assert started.status_code == 200, started.json()
    secret = started.json()["secret"]
    confirmed = client.post("/api/v1/me/mfa/confirm", {"code": pyotp.TOTP(secret).now()}, format="json")
    assert confirmed.status_code == 200, confirmed.json()
    return secret, confirmed.json()["recovery_codes"]


# ---------------------------------------------------------------- enrolment (members, from the profile)


def test_a_member_enrols_from_the_profile_and_signs_in_with_a_code(tenant_a: TenantWorld):
    member = tenant_a.member
    started = api(tenant_a.host, member).post("/api/v1/me/mfa/enrolment").json()
    assert started["otpauth_uri"].startswith("otpauth://totp/")
    assert "issuer=" in started["otpauth_uri"]
    assert started["qr_svg"].startswith("<svg")
    device = TotpDevice.objects.get(user=member)
    assert started["secret"] not in device.secret_encrypted  # encrypted at rest
    assert decrypt(device.secret_encrypted) == started["secret"]
    confirmed = api(tenant_a.host, member).post(
        "/api/v1/me/mfa/confirm", {"code": pyotp.TOTP(started["secret"]).now()}, format="json"
    )
    codes = confirmed.json()["recovery_codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    stored = set(RecoveryCode.objects.filter(user=member).values_list("code_hash", flat=True))
    assert not stored & set(codes)  # hashed
    assert AuditEvent.objects.filter(event="account.mfa.enrol", actor=member).exists()
    status = api(tenant_a.host, member).get("/api/v1/me/mfa").json()
    assert status["enabled"] is True
    assert status["required"] is False
    assert status["recovery_codes_left"] == 10

    client = api(tenant_a.host)
    challenge = password_step(client, member)
    assert challenge.status_code == 202
    assert challenge.json()["step"] == "code"
    assert client.get("/api/v1/me").status_code == 401  # the password alone opened nothing
    wrong = client.post(
        "/api/v1/auth/login/code", {"challenge": challenge.json()["challenge"], "code": "000000"}, format="json"
    )
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "accounts.mfa_invalid_code"
    done = client.post(
        "/api/v1/auth/login/code",
        {"challenge": challenge.json()["challenge"], "code": fresh_code(member, started["secret"])},
        format="json",
    )
    assert done.status_code == 200, done.json()
    assert done.json()["id"] == member.pk
    assert client.get("/api/v1/me").json()["id"] == member.pk


def test_a_code_one_step_either_side_is_accepted_two_steps_away_is_not(tenant_a: TenantWorld):
    user = tenant_a.member
    enrol_with_secret(user, TEST_TOTP_SECRET)
    for offset, accepted in [(-2, False), (2, False), (-1, True), (1, True)]:
        client = api(tenant_a.host)
        challenge = password_step(client, user).json()["challenge"]
        answer = client.post(
            "/api/v1/auth/login/code",
            {"challenge": challenge, "code": code_at(TEST_TOTP_SECRET, current_step() + offset)},
            format="json",
        )
        assert (answer.status_code == 200) is accepted, (offset, answer.json())


def test_a_used_code_is_refused_the_second_time(tenant_a: TenantWorld):
    user = tenant_a.member
    enrol_with_secret(user, TEST_TOTP_SECRET)
    code = fresh_code(user)
    first, second = api(tenant_a.host), api(tenant_a.host)
    challenges = [password_step(first, user).json()["challenge"], password_step(second, user).json()["challenge"]]
    ok = first.post("/api/v1/auth/login/code", {"challenge": challenges[0], "code": code}, format="json")
    assert ok.status_code == 200
    replay = second.post("/api/v1/auth/login/code", {"challenge": challenges[1], "code": code}, format="json")
    assert replay.status_code == 400
    assert replay.json()["code"] == "accounts.mfa_code_used"
    assert second.get("/api/v1/me").status_code == 401


def test_a_recovery_code_signs_in_once(tenant_a: TenantWorld):
    user = tenant_a.member
    _secret, codes = enrol_from_profile(user, tenant_a.host)
    for expected in (200, 400):
        client = api(tenant_a.host)
        challenge = password_step(client, user).json()["challenge"]
        answer = client.post(
            "/api/v1/auth/login/code", {"challenge": challenge, "code": codes[0].upper()}, format="json"
        )
        assert answer.status_code == expected
    entry = AuditEvent.objects.filter(event="account.mfa.recovery_code.use", target_id=str(user.pk)).get()
    assert entry.details == {"remaining": 9}
    assert api(tenant_a.host, user).get("/api/v1/me/mfa").json()["recovery_codes_left"] == 9


def test_wrong_codes_count_towards_the_login_lockout(tenant_a: TenantWorld):
    user = tenant_a.member
    enrol_with_secret(user, TEST_TOTP_SECRET)
    client = api(tenant_a.host)
    challenge = password_step(client, user).json()["challenge"]
    for _attempt in range(settings.LOGIN_MAX_FAILURES - 1):
        answer = client.post("/api/v1/auth/login/code", {"challenge": challenge, "code": "000000"}, format="json")
        assert answer.json()["code"] == "accounts.mfa_invalid_code"
    locked = client.post("/api/v1/auth/login/code", {"challenge": challenge, "code": "000000"}, format="json")
    assert locked.status_code == 429
    assert locked.json()["code"] == "auth.locked"
    # Even the right code and the right password wait for the lockout to end.
    assert password_step(api(tenant_a.host), user).json()["code"] == "auth.locked"
    assert AuditEvent.objects.filter(event="auth.login_failed", target_id=str(user.pk)).count() >= 4


def test_a_forged_or_wrong_step_challenge_is_refused(tenant_a: TenantWorld):
    user = tenant_a.member
    enrol_with_secret(user, TEST_TOTP_SECRET)
    client = api(tenant_a.host)
    challenge = password_step(client, user).json()["challenge"]
    forged = client.post(
        "/api/v1/auth/login/code", {"challenge": challenge[:-2] + "xx", "code": fresh_code(user)}, format="json"
    )
    assert forged.json()["code"] == "accounts.mfa_challenge_invalid"
    # A code challenge does not open the enrolment (nor the reverse).
    enrolment = client.post("/api/v1/auth/mfa/enrolment", {"challenge": challenge}, format="json")
    assert enrolment.json()["code"] == "accounts.mfa_challenge_invalid"
    # A password change voids the challenges issued before it.
    user.set_password("another-Passw0rd")
    user.save(update_fields=["password"])
    stale = client.post("/api/v1/auth/login/code", {"challenge": challenge, "code": fresh_code(user)}, format="json")
    assert stale.json()["code"] == "accounts.mfa_challenge_invalid"


# ---------------------------------------------------------------- required by role


def test_required_for_staff_roles_held_in_any_tenant(tenant_a: TenantWorld, tenant_b: TenantWorld, group_viewer):
    assert mfa_required(tenant_a.admin)
    assert mfa_required(tenant_a.inspector)
    assert mfa_required(group_viewer)
    assert not mfa_required(tenant_a.member)
    assert not mfa_required(tenant_a.secretary)
    with tenant_b.tenant:
        do_assign_role(user=tenant_a.member, role="tenant_admin")
    # A member here who is an admin elsewhere must enrol, even signing in where they are a member.
    assert mfa_required(tenant_a.member)
    assert password_step(api(tenant_a.host), tenant_a.member).json()["step"] == "enrol"


def test_an_admin_without_an_authenticator_must_enrol_at_sign_in(tenant_a: TenantWorld):
    admin = UserFactory(name="新管理员")
    with tenant_a.tenant:
        do_assign_role(user=admin, role="tenant_admin")
    client = api(tenant_a.host)
    answer = password_step(client, admin)
    assert answer.status_code == 202
    assert answer.json()["step"] == "enrol"
    challenge = answer.json()["challenge"]
    # The enrolment challenge opens only the enrolment: not the code step, not the API.
    assert (
        client.post("/api/v1/auth/login/code", {"challenge": challenge, "code": "123456"}, format="json").json()["code"]
        == "accounts.mfa_challenge_invalid"
    )
    assert client.get("/api/v1/me").status_code == 401
    enrolment = client.post("/api/v1/auth/mfa/enrolment", {"challenge": challenge}, format="json").json()
    assert enrolment["qr_svg"].startswith("<svg")
    done = client.post(
        "/api/v1/auth/login/enrol",
        {"challenge": challenge, "code": pyotp.TOTP(enrolment["secret"]).now()},
        format="json",
    )
    assert done.status_code == 200, done.json()
    assert len(done.json()["recovery_codes"]) == 10
    assert done.json()["current_tenant"]["roles"] == ["tenant_admin"]
    assert client.get("/api/v1/me").json()["id"] == admin.pk
    # Next time: a code.
    assert password_step(api(tenant_a.host), admin).json()["step"] == "code"


def test_an_admin_cannot_turn_it_off_while_required_a_member_can(tenant_a: TenantWorld):
    refused = api(tenant_a.host, tenant_a.admin).post(
        "/api/v1/me/mfa/disable", {"code": fresh_code(tenant_a.admin)}, format="json"
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "accounts.mfa_required"
    assert TotpDevice.objects.filter(user=tenant_a.admin).exists()

    member = tenant_a.member
    secret, _codes = enrol_from_profile(member, tenant_a.host)
    off = api(tenant_a.host, member).post("/api/v1/me/mfa/disable", {"code": fresh_code(member, secret)})
    assert off.status_code == 204
    assert not TotpDevice.objects.filter(user=member).exists()
    assert not RecoveryCode.objects.filter(user=member).exists()
    assert AuditEvent.objects.filter(event="account.mfa.disable", actor=member).exists()
    assert password_step(api(tenant_a.host), member).status_code == 200


def test_recovery_codes_are_regenerated_with_a_code_and_the_old_ones_stop_working(tenant_a: TenantWorld):
    member = tenant_a.member
    secret, old = enrol_from_profile(member, tenant_a.host)
    new = api(tenant_a.host, member).post("/api/v1/me/mfa/recovery-codes", {"code": fresh_code(member, secret)})
    assert new.status_code == 200
    assert not set(new.json()["recovery_codes"]) & set(old)
    assert AuditEvent.objects.filter(event="account.mfa.recovery_codes.regenerate", actor=member).exists()
    client = api(tenant_a.host)
    challenge = password_step(client, member).json()["challenge"]
    stale = client.post("/api/v1/auth/login/code", {"challenge": challenge, "code": old[0]}, format="json")
    assert stale.json()["code"] == "accounts.mfa_invalid_code"


# ---------------------------------------------------------------- native apps (JWT)


def test_the_token_login_asks_for_the_code_too(tenant_a: TenantWorld):
    admin = tenant_a.admin
    client = api(tenant_a.host)
    answer = password_step(client, admin, "/api/v1/auth/token")
    assert answer.status_code == 202
    assert "access" not in answer.json()
    pair = client.post(
        "/api/v1/auth/token/code", {"challenge": answer.json()["challenge"], "code": fresh_code(admin)}, format="json"
    )
    assert pair.status_code == 200, pair.json()
    me = api(tenant_a.host)
    me.credentials(HTTP_AUTHORIZATION=f"Bearer {pair.json()['access']}")
    assert me.get("/api/v1/me").json()["id"] == admin.pk
    assert AuditEvent.objects.filter(event="auth.login", actor=admin).exists()


def test_the_token_login_enrols_a_required_user(tenant_a: TenantWorld):
    inspector = UserFactory()
    with tenant_a.tenant:
        do_assign_role(user=inspector, role="discipline_inspector")
    client = api(tenant_a.host)
    challenge = password_step(client, inspector, "/api/v1/auth/token").json()["challenge"]
    secret = client.post("/api/v1/auth/mfa/enrolment", {"challenge": challenge}, format="json").json()["secret"]
    done = client.post(
        "/api/v1/auth/token/enrol", {"challenge": challenge, "code": pyotp.TOTP(secret).now()}, format="json"
    )
    assert done.status_code == 200, done.json()
    assert done.json()["access"]
    assert len(done.json()["recovery_codes"]) == 10


def test_a_member_without_an_authenticator_signs_in_with_the_password(tenant_a: TenantWorld):
    answer = password_step(api(tenant_a.host), tenant_a.member, "/api/v1/auth/token")
    assert answer.status_code == 200
    assert answer.json()["access"]


# ---------------------------------------------------------------- reset by a group admin


def test_a_group_admin_resets_a_users_authenticator(tenant_a: TenantWorld, group_admin):
    reset = api(ROOT_HOST, group_admin).post(
        "/api/v1/group/mfa-reset", {"identifier": tenant_a.admin.phone}, format="json"
    )
    assert reset.status_code == 204
    assert not TotpDevice.objects.filter(user=tenant_a.admin).exists()
    entry = AuditEvent.objects.get(event="account.mfa.reset", target_id=str(tenant_a.admin.pk))
    assert entry.actor == group_admin
    # Their roles still require it: the next sign-in enrols again.
    assert password_step(api(tenant_a.host), tenant_a.admin).json()["step"] == "enrol"


@pytest.mark.parametrize("who", ["other_tenant_admin", "own_tenant_admin", "member", "anonymous"])
def test_only_a_group_admin_resets(tenant_a: TenantWorld, tenant_b: TenantWorld, who: str):
    caller = {"other_tenant_admin": tenant_b.admin, "own_tenant_admin": tenant_a.admin, "member": tenant_a.member}
    user = caller.get(who)
    body = {"identifier": tenant_a.inspector.phone}
    on_root = api(ROOT_HOST, user).post("/api/v1/group/mfa-reset", body, format="json")
    assert on_root.status_code == (401 if user is None else 403)
    host = tenant_b.host if who == "other_tenant_admin" else tenant_a.host
    assert api(host, user).post("/api/v1/group/mfa-reset", body, format="json").status_code == 404
    assert TotpDevice.objects.filter(user=tenant_a.inspector).exists()


def test_anonymous_callers_reach_no_profile_switch(tenant_a: TenantWorld):
    client = api(tenant_a.host)
    assert client.get("/api/v1/me/mfa").status_code == 401
    for path in ["enrolment", "confirm", "disable", "recovery-codes"]:
        assert client.post(f"/api/v1/me/mfa/{path}", {"code": "123456"}, format="json").status_code == 401


# ---------------------------------------------------------------- idle session timeout


def session_client(tenant: TenantWorld, user: User):
    client = api(tenant.host)
    assert sign_in(client, user, PASSWORD).status_code == 200
    return client


def age_session(client, seconds: int) -> None:
    from importlib import import_module

    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value)
    session[LAST_SEEN_KEY] = session[LAST_SEEN_KEY] - seconds
    session.save()


def test_an_idle_session_expires_with_a_clear_code(tenant_a: TenantWorld):
    client = session_client(tenant_a, tenant_a.member)
    assert client.get("/api/v1/me").status_code == 200
    age_session(client, settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 + 5)
    expired = client.get("/api/v1/me")
    assert expired.status_code == 401
    assert expired.json()["code"] == "accounts.session_expired"
    assert str(settings.SESSION_IDLE_TIMEOUT_MINUTES) in expired.json()["message"]
    assert client.get("/api/v1/me").json()["code"] == "auth.not_authenticated"  # the session is gone
    assert sign_in(client, tenant_a.member, PASSWORD).status_code == 200  # signing in again works


def test_an_active_session_lives_on_and_is_written_at_most_once_a_minute(tenant_a: TenantWorld):
    client = session_client(tenant_a, tenant_a.admin)
    age_session(client, settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 - 30)
    assert client.get("/api/v1/me").status_code == 200  # under the limit: still signed in
    from importlib import import_module

    engine = import_module(settings.SESSION_ENGINE)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    mark = engine.SessionStore(key)[LAST_SEEN_KEY]
    assert abs(mark - time.time()) < 5  # refreshed by that request
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/me").status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]


def test_token_requests_do_not_touch_the_session_store(tenant_a: TenantWorld):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert api(tenant_a.host, tenant_a.member).get("/api/v1/me").status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
