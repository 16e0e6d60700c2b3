"""Member spreadsheet import (all or nothing, per-row per-column errors) and export."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.models import User, stored_user
from partycloud.audit.services import do_record_audit
from partycloud.core.crypto import blind_index, encrypt
from partycloud.core.errors import ServiceError
from partycloud.core.spreadsheets import (
    RowErrors,
    SpreadsheetError,
    clean,
    error_report,
    parse_date,
    read_table,
    workbook_bytes,
)
from tenants.members.idcard import birth_date_of, id_card_problem, mask_id_card, normalize_id_card
from tenants.members.models import (
    COUNTED_STATUSES,
    DuesCategory,
    Education,
    Gender,
    ImportStatus,
    Member,
    MemberChange,
    MemberImport,
    Membership,
    MemberStatus,
    MemberTenure,
)
from tenants.members.services import _ID_CARD_MESSAGES, RETURNABLE_STATUSES, _sync_member_record, check_member
from tenants.organizations.models import Organization

# Column header → model field. The Chinese headers are what the template and exports use.
COLUMNS: dict[str, str] = {
    "姓名": "name",
    "性别": "gender",
    "民族": "ethnicity",
    "身份证号": "id_card_number",
    "学历": "education",
    "工作岗位": "job",
    "手机号": "phone",
    "员工卡号": "employee_card_number",
    "入党日期": "joined_on",
    "转正日期": "confirmed_on",
    "党员类别": "membership",
    "党费类别": "dues_category",
    "所在党组织": "organization",
    # Optional: blank means unknown, and the tenure then starts on 入党日期, flagged as estimated.
    "加入支部日期": "branch_joined_on",
}
REQUIRED = ("姓名", "性别", "身份证号", "入党日期", "党员类别", "党费类别", "所在党组织")
CHOICE_COLUMNS = {"性别": Gender, "学历": Education, "党员类别": Membership, "党费类别": DuesCategory}
OPTIONAL_COLUMNS = ("加入支部日期",)  # sheets made from the template before it was added still import
DATE_FIELDS = frozenset({"joined_on", "confirmed_on", "branch_joined_on"})
PROGRESS_EVERY = 200
TEMPLATE_NOTES = (
    "每行一名党员；带 * 的列必填：姓名、性别、身份证号、入党日期、党员类别、党费类别、所在党组织。",
    "日期可写作 2019-03-01、2019.03.01、2019/3/1 或 2019年3月1日。",
    "性别：男/女；党员类别：正式党员/预备党员；党费类别：在职/离退休/农民/学生/失业或领取救济。",
    "学历：研究生/大学本科/大学专科/中专或高中/初中及以下。",
    "所在党组织：填写组织名称；如有同名组织，请写完整路径，如 甲公司党委/第一党支部。",
    "加入支部日期：转入或加入现所在党组织的日期；不清楚可不填，系统按入党日期估算并在统计年报中提示核实。",
    "导入为“全部成功或全部不导入”：任何一行有错，都不会导入，并可下载标注了错误的表格修改后重新导入。",
)


def template_bytes() -> bytes:
    example = ["张卫国", "男", "汉族", "110101198506121234", "大学本科", "工程师", "13612345678", "E10001",
               "2015.07.01", "2016年7月1日", "正式党员", "在职", "第一党支部", "2018-03-01"]  # fmt: skip
    return workbook_bytes("党员信息", list(COLUMNS), [example], TEMPLATE_NOTES)


def _labels(choices: Any) -> dict[str, str]:
    """Chinese label (as the template shows it) → code; codes themselves are accepted too."""
    from django.utils import translation

    with translation.override("zh-hans"):
        mapping = {str(label): value for value, label in choices.choices}
    return mapping | {value: value for value in choices.values}


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


def _parse_row(row: dict[str, Any], number: int, errors: RowErrors, resolver: OrganizationResolver) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for header, field in COLUMNS.items():
        value = row.get(header)
        text = clean(value)
        if header in REQUIRED and not text:
            errors.add(number, header, _("Required."))
            continue
        if field in DATE_FIELDS:
            try:
                data[field] = parse_date(value)
            except ValueError:
                errors.add(number, header, _("Not a date: %(value)s") % {"value": text})
        elif header in CHOICE_COLUMNS:
            if text:
                mapping = _labels(CHOICE_COLUMNS[header])
                if text in mapping:
                    data[field] = mapping[text]
                else:
                    errors.add(
                        number,
                        header,
                        _("Choose one of: %(options)s") % {"options": "、".join(k for k in mapping if not k.isascii())},
                    )
        elif field == "organization":
            resolved = resolver.resolve(text)
            if isinstance(resolved, Organization):
                data[field] = resolved
            else:
                errors.add(number, header, resolved)
        elif field == "id_card_number":
            number_text = normalize_id_card(text)
            problem = id_card_problem(number_text)
            if problem:
                errors.add(number, header, _(_ID_CARD_MESSAGES[problem]))
            else:
                data[field] = number_text
                data["birth_date"] = birth_date_of(number_text)
        elif field == "phone":
            data[field] = "".join(ch for ch in text if ch.isdigit())
        else:
            data[field] = text
    if not data.get("ethnicity"):
        data["ethnicity"] = "汉族"
    check_branch_joined_on(data, number, errors)
    return data


def check_branch_joined_on(data: dict[str, Any], number: int, errors: RowErrors) -> None:
    """The branch was joined on or after joining the party, and not in the future."""
    branch_joined_on, joined_on = data.get("branch_joined_on"), data.get("joined_on")
    if branch_joined_on is None:
        return
    if joined_on is not None and branch_joined_on < joined_on:
        errors.add(number, "加入支部日期", _("The branch cannot have been joined before the party."))
    elif branch_joined_on > timezone.localdate():
        errors.add(number, "加入支部日期", _("The date cannot be in the future."))


_HEADER_FOR_FIELD = {field: header for header, field in COLUMNS.items()} | {"birth_date": "身份证号"}


def validate_rows(
    rows: list[tuple[int, dict[str, Any]]], progress: Callable[[int], None] = lambda done: None
) -> tuple[list[dict[str, Any]], RowErrors]:
    """Every row checked against the same rules as a single record, plus duplicates."""
    errors = RowErrors()
    resolver = OrganizationResolver()
    seen: dict[str, int] = {}
    existing = set(Member.objects.values_list("id_card_index", flat=True))
    # A returning member is received one by one, where the return is deliberate (ADR 0004).
    archived = set(Member.objects.filter(status__in=RETURNABLE_STATUSES).values_list("id_card_index", flat=True))
    parsed: list[dict[str, Any]] = []
    for position, (number, row) in enumerate(rows, start=1):
        data = _parse_row(row, number, errors, resolver)
        if number not in errors.by_row:
            try:
                check_member({**data, "status": MemberStatus.ACTIVE})
            except ServiceError as error:
                errors.add(number, _HEADER_FOR_FIELD.get(error.field or "", "姓名"), str(error.message))
        id_card = data.get("id_card_number")
        if id_card:
            index = blind_index(id_card)
            if index in archived:
                errors.add(
                    number,
                    "身份证号",
                    _(
                        "Recorded here earlier (transferred out or left the party): add this person on their own to restore the earlier record."
                    ),
                )
            elif index in existing:
                errors.add(number, "身份证号", _("Already recorded in this party committee."))
            elif index in seen:
                errors.add(number, "身份证号", _("Same ID-card number as row %(row)d.") % {"row": seen[index]})
            else:
                seen[index] = number
            data["id_card_index"] = index
        parsed.append(data)
        if position % PROGRESS_EVERY == 0:
            progress(position)
    return parsed, errors


@transaction.atomic
def create_members(parsed: list[dict[str, Any]], *, actor: Any, placed_on: date) -> int:
    """Insert validated rows in bulk: members, tenures, history, access index. A tenure starts
    on the day the member joined the branch, or, when the sheet does not say, on the day they
    joined the party, marked as estimated (``placed_on``, the import day, dates the history)."""
    phones = {data["phone"] for data in parsed if data.get("phone")}
    users = dict(User.objects.filter(phone__in=phones).values_list("phone", "pk"))
    members = []
    for data in parsed:
        number = data["id_card_number"]
        fields = {k: v for k, v in data.items() if k not in {"id_card_number", "id_card_index", "branch_joined_on"}}
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
    actor_ref = stored_user(actor)
    MemberChange.objects.bulk_create(
        [
            MemberChange(member=m, kind="created", effective_on=placed_on, actor=actor_ref, changes={"import": True})
            for m in created
        ],
        batch_size=1000,
    )
    for user_id in {m.user_id for m in created if m.user_id}:
        _sync_member_record(user_id)
    return len(created)


def _fail(job: MemberImport, message: str, **fields: Any) -> MemberImport:
    job.status = ImportStatus.FAILED
    job.message = message
    job.finished_at = timezone.now()
    for name, value in fields.items():
        setattr(job, name, value)
    job.save()
    return job


def run_import(job: MemberImport, *, actor: Any = None) -> MemberImport:
    """Validate everything, then import everything in one transaction — or nothing."""
    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status"])
    try:
        rows = read_table(
            bytes(job.content),
            job.filename,
            [h for h in COLUMNS if h not in OPTIONAL_COLUMNS],
            optional=list(OPTIONAL_COLUMNS),
        )
    except SpreadsheetError as error:
        reason = str(error)
        if reason.startswith("columns:"):
            return _fail(job, _("Missing columns: %(columns)s. Download the template.") % {"columns": reason[8:]})
        return _fail(job, _("This file cannot be read. Upload an .xlsx or .csv file made from the template."))
    job.total_rows = len(rows)
    job.save(update_fields=["total_rows"])
    if not rows:
        return _fail(job, _("The file has no rows to import."))

    def progress(done: int) -> None:
        MemberImport.objects.filter(pk=job.pk).update(processed_rows=done)

    parsed, errors = validate_rows(rows, progress)
    if errors:
        return _fail(
            job,
            _("%(rows)d rows have errors; nothing was imported. Download the report, fix and upload again.")
            % {"rows": len(errors.by_row)},
            error_count=errors.count(),
            errors=errors.as_list(),
            report=error_report(list(COLUMNS), rows, errors),
            processed_rows=len(rows),
        )
    imported = create_members(parsed, actor=actor, placed_on=timezone.localdate())
    do_record_audit(
        event="members.import", details={"count": imported}, actor=actor, target=job, target_label=job.filename
    )
    job.status = ImportStatus.SUCCEEDED
    job.imported_rows = imported
    job.processed_rows = len(rows)
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
    from django.utils import translation

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
