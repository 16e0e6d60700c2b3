"""Study time from heartbeats (counted once across tabs, capped per DOMAIN_RULES §6), courses,
question banks, generated papers, time limits and scoring."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partycloud.accounts.actor import Actor
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.isolation import Endpoint, assert_tenant_isolated
from tests.learning_support import clean_search  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.get_current_timezone())


def article(client: Any, title: str = "学习党的二十大精神") -> str:
    response = client.post(
        "/api/v1/learning/resources",
        {"kind": "article", "title": title, "body_html": "<p>深入学习宣传贯彻党的二十大精神。</p>", "publish": True},
    )
    assert response.status_code == 201, response.json()
    return str(response.json()["id"])


def beat(world: TenantWorld, resource: str, session: str, state: str, at: datetime) -> Any:
    from tenants.learning.study import do_record_heartbeat

    with world.tenant:
        return do_record_heartbeat(
            actor=Actor.for_user(world.member), resource_uuid=resource, session=session, state=state, now=at
        )


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def test_time_between_heartbeats_counts(tenant_a: TenantWorld) -> None:
    resource = article(api(tenant_a.host, tenant_a.admin))
    assert beat(tenant_a, resource, "tab1", "start", at(0)).counted_seconds == 0
    assert beat(tenant_a, resource, "tab1", "tick", at(15)).counted_seconds == 15
    assert beat(tenant_a, resource, "tab1", "tick", at(30)).counted_seconds == 15
    result = beat(tenant_a, resource, "tab1", "stop", at(40))
    assert result.counted_seconds == 10
    assert result.reading_seconds == 40


def test_two_tabs_never_count_the_same_seconds_twice(tenant_a: TenantWorld) -> None:
    resource = article(api(tenant_a.host, tenant_a.admin))
    beat(tenant_a, resource, "tab1", "start", at(0))
    beat(tenant_a, resource, "phone", "start", at(7))
    for second in range(15, 91, 15):
        beat(tenant_a, resource, "tab1", "tick", at(second))
        last = beat(tenant_a, resource, "phone", "tick", at(second + 7))
    assert last.reading_seconds == 97  # wall time from 0 to 97, once


def test_a_long_gap_counts_only_the_maximum_and_a_pause_counts_nothing(tenant_a: TenantWorld) -> None:
    resource = article(api(tenant_a.host, tenant_a.admin))
    beat(tenant_a, resource, "tab1", "start", at(0))
    assert beat(tenant_a, resource, "tab1", "tick", at(15)).counted_seconds == 15
    assert beat(tenant_a, resource, "tab1", "tick", at(50)).counted_seconds == 20  # a late tick
    assert beat(tenant_a, resource, "tab1", "tick", at(600)).counted_seconds == 0  # lid closed: starts over
    assert beat(tenant_a, resource, "tab1", "tick", at(615)).counted_seconds == 15
    beat(tenant_a, resource, "tab1", "stop", at(620))
    beat(tenant_a, resource, "tab1", "start", at(900))  # paused for almost 5 minutes
    assert beat(tenant_a, resource, "tab1", "tick", at(915)).counted_seconds == 15


def test_credited_time_stops_at_the_daily_cap_and_completion_is_an_event(tenant_a: TenantWorld) -> None:
    from tenants.learning.models import StudyEvent

    resource = article(api(tenant_a.host, tenant_a.admin))
    beat(tenant_a, resource, "tab1", "start", at(0))
    second = 0
    for second in range(20, 40 * 60, 20):
        result = beat(tenant_a, resource, "tab1", "tick", at(second))
    assert result.reading_seconds == second
    assert result.credited_reading_seconds == 8 * 4 * 60  # 8 points × 4 minutes
    with tenant_a.tenant:
        kinds = sorted(StudyEvent.objects.filter(user=tenant_a.member).values_list("kind", flat=True))
        assert kinds == ["article_read", "reading_time"]
        assert StudyEvent.objects.get(kind="reading_time").quantity == 8 * 4 * 60


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]), st.sampled_from(["start", "tick", "tick", "stop"]), st.integers(1, 40)
        ),
        min_size=1,
        max_size=30,
    )
)
def test_counted_time_never_exceeds_wall_time(tenant_a: TenantWorld, beats: list[tuple[str, str, int]]) -> None:
    from tenants.learning.models import StudyDay

    resource = article(api(tenant_a.host, tenant_a.admin), "性质测试")
    with tenant_a.tenant:
        StudyDay.objects.filter(user=tenant_a.member).delete()
    clock = 0
    for session, state, step in beats:
        clock += step
        result = beat(tenant_a, resource, session, state, at(clock))
        assert result.reading_seconds <= clock


def test_heartbeat_api_counts_group_resources_in_a_tenant(tenant_a: TenantWorld, group_admin: Any) -> None:
    shared = article(api(ROOT_HOST, group_admin), "集团共享读本")
    member = api(tenant_a.host, tenant_a.member)
    response = member.post("/api/v1/learning/study/heartbeats", {"resource": shared, "session": "s1", "state": "start"})
    assert response.status_code == 200, response.json()
    assert member.get("/api/v1/learning/study/me").json()["today"]["reading_cap_seconds"] == 1920
    bad = member.post("/api/v1/learning/study/heartbeats", {"resource": shared, "session": "s1", "state": "jump"})
    assert bad.status_code == 400
    assert bad.json()["field"] == "state"
    assert api(tenant_a.host).post("/api/v1/learning/study/heartbeats", {}).status_code == 401


def test_course_mixes_own_and_group_resources_and_tracks_progress(tenant_a: TenantWorld, group_admin: Any) -> None:
    admin = api(tenant_a.host, tenant_a.admin)
    own = article(admin, "支部学习材料")
    shared = article(api(ROOT_HOST, group_admin), "集团精品党课讲稿")
    created = admin.post("/api/v1/learning/courses", {"title": "新党员入门", "resources": [own, shared]})
    assert created.status_code == 201, created.json()
    course = created.json()
    assert [item["title"] for item in course["items"]] == ["支部学习材料", "集团精品党课讲稿"]
    assert admin.post(f"/api/v1/learning/courses/{course['id']}/publish").status_code == 200
    beat(tenant_a, own, "t", "start", at(0))
    for second in (20, 40, 60):
        beat(tenant_a, own, "t", "tick", at(second))
    progress = api(tenant_a.host, tenant_a.member).get(f"/api/v1/learning/courses/{course['id']}/progress").json()
    assert (progress["completed"], progress["total"], progress["percent"]) == (1, 2, 50)
    duplicate = admin.post("/api/v1/learning/courses", {"title": "重复", "resources": [own, own]})
    assert duplicate.status_code == 400
    assert duplicate.json()["code"] == "learning.course_duplicate"


# ---------------------------------------------------------------- quizzes


def make_quiz(admin: Any, *, time_limit: int = 30, attempts: int = 2) -> dict[str, Any]:
    bank = admin.post("/api/v1/learning/question-banks", {"title": "党章知识"}).json()
    questions = [
        {"kind": "single", "stem": "党的最高领导机关是？", "options": ["全国代表大会和中央委员会", "中央政治局"], "answer": [0]},
        {"kind": "single", "stem": "预备期一般为？", "options": ["半年", "一年", "两年"], "answer": [1]},
        {"kind": "multiple", "stem": "三会一课包括？", "options": ["支部党员大会", "支部委员会", "党小组会", "茶话会"], "answer": [0, 1, 2]},
        {"kind": "true_false", "stem": "党员应当按期交纳党费。", "answer": [0]},
    ]  # fmt: skip
    for question in questions:
        response = admin.post("/api/v1/learning/questions", {**question, "bank": bank["id"]})
        assert response.status_code == 201, response.json()
    quiz = admin.post(
        "/api/v1/learning/quizzes",
        {
            "title": "党章知识测试",
            "bank": bank["id"],
            "single_count": 2,
            "multiple_count": 1,
            "true_false_count": 1,
            "time_limit_minutes": time_limit,
            "max_attempts": attempts,
            "pass_percent": 75,
        },
    )
    assert quiz.status_code == 201, quiz.json()
    assert admin.post(f"/api/v1/learning/quizzes/{quiz.json()['id']}/publish").status_code == 200
    result: dict[str, Any] = quiz.json()
    return result


def correct_answers(world: TenantWorld, attempt_id: int) -> dict[str, list[int]]:
    from tenants.learning.models import QuizAttempt

    with world.tenant:
        paper = QuizAttempt.objects.get(pk=attempt_id).paper
    return {str(item["id"]): item["answer"] for item in paper}


def test_question_validation_names_the_field(tenant_a: TenantWorld) -> None:
    admin = api(tenant_a.host, tenant_a.admin)
    bank = admin.post("/api/v1/learning/question-banks", {"title": "题库"}).json()
    single_two = admin.post(
        "/api/v1/learning/questions",
        {"bank": bank["id"], "kind": "single", "stem": "？", "options": ["甲", "乙"], "answer": [0, 1]},
    )
    assert single_two.status_code == 400
    assert single_two.json()["field"] == "answer"
    outside = admin.post(
        "/api/v1/learning/questions",
        {"bank": bank["id"], "kind": "multiple", "stem": "？", "options": ["甲", "乙"], "answer": [0, 5]},
    )
    assert outside.status_code == 400
    assert outside.json()["code"] == "learning.answer_invalid"


def test_paper_is_generated_scored_and_answers_hidden_until_handed_in(tenant_a: TenantWorld) -> None:
    quiz = make_quiz(api(tenant_a.host, tenant_a.admin))
    member = api(tenant_a.host, tenant_a.member)
    assert member.get("/api/v1/learning/questions").json()["count"] == 0  # members never see the bank
    attempt = member.post(f"/api/v1/learning/quizzes/{quiz['id']}/start").json()
    assert len(attempt["questions"]) == 4
    assert all("answer" not in question for question in attempt["questions"])
    # Starting again resumes the same paper.
    assert member.post(f"/api/v1/learning/quizzes/{quiz['id']}/start").json()["id"] == attempt["id"]
    answers = correct_answers(tenant_a, attempt["id"])
    wrong_one = next(key for key, value in answers.items() if value == [0] or value == [1])
    answers[wrong_one] = [1] if answers[wrong_one] == [0] else [0]
    result = member.post(f"/api/v1/learning/attempts/{attempt['id']}/submit", {"answers": answers}).json()
    assert (result["score"], result["max_score"], result["passed"]) == ("30.00", "40.00", True)
    assert all("answer" in question for question in result["questions"])


def test_time_limit_scores_the_answers_saved_in_time(tenant_a: TenantWorld) -> None:
    from tenants.learning.models import QuizAttempt
    from tenants.learning.quizzes import do_submit_attempt

    quiz = make_quiz(api(tenant_a.host, tenant_a.admin), time_limit=1)
    member = api(tenant_a.host, tenant_a.member)
    attempt = member.post(f"/api/v1/learning/quizzes/{quiz['id']}/start").json()
    answers = correct_answers(tenant_a, attempt["id"])
    first = dict(list(answers.items())[:2])
    assert member.patch(f"/api/v1/learning/attempts/{attempt['id']}", {"answers": first}).status_code == 200
    with tenant_a.tenant:
        row = QuizAttempt.objects.get(pk=attempt["id"])
        late = do_submit_attempt(row, answers=answers, now=row.deadline_at + timedelta(minutes=5))
        assert late.score == 20  # only the two saved in time count
        assert late.submitted_at == row.deadline_at


def test_attempts_are_limited(tenant_a: TenantWorld) -> None:
    quiz = make_quiz(api(tenant_a.host, tenant_a.admin), attempts=1)
    member = api(tenant_a.host, tenant_a.member)
    attempt = member.post(f"/api/v1/learning/quizzes/{quiz['id']}/start").json()
    member.post(f"/api/v1/learning/attempts/{attempt['id']}/submit", {"answers": {}})
    again = member.post(f"/api/v1/learning/quizzes/{quiz['id']}/start")
    assert again.status_code == 409
    assert again.json()["code"] == "learning.no_attempts_left"


def test_quiz_endpoints_are_tenant_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld) -> None:
    admin = api(tenant_a.host, tenant_a.admin)
    quiz = make_quiz(admin)
    attempt = api(tenant_a.host, tenant_a.admin).post(f"/api/v1/learning/quizzes/{quiz['id']}/start").json()
    for endpoint in (
        Endpoint("/api/v1/learning/quizzes", object_id=quiz["id"], change={"title": "改"}),
        Endpoint("/api/v1/learning/question-banks", object_id=quiz["bank"], change={"title": "改"}),
        Endpoint(
            "/api/v1/learning/attempts",
            object_id=attempt["id"],
            change={"answers": {}},
            deletable=False,
            volatile=("seconds_left",),
        ),
    ):
        assert_tenant_isolated(endpoint, owner=tenant_a, outsider=tenant_b)


def test_course_endpoints_are_tenant_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld) -> None:
    admin = api(tenant_a.host, tenant_a.admin)
    own = article(admin, "支部学习材料")
    course = admin.post("/api/v1/learning/courses", {"title": "入门", "resources": [own]}).json()
    assert_tenant_isolated(
        Endpoint("/api/v1/learning/courses", object_id=course["id"], change=None), owner=tenant_a, outsider=tenant_b
    )
