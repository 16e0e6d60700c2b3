"""Uploads, one table per schema: the group's own in the public schema, each tenant's in its schema."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from services.storage import DataClass


class UploadStatus(models.TextChoices):
    PENDING = "pending", _("pending")  # URLs handed out, bytes not verified yet
    VERIFIED = "verified", _("verified")  # stored, real type and size checked, text extracted
    REJECTED = "rejected", _("rejected")  # refused on verification; the object was deleted
    CONSUMED = "consumed", _("consumed")  # claimed by the feature it was meant for
    ABORTED = "aborted", _("aborted")  # cancelled by its creator or expired; nothing stored


class Upload(models.Model):
    """One file a user uploads directly to storage, from the presigned URL to its verification."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField(max_length=100)
    data_class = models.CharField(max_length=20, choices=[(c.value, c.value) for c in DataClass])
    key = models.CharField(max_length=300, unique=True)
    filename = models.CharField(max_length=255)
    declared_type = models.CharField(max_length=255)
    declared_size = models.BigIntegerField()
    size = models.BigIntegerField(null=True, blank=True)  # set once verified
    detected_type = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=12, choices=UploadStatus.choices, default=UploadStatus.PENDING)
    multipart_id = models.CharField(max_length=255, blank=True)  # blank for a form POST
    error_code = models.CharField(max_length=100, blank=True)
    error_message = models.CharField(max_length=1000, blank=True)
    text = models.TextField(blank=True)  # extracted text (documents), capped
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="storage_upload_status_age")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.filename} ({self.status})"

    @property
    def is_multipart(self) -> bool:
        return bool(self.multipart_id)
