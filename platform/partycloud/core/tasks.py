"""Registers the platform-wide tasks with the worker (autodiscovered from installed apps)."""

from services.tasks.periodic import fan_out_to_tenants

__all__ = ["fan_out_to_tenants"]
