"""The upload API (``/api/v1/uploads``): thin views over ``partycloud.uploads.services``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from partycloud.accounts.actor import Actor
from partycloud.uploads import services
from partycloud.uploads.models import Upload
from partycloud.uploads.purposes import MAX_PART_URLS_PER_CALL


class UploadSerializer(serializers.ModelSerializer[Upload]):
    method = serializers.SerializerMethodField()

    class Meta:
        model = Upload
        fields = [
            "id",
            "purpose",
            "key",
            "filename",
            "declared_type",
            "declared_size",
            "size",
            "detected_type",
            "status",
            "method",
            "error_code",
            "error_message",
            "created_at",
            "verified_at",
        ]
        read_only_fields = fields

    def get_method(self, upload: Upload) -> str:
        return "multipart" if upload.is_multipart else "post"


class StartUploadSerializer(serializers.Serializer[dict[str, Any]]):
    purpose = serializers.CharField(max_length=100)
    filename = serializers.CharField(max_length=1000)
    content_type = serializers.CharField(max_length=255)
    size = serializers.IntegerField()


_PostForm = inline_serializer(
    "UploadPostForm",
    {"url": serializers.CharField(), "fields": serializers.DictField(child=serializers.CharField())},
    allow_null=True,
)
_MultipartPlan = inline_serializer(
    "UploadMultipartPlan",
    {"part_size": serializers.IntegerField(), "part_count": serializers.IntegerField()},
    allow_null=True,
)
_StartedUpload = inline_serializer(
    "StartedUpload",
    {
        "id": serializers.UUIDField(),
        "key": serializers.CharField(),
        "method": serializers.ChoiceField(choices=["post", "multipart"]),
        "post": _PostForm,
        "multipart": _MultipartPlan,
        "expires_at": serializers.DateTimeField(),
    },
)


class PartNumbersSerializer(serializers.Serializer[dict[str, Any]]):
    part_numbers = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=MAX_PART_URLS_PER_CALL
    )


_PartUrls = inline_serializer(
    "UploadPartUrls",
    {
        "parts": inline_serializer(
            "UploadPartUrl", {"part_number": serializers.IntegerField(), "url": serializers.CharField()}, many=True
        )
    },
)
_StoredParts = inline_serializer(
    "UploadStoredParts",
    {
        "parts": inline_serializer(
            "UploadPart",
            {
                "part_number": serializers.IntegerField(),
                "etag": serializers.CharField(),
                "size": serializers.IntegerField(),
            },
            many=True,
        )
    },
)


class CompletedPartSerializer(serializers.Serializer[dict[str, Any]]):
    part_number = serializers.IntegerField(min_value=1)
    etag = serializers.CharField(max_length=100)


class CompleteSerializer(serializers.Serializer[dict[str, Any]]):
    parts = CompletedPartSerializer(many=True, required=False)


class UploadViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet[Upload]):
    """Direct uploads to storage: start, send the bytes to the signed URLs, complete (verified)."""

    serializer_class = UploadSerializer
    permission_classes = [IsAuthenticated]
    queryset = Upload.objects.none()

    def get_object(self) -> Upload:
        return services.get_upload(str(self.kwargs["pk"]), Actor.of(self.request))

    @extend_schema(request=StartUploadSerializer, responses={201: _StartedUpload})
    def create(self, request: Request) -> Response:
        """Start an upload: POST form fields (up to 64 MiB) or a multipart plan (larger files)."""
        body = StartUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        started = services.do_start_upload(actor=Actor.of(request), **body.validated_data)
        upload = started.upload
        return Response(
            {
                "id": str(upload.pk),
                "key": upload.key,
                "method": "multipart" if upload.is_multipart else "post",
                "post": {"url": started.post.url, "fields": started.post.fields} if started.post else None,
                "multipart": (
                    {"part_size": started.part_size, "part_count": started.part_count} if upload.is_multipart else None
                ),
                "expires_at": started.expires_at,
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        """Cancel an upload: abort its parts or delete the object."""
        services.do_abort_upload(self.get_object(), Actor.of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["POST"], request=PartNumbersSerializer, responses=_PartUrls)
    @extend_schema(methods=["GET"], request=None, responses=_StoredParts)
    @action(detail=True, methods=["get", "post"])
    def parts(self, request: Request, pk: str | None = None) -> Response:
        """POST: signed URLs to PUT the given parts to. GET: the parts already stored (to resume)."""
        upload = self.get_object()
        if request.method == "GET":
            stored = services.stored_parts(upload, Actor.of(request))
            return Response({"parts": [{"part_number": p.part_number, "etag": p.etag, "size": p.size} for p in stored]})
        body = PartNumbersSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        urls = services.do_presign_parts(upload, Actor.of(request), body.validated_data["part_numbers"])
        return Response({"parts": [{"part_number": number, "url": url} for number, url in urls]})

    @extend_schema(request=CompleteSerializer, responses=UploadSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        """Assemble the parts (if any) and verify the file: size, real type, text, confidentiality."""
        upload = self.get_object()
        body = CompleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        parts = body.validated_data.get("parts")
        verified = services.do_complete_upload(
            upload, Actor.of(request), parts=[(p["part_number"], p["etag"]) for p in parts] if parts else None
        )
        return Response(UploadSerializer(verified).data)
