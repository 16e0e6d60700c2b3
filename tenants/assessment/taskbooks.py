"""Task books on a tenant (stub for the API contract; implemented next)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from partycloud.accounts.actor import Actor
from partycloud.accounts.roles import TenantRole

MANAGERS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY, TenantRole.COMMITTEE_MEMBER})
READERS = MANAGERS | {TenantRole.DISCIPLINE_INSPECTOR}


@dataclass(frozen=True)
class Reviewer:
    actor: Actor
    label: str = ""
    group: bool = False

    @classmethod
    def of(cls, actor: Actor) -> Reviewer:
        return cls(actor=actor, label=actor.name)


def _todo(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


list_books = book_rows = book_for = book_payload = do_update_draft = do_delete_draft = do_cascade = _todo
do_add_indicator = indicator_for = do_update_indicator = do_delete_indicator = _todo
do_add_evidence = evidence_row = evidence_for = do_delete_evidence = do_issue = do_self_assess = _todo
do_submit = do_review = do_return = do_approve = do_reopen = _todo
