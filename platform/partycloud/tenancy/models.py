from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,29}$")
RESERVED_SLUGS = frozenset(
    {
        "www",
        "api",
        "admin",
        "static",
        "media",
        "public",
        "template",
        "mail",
        "live",
        "ws",
        "group",
        "root",
        "test",
        "group-root",
        "tenant-template",
    }
)

# GB 32100-2015: 18 characters from this alphabet, the last one a checksum.
_UNIFIED_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_UNIFIED_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def unified_code_check_character(first17: str) -> str:
    total = sum(_UNIFIED_CODE_ALPHABET.index(c) * w for c, w in zip(first17, _UNIFIED_CODE_WEIGHTS, strict=True))
    return _UNIFIED_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_unified_code(value: str) -> None:
    """The unified social credit code (统一社会信用代码) with its check character."""
    if len(value) != 18 or any(c not in _UNIFIED_CODE_ALPHABET for c in value):
        raise ValidationError(
            _("A unified social credit code has 18 characters: digits and capital letters except I, O, S, V, Z."),
            code="unified_code_format",
        )
    if unified_code_check_character(value[:17]) != value[17]:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong."), code="unified_code_check"
        )


def validate_slug(value: str) -> None:
    if not SLUG_PATTERN.match(value) or value.endswith("-") or "--" in value:
        raise ValidationError(
            _("The short address has 2 to 30 lowercase letters, digits or dashes and starts with a letter."),
            code="slug_format",
        )
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This short address is reserved."), code="slug_reserved")


class CommitteeKind(models.TextChoices):
    GROUP = "group", _("group party committee")
    SUBSIDIARY = "subsidiary", _("subsidiary party committee")
    TEMPLATE = "template", _("template schema")


class CommitteeStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    ARCHIVED = "archived", _("archived")


class Locale(models.TextChoices):
    ZH_HANS = "zh-hans", "简体中文"
    EN = "en", "English"


class PartyCommitteeQuerySet(models.QuerySet["PartyCommittee"]):
    def subsidiaries(self) -> PartyCommitteeQuerySet:
        return self.filter(kind=CommitteeKind.SUBSIDIARY)

    def active(self) -> PartyCommitteeQuerySet:
        return self.subsidiaries().filter(status=CommitteeStatus.ACTIVE)


class PartyCommittee(TenantMixin):
    """A party committee. The group root lives in ``public``; each subsidiary in its own schema."""

    kind = models.CharField(max_length=12, choices=CommitteeKind.choices, default=CommitteeKind.SUBSIDIARY)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30)
    slug = models.CharField(_("short address"), max_length=30, unique=True, validators=[validate_slug])
    unified_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_unified_code],
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent committee"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CommitteeStatus.choices, default=CommitteeStatus.ACTIVE
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    logo_url = models.URLField(_("logo"), blank=True)
    locale = models.CharField(_("language"), max_length=10, choices=Locale.choices, default=Locale.ZH_HANS)
    # 档案基准日: the day from which this party committee's records are complete (usually the
    # day its records were entered). The annual report shows figures before it as "not recorded"
    # and takes the members on record that day as the opening balance, not as unexplained arrivals.
    records_baseline_on = models.DateField(_("records baseline date"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    objects = PartyCommitteeQuerySet.as_manager()

    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        ordering = ["id"]
        verbose_name = _("party committee")

    def __str__(self) -> str:
        return self.name

    @property
    def title(self) -> str:
        return self.display_name or self.name

    @property
    def primary_host(self) -> str:
        if self.kind == CommitteeKind.GROUP:
            return settings.BASE_DOMAIN
        return f"{self.slug}.{settings.BASE_DOMAIN}"

    @property
    def url(self) -> str:
        port = settings.SITE_PORT
        default_port = 443 if settings.SITE_SCHEME == "https" else 80
        suffix = f":{port}" if port and port != default_port else ""
        return f"{settings.SITE_SCHEME}://{self.primary_host}{suffix}"

    def create_schema(self, check_if_exists: bool = False, sync_schema: bool = True, verbosity: int = 1) -> Any:
        # Function-level: django-tenants calls this hook on the model, but creating a schema is
        # provisioning (partycloud.tenancy.schemas), which imports these models.
        from partycloud.tenancy.schemas import create_tenant_schema

        return create_tenant_schema(self, check_if_exists=check_if_exists, sync_schema=sync_schema, verbosity=verbosity)


class Domain(DomainMixin):
    """A host name that routes to a party committee."""

    class Meta:
        ordering = ["id"]


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class TenantApplication(models.Model):
    """A subsidiary party committee applies to join; a group admin approves or rejects."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tenant_applications"
    )
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30)
    slug = models.CharField(_("short address"), max_length=30, validators=[validate_slug])
    unified_code = models.CharField(_("unified social credit code"), max_length=18, validators=[validate_unified_code])
    parent = models.ForeignKey(PartyCommittee, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    status = models.CharField(max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    tenant = models.ForeignKey(PartyCommittee, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=models.Q(status="pending"), name="tenant_application_pending_slug_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"


class SpareSchema(models.Model):
    """A schema cloned ahead of time from the template, renamed when a tenant is provisioned.

    ``fingerprint`` is the template's migration state when it was cloned: a spare whose
    fingerprint no longer matches (a migration ran since) is dropped, never used.
    """

    schema_name = models.CharField(max_length=63, unique=True)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.schema_name


class TenantAccess(models.Model):
    """Public index of where a user has a role or a member record, for ``/me`` without scanning schemas.

    Written by ``tenants.access`` (and later ``tenants.members``) in the same transaction
    as the tenant-schema change; a nightly per-tenant task repairs drift.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tenant_access")
    tenant = models.ForeignKey(PartyCommittee, on_delete=models.CASCADE, related_name="user_access")
    roles = models.JSONField(default=list)
    has_member_record = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tenant"], name="tenant_access_unique")]
        ordering = ["tenant_id"]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.tenant_id}: {','.join(self.roles)}"
