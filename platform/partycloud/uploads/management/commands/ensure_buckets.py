"""Create the buckets of every data class (<S3_BUCKET_PREFIX>-media, -records, -exports)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from services.storage import DataClass, bucket_name, get_storage


class Command(BaseCommand):
    help = "Create the storage buckets when missing (S3: the buckets; filesystem: their directories)."

    def handle(self, *args: Any, **options: Any) -> None:
        storage = get_storage()
        storage.ensure_buckets()
        for data_class in DataClass:
            self.stdout.write(f"{storage.name}: {bucket_name(data_class)} ready")
