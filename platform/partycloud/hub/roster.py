"""Importing the employee roster (all or nothing) and matching it with member records."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.audit.services import do_record_audit
from partycloud.core.errors import ServiceError
from partycloud.core.spreadsheets import RowErrors, SpreadsheetError, clean, read_table, workbook_bytes
from partycloud.hub.models import RosterEntry
from partycloud.tenancy.models import PartyCommittee

COLUMNS = ("员工卡号", "姓名", "所属单位", "部门", "是否党员")
YES, NO = {"是", "党员", "Y", "YES", "1", "TRUE"}, {"否", "", "N", "NO", "0", "FALSE"}


def template_bytes() -> bytes:
    return workbook_bytes(
        "员工名册",
        COLUMNS,
        [["E100001", "张卫国", "power", "生产技术部", "是"]],
        [
            "所属单位：填写单位的网址简称（如 power）或简称（如 电力公司党委）。",
            "是否党员：是/否。导入为全部成功或全部不导入。",
        ],
    )


@transaction.atomic
def do_import_roster(content: bytes, filename: str, *, actor: Any = None) -> dict[str, Any]:
    """Upsert roster entries by card number. Returns {created, updated} or raises with row errors."""
    try:
        rows = read_table(content, filename, COLUMNS)
    except SpreadsheetError as error:
        raise ServiceError(
            "hub.roster_unreadable",
            _("This file cannot be read. Upload an .xlsx or .csv file made from the template."),
            "file",
        ) from error
    employers = {t.slug: t for t in PartyCommittee.objects.subsidiaries()} | {
        t.short_name: t for t in PartyCommittee.objects.subsidiaries()
    }
    errors = RowErrors()
    seen: dict[str, int] = {}
    parsed = []
    for number, row in rows:
        card = clean(row["员工卡号"]).upper()
        name = clean(row["姓名"])
        employer_text = clean(row["所属单位"])
        member_text = clean(row["是否党员"]).upper()
        if not card:
            errors.add(number, "员工卡号", _("Required."))
        elif card in seen:
            errors.add(number, "员工卡号", _("Same card number as row %(row)d.") % {"row": seen[card]})
        else:
            seen[card] = number
        if not name:
            errors.add(number, "姓名", _("Required."))
        employer = employers.get(employer_text) if employer_text else None
        if employer_text and employer is None:
            errors.add(number, "所属单位", _("No party committee has this short address or short name."))
        if member_text not in YES | NO:
            errors.add(number, "是否党员", _("Write 是 or 否."))
        parsed.append((card, name, employer, clean(row["部门"]), member_text in YES))
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
    return {"created": len(new), "updated": len(changed)}


class RosterImportError(ServiceError):
    def __init__(self, errors: RowErrors):
        super().__init__(
            "hub.roster_rows_invalid",
            _("%(rows)d rows have errors; nothing was imported.") % {"rows": len(errors.by_row)},
            "file",
            extra={"errors": errors.as_list()},
        )
