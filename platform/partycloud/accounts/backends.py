from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from partycloud.accounts.models import User, normalize_phone


def find_user(identifier: str) -> User | None:
    """A user by mobile phone or employee card number."""
    identifier = identifier.strip()
    if not identifier:
        return None
    query = Q(employee_card_number__iexact=identifier)
    phone = normalize_phone(identifier)
    if len(phone) == 11:
        query |= Q(phone=phone)
    return User.objects.filter(query).first()


class PhoneOrCardBackend(ModelBackend):
    """Log in with a mobile phone number or an employee card number."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        identifier = username or kwargs.get("identifier") or kwargs.get("phone")
        if not identifier or password is None:
            return None
        user = find_user(identifier)
        if user is None:
            # Spend the same time as a real check so timing does not reveal which accounts exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
