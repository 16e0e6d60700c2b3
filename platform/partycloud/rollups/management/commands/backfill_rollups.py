"""Rebuild the past months of the dashboard's figures from the records' history (a tenant just
onboarded, or after its history was corrected): ``manage.py backfill_rollups [--tenant slug]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from partycloud.rollups.history import DEFAULT_MONTHS, backfill_tenant
from partycloud.rollups.relay import relayable_tenants


class Command(BaseCommand):
    help = "Recompute past months of the group dashboard's figures from tenures and establishment dates."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--tenant", help="the tenant's slug (default: every active or suspended tenant)")
        parser.add_argument("--months", type=int, default=DEFAULT_MONTHS, help="how many months back")
        parser.add_argument(
            "--overwrite", action="store_true", help="also replace months the relay measured at the time"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = relayable_tenants()
        if options["tenant"]:
            tenants = [tenant for tenant in tenants if tenant.slug == options["tenant"]]
            if not tenants:
                raise CommandError(f"No active or suspended tenant has the slug {options['tenant']!r}.")
        for tenant in tenants:
            months = backfill_tenant(tenant, months=options["months"], overwrite=options["overwrite"])
            shown = ", ".join(f"{month:%Y-%m}" for month in months) or "none (already measured)"
            self.stdout.write(f"{tenant.slug}: rebuilt {shown}")
