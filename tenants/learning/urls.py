"""Learning endpoints, on every host: the root host manages the group's shared library."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
