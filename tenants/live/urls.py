"""Live lessons' URLs that are not a router's: the media server's callbacks (``urlpatterns``,
mounted on the root host under api/v1/live/hooks/) and the viewer's side (``watch_urlpatterns``,
mounted on tenant hosts under api/v1/live/)."""

from django.urls import path, re_path

from tenants.live.hooks import on_publish, on_publish_done
from tenants.live.watch_api import WatchCalendarView, WatchLessonView, WatchListView

urlpatterns = [
    path("on-publish", on_publish, name="live-hook-on-publish"),
    path("on-publish-done", on_publish_done, name="live-hook-on-publish-done"),
]

# A lesson is addressed as {scope}/{id}: scope "tenant" (this tenant's) or "group" (the group's).
LESSON = r"watch/(?P<scope>tenant|group)/(?P<lesson_id>[0-9]+)"

watch_urlpatterns = [
    re_path(r"^watch/?$", WatchListView.as_view(), name="live-watch"),
    re_path(rf"^{LESSON}$", WatchLessonView.as_view(), name="live-watch-lesson"),
    re_path(rf"^{LESSON}/calendar\.ics$", WatchCalendarView.as_view(), name="live-watch-calendar"),
]
