"""The writes that keep an anonymous answer unlinkable to its author (docs/supervision.md,
"Surveys" and "Anonymous votes"). Used by ``surveys`` and ``votes``; each runs inside the
answer's transaction, under the survey's or the vote's row lock.

- ``execute_unlogged``: a statement carrying what someone chose or wrote goes through the raw DB-API
  cursor, never through Django's wrapper, which logs statements with their parameters whenever
  its debug cursor is on (DEBUG, ``CaptureQueriesContext``, debug toolbars).
- ``tally_options`` / ``tally_ratings``: ONE statement rewrites every option (every rating
  histogram) of the survey, chosen or not, so every row carries the answer's row version.
- ``pool_texts`` / ``release_text_pool``: anonymous text answers wait in a pool rewritten
  shuffled by every response, and are released in random order once one question has
  ``SURVEY_TEXT_BATCH`` of them (at least that many respondents mixed), the rest at closing.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from typing import Any

from django.db import connection

from tenants.supervision.models import Survey, SurveyOption, SurveyQuestion, SurveyTextAnswer, SurveyTextPool

# An anonymous survey's pooled text answers are released once one question has this many (each
# respondent gives at most one answer per question, so at least this many respondents are mixed
# in the batch), and all of them at closing.
SURVEY_TEXT_BATCH = 5


def execute_unlogged(sql: str, params: list[Any]) -> None:
    """Run one statement whose parameters say what someone chose, past Django's query logging."""
    with connection.cursor() as cursor:
        cursor.cursor.execute(sql, params)


def release_text_pool(survey: Survey, *, everything: bool = False) -> int:
    """Move pooled text answers into ``SurveyTextAnswer``, in random order with random keys: all of
    them once one question has ``SURVEY_TEXT_BATCH`` pooled answers (each respondent gives one
    per question, so the batch mixes at least that many respondents), or ``everything`` (closing).
    Runs under the survey's lock. Returns how many were released."""
    pooled = list(SurveyTextPool.objects.filter(question__survey=survey).values_list("question_id", "text"))
    if not pooled:
        return 0
    per_question = Counter(question_id for question_id, _text in pooled)
    if not everything and max(per_question.values()) < SURVEY_TEXT_BATCH:
        return 0
    random.SystemRandom().shuffle(pooled)
    SurveyTextPool.objects.filter(question__survey=survey).delete()
    _insert_texts(SurveyTextAnswer, pooled)
    return len(pooled)


def pool_texts(survey: Survey, texts: list[tuple[int, str]]) -> None:
    """Add a response's text answers to the pool, rewriting the whole pool shuffled: every pooled
    row then carries this transaction's id and a random place, so neither the rows' versions nor
    their order group the answers by respondent."""
    pooled = [*SurveyTextPool.objects.filter(question__survey=survey).values_list("question_id", "text"), *texts]
    random.SystemRandom().shuffle(pooled)
    SurveyTextPool.objects.filter(question__survey=survey).delete()
    _insert_texts(SurveyTextPool, pooled)


def _insert_texts(model: type[SurveyTextPool] | type[SurveyTextAnswer], rows: list[tuple[int, str]]) -> None:
    """Insert (question, text) rows with random keys, in the given order, in one statement past
    Django's query logging (the texts are what someone wrote; the log line would carry the user)."""
    if not rows:
        return
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    params: list[Any] = [value for question_id, text in rows for value in (uuid.uuid4(), question_id, text)]
    execute_unlogged(f"INSERT INTO {model._meta.db_table} (id, question_id, text) VALUES {values}", params)


def tally_options(survey: Survey, chosen: list[int]) -> None:
    """ONE statement rewrites every option of the survey: ``count + chosen`` (so every option row
    carries this transaction's version, whichever were chosen)."""
    option = SurveyOption._meta.db_table
    question = SurveyQuestion._meta.db_table
    execute_unlogged(
        f"UPDATE {option} SET count = count + CASE WHEN id = ANY(%s) THEN 1 ELSE 0 END "
        f"WHERE question_id IN (SELECT id FROM {question} WHERE survey_id = %s)",
        [chosen, survey.pk],
    )


def tally_ratings(rating_questions: list[SurveyQuestion], ratings: dict[int, int]) -> None:
    """ONE statement rewrites the histogram of every rating question of the survey (the counts
    were read under the survey's lock, so nothing moved meanwhile)."""
    if not rating_questions:
        return
    cases: list[str] = []
    params: list[Any] = []
    for question in rating_questions:
        counts = [int(n) for n in (question.rating_counts or [])]
        counts += [0] * (question.rating_max - len(counts))
        value = ratings.get(question.pk)
        if value is not None:
            counts[value - 1] += 1
        cases.append("WHEN %s THEN %s::jsonb")
        params += [question.pk, _json(counts)]
    table = SurveyQuestion._meta.db_table
    execute_unlogged(
        f"UPDATE {table} SET rating_counts = CASE id {' '.join(cases)} END WHERE id = ANY(%s)",
        [*params, [q.pk for q in rating_questions]],
    )


def _json(counts: list[int]) -> str:
    return "[" + ",".join(str(int(n)) for n in counts) + "]"
