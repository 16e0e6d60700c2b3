"""The annual statistics report (党内统计年报): a hand-checked population in two tenants, every
table's figures, the cross-table checks, the group total as the sum of the tenants, the
workbook, the snapshot rule (counted where the relationship is held on the day), random
populations whose breakdowns always add up, and isolation."""

from __future__ import annotations

import io
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from partycloud.audit.models import AuditEvent
from partycloud.core.dates import add_years
from partycloud.hub.transfers import do_accept_transfer, do_request_transfer
from partycloud.statistics.definitions import AGE_BANDS, JOIN_PERIODS, age_band_of, join_period_of
from partycloud.statistics.figures import tenant_figures
from partycloud.statistics.report import (
    Unit,
    default_snapshot,
    group_report,
    percent,
    tenant_report,
    unit_checks,
    year_earlier,
)
from tenants.development.models import DevelopmentCase
from tenants.development.services import do_open_case, do_record_step
from tenants.members.models import Member, MemberChange, MemberTenure
from tenants.members.services import age_on, do_create_member, do_update_member
from tenants.organizations.models import CommitteeMember, Organization
from tenants.organizations.services import do_create_organization, do_merge_organization
from tenants.transfers.models import Transfer
from tenants.transfers.services import do_issue_introduction_letter, do_register_from_outside
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.factories import make_id_card
from tests.isolation import Endpoint, assert_root_only, assert_tenant_isolated

# The branches here hold only a few recorded members: the typed figure needs its reason.
VOTE = {"entitled": 20, "present": 15, "yes": 14, "entitled_reason": "支部党员名册尚未全部录入系统"}
ESTABLISHED = date(2000, 1, 1)
SHEETS = [
    "表1 党员数量及变动情况",
    "表2 党员构成情况",
    "表3 党员入党时间情况",
    "表4 发展党员情况",
    "表5 党组织情况",
    "表6 民主评议党员情况",
    "表7 党员减少情况",
    "校验",
]


# --------------------------------------------------------------------------- building data


def organization(kind: str, name: str, parent: Organization | None = None) -> Organization:
    return do_create_organization(kind=kind, name=name, parent=parent, established_on=ESTABLISHED)


def member(
    branch: Organization,
    name: str,
    *,
    gender: str,
    birth: date,
    joined: date,
    placed: date,
    membership: str = "full",
    **extra: Any,
) -> Member:
    confirmed = extra.pop("confirmed_on", joined + timedelta(days=365) if membership == "full" else None)
    return do_create_member(
        {"name": name, "gender": gender, "joined_on": joined, "confirmed_on": confirmed, "membership": membership,
         "dues_category": "employee", "organization": branch, **extra},
        id_card_number=make_id_card(birth.strftime("%Y%m%d")),
        placed_on=placed,
    )  # fmt: skip


def develop(
    branch: Organization,
    name: str,
    *,
    gender: str,
    birth: date,
    meeting: date,
    approval: date,
    introducers: list[int],
    confirmation: tuple[date, date] | None = None,
) -> Member:
    """The real 25-step workflow: branch meeting (15) on ``meeting``, upper approval (17) on
    ``approval``; with ``confirmation``, the confirmation vote (23) and its approval (24)."""
    applied = meeting - timedelta(days=800)
    case = do_open_case(
        name=name, gender=gender, id_card_number=make_id_card(birth.strftime("%Y%m%d")), organization=branch,
        applied_on=applied,
    )  # fmt: skip
    plan: list[tuple[int, date, dict[str, Any]]] = [
        (2, applied + timedelta(days=10), {}), (3, applied + timedelta(days=30), {}),
        (4, applied + timedelta(days=35), {}), (5, applied + timedelta(days=40), {"contacts": ["李四", "王五"]}),
        (6, applied + timedelta(days=200), {}), (7, applied + timedelta(days=400), {}),
        (8, applied + timedelta(days=405), {}), (9, applied + timedelta(days=410), {"introducers": introducers}),
        (10, meeting - timedelta(days=60), {}), (11, meeting - timedelta(days=50), {"days": 3, "hours": 24}),
        (12, meeting - timedelta(days=30), {}), (13, meeting - timedelta(days=20), {}),
        (14, meeting - timedelta(days=10), {}), (15, meeting, VOTE), (16, meeting, {}), (17, approval, {}),
    ]  # fmt: skip
    if confirmation is not None:
        vote, approved = confirmation
        plan += [
            (18, approval + timedelta(days=1), {}), (19, approval + timedelta(days=2), {}),
            (20, approval + timedelta(days=3), {}), (21, approval + timedelta(days=30), {}),
            (22, vote - timedelta(days=5), {}), (23, vote, {**VOTE, "outcome": "confirm"}), (24, approved, {}),
        ]  # fmt: skip
    for number, on, data in plan:
        do_record_step(case, number, done_on=on, data=data)
    case.refresh_from_db()
    return Member.objects.get(pk=case.member_id)


@dataclass
class Population:
    """The hand-checked data set (see ``population``)."""

    end: date
    start: date
    births_at_end_a: list[date]  # of the members tenant A counts at the end
    a: dict[str, Any]
    b: dict[str, Any]


@pytest.fixture
def population(tenant_a: TenantWorld, tenant_b: TenantWorld) -> Population:
    """Tenant A — 11 members at the start, 4 in (2 admitted, 1 from outside the group, 1 restored),
    4 out (deceased, left, letter out of the group, transferred to tenant B), 11 at the end;
    tenant B — 4 at the start, 1 in (from A), 1 out (deceased), 4 at the end."""
    end = timezone.localdate()
    start = year_earlier(end)
    before = start - timedelta(days=400)
    a: dict[str, Any] = {}
    with tenant_a.tenant:
        top = a["top"] = organization("committee", "甲公司党委")
        works = a["works"] = organization("committee", "甲公司二分厂党委", top)
        general = organization("general_branch", "甲公司机关党总支", top)
        first = a["first"] = organization("branch", "第一党支部", top)
        second = organization("branch", "第二党支部", works)
        third = organization("branch", "第三党支部", general)
        organization("party_group", "第一党小组", first)
        CommitteeMember.objects.create(organization=first, user=tenant_a.secretary, post="书记")
        fourth = organization("branch", "第四党支部", top)
        do_merge_organization(fourth, third)  # merged today: not an organization at the end
        m1 = member(first, "张一", gender="male", birth=date(1990, 6, 15), joined=date(2012, 11, 1), placed=before,
                    education="bachelor", job="工程师")  # fmt: skip
        m2 = member(first, "李二", gender="female", birth=date(1985, 3, 1), joined=date(2012, 10, 31), placed=before,
                    ethnicity="蒙古族", education="postgraduate", job="部门经理")  # fmt: skip
        m3 = member(second, "王三", gender="female", birth=date(1935, 5, 5), joined=date(1956, 7, 1), placed=before,
                    ethnicity="回族", education="primary", dues_category="retiree")  # fmt: skip
        m4 = member(second, "赵四", gender="male", birth=date(1955, 8, 8), joined=date(1976, 11, 1), placed=before,
                    education="college", job="电工")  # fmt: skip
        member(third, "钱五", gender="male", birth=date(1958, 12, 12), joined=date(1979, 1, 1), placed=before,
               ethnicity="")  # fmt: skip
        m6 = member(third, "孙六", gender="male", birth=date(1976, 1, 20), joined=date(2000, 7, 1), placed=before,
                    education="secondary", job="司机")  # fmt: skip
        m7 = member(first, "周七", gender="female", birth=date(1986, 4, 4), joined=date(2005, 7, 1), placed=before,
                    education="bachelor", job="会计")  # fmt: skip
        m8 = member(first, "吴八", gender="male", birth=date(1992, 9, 9), joined=date(2015, 7, 1), placed=before,
                    dues_category="student")  # fmt: skip
        m9 = member(first, "郑九", gender="female", birth=date(1968, 2, 29), joined=date(1990, 3, 1), placed=before,
                    education="bachelor", job="技术员")  # fmt: skip
        m10 = member(first, "冯十", gender="male", birth=date(1999, 7, 7), joined=start - timedelta(days=100),
                     placed=start - timedelta(days=100), membership="probationary", ethnicity="壮族",
                     education="bachelor", job="操作工")  # fmt: skip
        m14 = member(first, "陈十四", gender="female", birth=date(1930, 1, 1), joined=date(1949, 10, 1),
                     placed=before - timedelta(days=400), ethnicity="回族", education="primary",
                     dues_category="retiree")  # fmt: skip
        do_update_member(m14, {"status": "left"}, effective_on=before)  # left before the year ...
        do_update_member(m14, {"status": "active"}, effective_on=end - timedelta(days=60))  # ... restored in it
        introducers = [m1.pk, m2.pk]
        # Admitted the year before (counted at the start as probationary), confirmed this year.
        m16 = develop(first, "褚十六", gender="female", birth=add_years(end, -28) - timedelta(days=1),
                      meeting=start - timedelta(days=35), approval=start - timedelta(days=15),
                      introducers=introducers,
                      confirmation=(end - timedelta(days=30), end - timedelta(days=25)))  # fmt: skip
        # Admitted this year: approved by the works committee, then by the top committee for a
        # branch meeting held before the start of the year (counted from the approval).
        m11 = develop(second, "卫十一", gender="female", birth=add_years(end, -24) - timedelta(days=1),
                      meeting=end - timedelta(days=120), approval=end - timedelta(days=100),
                      introducers=introducers)  # fmt: skip
        do_update_member(m11, {"education": "bachelor", "job": "设计师"}, effective_on=end - timedelta(days=90))
        m12 = develop(first, "蒋十二", gender="male", birth=add_years(end, -26) - timedelta(days=1),
                      meeting=start - timedelta(days=10), approval=start + timedelta(days=10),
                      introducers=introducers)  # fmt: skip
        m13 = do_register_from_outside(
            {"name": "沈十三", "gender": "male", "joined_on": date(1975, 6, 1), "confirmed_on": date(1976, 6, 1),
             "membership": "full", "dues_category": "retiree", "organization": third, "education": "secondary"},
            id_card_number=make_id_card("19551010"), letter_number="JX-2026-001", external_organization="某县委组织部",
        ).member  # fmt: skip
        assert m13 is not None
        # Changes inside the tenant that are no change in the count.
        do_update_member(m9, {"organization": second}, effective_on=end - timedelta(days=30))
        do_update_member(
            m10, {"membership": "full", "confirmed_on": end - timedelta(days=20)}, effective_on=end - timedelta(days=20)
        )
        # Decreases.
        do_update_member(m3, {"status": "deceased"}, effective_on=end - timedelta(days=50))
        do_update_member(m8, {"status": "left"}, effective_on=end - timedelta(days=100))
        do_issue_introduction_letter(m6, external_organization="某市委组织部")
    b: dict[str, Any] = {}
    with tenant_b.tenant:
        b_top = organization("committee", "乙公司党委")
        b_branch = b["branch"] = organization("branch", "乙第一党支部", b_top)
        for index, birth in enumerate((date(1970, 1, 1), date(1980, 1, 1)), start=1):
            member(b_branch, f"乙{index}", gender="male", birth=birth, joined=date(2000, 1, 1), placed=before)
        member(b_branch, "乙3", gender="female", birth=date(2000, 5, 5), joined=before, placed=before,
               membership="probationary")  # fmt: skip
        b4 = member(b_branch, "乙4", gender="female", birth=date(1940, 1, 1), joined=date(1965, 1, 1), placed=before)
        do_update_member(b4, {"status": "deceased"}, effective_on=end - timedelta(days=10))
    with tenant_a.tenant:
        outgoing = do_request_transfer(m7, to_tenant=tenant_b.tenant, reason="调往乙公司")
    with tenant_b.tenant:
        do_accept_transfer(Transfer.objects.get(number=outgoing.number), to_organization=b_branch)
    a.update(m11=m11, m12=m12, m16=m16)
    births = [m1, m2, m4, m9, m10, m16, m11, m12, m13, m14]
    with tenant_a.tenant:
        births_at_end = [Member.objects.get(pk=m.pk).birth_date for m in births]
        births_at_end.append(Member.objects.get(name="钱五").birth_date)
    return Population(end, start, births_at_end, a, b)


def table(body: dict[str, Any], key: str) -> dict[str, Any]:
    found: dict[str, Any] = next(t for t in body["tables"] if t["key"] == key)
    return found


def row(body: dict[str, Any], key: str, unit: str | None = None) -> dict[str, Any]:
    rows = table(body, key)["rows"]
    found: dict[str, Any] = rows[0] if unit is None else next(r for r in rows if r["unit"] == unit)
    return found


def failing(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [check for check in body["checks"] if not check["ok"]]


def expected_age_bands(births: list[date], on: date) -> dict[str, int]:
    counted = Counter(age_band_of(age_on(birth, on)).key for birth in births)
    return {band.key: counted.get(band.key, 0) for band in AGE_BANDS}


# --------------------------------------------------------------------------- the tables, by hand


def test_tenant_report_tables_match_the_hand_checked_population(tenant_a: TenantWorld, population: Population):
    response = api(tenant_a.host, tenant_a.admin).get(f"/api/v1/annual-report?date={population.end.isoformat()}")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["date"], body["start_date"], body["scope"]) == (
        population.end.isoformat(), population.start.isoformat(), "tenant"
    )  # fmt: skip
    assert body["tenant"]["id"] == tenant_a.tenant.pk
    assert [t["key"] for t in body["tables"]] == [
        "members", "profile", "join_periods", "development", "organizations", "evaluation", "leaving"
    ]  # fmt: skip

    members = row(body, "members")
    assert members["unit"] == "甲公司党委"
    assert {k: v for k, v in members.items() if k.startswith("start_")} == {
        "start_total": 11, "start_full": 9, "start_probationary": 2
    }  # fmt: skip
    assert {k: v for k, v in members.items() if k.startswith("in_")} == {
        "in_admitted": 2, "in_from_outside": 1, "in_from_group": 0, "in_restored": 1, "in_unexplained": 0,
        "in_total": 4,
    }  # fmt: skip
    assert {k: v for k, v in members.items() if k.startswith("out_")} == {
        "out_deceased": 1, "out_left": 1, "out_revoked": 0, "out_out_of_group": 1, "out_to_group": 1,
        "out_unexplained": 0, "out_total": 4,
    }  # fmt: skip
    assert {k: v for k, v in members.items() if k.startswith("end_")} == {
        "end_total": 11, "end_full": 9, "end_probationary": 2
    }  # fmt: skip

    profile = row(body, "profile")
    assert (profile["total"], profile["male"], profile["female"], profile["female_share"]) == (11, 6, 5, 45.5)
    assert (profile["han"], profile["minority"], profile["ethnicity_unknown"]) == (7, 3, 1)
    columns = [c["key"] for c in table(body, "profile")["columns"]]
    assert [c for c in columns if c.startswith("minority:")] == ["minority:回族", "minority:壮族", "minority:蒙古族"]
    assert (profile["minority:回族"], profile["minority:蒙古族"], profile["minority_other"]) == (1, 1, 0)
    assert {band.key: profile[band.key] for band in AGE_BANDS} == expected_age_bands(
        population.births_at_end_a, population.end
    )
    assert {k: v for k, v in profile.items() if k.startswith("education_")} == {
        "education_postgraduate": 1, "education_bachelor": 4, "education_college": 1, "education_secondary": 1,
        "education_primary": 1, "education_unknown": 3,
    }  # fmt: skip
    assert {k: v for k, v in profile.items() if k.startswith("occupation_")} == {
        "occupation_retired": 2, "occupation_student": 0, "occupation_farmer": 0, "occupation_civil_servant": 0,
        "occupation_manager": 1, "occupation_professional": 3, "occupation_worker": 2, "occupation_other": 0,
        "occupation_unclassified": 3,
    }  # fmt: skip

    joined = row(body, "join_periods")
    assert [joined[period.key] for period in JOIN_PERIODS] == [0, 1, 1, 1, 2, 1, 5]

    development = table(body, "development")
    assert [r["unit"] for r in development["rows"]] == ["甲公司党委", "甲公司二分厂党委", "合计"]
    top, works, total = development["rows"]
    assert (top["developed"], top["male"], top["confirmed"], top["education_unknown"]) == (1, 1, 1, 1)
    assert (works["developed"], works["female"], works["confirmed"], works["education_bachelor"]) == (1, 1, 0, 1)
    assert (total["developed"], total["age_30_or_less"], total["confirmed"]) == (2, 2, 1)

    organizations = row(body, "organizations")
    assert {k: v for k, v in organizations.items() if k not in {"unit", "tenant"}} == {
        "committees": 2, "general_branches": 1, "branches": 3, "total": 6, "branches_with_committee": 1,
        "branches_without_committee": 2, "party_groups": 1,
    }  # fmt: skip

    evaluation = table(body, "evaluation")
    assert evaluation["note"] == "暂无数据：民主评议结果尚未在系统中录入，各等次显示为“未录入”。"
    assert {k: v for k, v in evaluation["rows"][0].items() if k not in {"unit", "tenant"}} == {
        "excellent": None, "qualified": None, "basically_qualified": None, "unqualified": None, "not_rated": None,
        "total": None,
    }  # fmt: skip

    leaving = row(body, "leaving")
    assert {k: v for k, v in leaving.items() if k not in {"unit", "tenant"}} == {
        "deceased": 1, "left": 1, "revoked": 0, "out_of_group": 1, "to_group": 1, "unexplained": 0, "total": 4,
        "full": 4, "probationary": 0,
    }  # fmt: skip

    assert failing(body) == []
    assert body["ok"] is True
    names = {check["name"] for check in body["checks"]}
    assert "甲公司党委：表1 上年末党员数 + 增加合计 − 减少合计 = 本年末党员数" in names
    assert "合计：表4 合计行与各行之和相等的列数 = 列数" in names


def test_shares_are_rounded_half_up_and_dates_step_back_one_year():
    assert (percent(1, 16), percent(5, 11), percent(0, 3), percent(0, 0)) == (6.3, 45.5, 0.0, None)
    assert year_earlier(date(2024, 2, 29)) == date(2023, 2, 28)
    assert default_snapshot(date(2026, 1, 1)) == date(2025, 12, 31)
    assert default_snapshot(date(2026, 12, 31)) == date(2025, 12, 31)


def test_occupation_uses_the_dues_category_before_job_keywords(tenant_a: TenantWorld):
    end = timezone.localdate()
    with tenant_a.tenant:
        branch = organization("branch", "职业党支部", organization("committee", "甲"))
        for job, category in [("原总经理", "retiree"), ("技术部部长", "employee"), ("总工程师", "employee"),
                              ("", "unemployed"), ("农机手", "farmer"), ("见习", "employee")]:  # fmt: skip
            member(branch, f"职业{job}", gender="male", birth=date(1980, 1, 1), joined=date(2005, 1, 1),
                   placed=end - timedelta(days=500), job=job, dues_category=category)  # fmt: skip
        profile = tenant_figures(year_earlier(end), end).tables["profile"]
    assert {k: v for k, v in profile.items() if k.startswith("occupation_") and v} == {
        "occupation_retired": 1, "occupation_manager": 1, "occupation_professional": 1, "occupation_farmer": 1,
        "occupation_other": 1, "occupation_unclassified": 1,
    }  # fmt: skip


def test_age_bands_at_their_boundaries(tenant_a: TenantWorld):
    """Age in completed years on the snapshot day: 30 on one's 30th birthday, still 30 the day
    before the 31st, 81 on the 81st birthday."""
    end = timezone.localdate()
    with tenant_a.tenant:
        branch = organization("branch", "年龄党支部", organization("committee", "甲"))
        births = [
            add_years(end, -30),  # 30 today: ≤30
            add_years(end, -31) + timedelta(days=1),  # 31 tomorrow: ≤30
            add_years(end, -31),  # 31 today: 31—35
            add_years(end, -80) + timedelta(days=1),  # 80 tomorrow: 71—80
            add_years(end, -81),  # 81 today: 81 and over
        ]
        for index, birth in enumerate(births):
            member(branch, f"年龄{index}", gender="female", birth=birth, joined=birth + timedelta(days=20 * 366),
                   placed=end - timedelta(days=10))  # fmt: skip
        profile = tenant_figures(year_earlier(end), end).tables["profile"]
    assert {k: profile[k] for k in ("age_30_or_less", "age_31_35", "age_71_80", "age_over_80")} == {
        "age_30_or_less": 2, "age_31_35": 1, "age_71_80": 1, "age_over_80": 1
    }  # fmt: skip


# --------------------------------------------------------------------------- the group


def test_group_report_rows_are_the_tenants_and_the_total_is_their_sum(
    tenant_a: TenantWorld, tenant_b: TenantWorld, group_admin: Any, population: Population
):
    day = population.end.isoformat()
    response = api(ROOT_HOST, group_admin).get(f"/api/v1/group/annual-report?date={day}")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["scope"] == "group"
    assert body["tenant"] is None
    assert failing(body) == []
    names = {check["name"] for check in body["checks"]}
    assert "合计：表1 集团内各单位之间：从集团内其他单位转入 = 转至集团内其他单位" in names
    own = {
        world.tenant.name: api(world.host, world.admin).get(f"/api/v1/annual-report?date={day}").json()
        for world in (tenant_a, tenant_b)
    }
    for key in ("members", "join_periods", "organizations", "evaluation", "leaving"):
        rows = table(body, key)["rows"]
        assert rows[-1]["unit"] == "合计"
        tenant_rows = rows[:-1]
        assert [r["tenant"] for r in tenant_rows] == sorted(r["tenant"] for r in tenant_rows)
        for name, report in own.items():
            assert row(body, key, name) == row(report, key), (key, name)
        for column in (c["key"] for c in table(body, key)["columns"] if c["kind"] == "count"):
            if key == "evaluation":  # not recorded anywhere: 未录入 in every row and the total
                assert rows[-1][column] is None
                assert {r[column] for r in tenant_rows} == {None}
            else:
                assert rows[-1][column] == sum(r[column] for r in tenant_rows), (key, column)
    total = row(body, "members", "合计")
    assert (total["start_total"], total["in_total"], total["out_total"], total["end_total"]) == (15, 5, 5, 15)
    assert (total["in_from_group"], total["out_to_group"], total["out_deceased"]) == (1, 1, 2)
    b_row = row(body, "members", "乙公司党委")
    assert (b_row["start_total"], b_row["in_from_group"], b_row["out_deceased"], b_row["end_total"]) == (4, 1, 1, 4)
    assert row(body, "development", "甲公司党委")["developed"] == 2
    assert row(body, "profile", "合计")["total"] == row(body, "members", "合计")["end_total"]
    assert AuditEvent.objects.filter(
        action="read", target_type="statistics.annual_report", actor=group_admin, tenant_id=None
    ).exists()

    narrowed = api(ROOT_HOST, group_admin).get(f"/api/v1/group/annual-report?date={day}&tenant={tenant_b.tenant.pk}")
    assert narrowed.status_code == 200, narrowed.json()
    assert narrowed.json()["tenant"]["slug"] == tenant_b.tenant.slug
    assert [r["unit"] for r in table(narrowed.json(), "members")["rows"]] == ["乙公司党委", "合计"]
    assert failing(narrowed.json()) == []


def test_group_report_service_matches_the_sum_of_tenant_reports(
    tenant_a: TenantWorld, tenant_b: TenantWorld, population: Population
):
    report = group_report(population.end)
    assert report.ok
    for world in (tenant_a, tenant_b):
        with world.tenant:
            own = tenant_report(population.end)
        for key in ("members", "profile", "join_periods"):
            mine = next(r for r in report.table(key).rows if r["tenant"] == world.tenant.pk)
            assert (
                mine["end_total" if key == "members" else "total"]
                == own.table(key).rows[0]["end_total" if key == "members" else "total"]
            )
        assert (
            next(r for r in report.table("development").rows if r["tenant"] == world.tenant.pk)["developed"]
            == own.table("development").rows[-1]["developed"]
        )


def test_group_report_parameters(group_admin: Any, group_viewer: Any, tenant_a: TenantWorld):
    client = api(ROOT_HOST, group_viewer)
    default = client.get("/api/v1/group/annual-report")
    assert default.status_code == 200
    assert default.json()["date"] == default_snapshot().isoformat()
    assert default.json()["title"].endswith(f"{default_snapshot().year}年党内统计年报")
    assert client.get("/api/v1/group/annual-report?date=2025-13-01").json()["code"] == "annual_report.bad_date"
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert client.get(f"/api/v1/group/annual-report?date={future}").json()["code"] == "annual_report.future_date"
    missing = client.get("/api/v1/group/annual-report?tenant=999999")
    assert (missing.status_code, missing.json()["code"]) == (404, "annual_report.unknown_tenant")
    assert client.get("/api/v1/group/annual-report?tenant=abc").json()["code"] == "annual_report.bad_tenant"
    assert client.get("/api/v1/group/annual-report?format=pdf").json()["code"] == "annual_report.bad_format"


# --------------------------------------------------------------------------- the workbook


def test_workbook_has_a_sheet_per_table_and_the_checks_with_chinese_headers(
    tenant_a: TenantWorld, population: Population
):
    response = api(tenant_a.host, tenant_a.admin).get(f"/api/v1/annual-report?date={population.end}&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    title = f"甲公司党委{population.end.isoformat()}党内统计年报.xlsx"
    if (population.end.month, population.end.day) == (12, 31):
        title = f"甲公司党委{population.end.year}年党内统计年报.xlsx"
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote(title)}"
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == SHEETS
    first = workbook["表1 党员数量及变动情况"]
    headers = [cell.value for cell in first[4]]
    assert headers[:4] == ["单位", "上年末党员数", "上年末正式党员", "上年末预备党员"]
    assert {"新发展党员", "从集团外转入", "死亡", "转出集团", "减少合计", "本年末党员数"} <= set(headers)
    assert first["B3"].value == "上年末"
    values = dict(zip(headers, (cell.value for cell in first[5]), strict=True))
    assert (values["单位"], values["上年末党员数"], values["增加合计"], values["本年末党员数"]) == (
        "甲公司党委",
        11,
        4,
        11,
    )
    profile_headers = [cell.value for cell in workbook["表2 党员构成情况"][4]]
    assert {"男", "女", "女性占比（%）", "汉族", "少数民族", "30岁及以下", "81岁及以上", "研究生", "离退休人员"} <= set(
        profile_headers
    )
    development = workbook["表4 发展党员情况"]
    assert [development.cell(row, 1).value for row in range(5, 8)] == ["甲公司党委", "甲公司二分厂党委", "合计"]
    evaluation = workbook["表6 民主评议党员情况"]
    assert [cell.value for cell in evaluation[4]] == ["单位", "优秀", "合格", "基本合格", "不合格", "未评定", "合计"]
    assert any("尚未在系统中录入" in str(cell.value) for cell in evaluation["A"])
    assert [cell.value for cell in evaluation[5]] == ["甲公司党委", *["未录入"] * 6]
    checks = workbook["校验"]
    assert [cell.value for cell in checks[1]] == ["校验项", "单位", "表", "左值", "关系", "右值", "结果", "涉及记录"]
    results = [checks.cell(row, 7).value for row in range(2, checks.max_row + 1)]
    assert results
    assert set(results) == {"通过"}
    exported = AuditEvent.objects.filter(action="export", target_type="statistics.annual_report")
    assert exported.filter(actor=tenant_a.admin, tenant_id=tenant_a.tenant.pk).count() == 1


def test_group_workbook_has_a_row_per_tenant_and_the_total(
    tenant_a: TenantWorld, tenant_b: TenantWorld, group_admin: Any, population: Population
):
    response = api(ROOT_HOST, group_admin).get(f"/api/v1/group/annual-report?date={population.end}&format=xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == SHEETS
    sheet = workbook["表1 党员数量及变动情况"]
    units = [sheet.cell(row, 1).value for row in range(5, sheet.max_row + 1)]
    assert units[-1] == "合计"
    assert {"甲公司党委", "乙公司党委"} <= set(units)
    assert sheet.cell(sheet.max_row, 1).font.bold
    assert AuditEvent.objects.filter(
        action="export", actor=group_admin, target_type="statistics.annual_report"
    ).exists()


# --------------------------------------------------------------------------- the snapshot rule


def test_counted_where_the_relationship_is_held_on_the_snapshot_day(tenant_a: TenantWorld):
    """December 31 of a past year: a member who moves, dies or is approved in January of the
    next year is counted as on December 31; the next year's report shows the change."""
    year = timezone.localdate().year - 2
    december, next_december = date(year, 12, 31), date(year + 1, 12, 31)
    with tenant_a.tenant:
        top = organization("committee", "甲公司党委")
        old, new = organization("branch", "老支部", top), organization("branch", "新支部", top)
        people = [
            member(old, f"党员{i}", gender="male", birth=date(1970, 1, 1), joined=date(1995, 7, 1),
                   placed=date(year - 1, 3, 1))
            for i in range(3)
        ]  # fmt: skip
        do_update_member(people[0], {"organization": new}, effective_on=date(year + 1, 1, 10))
        do_update_member(people[1], {"status": "deceased"}, effective_on=date(year + 1, 1, 5))
        late = develop(old, "跨年审批", gender="female", birth=date(1995, 5, 5), meeting=date(year, 12, 20),
                       approval=date(year + 1, 1, 10), introducers=[people[0].pk, people[2].pk])  # fmt: skip
        assert late.joined_on == date(year, 12, 20)
        first, second = tenant_report(december), tenant_report(next_december)
        tenure = MemberTenure.objects.get(member=people[0], started_on__lte=december, ended_on__gt=december)
        assert tenure.organization_id == old.pk
    first_members = first.table("members").rows[0]
    assert (first_members["end_total"], first_members["out_deceased"], first_members["in_admitted"]) == (3, 0, 0)
    assert first.table("development").rows[-1]["developed"] == 0
    second_members = second.table("members").rows[0]
    assert (second_members["start_total"], second_members["in_admitted"], second_members["out_deceased"]) == (3, 1, 1)
    assert second_members["end_total"] == 3
    assert second.table("development").rows[-1]["developed"] == 1
    assert first.ok
    assert second.ok


def test_a_transfer_to_another_tenant_after_the_snapshot_counts_at_the_sender(
    tenant_a: TenantWorld, tenant_b: TenantWorld
):
    today = timezone.localdate()
    with tenant_a.tenant:
        sender = organization("branch", "甲支部", organization("committee", "甲公司党委"))
        moving = member(sender, "调动者", gender="male", birth=date(1980, 1, 1), joined=date(2005, 1, 1),
                        placed=today - timedelta(days=30))  # fmt: skip
        outgoing = do_request_transfer(moving, to_tenant=tenant_b.tenant)
    with tenant_b.tenant:
        receiver = organization("branch", "乙支部", organization("committee", "乙公司党委"))
        do_accept_transfer(Transfer.objects.get(number=outgoing.number), to_organization=receiver)
    yesterday = group_report(today - timedelta(days=1))
    now = group_report(today)

    def end_total(report: Any, tenant: TenantWorld) -> int | None:
        value: int | None = next(r for r in report.table("members").rows if r["tenant"] == tenant.tenant.pk)[
            "end_total"
        ]
        return value

    # Tenant B has no member on record before today: yesterday is 未录入 there, not 0, and the
    # group total is tenant A's.
    assert (end_total(yesterday, tenant_a), end_total(yesterday, tenant_b)) == (1, None)
    assert yesterday.table("members").rows[-1]["end_total"] == 1
    assert yesterday.status == "warnings"
    nothing = [c for c in yesterday.checks if c.unit == tenant_b.tenant.name and c.table == "members"]
    assert nothing[0].description == "表1—表4、表7 统计时点尚无党员数据（未录入），不作核对"
    assert yesterday.table("members").note == f"{tenant_b.tenant.name}：统计时点前尚无党员记录，数据未录入"
    assert [check.name for check in yesterday.checks if check.result == "failed"] == []
    assert (end_total(now, tenant_a), end_total(now, tenant_b)) == (0, 1)
    assert now.ok


# --------------------------------------------------------------------------- what the checks catch


def test_unexplained_changes_are_shown_and_overlapping_tenures_fail_a_check(tenant_a: TenantWorld):
    end = timezone.localdate()
    with tenant_a.tenant:
        branch = organization("branch", "补录党支部", organization("committee", "甲"))
        # Recorded this year although a member since 2001: the data cannot say where from.
        late = member(branch, "补录", gender="male", birth=date(1975, 1, 1), joined=date(2001, 7, 1),
                      placed=end - timedelta(days=40))  # fmt: skip
        report = tenant_report(end)
        assert report.table("members").rows[0]["in_unexplained"] == 1
        assert report.ok
        MemberTenure.objects.create(
            member=late, organization=branch, membership="full", started_on=end - timedelta(days=20)
        )
        broken = tenant_report(end)
    failed = [check.description for check in broken.checks if not check.ok]
    assert failed == ["表1 本年末党员数 = 本年末在册党员人数（按人去重）"]
    assert not broken.ok


def test_a_revoked_probationary_member_leaves_as_revoked(tenant_a: TenantWorld):
    end = timezone.localdate()
    with tenant_a.tenant:
        branch = organization("branch", "预备党支部", organization("committee", "甲"))
        introducers = [
            member(branch, f"介绍人{i}", gender="male", birth=date(1970, 1, 1), joined=date(1995, 1, 1),
                   placed=end - timedelta(days=900)).pk
            for i in (1, 2)
        ]  # fmt: skip
        revoked = develop(branch, "取消者", gender="male", birth=date(1998, 1, 1), meeting=end - timedelta(days=400),
                          approval=end - timedelta(days=390), introducers=introducers)  # fmt: skip
        case = DevelopmentCase.objects.get(member=revoked)
        for number, on, data in [(18, end - timedelta(days=380), {}), (19, end - timedelta(days=379), {}),
                                 (20, end - timedelta(days=378), {}), (21, end - timedelta(days=200), {}),
                                 (22, end - timedelta(days=40), {}),
                                 (23, end - timedelta(days=30), {**VOTE, "outcome": "revoke"})]:  # fmt: skip
            do_record_step(case, number, done_on=on, data=data)
        report = tenant_report(end)
    leaving = report.table("leaving").rows[0]
    assert (leaving["revoked"], leaving["left"], leaving["probationary"], leaving["total"]) == (1, 0, 1, 1)
    assert report.ok


# --------------------------------------------------------------------------- random populations


@st.composite
def populations(draw: Any) -> list[dict[str, Any]]:
    """Up to 12 members, each with 1–3 tenures (consecutive or with gaps, the last maybe open),
    random profile fields (including blanks, "汉", 29 February births) and status changes."""
    people = []
    for _ in range(draw(st.integers(1, 12))):
        birth = draw(st.dates(date(1925, 1, 1), date(2007, 12, 31)))
        starts = draw(st.integers(-500, 420))
        tenures = []
        for _index in range(draw(st.integers(1, 3))):
            length = draw(st.one_of(st.none(), st.integers(0, 400)))
            gap = draw(st.sampled_from([0, 0, 5, 90]))
            tenures.append((starts, None if length is None else starts + length, draw(st.booleans())))
            if length is None:
                break
            starts += length + gap
        people.append(
            {
                "gender": draw(st.sampled_from(["male", "female"])),
                "ethnicity": draw(st.sampled_from(["汉族", "汉", " 汉族 ", "", "蒙古族", "回族", "满族", "土家族"])),
                "birth": birth,
                "joined": draw(st.dates(date(1940, 1, 1), date(2026, 1, 1))),
                "education": draw(st.sampled_from(["", "postgraduate", "bachelor", "college", "secondary", "primary"])),
                "job": draw(
                    st.sampled_from(["", "工程师", "部门经理", "司机", "教师", "公务员", "随便", "技术部部长"])
                ),
                "dues": draw(st.sampled_from(["employee", "retiree", "farmer", "student", "unemployed"])),
                "tenures": tenures,
                "status": draw(st.sampled_from(["deceased", "left", "transferred_out", None])),
            }
        )
    return people


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=populations(), end_offset=st.integers(0, 400))
def test_breakdowns_always_sum_to_the_totals(tenant_a: TenantWorld, people: list[dict[str, Any]], end_offset: int):
    end = date(2026, 12, 31) - timedelta(days=end_offset)
    start = year_earlier(end)
    with tenant_a.tenant, transaction.atomic():
        top = Organization.objects.create(kind="committee", name="随机", path="", established_on=ESTABLISHED)
        branch = Organization.objects.create(
            kind="branch", name="随机支部", parent=top, path="", depth=1, established_on=ESTABLISHED
        )
        counted_at_end: list[dict[str, Any]] = []
        for person in people:
            record = Member.objects.create(
                organization=branch, name="随机", gender=person["gender"], ethnicity=person["ethnicity"],
                birth_date=person["birth"], id_card_encrypted="x", id_card_index=uuid.uuid4().hex, id_card_masked="x",
                education=person["education"], job=person["job"], joined_on=person["joined"], membership="full",
                dues_category=person["dues"],
            )  # fmt: skip
            for begin, finish, full in person["tenures"]:
                started = start + timedelta(days=begin)
                ended = None if finish is None else start + timedelta(days=finish)
                MemberTenure.objects.create(
                    member=record, organization=branch, membership="full" if full else "probationary",
                    started_on=started, ended_on=ended,
                )  # fmt: skip
                if ended is not None and person["status"]:
                    MemberChange.objects.create(
                        member=record, kind="status", effective_on=ended,
                        changes={"status": ["active", person["status"]]},
                    )  # fmt: skip
                if started <= end and (ended is None or ended > end):
                    counted_at_end.append(person)
        figures = tenant_figures(start, end)
        transaction.set_rollback(True)
    checks = unit_checks(Unit("随机", None, figures))
    # Nothing recorded by the snapshot (every tenure starts later): 未录入, not checked.
    assert [check.name for check in checks if check.result == "failed"] == []
    profile, joined = figures.tables["profile"], figures.tables["join_periods"]
    assert profile["total"] == len(counted_at_end)
    assert {band.key: profile[band.key] for band in AGE_BANDS} == expected_age_bands(
        [p["birth"] for p in counted_at_end], end
    )
    by_period = Counter(join_period_of(p["joined"]).key for p in counted_at_end)
    assert {period.key: joined[period.key] for period in JOIN_PERIODS} == {
        period.key: by_period.get(period.key, 0) for period in JOIN_PERIODS
    }
    assert profile["han"] == sum(1 for p in counted_at_end if p["ethnicity"].strip() in {"汉族", "汉"})


# --------------------------------------------------------------------------- who may read


def test_tenant_report_is_isolated_and_for_admins_and_inspectors(tenant_a: TenantWorld, tenant_b: TenantWorld):
    with tenant_a.tenant:
        branch = organization("branch", "隔离党支部", organization("committee", "甲"))
        member(branch, "隔离", gender="male", birth=date(1980, 1, 1), joined=date(2005, 1, 1),
               placed=timezone.localdate() - timedelta(days=800))  # fmt: skip
    assert_tenant_isolated(
        Endpoint("/api/v1/annual-report", change=None, deletable=False), owner=tenant_a, outsider=tenant_b
    )
    assert api(tenant_a.host, tenant_a.inspector).get("/api/v1/annual-report").status_code == 200
    assert api(tenant_a.host, tenant_a.inspector).get("/api/v1/annual-report?format=xlsx").status_code == 200
    for user in (tenant_a.member, tenant_a.secretary):
        assert api(tenant_a.host, user).get("/api/v1/annual-report").status_code == 403
    assert api(tenant_a.host, tenant_a.admin).post("/api/v1/annual-report").status_code in {403, 405}
    assert api(ROOT_HOST, tenant_a.admin).get("/api/v1/annual-report").status_code == 404


def test_group_report_is_for_the_root_only(
    tenant_a: TenantWorld, tenant_b: TenantWorld, group_admin: Any, group_viewer: Any
):
    endpoint = Endpoint("/api/v1/group/annual-report", change=None, deletable=False)
    assert_root_only(endpoint, allowed=group_admin, tenant_users=[tenant_a.admin, tenant_a.member, tenant_b.admin])
    assert_root_only(endpoint, allowed=group_viewer, tenant_users=[tenant_b.inspector])
    for world in (tenant_a, tenant_b):
        assert api(world.host, world.admin).get("/api/v1/group/annual-report").status_code == 404
