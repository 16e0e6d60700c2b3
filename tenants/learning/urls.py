"""Learning endpoints under /api/v1/learning/, on every host: the root host manages the group's
shared library, a tenant host its own library (and reads the group's)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from tenants.learning.api.browsing import LibraryListView
from tenants.learning.api.library import (
    CategoryViewSet,
    LibraryCoverView,
    LibraryItemView,
    LibraryRegulationsView,
    LibraryRegulationView,
    RegulationViewSet,
    ResourceViewSet,
    ShowcaseProposalViewSet,
    hls_playlist,
)
from tenants.learning.api.study import (
    AttemptViewSet,
    CourseViewSet,
    HeartbeatView,
    MyStudyView,
    QuestionBankViewSet,
    QuestionViewSet,
    QuizViewSet,
    StudyReportView,
)

router = SimpleRouter(trailing_slash=False)
router.register("categories", CategoryViewSet, basename="learning-category")
router.register("resources", ResourceViewSet, basename="learning-resource")
router.register("showcase-proposals", ShowcaseProposalViewSet, basename="learning-showcase-proposal")
router.register("regulations", RegulationViewSet, basename="learning-regulation")
router.register("courses", CourseViewSet, basename="learning-course")
router.register("question-banks", QuestionBankViewSet, basename="learning-question-bank")
router.register("questions", QuestionViewSet, basename="learning-question")
router.register("quizzes", QuizViewSet, basename="learning-quiz")
router.register("attempts", AttemptViewSet, basename="learning-attempt")

urlpatterns: list[URLPattern | URLResolver] = [
    path("library", LibraryListView.as_view(), name="learning-library"),
    path("library/regulations", LibraryRegulationsView.as_view(), name="learning-library-regulations"),
    path("library/regulations/<uuid:uuid>", LibraryRegulationView.as_view(), name="learning-library-regulation"),
    path("library/<uuid:uuid>", LibraryItemView.as_view(), name="learning-library-item"),
    path("library/<uuid:uuid>/cover", LibraryCoverView.as_view(), name="learning-library-cover"),
    path("hls/<str:token>/<path:path>", hls_playlist, name="learning-hls"),
    path("study/heartbeats", HeartbeatView.as_view(), name="learning-heartbeat"),
    path("study/me", MyStudyView.as_view(), name="learning-my-study"),
    path("study/report", StudyReportView.as_view(), name="learning-study-report"),
    *router.urls,
]
