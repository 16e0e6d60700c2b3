"""RollupSummary.covers: which metrics a month's summary was computed for. Existing summaries
cover the metrics they hold values of (the relay wrote them)."""

from typing import Any

from django.db import migrations, models


def covers_from_values(apps: Any, schema_editor: Any) -> None:
    RollupSummary = apps.get_model("rollups", "RollupSummary")
    for summary in RollupSummary.objects.all().iterator():
        summary.covers = sorted({key.partition("|")[0] for key in summary.values})
        summary.save(update_fields=["covers"])


class Migration(migrations.Migration):
    dependencies = [("rollups", "0003_rollupsummary")]

    operations = [
        migrations.AddField(model_name="rollupsummary", name="covers", field=models.JSONField(default=list)),
        migrations.RunPython(covers_from_values, migrations.RunPython.noop),
    ]
