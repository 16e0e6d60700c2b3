from __future__ import annotations

import re
import unicodedata
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
CARD_PATTERN = re.compile(r"^[A-Za-z0-9-]{4,32}$")


def normalize_phone(raw: str) -> str:
    """Keep the digits of a mainland mobile number: '+86 138-1234-5678' -> '13812345678'."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", raw))  # NFKC folds full-width digits
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def validate_phone(value: str) -> None:
    if not PHONE_PATTERN.match(value):
        raise ValidationError(_("Enter a valid mainland mobile number (11 digits starting with 1)."), code="phone")


def validate_card_number(value: str) -> None:
    if not CARD_PATTERN.match(value):
        raise ValidationError(_("An employee card number has 4 to 32 letters, digits or dashes."), code="card")


def stored_user(actor: object) -> User | None:
    """The user to record as actor: None for anonymous callers, system jobs and unsaved users.

    Takes an ``Actor`` (read by its ``user``; duck-typed because ``accounts.actor`` imports this
    module) or, from services not converted to ``Actor`` yet, a user."""
    user = getattr(actor, "user", actor)
    return user if isinstance(user, User) and user.pk else None


def mask_phone(phone: str) -> str:
    """Lists show 138****5678; the full number only on a detail read with permission."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, phone: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(phone=normalize_phone(phone), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(phone, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """One person, one identity, in the public schema; roles and member records point here."""

    phone = models.CharField(_("mobile phone"), max_length=11, unique=True, validators=[validate_phone])
    employee_card_number = models.CharField(
        _("employee card number"), max_length=32, unique=True, null=True, blank=True, validators=[validate_card_number]
    )
    name = models.CharField(_("name"), max_length=50)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return f"{self.name} ({mask_phone(self.phone)})"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class GroupRoleKind(models.TextChoices):
    GROUP_ADMIN = "group_admin", _("group admin")
    GROUP_VIEWER = "group_viewer", _("group viewer")
    # 集团纪委: receives the reports against a subsidiary's top committee and overdue escalations.
    GROUP_INSPECTOR = "group_inspector", _("group discipline inspector")


class GroupRole(models.Model):
    """A role at the group party committee (public schema): sees across tenants."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="group_roles")
    role = models.CharField(max_length=20, choices=GroupRoleKind.choices)
    granted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="group_role_unique_per_user")]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class TotpDevice(models.Model):
    """A user's authenticator app (RFC 6238 TOTP): the shared secret, encrypted at rest.

    Unconfirmed (``confirmed_at`` None) while enrolment waits for the first code; only a confirmed
    device asks for codes at sign-in. ``last_step`` is the time step of the last accepted code:
    a code of that step or an earlier one is refused (no replay within its window)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret_encrypted = models.TextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"TOTP · {self.user}"


class RecoveryCode(models.Model):
    """One single-use recovery code, stored as its SHA-256 (the code has 80 random bits)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique_per_user")]

    def __str__(self) -> str:
        return f"recovery code · {self.user}"
