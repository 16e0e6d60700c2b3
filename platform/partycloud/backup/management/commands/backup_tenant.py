"""Back up one tenant (schema, objects, public rows) into an archive file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from partycloud.backup.services import do_backup_tenant
from partycloud.core.errors import ServiceError
from partycloud.tenancy.models import PartyCommittee


class Command(BaseCommand):
    help = "Back up a tenant into one archive: its schema's rows, its objects in the store, its public rows."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug", help="the tenant's short address")
        parser.add_argument("file", type=Path, help="the archive to write (.tar.gz)")

    def handle(self, *args: Any, **options: Any) -> None:
        tenant = PartyCommittee.objects.filter(slug=options["slug"]).first()
        if tenant is None:
            raise CommandError(f"No party committee with slug {options['slug']!r}.")
        destination: Path = options["file"]
        if destination.exists():
            raise CommandError(f"{destination} exists; choose a new file name.")
        try:
            manifest = do_backup_tenant(tenant, destination)
        except ServiceError as error:
            raise CommandError(f"{error.code}: {error.message}") from None
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {tenant.name} ({tenant.schema_name}) to {destination}: {len(manifest['tables'])} tables, "
                f"{rows} rows, {len(manifest['objects'])} objects, {destination.stat().st_size} bytes"
            )
        )
