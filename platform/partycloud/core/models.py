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


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", "statutory holiday"  # a weekday off (春节, 国庆节 …)
    WORKDAY = "workday", "make-up workday"  # a Saturday or Sunday worked (调休上班)


class CalendarYear(models.Model):
    """One year of China's official working-day calendar as loaded (``core.workdays``): where it
    came from and when. A year without a row is not loaded: the functions fall back to Monday to
    Friday and say so. Kept in the public schema (one national calendar for every tenant)."""

    year = models.PositiveSmallIntegerField(unique=True)
    source = models.CharField(max_length=200)  # "chinesecalendar 1.11.0", "国办发明电〔2025〕7号", a file name
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.CharField(max_length=150, blank=True)  # the operator (a management command) or ""

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} ({self.source})"


class CalendarDay(models.Model):
    """An exception to "Monday to Friday are working days": a weekday holiday, or a weekend day
    that is worked. Other days follow the week."""

    day = models.DateField(unique=True)
    kind = models.CharField(max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(max_length=60, blank=True)  # 春节, 国庆节, 调休上班 …

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}"
