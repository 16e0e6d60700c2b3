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


class DuesBase(models.Model):
    """A member's dues base (monthly after-tax regular pay) from a date on; history is kept."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="dues_bases")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    effective_from = models.DateField()
    fixed_amount = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="for fixed-amount categories: set by the branch",
    )
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member_id", "-effective_from", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.amount} from {self.effective_from}"


class AssessmentStatus(models.TextChoices):
    DUE = "due", _("due")
    PAID = "paid", _("paid")
    EXEMPT = "exempt", _("exempt")


class DuesAssessment(models.Model):
    """What one member owes for one month, with the inputs and the rule version that produced it."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="dues_assessments")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="first day of the month")
    category = models.CharField(max_length=20, choices=DuesCategory.choices)
    base = models.DecimalField(max_digits=12, decimal_places=2)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    rule_version = models.CharField(max_length=40)
    explanation = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DUE)
    paid_amount = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    paid_on = models.DateField(null=True, blank=True)
    paid_on_behalf_by = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month", "member_id"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="dues_one_assessment_per_month")]
        indexes = [models.Index(fields=["organization", "month"], name="dues_org_month")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%Y-%m}: {self.amount} ({self.status})"


class ArrearsLevel(models.TextChoices):
    REMINDER = "reminder", _("reminder (1 month unpaid)")
    WARNING = "warning", _("warning (3 consecutive months unpaid)")
    WITHDRAWAL = "withdrawal", _("self-withdrawal procedure (6 consecutive months unpaid)")


class ArrearsNotice(models.Model):
    """One arrears step taken for a member in a month (so each step is taken once)."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="arrears_notices")
    month = models.DateField()
    level = models.CharField(max_length=12, choices=ArrearsLevel.choices)
    unpaid_months = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-month", "member_id"]
        constraints = [models.UniqueConstraint(fields=["member", "month", "level"], name="arrears_notice_once")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%Y-%m} {self.level}"


class ExemptionStatus(models.TextChoices):
    PENDING = "pending", _("decided by the branch, waiting for approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class DuesExemption(models.Model):
    """Reduction or exemption: decided by the branch, approved by the next level up."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="dues_exemptions")
    first_month = models.DateField()
    last_month = models.DateField()
    reduced_amount = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="empty: exempt; else the reduced monthly amount",
    )
    reason = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=ExemptionStatus.choices, default=ExemptionStatus.PENDING)
    requested_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    decided_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.first_month:%Y-%m}..{self.last_month:%Y-%m} {self.status}"


class VoluntaryPayment(models.Model):
    """A single voluntary payment of 1,000 yuan or more: kept apart, remitted upward whole."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="voluntary_payments")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    paid_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=1000), name="voluntary_payment_at_least_1000")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.amount}"


class Remittance(models.Model):
    """Dues handed up to the next level for a month (上缴)."""

    month = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "-id"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.amount}"


class OnlinePaymentStatus(models.TextChoices):
    PENDING = "pending", _("waiting for payment")
    PAID = "paid", _("paid")
    FAILED = "failed", _("failed")


class OnlinePayment(models.Model):
    """A member paying their own dues online through a payment provider."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="online_payments")
    months = models.JSONField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    provider = models.CharField(max_length=20)
    provider_ref = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=OnlinePaymentStatus.choices, default=OnlinePaymentStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider_ref} {self.amount} {self.status}"
