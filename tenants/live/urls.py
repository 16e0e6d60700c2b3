"""The media server's callbacks, mounted on the root host (partycloud.urls_public)."""

from django.urls import path

from tenants.live.hooks import on_publish, on_publish_done

urlpatterns = [
    path("on-publish", on_publish, name="live-hook-on-publish"),
    path("on-publish-done", on_publish_done, name="live-hook-on-publish-done"),
]
