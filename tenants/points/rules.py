"""The point rules (DOMAIN_RULES §6), read in one place: the versions of ``PointRuleSet`` with
their ``PointRule`` rows. The version in force on a local day is the newest whose
``effective_from`` is on or before it; every version is complete (a local version copies the
kinds it leaves out from the version it follows, tenants.points.services.do_add_rule_set)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tenants.points.models import PointKind, PointRuleSet

# Kinds whose quantity is seconds of study time, counted per local day (see ledger.py).
TIME_KINDS = frozenset({PointKind.READING_TIME, PointKind.VIDEO_TIME})
# The order kinds are listed in (the rule table's order).
KIND_ORDER: tuple[str, ...] = tuple(PointKind.values)


@dataclass(frozen=True)
class Rule:
    kind: str
    points: int
    unit: int
    daily_cap: int | None

    def raw_points(self, quantity: int) -> int:
        """Points for ``quantity`` before the cap: ``points × (quantity // unit)`` (whole units only)."""
        return self.points * (quantity // self.unit)


@dataclass(frozen=True)
class RuleVersion:
    version: str
    effective_from: date
    rules: dict[str, Rule] = field(default_factory=dict)


def load_versions() -> list[RuleVersion]:
    """Every version, oldest first (two queries)."""
    sets = PointRuleSet.objects.prefetch_related("rules").order_by("effective_from", "id")
    return [
        RuleVersion(
            rule_set.version,
            rule_set.effective_from,
            {rule.kind: Rule(rule.kind, rule.points, rule.unit, rule.daily_cap) for rule in rule_set.rules.all()},
        )
        for rule_set in sets
    ]


def version_on(versions: list[RuleVersion], day: date) -> RuleVersion | None:
    """The version in force on ``day`` among ``versions`` (oldest first); None before the first."""
    found = None
    for version in versions:
        if version.effective_from > day:
            break
        found = version
    return found
