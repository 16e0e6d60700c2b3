"""Operators' command line for the search index: repair, reindex one tenant, or rebuild all.

manage.py search_reindex --reconcile           # repair every schema (what beat does every 15 minutes)
manage.py search_reindex --tenant t_alpha      # rewrite one tenant's documents
manage.py search_reindex                       # zero-downtime full rebuild (after a backend or analyzer change)
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from partycloud.search.indexing import indexed_schemas, rebuild_all, reconcile_schema, reindex_schema


class Command(BaseCommand):
    help = "Repair (--reconcile), reindex one tenant (--tenant) or rebuild the whole search index."

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_mutually_exclusive_group()
        what.add_argument("--reconcile", action="store_true", help="reindex only what is missing, stale or gone")
        what.add_argument("--tenant", help="one tenant's schema name")

    def handle(self, *args: Any, reconcile: bool, tenant: str | None, **options: Any) -> None:
        if reconcile:
            for schema in indexed_schemas():
                report = reconcile_schema(schema)
                self.stdout.write(
                    f"{schema}: {report.checked} checked, {report.reindexed} reindexed, "
                    f"{report.deleted} deleted in {report.seconds:.2f} s"
                )
            return
        if tenant is not None:
            if tenant not in indexed_schemas():
                raise CommandError(f"no searchable tenant has the schema {tenant!r}")
            self.stdout.write(f"{tenant}: {reindex_schema(tenant)} documents indexed")
            return
        self.stdout.write(f"rebuilt: {rebuild_all()} documents indexed")
