from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RosterEntry(models.Model):
    """One employee of the group (员工卡/一卡通 registry), as HR reports them."""

    card_number = models.CharField(_("employee card number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    employer = models.ForeignKey(
        "tenancy.PartyCommittee", on_delete=models.PROTECT, null=True, blank=True, related_name="roster_entries"
    )
    department = models.CharField(_("department"), max_length=100, blank=True)
    hr_party_member = models.BooleanField(_("party member according to HR"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["card_number"]
        indexes = [models.Index(fields=["employer", "hr_party_member"], name="roster_employer_member")]

    def __str__(self) -> str:
        return f"{self.card_number} {self.name}"


class PocketKind(models.TextChoices):
    UNREGISTERED = "unregistered", _("party member on the roster but on no branch's roster")
    UNRECEIVED_TRANSFER = "unreceived_transfer", _("transfer left the sender but was not received in time")


class PocketStatus(models.TextChoices):
    OPEN = "open", _("open")
    RESOLVED = "resolved", _("resolved")


class PocketMemberCase(models.Model):
    """A possible pocket member (口袋党员): found by detection, resolved by a person with a note."""

    kind = models.CharField(max_length=24, choices=PocketKind.choices)
    tenant = models.ForeignKey(
        "tenancy.PartyCommittee", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    roster_entry = models.ForeignKey(
        RosterEntry, on_delete=models.CASCADE, null=True, blank=True, related_name="pocket_cases"
    )
    reference = models.CharField(max_length=64, blank=True)  # e.g. a transfer number
    name = models.CharField(max_length=50)
    suggested_action = models.CharField(max_length=300)
    status = models.CharField(max_length=12, choices=PocketStatus.choices, default=PocketStatus.OPEN)
    note = models.CharField(max_length=500, blank=True)
    resolved_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    detected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["status", "-detected_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "roster_entry"], condition=models.Q(status="open"), name="pocket_open_roster_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"


class GroupTransfer(models.Model):
    """A transfer between two tenants of the group, as the group sees it. Both tenants'
    ``transfers.Transfer`` rows and this one change status in the same transaction."""

    number = models.CharField(max_length=24, unique=True)
    member_name = models.CharField(max_length=50)
    from_tenant = models.ForeignKey("tenancy.PartyCommittee", on_delete=models.PROTECT, related_name="+")
    to_tenant = models.ForeignKey("tenancy.PartyCommittee", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, default="pending")
    valid_until = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.member_name} {self.status}"
