"""Restore a tenant archive as a new tenant, with its own schema and host."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from partycloud.backup.services import do_restore_tenant
from partycloud.core.errors import ServiceError


class Command(BaseCommand):
    help = "Restore a backup_tenant archive into a new tenant (schema t_<slug>, host <slug>.BASE_DOMAIN)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="an archive written by backup_tenant")
        parser.add_argument("--slug", required=True, help="the new tenant's short address (must be free)")
        parser.add_argument("--name", help="the new tenant's name (default: the original's)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["file"].is_file():
            raise CommandError(f"No file {options['file']}.")
        try:
            result = do_restore_tenant(options["file"], slug=options["slug"], name=options["name"])
        except ServiceError as error:
            raise CommandError(f"{error.code}: {error.message}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {result.tenant.name} at {result.tenant.url} (schema {result.tenant.schema_name}): "
                f"{sum(result.rows.values())} rows, {result.objects} objects, "
                + (
                    f"{result.search_documents} search documents"
                    if result.search_documents is not None
                    else "search documents not rebuilt (the reconcile will)"
                )
            )
        )
