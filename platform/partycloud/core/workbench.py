"""The vocabulary of the console's home (工作台): a to-do and a key figure.

Each domain app builds these from its own records (``tenants/<app>/workbench.py``) and
``tenants.workbench`` collects them; the types live on the kernel floor so that domains
can return them without importing the collector.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Link:
    """Where in the console to act: a client route path and its query."""

    path: str
    query: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Todo:
    """Something a party worker should act on.

    ``kind`` is a stable code (``module.what``) for clients; ``title`` and ``subject`` are
    for people (title translated, subject a name: a member's, a case's, an organization's).
    ``due_on`` is the deadline, None for things that are due now without a date (an import
    with errors, arrears already reached)."""

    kind: str
    module: str
    title: str
    subject: str
    link: Link
    due_on: date | None = None
    since: date | None = None
    organization: str = ""
    detail: str = ""

    def as_dict(self, today: date) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "module": self.module,
            "title": self.title,
            "subject": self.subject,
            "organization": self.organization,
            "detail": self.detail,
            "due_on": self.due_on,
            "since": self.since,
            "days_left": (self.due_on - today).days if self.due_on else None,
            "overdue": bool(self.due_on and self.due_on < today),
            "link": {"path": self.link.path, "query": self.link.query},
        }


@dataclass(frozen=True)
class Figure:
    """One key figure of the month (a count, an amount in yuan, minutes)."""

    key: str
    module: str
    label: str
    value: int | Decimal
    unit: str = ""
    link: Link | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "module": self.module,
            "label": self.label,
            "value": self.value,
            "unit": self.unit,
            "link": {"path": self.link.path, "query": self.link.query} if self.link else None,
        }


def by_deadline(todos: list[Todo], today: date) -> list[Todo]:
    """Soonest deadline first. An undated to-do is due now: it sorts as due today, after the
    overdue ones and before those with days left."""
    return sorted(
        todos,
        key=lambda todo: (todo.due_on or today, todo.due_on is None, todo.since or today, todo.kind, todo.subject),
    )
