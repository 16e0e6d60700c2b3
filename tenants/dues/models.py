from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.members.models import DuesCategory


class DuesRule(models.Model):
    """One version of the dues rules: brackets per member category. The newest version in
    force on a date applies; a tenant may add its own version (*local*)."""

    version = models.CharField(max_length=40, unique=True)
    effective_from = models.DateField()
    source = models.CharField(max_length=200)

    class Meta:
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return self.version


class DuesBracket(models.Model):
    """Within a category, a base in (lower, upper] pays ``rate`` percent of the base, or a
    fixed monthly amount between ``fixed_min`` and ``fixed_max`` (the branch sets it)."""

    rule = models.ForeignKey(DuesRule, on_delete=models.CASCADE, related_name="brackets")
    category = models.CharField(max_length=20, choices=DuesCategory.choices)
    lower_exclusive = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    upper_inclusive = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    rate_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    fixed_min = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    fixed_max = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["rule_id", "category", "lower_exclusive"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate_percent__isnull=False) | models.Q(fixed_min__isnull=False),
                name="dues_bracket_rate_or_fixed",
            )
        ]
        verbose_name = _("dues bracket")

    def __str__(self) -> str:
        return f"{self.rule_id} {self.category} ({self.lower_exclusive}, {self.upper_inclusive}]"
