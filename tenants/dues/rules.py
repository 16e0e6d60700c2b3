"""The dues calculation (关于中国共产党党费收缴、使用和管理的规定, 2008; DOMAIN_RULES §1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.core.errors import ServiceError
from tenants.dues.errors import DuesCode
from tenants.dues.models import DuesBracket, DuesRule

CENT = Decimal("0.01")


@dataclass(frozen=True)
class DuesAmount:
    amount: Decimal
    rule_version: str
    bracket_id: int
    explanation: str


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def rule_in_force(on: date | None = None) -> DuesRule:
    rule = DuesRule.objects.filter(effective_from__lte=on or timezone.localdate()).first()
    if rule is None:
        raise ServiceError(DuesCode.NO_RULE, _("No dues rule is in force; ask the administrator."))
    return rule


@dataclass(frozen=True)
class RuleTable:
    """A rule version with its brackets loaded once (the month job evaluates thousands)."""

    version: str
    brackets: tuple[DuesBracket, ...]

    @classmethod
    def load(cls, on: date | None = None) -> RuleTable:
        rule = rule_in_force(on)
        return cls(rule.version, tuple(rule.brackets.all()))


def monthly_dues(
    category: str,
    base: Decimal,
    *,
    on: date | None = None,
    fixed: Decimal | None = None,
    table: RuleTable | None = None,
) -> DuesAmount:
    """The month's dues for a member of ``category`` with ``base`` (monthly after-tax
    regular pay). Fixed-amount categories take ``fixed`` (set by the branch) or the minimum."""
    if not isinstance(base, Decimal):
        raise TypeError("the dues base is money: pass a Decimal")
    if base < 0:
        raise ServiceError(DuesCode.NEGATIVE_BASE, _("The dues base cannot be negative."), "base")
    rule = table or RuleTable.load(on)
    brackets = [b for b in rule.brackets if b.category == category]
    if not brackets:
        raise ServiceError(DuesCode.UNKNOWN_CATEGORY, _("No dues bracket for this member category."), "category")
    for bracket in brackets:
        above = bracket.lower_exclusive is None or base > bracket.lower_exclusive
        below = bracket.upper_inclusive is None or base <= bracket.upper_inclusive
        if not (above and below):
            continue
        if bracket.rate_percent is not None:
            amount = money(base * bracket.rate_percent / 100)
            return DuesAmount(amount, rule.version, bracket.pk, f"{base} × {bracket.rate_percent}%")
        assert bracket.fixed_min is not None
        chosen = bracket.fixed_min if fixed is None else fixed
        upper = bracket.fixed_max if bracket.fixed_max is not None else bracket.fixed_min
        if not bracket.fixed_min <= chosen <= upper:
            raise ServiceError(
                DuesCode.FIXED_OUT_OF_RANGE,
                _("The fixed amount must be between %(min)s and %(max)s yuan.")
                % {"min": bracket.fixed_min, "max": upper},
                "fixed",
            )
        return DuesAmount(money(chosen), rule.version, bracket.pk, f"fixed {chosen}")
    raise ServiceError(DuesCode.NO_BRACKET, _("No dues bracket covers this base."), "base")  # a gap in the table
