"""Seed the 2008 dues rates (DOMAIN_RULES §1). Brackets include their upper bound."""

from datetime import date
from decimal import Decimal as D

from django.db import migrations

# (category, lower exclusive, upper inclusive, rate %, fixed min, fixed max)
BRACKETS = [
    ("employee", None, D("3000"), D("0.5"), None, None),
    ("employee", D("3000"), D("5000"), D("1"), None, None),
    ("employee", D("5000"), D("10000"), D("1.5"), None, None),
    ("employee", D("10000"), None, D("2"), None, None),
    ("retiree", None, D("5000"), D("0.5"), None, None),
    ("retiree", D("5000"), None, D("1"), None, None),
    ("farmer", None, None, None, D("0.2"), D("1.0")),
    ("student", None, None, None, D("0.2"), D("0.2")),
    ("unemployed", None, None, None, D("0.2"), D("0.2")),
]


def seed(apps, schema_editor):
    DuesRule = apps.get_model("dues", "DuesRule")
    DuesBracket = apps.get_model("dues", "DuesBracket")
    rule, created = DuesRule.objects.get_or_create(
        version="2008.1",
        defaults={"effective_from": date(2008, 4, 1), "source": "关于中国共产党党费收缴、使用和管理的规定 (2008), DOMAIN_RULES §1"},
    )
    if created:
        for category, lower, upper, rate, fixed_min, fixed_max in BRACKETS:
            DuesBracket.objects.create(
                rule=rule, category=category, lower_exclusive=lower, upper_inclusive=upper,
                rate_percent=rate, fixed_min=fixed_min, fixed_max=fixed_max,
            )


class Migration(migrations.Migration):
    dependencies = [("dues", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
