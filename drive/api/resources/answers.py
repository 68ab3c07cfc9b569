"""Answers of a self-assessment through the API: one answer (with the answer's ``revision``
as its ETag), every answer with its visibility and evidence, and the company's documents
attached to an answer — mixed into the assessment viewset of ``assessments.py``."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from drive.api.errors import PreconditionFailed, PreconditionRequired, envelope, refusal
from drive.api.views import require
from drive.assessments import services
from drive.assessments.models import Answer, Assessment
from drive.assessments.permissions import can_answer
from drive.assessments.presenters import answer_conflict_payload
from drive.assessments.selectors import (
    QuestionState,
    assessment_state,
    library_choices,
)
from drive.core.params import parse_id
from drive.questionnaires.models import Question

CODE = r"[A-Za-z_][A-Za-z0-9_.\-]{0,79}"
ANSWER_VALUE_HELP = _(
    'yes_no: "yes"/"no"; yes_no_partial adds "partial"; single: a choice value; '
    "multiple: a list of choice values; integer: a whole number; decimal and percentage: a "
    'number; date: "YYYY-MM-DD"; text: a string; file: null (attach documents); null '
    "clears the answer."
)

# --- Serializers -----------------------------------------------------------------------


class ProgressOut(serializers.Serializer):
    answered = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()


class AnswerOut(serializers.Serializer):
    question = serializers.CharField(source="question.code", help_text=_("Question code."))
    theme = serializers.CharField(source="question.theme.code")
    type = serializers.CharField(source="question.type")
    value = serializers.JSONField(allow_null=True, help_text=ANSWER_VALUE_HELP)
    display = serializers.CharField(
        help_text=_("The answer as a person reads it, in the request's language.")
    )
    revision = serializers.IntegerField(
        help_text=_("Send it as If-Match to change the answer; 0 = never answered.")
    )
    visible = serializers.BooleanField(
        help_text=_("False when a display condition hides the question.")
    )
    editable = serializers.BooleanField()
    required = serializers.BooleanField(source="question.required")
    needs_evidence = serializers.BooleanField()
    evidence_missing = serializers.BooleanField()
    red_flag = serializers.BooleanField()
    documents = serializers.ListField(child=serializers.IntegerField(), source="document_ids")
    updated_at = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_updated_at(self, state: QuestionState) -> Any:
        return (
            serializers.DateTimeField().to_representation(state.answer.updated_at)
            if (state.answer and state.answer.pk)
            else None
        )


class AnswerIn(serializers.Serializer):
    value = serializers.JSONField(allow_null=True, help_text=ANSWER_VALUE_HELP)


class AnswerSavedOut(serializers.Serializer):
    answer = AnswerOut()
    visible = serializers.ListField(
        child=serializers.CharField(), help_text=_("Codes of the questions now shown.")
    )
    progress = ProgressOut()


class AttachIn(serializers.Serializer):
    document = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text=_("A document of the company's library.")
    )


# --- Views ----------------------------------------------------------------------------


def _revision_from(request: Request, current: int) -> int:
    """The revision named by ``If-Match: "<revision>"`` (428 without it; ``*`` = the
    current one; anything else that is not a revision is 412)."""
    header = (request.headers.get("If-Match") or "").strip()
    if not header:
        raise PreconditionRequired()
    tag = header.split(",")[0].strip().removeprefix("W/").strip('"')
    if tag == "*":
        return current
    revision = parse_id(tag)
    if revision is None or len(tag) > 9:
        raise PreconditionFailed()
    return revision


ANSWER_CODE = OpenApiParameter(
    "code", str, OpenApiParameter.PATH, pattern=f"^{CODE}$", description="The question's code."
)


class AnswerActions:
    """Mixed into the assessment viewset: ``assessments/{id}/answers/`` and the evidence
    attached to an answer."""

    def _question(self, assessment: Assessment, code: str) -> Question:
        question = (
            Question.objects.filter(version_id=assessment.version_id, code=code)
            .select_related("theme")
            .prefetch_related("choices")
            .first()
        )
        if question is None:
            raise Http404
        return question

    @extend_schema(
        summary="Every applicable question with its answer, visibility and evidence",
        responses=AnswerOut(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def answers(self, request: Request, pk: str) -> Response:
        state = assessment_state(self.get_object())
        rows = [q for theme in state.themes for q in theme.questions]
        return Response(AnswerOut(rows, many=True).data)

    @extend_schema(
        methods=["GET"],
        summary="One answer; its ETag is the revision",
        parameters=[ANSWER_CODE],
        responses=AnswerOut,
    )
    @extend_schema(
        methods=["PUT"],
        summary='Save one answer (If-Match: "<revision>")',
        parameters=[ANSWER_CODE],
        request=AnswerIn,
        responses=AnswerSavedOut,
        description="412 `precondition_failed` when someone saved the answer since the "
        "revision you send: `error.conflict` holds the current value (`value`, `display`), "
        "`revision` and who changed it when (`changed_by` e-mail, `changed_at`; `by` name, "
        "`at` local time), the same structure as the web autosave's, and the ETag header "
        "the current revision; nothing is overwritten.",
    )
    @action(
        detail=True,
        methods=["get", "put"],
        url_path=f"answers/(?P<code>{CODE})",
        url_name="answer",
        pagination_class=None,
    )
    def answer(self, request: Request, pk: str, code: str) -> Response:
        assessment = self.get_object()
        if request.method == "GET":
            self._question(assessment, code)
            state = assessment_state(assessment).by_code.get(code)
            if state is None:
                raise Http404
            etag = f'"{state.revision}"'
            if etag in [v.strip() for v in request.headers.get("If-None-Match", "").split(",")]:
                return Response(status=304, headers={"ETag": etag})
            return Response(AnswerOut(state).data, headers={"ETag": etag})
        require(can_answer(request.user, assessment))
        question = self._question(assessment, code)
        current = Answer.objects.filter(assessment=assessment, question=question).first()
        expected = _revision_from(request, current.revision if current else 0)
        data = AnswerIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.answer_save(
                assessment=assessment,
                question=question,
                value=data.validated_data.get("value"),
                expected_revision=expected,
                by=request.user,
            )
        except services.AnswerConflict as conflict:
            # A stale If-Match is 412 like every other conditional write; the body says
            # what won (the web autosave's structure), so the client can merge at once.
            body = envelope(PreconditionFailed.default_code, conflict.message)
            body["error"]["conflict"] = answer_conflict_payload(question, conflict)
            return Response(
                body,
                status=status.HTTP_412_PRECONDITION_FAILED,
                headers={"ETag": f'"{conflict.revision}"'},
            )
        except services.AnswerInvalid as error:
            return refusal(error, fields={"value": [error.message]})
        return self._saved(assessment, code)

    def _saved(self, assessment: Assessment, code: str) -> Response:
        state = assessment_state(assessment)
        saved = state.by_code[code]
        return Response(
            {
                "answer": AnswerOut(saved).data,
                "visible": state.visible_codes,
                "progress": state.progress.as_dict(),
            },
            headers={"ETag": f'"{saved.revision}"'},
        )

    @extend_schema(
        summary="Attach a document of the company's library to an answer",
        parameters=[ANSWER_CODE],
        request=AttachIn,
        responses=AnswerSavedOut,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=f"answers/(?P<code>{CODE})/documents",
        url_name="answer-documents",
    )
    def attach(self, request: Request, pk: str, code: str) -> Response:
        assessment = self.get_object()
        require(can_answer(request.user, assessment))
        question = self._question(assessment, code)
        data = AttachIn(data=request.data)
        data.is_valid(raise_exception=True)
        document = library_choices(assessment).filter(pk=data.validated_data["document"]).first()
        if document is None:
            raise serializers.ValidationError(
                {"document": [_("Choose a document of your company's library.")]}
            )
        services.answer_attach_document(
            assessment=assessment, question=question, document=document, by=request.user
        )
        return self._saved(assessment, code)

    @extend_schema(
        summary="Take a document off an answer (it stays in the library)",
        parameters=[ANSWER_CODE, OpenApiParameter("document_pk", int, OpenApiParameter.PATH)],
        request=None,
        responses=AnswerSavedOut,
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=rf"answers/(?P<code>{CODE})/documents/(?P<document_pk>[0-9]{{1,18}})",
        url_name="answer-document",
    )
    def detach(self, request: Request, pk: str, code: str, document_pk: str) -> Response:
        assessment = self.get_object()
        require(can_answer(request.user, assessment))
        question = self._question(assessment, code)
        answer = assessment.answers.filter(question=question).first()
        document = answer.documents.filter(pk=int(document_pk)).first() if answer else None
        if document is None:
            raise Http404
        services.answer_detach_document(answer=answer, document=document, by=request.user)
        return self._saved(assessment, code)
