"""Self-assessments: answers (with the answer's ``revision`` as its ETag), evidence on
answers, the missing list, submit / return / accept as action endpoints, review comments,
submissions and their comparison — the services, selectors and predicates of
``drive.assessments``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from drive.api.concurrency import with_etag
from drive.api.errors import refusal
from drive.api.resources.answers import CODE, AnswerActions, ProgressOut
from drive.api.resources.appeals import AssessmentAppealActions
from drive.api.resources.feedback import FeedbackActions
from drive.api.resources.programmes import NoteIn, SupplierRef
from drive.api.resources.scoring import ScoreActions
from drive.api.views import ScopedViewSet, require
from drive.assessments import services
from drive.assessments.filters import AssessmentFilter
from drive.assessments.models import Assessment, AssessmentStatus, Submission
from drive.assessments.permissions import can_answer, can_read_review, can_review
from drive.assessments.selectors import (
    Missing,
    Progress,
    assessment_state,
    assessments_with_progress,
    display_value,
    visible_assessments,
)
from drive.core.filters import apply_filters
from drive.questionnaires.models import Question

# --- Serializers -----------------------------------------------------------------------


class SubmissionRef(serializers.Serializer):
    number = serializers.IntegerField()
    reference = serializers.CharField()
    submitted_at = serializers.DateTimeField()


class AssessmentOut(serializers.ModelSerializer):
    supplier = SupplierRef(read_only=True)
    enrolment = serializers.IntegerField(source="enrolment_id", read_only=True)
    programme = serializers.IntegerField(source="enrolment.programme_id", read_only=True)
    version = serializers.IntegerField(source="version_id", read_only=True)
    prefilled_from = serializers.IntegerField(
        source="prefilled_from_id", read_only=True, allow_null=True
    )
    progress = serializers.SerializerMethodField()
    latest_submission = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "status",
            "supplier",
            "enrolment",
            "programme",
            "version",
            "progress",
            "latest_submission",
            "prefilled_from",
            "submitted_at",
            "accepted_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ProgressOut)
    def get_progress(self, assessment: Assessment) -> dict[str, int]:
        progress: Progress = self.context["progress"][assessment.pk]
        return progress.as_dict()

    @extend_schema_field(SubmissionRef(allow_null=True))
    def get_latest_submission(self, assessment: Assessment) -> dict[str, Any] | None:
        latest = max(assessment.submissions.all(), key=lambda s: s.number, default=None)
        if latest is None:
            return None
        return {
            "number": latest.number,
            "reference": services.reference_number(assessment, latest.number),
            "submitted_at": latest.submitted_at,
        }


class MissingOut(serializers.Serializer):
    question = serializers.CharField()
    theme = serializers.CharField()
    reason = serializers.ChoiceField(choices=["unanswered", "evidence"])
    message = serializers.CharField()


def missing_dict(item: Missing) -> dict[str, str]:
    return {
        "question": item.question.code,
        "theme": item.theme.code,
        "reason": item.reason,
        "message": item.message,
    }


class CommentOut(serializers.Serializer):
    id = serializers.IntegerField()
    question = serializers.CharField(source="question.code")
    submission_number = serializers.IntegerField()
    author = serializers.EmailField(source="author.email", allow_null=True, default=None)
    text = serializers.CharField()
    asks_document = serializers.BooleanField(
        help_text="The reviewer asks the supplier for a document on this answer."
    )
    created_at = serializers.DateTimeField()


class CommentIn(serializers.Serializer):
    question = serializers.RegexField(rf"^{CODE}$", max_length=80)
    text = serializers.CharField(max_length=5000)
    asks_document = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Ask the supplier for a document on this answer (any question).",
    )


class SubmissionOut(serializers.ModelSerializer):
    reference = serializers.SerializerMethodField()
    submitted_by = serializers.EmailField(
        source="submitted_by.email", read_only=True, allow_null=True, default=None
    )
    answers = serializers.DictField(child=serializers.JSONField(), read_only=True)
    documents = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField()), read_only=True
    )

    class Meta:
        model = Submission
        fields = ["number", "reference", "submitted_at", "submitted_by", "answers", "documents"]
        read_only_fields = fields

    def get_reference(self, submission: Submission) -> str:
        return services.reference_number(submission.assessment, submission.number)


class CompareRowOut(serializers.Serializer):
    question = serializers.CharField(source="question.code")
    theme = serializers.CharField(source="question.theme.code")
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)
    old_display = serializers.SerializerMethodField()
    new_display = serializers.SerializerMethodField()
    old_documents = serializers.ListField(child=serializers.IntegerField())
    new_documents = serializers.ListField(child=serializers.IntegerField())
    changed = serializers.BooleanField()

    def get_old_display(self, row: services.CompareRow) -> str:
        return display_value(row.question, row.old)

    def get_new_display(self, row: services.CompareRow) -> str:
        return display_value(row.question, row.new)


class CompareIn(serializers.Serializer):
    a = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    b = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    changes = serializers.BooleanField(required=False, default=False)


# --- Views ----------------------------------------------------------------------------


ASSESSMENT_FILTERS = [
    OpenApiParameter("status", str, enum=AssessmentStatus.values),
    OpenApiParameter("programme", int),
]


@extend_schema_view(
    list=extend_schema(
        summary="Self-assessments you may see (suppliers: their own; buyers: their programmes')",
        parameters=ASSESSMENT_FILTERS,
        responses=AssessmentOut(many=True),
    ),
    retrieve=extend_schema(summary="A self-assessment with its progress", responses=AssessmentOut),
)
class AssessmentViewSet(
    AnswerActions, ScoreActions, AssessmentAppealActions, FeedbackActions, ScopedViewSet
):
    serializer_class = AssessmentOut
    cursor_ordering = ("-id",)

    def scoped(self) -> QuerySet[Assessment]:
        return visible_assessments(self.request.user).prefetch_related(
            "supplier__sectors", "submissions"
        )

    def out(self, assessment: Assessment, progress: Progress | None = None) -> dict:
        if progress is None:
            progress = assessment_state(assessment).progress
        return AssessmentOut(assessment, context={"progress": {assessment.pk: progress}}).data

    def fresh(self, assessment: Assessment) -> dict:
        return self.out(self.scoped().get(pk=assessment.pk))

    def list(self, request: Request) -> Response:
        assessments = apply_filters(AssessmentFilter, request.query_params, self.get_queryset())
        page = self.paginate_queryset(assessments)
        rows = assessments_with_progress(page)
        context = {"progress": {a.pk: p for a, p in rows}}
        return self.get_paginated_response(
            AssessmentOut([a for a, _p in rows], many=True, context=context).data
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        return with_etag(request, self.out(self.get_object()))

    @extend_schema(
        summary="What is still missing before submitting", responses=MissingOut(many=True)
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def missing(self, request: Request, pk: str) -> Response:
        items = services.assessment_missing(self.get_object())
        return Response([missing_dict(m) for m in items])

    # --- Transitions ----------------------------------------------------------------

    @extend_schema(
        summary="Submit for review (supplier)",
        request=None,
        responses=AssessmentOut,
        description="400 `assessment_incomplete` lists what is missing in "
        "`error.details` (question, theme, reason, message).",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        assessment = self.get_object()
        require(can_answer(request.user, assessment))
        try:
            services.assessment_submit(assessment=assessment, by=request.user)
        except services.AssessmentIncomplete as error:
            return refusal(error, details=[missing_dict(m) for m in error.missing])
        return Response(self.fresh(assessment))

    @extend_schema(
        summary="Return for clarification (needs a comment on this submission)",
        request=NoteIn,
        responses=AssessmentOut,
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        assessment = self.get_object()
        require(can_review(request.user, assessment))
        data = NoteIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.assessment_return(
            assessment=assessment, by=request.user, note=data.validated_data["note"]
        )
        return Response(self.fresh(assessment))

    @extend_schema(
        summary="Accept the submitted assessment", request=NoteIn, responses=AssessmentOut
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        assessment = self.get_object()
        require(can_review(request.user, assessment))
        data = NoteIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.assessment_accept(
            assessment=assessment, by=request.user, note=data.validated_data["note"]
        )
        return Response(self.fresh(assessment))

    # --- Review ---------------------------------------------------------------------

    @extend_schema(
        methods=["GET"], summary="The reviewers' comments", responses=CommentOut(many=True)
    )
    @extend_schema(
        methods=["POST"],
        summary="Comment on one answer of the submission under review (reviewers)",
        request=CommentIn,
        responses={201: CommentOut},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def comments(self, request: Request, pk: str) -> Response:
        assessment = self.get_object()
        if request.method == "GET":
            comments = assessment.comments.select_related("question", "author").order_by(
                "created_at", "id"
            )
            return Response(CommentOut(comments, many=True).data)
        require(can_review(request.user, assessment))
        data = CommentIn(data=request.data)
        data.is_valid(raise_exception=True)
        question = Question.objects.filter(
            version_id=assessment.version_id, code=data.validated_data["question"]
        ).first()
        if question is None:
            raise serializers.ValidationError(
                {"question": [_("This question is not part of this questionnaire.")]}
            )
        comment = services.review_comment_add(
            assessment=assessment,
            question=question,
            text=data.validated_data["text"],
            by=request.user,
            asks_document=data.validated_data["asks_document"],
        )
        return Response(CommentOut(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Every submission, with its frozen answers", responses=SubmissionOut(many=True)
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def submissions(self, request: Request, pk: str) -> Response:
        assessment = self.get_object()
        submissions = assessment.submissions.select_related("submitted_by").order_by("number")
        for submission in submissions:
            submission.assessment = assessment
        return Response(SubmissionOut(submissions, many=True).data)

    @extend_schema(
        summary="Compare two submissions question by question",
        parameters=[
            OpenApiParameter("a", int, required=True, description="The older submission number."),
            OpenApiParameter("b", int, required=True, description="The newer submission number."),
            OpenApiParameter("changes", bool, description="Only the changed answers."),
        ],
        responses=CompareRowOut(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def compare(self, request: Request, pk: str) -> Response:
        assessment = self.get_object()
        require(can_answer(request.user, assessment) or can_read_review(request.user, assessment))
        query = CompareIn(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            rows = services.submission_compare(
                assessment, query.validated_data["a"], query.validated_data["b"]
            )
        except Submission.DoesNotExist:
            raise Http404 from None
        if query.validated_data["changes"]:
            rows = [row for row in rows if row.changed]
        return Response(CompareRowOut(rows, many=True).data)
