"""The group's task books (DOMAIN_RULES §11), public schema: templates of a year and their
indicators, publication and delivery to every subsidiary, progress, the group's settings, the
drill-down into a subsidiary's book, the group's review of top books, and the Excel export.

Delivery runs in each tenant's schema through ``tenants.assessment.taskbooks.do_receive_template``
(idempotent). A subsidiary onboarded after publication (or one that had no organization yet)
receives the current year's published template from the catch-up ``do_deliver_pending``: run on
every progress read and by the nightly beat task ``taskbooks.deliver_pending``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import stored_user
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import Conflict, NotFoundError, ServiceError
from partycloud.core.spreadsheets import HEADER_FILL
from partycloud.taskbooks.errors import GroupTaskBookCode
from partycloud.taskbooks.models import GroupAssessmentSettings, TaskBookTemplate, TemplateIndicator, TemplateStatus
from partycloud.tenancy.models import CommitteeStatus, PartyCommittee
from tenants.assessment import taskbooks as tenant_books
from tenants.assessment.models import TaskBook, TaskBookStatus
from tenants.assessment.scoring import ScoringError, check_weights

SCORE_FIELDS = ("final_score", "review_score", "self_score")


def parse_year(raw: Any) -> int:
    if raw in (None, ""):
        return timezone.localdate().year
    text = str(raw)
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise ServiceError(GroupTaskBookCode.BAD_YEAR, _("Choose a year between 2000 and 2100."), "year")
    return int(text)


# ------------------------------------------------------------------------------ templates


def templates() -> QuerySet[TaskBookTemplate]:
    return TaskBookTemplate.objects.prefetch_related("indicators").order_by("-year")


def template_for(template_id: int) -> TaskBookTemplate:
    template = TaskBookTemplate.objects.filter(pk=template_id).first()
    if template is None:
        raise NotFoundError(GroupTaskBookCode.TEMPLATE_NOT_FOUND, _("No such task-book template."))
    return template


def indicator_for(template: TaskBookTemplate, indicator_id: int) -> TemplateIndicator:
    indicator = template.indicators.filter(pk=indicator_id).first()
    if indicator is None:
        raise NotFoundError(GroupTaskBookCode.INDICATOR_NOT_FOUND, _("No such indicator in this template."))
    indicator.template = template
    return indicator


def _row(template: TaskBookTemplate, indicators: Sequence[TemplateIndicator]) -> dict[str, Any]:
    return {
        "id": template.pk,
        "year": template.year,
        "title": template.title,
        "status": template.status,
        "version": template.version,
        "indicator_limit": template.indicator_limit,
        "submit_by": template.submit_by,
        "published_at": template.published_at,
        "indicator_count": len(indicators),
        "weight_total": sum((indicator.weight for indicator in indicators), Decimal(0)),
        "created_at": template.created_at,
        "updated_at": template.updated_at,
    }


def template_rows(page: Sequence[TaskBookTemplate]) -> list[dict[str, Any]]:
    return [_row(template, list(template.indicators.all())) for template in page]


def _indicator_row(indicator: TemplateIndicator) -> dict[str, Any]:
    return {
        "id": indicator.pk,
        **{name: getattr(indicator, name) for name in tenant_books.DEFINITION_FIELDS},
        "levels": [
            {"label": lv.get("label", ""), "fraction": str(lv.get("fraction", "0"))} for lv in indicator.levels or ()
        ],
    }


def template_payload(template: TaskBookTemplate) -> dict[str, Any]:
    template.refresh_from_db()
    indicators = list(template.indicators.order_by("position", "id"))
    row = _row(template, indicators)
    return {
        **row,
        "warnings": tenant_books.warnings_for(len(indicators), template.indicator_limit, row["weight_total"]),
        "indicators": [_indicator_row(indicator) for indicator in indicators],
    }


def do_create_template(*, actor: Actor, year: int, title: str, **fields: Any) -> TaskBookTemplate:
    if TaskBookTemplate.objects.filter(year=year).exists():
        raise Conflict(GroupTaskBookCode.YEAR_TAKEN, _("A template for this year already exists."), "year")
    return TaskBookTemplate.objects.create(year=year, title=title.strip(), created_by=stored_user(actor), **fields)


def do_update_template(template: TaskBookTemplate, *, actor: Actor, **fields: Any) -> TaskBookTemplate:
    for name, value in fields.items():
        setattr(template, name, value.strip() if isinstance(value, str) else value)
    template.save()
    return template


def do_delete_template(template: TaskBookTemplate, *, actor: Actor) -> None:
    if template.version > 0 or template.status != TemplateStatus.DRAFT:
        raise Conflict(GroupTaskBookCode.NOT_DRAFT, _("A published template cannot be deleted."))
    template.delete()


def _apply(indicator: TemplateIndicator, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name == "levels":
            value = [{"label": level["label"], "fraction": str(level["fraction"])} for level in value]
        setattr(indicator, name, value)
    tenant_books.check_indicator_rule(indicator, GroupTaskBookCode.BAD_RULE)


@transaction.atomic
def do_add_indicator(template: TaskBookTemplate, *, actor: Actor, **fields: Any) -> TemplateIndicator:
    position = (template.indicators.aggregate(top=Max("position"))["top"] or 0) + 1
    indicator = TemplateIndicator(template=template, position=position)
    _apply(indicator, fields)
    indicator.save()
    template.save(update_fields=["updated_at"])
    return indicator


@transaction.atomic
def do_update_indicator(indicator: TemplateIndicator, *, actor: Actor, **fields: Any) -> TemplateIndicator:
    _apply(indicator, fields)
    indicator.save()
    indicator.template.save(update_fields=["updated_at"])
    return indicator


@transaction.atomic
def do_delete_indicator(indicator: TemplateIndicator, *, actor: Actor) -> None:
    template = indicator.template
    indicator.delete()
    template.save(update_fields=["updated_at"])


@transaction.atomic
def do_reorder(template: TaskBookTemplate, *, actor: Actor, ids: list[int]) -> None:
    indicators = {indicator.pk: indicator for indicator in template.indicators.all()}
    if sorted(ids) != sorted(indicators) or len(set(ids)) != len(ids):
        raise ServiceError(GroupTaskBookCode.BAD_ORDER, _("List every indicator of the template exactly once."), "ids")
    for position, indicator_id in enumerate(ids, start=1):
        indicators[indicator_id].position = position
    TemplateIndicator.objects.bulk_update(indicators.values(), ["position"])
    template.save(update_fields=["updated_at"])


# ------------------------------------------------------------------------------ publication and delivery


def _copy(template: TaskBookTemplate) -> tenant_books.TemplateCopy:
    return tenant_books.TemplateCopy(
        template_id=template.pk, version=template.version, year=template.year, title=template.title,
        indicator_limit=template.indicator_limit,
        indicators=[{"id": i.pk, **{name: getattr(i, name) for name in tenant_books.DEFINITION_FIELDS}}
                    for i in template.indicators.order_by("position", "id")],
    )  # fmt: skip


def active_tenants() -> list[PartyCommittee]:
    return list(PartyCommittee.objects.active().order_by("name", "id"))


def deliver(template: TaskBookTemplate, tenants: Sequence[PartyCommittee] | None = None) -> dict[str, int]:
    """Deliver the published template to each tenant (in its schema); how many got what."""
    copy = _copy(template)
    counts = {"delivered": 0, "updated": 0, "unchanged": 0}
    for tenant in active_tenants() if tenants is None else tenants:
        with tenant:
            outcome = tenant_books.do_receive_template(copy)
        counts[outcome if outcome in counts else "unchanged"] += 1
    return counts


def do_publish(template: TaskBookTemplate, *, actor: Actor) -> dict[str, Any]:
    """Publish: weights must sum to exactly 100 (more indicators than the limit only warns);
    version + 1; deliver a copy to every active subsidiary (idempotent: a tenant's book is created
    once, and a book not yet submitted is brought to the new version)."""
    with transaction.atomic():
        template = TaskBookTemplate.objects.select_for_update().get(pk=template.pk)
        indicators = list(template.indicators.all())
        if not indicators:
            raise ServiceError(GroupTaskBookCode.NO_INDICATORS, _("Add at least one indicator before publishing."))
        for indicator in indicators:
            tenant_books.check_indicator_rule(indicator, GroupTaskBookCode.BAD_RULE)
        try:
            check_weights(indicator.weight for indicator in indicators)
        except ScoringError:
            raise ServiceError(
                GroupTaskBookCode.WEIGHTS_NOT_100,
                _("The indicators' weights must sum to exactly 100 to publish."),
                "weight",
            ) from None
        template.version += 1
        template.status = TemplateStatus.PUBLISHED
        template.published_at = timezone.now()
        template.save(update_fields=["version", "status", "published_at", "updated_at"])
        do_record_audit(
            event="taskbooks.template.publish", actor=actor, target=template, target_label=template.title,
            details={"year": template.year, "version": template.version},
        )  # fmt: skip
    counts = deliver(template)
    return {"template": template_payload(template), **counts}


def published_template(year: int) -> TaskBookTemplate | None:
    return TaskBookTemplate.objects.filter(year=year, status=TemplateStatus.PUBLISHED, version__gt=0).first()


def do_deliver_pending(year: int | None = None) -> dict[str, int]:
    """The catch-up: every active subsidiary without the year's published template receives it
    (a subsidiary onboarded after publication, or one that had no organization yet)."""
    template = published_template(year or timezone.localdate().year)
    if template is None:
        return {"delivered": 0, "updated": 0, "unchanged": 0}
    return deliver(template)


# ------------------------------------------------------------------------------ progress and settings


def settings_row() -> GroupAssessmentSettings:
    found = GroupAssessmentSettings.objects.order_by("pk").first()
    return found or GroupAssessmentSettings.objects.create()


def settings_payload() -> dict[str, Any]:
    return {"rankings_enabled": settings_row().rankings_enabled}


def do_update_settings(*, actor: Actor, rankings_enabled: bool | None = None) -> dict[str, Any]:
    found = settings_row()
    if rankings_enabled is not None and rankings_enabled != found.rankings_enabled:
        found.rankings_enabled = rankings_enabled
        found.save()
        do_record_audit(
            event="taskbooks.settings.change", actor=actor, target=found, target_label="task books",
            details={"rankings_enabled": rankings_enabled},
        )  # fmt: skip
    return settings_payload()


def _score_of(row: dict[str, Any]) -> Decimal | None:
    for name in SCORE_FIELDS:
        if row[name] is not None:
            return Decimal(row[name])
    return None


def progress(year: int) -> dict[str, Any]:
    """Per subsidiary: its top book's status, scores, times and counts (or not received). With
    rankings on: sorted by score (final, else review, else self) with a rank (ties share it)."""
    template = published_template(year) or TaskBookTemplate.objects.filter(year=year).first()
    rankings = settings_row().rankings_enabled
    copy = _copy(template) if template is not None and template.version > 0 else None
    rows = []
    for tenant in active_tenants():
        with tenant:
            if copy is not None:
                tenant_books.do_receive_template(copy)  # the catch-up (idempotent)
            book = tenant_books.top_book(year, template.pk if template is not None else None)
            rows.append(_progress_row(tenant, book))
    if rankings:
        rows.sort(key=lambda row: (_score_of(row) is None, -(_score_of(row) or 0), row["tenant_name"]))
        rank, previous = 0, None
        for index, row in enumerate(rows, start=1):
            score = _score_of(row)
            if score is None:
                continue
            if score != previous:
                rank, previous = index, score
            row["rank"] = rank
    return {
        "year": year,
        "template": None
        if template is None
        else {
            "id": template.pk,
            "title": template.title,
            "status": template.status,
            "version": template.version,
            "published_at": template.published_at,
        },
        "rankings_enabled": rankings,
        "tenants": rows,
    }


def _progress_row(tenant: PartyCommittee, book: TaskBook | None) -> dict[str, Any]:
    return {
        "tenant_id": tenant.pk,
        "tenant_name": tenant.short_name or tenant.name,
        "received": book is not None,
        "book_id": book.pk if book else None,
        "status": book.status if book else "not_received",
        "template_version": book.template_version if book else None,
        "self_score": book.self_score if book else None,
        "review_score": book.review_score if book else None,
        "final_score": book.final_score if book else None,
        "submitted_at": book.submitted_at if book else None,
        "approved_at": book.approved_at if book else None,
        "indicator_count": getattr(book, "indicator_count", 0) if book else 0,
        "evidence_count": getattr(book, "evidence_count", 0) if book else 0,
        "rank": None,
    }


# ------------------------------------------------------------------------------ drill-down and review


def _tenant(tenant_id: int) -> PartyCommittee:
    tenant = PartyCommittee.objects.filter(
        pk=tenant_id, kind="subsidiary", status__in=[CommitteeStatus.ACTIVE, CommitteeStatus.SUSPENDED]
    ).first()
    if tenant is None:
        raise NotFoundError(GroupTaskBookCode.TENANT_UNKNOWN, _("No such subsidiary."))
    return tenant


def _top_book(book_id: int) -> TaskBook:
    book = TaskBook.objects.select_related("organization").filter(pk=book_id, parent__isnull=True).first()
    if book is None:
        raise NotFoundError(GroupTaskBookCode.NO_BOOK, _("This subsidiary has not received a task book for that year."))
    return book


def tenant_book(tenant_id: int, book_id: int, *, actor: Actor) -> dict[str, Any]:
    """A subsidiary's top book in full (read in its schema; audited)."""
    tenant = _tenant(tenant_id)
    reviewer = tenant_books.Reviewer.for_group(actor)
    with tenant:
        book = _top_book(book_id)
        body = tenant_books.book_payload(book, actor, reviewer=reviewer)
    do_record_audit(
        event="drilldown.taskbooks.book", actor=actor, target_type="assessment.taskbook",
        target_id=f"{tenant.schema_name}:{book_id}", target_label=tenant.short_name or tenant.name,
        tenant_id=tenant.pk, details={"year": body["year"], "book": book_id},
    )  # fmt: skip
    return body


def _group_step(tenant_id: int, book_id: int, actor: Actor, step: Any, **kwargs: Any) -> dict[str, Any]:
    tenant = _tenant(tenant_id)
    reviewer = tenant_books.Reviewer.for_group(actor)
    with tenant:
        book = step(_top_book(book_id), reviewer=reviewer, **kwargs)
        return tenant_books.book_payload(book, actor, reviewer=reviewer)


def do_review(
    tenant_id: int, book_id: int, *, actor: Actor, items: Sequence[dict[str, Any]], comment: str | None
) -> dict[str, Any]:
    return _group_step(tenant_id, book_id, actor, tenant_books.do_review, items=items, comment=comment)


def do_return(tenant_id: int, book_id: int, *, actor: Actor, reason: str) -> dict[str, Any]:
    return _group_step(tenant_id, book_id, actor, tenant_books.do_return, reason=reason)


def do_approve(tenant_id: int, book_id: int, *, actor: Actor, comment: str | None) -> dict[str, Any]:
    return _group_step(tenant_id, book_id, actor, tenant_books.do_approve, comment=comment)


def do_reopen(tenant_id: int, book_id: int, *, actor: Actor, reason: str) -> dict[str, Any]:
    return _group_step(tenant_id, book_id, actor, tenant_books.do_reopen, reason=reason, audit_tenant_id=tenant_id)


# ------------------------------------------------------------------------------ export

PROGRESS_HEADERS = ["单位", "状态", "自评分", "审核分", "最终得分", "提交时间", "通过时间", "指标数", "佐证数", "排名"]
BREAKDOWN_HEADERS = [
    "领域",
    "指标",
    "权重",
    "评分方式",
    "自评值",
    "自评分",
    "平台数据",
    "审核值",
    "审核分",
    "审核意见",
    "佐证数",
]
STATUS_LABELS = {
    "not_received": "未收到",
    TaskBookStatus.DRAFT: "草稿",
    TaskBookStatus.ISSUED: "已下达",
    TaskBookStatus.SUBMITTED: "已提交",
    TaskBookStatus.RETURNED: "已退回",
    TaskBookStatus.REVIEWED: "已审核",
    TaskBookStatus.APPROVED: "已通过",
}


def _num(value: Any) -> Any:
    return float(value) if value is not None else None


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _value_text(value: dict[str, Any] | None, levels: Sequence[dict[str, Any]]) -> str:
    if value is None:
        return ""
    if "done" in value:
        return "完成" if value["done"] else "未完成"
    if "level" in value:
        index = value["level"]
        return str(levels[index]["label"]) if isinstance(index, int) and 0 <= index < len(levels) else str(index)
    return str(value.get("count", ""))


def _breakdown(tenant: PartyCommittee, book_id: int | None) -> list[list[Any]]:
    if book_id is None:
        return []
    with tenant:
        book = TaskBook.objects.filter(pk=book_id).first()
        if book is None:
            return []
        rows = []
        for indicator in book.indicators.prefetch_related("evidence"):
            figure = indicator.measured or {}
            rows.append(
                [indicator.area, indicator.title, _num(indicator.weight), indicator.scoring,
                 _value_text(indicator.self_value, indicator.levels), _num(indicator.self_score),
                 figure.get("value", ""), _value_text(indicator.review_value, indicator.levels),
                 _num(indicator.review_score), indicator.review_comment, len(indicator.evidence.all())]
            )  # fmt: skip
        return rows


def _sheet(
    workbook: Workbook, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], *, first: bool = False
) -> None:
    sheet = workbook.active if first else workbook.create_sheet()
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append(list(row))


def export(year: int, layout: str, *, actor: Actor) -> tuple[bytes, str]:
    """The progress sheet (the same rows as ``progress``) and the indicator breakdown: one sheet per
    subsidiary (``sheets``) or one long sheet (``long``). Audited."""
    if layout not in ("sheets", "long"):
        raise ServiceError(GroupTaskBookCode.BAD_LAYOUT, _("The export layout is sheets or long."), "layout")
    data = progress(year)
    tenants = {tenant.pk: tenant for tenant in active_tenants()}
    workbook = Workbook()
    progress_rows = [
        [row["tenant_name"], STATUS_LABELS.get(row["status"], row["status"]), _num(row["self_score"]),
         _num(row["review_score"]), _num(row["final_score"]), _when(row["submitted_at"]), _when(row["approved_at"]),
         row["indicator_count"], row["evidence_count"], row["rank"] if data["rankings_enabled"] else None]
        for row in data["tenants"]
    ]  # fmt: skip
    _sheet(workbook, "进度", PROGRESS_HEADERS, progress_rows, first=True)
    long_rows: list[list[Any]] = []
    for row in data["tenants"]:
        breakdown = _breakdown(tenants[row["tenant_id"]], row["book_id"])
        if layout == "sheets":
            _sheet(workbook, f"{len(workbook.sheetnames)}-{row['tenant_name']}", BREAKDOWN_HEADERS, breakdown)
        else:
            long_rows.extend([row["tenant_name"], *line] for line in breakdown)
    if layout == "long":
        _sheet(workbook, "指标明细", ["单位", *BREAKDOWN_HEADERS], long_rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    title = f"工作任务书-{year}"
    do_record_audit(
        event="taskbooks.export", actor=actor, target_type="taskbooks.progress", target_label=title,
        details={"year": year, "layout": layout, "count": len(data["tenants"])},
    )  # fmt: skip
    return buffer.getvalue(), f"{title}.xlsx"
