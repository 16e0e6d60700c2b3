"""Kernel records that every schema keeps (the app is installed on the public and tenant schemas)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class SheetColumnChoice(models.Model):
    """A sheet column someone mapped to a field by hand (``core.sheetmapping``), proposed first next
    time. It lives in the schema of the import: a tenant's choices stay with that tenant, the
    group's (roster) on the public schema."""

    kind = models.CharField(max_length=40)  # which import: "members", "roster", …
    header = models.CharField(max_length=200)  # normalized header text
    field = models.CharField(max_length=60)  # field key or "ignore"
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "header"], name="sheet_column_choice_unique")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.header} → {self.field}"
