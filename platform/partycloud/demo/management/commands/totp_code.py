"""``manage.py totp_code <phone>``: the current sign-in code of a demo staff account.

Only accounts enrolled with the demo's documented secret (``seed_demo.DEMO_TOTP_SECRET``):
a real user's authenticator stays theirs alone.
"""

from __future__ import annotations

import time
from typing import Any

import pyotp
from django.core.management.base import BaseCommand, CommandError

from partycloud.accounts.backends import find_user
from partycloud.accounts.mfa import confirmed_device, totp_for
from partycloud.demo.management.commands.seed_demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current two-factor sign-in code of a demo staff account (phone or card number)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("identifier", help="phone or employee card number of a demo account")

    def handle(self, *args: Any, **options: Any) -> None:
        user = find_user(options["identifier"])
        if user is None:
            raise CommandError("No user has this phone or employee card number.")
        device = confirmed_device(user)
        if device is None:
            raise CommandError(f"{user.phone} has not turned on two-factor sign-in.")
        totp = totp_for(device)
        if totp.secret != pyotp.TOTP(DEMO_TOTP_SECRET).secret:
            raise CommandError(f"{user.phone} is not a demo account (its authenticator has its own secret).")
        left = totp.interval - int(time.time()) % totp.interval
        self.stdout.write(totp.now())
        self.stderr.write(f"valid for {left} s more (and the {totp.interval} s after)")
