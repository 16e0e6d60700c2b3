"""Demo task books: the group's template for this year, published to every subsidiary, and the
subsidiaries at three stages (the first submitted its self-assessment, the second is filling it
in, the third was reviewed and approved by the group), so the group's progress page, the
drill-down and the console's book all show something on first start."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from partycloud.taskbooks.models import TaskBookTemplate
from partycloud.taskbooks.services import do_add_indicator, do_approve, do_create_template, do_publish, do_review
from partycloud.tenancy.models import PartyCommittee
from tenants.assessment.models import Indicator, TaskBook
from tenants.assessment.taskbooks import do_add_evidence, do_self_assess, do_submit

# area, title, weight, scoring, levels / target, evidence required, evidence source
INDICATORS: list[tuple[str, str, int, str, Any, str, str]] = [
    ("政治建设", "理论学习中心组学习", 15, "count", 12, "学习记录、研讨材料", "manual"),
    ("组织建设", "“三会一课”按规定开展", 25, "graded", None, "会议记录（平台自动统计）", "meetings_held"),
    ("组织建设", "党费按时足额收缴", 15, "graded", None, "党费台账（平台自动统计）", "dues_on_time"),
    ("组织建设", "发展党员按程序按时限推进", 10, "binary", None, "发展纪实（平台自动统计）", "development_on_schedule"),
    ("思想建设", "党员学习参与", 15, "graded", None, "学习记录（平台自动统计）", "study_participation"),
    ("作风建设", "落实为基层减负要求", 20, "binary", None, "自查报告", "manual"),
]
LEVELS = [
    {"label": "好", "fraction": "1"},
    {"label": "较好", "fraction": "0.8"},
    {"label": "一般", "fraction": "0.6"},
    {"label": "差", "fraction": "0"},
]


def _self_values(book: TaskBook, level: int) -> list[dict[str, Any]]:
    values = []
    for indicator in book.indicators.order_by("position"):
        value: dict[str, Any]
        if indicator.scoring == "count":
            value = {"count": 12 - level * 2}
        elif indicator.scoring == "graded":
            value = {"level": level}
        else:
            value = {"done": True}
        values.append({"id": indicator.pk, "value": value, "note": "按年度计划完成。"})
    return values


def seed_taskbooks(admin: User, tenants: list[tuple[PartyCommittee, User]], today: date) -> TaskBookTemplate:
    """``tenants``: each subsidiary with its tenant admin, in the demo's order. Seeded once."""
    existing = TaskBookTemplate.objects.filter(year=today.year).first()
    if existing is not None:
        return existing
    group = Actor.for_user(admin)
    template = do_create_template(
        actor=group, year=today.year, title=f"{today.year}年度基层党建工作任务书", indicator_limit=10,
        submit_by=date(today.year, 12, 25),
    )  # fmt: skip
    for area, title, weight, scoring, extra, evidence, source in INDICATORS:
        do_add_indicator(
            template, actor=group, area=area, title=title, weight=Decimal(weight), scoring=scoring,
            levels=LEVELS if scoring == "graded" else [], target=extra if scoring == "count" else None,
            evidence_required=evidence, evidence_source=source, deadline=date(today.year, 12, 20),
        )  # fmt: skip
    do_publish(template, actor=group)
    for position, (tenant, tenant_admin) in enumerate(tenants):
        with tenant:
            book = TaskBook.objects.get(template_id=template.pk, year=today.year)
            unit = Actor.for_user(tenant_admin)
            first = book.indicators.order_by("position").first()
            assert first is not None
            do_add_evidence(first, actor=unit, note="全年组织中心组学习12次，研讨材料已归档。")
            do_self_assess(book, actor=unit, items=_self_values(book, position % 2))
            if position == 1:
                continue  # still filling in
            do_submit(book, actor=unit)
            book_id = book.pk
            reviewed = [
                {"id": i.pk, "value": i.self_value, "comment": "佐证充分。"}
                for i in Indicator.objects.filter(book=book)
            ]
        if position == 2:
            do_review(tenant.pk, book_id, actor=group, items=reviewed, comment="完成情况良好。")
            do_approve(tenant.pk, book_id, actor=group, comment=None)
    return template
