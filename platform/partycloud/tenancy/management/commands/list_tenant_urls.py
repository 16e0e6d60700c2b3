from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from partycloud.tenancy.models import PartyCommittee


class Command(BaseCommand):
    help = "Print `slug url name` for every active subsidiary party committee."

    def handle(self, *args: Any, **options: Any) -> None:
        for tenant in PartyCommittee.objects.active().order_by("id"):
            self.stdout.write(f"{tenant.slug} {tenant.url} {tenant.name}")
