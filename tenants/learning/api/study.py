"""Study endpoints: heartbeats, my study, courses, question banks, quizzes and attempts."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import stored_user
from partycloud.core.api import validated
from tenants.learning.api.writes import ServiceModelViewSet
from tenants.learning.courses import course_progress, do_publish_course, do_save_course
from tenants.learning.models import (
    Course,
    CourseItem,
    Question,
    QuestionBank,
    QuestionKind,
    Quiz,
    QuizAttempt,
    ResourceStatus,
    StudyDay,
    StudyRecord,
)
from tenants.learning.permissions import ManagesLibrary, ReadsLibrary, check_library_manager, is_library_manager
from tenants.learning.quizzes import (
    QuestionDraft,
    attempt_view,
    check_question,
    do_close_quiz,
    do_create_question,
    do_create_question_bank,
    do_create_quiz,
    do_delete_question,
    do_delete_question_bank,
    do_delete_quiz,
    do_publish_quiz,
    do_save_answers,
    do_start_attempt,
    do_submit_attempt,
    do_update_question,
    do_update_question_bank,
    do_update_quiz,
)
from tenants.learning.study import BEAT_STATES, do_record_heartbeat, study_summary

# ---------------------------------------------------------------- heartbeats and my study


class HeartbeatSerializer(serializers.Serializer[Any]):
    resource = serializers.UUIDField()
    session = serializers.CharField(max_length=64)
    state = serializers.ChoiceField(choices=[(state, state) for state in BEAT_STATES])
    position = serializers.FloatField(required=False, allow_null=True, default=None, min_value=0)


class HeartbeatResultSerializer(serializers.Serializer[Any]):
    counted_seconds = serializers.IntegerField()
    reading_seconds = serializers.IntegerField()
    video_seconds = serializers.IntegerField()
    credited_reading_seconds = serializers.IntegerField()
    credited_video_seconds = serializers.IntegerField()
    completed = serializers.BooleanField()


class HeartbeatView(APIView):
    """Clients send ``start``, then ``tick`` every ~15 s while the media plays and the page is in the
    foreground, then ``stop``. Time is counted once per user across tabs and devices."""

    permission_classes = [ReadsLibrary]

    @extend_schema(request=HeartbeatSerializer, responses=HeartbeatResultSerializer)
    def post(self, request: Request) -> Response:
        data = validated(HeartbeatSerializer, request.data)
        result = do_record_heartbeat(
            actor=Actor.of(request),
            resource_uuid=data["resource"],
            session=data["session"],
            state=data["state"],
            position=data["position"],
        )
        return Response(HeartbeatResultSerializer(result).data)


class SecondsSerializer(serializers.Serializer[Any]):
    reading_seconds = serializers.IntegerField()
    video_seconds = serializers.IntegerField()


class TodaySerializer(SecondsSerializer):
    credited_reading_seconds = serializers.IntegerField()
    credited_video_seconds = serializers.IntegerField()
    reading_cap_seconds = serializers.IntegerField()
    video_cap_seconds = serializers.IntegerField()


class StudyRecordSerializer(serializers.ModelSerializer[StudyRecord]):
    class Meta:
        model = StudyRecord
        fields = ["resource_uuid", "title", "kind", "seconds", "position", "completed_at", "last_studied_at"]


class MyStudySerializer(serializers.Serializer[Any]):
    rule_version = serializers.CharField()
    today = TodaySerializer()
    month = SecondsSerializer()
    total = SecondsSerializer()
    completed_count = serializers.IntegerField()
    recent = StudyRecordSerializer(many=True)


class MyStudyView(APIView):
    """My study: today against the daily caps (points are reference only), this month, totals."""

    permission_classes = [ReadsLibrary]

    @extend_schema(responses=MyStudySerializer)
    def get(self, request: Request) -> Response:
        summary = study_summary(request.user)
        summary["recent"] = StudyRecord.objects.filter(user=stored_user(request.user))[:20]
        return Response(MyStudySerializer(summary).data)


class StudyReportRowSerializer(serializers.Serializer[Any]):
    user = serializers.IntegerField()
    name = serializers.CharField()
    reading_seconds = serializers.IntegerField()
    video_seconds = serializers.IntegerField()
    days = serializers.IntegerField()


class StudyReportView(APIView):
    """Study time per user in a month (``?month=YYYY-MM``), for the library's managers.
    Reference only: study time must not be used as a basis for performance evaluation."""

    permission_classes = [ManagesLibrary]

    @extend_schema(
        parameters=[OpenApiParameter("month", str, description="YYYY-MM (default: this month)")],
        responses=StudyReportRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        check_library_manager(Actor.of(request))
        today = timezone.localdate()
        year, month = today.year, today.month
        raw = request.query_params.get("month", "")
        if raw:
            try:
                year, month = (int(part) for part in raw.split("-", 1))
            except ValueError:
                year, month = today.year, today.month
        rows = (
            StudyDay.objects.filter(day__year=year, day__month=month)
            .values("user", "user__name")
            .annotate(reading=Sum("reading_seconds"), video=Sum("video_seconds"), days=Count("id"))
            .order_by("-reading", "user")
        )
        data = [
            {
                "user": row["user"],
                "name": row["user__name"] or "",
                "reading_seconds": row["reading"] or 0,
                "video_seconds": row["video"] or 0,
                "days": row["days"],
            }
            for row in rows[:500]
        ]
        return Response(StudyReportRowSerializer(data, many=True).data)


# ---------------------------------------------------------------- courses


class CourseItemSerializer(serializers.ModelSerializer[CourseItem]):
    class Meta:
        model = CourseItem
        fields = ["position", "resource_uuid", "title", "kind"]


class CourseSerializer(serializers.ModelSerializer[Course]):
    items = CourseItemSerializer(many=True, read_only=True)

    class Meta:
        model = Course
        fields = ["id", "title", "summary", "category", "status", "items", "created_at", "published_at"]
        read_only_fields = ["status", "created_at", "published_at"]


class CourseWriteSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    category = serializers.IntegerField(required=False, allow_null=True, default=None)
    resources = serializers.ListField(child=serializers.UUIDField(), max_length=100)


class ProgressItemSerializer(serializers.Serializer[Any]):
    position = serializers.IntegerField()
    resource = serializers.UUIDField()
    title = serializers.CharField()
    kind = serializers.CharField()
    seconds = serializers.IntegerField()
    completed = serializers.BooleanField()


class CourseProgressSerializer(serializers.Serializer[Any]):
    items = ProgressItemSerializer(many=True)
    completed = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()


class CourseViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet[Course]
):
    """Courses of this host's library (readers see published ones)."""

    permission_classes = [ManagesLibrary]
    serializer_class = CourseSerializer
    filterset_fields = ["status", "category"]
    search_fields = ["title"]

    def get_queryset(self) -> QuerySet[Course]:
        rows = Course.objects.prefetch_related("items")
        if not is_library_manager(Actor.of(self.request)):
            rows = rows.filter(status=ResourceStatus.PUBLISHED)
        return rows

    @extend_schema(request=CourseWriteSerializer, responses={201: CourseSerializer})
    def create(self, request: Request) -> Response:
        data = validated(CourseWriteSerializer, request.data)
        course = do_save_course(
            actor=Actor.of(request),
            title=data["title"],
            summary=data["summary"],
            resource_uuids=data["resources"],
            category_id=data["category"],
        )
        return Response(CourseSerializer(course).data, status=201)

    @extend_schema(request=CourseWriteSerializer, responses=CourseSerializer)
    def update(self, request: Request, pk: str) -> Response:
        data = validated(CourseWriteSerializer, request.data)
        course = do_save_course(
            actor=Actor.of(request),
            title=data["title"],
            summary=data["summary"],
            resource_uuids=data["resources"],
            category_id=data["category"],
            course=self.get_object(),
        )
        return Response(CourseSerializer(course).data)

    @extend_schema(request=None, responses=CourseSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        return Response(CourseSerializer(do_publish_course(self.get_object())).data)

    @extend_schema(request=None, responses=CourseSerializer)
    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, pk: str) -> Response:
        return Response(CourseSerializer(do_publish_course(self.get_object(), published=False)).data)

    @extend_schema(responses=CourseProgressSerializer)
    @action(detail=True, methods=["get"], permission_classes=[ReadsLibrary])
    def progress(self, request: Request, pk: str) -> Response:
        """My progress through the course."""
        return Response(CourseProgressSerializer(course_progress(self.get_object(), request.user)).data)


# ---------------------------------------------------------------- question banks and quizzes


class QuestionBankSerializer(serializers.ModelSerializer[QuestionBank]):
    question_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = QuestionBank
        fields = ["id", "title", "category", "question_count", "created_at"]
        read_only_fields = ["created_at"]


class QuestionBankViewSet(ServiceModelViewSet[QuestionBank]):
    permission_classes = [ManagesLibrary]
    serializer_class = QuestionBankSerializer
    search_fields = ["title"]

    def get_queryset(self) -> QuerySet[QuestionBank]:
        return QuestionBank.objects.annotate(question_count=Count("questions")).order_by("-id")

    create_with = do_create_question_bank
    update_with = do_update_question_bank
    delete_with = do_delete_question_bank


class QuestionSerializer(serializers.ModelSerializer[Question]):
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    options = serializers.ListField(child=serializers.CharField(max_length=500, allow_blank=True), required=False)
    answer = serializers.ListField(child=serializers.IntegerField(min_value=0), min_length=1)

    class Meta:
        model = Question
        fields = ["id", "bank", "kind", "stem", "options", "answer", "explanation", "active"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        current = self.instance
        draft = check_question(
            QuestionDraft(
                kind=attrs.get("kind", current.kind if current else ""),
                stem=attrs.get("stem", current.stem if current else ""),
                options=attrs.get("options", current.options if current else []),
                answer=attrs.get("answer", current.answer if current else []),
                explanation=attrs.get("explanation", current.explanation if current else ""),
            )
        )
        return {**attrs, **draft.__dict__}


class QuestionViewSet(ServiceModelViewSet[Question]):
    """Questions (``?bank=``); answers are indices of the choices, true/false: 0 true, 1 false."""

    permission_classes = [ManagesLibrary]
    serializer_class = QuestionSerializer
    filterset_fields = ["bank", "kind", "active"]
    search_fields = ["stem"]

    def get_queryset(self) -> QuerySet[Question]:
        if not is_library_manager(Actor.of(self.request)):
            return Question.objects.none()  # readers never see answers
        return Question.objects.all()

    create_with = do_create_question
    update_with = do_update_question
    delete_with = do_delete_question


class QuizSerializer(serializers.ModelSerializer[Quiz]):
    question_count = serializers.SerializerMethodField()
    my_attempts = serializers.SerializerMethodField()

    class Meta:
        model = Quiz
        fields = [
            "id", "title", "bank", "single_count", "multiple_count", "true_false_count", "points_per_question",
            "time_limit_minutes", "pass_percent", "max_attempts", "opens_at", "closes_at", "status",
            "question_count", "my_attempts", "created_at",
        ]  # fmt: skip
        read_only_fields = ["status", "created_at"]
        extra_kwargs = {
            "time_limit_minutes": {"min_value": 1, "max_value": 600},
            "pass_percent": {"min_value": 0, "max_value": 100},
            "max_attempts": {"min_value": 1, "max_value": 100},
        }

    def get_question_count(self, quiz: Quiz) -> int:
        return quiz.single_count + quiz.multiple_count + quiz.true_false_count

    def get_my_attempts(self, quiz: Quiz) -> int:
        # Lists annotate it (QuizViewSet.get_queryset): one COUNT per quiz otherwise.
        counted = getattr(quiz, "my_attempt_count", None)
        if counted is not None:
            return int(counted)
        request = self.context.get("request")
        if request is None:
            return 0
        return QuizAttempt.objects.filter(quiz=quiz, user=request.user).count()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        opens, closes = attrs.get("opens_at"), attrs.get("closes_at")
        if opens and closes and closes <= opens:
            raise serializers.ValidationError({"closes_at": _("The quiz must close after it opens.")})
        return attrs


class AttemptQuestionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    stem = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField())
    given = serializers.ListField(child=serializers.IntegerField(), allow_null=True)
    answer = serializers.ListField(child=serializers.IntegerField(), required=False)
    correct = serializers.BooleanField(required=False)
    explanation = serializers.CharField(required=False)


class AttemptSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    quiz = serializers.IntegerField()
    quiz_title = serializers.CharField()
    started_at = serializers.DateTimeField()
    deadline_at = serializers.DateTimeField()
    seconds_left = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    score = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    max_score = serializers.DecimalField(max_digits=7, decimal_places=2)
    passed = serializers.BooleanField(allow_null=True)
    questions = AttemptQuestionSerializer(many=True)


class AnswersSerializer(serializers.Serializer[Any]):
    answers = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField(min_value=0)),
        help_text="question id → indices of the chosen options",
        required=False,
        default=dict,
    )


class QuizResultSerializer(serializers.Serializer[Any]):
    attempt = serializers.IntegerField()
    user = serializers.IntegerField()
    name = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    score = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    passed = serializers.BooleanField(allow_null=True)


class QuizViewSet(ServiceModelViewSet[Quiz]):
    """Quizzes of this host; readers see published ones and take them."""

    permission_classes = [ManagesLibrary]
    serializer_class = QuizSerializer
    filterset_fields = ["status", "bank"]
    search_fields = ["title"]

    def get_queryset(self) -> QuerySet[Quiz]:
        rows = (
            Quiz.objects.select_related("bank")
            .annotate(my_attempt_count=Count("attempts", filter=Q(attempts__user_id=self.request.user.pk)))
            .order_by("-id")
        )  # Meta.ordering, which a GROUP BY query drops
        if not is_library_manager(Actor.of(self.request)):
            rows = rows.filter(status=ResourceStatus.PUBLISHED)
        return rows

    create_with = do_create_quiz
    update_with = do_update_quiz
    delete_with = do_delete_quiz

    @extend_schema(request=None, responses=QuizSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        quiz = do_publish_quiz(self.get_object(), actor=Actor.of(request))
        return Response(QuizSerializer(quiz, context={"request": request}).data)

    @extend_schema(request=None, responses=QuizSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        quiz = do_close_quiz(self.get_object(), actor=Actor.of(request))
        return Response(QuizSerializer(quiz, context={"request": request}).data)

    @extend_schema(request=None, responses={201: AttemptSerializer})
    @action(detail=True, methods=["post"], permission_classes=[ReadsLibrary])
    def start(self, request: Request, pk: str) -> Response:
        """Start (or resume) my attempt: a generated paper without its answers."""
        attempt = do_start_attempt(self.get_object(), actor=Actor.of(request))
        return Response(AttemptSerializer(attempt_view(attempt)).data, status=201)

    @extend_schema(responses=QuizResultSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def results(self, request: Request, pk: str) -> Response:
        """Every attempt of this quiz (managers)."""
        check_library_manager(Actor.of(request))
        attempts = QuizAttempt.objects.filter(quiz=self.get_object()).select_related("user")
        rows = [
            {
                "attempt": attempt.pk,
                "user": attempt.user_id,
                "name": attempt.user.name,
                "submitted_at": attempt.submitted_at,
                "score": attempt.score,
                "passed": attempt.passed,
            }
            for attempt in attempts
        ]
        return Response(QuizResultSerializer(rows, many=True).data)


class AttemptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[QuizAttempt]):
    """My quiz attempts: read, save answers while the clock runs, hand in."""

    permission_classes = [ReadsLibrary]
    serializer_class = AttemptSerializer

    def get_queryset(self) -> QuerySet[QuizAttempt]:
        return QuizAttempt.objects.filter(user=stored_user(self.request.user)).select_related("quiz")

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([attempt_view(attempt) for attempt in page or []])

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(AttemptSerializer(attempt_view(self.get_object())).data)

    @extend_schema(request=AnswersSerializer, responses=AttemptSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Save answers so far (autosave); they count even if the clock runs out."""
        data = validated(AnswersSerializer, request.data)
        attempt = do_save_answers(self.get_object(), answers=data["answers"])
        return Response(AttemptSerializer(attempt_view(attempt)).data)

    @extend_schema(request=AnswersSerializer, responses=AttemptSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        data = validated(AnswersSerializer, request.data)
        attempt = do_submit_attempt(self.get_object(), answers=data["answers"])
        return Response(AttemptSerializer(attempt_view(attempt)).data)
