"""Seed the transfer validity rule from DOMAIN_RULES §4 (letter validity 3 months; *verify*, *local*)."""

from datetime import date

from django.db import migrations


def seed(apps, schema_editor):
    TransferRule = apps.get_model("transfers", "TransferRule")
    TransferRule.objects.get_or_create(
        version="2026.1",
        defaults={
            "effective_from": date(2000, 1, 1),
            "validity_days": 90,
            "source": "DOMAIN_RULES §4: letter validity 3 months (verify, local)",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("transfers", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
