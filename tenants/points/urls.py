"""Points' URLs on tenant hosts, under api/v1/points/ (tenants.points.api)."""

from __future__ import annotations

from tenants.points.api import urlpatterns

__all__ = ["urlpatterns"]
