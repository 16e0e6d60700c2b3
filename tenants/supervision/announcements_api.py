"""announcements API (filled by its owner; the skeleton keeps the import working)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
