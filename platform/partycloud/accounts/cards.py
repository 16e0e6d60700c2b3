"""Employee cards as the kernel sees them: who holds a card, through a port the hub fills.

The group's employee roster (员工名册, ``partycloud.hub.RosterEntry``) lives on the group root's
floor; domains (a meeting's card sign-in) must not import it. The hub registers its lookup at
start-up (``HubConfig.ready``); until then no card is known.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CardHolder:
    """The employee holding a card, as HR reports them."""

    card_number: str
    name: str
    employer_id: int | None  # the party committee (tenant) the employee works for, if known
    department: str
    hr_party_member: bool


CardResolver = Callable[[str], CardHolder | None]
# (employer id, search, limit) -> the employer's employees who are not party members per HR.
EmployeeLister = Callable[[int, str, int], list[CardHolder]]


def _no_cards(card_number: str) -> CardHolder | None:
    return None


_resolver: CardResolver = _no_cards


def _no_employees(employer_id: int, search: str, limit: int) -> list[CardHolder]:
    return []


_lister: EmployeeLister = _no_employees


def register_card_resolver(resolver: CardResolver) -> None:
    """The hub tells the kernel how to find a card's holder in the roster."""
    global _resolver
    _resolver = resolver


def register_employee_lister(lister: EmployeeLister) -> None:
    """The hub tells the kernel how to list an employer's non-member employees on the roster."""
    global _lister
    _lister = lister


def non_member_employees(employer_id: int, search: str = "", limit: int = 200) -> list[CardHolder]:
    """Employees of ``employer_id`` (a party committee) on the roster who are not party members
    per HR, by card number, matching ``search`` (card number or name), at most ``limit``: the
    masses a branch may invite to rate (群众测评)."""
    return _lister(employer_id, search.strip(), limit)


def normalize_card_number(raw: str) -> str:
    """A card number as the roster stores it: trimmed, upper case (readers may type either)."""
    return raw.strip().upper()


def resolve_card(card_number: str) -> CardHolder | None:
    """The holder of ``card_number`` on the group's roster; None for an unknown or empty card."""
    card = normalize_card_number(card_number)
    if not card:
        return None
    return _resolver(card)
