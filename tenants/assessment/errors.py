"""Error codes of assessment (loaded by the kernel's autodiscovery): each part keeps its enum in
its own module."""

from __future__ import annotations

from tenants.assessment.taskbook_errors import TaskBookCode

__all__ = ["TaskBookCode"]
