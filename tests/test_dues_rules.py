"""The dues bracket table of DOMAIN_RULES §1, at every boundary, plus properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partycloud.core.errors import ServiceError
from tenants.dues.rules import monthly_dues
from tests.conftest import TenantWorld

D = Decimal

# (category, base, expected monthly dues)
TABLE = [
    ("employee", D("0.00"), D("0.00")),
    ("employee", D("2999.99"), D("15.00")),  # 0.5 % of 2999.99 = 14.99995 → 15.00 (half-up)
    ("employee", D("3000.00"), D("15.00")),  # upper bound included: still 0.5 %
    ("employee", D("3000.01"), D("30.00")),  # 1 % of 3000.01 = 30.0001
    ("employee", D("4999.99"), D("50.00")),
    ("employee", D("5000.00"), D("50.00")),
    ("employee", D("5000.01"), D("75.00")),  # 1.5 % = 75.00015
    ("employee", D("9999.99"), D("150.00")),
    ("employee", D("10000.00"), D("150.00")),
    ("employee", D("10000.01"), D("200.00")),  # 2 % = 200.0002
    ("employee", D("25000.00"), D("500.00")),
    ("employee", D("3333.33"), D("33.33")),
    ("employee", D("1001.00"), D("5.01")),  # 5.005 → 5.01: half-up, never banker's rounding
    ("retiree", D("4999.99"), D("25.00")),
    ("retiree", D("5000.00"), D("25.00")),
    ("retiree", D("5000.01"), D("50.00")),
    ("retiree", D("8000.00"), D("80.00")),
    ("farmer", D("0.00"), D("0.20")),
    ("student", D("0.00"), D("0.20")),
    ("unemployed", D("12345.00"), D("0.20")),
]


@pytest.mark.parametrize(("category", "base", "expected"), TABLE)
def test_bracket_table_at_every_boundary(tenant_a: TenantWorld, category: str, base: Decimal, expected: Decimal):
    with tenant_a.tenant:
        result = monthly_dues(category, base)
    assert result.amount == expected
    assert result.rule_version == "2008.1"


def test_farmers_pay_what_the_branch_sets_within_the_range(tenant_a: TenantWorld):
    with tenant_a.tenant:
        assert monthly_dues("farmer", D("0"), fixed=D("0.5")).amount == D("0.50")
        with pytest.raises(ServiceError) as error:
            monthly_dues("farmer", D("0"), fixed=D("1.5"))
    assert error.value.code == "dues.fixed_out_of_range"


def test_money_must_be_decimal_and_not_negative(tenant_a: TenantWorld):
    with tenant_a.tenant:
        with pytest.raises(TypeError):
            monthly_dues("employee", 3000.0)  # type: ignore[arg-type]
        with pytest.raises(ServiceError):
            monthly_dues("employee", D("-1"))


bases = st.decimals(min_value=D("0"), max_value=D("200000"), places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(low=bases, high=bases, category=st.sampled_from(["employee", "retiree"]))
def test_dues_are_never_negative_and_monotone_in_the_base(platform_world, django_db_blocker, low, high, category):
    low, high = min(low, high), max(low, high)
    with django_db_blocker.unblock(), platform_world["a"].tenant:
        a, b = monthly_dues(category, low).amount, monthly_dues(category, high).amount
    assert D("0") <= a <= b
    assert a == a.quantize(D("0.01"))
