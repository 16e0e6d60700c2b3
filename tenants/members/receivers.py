"""Members follow their organization when it is merged into another."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from partycloud.accounts.actor import Actor
from tenants.members.models import Member
from tenants.members.services import do_update_member
from tenants.organizations.models import Organization
from tenants.organizations.signals import organization_merged


@receiver(organization_merged)
def move_members_of_merged_organization(
    sender: Any, source: Organization, target: Organization, actor: Actor | None = None, **kwargs: Any
) -> None:
    for member in Member.objects.filter(organization=source):
        do_update_member(member, {"organization": target}, actor=actor)
