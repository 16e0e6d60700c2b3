"""Print a new VAPID key pair for Web Push, as environment lines (see docs/notifications.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from services.notify.push import generate_vapid_keys


class Command(BaseCommand):
    help = "Generate a VAPID key pair for Web Push and print it as VAPID_PRIVATE_KEY / VAPID_PUBLIC_KEY lines."

    def handle(self, *args: Any, **options: Any) -> None:
        private_key, public_key = generate_vapid_keys()
        self.stdout.write(f"VAPID_PRIVATE_KEY={private_key}\nVAPID_PUBLIC_KEY={public_key}\n")
