from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.members.models import Member
from tenants.organizations.models import Organization


class TransferRule(models.Model):
    """Versioned rule (DOMAIN_RULES §4): how long a transfer stays valid. *local*: a tenant
    may add its own version; the newest version in force on a date applies."""

    version = models.CharField(max_length=40, unique=True)
    effective_from = models.DateField()
    validity_days = models.PositiveIntegerField()
    source = models.CharField(max_length=200)

    class Meta:
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return f"{self.version}: {self.validity_days} days"


class TransferKind(models.TextChoices):
    WITHIN = "within", _("within this party committee")
    OUTGOING = "outgoing", _("to another party committee of the group")
    INCOMING = "incoming", _("from another party committee of the group")
    OUT_OF_GROUP = "out_of_group", _("out of the group (introduction letter)")
    INTO_GROUP = "into_group", _("into the group from outside")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the receiving side")
    ACCEPTED = "accepted", _("received")
    REJECTED = "rejected", _("rejected")
    CANCELLED = "cancelled", _("cancelled")


class Transfer(models.Model):
    """One transfer as this tenant sees it. A transfer between tenants has a row on each side
    (outgoing / incoming) and one ``hub.GroupTransfer`` in the public schema; all three
    change status in the same transaction."""

    number = models.CharField(max_length=24, unique=True)
    kind = models.CharField(max_length=12, choices=TransferKind.choices)
    status = models.CharField(max_length=12, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True, related_name="transfers")
    member_name = models.CharField(max_length=50)
    from_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    counterpart_tenant = models.ForeignKey(
        "tenancy.PartyCommittee", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group_transfer_id = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # Out of / into the group: the party organization outside the group, and for letters
    # received from outside, that letter's own number.
    external_organization = models.CharField(_("organization outside the group"), max_length=200, blank=True)
    letter_number = models.CharField(_("introduction letter number"), max_length=40, blank=True)
    valid_until = models.DateField()
    rule_version = models.CharField(max_length=40)
    decision_note = models.CharField(max_length=300, blank=True)
    initiated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    overdue_alerted_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(status="pending", kind__in=["within", "outgoing", "out_of_group"]),
                name="one_pending_transfer_per_member",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.number} {self.member_name} ({self.status})"

    @property
    def is_overdue(self) -> bool:
        return self.status == TransferStatus.PENDING and timezone.localdate() > self.valid_until
