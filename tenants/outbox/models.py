"""One row per (topic, organization, month) touched by a statement; the relay deletes what it applied."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutboxEvent(models.Model):
    topic = models.CharField(max_length=30)
    organization_id = models.BigIntegerField(null=True, blank=True)  # null: the tenant as a whole
    period = models.DateField(null=True, blank=True)  # first of a month; null: the current state
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.topic} {self.organization_id} {self.period}"
