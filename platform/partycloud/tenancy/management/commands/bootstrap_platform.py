"""Bring a database up to date: shared schema, group root, template schema, every tenant, spares."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from partycloud.tenancy.schemas import install_clone_function, refill_spare_pool
from partycloud.tenancy.services import ensure_group_root, ensure_template
from services.search import get_backend
from services.storage import get_storage


class Command(BaseCommand):
    help = "Migrate the public schema, ensure the group root and the template, migrate all tenants."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--executor", default="standard", help="migrate_schemas executor (standard|multiprocessing)"
        )
        parser.add_argument("--no-spares", action="store_true", help="Do not refill the warm pool of spare schemas.")

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=max(verbosity - 1, 0))
        ensure_group_root()
        ensure_template()
        install_clone_function()
        call_command(
            "migrate_schemas",
            tenant=True,
            interactive=False,
            executor=options["executor"],
            verbosity=max(verbosity - 1, 0),
        )
        # Buckets (S3) or folders (filesystem) for every data class, and the search index or table.
        get_storage().ensure_buckets()
        get_backend().ensure_ready()
        spares = 0 if options["no_spares"] else refill_spare_pool()
        self.stdout.write(self.style.SUCCESS(f"Platform ready ({spares} spare schemas cloned)."))
