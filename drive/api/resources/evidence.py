"""The evidence library: document metadata, upload (``document_upload``), details
(``document_update``) and the streamed file, with ``Document.objects.visible_to`` and the
predicates of ``drive.evidence``."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from drive.api.concurrency import check_if_match, etag_for, idempotent, if_match, with_etag
from drive.api.errors import refusal
from drive.api.parsers import DepthLimitedJSONParser
from drive.api.views import ScopedViewSet, require
from drive.core.filters import apply_filters
from drive.core.uploads import upload_limit
from drive.evidence import filetypes, services
from drive.evidence.filetypes import ALLOWED_HELP, attachment_response
from drive.evidence.filters import DocumentFilter
from drive.evidence.models import Document, DocumentKind
from drive.evidence.permissions import can_edit_document, can_manage_library
from drive.evidence.selectors import home_supplier, library_for


class DocumentOut(serializers.ModelSerializer):
    supplier = serializers.IntegerField(source="supplier_id", read_only=True)
    uploaded_by = serializers.EmailField(
        source="uploaded_by.email", read_only=True, allow_null=True, default=None
    )
    answer_count = serializers.IntegerField(
        read_only=True, help_text=_("Answers this document is attached to.")
    )

    class Meta:
        model = Document
        fields = [
            "id",
            "supplier",
            "title",
            "kind",
            "valid_until",
            "is_expired",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "answer_count",
        ]
        read_only_fields = fields


class DocumentUploadIn(serializers.Serializer):
    file = serializers.FileField(help_text=ALLOWED_HELP)
    title = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text=_("Empty: the file name.")
    )
    kind = serializers.ChoiceField(
        choices=DocumentKind.choices, required=False, default=DocumentKind.OTHER
    )
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)


class DocumentIn(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    valid_until = serializers.DateField(required=False, allow_null=True)


@extend_schema_view(
    list=extend_schema(
        summary="Evidence documents you may see (suppliers: their library; "
        "buyers: those of suppliers in their programmes)",
        parameters=[
            OpenApiParameter("supplier", int),
            OpenApiParameter("kind", str, enum=DocumentKind.values),
        ],
        responses=DocumentOut(many=True),
    ),
    retrieve=extend_schema(summary="A document's details", responses=DocumentOut),
    create=extend_schema(
        summary="Upload a file to your company's library",
        request={"multipart/form-data": DocumentUploadIn},
        responses={201: DocumentOut},
        description="The type is read from the content, never the name; "
        "refusals answer 400 `upload_rejected` with "
        "`error.fields.file`. The same content again returns "
        "the existing document.",
    ),
    partial_update=extend_schema(
        summary="Change a document's title, type or validity",
        request=DocumentIn,
        responses=DocumentOut,
    ),
)
@upload_limit("EVIDENCE_MAX_UPLOAD_BYTES")
class DocumentViewSet(ScopedViewSet):
    serializer_class = DocumentOut
    cursor_ordering = ("-uploaded_at", "-id")
    parser_classes = [DepthLimitedJSONParser, MultiPartParser]

    def scoped(self) -> QuerySet[Document]:
        return library_for(self.request.user).select_related("supplier", "uploaded_by")

    def list(self, request: Request) -> Response:
        documents = apply_filters(DocumentFilter, request.query_params, self.get_queryset())
        return self.page(documents, DocumentOut)

    def retrieve(self, request: Request, pk: str) -> Response:
        return with_etag(request, DocumentOut(self.get_object()).data)

    @idempotent
    def create(self, request: Request) -> Response:
        require(can_manage_library(request.user))
        supplier = home_supplier(request.user)
        if supplier is None:
            raise Http404
        data = DocumentUploadIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            document = services.document_upload(
                supplier=supplier,
                file=values["file"],
                title=values.get("title", ""),
                kind=values["kind"],
                valid_until=values["valid_until"],
                by=request.user,
            )
        except services.UploadRejected as error:
            return refusal(error, fields={"file": [error.message]})
        body = DocumentOut(self.scoped().get(pk=document.pk)).data
        response = with_etag(request, body, status=status.HTTP_201_CREATED)
        response["Location"] = f"{request.path}{document.pk}/"
        return response

    def partial_update(self, request: Request, pk: str) -> Response:
        document = self.get_object()
        require(can_edit_document(request.user, document))
        check_if_match(request, etag_for(DocumentOut(document).data))
        data = DocumentIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.document_update(
            document=Document.objects.get(pk=document.pk),
            title=values.get("title", document.title),
            kind=values.get("kind", document.kind),
            valid_until=values.get("valid_until", document.valid_until),
            by=request.user,
            precondition=if_match(
                request,
                lambda locked: etag_for(DocumentOut(self.scoped().get(pk=locked.pk)).data),
            ),
        )
        return with_etag(request, DocumentOut(self.scoped().get(pk=document.pk)).data)

    @extend_schema(
        summary="The file itself (streamed, named with the extension of its detected type)",
        description="Served with the document's detected type (one of the types an "
        "upload accepts) as Content-Type, as an attachment named with that type's extension.",
        responses={
            (200, kind.content_type): OpenApiResponse(
                OpenApiTypes.BINARY, description="The document's bytes."
            )
            for kind in filetypes.ALLOWED
        },
    )
    @action(detail=True, methods=["get"])
    def file(self, request: Request, pk: str) -> FileResponse:
        document = self.get_object()
        try:
            handle = document.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return attachment_response(
            handle, original_name=document.original_name, content_type=document.content_type
        )
