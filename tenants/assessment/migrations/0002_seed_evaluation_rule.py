"""The built-in evaluation rule: excellent at most one third of the full members graded
(DOMAIN_RULES §5, *local*: a tenant may add its own version)."""

from __future__ import annotations

from datetime import date

from django.db import migrations


def seed(apps, schema_editor):
    EvaluationRule = apps.get_model("assessment", "EvaluationRule")
    EvaluationRule.objects.get_or_create(
        version="2019.1",
        defaults={
            "effective_from": date(2000, 1, 1),
            "source": "民主评议党员：优秀等次一般不超过参评正式党员的三分之一（DOMAIN_RULES §5）",
            "excellent_numerator": 1,
            "excellent_denominator": 3,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
