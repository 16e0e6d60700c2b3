"""Two-factor sign-in in tests: the test worlds' staff are enrolled with one known secret, and
these helpers compute their codes (RFC 6238, as the browser scenarios do in lib.mjs)."""

from __future__ import annotations

import time
from typing import Any

import pyotp

from partycloud.accounts.models import TotpDevice, User

# Base32; the browser scenarios receive it with each staff person's credentials.
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).generate_otp(step)


def current_step() -> int:
    return int(time.time()) // 30


def fresh_code(user: User, secret: str = TEST_TOTP_SECRET) -> str:
    """A code the server accepts now: the step after the last one used, within now ±1."""
    last = TotpDevice.objects.filter(user=user).values_list("last_step", flat=True).first()
    step = current_step() - 1 if last is None else max(current_step() - 1, last + 1)
    if step > current_step() + 1:
        time.sleep(30 - time.time() % 30 + 0.1)
        return fresh_code(user, secret)
    return code_at(secret, step)


def sign_in(client: Any, user: User, password: str, secret: str = TEST_TOTP_SECRET) -> Any:
    """Session sign-in through both steps when a code is asked; the last response."""
    response = client.post("/api/v1/auth/login", {"identifier": user.phone, "password": password}, format="json")
    if response.status_code != 202:
        return response
    assert response.json()["step"] == "code", response.json()
    return client.post(
        "/api/v1/auth/login/code",
        {"challenge": response.json()["challenge"], "code": fresh_code(user, secret)},
        format="json",
    )
