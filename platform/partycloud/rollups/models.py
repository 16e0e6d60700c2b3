"""Rollup tables (public schema). The dashboard reads only these."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

WHOLE_TENANT = 0  # organization_id of a tenant's total row


class RollupValue(models.Model):
    """One figure: a metric (and dimension) of one organization (or the whole tenant) in one month."""

    tenant = models.ForeignKey("tenancy.PartyCommittee", on_delete=models.CASCADE, related_name="+")
    organization_id = models.BigIntegerField(default=WHOLE_TENANT)
    period = models.DateField()  # the first of the month
    metric = models.CharField(max_length=40)
    dimension = models.CharField(max_length=40, blank=True, default="")
    value = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal(0))
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "organization_id", "period", "metric", "dimension"], name="rollup_value_key"
            )
        ]
        indexes = [
            models.Index(fields=["period", "organization_id", "metric"], name="rollup_dashboard"),
            models.Index(fields=["tenant", "period", "metric"], name="rollup_tenant_period"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.tenant_id}/{self.organization_id} {self.period:%Y-%m} {self.metric}:{self.dimension}={self.value}"
        )


class RollupSummary(models.Model):
    """A tenant's total rows of one month in one row, with the figures computed from them:
    what the dashboard reads (one row per tenant instead of one per metric and dimension)."""

    tenant = models.ForeignKey("tenancy.PartyCommittee", on_delete=models.CASCADE, related_name="+")
    period = models.DateField()
    values = models.JSONField(default=dict)  # {"metric|dimension": "123.00"}
    figures = models.JSONField(default=dict)  # {"members": 123.0, "arrears_rate": 4.5, ...}
    # The metrics computed for this month (a metric absent here has no data for the month, which
    # the trends show as a gap, never as 0): current-state metrics once a relay ran in the month
    # or the backfill reconstructed it, periodic ones once their month was computed.
    covers = models.JSONField(default=list)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "period"], name="rollup_summary_key")]
        indexes = [models.Index(fields=["period"], name="rollup_summary_period")]

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.period:%Y-%m}"


class RollupOrganization(models.Model):
    """A copy of each tenant's organization tree, for drill-down without entering the schema."""

    tenant = models.ForeignKey("tenancy.PartyCommittee", on_delete=models.CASCADE, related_name="+")
    organization_id = models.BigIntegerField()
    parent_id = models.BigIntegerField(null=True, blank=True)
    path = models.CharField(max_length=500)
    depth = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["tenant", "path"]
        constraints = [models.UniqueConstraint(fields=["tenant", "organization_id"], name="rollup_organization_key")]

    def __str__(self) -> str:
        return f"{self.tenant_id}/{self.organization_id} {self.name}"


class PendingTenant(models.Model):
    """A tenant whose outbox has rows (written by the capture trigger, cleared by the relay)."""

    schema_name = models.CharField(max_length=63, primary_key=True)
    since = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.schema_name


class RollupState(models.Model):
    """Freshness per tenant: when its last change was relayed, and the last recompute's drift."""

    tenant = models.OneToOneField("tenancy.PartyCommittee", on_delete=models.CASCADE, related_name="+")
    relayed_at = models.DateTimeField(null=True, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True)
    events_applied = models.BigIntegerField(default=0)
    recomputed_at = models.DateTimeField(null=True, blank=True)
    # The month whose current-state figures are complete (a new month starts with a full pass).
    stock_period = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.tenant_id} relayed {self.relayed_at}"


class DriftReport(models.Model):
    """What a nightly recompute found: rows that differed from their source, and were fixed."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    tenants = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    rows_fixed = models.PositiveIntegerField(default=0)
    details = models.JSONField(
        default=list, blank=True
    )  # [{tenant, metric, organization, period, dimension, was, now}]

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} fixed {self.rows_fixed}"


class Threshold(models.Model):
    """Traffic-light thresholds the group sets for a dashboard figure (green / amber / red)."""

    figure = models.CharField(_("figure"), max_length=40, unique=True)
    # Higher is worse (e.g. arrears rate): green ≤ green_until < amber ≤ amber_until < red.
    # Lower is worse (e.g. study participation): set higher_is_worse False.
    green_until = models.DecimalField(max_digits=12, decimal_places=2)
    amber_until = models.DecimalField(max_digits=12, decimal_places=2)
    higher_is_worse = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.figure
