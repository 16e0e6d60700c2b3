"""Load China's working-day calendar from the chinesecalendar library (public schema only: one
national calendar). ``manage.py load_workday_calendar`` reloads it after a library upgrade."""

from __future__ import annotations

from django.db import migrations


def load(apps, schema_editor):
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    from partycloud.core import workdays  # the library's data; the tables are created by 0002

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    source = workdays.library_source()
    for year in workdays.library_years():
        if CalendarYear.objects.filter(year=year).exists():
            continue
        CalendarDay.objects.bulk_create(
            CalendarDay(day=day, kind=kind, name=name[:60]) for day, kind, name in workdays.library_days(year)
        )
        CalendarYear.objects.create(year=year, source=source)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_workday_calendar")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
