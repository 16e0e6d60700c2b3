"""Factories for test data. Users are real rows with real (fast Argon2) password hashes."""

from __future__ import annotations

import itertools
from typing import Any

import factory

from partycloud.accounts.models import User
from partycloud.tenancy.models import unified_code_check_character

PASSWORD = "secret2026pass"
_phones = itertools.count(15000000000)
_codes = itertools.count(500)


def next_unified_code() -> str:
    first17 = f"91310000{next(_codes):09d}"
    return first17 + unified_code_check_character(first17)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.LazyFunction(lambda: str(next(_phones)))
    name = factory.Sequence(lambda n: f"测试用户{n}")
    employee_card_number = factory.Sequence(lambda n: f"TC{n:06d}")

    @factory.post_generation
    def password(self: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


_id_serials = itertools.count(100)


def make_id_card(birth: str = "19850612", region: str = "110101") -> str:
    """A valid resident ID-card number (GB 11643) with a unique serial."""
    from tenants.members.idcard import id_card_check_character

    first17 = f"{region}{birth}{next(_id_serials) % 1000:03d}"
    return first17 + id_card_check_character(first17)
