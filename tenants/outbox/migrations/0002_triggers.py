from django.db import migrations


def install(apps, schema_editor):
    # Function-level: a migration module is loaded to plan migrations; the SQL is needed only when it runs.
    from tenants.outbox.triggers import install

    install(schema_editor.connection.schema_name)


class Migration(migrations.Migration):
    """Outbox triggers on the tables the group's rollups are computed from."""

    dependencies = [
        ("outbox", "0001_initial"),
        ("members", "0002_memberimport"),
        ("organizations", "0001_initial"),
        ("transfers", "0003_remove_transfer_one_pending_transfer_per_member_and_more"),
        ("development", "0003_alter_casestep_evidence"),
        ("dues", "0005_onlinepayment_remittance"),
        ("learning", "0002_default_categories"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
