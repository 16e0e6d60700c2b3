"""Seed the development rules of 2014 (DOMAIN_RULES §3); review cadence and training are *local*."""

from datetime import date

from django.db import migrations

VALUES = {
    "min_age": 18,
    "talk_within_months": 1,
    "activist_min_months": 12,
    "review_every_months": 6,
    "political_review_valid_months": 12,
    "training_min_days": 3,
    "training_min_hours": 24,
    "approval_within_months": 3,
    "approval_restart_months": 6,
    "probation_months": 12,
    "extension_min_months": 6,
    "extension_max_months": 12,
    "confirmation_approval_within_months": 3,
}


def seed(apps, schema_editor):
    apps.get_model("development", "DevelopmentRule").objects.get_or_create(
        version="2014.1",
        defaults={"effective_from": date(2014, 6, 10), "source": "中国共产党发展党员工作细则 (2014), DOMAIN_RULES §3", "values": VALUES},
    )


class Migration(migrations.Migration):
    dependencies = [("development", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
