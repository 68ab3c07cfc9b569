"""An inspection's field work: the checklist, findings with their files, interview notes,
and the batch sync the offline app uses (``drive.inspections.sync.sync_batch``, the same
service as the web page's). Scope is ``Inspection.objects.visible_to``; what each person
may read or record are the predicates of ``drive.inspections.field_permissions``."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.urls import re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from drive.api.errors import refusal
from drive.api.parsers import DepthLimitedJSONParser
from drive.api.views import ScopedViewSet, require
from drive.core.uploads import upload_limit
from drive.evidence.filetypes import ALLOWED, attachment_response, detect
from drive.inspections.checklist import answer_display, item_text
from drive.inspections.field_permissions import can_read_fieldwork
from drive.inspections.field_presenters import notes_visible_to
from drive.inspections.models import ChecklistItem, Finding, FindingAttachment, Inspection
from drive.inspections.services.fieldwork import FieldworkRefused
from drive.inspections.sync import SyncRejected, sync_batch


class ChecklistItemOut(serializers.ModelSerializer):
    kind = serializers.SerializerMethodField(help_text=_("question or criterion"))
    theme = serializers.CharField(source="theme.code", allow_null=True, default=None)
    question = serializers.CharField(source="question.code", allow_null=True, default=None)
    criterion = serializers.IntegerField(source="criterion_id", allow_null=True)
    text = serializers.SerializerMethodField()
    supplier_answer = serializers.SerializerMethodField(
        help_text=_(
            "The answer as it stood when the checklist was made: value, as read, and the "
            "documents attached (id, title)."
        )
    )
    updated_by = serializers.EmailField(source="updated_by.email", allow_null=True, default=None)

    class Meta:
        model = ChecklistItem
        fields = [
            "id",
            "position",
            "kind",
            "theme",
            "question",
            "criterion",
            "text",
            "supplier_answer",
            "mark",
            "note",
            "revision",
            "updated_by",
            "updated_at",
        ]
        read_only_fields = fields

    def get_kind(self, item: ChecklistItem) -> str:
        return "question" if item.question_id else "criterion"

    def get_text(self, item: ChecklistItem) -> str:
        return item_text(item)

    def get_supplier_answer(self, item: ChecklistItem) -> dict[str, Any] | None:
        if not item.question_id or not isinstance(item.supplier_answer, dict):
            return None
        display = answer_display(item.question, item.supplier_answer)
        return {**item.supplier_answer, "display": display}


class AttachmentOut(serializers.ModelSerializer):
    client_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = FindingAttachment
        fields = ["id", "client_id", "is_photo", "caption", "uploaded_at"]
        read_only_fields = fields


class FindingOut(serializers.ModelSerializer):
    client_id = serializers.UUIDField(read_only=True)
    theme = serializers.CharField(source="theme.code")
    question = serializers.CharField(source="question.code", allow_null=True, default=None)
    attachments = AttachmentOut(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "client_id",
            "theme",
            "question",
            "severity",
            "description",
            "requirement",
            "revision",
            "created_at",
            "updated_at",
            "attachments",
        ]
        read_only_fields = fields


class NoteOut(serializers.Serializer):
    id = serializers.IntegerField()
    client_id = serializers.UUIDField()
    text = serializers.CharField()
    confidential = serializers.BooleanField()
    revision = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class SyncEntryIn(serializers.Serializer):
    """One entry of a batch (the fields used depend on ``type``)."""

    type = serializers.ChoiceField(choices=["mark", "finding", "note", "attachment"])
    item = serializers.IntegerField(required=False, help_text=_("mark: the checklist item's id"))
    client_id = serializers.UUIDField(
        required=False, help_text=_("finding, note, attachment: the id made on the device")
    )
    mark = serializers.ChoiceField(
        choices=["", "confirmed", "discrepancy", "not_verified"], required=False
    )
    note = serializers.CharField(required=False, allow_blank=True)
    theme = serializers.CharField(required=False, help_text=_("finding: the theme's code"))
    question = serializers.CharField(
        required=False, allow_null=True, help_text=_("finding: a question's code (optional)")
    )
    severity = serializers.ChoiceField(
        choices=["critical", "major", "minor", "observation", "good_practice"], required=False
    )
    description = serializers.CharField(required=False)
    requirement = serializers.CharField(required=False, allow_blank=True)
    text = serializers.CharField(required=False, help_text=_("note: the note"))
    confidential = serializers.BooleanField(required=False, default=True)
    finding = serializers.UUIDField(
        required=False, help_text=_("attachment: the finding's client_id")
    )
    caption = serializers.CharField(required=False, allow_blank=True)
    file = serializers.CharField(
        required=False, help_text=_("attachment: the name of the multipart part holding the file")
    )
    revision = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("The revision the device last saw (null for a new finding or note)."),
    )


class SyncIn(serializers.Serializer):
    entries = SyncEntryIn(many=True)


class SyncResultOut(serializers.Serializer):
    type = serializers.CharField()
    key = serializers.CharField(help_text=_("The item's id or the entry's client_id, as sent."))
    status = serializers.ChoiceField(
        choices=["created", "unchanged", "updated", "conflict", "rejected"]
    )
    revision = serializers.IntegerField(allow_null=True)
    id = serializers.IntegerField(allow_null=True)
    server = serializers.DictField(
        allow_null=True, help_text=_("On a conflict: the version saved first, to choose from.")
    )
    message = serializers.CharField(help_text=_("Why a rejected entry was not recorded."))


class SyncOut(serializers.Serializer):
    results = SyncResultOut(many=True)


@upload_limit("EVIDENCE_MAX_UPLOAD_BYTES")
class InspectionFieldworkViewSet(ScopedViewSet):
    parser_classes = [DepthLimitedJSONParser, MultiPartParser]
    serializer_class = ChecklistItemOut

    def scoped(self) -> QuerySet[Inspection]:
        return Inspection.objects.visible_to(self.request.user).select_related(
            "programme", "supplier", "body"
        )

    def readable(self) -> Inspection:
        inspection = self.get_object()
        require(can_read_fieldwork(self.request.user, inspection))
        return inspection

    @extend_schema(
        summary="An inspection's checklist (the supplier: once approved)",
        responses=ChecklistItemOut(many=True),
    )
    def checklist(self, request: Request, pk: str) -> Response:
        inspection = self.readable()
        self.cursor_ordering = ("position", "id")
        items = (
            ChecklistItem.objects.filter(inspection=inspection)
            .select_related("question", "criterion", "theme", "updated_by")
            .prefetch_related("question__choices")
        )
        return self.page(items, ChecklistItemOut)

    @extend_schema(
        summary="An inspection's findings with their photos and documents",
        responses=FindingOut(many=True),
    )
    def findings(self, request: Request, pk: str) -> Response:
        inspection = self.readable()
        self.cursor_ordering = ("id",)
        findings = (
            Finding.objects.filter(inspection=inspection)
            .select_related("theme", "question")
            .prefetch_related("attachments")
        )
        return self.page(findings, FindingOut)

    @extend_schema(
        summary="Worker-interview notes (confidential ones: the inspection body and the "
        "programme manager only, never the supplier)",
        responses=NoteOut(many=True),
    )
    def notes(self, request: Request, pk: str) -> Response:
        inspection = self.readable()
        self.cursor_ordering = ("id",)
        visible = [note.pk for note in notes_visible_to(request.user, inspection)]
        return self.page(inspection.interview_notes.filter(pk__in=visible), NoteOut)

    @extend_schema(
        summary="A finding's photo or document (streamed)",
        responses={
            (200, kind.content_type): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file's bytes."
            )
            for kind in ALLOWED
        },
    )
    def attachment_file(self, request: Request, pk: str, attachment_pk: str) -> FileResponse:
        inspection = self.readable()
        found = FindingAttachment.objects.filter(
            pk=int(attachment_pk), finding__inspection=inspection
        ).first()
        if found is None:
            raise Http404
        try:
            handle = found.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        kind = detect(handle)
        return attachment_response(
            handle,
            original_name=found.file.name.rsplit("/", 1)[-1],
            content_type=kind.content_type if kind else "application/octet-stream",
        )

    @extend_schema(
        summary="Send a device's batch of marks, findings, notes and attachments",
        description="The same service as the offline web app's. JSON "
        '`{"entries": [...]}`, or multipart with `entries` (the JSON list) and the files '
        "the attachment entries name. Idempotent: a batch sent again answers `unchanged` "
        "for every entry and changes nothing. An entry on an older `revision` than the "
        "server's comes back as `conflict` with the server's version; nothing is "
        "overwritten. Only an assigned inspector who declared no conflict of interest may "
        "send, while the inspection is in progress (403 otherwise).",
        request={"application/json": SyncIn, "multipart/form-data": SyncIn},
        responses=SyncOut,
    )
    def sync(self, request: Request, pk: str) -> Response:
        inspection = self.get_object()
        entries: Any = request.data.get("entries") if hasattr(request.data, "get") else None
        if isinstance(entries, str):
            try:
                entries = json.loads(entries)
            except ValueError:
                entries = None
        try:
            results = sync_batch(
                inspection=inspection, entries=entries, files=request.FILES, by=request.user
            )
        except FieldworkRefused as error:
            raise PermissionDenied(error.message) from None
        except SyncRejected as error:
            return refusal(error, fields={"entries": [error.message]})
        return Response({"results": [result.as_dict() for result in results]})


def routes(id_pattern: str) -> list[Any]:
    """The field-work routes under ``/api/v1/inspections/{id}/``."""
    base = rf"^v1/inspections/(?P<pk>{id_pattern})/"
    view = InspectionFieldworkViewSet.as_view
    return [
        re_path(base + "checklist/$", view({"get": "checklist"}), name="inspection-checklist"),
        re_path(base + "findings/$", view({"get": "findings"}), name="inspection-findings"),
        re_path(
            base + rf"attachments/(?P<attachment_pk>{id_pattern})/file/$",
            view({"get": "attachment_file"}),
            name="inspection-attachment-file",
        ),
        re_path(base + "notes/$", view({"get": "notes"}), name="inspection-notes"),
        re_path(base + "sync/$", view({"post": "sync"}), name="inspection-sync"),
    ]
