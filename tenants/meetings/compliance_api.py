"""Placeholder: filled in by the issue 15 work."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
