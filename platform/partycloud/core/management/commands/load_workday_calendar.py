"""Load China's working-day calendar (statutory holidays, make-up workdays) into the public schema.

    manage.py load_workday_calendar                 # every year the installed chinesecalendar knows
    manage.py load_workday_calendar --year 2027 --csv 2027.csv --source "国办发明电〔2026〕X号"

The CSV has a header and one row per exception: ``date,kind,name`` with kind ``holiday`` (a weekday
off) or ``workday`` (a weekend day worked); other days follow Monday to Friday.
"""

from __future__ import annotations

import csv
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from partycloud.core import workdays


class Command(BaseCommand):
    help = "Load China's working-day calendar (from the chinesecalendar library or a CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="only this year")
        parser.add_argument("--csv", help="date,kind,name rows for --year (instead of the library)")
        parser.add_argument("--source", default="", help="where the CSV came from (the State Council notice)")

    def handle(self, *args: Any, **options: Any) -> None:
        year, path = options["year"], options["csv"]
        if path:
            if not year:
                raise CommandError("--csv needs --year")
            rows = []
            with open(path, encoding="utf-8-sig", newline="") as handle:
                for number, row in enumerate(csv.DictReader(handle), start=2):
                    try:
                        rows.append(
                            (date.fromisoformat(row["date"].strip()), row["kind"].strip(), row.get("name", "").strip())
                        )
                    except (KeyError, ValueError) as error:
                        raise CommandError(f"line {number}: {error}") from error
            try:
                count = workdays.load_year(
                    year, rows, source=options["source"] or path, loaded_by="load_workday_calendar"
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"{year}: {count} days from {path}")
            return
        years = [year] if year else workdays.library_years()
        source = workdays.library_source()
        for each in years:
            count = workdays.load_year(
                each, workdays.library_days(each), source=source, loaded_by="load_workday_calendar"
            )
            self.stdout.write(f"{each}: {count} days from {source}")
