"""A survey's results (docs/supervision.md, "Surveys"): counts and shares per option, rating
histograms and means, the text answers shown (an anonymous survey's released ones only), the
turnout; a named survey's answers per person; the Excel export (audited)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from partycloud.accounts.actor import Actor
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import Conflict
from partycloud.core.spreadsheets import HEADER_FILL
from tenants.supervision.errors import SupervisionCode
from tenants.supervision.models import (
    QuestionKind,
    Survey,
    SurveyOption,
    SurveyQuestion,
    SurveyResponse,
    SurveyTextAnswer,
    SurveyTextPool,
)
from tenants.supervision.surveys import check_manage, share

TEXTS_IN_RESULTS = 50


def results(actor: Actor, survey: Survey) -> dict[str, Any]:
    """Counts and shares per option, rating histograms and means, released text answers, turnout."""
    questions = list(SurveyQuestion.objects.filter(survey=survey).prefetch_related("options").order_by("position"))
    responses = survey.response_count
    texts: dict[int, list[str]] = {}
    text_counts = dict(
        SurveyTextAnswer.objects.filter(question__survey=survey)
        .values("question_id")
        .annotate(n=Count("id"))
        .values_list("question_id", "n")
    )
    for question in questions:
        if question.kind == QuestionKind.TEXT:
            texts[question.pk] = list(
                SurveyTextAnswer.objects.filter(question=question)
                .order_by("id")
                .values_list("text", flat=True)[:TEXTS_IN_RESULTS]
            )
    named = (
        None
        if survey.anonymous
        else list(SurveyResponse.objects.filter(survey=survey).values_list("answers", flat=True))
    )
    rows = []
    for question in questions:
        options = list(question.options.all())
        ratings = [int(n) for n in (question.rating_counts or [])] + [0] * question.rating_max
        ratings = ratings[: question.rating_max]
        rated = sum(ratings)
        answered: int | None
        if question.kind == QuestionKind.SINGLE:
            answered = sum(o.count for o in options)
        elif question.kind == QuestionKind.RATING:
            answered = rated
        elif named is not None:  # multiple choice and text of a named survey: from the responses
            answered = sum(1 for answers in named if str(question.pk) in answers)
        else:  # anonymous: several options per respondent; text answers pooled until released
            answered = None
        rows.append(
            {
                "id": question.pk,
                "position": question.position,
                "kind": question.kind,
                "text": question.text,
                "required": question.required,
                "answered": answered,
                "options": [
                    {"id": o.pk, "text": o.text, "count": o.count, "percent": share(o.count, responses)}
                    for o in options
                ],
                "ratings": (
                    [
                        {"value": value, "count": count, "percent": share(count, rated)}
                        for value, count in enumerate(ratings, start=1)
                    ]
                    if question.kind == QuestionKind.RATING
                    else []
                ),
                "mean": (
                    round(sum(value * count for value, count in enumerate(ratings, start=1)) / rated, 2)
                    if question.kind == QuestionKind.RATING and rated
                    else None
                ),
                "text_count": text_counts.get(question.pk, 0),
                "texts": texts.get(question.pk, []),
            }
        )
    return {
        "id": survey.pk,
        "title": survey.title,
        "anonymous": survey.anonymous,
        "status": survey.status,
        "eligible_count": survey.eligible_count,
        "response_count": responses,
        "turnout": share(responses, survey.eligible_count),
        "pooled_text_count": SurveyTextPool.objects.filter(question__survey=survey).count(),
        "questions": rows,
    }


def text_answers(actor: Actor, survey: Survey, *, question: Any = None) -> QuerySet[SurveyTextAnswer]:
    answers = SurveyTextAnswer.objects.filter(question__survey=survey)
    if question:
        answers = answers.filter(question_id=int(question)) if str(question).isdigit() else answers.none()
    return answers.order_by("question__position", "id")


def text_rows(page: Sequence[SurveyTextAnswer]) -> list[dict[str, Any]]:
    return [{"id": str(a.pk), "question": a.question_id, "text": a.text} for a in page]


def named_responses(actor: Actor, survey: Survey) -> QuerySet[SurveyResponse]:
    if survey.anonymous:
        raise Conflict(SupervisionCode.SURVEY_ANONYMOUS, _("An anonymous survey keeps no one's answers."))
    check_manage(actor, survey.organization_id)
    return SurveyResponse.objects.filter(survey=survey).order_by("organization_name", "name", "id")


def response_rows(survey: Survey, page: Sequence[SurveyResponse]) -> list[dict[str, Any]]:
    order = list(SurveyQuestion.objects.filter(survey=survey).order_by("position").values_list("pk", flat=True))
    return [
        {
            "id": response.pk,
            "name": response.name,
            "organization_name": response.organization_name,
            "submitted_at": response.submitted_at,
            "answers": [
                {
                    "question": question_id,
                    "options": response.answers[str(question_id)].get("options", []),
                    "rating": response.answers[str(question_id)].get("rating"),
                    "text": response.answers[str(question_id)].get("text", ""),
                }
                for question_id in order
                if str(question_id) in response.answers
            ],
        }
        for response in page
    ]


# ------------------------------------------------------------------------------ export


def _sheet_title(text: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in text).strip() or "-"
    title = cleaned[:31]
    n = 2
    while title in taken:
        suffix = f" ({n})"
        title = cleaned[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(title)
    return title


def export_workbook(actor: Actor, survey: Survey) -> bytes:
    """The workbook: 汇总 (each question's counts, shares, histogram and mean), 文字回答 (the
    released text answers), and for a named survey one sheet per person. Audited."""
    check_manage(actor, survey.organization_id)
    data = results(actor, survey)
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    taken: set[str] = set()
    summary.title = _sheet_title("汇总", taken)

    def header(sheet: Any, cells: list[str]) -> None:
        sheet.append(cells)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = HEADER_FILL

    summary.append([survey.title])
    summary.append(
        ["应参与人数", data["eligible_count"], "已答人数", data["response_count"], "参与率%", data["turnout"]]
    )
    summary.append([])
    kinds = dict(QuestionKind.choices)
    for number, question in enumerate(data["questions"], start=1):
        header(
            summary,
            [
                f"{number}. {question['text']}",
                str(kinds.get(question["kind"], question["kind"])),
                "人数",
                "占比%",
            ],
        )
        for option in question["options"]:
            summary.append(["", option["text"], option["count"], option["percent"]])
        for bar in question["ratings"]:
            summary.append(["", str(bar["value"]), bar["count"], bar["percent"]])
        if question["mean"] is not None:
            summary.append(["", "平均分", question["mean"], ""])
        if question["kind"] == QuestionKind.TEXT:
            summary.append(["", "文字回答条数", question["text_count"], ""])
        summary.append([])
    summary.column_dimensions["A"].width = 50
    summary.column_dimensions["B"].width = 30

    texts = workbook.create_sheet(_sheet_title("文字回答", taken))
    header(texts, ["题目", "回答"])
    titles = {q["id"]: f"{n}. {q['text']}" for n, q in enumerate(data["questions"], start=1)}
    for answer in text_answers(actor, survey):
        texts.append([titles.get(answer.question_id, ""), answer.text])
    texts.column_dimensions["A"].width = 40
    texts.column_dimensions["B"].width = 80

    people = 0
    if not survey.anonymous:
        options = dict(SurveyOption.objects.filter(question__survey=survey).values_list("pk", "text"))
        for response in SurveyResponse.objects.filter(survey=survey).order_by("organization_name", "name", "id"):
            people += 1
            sheet = workbook.create_sheet(_sheet_title(response.name or str(response.pk), taken))
            sheet.append(
                [
                    response.name,
                    response.organization_name,
                    timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M"),
                ]
            )
            header(sheet, ["题目", "回答"])
            for question in data["questions"]:
                answer = response.answers.get(str(question["id"]), {})
                shown = (
                    "；".join(options.get(o, "") for o in answer.get("options", []))
                    or (str(answer["rating"]) if answer.get("rating") is not None else "")
                    or answer.get("text", "")
                )
                sheet.append([titles[question["id"]], shown])
            sheet.column_dimensions["A"].width = 40
            sheet.column_dimensions["B"].width = 60
    do_record_audit(
        event="supervision.survey.export",
        actor=actor,
        target=survey,
        details={"count": people if not survey.anonymous else data["response_count"]},
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
