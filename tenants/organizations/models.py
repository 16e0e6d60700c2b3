from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partycloud.core.dates import add_years


class OrganizationKind(models.TextChoices):
    COMMITTEE = "committee", _("party committee")
    GENERAL_BRANCH = "general_branch", _("general branch")
    BRANCH = "branch", _("branch")
    PARTY_GROUP = "party_group", _("party group")


# Which kinds may sit directly under which (a committee may hold any; a group holds nothing).
ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    OrganizationKind.COMMITTEE: frozenset(OrganizationKind.values),
    OrganizationKind.GENERAL_BRANCH: frozenset({OrganizationKind.BRANCH}),
    OrganizationKind.BRANCH: frozenset({OrganizationKind.PARTY_GROUP}),
    OrganizationKind.PARTY_GROUP: frozenset(),
}


class Organization(models.Model):
    """A node of the tree. ``path`` is the chain of ids from the root ("/1/4/9/"): a subtree
    is one indexed prefix query, and a move rewrites the subtree's paths in one UPDATE."""

    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    path = models.CharField(max_length=500, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    term_started_on = models.DateField(_("term started on"), null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(_("term (years)"), default=3)
    is_active = models.BooleanField(default=True)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["path"]
        indexes = [models.Index(fields=["path"], name="organization_path", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    @property
    def re_election_due_on(self) -> date | None:
        """When the current term ends (换届): term start + term years."""
        if self.term_started_on is None:
            return None
        return add_years(self.term_started_on, self.term_years)


class CommitteeMember(models.Model):
    """A member of an organization's committee (支委/党委委员), with the post held."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="committee")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.CharField(_("post"), max_length=40, blank=True)
    since = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="committee_member_unique")]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.user_id} {self.post}"


class OrganizationEvent(models.Model):
    """History of the tree: created, renamed, moved, merged, re-elected — never deleted."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20)
    detail = models.JSONField(default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.kind}"
