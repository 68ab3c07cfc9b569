"""Questionnaires and their versions: read (``questionnaire_visible_to``,
``version_visible_to``), XLSForm download and import, publish, new draft — the services
and predicates of ``drive.questionnaires``."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from drive.api.concurrency import idempotent, with_etag
from drive.api.errors import refusal
from drive.api.views import ScopedViewSet, require
from drive.core.filters import apply_filters
from drive.questionnaires import services
from drive.questionnaires.definition import DefinitionRejected, Issue
from drive.questionnaires.filters import VersionFilter
from drive.questionnaires.forms import MAX_UPLOAD_BYTES
from drive.questionnaires.models import (
    Question,
    Questionnaire,
    QuestionnaireVersion,
    QuestionType,
    VersionStatus,
)
from drive.questionnaires.permissions import (
    can_edit_version,
    can_import_questionnaire,
    can_view_questionnaires,
)
from drive.questionnaires.selectors import (
    questionnaire_visible_to,
    questions_of,
    version_visible_to,
)
from drive.questionnaires.xlsform import write_xlsform

ISSUE_KINDS = [("error", _("Error")), ("unsupported", _("Not supported"))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def localised(**kwargs: Any) -> serializers.DictField:
    return serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        read_only=True,
        help_text=_('Text per language code ("en", "zh-hans" …).'),
        **kwargs,
    )


# --- Serializers -----------------------------------------------------------------------


class VersionSummaryOut(serializers.ModelSerializer):
    questionnaire = serializers.IntegerField(source="questionnaire_id", read_only=True)
    title = localised()
    display_title = serializers.CharField(read_only=True)

    class Meta:
        model = QuestionnaireVersion
        fields = [
            "id",
            "questionnaire",
            "number",
            "status",
            "title",
            "display_title",
            "version_label",
            "default_language",
            "languages",
            "content_hash",
            "created_at",
            "published_at",
        ]
        read_only_fields = fields


class QuestionnaireOut(serializers.ModelSerializer):
    owner = serializers.IntegerField(
        source="owner_id",
        read_only=True,
        allow_null=True,
        help_text=_("Empty for questionnaires shipped with DRiVE."),
    )
    versions = VersionSummaryOut(many=True, read_only=True)

    class Meta:
        model = Questionnaire
        fields = ["id", "code", "name", "owner", "created_at", "versions"]
        read_only_fields = fields


class ChoiceOut(serializers.Serializer):
    value = serializers.CharField(read_only=True)
    label = localised()
    points = serializers.DecimalField(
        max_digits=8, decimal_places=2, read_only=True, allow_null=True
    )


class QuestionOut(serializers.ModelSerializer):
    type = serializers.ChoiceField(choices=QuestionType.choices, read_only=True)
    label = localised()
    hint = localised()
    guidance = localised()
    applies_to_size = serializers.ListField(child=serializers.CharField(), read_only=True)
    applies_to_sector = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    choices = ChoiceOut(many=True, read_only=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "code",
            "type",
            "label",
            "hint",
            "guidance",
            "required",
            "relevant",
            "evidence_required",
            "red_flag",
            "points",
            "applies_to_size",
            "applies_to_sector",
            "choices",
        ]
        read_only_fields = fields


class ThemeOut(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    label = localised()
    hint = localised()
    weight = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True)
    questions = QuestionOut(many=True, read_only=True)


class VersionOut(VersionSummaryOut):
    themes = serializers.SerializerMethodField()

    class Meta(VersionSummaryOut.Meta):
        fields = [*VersionSummaryOut.Meta.fields, "themes"]
        read_only_fields = fields

    @staticmethod
    def grouped(version: QuestionnaireVersion) -> list[dict[str, Any]]:
        themes: list[dict[str, Any]] = []
        for question in questions_of(version):
            theme = question.theme
            if not themes or themes[-1]["id"] != theme.pk:
                themes.append(
                    {
                        "id": theme.pk,
                        "code": theme.code,
                        "label": theme.label,
                        "hint": theme.hint,
                        "weight": theme.weight,
                        "questions": [],
                    }
                )
            themes[-1]["questions"].append(question)
        return themes

    @extend_schema_field(ThemeOut(many=True))
    def get_themes(self, version: QuestionnaireVersion) -> list[dict[str, Any]]:
        return ThemeOut(self.grouped(version), many=True).data


class XLSFormImportIn(serializers.Serializer):
    file = serializers.FileField(help_text=_("An XLSForm workbook (.xlsx), at most 5 MB."))
    code = serializers.SlugField(
        max_length=80,
        required=False,
        allow_blank=True,
        help_text=_("Empty: the form_id of the settings sheet. The same code adds a version."),
    )
    skip_unsupported = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Leave out the rows and columns DRiVE does not support and import the rest."),
    )

    def validate_file(self, upload: Any) -> Any:
        if upload.size > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError(_("The file is larger than 5 MB."))
        return upload


class IssueOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ISSUE_KINDS)
    sheet = serializers.CharField()
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    message = serializers.CharField()


class XLSFormImportOut(serializers.Serializer):
    version = VersionSummaryOut()
    skipped = IssueOut(many=True, help_text=_("Unsupported rows left out (skip_unsupported)."))


def issue_dict(issue: Issue, kind: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "sheet": issue.sheet,
        "row": issue.row,
        "column": issue.column,
        "message": str(issue),
    }


# --- Views ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Questionnaires you may use (shipped with DRiVE and your "
        "organisation's own), with their versions",
        responses=QuestionnaireOut(many=True),
    ),
    retrieve=extend_schema(summary="A questionnaire and its versions", responses=QuestionnaireOut),
)
class QuestionnaireViewSet(ScopedViewSet):
    serializer_class = QuestionnaireOut
    cursor_ordering = ("name", "id")
    parser_classes = [MultiPartParser]

    def scoped(self) -> QuerySet[Questionnaire]:
        versions = Prefetch("versions", queryset=QuestionnaireVersion.objects.order_by("-number"))
        return questionnaire_visible_to(self.request.user).prefetch_related(versions)

    def list(self, request: Request) -> Response:
        return self.page(self.get_queryset(), QuestionnaireOut)

    def retrieve(self, request: Request, pk: str) -> Response:
        return with_etag(request, QuestionnaireOut(self.get_object()).data)

    @extend_schema(
        summary="Import an XLSForm as a draft version of your organisation's questionnaire",
        request={"multipart/form-data": XLSFormImportIn},
        responses={201: XLSFormImportOut},
        description="Rejected files answer 400 `definition_rejected` with `error.details`: "
        "one item per problem with its sheet, row and column. Unsupported "
        "XLSForm features can be skipped with `skip_unsupported`.",
    )
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    @idempotent
    def import_xlsform(self, request: Request) -> Response:
        require(can_import_questionnaire(request.user))
        data = XLSFormImportIn(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        try:
            outcome = services.questionnaire_import_xlsform(
                file=upload,
                owner=request.user.organisation,
                by=request.user,
                code=data.validated_data.get("code", ""),
                filename=upload.name,
                skip_unsupported=data.validated_data["skip_unsupported"],
            )
        except DefinitionRejected as error:
            details = [issue_dict(i, "error") for i in error.errors]
            details += [issue_dict(i, "unsupported") for i in error.unsupported]
            return refusal(error, details=details)
        body = {
            "version": VersionSummaryOut(outcome.version).data,
            "skipped": [issue_dict(i, "unsupported") for i in outcome.skipped],
        }
        response = Response(body, status=status.HTTP_201_CREATED)
        response["Location"] = f"/api/v1/questionnaires/versions/{outcome.version.pk}/"
        return response


VERSION_FILTERS = [
    OpenApiParameter("questionnaire", int, description="Only this questionnaire's versions."),
    OpenApiParameter("status", str, enum=VersionStatus.values),
]


@extend_schema_view(
    list=extend_schema(
        summary="Questionnaire versions you may read (buyers: shipped and "
        "own; suppliers: those of their programmes)",
        parameters=VERSION_FILTERS,
        responses=VersionSummaryOut(many=True),
    ),
    retrieve=extend_schema(
        summary="A version with its themes, questions and choices (texts in every language)",
        responses=VersionOut,
    ),
)
class VersionViewSet(ScopedViewSet):
    serializer_class = VersionOut
    cursor_ordering = ("-id",)

    def scoped(self) -> QuerySet[QuestionnaireVersion]:
        return version_visible_to(self.request.user).select_related("questionnaire")

    def list(self, request: Request) -> Response:
        versions = apply_filters(VersionFilter, request.query_params, self.get_queryset())
        return self.page(versions, VersionSummaryOut)

    def retrieve(self, request: Request, pk: str) -> Response:
        return with_etag(request, VersionOut(self.get_object()).data)

    @extend_schema(
        summary="The version as an XLSForm workbook",
        responses={
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="XLSForm workbook.")
        },
    )
    @action(detail=True, methods=["get"])
    def xlsform(self, request: Request, pk: str) -> HttpResponse:
        version = self.get_object()
        require(can_view_questionnaires(request.user))
        content = write_xlsform(services.version_definition(version))
        response = HttpResponse(content, content_type=XLSX)
        filename = f"{slugify(version.questionnaire.code)}-v{version.number}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @extend_schema(
        summary="Publish a draft: it can no longer change",
        request=None,
        responses=VersionSummaryOut,
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        version = self.get_object()
        require(can_edit_version(request.user, version))
        services.version_publish(version=version, by=request.user)
        return Response(VersionSummaryOut(self.scoped().get(pk=version.pk)).data)

    @extend_schema(
        summary="Start a new draft copied from this published version",
        request=None,
        responses={201: VersionSummaryOut},
    )
    @action(detail=True, methods=["post"], url_path="new-draft", url_name="new-draft")
    def new_draft(self, request: Request, pk: str) -> Response:
        version = self.get_object()
        require(can_edit_version(request.user, version))
        draft = services.version_new_draft(version=version, by=request.user)
        response = Response(
            VersionSummaryOut(self.scoped().get(pk=draft.pk)).data, status=status.HTTP_201_CREATED
        )
        response["Location"] = f"/api/v1/questionnaires/versions/{draft.pk}/"
        return response
