"""The group's task-book templates (工作任务书, DOMAIN_RULES §11), in the public schema.

The group drafts a template for a year (indicators grouped by area, weights summing to 100, a
scoring rule, required evidence and a deadline each) and publishes it; publishing delivers a copy
to every tenant (``tenants.assessment``: a ``TaskBook`` for the tenant's top organization), and a
tenant onboarded later receives the published templates of the current year when provisioned.
Publishing again after changes raises ``version`` and offers the change to tenants whose book is
not yet submitted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.assessment.models import EvidenceSource, ScoringRule


class TemplateStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")


class TaskBookTemplate(models.Model):
    year = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=TemplateStatus.choices, default=TemplateStatus.DRAFT)
    version = models.PositiveIntegerField(default=0)  # raised at each publication
    # Above this many indicators the template (and every tenant's cascade) shows a warning.
    indicator_limit = models.PositiveSmallIntegerField(default=20)
    # Deadline for units' self-assessment (submission).
    submit_by = models.DateField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title


class TemplateIndicator(models.Model):
    template = models.ForeignKey(TaskBookTemplate, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(default=0)
    area = models.CharField(max_length=50)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=5, decimal_places=2)
    scoring = models.CharField(max_length=10, choices=ScoringRule.choices, default=ScoringRule.BINARY)
    levels = models.JSONField(default=list, blank=True)
    target = models.PositiveIntegerField(null=True, blank=True)
    evidence_required = models.CharField(max_length=300, blank=True)
    evidence_source = models.CharField(max_length=30, choices=EvidenceSource.choices, default=EvidenceSource.MANUAL)
    deadline = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["template_id", "position", "id"]

    def __str__(self) -> str:
        return self.title


class GroupAssessmentSettings(models.Model):
    """The group's choices (one row): rankings between units are off unless turned on."""

    rankings_enabled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "group assessment settings"
