from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partycloud.tenancy.context import active_schema
from tenants.members.models import Gender, Member
from tenants.organizations.models import Organization


class DevelopmentRule(models.Model):
    """A version of the development rules (DOMAIN_RULES §3); values marked *local* may be
    overridden by a tenant's own newer version. Every recorded step names the version."""

    version = models.CharField(max_length=40, unique=True)
    effective_from = models.DateField()
    source = models.CharField(max_length=200)
    values = models.JSONField()

    class Meta:
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return self.version


class Stage(models.TextChoices):
    APPLICANT = "applicant", _("applicant")
    ACTIVIST = "activist", _("activist")
    CANDIDATE = "candidate", _("candidate")
    ADMISSION = "admission", _("admission")
    PROBATION = "probation", _("probation and confirmation")
    FULL = "full", _("full member")
    REVOKED = "revoked", _("qualification revoked")


class DevelopmentCase(models.Model):
    """One person's way from application to confirmation."""

    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="development_cases")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    phone = models.CharField(max_length=11, blank=True)
    id_card_encrypted = models.TextField()
    id_card_index = models.CharField(max_length=64)
    id_card_masked = models.CharField(max_length=18)
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.APPLICANT)
    last_step = models.PositiveSmallIntegerField(default=0)
    probation_ends_on = models.DateField(null=True, blank=True)
    extended = models.BooleanField(default=False)
    member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.stage}, step {self.last_step})"


def evidence_key(step: CaseStep, filename: str) -> str:
    """Object keys carry their tenant: t/<schema>/development/<uuid>.<ext>."""
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"t/{active_schema()}/development/{uuid.uuid4().hex}.{suffix}"


class CaseStep(models.Model):
    """A step done: when, by whom, with what evidence, under which rule version."""

    case = models.ForeignKey(DevelopmentCase, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField()
    done_on = models.DateField()
    data = models.JSONField(default=dict)
    notes = models.TextField(blank=True, max_length=2000)
    evidence = models.FileField(upload_to=evidence_key, blank=True, max_length=300)
    rule_version = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number", "done_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} step {self.number} on {self.done_on}"


class ProbationDiscussion(models.Model):
    """The branch's quarterly discussion of a probationary member (预备期内每季度讨论一次): when,
    what was said, by whom recorded, under which rule version. Missing quarters are listed on
    the case and reminded to the secretary."""

    case = models.ForeignKey(DevelopmentCase, on_delete=models.CASCADE, related_name="probation_discussions")
    held_on = models.DateField()
    notes = models.TextField(blank=True, max_length=2000)
    rule_version = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} discussed on {self.held_on}"
