"""What the group's showcase can hold besides learning resources: a registry other apps fill.

A tenant proposes an item (a learning resource, an exchange post …) to the group; the group's
decision (``tenants.learning.library.do_decide_proposal``) records it on the original, in the
proposing tenant's schema, and on approval makes the group's published copy in the public
schema. Learning handles its own resources; another app registers a ``ShowcaseItemSource`` from
its ``AppConfig.ready`` with those two steps, so learning never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from partycloud.accounts.actor import Actor
from partycloud.tenancy.models import PartyCommittee

RESOURCE = "learning.resource"


@dataclass(frozen=True)
class ShowcaseItemSource:
    name: str  # stored on the proposal (``ShowcaseProposal.source``), e.g. "exchange.post"
    # In the proposing tenant's schema, inside the decision's transaction: lock the original,
    # record the decision on it (approved: True) and return what its copy needs (None: it is gone).
    mark: Callable[[UUID, bool], Any | None]
    # In the public schema, same transaction: the group's published copy; returns its uuid.
    copy: Callable[[Any, PartyCommittee, Actor], UUID]


_sources: dict[str, ShowcaseItemSource] = {}


def register_showcase_source(source: ShowcaseItemSource) -> None:
    _sources[source.name] = source


def showcase_source(name: str) -> ShowcaseItemSource | None:
    return _sources.get(name)
