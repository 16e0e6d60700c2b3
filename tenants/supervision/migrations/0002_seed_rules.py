"""The built-in supervision deadlines (DOMAIN_RULES §7). A tenant may add a local version."""

from __future__ import annotations

from datetime import date

from django.db import migrations


def seed(apps, schema_editor):
    SupervisionRuleSet = apps.get_model("supervision", "SupervisionRuleSet")
    SupervisionRuleSet.objects.get_or_create(
        version="2019.1",
        defaults={
            "effective_from": date(2019, 1, 1),
            "source": "党政领导干部选拔任用工作条例（2019）；纪检监察机关处理检举控告工作规则（2020）；信访工作条例（2022）",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
