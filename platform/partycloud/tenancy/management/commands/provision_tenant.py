"""Provision a subsidiary party committee from the command line (same service as the API)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from partycloud.accounts.backends import find_user
from partycloud.core.errors import ServiceError
from partycloud.tenancy.models import PartyCommittee
from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant


class Command(BaseCommand):
    help = "Create a tenant (subsidiary party committee) by cloning the template schema."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--short-name", required=True)
        parser.add_argument("--slug", required=True, help="host name part: <slug>.BASE_DOMAIN")
        parser.add_argument("--unified-code", required=True, help="统一社会信用代码 (18 characters)")
        parser.add_argument("--parent", help="slug of the parent committee (default: the group root)")
        parser.add_argument("--admin", help="phone or employee card number of the first tenant admin")

    def handle(self, *args: Any, **options: Any) -> None:
        parent = None
        if options["parent"]:
            parent = PartyCommittee.objects.filter(slug=options["parent"]).first()
            if parent is None:
                raise CommandError(f"No party committee with slug {options['parent']!r}.")
        admin = None
        if options["admin"]:
            admin = find_user(options["admin"])
            if admin is None:
                raise CommandError(f"No user with phone or card number {options['admin']!r}.")
        draft = CommitteeDraft(
            name=options["name"],
            short_name=options["short_name"],
            slug=options["slug"],
            unified_code=options["unified_code"],
            parent=parent,
        )
        try:
            tenant = do_provision_tenant(draft, first_admin=admin)
        except ServiceError as error:
            raise CommandError(f"{error.code}: {error.message} ({error.field})") from None
        self.stdout.write(self.style.SUCCESS(f"Provisioned {tenant.name} at {tenant.url}"))
