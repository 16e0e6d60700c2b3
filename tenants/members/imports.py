"""Member spreadsheet import (all or nothing, per-row per-column errors) and export."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User, stored_user
from partycloud.audit.services import do_record_audit
from partycloud.core.crypto import blind_index, encrypt
from partycloud.core.dates import add_years
from partycloud.core.errors import ServiceError
from partycloud.core.sheetmapping import (
    MappingRequired,
    SheetRows,
    load_sheet_table,
    read_sheet,
    remember_mapping,
)
from partycloud.core.spreadsheets import RowErrors, SpreadsheetError, error_report, workbook_bytes
from services.tasks.pause import pause_point
from tenants.members.idcard import birth_date_of, id_card_problem, mask_id_card, normalize_id_card
from tenants.members.models import (
    COUNTED_STATUSES,
    DuesCategory,
    Gender,
    ImportStatus,
    Member,
    MemberChange,
    MemberImport,
    Membership,
    MemberStatus,
    MemberTenure,
)
from tenants.members.services import _ID_CARD_MESSAGES, RETURNABLE_STATUSES, check_member, do_sync_member_record
from tenants.organizations.models import Organization

# The columns this import understands, their header variants and value variants: data, not code.
MEMBER_SHEET = load_sheet_table(Path(__file__).with_name("member_sheet.json"))
# Template and export columns: header → field.
COLUMNS: dict[str, str] = {f.header: f.key for f in MEMBER_SHEET.fields if f.in_template}
_FIELD_KEYS = {f.key for f in MEMBER_SHEET.fields}
DEFAULT_DUES_CATEGORY = DuesCategory.EMPLOYEE  # when the sheet has no 党费类别 column (most other systems)
PROGRESS_EVERY = 200
TEMPLATE_NOTES = (
    "每行一名党员；必填的列：姓名、身份证号、入党日期、党员类别、所在党组织。其他列可以没有。",
    "也可以直接上传其他系统导出的表格：身份证号码、入党时间、联系电话、党籍状态等常见列名都能识别，表头上方的标题行会被跳过；"
    "认不出必填列时，页面会让您为每一列选择对应的字段，并记住您的选择。",
    "日期可写作 2019-03-01、2019.03.01、2019/3/1、2019年3月1日 或 Excel 日期。",
    "性别：男/女（不填则按身份证号）；党员类别：正式党员/预备党员；党费类别：在职/离退休/农民/学生/失业或领取救济（没有此列时按在职）。",
    "学历：研究生/大学本科/大学专科/中专或高中/初中及以下。",
    "没有转正日期列时，正式党员的转正日期按入党满一年推算，并在导入结果中说明。",
    "所在党组织：填写组织名称；如有同名组织，请写完整路径，如 甲公司党委/第一党支部。",
    "加入支部日期：转入或加入现所在党组织的日期；不清楚可不填，系统按入党日期估算并在统计年报中提示核实。",
    "导入为“全部成功或全部不导入”：任何一行有错，都不会导入，并可下载标注了错误的表格修改后重新导入。",
)


def template_bytes() -> bytes:
    example = ["张卫国", "男", "汉族", "110101198506121234", "大学本科", "工程师", "13612345678", "E10001",
               "2015.07.01", "2016年7月1日", "正式党员", "在职", "第一党支部", "2018-03-01"]  # fmt: skip
    return workbook_bytes("党员信息", list(COLUMNS), [example], TEMPLATE_NOTES)


class OrganizationResolver:
    """Organization by name, or by a full path of names when names repeat."""

    def __init__(self) -> None:
        organizations = list(Organization.objects.filter(is_active=True))
        by_id = {o.pk: o for o in organizations}
        self.by_name: dict[str, list[Organization]] = {}
        self.by_path: dict[str, Organization] = {}
        for organization in organizations:
            self.by_name.setdefault(organization.name, []).append(organization)
            names = [by_id[int(i)].name for i in organization.path.strip("/").split("/") if int(i) in by_id]
            self.by_path["/".join(names)] = organization

    def resolve(self, text: str) -> Organization | str:
        if "/" in text:
            return self.by_path.get(text.strip("/")) or _("No organization at this path.")
        found = self.by_name.get(text, [])
        if len(found) == 1:
            return found[0]
        if not found:
            return _("No organization has this name.")
        return _("Several organizations have this name; write the full path, e.g. 甲公司党委/第一党支部.")


def _gender_of(id_card: str) -> str:
    """GB 11643: the 17th digit is odd for men, even for women."""
    return Gender.MALE if int(id_card[16]) % 2 else Gender.FEMALE


def _complete_row(
    data: dict[str, Any], number: int, sheet: SheetRows, errors: RowErrors, resolver: OrganizationResolver
) -> dict[str, Any]:
    """From parsed cells to a member record: organization, ID card and what it implies, defaults."""
    if "organization" in data:
        resolved = resolver.resolve(data["organization"])
        if isinstance(resolved, Organization):
            data["organization"] = resolved
        else:
            errors.add(number, sheet.column_of("organization"), resolved)
    written_birth = data.pop("birth_date", (None, True))
    if data.get("id_card_number"):
        id_card = normalize_id_card(data["id_card_number"])
        problem = id_card_problem(id_card)
        if problem:
            errors.add(number, sheet.column_of("id_card_number"), _(_ID_CARD_MESSAGES[problem]))
            del data["id_card_number"]
        else:
            data["id_card_number"] = id_card
            data["birth_date"] = born = birth_date_of(id_card)
            gender = _gender_of(id_card)
            if not data.get("gender"):
                data["gender"] = gender
            elif data["gender"] != gender:
                errors.add(
                    number,
                    sheet.column_of("gender"),
                    _("Does not match the ID-card number: its 17th digit says %(gender)s.")
                    % {"gender": Gender(gender).label},
                )
            written, whole = written_birth
            if written and (written != born if whole else (written.year, written.month) != (born.year, born.month)):
                errors.add(
                    number,
                    sheet.column_of("birth_date"),
                    _("Does not match the birth date in the ID-card number (%(date)s).") % {"date": born.isoformat()},
                )
    if "phone" in data:
        data["phone"] = "".join(ch for ch in data["phone"] if ch.isdigit())
    if not data.get("ethnicity"):
        data["ethnicity"] = "汉族"
    if not sheet.has("dues_category"):
        data["dues_category"] = DEFAULT_DUES_CATEGORY
    estimated = []
    joined = data.get("joined_on")
    if not sheet.has("confirmed_on") and data.get("membership") == Membership.FULL and joined:
        # Probation lasts one year (Party Constitution Art. 7): the usual confirmation date, as the
        # development engine computes a probation's end (29 February → 28 February, core.dates).
        data["confirmed_on"] = add_years(joined, 1)
        estimated.append("confirmed_on")
    data["_estimated"] = estimated
    check_branch_joined_on(data, number, sheet, errors)
    return data


def check_branch_joined_on(data: dict[str, Any], number: int, sheet: SheetRows, errors: RowErrors) -> None:
    """The branch was joined on or after joining the party, and not in the future."""
    branch_joined_on, joined_on = data.get("branch_joined_on"), data.get("joined_on")
    if branch_joined_on is None:
        return
    if joined_on is not None and branch_joined_on < joined_on:
        errors.add(
            number, sheet.column_of("branch_joined_on"), _("The branch cannot have been joined before the party.")
        )
    elif branch_joined_on > timezone.localdate():
        errors.add(number, sheet.column_of("branch_joined_on"), _("The date cannot be in the future."))


def _notes(sheet: SheetRows, parsed: list[dict[str, Any]]) -> list[str]:
    """What the import assumed for columns the sheet lacks, to say so with the result."""
    notes = []
    if not sheet.has("dues_category"):
        notes.append(_("The sheet has no dues category (党费类别) column: members were recorded as employees (在职)."))
    estimated = sum(1 for data in parsed if "confirmed_on" in data.get("_estimated", ()))
    if estimated:
        notes.append(
            _(
                "The sheet has no confirmation date (转正日期) column: for %(count)d full members it was taken "
                "as one year after joining the party (marked as estimated in their history)."
            )
            % {"count": estimated}
        )
    return notes


def validate_rows(
    sheet: SheetRows, progress: Callable[[int], None] = lambda done: None
) -> tuple[list[dict[str, Any]], RowErrors]:
    """Every row checked against the same rules as a single record, plus duplicates."""
    errors = RowErrors()
    resolver = OrganizationResolver()
    seen: dict[str, int] = {}
    existing = set(Member.objects.values_list("id_card_index", flat=True))
    # A returning member is received one by one, where the return is deliberate (ADR 0004).
    archived = set(Member.objects.filter(status__in=RETURNABLE_STATUSES).values_list("id_card_index", flat=True))
    id_column = sheet.column_of("id_card_number")
    parsed: list[dict[str, Any]] = []
    for position, (number, cells) in enumerate(sheet.parsed_rows(errors), start=1):
        data = _complete_row(cells, number, sheet, errors, resolver)
        if number not in errors.by_row:
            try:
                check_member({**data, "status": MemberStatus.ACTIVE})
            except ServiceError as error:
                field = error.field if error.field in _FIELD_KEYS else "name"
                errors.add(number, sheet.column_of(field or "name"), str(error.message))
        id_card = data.get("id_card_number")
        if id_card:
            index = blind_index(id_card)
            if index in archived:
                errors.add(
                    number,
                    id_column,
                    _(
                        "Recorded here earlier (transferred out or left the party): add this person on their own to restore the earlier record."
                    ),
                )
            elif index in existing:
                errors.add(number, id_column, _("Already recorded in this party committee."))
            elif index in seen:
                errors.add(number, id_column, _("Same ID-card number as row %(row)d.") % {"row": seen[index]})
            else:
                seen[index] = number
            data["id_card_index"] = index
        parsed.append(data)
        if position % PROGRESS_EVERY == 0:
            progress(position)
    return parsed, errors


@transaction.atomic
def create_members(parsed: list[dict[str, Any]], *, actor: Actor, placed_on: date) -> int:
    """Insert validated rows in bulk: members, tenures, history, access index. A tenure starts
    on the day the member joined the branch, or, when the sheet does not say, on the day they
    joined the party, marked as estimated (``placed_on``, the import day, dates the history)."""
    phones = {data["phone"] for data in parsed if data.get("phone")}
    users = dict(User.objects.filter(phone__in=phones).values_list("phone", "pk"))
    members = []
    for data in parsed:
        number = data["id_card_number"]
        fields = {
            k: v
            for k, v in data.items()
            if k not in {"id_card_number", "id_card_index", "_estimated", "branch_joined_on"}
        }
        members.append(
            Member(
                **fields,
                status=MemberStatus.ACTIVE,
                user_id=users.get(data.get("phone") or ""),
                id_card_encrypted=encrypt(number),
                id_card_index=data["id_card_index"],
                id_card_masked=mask_id_card(number),
            )
        )
    created = Member.objects.bulk_create(members, batch_size=1000)
    branch_joined = [data.get("branch_joined_on") for data in parsed]
    MemberTenure.objects.bulk_create(
        [MemberTenure(member=m, organization_id=m.organization_id, membership=m.membership,
                      started_on=joined or m.joined_on, started_on_estimated=joined is None)
         for m, joined in zip(created, branch_joined, strict=True) if m.status in COUNTED_STATUSES],
        batch_size=1000,
    )  # fmt: skip
    actor_ref = stored_user(actor.user)
    # Dates the import assumed (no column in the sheet) are marked, so nobody takes them for records.
    MemberChange.objects.bulk_create(
        [
            MemberChange(
                member=m,
                kind="created",
                effective_on=placed_on,
                actor=actor_ref,
                changes={"import": True} | ({"estimated": data["_estimated"]} if data["_estimated"] else {}),
            )
            for m, data in zip(created, parsed, strict=True)
        ],
        batch_size=1000,
    )
    for user_id in {m.user_id for m in created if m.user_id}:
        do_sync_member_record(user_id)
    return len(created)


def _fail(job: MemberImport, message: str, **fields: Any) -> MemberImport:
    job.status = ImportStatus.FAILED
    job.message = message
    job.finished_at = timezone.now()
    for name, value in fields.items():
        setattr(job, name, value)
    job.save()
    return job


def check_upload(content: bytes, filename: str, mapping: dict[str, str] | None) -> None:
    """Before a job is created: a mapping proposal when the columns need one (the client shows the
    mapping step); a mapping the user chose is remembered for this tenant's next import.
    An unreadable file is left to the job, which fails with its message."""
    try:
        sheet = read_sheet(content, filename, MEMBER_SHEET, mapping, first_rows_only=True)
    except SpreadsheetError:
        return
    if mapping:
        remember_mapping(sheet, mapping)


def do_create_import_job(
    *, actor: Actor, filename: str, content: bytes, mapping: dict[str, str] | None
) -> MemberImport:
    """Keep an uploaded sheet (already checked by ``check_upload``) as a job: run at once or queued."""
    return MemberImport.objects.create(
        filename=filename[:200], content=content, column_mapping=mapping or {}, created_by_id=actor.pk
    )


def run_import(job: MemberImport, *, actor: Actor) -> MemberImport:
    """Validate everything, then import everything in one transaction — or nothing. A job that
    already finished is left as it is: a task redelivered after its worker died runs it again
    (acks_late), and the members, the audit entry and the job's result commit together."""
    if job.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED):
        return job
    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status"])
    try:
        sheet = read_sheet(bytes(job.content), job.filename, MEMBER_SHEET, job.column_mapping or None)
    except SpreadsheetError:
        return _fail(job, _("This file cannot be read. Upload an .xlsx or .csv file made from the template."))
    except MappingRequired as error:
        return _fail(job, str(error.message))
    job.total_rows = len(sheet.raw)
    job.ignored_columns = sheet.unknown_columns
    job.save(update_fields=["total_rows", "ignored_columns"])
    if not sheet.raw:
        return _fail(job, _("The file has no rows to import."))

    def progress(done: int) -> None:
        MemberImport.objects.filter(pk=job.pk).update(processed_rows=done)

    parsed, errors = validate_rows(sheet, progress)
    if errors:
        return _fail(
            job,
            _("%(rows)d rows have errors; nothing was imported. Download the report, fix and upload again.")
            % {"rows": len(errors.by_row)},
            error_count=errors.count(),
            errors=errors.as_list(),
            report=error_report(sheet.columns, sheet.raw, errors),
            processed_rows=len(sheet.raw),
        )
    with transaction.atomic():
        # Two deliveries of the task never both import: the second waits here, then finds it done.
        if MemberImport.objects.select_for_update().get(pk=job.pk).status == ImportStatus.SUCCEEDED:
            job.refresh_from_db()
            return job
        imported = create_members(parsed, actor=actor, placed_on=timezone.localdate())
        pause_point("members.import.created")
        do_record_audit(
            event="members.import",
            details={"count": imported},
            actor=actor,
            target=job,
            target_label=job.filename,
        )
        job.status = ImportStatus.SUCCEEDED
        job.imported_rows = imported
        job.processed_rows = len(sheet.raw)
        job.notes = _notes(sheet, parsed)
        job.message = _("%(count)d members imported.") % {"count": imported}
        job.finished_at = timezone.now()
        job.save()
    return job


def _branch_joined_on(member: Member) -> date | None:
    """The start of the member's current tenure, unless it was only estimated (exported blank,
    so that re-importing the sheet keeps it flagged)."""
    current = [t for t in member.tenures.all() if t.ended_on is None]
    return current[-1].started_on if current and not current[-1].started_on_estimated else None


def export_rows(members: Iterable[Member]) -> bytes:
    """The filtered list as a workbook with the template's columns (ID-card numbers masked)."""
    with translation.override("zh-hans"):
        rows = [
            [
                m.name, m.get_gender_display(), m.ethnicity, m.id_card_masked, m.get_education_display(), m.job,
                m.phone, m.employee_card_number, m.joined_on, m.confirmed_on, m.get_membership_display(),
                m.get_dues_category_display(), m.organization.name, _branch_joined_on(m),
            ]
            for m in members
        ]  # fmt: skip
    return workbook_bytes("党员信息", list(COLUMNS), rows)
