"""The group's task books, under api/v1/group/task-books/ (partycloud.taskbooks.api)."""

from __future__ import annotations

from partycloud.taskbooks.api import urlpatterns

__all__ = ["urlpatterns"]
