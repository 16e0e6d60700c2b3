from django.db import migrations


def install(apps, schema_editor):
    # Function-level: a migration module is loaded to plan migrations; the SQL is needed only when it runs.
    from tenants.outbox.triggers import install

    install(schema_editor.connection.schema_name)


class Migration(migrations.Migration):
    """Outbox triggers on meetings_meeting (organizational life's rollup metric), with the rest."""

    dependencies = [("outbox", "0002_triggers"), ("meetings", "0005_mtgcomp_starts_on")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
