"""Question banks, generated papers, time limits and automatic scoring.

A paper is generated per attempt (so many questions of each kind, drawn at random, choices
shuffled) and stored with the attempt, so later edits to the bank never change a paper that
was taken. Answers can be saved while the clock runs; a submission after the time limit
scores what was saved by the deadline, so nothing answered in time is lost.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.core.errors import Conflict, ServiceError
from tenants.learning.errors import LearningCode
from tenants.learning.models import (
    Question,
    QuestionBank,
    QuestionKind,
    Quiz,
    QuizAttempt,
    ResourceStatus,
    StudyEvent,
    StudyEventKind,
)
from tenants.learning.rules import STUDY_RULE

# Network latency between the last click and the server: a submission this late still counts.
SUBMIT_GRACE = timedelta(seconds=30)
TRUE_FALSE_OPTIONS = ["正确", "错误"]


@dataclass
class QuestionDraft:
    kind: str
    stem: str
    options: list[str]
    answer: list[int]
    explanation: str = ""


def check_question(draft: QuestionDraft) -> QuestionDraft:
    """The question is well formed for its kind (errors name the field to fix)."""
    stem = draft.stem.strip()
    if not stem:
        raise ServiceError(LearningCode.QUESTION_EMPTY, _("Write the question."), "stem")
    options = [option.strip() for option in draft.options]
    answer = sorted(set(draft.answer))
    if draft.kind == QuestionKind.TRUE_FALSE:
        options = []
        if answer not in ([0], [1]):
            raise ServiceError(
                LearningCode.ANSWER_INVALID, _("A true-or-false answer is 0 (true) or 1 (false)."), "answer"
            )
    elif draft.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if len(options) < 2 or any(not option for option in options):
            raise ServiceError(LearningCode.OPTIONS_INVALID, _("Give at least two non-empty choices."), "options")
        if len(set(options)) != len(options):
            raise ServiceError(LearningCode.OPTIONS_INVALID, _("Two choices are the same."), "options")
        if not answer or any(index < 0 or index >= len(options) for index in answer):
            raise ServiceError(LearningCode.ANSWER_INVALID, _("The answer must point at the choices."), "answer")
        if draft.kind == QuestionKind.SINGLE and len(answer) != 1:
            raise ServiceError(
                LearningCode.ANSWER_INVALID, _("A single-choice question has exactly one answer."), "answer"
            )
        if draft.kind == QuestionKind.MULTIPLE and len(answer) < 2:
            raise ServiceError(
                LearningCode.ANSWER_INVALID, _("A multiple-choice question has at least two answers."), "answer"
            )
    else:
        raise ServiceError(LearningCode.QUESTION_KIND, _("Unknown question kind."), "kind")
    return QuestionDraft(draft.kind, stem, options, answer, draft.explanation.strip())


# ---------------------------------------------------------------- writing banks, questions and quizzes
# The library's managers write them (the API's permission); each write is one function here.

BANK_FIELDS = frozenset({"title", "category"})
QUESTION_FIELDS = frozenset({"bank", "kind", "stem", "options", "answer", "explanation", "active"})
QUIZ_FIELDS = frozenset({
    "title", "bank", "single_count", "multiple_count", "true_false_count", "points_per_question",
    "time_limit_minutes", "pass_percent", "max_attempts", "opens_at", "closes_at",
})  # fmt: skip


def _check_fields(fields: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ServiceError(LearningCode.UNKNOWN_FIELD, _("Unknown field."), sorted(unknown)[0])
    if "title" in fields and not str(fields["title"]).strip():
        raise ServiceError(LearningCode.TITLE_REQUIRED, _("Enter a title."), "title")


def _apply(instance: Any, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        setattr(instance, name, value.strip() if name == "title" else value)
    instance.save()


def do_create_question_bank(*, actor: Actor, **fields: Any) -> QuestionBank:
    _check_fields({"title": "", **fields}, BANK_FIELDS)
    bank = QuestionBank()
    _apply(bank, fields)
    return bank


def do_update_question_bank(bank: QuestionBank, *, actor: Actor, **changes: Any) -> QuestionBank:
    _check_fields(changes, BANK_FIELDS)
    _apply(bank, changes)
    return bank


def do_delete_question_bank(bank: QuestionBank, *, actor: Actor) -> None:
    """Its questions go with it; a bank that quizzes draw from is kept (409, and the database's
    PROTECT behind it)."""
    if bank.quizzes.exists():
        raise Conflict(
            LearningCode.BANK_IN_USE, _("Quizzes draw from this question bank: delete or change them first.")
        )
    bank.delete()


def _checked_question(question: Question, changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` with the question's text normalized, checked as the question they make."""
    _check_fields(changes, QUESTION_FIELDS)
    draft = check_question(
        QuestionDraft(
            kind=changes.get("kind", question.kind),
            stem=changes.get("stem", question.stem),
            options=changes.get("options", question.options),
            answer=changes.get("answer", question.answer),
            explanation=changes.get("explanation", question.explanation),
        )
    )
    return {**changes, **draft.__dict__}


def do_create_question(*, actor: Actor, **fields: Any) -> Question:
    question = Question()
    _apply(question, _checked_question(question, fields))
    return question


def do_update_question(question: Question, *, actor: Actor, **changes: Any) -> Question:
    _apply(question, _checked_question(question, changes))
    return question


def do_delete_question(question: Question, *, actor: Actor) -> None:
    """Papers already generated keep their copy of the question."""
    question.delete()


def check_quiz_schedule(quiz: Quiz) -> None:
    if quiz.opens_at and quiz.closes_at and quiz.closes_at <= quiz.opens_at:
        raise ServiceError(LearningCode.QUIZ_CLOSES_BEFORE_OPENS, _("The quiz must close after it opens."), "closes_at")


def do_create_quiz(*, actor: Actor, **fields: Any) -> Quiz:
    """A draft quiz; publishing checks that the bank can fill its paper."""
    _check_fields({"title": "", **fields}, QUIZ_FIELDS)
    quiz = Quiz(**fields)
    check_quiz_schedule(quiz)
    quiz.title = quiz.title.strip()
    quiz.save()
    return quiz


def do_update_quiz(quiz: Quiz, *, actor: Actor, **changes: Any) -> Quiz:
    _check_fields(changes, QUIZ_FIELDS)
    for name, value in changes.items():
        setattr(quiz, name, value.strip() if name == "title" else value)
    check_quiz_schedule(quiz)
    quiz.save()
    return quiz


def do_delete_quiz(quiz: Quiz, *, actor: Actor) -> None:
    quiz.delete()


def do_publish_quiz(quiz: Quiz, *, actor: Actor) -> Quiz:
    """Readers see it and take it; refused when the bank cannot fill the paper."""
    check_quiz_paper(quiz)
    quiz.status = ResourceStatus.PUBLISHED
    quiz.save(update_fields=["status"])
    return quiz


def do_close_quiz(quiz: Quiz, *, actor: Actor) -> Quiz:
    quiz.status = ResourceStatus.ARCHIVED
    quiz.save(update_fields=["status"])
    return quiz


def _available(quiz: Quiz) -> dict[str, list[Question]]:
    by_kind: dict[str, list[Question]] = {kind: [] for kind in QuestionKind.values}
    for question in quiz.bank.questions.filter(active=True):
        by_kind[question.kind].append(question)
    return by_kind


def check_quiz_paper(quiz: Quiz) -> None:
    """The bank holds enough active questions of each kind for the paper."""
    available = _available(quiz)
    wanted = {
        QuestionKind.SINGLE: quiz.single_count,
        QuestionKind.MULTIPLE: quiz.multiple_count,
        QuestionKind.TRUE_FALSE: quiz.true_false_count,
    }
    if sum(wanted.values()) == 0:
        raise ServiceError(LearningCode.PAPER_EMPTY, _("A paper needs at least one question."), "single_count")
    for kind, count in wanted.items():
        if len(available[kind]) < count:
            raise ServiceError(
                LearningCode.NOT_ENOUGH_QUESTIONS,
                _("The bank has %(have)d active questions of kind “%(kind)s”; the paper needs %(need)d.")
                % {"have": len(available[kind]), "kind": QuestionKind(kind).label, "need": count},
                f"{kind}_count",
            )


def generate_paper(quiz: Quiz, rng: random.Random | None = None) -> list[dict[str, Any]]:
    rng = rng or random.SystemRandom()
    check_quiz_paper(quiz)
    available = _available(quiz)
    paper: list[dict[str, Any]] = []
    counts = [
        (QuestionKind.SINGLE, quiz.single_count),
        (QuestionKind.MULTIPLE, quiz.multiple_count),
        (QuestionKind.TRUE_FALSE, quiz.true_false_count),
    ]
    for kind, count in counts:
        for question in rng.sample(available[kind], count):
            options = list(question.options) if kind != QuestionKind.TRUE_FALSE else TRUE_FALSE_OPTIONS
            order = list(range(len(options)))
            if kind != QuestionKind.TRUE_FALSE:
                rng.shuffle(order)
            answer = sorted(order.index(index) for index in question.answer)
            paper.append(
                {
                    "id": question.pk,
                    "kind": kind,
                    "stem": question.stem,
                    "options": [options[index] for index in order],
                    "answer": answer,
                    "explanation": question.explanation,
                }
            )
    return paper


def do_start_attempt(quiz: Quiz, *, actor: Actor, now: datetime | None = None) -> QuizAttempt:
    """A new paper for the actor, or the one they are still answering."""
    user = actor.user
    assert user is not None, "readers are signed in (the API's permission)"
    now = now or timezone.now()
    if quiz.status != ResourceStatus.PUBLISHED:
        raise ServiceError(LearningCode.QUIZ_CLOSED, _("This quiz is not open."), status=403)
    if quiz.opens_at and now < quiz.opens_at:
        raise ServiceError(LearningCode.QUIZ_NOT_OPEN, _("This quiz opens at %(time)s.") % {"time": quiz.opens_at})
    if quiz.closes_at and now > quiz.closes_at:
        raise ServiceError(LearningCode.QUIZ_CLOSED, _("This quiz closed at %(time)s.") % {"time": quiz.closes_at})
    with transaction.atomic():
        attempts = QuizAttempt.objects.select_for_update().filter(quiz=quiz, user=user)
        running = next((a for a in attempts if a.submitted_at is None and now <= a.deadline_at + SUBMIT_GRACE), None)
        if running is not None:
            return running
        for stale in (a for a in attempts if a.submitted_at is None):
            _score(stale, stale.deadline_at)  # ran out of time: saved answers count
        if sum(1 for _attempt in attempts) >= quiz.max_attempts:
            raise Conflict(
                LearningCode.NO_ATTEMPTS_LEFT,
                _("You have used all %(count)d attempts of this quiz.") % {"count": quiz.max_attempts},
            )
        paper = generate_paper(quiz)
        return QuizAttempt.objects.create(
            quiz=quiz,
            user=user,
            paper=paper,
            started_at=now,
            deadline_at=now + timedelta(minutes=quiz.time_limit_minutes),
            max_score=quiz.points_per_question * len(paper),
        )


def _clean_answers(attempt: QuizAttempt, answers: dict[str, Any]) -> dict[str, list[int]]:
    by_id = {str(item["id"]): item for item in attempt.paper}
    cleaned: dict[str, list[int]] = {}
    for key, value in answers.items():
        item = by_id.get(str(key))
        if item is None:
            raise ServiceError(
                LearningCode.ANSWER_UNKNOWN, _("An answer is for a question not on this paper."), "answers"
            )
        picked = value if isinstance(value, list) else [value]
        if not all(isinstance(index, int) and 0 <= index < len(item["options"]) for index in picked):
            raise ServiceError(LearningCode.ANSWER_INVALID, _("An answer points outside the choices."), "answers")
        cleaned[str(key)] = sorted(set(picked))
    return cleaned


def do_save_answers(attempt: QuizAttempt, *, answers: dict[str, Any], now: datetime | None = None) -> QuizAttempt:
    now = now or timezone.now()
    if attempt.submitted_at is not None:
        raise Conflict(LearningCode.ATTEMPT_SUBMITTED, _("This paper has been handed in."))
    if now > attempt.deadline_at + SUBMIT_GRACE:
        raise ServiceError(LearningCode.TIME_UP, _("Time is up: the answers saved before the deadline count."))
    attempt.answers = {**attempt.answers, **_clean_answers(attempt, answers)}
    attempt.save(update_fields=["answers"])
    return attempt


def do_submit_attempt(
    attempt: QuizAttempt, *, answers: dict[str, Any] | None = None, now: datetime | None = None
) -> QuizAttempt:
    now = now or timezone.now()
    with transaction.atomic():
        attempt = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.submitted_at is not None:
            return attempt  # handing in twice (a retry) changes nothing
        in_time = now <= attempt.deadline_at + SUBMIT_GRACE
        if answers and in_time:
            attempt.answers = {**attempt.answers, **_clean_answers(attempt, answers)}
        _score(attempt, now if in_time else attempt.deadline_at)
    return attempt


def _score(attempt: QuizAttempt, submitted_at: datetime) -> None:
    correct = sum(1 for item in attempt.paper if attempt.answers.get(str(item["id"])) == item["answer"])
    attempt.score = attempt.quiz.points_per_question * correct
    attempt.max_score = attempt.quiz.points_per_question * len(attempt.paper)
    attempt.passed = attempt.max_score > 0 and attempt.score * 100 >= attempt.max_score * Decimal(
        attempt.quiz.pass_percent
    )
    attempt.submitted_at = submitted_at
    attempt.save()
    StudyEvent.objects.get_or_create(
        user=attempt.user,
        dedupe_key=f"quiz:{attempt.pk}",
        defaults={
            "kind": StudyEventKind.QUIZ_COMPLETED,
            "quantity": int(attempt.score),
            "occurred_at": submitted_at,
            "rule_version": STUDY_RULE.version,
        },
    )


def attempt_view(attempt: QuizAttempt, *, now: datetime | None = None) -> dict[str, Any]:
    """What the learner sees: no answers before hand-in; answers and explanations after."""
    now = now or timezone.now()
    done = attempt.submitted_at is not None
    questions = []
    for item in attempt.paper:
        question = {"id": item["id"], "kind": item["kind"], "stem": item["stem"], "options": item["options"]}
        question["given"] = attempt.answers.get(str(item["id"]))
        if done:
            question["answer"] = item["answer"]
            question["correct"] = attempt.answers.get(str(item["id"])) == item["answer"]
            question["explanation"] = item["explanation"]
        questions.append(question)
    return {
        "id": attempt.pk,
        "quiz": attempt.quiz_id,
        "quiz_title": attempt.quiz.title,
        "started_at": attempt.started_at,
        "deadline_at": attempt.deadline_at,
        "seconds_left": max(0, int((attempt.deadline_at - now).total_seconds())) if not done else 0,
        "submitted_at": attempt.submitted_at,
        "score": attempt.score,
        "max_score": attempt.max_score,
        "passed": attempt.passed,
        "questions": questions,
    }
