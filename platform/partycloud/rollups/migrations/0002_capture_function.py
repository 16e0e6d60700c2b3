from django.db import migrations


def install(apps, schema_editor):
    from tenants.outbox.triggers import install_capture_function

    install_capture_function()


class Migration(migrations.Migration):
    """The trigger function that tenant schemas' outbox triggers call (tenants.outbox)."""

    dependencies = [("rollups", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
