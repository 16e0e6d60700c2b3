from django.db import migrations


def install(apps, schema_editor):
    # Function-level: a migration module is loaded to plan migrations; the SQL is needed only when it runs.
    from tenants.outbox.triggers import install

    install(schema_editor.connection.schema_name)


class Migration(migrations.Migration):
    """Outbox triggers on assessment_evaluationround (the democratic evaluation's rollup metric), with the rest."""

    dependencies = [("outbox", "0003_meetings_trigger"), ("assessment", "0002_seed_evaluation_rule")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
