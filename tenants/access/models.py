from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partycloud.accounts.roles import TenantRole

__all__ = ["RoleAssignment", "TenantRole"]


class RoleAssignment(models.Model):
    """A user holds a role in this tenant, for the whole tenant or one organization subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=24, choices=TenantRole.choices)
    # The root of the organization subtree this role covers (organizations.Organization id,
    # checked by do_assign_role; organizations are never deleted); null = the whole tenant.
    organization_id = models.BigIntegerField(_("organization scope"), null=True, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organization_id"],
                name="role_assignment_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.role}"
