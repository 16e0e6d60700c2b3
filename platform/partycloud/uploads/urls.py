"""Storage endpoints, on every host (uploads are recorded in the schema of the host).

- ``uploads…``: the upload API (DRF, authenticated).
- ``storage/…``: the filesystem backend's signed browser protocol (no login: the signature
  is the authorization). With S3 configured these answer 404: browsers talk to the store.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from partycloud.uploads import views
from partycloud.uploads.api import UploadViewSet

router = SimpleRouter(trailing_slash=False)
router.register("uploads", UploadViewSet, basename="upload")

urlpatterns: list[URLPattern | URLResolver] = [
    *router.urls,
    path("storage/upload", views.upload_form, name="storage-upload"),
    path("storage/part", views.upload_part, name="storage-part"),
    path("storage/object", views.download, name="storage-object"),
]
