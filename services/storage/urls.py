"""Storage endpoints, on every host (uploads are recorded in the schema of the host)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
