"""The annual report's tables and cross-table checks, for one tenant or for the group.

``tenant_report(day)`` runs in the active tenant schema (a tenant host). ``group_report(day)``
runs on the root: it reads each active or suspended tenant in its own schema (``with tenant:``)
and adds a total row that is the sum of the tenant rows. Both return an ``AnnualReport`` whose
``as_json()`` is the API body and which ``workbook.report_workbook`` writes as Excel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.core.dates import add_years
from partycloud.core.errors import NotFoundError, ServiceError
from partycloud.statistics.definitions import (
    AGE_BANDS,
    EDUCATION_COLUMNS,
    ENTRY_REASONS,
    EXIT_REASONS,
    GRADES,
    JOIN_PERIODS,
    OCCUPATIONS,
    TOP_MINORITIES,
    UNCLASSIFIED_OCCUPATION,
)
from partycloud.statistics.errors import StatisticsCode
from partycloud.statistics.figures import WHOLE_TABLE, Figures, Named, add_figures, tenant_figures
from partycloud.tenancy.context import active_tenant
from partycloud.tenancy.models import CommitteeKind, CommitteeStatus, PartyCommittee

TOTAL_LABEL = "合计"
UNRECORDED = "未录入"  # a figure the records cannot give: never shown as 0
NO_EVALUATION_NOTE = "暂无数据：民主评议结果尚未在系统中录入，各等次显示为“未录入”。"
REPORTED_STATUSES = (CommitteeStatus.ACTIVE, CommitteeStatus.SUSPENDED)  # archived tenants are not reported


# --------------------------------------------------------------------------- dates


def year_earlier(day: date) -> date:
    """The previous snapshot: the same day one year earlier (29 February → 28 February)."""
    return add_years(day, -1)


def default_snapshot(today: date | None = None) -> date:
    """The last 31 December that is over."""
    return date((today or timezone.localdate()).year - 1, 12, 31)


def parse_snapshot(raw: str | None, today: date | None = None) -> date:
    today = today or timezone.localdate()
    if not raw:
        return default_snapshot(today)
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        raise ServiceError(StatisticsCode.BAD_DATE, _("Use a date like 2025-12-31."), "date") from None
    if day > today:
        raise ServiceError(StatisticsCode.FUTURE_DATE, _("The snapshot date cannot be in the future."), "date")
    return day


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    group: str = ""
    kind: str = "count"  # count, percent (not summed), label


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    note: str = ""

    @property
    def sheet_name(self) -> str:
        return self.title[:31]


@dataclass(frozen=True)
class Check:
    """One line of the 校验 sheet. A ``check`` is a rule the figures must obey; a ``warning``
    names records whose dates are estimated or missing (it passes when there are none). A line
    with a figure that is not recorded can be neither passed nor failed."""

    unit: str
    table: str
    description: str
    left: int | None
    right: int | None
    relation: str = "="  # "=", "≤", or "⇒" (left > 0 implies right > 0)
    level: str = "check"  # check or warning
    detail: str = ""  # the records concerned, by name

    @property
    def result(self) -> str:
        if self.left is None or self.right is None:
            return "unrecorded"
        if self.relation == "=":
            holds = self.left == self.right
        elif self.relation == "≤":
            holds = self.left <= self.right
        else:
            holds = self.left == 0 or self.right > 0
        if holds:
            return "passed"
        return "warning" if self.level == "warning" else "failed"

    @property
    def ok(self) -> bool:
        return self.result == "passed"

    @property
    def name(self) -> str:
        return f"{self.unit}：{self.description}"


RESULT_TITLES = {"passed": "通过", "failed": "不通过", "warning": "警告", "unrecorded": UNRECORDED}


@dataclass
class Unit:
    """A row of the report: a tenant, or the group total."""

    label: str
    tenant_id: int | None
    figures: Figures


@dataclass
class AnnualReport:
    day: date
    start: date
    scope: str  # "tenant" (a tenant host) or "group" (the root host)
    title: str
    tenant: PartyCommittee | None
    tables: list[Table] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every line passed: no failed check, no warning, nothing that could not be checked."""
        return all(check.ok for check in self.checks)

    @property
    def status(self) -> str:
        """failed (a check does not hold), warnings (a warning, or figures not recorded) or ok."""
        results = {check.result for check in self.checks}
        return "failed" if "failed" in results else ("ok" if results <= {"passed"} else "warnings")

    @property
    def period(self) -> str:
        return period_text(self.start, self.day)

    @property
    def summary(self) -> str:
        """The sentence at the top of the report (screen and workbook); empty when all is well."""
        failed = sum(1 for check in self.checks if check.result == "failed")
        warned = sum(1 for check in self.checks if check.result == "warning")
        unrecorded = sum(1 for check in self.checks if check.result == "unrecorded")
        parts = [f"{failed}项核对不通过"] if failed else []
        parts += [f"{warned}项警告（日期缺失或为估算，见“校验”表）"] if warned else []
        parts += [f"{unrecorded}项因数据未录入无法核对"] if unrecorded else []
        return f"注意：本年报有{'，'.join(parts)}，请核实后再上报。" if parts else ""

    @property
    def filename(self) -> str:
        return f"{self.title}.xlsx"

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "start_date": self.start.isoformat(),
            "period": self.period,
            "scope": self.scope,
            "title": self.title,
            "tenant": None
            if self.tenant is None
            else {
                "id": self.tenant.pk,
                "name": self.tenant.name,
                "slug": self.tenant.slug,
                "records_baseline_on": _iso(self.tenant.records_baseline_on),
            },
            "tables": [
                {
                    "key": table.key,
                    "title": table.title,
                    "note": table.note,
                    "columns": [
                        {"key": c.key, "title": c.title, "group": c.group, "kind": c.kind} for c in table.columns
                    ],
                    "rows": table.rows,
                }
                for table in self.tables
            ],
            "checks": [
                {
                    "name": check.name,
                    "unit": check.unit,
                    "table": check.table,
                    "left": check.left,
                    "relation": check.relation,
                    "right": check.right,
                    "ok": check.ok,
                    "level": check.level,
                    "result": check.result,
                    "detail": check.detail,
                }
                for check in self.checks
            ],
            "ok": self.ok,
            "status": self.status,
            "summary": self.summary,
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# --------------------------------------------------------------------------- columns


def _unit_column(title: str = "单位") -> Column:
    return Column("unit", title, kind="label")


def _age_columns(group: str) -> list[Column]:
    return [Column(band.key, band.title, group) for band in AGE_BANDS]


def _education_columns() -> list[Column]:
    return [Column(key, title, "学历") for key, title, _value in EDUCATION_COLUMNS]


def members_columns() -> list[Column]:
    return [
        _unit_column(),
        Column("start_total", "上年末党员数", "上年末"),
        Column("start_full", "上年末正式党员", "上年末"),
        Column("start_probationary", "上年末预备党员", "上年末"),
        *(Column(f"in_{key}", title, "本年增加") for key, title in ENTRY_REASONS),
        Column("in_total", "增加合计", "本年增加"),
        *(Column(f"out_{key}", title, "本年减少") for key, title in EXIT_REASONS),
        Column("out_total", "减少合计", "本年减少"),
        Column("end_total", "本年末党员数", "本年末"),
        Column("end_full", "本年末正式党员", "本年末"),
        Column("end_probationary", "本年末预备党员", "本年末"),
    ]


def profile_columns(minorities: Sequence[str]) -> list[Column]:
    return [
        _unit_column(),
        Column("total", "党员总数"),
        Column("male", "男", "性别"),
        Column("female", "女", "性别"),
        Column("female_share", "女性占比（%）", "性别", kind="percent"),
        Column("han", "汉族", "民族"),
        Column("minority", "少数民族", "民族"),
        *(Column(f"minority:{name}", f"其中：{name}", "民族") for name in minorities),
        Column("minority_other", "其中：其他少数民族", "民族"),
        Column("ethnicity_unknown", "民族未填写", "民族"),
        *_age_columns("年龄"),
        *_education_columns(),
        *(Column(o.key, o.title, "职业") for o in OCCUPATIONS),
        Column(UNCLASSIFIED_OCCUPATION[0], UNCLASSIFIED_OCCUPATION[1], "职业"),
    ]


def join_period_columns() -> list[Column]:
    return [
        _unit_column(),
        Column("total", "党员总数"),
        *(Column(period.key, period.title, period.era) for period in JOIN_PERIODS),
    ]


def development_columns(unit_title: str) -> list[Column]:
    return [
        _unit_column(unit_title),
        Column("developed", "发展党员数"),
        Column("male", "男", "性别"),
        Column("female", "女", "性别"),
        *_age_columns("年龄（审批时）"),
        *_education_columns(),
        Column("confirmed", "转正党员数"),
    ]


def organization_columns() -> list[Column]:
    return [
        _unit_column(),
        Column("committees", "党委", "基层党组织"),
        Column("general_branches", "党总支", "基层党组织"),
        Column("branches", "党支部", "基层党组织"),
        Column("total", "基层党组织合计", "基层党组织"),
        Column("branches_with_committee", "设支部委员会", "党支部中"),
        Column("branches_without_committee", "未设支部委员会", "党支部中"),
        Column("party_groups", "党小组"),
    ]


def evaluation_columns() -> list[Column]:
    return [_unit_column(), *(Column(key, title, "评议等次") for key, title in GRADES), Column("total", "合计")]


def leaving_columns() -> list[Column]:
    return [
        _unit_column(),
        *(Column(key, title, "减少原因") for key, title in EXIT_REASONS),
        Column("total", "减少合计"),
        Column("full", "正式党员", "其中"),
        Column("probationary", "预备党员", "其中"),
    ]


# --------------------------------------------------------------------------- rows


def percent(part: int, whole: int) -> float | None:
    """A share in percent with one decimal, rounded half up as the official tables are."""
    if not whole:
        return None
    return float((Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def top_minorities(figures: Figures) -> list[str]:
    ranked = sorted(figures.minorities.items(), key=lambda item: (-item[1], item[0]))
    return [name for name, count in ranked[:TOP_MINORITIES] if count > 0]


def _profile_values(figures: Figures, minorities: Sequence[str]) -> dict[str, Any]:
    values: dict[str, Any] = dict(figures.tables["profile"])
    total = values["total"]
    values["female_share"] = percent(values["female"], total)
    named = 0
    for name in minorities:
        values[f"minority:{name}"] = figures.minorities.get(name, 0)
        named += values[f"minority:{name}"]
    values["minority_other"] = values["minority"] - named
    return values


def _row(
    unit: Unit | tuple[str, None], columns: list[Column], values: dict[str, Any], unrecorded: set[str] | None = None
) -> dict[str, Any]:
    """A table row; a column that is not recorded (or the whole table, ``WHOLE_TABLE``) is None."""
    label, tenant_id = (unit.label, unit.tenant_id) if isinstance(unit, Unit) else unit
    blank = unrecorded or set()
    row: dict[str, Any] = {"unit": label, "tenant": tenant_id}
    for column in columns:
        if column.kind != "label":
            row[column.key] = None if WHOLE_TABLE in blank or column.key in blank else values.get(column.key, 0)
    return row


def build_tables(units: list[Unit], total: Unit | None, scope: str) -> list[Table]:
    """The seven tables: a row per unit, then the total row (group), or per approving committee
    for table 4 of a tenant."""
    everyone = [*units, *([total] if total else [])]
    minorities = top_minorities(total.figures if total else units[0].figures)

    def simple(key: str, title: str, columns: list[Column], values: Callable[[Figures], dict[str, Any]]) -> Table:
        rows = [_row(unit, columns, values(unit.figures), unit.figures.unrecorded_keys(key)) for unit in everyone]
        return Table(key, title, columns, rows)

    tables = [
        simple("members", "表1 党员数量及变动情况", members_columns(), lambda f: f.tables["members"]),
        simple("profile", "表2 党员构成情况", profile_columns(minorities), lambda f: _profile_values(f, minorities)),
        simple("join_periods", "表3 党员入党时间情况", join_period_columns(), lambda f: f.tables["join_periods"]),
    ]
    if scope == "tenant":
        columns = development_columns("审批党委")
        only = units[0].figures
        blank = only.unrecorded_keys("development")
        rows = [_row((c.name, None), columns, c.values, blank) for c in only.committees]
        rows.append(_row((TOTAL_LABEL, None), columns, only.tables["development"], blank))
        tables.append(Table("development", "表4 发展党员情况", columns, rows))
    else:
        tables.append(
            simple("development", "表4 发展党员情况", development_columns("单位"), lambda f: f.tables["development"])
        )
    tables += [
        simple("organizations", "表5 党组织情况", organization_columns(), lambda f: f.tables["organizations"]),
        simple("evaluation", "表6 民主评议党员情况", evaluation_columns(), lambda f: f.tables["evaluation"]),
        simple("leaving", "表7 党员减少情况", leaving_columns(), lambda f: f.tables["leaving"]),
    ]
    if not any(unit.figures.evaluation_recorded for unit in everyone):
        next(table for table in tables if table.key == "evaluation").note = NO_EVALUATION_NOTE
    next(table for table in tables if table.key == "members").note = members_note(units, scope)
    return tables


def members_note(units: list[Unit], scope: str) -> str:
    """Table 1's note: each unit's baseline, and the units without member records by then (named
    once, not a sentence each)."""
    empty = [u.label for u in units if ("members", WHOLE_TABLE) in u.figures.unrecorded and u.figures.baseline is None]
    notes = [note for unit in units if (note := baseline_note(unit, scope))]
    if empty:
        who = "" if scope == "tenant" else f"{'、'.join(empty)}："
        notes.append(f"{who}统计时点前尚无党员记录，数据未录入")
    return "；".join(notes)


def baseline_note(unit: Unit, scope: str) -> str:
    """How table 1 reads in the year of the records baseline, or before it."""
    figures = unit.figures
    who = "" if scope == "tenant" else f"{unit.label}："
    if figures.opening_on is not None:
        opening = figures.tables["members"]
        return (
            f"{who}档案基准日为{chinese_date(figures.opening_on)}，此前的党员数及增减未录入；"
            f"基准日在册党员{opening['opening_total']}人（正式{opening['opening_full']}人、"
            f"预备{opening['opening_probationary']}人）为期初数，本年增减自基准日次日起计"
        )
    if ("members", WHOLE_TABLE) in figures.unrecorded and figures.baseline is not None:
        return f"{who}统计时点早于档案基准日（{chinese_date(figures.baseline)}），数据未录入"
    return ""


# --------------------------------------------------------------------------- checks


class Recorded(dict[str, int | None]):
    """One table's values of a unit, None where not recorded."""

    @classmethod
    def of(cls, figures: Figures, table: str) -> Recorded:
        values = figures.tables[table]
        blank = figures.unrecorded_keys(table)
        return cls({key: None if WHOLE_TABLE in blank or key in blank else value for key, value in values.items()})


def _sum(values: dict[str, int | None], keys: Sequence[str]) -> int | None:
    """The sum, or None when a part is not recorded."""
    parts = [values[key] for key in keys]
    return None if any(part is None for part in parts) else sum(part for part in parts if part is not None)


def _names(found: Named, unit_word: str) -> str:
    if not found.count:
        return ""
    more = f"等{found.count}{unit_word}" if found.count > len(found.names) else f"共{found.count}{unit_word}"
    return f"{'、'.join(found.names)}{more}"


def record_checks(unit: Unit) -> list[Check]:
    """Checks and warnings naming a tenant's records: members counted in an organization not
    established on the snapshot day; organizations without 成立日期; estimated join dates."""
    figures = unit.figures
    return [
        Check(
            unit.label, "members", "表1 本年末党员所在党组织在统计时点均已成立（不符人数 = 0）",
            figures.outside_existing.count, 0, detail=_names(figures.outside_existing, "人"),
        ),
        Check(
            unit.label, "organizations", "警告：党组织成立日期未填写（个数 = 0）",
            figures.missing_established_on.count, 0, level="warning",
            detail=_names(figures.missing_established_on, "个"),
        ),
        Check(
            unit.label, "members", "警告：党员加入支部日期为估算（按入党日期，人数 = 0）",
            figures.estimated_tenures.count, 0, level="warning", detail=_names(figures.estimated_tenures, "人"),
        ),
    ]  # fmt: skip


def unit_checks(unit: Unit) -> list[Check]:
    """The cross-table checks of one row (a tenant, or the group total)."""
    figures = unit.figures
    members, profile, development = (Recorded.of(figures, key) for key in ("members", "profile", "development"))
    end = members["end_total"]
    ages = [band.key for band in AGE_BANDS]
    educations = [key for key, _title, _value in EDUCATION_COLUMNS]
    occupations = [o.key for o in OCCUPATIONS] + [UNCLASSIFIED_OCCUPATION[0]]
    periods = [period.key for period in JOIN_PERIODS]
    organizations, leaving = Recorded.of(figures, "organizations"), Recorded.of(figures, "leaving")
    joined = Recorded.of(figures, "join_periods")

    def check(table: str, description: str, left: int | None, right: int | None, relation: str = "=") -> Check:
        return Check(unit.label, table, description, left, right, relation)

    if ("members", WHOLE_TABLE) in figures.unrecorded:
        # No member data at the snapshot: one line says so instead of a score of 未录入 ones.
        nothing = check("members", "表1—表4、表7 统计时点尚无党员数据（未录入），不作核对", None, None)
        return [nothing] + (record_checks(unit) if unit.tenant_id is not None else [])

    # In the year of a records baseline the balance runs from the members on record that day.
    opening = "上年末党员数" if figures.opening_on is None else "档案基准日在册党员数"
    if unit.tenant_id is None and figures.opening_on is not None:
        opening = "期初党员数（上年末或档案基准日在册）"
    balance = _sum(members, ["opening_total", "in_total"])
    return [
        check(
            "members",
            f"表1 {opening} + 增加合计 − 减少合计 = 本年末党员数",
            None if balance is None or members["out_total"] is None else balance - members["out_total"],
            end,
        ),
        check(
            "members",
            f"表1 {opening}：正式党员 + 预备党员 = 合计",
            _sum(members, ["opening_full", "opening_probationary"]),
            members["opening_total"],
        ),
        check(
            "members",
            "表1 本年末正式党员 + 本年末预备党员 = 本年末党员数",
            _sum(members, ["end_full", "end_probationary"]),
            end,
        ),
        check(
            "members",
            "表1 本年末党员数 = 本年末在册党员人数（按人去重）",
            end,
            None if end is None else figures.members_at_end,
        ),
        check("profile", "表2 党员总数 = 表1 本年末党员数", profile["total"], end),
        check("profile", "表2 男 + 女 = 表1 本年末党员数", _sum(profile, ["male", "female"]), end),
        check(
            "profile",
            "表2 汉族 + 少数民族 + 民族未填写 = 表1 本年末党员数",
            _sum(profile, ["han", "minority", "ethnicity_unknown"]),
            end,
        ),
        check("profile", "表2 各年龄段之和 = 表1 本年末党员数", _sum(profile, ages), end),
        check("profile", "表2 各学历之和 = 表1 本年末党员数", _sum(profile, educations), end),
        check("profile", "表2 各职业之和 = 表1 本年末党员数", _sum(profile, occupations), end),
        check("join_periods", "表3 各入党时间段之和 = 表1 本年末党员数", _sum(joined, periods), end),
        check(
            "development",
            "表4 发展党员数 ≤ 表1 新发展党员（经发展程序接收的相等）",
            development["developed"],
            members["in_admitted"],
            "≤",
        ),
        check(
            "development", "表4 男 + 女 = 发展党员数", _sum(development, ["male", "female"]), development["developed"]
        ),
        check("development", "表4 各年龄段之和 = 发展党员数", _sum(development, ages), development["developed"]),
        check("development", "表4 各学历之和 = 发展党员数", _sum(development, educations), development["developed"]),
        check(
            "organizations",
            "表5 党委 + 党总支 + 党支部 = 基层党组织合计",
            _sum(organizations, ["committees", "general_branches", "branches"]),
            organizations["total"],
        ),
        check(
            "organizations",
            "表5 设支部委员会 + 未设支部委员会 = 党支部",
            _sum(organizations, ["branches_with_committee", "branches_without_committee"]),
            organizations["branches"],
        ),
        check(
            "organizations",
            "表1 本年末党员数 > 0 ⇒ 表5 基层党组织合计 > 0",
            end,
            organizations["total"],
            "⇒",
        ),
        check("leaving", "表7 减少合计 = 表1 减少合计", leaving["total"], members["out_total"]),
        check(
            "leaving", "表7 正式党员 + 预备党员 = 减少合计", _sum(leaving, ["full", "probationary"]), leaving["total"]
        ),
    ] + (record_checks(unit) if unit.tenant_id is not None else [])


def total_row_checks(tables: list[Table]) -> list[Check]:
    """Each table's total row equals the sum of the rows above it: the number of columns where
    it does equals the number of columns."""
    checks = []
    for table in tables:
        if len(table.rows) < 2 or table.rows[-1]["unit"] != TOTAL_LABEL:
            continue
        *parts, total = table.rows
        # A column not recorded in the total (some row lacks it) has nothing to add up; a unit
        # with no data at all (未录入) is not part of the total.
        keys = [c.key for c in table.columns if c.kind == "count" and total[c.key] is not None]
        agreeing = sum(1 for key in keys if total[key] == sum(row[key] or 0 for row in parts))
        number = table.title.split(" ")[0]
        checks.append(Check(TOTAL_LABEL, table.key, f"{number} 合计行与各行之和相等的列数 = 列数", agreeing, len(keys)))
    return checks


# --------------------------------------------------------------------------- entry points


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def period_text(start: date, day: date) -> str:
    """The period ``(start, day]`` as the tables print it: 统计时段：2025年1月1日至2025年12月31日."""
    return f"统计时段：{chinese_date(start + timedelta(days=1))}至{chinese_date(day)}"


def _title(name: str, day: date) -> str:
    when = f"{day.year}年" if (day.month, day.day) == (12, 31) else f"{day.isoformat()}"
    return f"{name}{when}党内统计年报"


def tenant_report(day: date) -> AnnualReport:
    """The report of the tenant whose schema is active."""
    tenant = active_tenant()
    start = year_earlier(day)
    unit = Unit(tenant.name, tenant.pk, tenant_figures(start, day, tenant.records_baseline_on))
    report = AnnualReport(day, start, "tenant", _title(tenant.name, day), tenant)
    report.tables = build_tables([unit], None, "tenant")
    report.checks = unit_checks(unit) + total_row_checks(report.tables)
    return report


def reported_tenants() -> list[PartyCommittee]:
    return list(PartyCommittee.objects.subsidiaries().filter(status__in=REPORTED_STATUSES).order_by("id"))


def group_report(day: date, tenant_id: int | None = None) -> AnnualReport:
    """The group's report on the root host: a row per tenant (each read in its own schema) and
    the group total; ``tenant_id`` narrows it to one tenant (still with the total row)."""
    tenants = reported_tenants()
    selected: PartyCommittee | None = None
    if tenant_id is not None:
        selected = next((t for t in tenants if t.pk == tenant_id), None)
        if selected is None:
            raise NotFoundError(StatisticsCode.UNKNOWN_TENANT, _("No reported party committee has this id."), "tenant")
        tenants = [selected]
    start = year_earlier(day)
    units = []
    for tenant in tenants:
        with tenant:
            units.append(Unit(tenant.name, tenant.pk, tenant_figures(start, day, tenant.records_baseline_on)))
    total = Unit(TOTAL_LABEL, None, add_figures(unit.figures for unit in units))
    group = PartyCommittee.objects.filter(kind=CommitteeKind.GROUP).first()
    name = selected.name if selected else (group.name if group else "集团")
    report = AnnualReport(day, start, "group", _title(name, day), selected)
    report.tables = build_tables(units, total, "group")
    report.checks = [check for unit in [*units, total] for check in unit_checks(unit)]
    if selected is None:
        members = Recorded.of(total.figures, "members")
        report.checks.append(
            Check(
                TOTAL_LABEL,
                "members",
                "表1 集团内各单位之间：从集团内其他单位转入 = 转至集团内其他单位",
                members["in_from_group"],
                members["out_to_group"],
            )
        )
    report.checks += total_row_checks(report.tables)
    return report
