"""Corrective actions: the list (filters shared with the page), one action, its plans and
progress reports, and each move of the workflow — the services, selectors, filters and
predicates of ``drive.actions``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from drive.actions import services
from drive.actions.filters import ActionFilter
from drive.actions.models import (
    ActionPlan,
    ActionStatus,
    CorrectiveAction,
    ProgressReport,
)
from drive.actions.permissions import can_manage_action, can_work_on_action
from drive.actions.selectors import next_step, with_urgency
from drive.api.concurrency import idempotent, with_etag
from drive.api.views import ScopedViewSet, require
from drive.core.filters import apply_filters
from drive.inspections.models import Severity


class ActionOut(serializers.ModelSerializer):
    programme = serializers.IntegerField(source="programme_id", read_only=True)
    supplier = serializers.IntegerField(source="supplier_id", read_only=True)
    supplier_name = serializers.CharField(source="supplier.legal_name", read_only=True)
    finding = serializers.IntegerField(source="finding_id", read_only=True, allow_null=True)
    assessment = serializers.IntegerField(source="assessment_id", read_only=True, allow_null=True)
    question = serializers.CharField(
        source="question.code", read_only=True, allow_null=True, default=None
    )
    theme = serializers.CharField(
        source="theme.code", read_only=True, allow_null=True, default=None
    )
    verified_by_inspection = serializers.IntegerField(
        source="verified_by_inspection_id", read_only=True, allow_null=True
    )
    overdue = serializers.BooleanField(read_only=True, default=False)
    next_actor = serializers.SerializerMethodField(
        help_text=_("Who must act next: supplier, manager, or empty when finished.")
    )
    next_due = serializers.SerializerMethodField(help_text=_("By when the next step is due."))

    class Meta:
        model = CorrectiveAction
        fields = [
            "id",
            "programme",
            "supplier",
            "supplier_name",
            "finding",
            "assessment",
            "question",
            "theme",
            "severity",
            "title",
            "description",
            "status",
            "plan_due",
            "closure_due",
            "overdue",
            "next_actor",
            "next_due",
            "verified_by_inspection",
            "cancel_reason",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields

    def get_next_actor(self, obj: CorrectiveAction) -> str:
        return next_step(obj).who

    def get_next_due(self, obj: CorrectiveAction) -> str | None:
        due = next_step(obj).by
        return due.isoformat() if due else None


class ActionPlanOut(serializers.ModelSerializer):
    proposed_by = serializers.EmailField(
        source="proposed_by.email", read_only=True, allow_null=True, default=None
    )
    decided_by = serializers.EmailField(
        source="decided_by.email", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = ActionPlan
        fields = [
            "revision",
            "root_cause",
            "measures",
            "owner",
            "target_date",
            "proposed_by",
            "proposed_at",
            "decision",
            "decision_comment",
            "later_target_agreed",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


class ActionProgressOut(serializers.ModelSerializer):
    documents = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    created_by = serializers.EmailField(
        source="created_by.email", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = ProgressReport
        fields = ["id", "note", "documents", "final", "created_by", "created_at"]
        read_only_fields = fields


class ActionPlanIn(serializers.Serializer):
    root_cause = serializers.CharField(max_length=5000)
    measures = serializers.CharField(max_length=5000)
    owner = serializers.CharField(max_length=200)
    target_date = serializers.DateField()


class ActionApproveIn(serializers.Serializer):
    comment = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)
    agree_later_target = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Required when the target date is later than the closure due date."),
    )


class ActionCommentIn(serializers.Serializer):
    comment = serializers.CharField(max_length=5000)


class ActionProgressIn(serializers.Serializer):
    note = serializers.CharField(max_length=5000)
    documents = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        max_length=50,
        help_text=_("Ids of documents in the company's evidence library."),
    )


class ActionVerifyIn(serializers.Serializer):
    note = serializers.CharField(max_length=5000)
    by_inspection = serializers.BooleanField(required=False, default=False)
    verified_value = serializers.CharField(
        max_length=200,
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "For an action linked to a question: the answer the evidence now supports "
            "(a choice value); the score is recomputed with it."
        ),
    )


class ActionReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


RELATED = ("programme__buyer", "supplier", "question", "theme")
REFUSAL = "400 `action_refused` or `invalid_transition` when the move is not possible now."


@extend_schema_view(
    list=extend_schema(
        summary="Corrective actions you may see (the supplier's own; the buyer's programmes')",
        parameters=[
            OpenApiParameter("programme", int),
            OpenApiParameter("status", str, enum=ActionStatus.values),
            OpenApiParameter("severity", str, enum=Severity.values),
            OpenApiParameter("theme", str, description="Theme code."),
            OpenApiParameter("overdue", str, enum=["yes", "no"]),
        ],
        responses=ActionOut(many=True),
    ),
    retrieve=extend_schema(summary="A corrective action", responses=ActionOut),
)
class ActionViewSet(ScopedViewSet):
    serializer_class = ActionOut
    cursor_ordering = ("closure_due", "id")

    def scoped(self) -> QuerySet[CorrectiveAction]:
        return with_urgency(CorrectiveAction.objects.visible_to(self.request.user)).select_related(
            *RELATED
        )

    def list(self, request: Request) -> Response:
        actions = apply_filters(ActionFilter, request.query_params, self.get_queryset())
        return self.page(actions, ActionOut)

    def retrieve(self, request: Request, pk: str) -> Response:
        return with_etag(request, ActionOut(self.get_object()).data)

    def _fresh(self, obj: CorrectiveAction) -> dict[str, Any]:
        return ActionOut(self.scoped().get(pk=obj.pk)).data

    def _move(
        self,
        request: Request,
        side: Callable[[], CorrectiveAction],
        serializer: type[serializers.Serializer],
        service: Callable[..., Any],
    ) -> Response:
        """One workflow move: the person's side of the action (404/403), the validated
        body as the service's keyword arguments, the action as it now stands."""
        obj = side()
        data = serializer(data=request.data)
        data.is_valid(raise_exception=True)
        service(action=obj, by=request.user, **data.validated_data)
        return Response(self._fresh(obj))

    def _supplier_side(self) -> CorrectiveAction:
        obj = self.get_object()
        require(can_work_on_action(self.request.user, obj))
        return obj

    def _manager_side(self) -> CorrectiveAction:
        obj = self.get_object()
        require(can_manage_action(self.request.user, obj))
        return obj

    @extend_schema(summary="The plan's revisions, newest first", responses=ActionPlanOut(many=True))
    @action(detail=True, methods=["get"], url_path="plans", url_name="plans")
    def plans(self, request: Request, pk: str) -> Response:
        obj = self.get_object()
        self.cursor_ordering = ("-revision",)
        return self.page(
            ActionPlan.objects.filter(action=obj).select_related("proposed_by", "decided_by"),
            ActionPlanOut,
        )

    @extend_schema(
        summary="Propose (or revise) the plan: root cause, action, owner, target date "
        "(the supplier)",
        request=ActionPlanIn,
        responses={201: ActionPlanOut},
        description=REFUSAL,
    )
    @action(detail=True, methods=["post"], url_path="plan", url_name="plan")
    @idempotent
    def plan(self, request: Request, pk: str) -> Response:
        obj = self._supplier_side()
        data = ActionPlanIn(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_propose(action=obj, by=request.user, **data.validated_data)
        return Response(ActionPlanOut(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve the proposed plan (programme managers)",
        request=ActionApproveIn,
        responses=ActionOut,
        description=REFUSAL,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._move(request, self._manager_side, ActionApproveIn, services.plan_approve)

    @extend_schema(
        summary="Request changes to the proposed plan, with comments (programme managers)",
        request=ActionCommentIn,
        responses=ActionOut,
        description=REFUSAL,
    )
    @action(detail=True, methods=["post"], url_path="request-changes", url_name="request-changes")
    def request_changes(self, request: Request, pk: str) -> Response:
        return self._move(
            request, self._manager_side, ActionCommentIn, services.plan_request_changes
        )

    @extend_schema(
        methods=["GET"],
        summary="Progress reports, newest first",
        responses=ActionProgressOut(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Report progress with evidence from the library (the supplier)",
        request=ActionProgressIn,
        responses={201: ActionProgressOut},
        description=REFUSAL,
    )
    @action(detail=True, methods=["get", "post"], url_path="progress", url_name="progress")
    def progress(self, request: Request, pk: str) -> Response:
        if request.method == "GET":
            obj = self.get_object()
            self.cursor_ordering = ("-created_at", "-id")
            return self.page(
                ProgressReport.objects.filter(action=obj)
                .select_related("created_by")
                .prefetch_related("documents"),
                ActionProgressOut,
            )
        return self._report(request)

    progress.idempotent = True  # documents Idempotency-Key on the POST

    @idempotent
    def _report(self, request: Request) -> Response:
        obj = self._supplier_side()
        data = ActionProgressIn(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.progress_report(
            action=obj,
            by=request.user,
            note=data.validated_data["note"],
            document_ids=data.validated_data["documents"],
        )
        return Response(ActionProgressOut(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Submit for verification with the final evidence (the supplier)",
        request=ActionProgressIn,
        responses=ActionOut,
        description=REFUSAL,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        obj = self._supplier_side()
        data = ActionProgressIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.action_submit(
            action=obj,
            by=request.user,
            note=data.validated_data["note"],
            document_ids=data.validated_data["documents"],
        )
        return Response(self._fresh(obj))

    @extend_schema(
        summary="Verify and close (programme managers); a critical action needs an approved "
        "follow-up inspection made after submission",
        request=ActionVerifyIn,
        responses=ActionOut,
        description=REFUSAL,
    )
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str) -> Response:
        return self._move(request, self._manager_side, ActionVerifyIn, services.action_verify)

    @extend_schema(
        summary="Send the submitted action back to the supplier with comments",
        request=ActionCommentIn,
        responses=ActionOut,
        description=REFUSAL,
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def send_back(self, request: Request, pk: str) -> Response:
        return self._move(request, self._manager_side, ActionCommentIn, services.action_return)

    @extend_schema(
        summary="Reopen a closed action with a reason",
        request=ActionReasonIn,
        responses=ActionOut,
        description=REFUSAL,
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        return self._move(request, self._manager_side, ActionReasonIn, services.action_reopen)

    @extend_schema(
        summary="Cancel with a reason (programme managers)",
        request=ActionReasonIn,
        responses=ActionOut,
        description=REFUSAL,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        return self._move(request, self._manager_side, ActionReasonIn, services.action_cancel)
