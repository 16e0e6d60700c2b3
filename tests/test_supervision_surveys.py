"""Surveys (issue 17, 问卷): single, multiple, rating and text questions validated, the respondents
fixed at opening, each answers once (validated per kind, required questions enforced), tallies
rewritten for the whole survey by one statement, anonymous text answers pooled and released in
shuffled batches (or at closing), results with shares, histograms and means, a named survey's
answers per person, the Excel export (audited), results to respondents only when shared after
closing, the beat, and per-endpoint isolation."""

from __future__ import annotations

import io
import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from partycloud.audit.models import AuditEvent
from tenants.notifications.models import Notification
from tenants.supervision.models import (
    CampaignStatus,
    Survey,
    SurveyOption,
    SurveyQuestion,
    SurveyRespondent,
    SurveyResponse,
    SurveyTextAnswer,
    SurveyTextPool,
)
from tenants.supervision.surveys_tasks import sweep_surveys
from tests.conftest import TenantWorld, api
from tests.isolation import Endpoint, assert_tenant_isolated
from tests.test_supervision_votes import BASE, Unit, changes, snapshot, window

QUESTIONS = [
    {"kind": "single", "text": "对支部工作总体评价", "options": ["满意", "基本满意", "不满意"]},
    {"kind": "multiple", "text": "希望加强哪些方面", "options": ["学习", "服务", "纪律", "宣传"], "max_choices": 2},
    {"kind": "rating", "text": "给“三会一课”打分", "rating_max": 5},
    {"kind": "text", "text": "其他意见和建议", "required": False},
]


def create_survey(unit: Unit, **fields: Any) -> dict[str, Any]:
    body = {
        "organization": unit.orgs["first"].pk, "title": "2026年支部工作满意度调查", "scope": "subtree",
        "anonymous": True, "questions": QUESTIONS, **window(),
    } | fields  # fmt: skip
    response = unit.worker.post(f"{BASE}/surveys", body, format="json")
    assert response.status_code == 201, response.content
    created: dict[str, Any] = response.json()
    return created


def open_survey(unit: Unit, **fields: Any) -> dict[str, Any]:
    survey = create_survey(unit, **fields)
    response = unit.worker.post(f"{BASE}/surveys/{survey['id']}/open")
    assert response.status_code == 200, response.content
    opened: dict[str, Any] = response.json()
    return opened


class Sheet:
    """A survey's question and option ids by position, to write answers by position."""

    def __init__(self, survey: dict[str, Any]) -> None:
        self.id = survey["id"]
        self.q = [q["id"] for q in survey["questions"]]
        self.o = [[o["id"] for o in q["options"]] for q in survey["questions"]]

    def answers(
        self, single: int = 0, multiple: tuple[int, ...] = (0,), rating: int | None = 4, text: str = ""
    ) -> list:
        rows: list[dict[str, Any]] = [
            {"question": self.q[0], "options": [self.o[0][single]]},
            {"question": self.q[1], "options": [self.o[1][n] for n in multiple]},
        ]
        if rating is not None:
            rows.append({"question": self.q[2], "rating": rating})
        if text:
            rows.append({"question": self.q[3], "text": text})
        return rows


def respond(unit: Unit, user: Any, sheet: Sheet, answers: list[dict[str, Any]]) -> Any:
    return unit.client(user).post(f"{BASE}/surveys/mine/{sheet.id}/respond", {"answers": answers}, format="json")


@pytest.fixture
def unit(tenant_a: TenantWorld) -> Unit:
    return Unit(tenant_a)


@pytest.fixture
def six(tenant_a: TenantWorld) -> Unit:
    return Unit(tenant_a, size=6)


# ---------------------------------------------------------------------------------- drafts and opening


def test_a_survey_is_drafted_with_every_kind_of_question_then_opened_to_its_scope(unit: Unit) -> None:
    survey = create_survey(unit)
    assert (survey["status"], survey["anonymous"], survey["can_edit"]) == ("draft", True, True)
    kinds = [(q["kind"], q["required"], q["max_choices"], len(q["options"])) for q in survey["questions"]]
    assert kinds == [
        ("single", True, None, 3),
        ("multiple", True, 2, 4),
        ("rating", True, None, 0),
        ("text", False, None, 0),
    ]
    changed = unit.worker.patch(
        f"{BASE}/surveys/{survey['id']}", {"questions": QUESTIONS[:2], "anonymous": False}, format="json"
    ).json()
    assert (len(changed["questions"]), changed["anonymous"]) == (2, False)
    opened = unit.worker.post(f"{BASE}/surveys/{survey['id']}/open").json()
    assert (opened["status"], opened["eligible_count"], opened["response_count"]) == ("open", 3, 0)
    with unit.world.tenant:
        assert set(SurveyRespondent.objects.filter(survey_id=survey["id"]).values_list("user_id", flat=True)) == {
            u.pk for u in unit.voters
        }
        told = Notification.objects.filter(kind="supervision.notice", link=f"/supervision/surveys/{survey['id']}")
        assert told.count() == 3
    late = unit.worker.patch(f"{BASE}/surveys/{survey['id']}", {"title": "改"}, format="json")
    assert (late.status_code, late.json()["code"]) == (409, "supervision.survey_not_draft")
    mine = unit.client(unit.voters[0]).get(f"{BASE}/surveys/mine").json()["results"]
    assert [(r["id"], r["responded"], r["can_respond"], r["question_count"]) for r in mine] == [
        (survey["id"], False, True, 2)
    ]
    assert unit.client(unit.outsider[0]).get(f"{BASE}/surveys/mine/{survey['id']}").status_code == 404


def test_questions_are_validated_and_markings_refused(unit: Unit) -> None:
    def refused(questions: list[dict[str, Any]], **fields: Any) -> tuple[str, Any]:
        body = {"organization": unit.orgs["first"].pk, "title": "调查", "questions": questions, **window()} | fields
        response = unit.worker.post(f"{BASE}/surveys", body, format="json")
        assert response.status_code == 400, response.content
        return response.json()["code"], response.json().get("question")

    assert refused([{"kind": "single", "text": "?", "options": ["是"]}]) == ("supervision.bad_question", 0)
    assert refused([QUESTIONS[0], {"kind": "multiple", "text": "?", "options": ["a", "a "]}]) == (
        "supervision.bad_question", 1,
    )  # fmt: skip
    assert refused([{"kind": "multiple", "text": "?", "options": ["a", "b"], "max_choices": 3}])[0] == (
        "supervision.bad_question"
    )
    assert refused([{"kind": "rating", "text": "?", "options": ["a", "b"]}])[0] == "supervision.bad_question"
    assert refused([{"kind": "text", "text": "  "}])[0] == "validation.blank"
    assert refused([{"kind": "rating", "text": "?", "rating_max": 11}])[0] == "validation.max_value"
    assert refused([])[0] == "validation.min_length"
    assert (
        refused([{"kind": "single", "text": "名单（机密）", "options": ["a", "b"]}])[0] == "confidentiality.classified"
    )
    with unit.world.tenant:
        assert AuditEvent.objects.filter(event="supervision.survey.classified.refuse").count() == 1
        assert not Survey.objects.exists()


def test_answers_are_checked_per_kind_required_questions_enforced_and_given_once(unit: Unit) -> None:
    sheet = Sheet(open_survey(unit))
    user = unit.voters[0]

    def code(answers: list[dict[str, Any]]) -> str:
        response = respond(unit, user, sheet, answers)
        assert response.status_code == 400, response.content
        return str(response.json()["code"])

    good = sheet.answers()
    assert code([{**good[0], "options": sheet.o[0][:2]}, *good[1:]]) == "supervision.bad_answer"  # single: two
    assert code([good[0], {**good[1], "options": sheet.o[1][:3]}, *good[2:]]) == "supervision.bad_answer"  # > 2
    assert code([good[0], {**good[1], "options": [sheet.o[0][0]]}, *good[2:]]) == "supervision.bad_answer"
    assert code(sheet.answers(rating=6)) == "supervision.bad_answer"
    assert code([*good[:2], {"question": sheet.q[2], "text": "好"}]) == "supervision.bad_answer"
    assert code(sheet.answers(rating=None)) == "supervision.bad_answer"  # the rating is required
    assert code([*good, {"question": 999999, "text": "?"}]) == "supervision.bad_answer"
    assert code([*good, good[0]]) == "supervision.bad_answer"
    assert code(sheet.answers(text="附件见【绝密】文件")) == "confidentiality.classified"
    done = respond(unit, user, sheet, good)  # the text question is optional
    assert done.status_code == 200, done.content
    assert (done.json()["responded"], done.json()["can_respond"]) == (True, False)
    again = respond(unit, user, sheet, good)
    assert (again.status_code, again.json()["code"]) == (409, "supervision.already_responded")
    assert respond(unit, unit.outsider[0], sheet, good).status_code == 404
    assert respond(unit, unit.world.member, sheet, good).status_code == 404
    with unit.world.tenant:
        assert Survey.objects.get(pk=sheet.id).response_count == 1


# ---------------------------------------------------------------------------------- results


def test_a_named_surveys_results_answers_per_person_and_export(unit: Unit) -> None:
    sheet = Sheet(open_survey(unit, anonymous=False))
    first, second, _third = unit.voters
    assert respond(unit, first, sheet, sheet.answers(0, (0, 1), 5, "多组织主题党日")).status_code == 200
    assert respond(unit, second, sheet, sheet.answers(0, (1,), 3)).status_code == 200
    results = unit.worker.get(f"{BASE}/surveys/{sheet.id}/results").json()
    assert (results["eligible_count"], results["response_count"], results["turnout"]) == (3, 2, 66.7)
    single, multiple, rating, text = results["questions"]
    assert [(o["count"], o["percent"]) for o in single["options"]] == [(2, 100.0), (0, 0.0), (0, 0.0)]
    assert [(o["count"], o["percent"]) for o in multiple["options"]] == [(1, 50.0), (2, 100.0), (0, 0.0), (0, 0.0)]
    assert (single["answered"], multiple["answered"], rating["answered"], text["answered"]) == (2, 2, 2, 1)
    assert [bar["count"] for bar in rating["ratings"]] == [0, 0, 1, 0, 1]
    assert rating["mean"] == 4.0
    assert (text["text_count"], text["texts"]) == (1, ["多组织主题党日"])
    rows = unit.worker.get(f"{BASE}/surveys/{sheet.id}/responses").json()["results"]
    by_name = {row["name"]: row for row in rows}
    assert set(by_name) == {first.name, second.name}
    assert by_name[first.name]["answers"][1]["options"] == sorted(sheet.o[1][:2])
    assert by_name[first.name]["answers"][3]["text"] == "多组织主题党日"
    export = unit.worker.get(f"{BASE}/surveys/{sheet.id}/export.xlsx")
    assert export.status_code == 200
    workbook = load_workbook(io.BytesIO(export.content))
    assert workbook.sheetnames[:2] == ["汇总", "文字回答"]
    assert sorted(workbook.sheetnames[2:]) == sorted([first.name, second.name])
    summary = list(workbook["汇总"].iter_rows(values_only=True))
    assert any(row[1:4] == ("满意", 2, 100.0) for row in summary)
    assert [row[1] for row in workbook["文字回答"].iter_rows(min_row=2, values_only=True)] == ["多组织主题党日"]
    person = list(workbook[first.name].iter_rows(values_only=True))
    assert any(row[1] == "学习；服务" or row[1] == "服务；学习" for row in person)
    with unit.world.tenant:
        exported = AuditEvent.objects.get(event="supervision.survey.export", target_id=str(sheet.id))
        assert exported.details == {"count": 2}
    # respondents see nothing until closed and shared
    hidden = unit.client(first).get(f"{BASE}/surveys/mine/{sheet.id}/results")
    assert (hidden.status_code, hidden.json()["code"]) == (403, "supervision.results_not_shared")


def test_anonymous_text_answers_wait_in_a_shuffled_pool_and_are_released_by_batches_or_at_closing(six: Unit) -> None:
    sheet = Sheet(open_survey(six))
    with six.world.tenant:
        option_ids = list(SurveyOption.objects.filter(question__survey_id=sheet.id).values_list("pk", flat=True))
    for n, user in enumerate(six.voters[:4], start=1):
        assert respond(six, user, sheet, sheet.answers(n % 3, (n % 4,), n % 5 + 1, f"意见{n}")).status_code == 200
        with six.world.tenant, connection.cursor() as cursor:
            # one version for the respondent's row, every option of the survey, every rating
            # question and every pooled text answer: this response's
            cursor.execute(
                "SELECT xmin::text FROM supervision_surveyrespondent WHERE survey_id = %s AND user_id = %s",
                [sheet.id, user.pk],
            )
            [(mine,)] = cursor.fetchall()
            cursor.execute(
                "SELECT DISTINCT xmin::text FROM supervision_surveyoption WHERE id = ANY(%s) "
                "UNION SELECT DISTINCT xmin::text FROM supervision_surveyquestion WHERE survey_id = %s AND kind = 'rating' "
                "UNION SELECT DISTINCT p.xmin::text FROM supervision_surveytextpool p "
                "JOIN supervision_surveyquestion q ON q.id = p.question_id WHERE q.survey_id = %s",
                [option_ids, sheet.id, sheet.id],
            )
            assert [row[0] for row in cursor.fetchall()] == [mine]
            assert SurveyTextPool.objects.filter(question__survey_id=sheet.id).count() == n
            assert not SurveyTextAnswer.objects.filter(question__survey_id=sheet.id).exists()
    results = six.worker.get(f"{BASE}/surveys/{sheet.id}/results").json()
    assert (results["pooled_text_count"], results["questions"][3]["text_count"]) == (4, 0)
    assert respond(six, six.voters[4], sheet, sheet.answers(text="意见5")).status_code == 200  # the fifth: released
    with six.world.tenant:
        assert not SurveyTextPool.objects.filter(question__survey_id=sheet.id).exists()
        released = set(SurveyTextAnswer.objects.filter(question__survey_id=sheet.id).values_list("text", flat=True))
        assert released == {f"意见{n}" for n in range(1, 6)}
        assert not SurveyResponse.objects.filter(survey_id=sheet.id).exists()  # anonymous: no response rows
    assert respond(six, six.voters[5], sheet, sheet.answers(text="意见6")).status_code == 200
    texts = six.worker.get(f"{BASE}/surveys/{sheet.id}/text-answers").json()
    assert texts["count"] == 5
    six.worker.post(f"{BASE}/surveys/{sheet.id}/close")
    texts = six.worker.get(f"{BASE}/surveys/{sheet.id}/text-answers?question={sheet.q[3]}").json()
    assert sorted(row["text"] for row in texts["results"]) == sorted(f"意见{n}" for n in range(1, 7))
    results = six.worker.get(f"{BASE}/surveys/{sheet.id}/results").json()
    assert (results["response_count"], results["pooled_text_count"]) == (6, 0)
    assert results["questions"][3]["answered"] is None  # anonymous: not attributed, only released
    assert sum(o["count"] for o in results["questions"][0]["options"]) == 6
    refused = six.worker.get(f"{BASE}/surveys/{sheet.id}/responses")
    assert (refused.status_code, refused.json()["code"]) == (409, "supervision.survey_anonymous")
    with six.world.tenant:
        # the respondents' rows hold no time and no answer
        assert [f.name for f in SurveyRespondent._meta.concrete_fields] == [
            "id", "survey", "user", "organization_id", "responded",
        ]  # fmt: skip
        assert [f.name for f in SurveyTextAnswer._meta.concrete_fields] == ["id", "question", "text"]
        assert [f.name for f in SurveyTextPool._meta.concrete_fields] == ["id", "question", "text"]
        assert all(
            q.rating_counts == [0] * q.rating_max or sum(q.rating_counts) == 6
            for q in SurveyQuestion.objects.filter(survey_id=sheet.id, kind="rating")
        )


def test_an_anonymous_response_changes_only_flags_counters_and_the_shuffled_pool(
    six: Unit, caplog: pytest.LogCaptureFixture
) -> None:
    sheet = Sheet(open_survey(six))
    schema = six.world.tenant.schema_name
    caplog.set_level(logging.DEBUG)
    for name in [*logging.Logger.manager.loggerDict, "django.db.backends"]:
        caplog.set_level(logging.DEBUG, logger=name)
    for n, user in enumerate(six.voters[:3], start=1):
        connection.set_schema_to_public()
        with six.world.tenant:
            before = snapshot([schema, "public"])
        with CaptureQueriesContext(connection) as queries:  # Django's debug cursor on: it must see no answer
            assert respond(six, user, sheet, sheet.answers(n % 3, (n % 4,), n, f"匿名意见Ω{n}")).status_code == 200
        assert not any("匿名意见Ω" in query["sql"] for query in queries.captured_queries)
        with six.world.tenant:
            changed = changes(before, snapshot([schema, "public"]))
        tables = {table.split(".")[1] for table in changed}
        assert tables == {
            "supervision_survey", "supervision_surveyrespondent", "supervision_surveyoption",
            "supervision_surveyquestion", "supervision_surveytextpool",
        }, tables  # fmt: skip
        assert len({xmin for rows in changed.values() for xmin, _row in rows}) == 1  # one transaction for all
        [(_xmin, respondent)] = changed[f"{schema}.supervision_surveyrespondent"]
        assert (set(respondent), respondent["user_id"], respondent["responded"]) == (
            {"id", "survey_id", "user_id", "organization_id", "responded"}, user.pk, True,
        )  # fmt: skip
        options = [row for _xmin, row in changed[f"{schema}.supervision_surveyoption"]]
        assert len(options) == sum(len(ids) for ids in sheet.o)  # every option of the survey
        assert [row["kind"] for _xmin, row in changed[f"{schema}.supervision_surveyquestion"]] == ["rating"]
        pooled = [row for _xmin, row in changed[f"{schema}.supervision_surveytextpool"]]
        assert len(pooled) == n  # the whole pool rewritten
        assert all(set(row) == {"id", "question_id", "text"} for row in pooled)
    for record in caplog.records:
        line = record.getMessage() + json.dumps(record.__dict__, default=str, ensure_ascii=False)
        assert "匿名意见Ω" not in line
        assert not ("UPDATE" in line and "supervision_surveyoption" in line)


def test_respondents_see_the_results_only_after_closing_when_the_organizer_shares_them(unit: Unit) -> None:
    shared = Sheet(open_survey(unit, results_to_respondents=True))
    kept = Sheet(open_survey(unit))
    user = unit.voters[0]
    for sheet in (shared, kept):
        assert respond(unit, user, sheet, sheet.answers()).status_code == 200
        assert unit.client(user).get(f"{BASE}/surveys/mine/{sheet.id}/results").status_code == 403
        unit.worker.post(f"{BASE}/surveys/{sheet.id}/close")
    results = unit.client(user).get(f"{BASE}/surveys/mine/{shared.id}/results")
    assert results.status_code == 200
    assert results.json()["response_count"] == 1
    assert unit.client(user).get(f"{BASE}/surveys/mine/{kept.id}/results").status_code == 403
    mine = {row["id"]: row for row in unit.client(user).get(f"{BASE}/surveys/mine").json()["results"]}
    assert (mine[shared.id]["results_available"], mine[kept.id]["results_available"]) == (True, False)
    closed = respond(unit, unit.voters[1], shared, shared.answers())
    assert (closed.status_code, closed.json()["code"]) == (409, "supervision.survey_not_open")
    assert unit.client(unit.voters[1]).get(f"{BASE}/surveys/{shared.id}/results").status_code == 403


def test_the_beat_opens_due_surveys_and_closes_them_releasing_the_pool(six: Unit) -> None:
    later = create_survey(six, **window(opens=timedelta(hours=2)))
    due = Sheet(create_survey(six))
    with six.world.tenant:
        assert sweep_surveys() == {"opened": 1, "closed": 0}
        assert Survey.objects.get(pk=later["id"]).status == CampaignStatus.DRAFT
    assert respond(six, six.voters[0], due, due.answers(text="只有一条")).status_code == 200
    with six.world.tenant:
        assert SurveyTextPool.objects.count() == 1
        Survey.objects.filter(pk=due.id).update(closes_at=timezone.now() - timedelta(seconds=1))
        assert sweep_surveys() == {"opened": 0, "closed": 1}
        assert sweep_surveys() == {"opened": 0, "closed": 0}
        assert Survey.objects.get(pk=due.id).status == CampaignStatus.CLOSED
        assert not SurveyTextPool.objects.exists()
        assert list(SurveyTextAnswer.objects.values_list("text", flat=True)) == ["只有一条"]


def test_a_draft_is_deleted_and_a_cancelled_survey_takes_no_answers(unit: Unit) -> None:
    draft = create_survey(unit)
    assert unit.worker.delete(f"{BASE}/surveys/{draft['id']}").status_code == 204
    sheet = Sheet(open_survey(unit))
    assert unit.worker.post(f"{BASE}/surveys/{sheet.id}/cancel").json()["status"] == "cancelled"
    assert respond(unit, unit.voters[0], sheet, sheet.answers()).json()["code"] == "supervision.survey_not_open"
    assert unit.worker.post(f"{BASE}/surveys/{sheet.id}/open").json()["code"] == "supervision.survey_bad_transition"


# ---------------------------------------------------------------------------------- isolation


def test_every_survey_endpoint_is_isolated_between_tenants_and_from_anonymous(
    unit: Unit, tenant_a: TenantWorld, tenant_b: TenantWorld
) -> None:
    sheet = Sheet(open_survey(unit, anonymous=False))
    assert respond(unit, unit.voters[0], sheet, sheet.answers(text="好")).status_code == 200
    draft = create_survey(unit)
    for endpoint in (
        Endpoint(f"{BASE}/surveys", object_id=draft["id"], change={"title": "被改"},
                 create={"organization": unit.orgs["first"].pk, "title": "外人", "questions": QUESTIONS, **window()}),
        Endpoint(f"{BASE}/surveys", object_id=sheet.id, change={"title": "被改"}, deletable=False),
        Endpoint(f"{BASE}/surveys/{sheet.id}/results", change=None, deletable=False),
        Endpoint(f"{BASE}/surveys/{sheet.id}/responses", change=None, deletable=False),
        Endpoint(f"{BASE}/surveys/{sheet.id}/text-answers", change=None, deletable=False),
    ):  # fmt: skip
        assert_tenant_isolated(endpoint, owner=tenant_a, outsider=tenant_b)
    for client, expect in (
        (api(tenant_a.host, tenant_b.admin), {403, 404}),
        (api(tenant_a.host, tenant_b.member), {403, 404}),
        (api(tenant_a.host), {401}),
        (api(tenant_b.host, tenant_b.admin), {404}),
    ):
        for action in ("open", "close", "cancel"):
            assert client.post(f"{BASE}/surveys/{sheet.id}/{action}").status_code in expect
        assert client.get(f"{BASE}/surveys/{sheet.id}/export.xlsx").status_code in expect
        assert client.get(f"{BASE}/surveys/mine/{sheet.id}").status_code in expect
        assert client.get(f"{BASE}/surveys/mine/{sheet.id}/results").status_code in expect
        answers = {"answers": sheet.answers()}
        assert client.post(f"{BASE}/surveys/mine/{sheet.id}/respond", answers, format="json").status_code in expect
        mine = client.get(f"{BASE}/surveys/mine")
        assert mine.status_code in expect or sheet.id not in {row["id"] for row in mine.json()["results"]}
    with tenant_a.tenant:
        assert Survey.objects.get(pk=sheet.id).response_count == 1
        assert Survey.objects.get(pk=sheet.id).status == CampaignStatus.OPEN
    assert api(tenant_a.host, unit.voters[1]).get(f"{BASE}/surveys/{sheet.id}/results").status_code == 403
