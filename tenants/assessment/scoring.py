"""Scoring a task book (DOMAIN_RULES §11): pure functions, no database.

An indicator earns ``weight × fraction``; the fraction comes from its scoring rule:
- ``binary``: 1 when done, 0 when not;
- ``graded``: the fraction of the chosen level (levels are listed best first, each with a
  fraction between 0 and 1);
- ``count``: the count over the target, at most 1.
A book's score is the sum of its indicators' scores; weights sum to 100, so a book scores 0–100.
Scores are ``Decimal`` rounded half-up to two places at the indicator, and the book's score is
the sum of the rounded indicator scores (what the breakdown shows adds up to the total).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class ScoringError(ValueError):
    """A value or a rule that cannot be scored; ``field`` names what is wrong."""

    def __init__(self, message: str, field: str = "value") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Rule:
    weight: Decimal
    scoring: str  # binary | graded | count
    levels: tuple[Decimal, ...] = ()  # graded: each level's fraction, best first
    target: int | None = None  # count


def rule_of(indicator: Any) -> Rule:
    """The scoring rule of an ``Indicator`` or ``TemplateIndicator`` (or anything with the same
    fields)."""
    return Rule(
        weight=Decimal(indicator.weight),
        scoring=indicator.scoring,
        levels=tuple(Decimal(str(level["fraction"])) for level in indicator.levels or ()),
        target=indicator.target,
    )


def check_rule(rule: Rule) -> None:
    if not Decimal(0) < rule.weight <= HUNDRED:
        raise ScoringError("weight must be above 0 and at most 100", "weight")
    if rule.scoring == "graded":
        if len(rule.levels) < 2:
            raise ScoringError("a graded indicator needs at least two levels", "levels")
        if any(not Decimal(0) <= level <= 1 for level in rule.levels):
            raise ScoringError("each level's fraction is between 0 and 1", "levels")
    elif rule.scoring == "count":
        if not rule.target or rule.target < 1:
            raise ScoringError("a counted indicator needs a target of at least 1", "target")
    elif rule.scoring != "binary":
        raise ScoringError(f"unknown scoring rule {rule.scoring!r}", "scoring")


def check_weights(weights: Iterable[Decimal]) -> Decimal:
    """The weights' sum; raises unless it is exactly 100."""
    total = sum((Decimal(w) for w in weights), Decimal(0))
    if total != HUNDRED:
        raise ScoringError(f"weights sum to {total}, not 100", "weight")
    return total


def fraction(rule: Rule, value: Mapping[str, Any] | None) -> Decimal:
    """How much of the indicator was achieved, 0–1, from a value ({"done": bool} / {"level": i} /
    {"count": n}). None (not assessed) scores 0."""
    if value is None:
        return Decimal(0)
    try:
        if rule.scoring == "binary":
            done = value["done"]
            if not isinstance(done, bool):
                raise ScoringError("done is true or false")
            return Decimal(1) if done else Decimal(0)
        if rule.scoring == "graded":
            level = value["level"]
            if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level < len(rule.levels):
                raise ScoringError("choose one of the indicator's levels")
            return rule.levels[level]
        if rule.scoring == "count":
            count = value["count"]
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise ScoringError("the count is a whole number, 0 or more")
            assert rule.target
            return min(Decimal(count) / Decimal(rule.target), Decimal(1))
    except (KeyError, TypeError, InvalidOperation) as error:
        raise ScoringError("this value does not fit the indicator's scoring rule") from error
    raise ScoringError(f"unknown scoring rule {rule.scoring!r}", "scoring")


def indicator_score(rule: Rule, value: Mapping[str, Any] | None) -> Decimal:
    return (rule.weight * fraction(rule, value)).quantize(CENT, rounding=ROUND_HALF_UP)


def book_score(items: Iterable[tuple[Rule, Mapping[str, Any] | None]]) -> Decimal:
    return sum((indicator_score(rule, value) for rule, value in items), Decimal(0)).quantize(CENT)
