"""Importing the employee roster (all or nothing) and matching it with member records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.cards import CardHolder
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import ServiceError
from partycloud.core.sheetmapping import load_sheet_table, read_sheet, remember_mapping
from partycloud.core.spreadsheets import RowErrors, SpreadsheetError, workbook_bytes
from partycloud.hub.errors import HubCode
from partycloud.hub.models import RosterEntry
from partycloud.tenancy.models import PartyCommittee

# The roster's columns, their header variants and value variants: data, not code.
ROSTER_SHEET = load_sheet_table(Path(__file__).with_name("roster_sheet.json"))
COLUMNS = [f.header for f in ROSTER_SHEET.fields if f.in_template]


def template_bytes() -> bytes:
    return workbook_bytes(
        "员工名册",
        COLUMNS,
        [["E100001", "张卫国", "power", "生产技术部", "是"]],
        [
            "所属单位：填写单位的网址简称（如 power）或简称（如 电力公司党委）。",
            "是否党员：是/否（也可写政治面貌：中共党员、中共预备党员、群众……）。导入为全部成功或全部不导入。",
            "也可以直接上传人事系统导出的表格：工号、员工姓名、单位名称、所在部门、政治面貌等常见列名都能识别；"
            "认不出必填列时，页面会让您为每一列选择对应的字段，并记住您的选择。",
        ],
    )


def do_import_roster(
    content: bytes, filename: str, *, actor: Actor, mapping: dict[str, str] | None = None
) -> dict[str, Any]:
    """Upsert roster entries by card number. Returns {created, updated, ignored_columns} or raises
    with row errors, or with a column-mapping proposal when required columns are not recognised."""
    try:
        sheet = read_sheet(content, filename, ROSTER_SHEET, mapping)
    except SpreadsheetError as error:
        raise ServiceError(
            HubCode.ROSTER_UNREADABLE,
            _("This file cannot be read. Upload an .xlsx or .csv file made from the template."),
            "file",
        ) from error
    if mapping:  # kept even when rows have errors: the corrected sheet comes back with the same columns
        remember_mapping(sheet, mapping)
    employers = {t.slug: t for t in PartyCommittee.objects.subsidiaries()} | {
        t.short_name: t for t in PartyCommittee.objects.subsidiaries()
    }
    errors = RowErrors()
    seen: dict[str, int] = {}
    parsed = []
    for number, cells in sheet.parsed_rows(errors):
        card = cells.get("card_number", "").upper()
        employer_text = cells.get("employer", "")
        if card in seen:
            errors.add(
                number, sheet.column_of("card_number"), _("Same card number as row %(row)d.") % {"row": seen[card]}
            )
        elif card:
            seen[card] = number
        employer = employers.get(employer_text) if employer_text else None
        if employer_text and employer is None:
            errors.add(
                number, sheet.column_of("employer"), _("No party committee has this short address or short name.")
            )
        parsed.append(
            (card, cells.get("name", ""), employer, cells.get("department", ""), cells.get("is_member") == "yes")
        )
    if errors:
        raise RosterImportError(errors)
    existing = {entry.card_number: entry for entry in RosterEntry.objects.filter(card_number__in=seen)}
    now = timezone.now()
    new, changed = [], []
    for card, name, employer, department, is_member in parsed:
        entry = existing.get(card)
        if entry is None:
            new.append(
                RosterEntry(
                    card_number=card,
                    name=name,
                    employer=employer,
                    department=department,
                    hr_party_member=is_member,
                    updated_at=now,
                )
            )
        else:
            entry.name, entry.employer, entry.department, entry.hr_party_member, entry.updated_at = (
                name,
                employer,
                department,
                is_member,
                now,
            )
            changed.append(entry)
    with transaction.atomic():
        RosterEntry.objects.bulk_create(new, batch_size=1000)
        RosterEntry.objects.bulk_update(
            changed, ["name", "employer", "department", "hr_party_member", "updated_at"], batch_size=1000
        )
        do_record_audit(
            event="roster.import",
            details={"created": len(new), "updated": len(changed)},
            actor=actor,
            target_type="hub.rosterentry",
        )
    return {"created": len(new), "updated": len(changed), "ignored_columns": sheet.unknown_columns}


class RosterImportError(ServiceError):
    def __init__(self, errors: RowErrors):
        super().__init__(
            HubCode.ROSTER_ROWS_INVALID,
            _("%(rows)d rows have errors; nothing was imported.") % {"rows": len(errors.by_row)},
            "file",
            extra={"errors": errors.as_list()},
        )


def card_holder(card_number: str) -> CardHolder | None:
    """The roster's employee with this card (the kernel's card port, ``accounts.cards``); the
    roster is in the public schema, readable from any tenant's."""
    entry = RosterEntry.objects.filter(card_number__iexact=card_number).first()
    if entry is None:
        return None
    return CardHolder(
        card_number=entry.card_number,
        name=entry.name,
        employer_id=entry.employer_id,
        department=entry.department,
        hr_party_member=entry.hr_party_member,
    )


def non_member_employees(employer_id: int, search: str, limit: int) -> list[CardHolder]:
    """The roster's employees of ``employer_id`` not party members per HR (the kernel's port,
    ``accounts.cards.non_member_employees``), by card number."""
    entries = RosterEntry.objects.filter(employer_id=employer_id, hr_party_member=False)
    if search:
        entries = entries.filter(Q(card_number__icontains=search) | Q(name__icontains=search))
    return [
        CardHolder(
            card_number=entry.card_number,
            name=entry.name,
            employer_id=entry.employer_id,
            department=entry.department,
            hr_party_member=entry.hr_party_member,
        )
        for entry in entries.order_by("card_number")[:limit]
    ]
