from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    READ = "read", _("read")
    EXPORT = "export", _("export")
    CREATE = "create", _("create")
    UPDATE = "update", _("update")
    DELETE = "delete", _("delete")
    LOGIN = "login", _("login")
    LOGIN_FAILED = "login_failed", _("failed login")
    LOGOUT = "logout", _("logout")


class AuditEvent(models.Model):
    """One sensitive action. Rows are only ever inserted."""

    # Null for actions at the group root.
    tenant = models.ForeignKey(
        "tenancy.PartyCommittee", on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    # Who, frozen at write time: the user may be renamed, lose the role or be deleted later.
    actor_name = models.CharField(max_length=50, blank=True)
    actor_role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    # A code of partycloud.audit.events ("member.idcard.read"); the human summary is rendered
    # from it and ``details`` in the reader's language. Empty on rows written before codes.
    event = models.CharField(max_length=64, blank=True, db_index=True)
    details = models.JSONField(default=dict, blank=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    # The object's human label (a member's name) kept even after the object is deleted.
    target_label = models.CharField(max_length=200, blank=True)
    # Free text of rows written before event codes; new rows leave it empty or add a note.
    summary = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="audit_tenant_recent"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.target_type}:{self.target_id}"
