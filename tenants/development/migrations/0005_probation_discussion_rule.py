"""The quarterly discussion of probationary members becomes a rule value (*local*) of every version."""

from django.db import migrations


def add_value(apps, schema_editor):
    for rule in apps.get_model("development", "DevelopmentRule").objects.all():
        if "probation_discussion_every_months" not in rule.values:
            rule.values = {**rule.values, "probation_discussion_every_months": 3}
            rule.save(update_fields=["values"])


class Migration(migrations.Migration):
    dependencies = [("development", "0004_probation_discussion")]

    operations = [migrations.RunPython(add_value, migrations.RunPython.noop)]
