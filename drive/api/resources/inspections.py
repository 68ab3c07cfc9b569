"""Inspections through the API: list, detail, planning, the workflow moves, the team and
the declaration, and the report (JSON and PDF) — the services, selectors, predicates and
report of ``drive.inspections``, with the same scoping as the pages (another
organisation's inspection is 404; a wrong role 403; a refusal 400 with its sentence).

A supplier sees no dates of an unannounced inspection, and its report leaves out
confidential interview notes (``can_see_confidential``), here as on the pages and PDF."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils.translation import get_language
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
from rest_framework.request import Request
from rest_framework.response import Response

from drive.accounts.models import User
from drive.api.concurrency import idempotent, with_etag
from drive.api.views import ScopedViewSet, require
from drive.core.filters import apply_filters
from drive.inspections import permissions as perms
from drive.inspections import services
from drive.inspections.filters import InspectionFilter
from drive.inspections.models import (
    Assignment,
    Inspection,
    InspectionMode,
    InspectionStatus,
    InspectionType,
    Notice,
)
from drive.inspections.report import report_pdf_bytes
from drive.inspections.selectors import inspection_report
from drive.organisations.models import Organisation, OrganisationKind
from drive.programmes.models import Enrolment

RELATED = ("supplier", "programme", "body", "enrolment")


class InspectionMemberOut(serializers.Serializer):
    inspector = serializers.IntegerField(source="inspector_id")
    name = serializers.CharField(source="inspector.display_name")
    no_conflict_declared_at = serializers.DateTimeField(allow_null=True)


class InspectionOut(serializers.Serializer):
    id = serializers.IntegerField()
    programme = serializers.IntegerField(source="programme_id")
    enrolment = serializers.IntegerField(source="enrolment_id")
    supplier = serializers.IntegerField(source="supplier_id")
    supplier_name = serializers.CharField(source="supplier.legal_name")
    body = serializers.IntegerField(source="body_id")
    body_name = serializers.CharField(source="body.name")
    type = serializers.ChoiceField(choices=InspectionType.choices)
    mode = serializers.ChoiceField(choices=InspectionMode.choices)
    notice = serializers.ChoiceField(choices=Notice.choices)
    status = serializers.ChoiceField(choices=InspectionStatus.choices)
    window_start = serializers.DateField(
        allow_null=True, help_text=_("null for the supplier of an unannounced inspection.")
    )
    window_end = serializers.DateField(allow_null=True)
    scheduled_date = serializers.DateField(allow_null=True)
    site_address = serializers.CharField()
    site_country = serializers.CharField()
    follow_up_of = serializers.IntegerField(source="follow_up_of_id", allow_null=True)
    summary = serializers.CharField()
    return_comment = serializers.CharField()
    cancel_reason = serializers.CharField()
    started_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    team = InspectionMemberOut(many=True, source="assignments.all", allow_null=True)

    def to_representation(self, inspection: Inspection) -> dict[str, Any]:
        data = super().to_representation(inspection)
        user = self.context["request"].user
        if not perms.can_see_dates(user, inspection):
            data.update(window_start=None, window_end=None, scheduled_date=None)
        if perms.is_supplier_of(user, inspection):
            data.update(team=[], return_comment="")
        return data


class InspectionIn(serializers.Serializer):
    enrolment = serializers.IntegerField(help_text=_("The supplier's enrolment in a programme."))
    body = serializers.IntegerField(help_text=_("The inspection body (an organisation id)."))
    type = serializers.ChoiceField(choices=InspectionType.choices, default=InspectionType.INITIAL)
    mode = serializers.ChoiceField(choices=InspectionMode.choices, default=InspectionMode.ON_SITE)
    notice = serializers.ChoiceField(choices=Notice.choices, default=Notice.ANNOUNCED)
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    site_address = serializers.CharField(
        max_length=2000, required=False, default="", allow_blank=True
    )
    site_country = serializers.CharField(max_length=2, required=False, default="", allow_blank=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, default=None
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        default=None,
    )
    follow_up_of = serializers.IntegerField(required=False, allow_null=True, default=None)


class InspectionDateIn(serializers.Serializer):
    date = serializers.DateField()


class InspectionInspectorIn(serializers.Serializer):
    inspector = serializers.IntegerField(help_text=_("A user id: an inspector of the body."))


class InspectionDeclarationIn(serializers.Serializer):
    statement = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)


class InspectionSummaryIn(serializers.Serializer):
    summary = serializers.CharField(max_length=20000, required=False, default="", allow_blank=True)


class InspectionNoteIn(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, default="", allow_blank=True)


class InspectionCommentIn(serializers.Serializer):
    comment = serializers.CharField(max_length=5000)


class InspectionReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class InspectionFindingOut(serializers.Serializer):
    id = serializers.IntegerField()
    theme = serializers.CharField()
    question = serializers.CharField(allow_null=True)
    severity = serializers.CharField()
    description = serializers.CharField()
    requirement = serializers.CharField()
    awaiting_action_plan = serializers.BooleanField()
    attachments = serializers.ListField(child=serializers.IntegerField())


class InspectionNoteOut(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    confidential = serializers.BooleanField()


class InspectionReportOut(serializers.Serializer):
    inspection = serializers.IntegerField()
    status = serializers.CharField()
    summary = serializers.CharField()
    confirmed = serializers.IntegerField()
    discrepancy = serializers.IntegerField()
    not_verified = serializers.IntegerField()
    unmarked = serializers.IntegerField()
    discrepancy_rate = serializers.IntegerField(allow_null=True)
    findings = InspectionFindingOut(many=True)
    interview_notes = InspectionNoteOut(
        many=True, help_text=_("Confidential notes are left out for the supplier.")
    )


def _in(value: Any, queryset: QuerySet, field: str) -> Any:
    found = queryset.filter(pk=value).first() if value is not None else None
    if value is not None and found is None:
        raise serializers.ValidationError({field: [_("No such object that you may use.")]})
    return found


@extend_schema_view(
    list=extend_schema(
        summary="Inspections you may see (buyer: its programmes'; body: assigned to it, an "
        "inspector only theirs; supplier: its own once announced)",
        parameters=[
            OpenApiParameter("status", str, enum=InspectionStatus.values),
            OpenApiParameter("type", str, enum=InspectionType.values),
            OpenApiParameter("programme", int),
            OpenApiParameter("supplier", int),
        ],
        responses=InspectionOut(many=True),
    ),
    retrieve=extend_schema(summary="An inspection with its team", responses=InspectionOut),
    create=extend_schema(
        summary="Plan an inspection (the programme's managers)",
        request=InspectionIn,
        responses={201: InspectionOut},
        description="400 `inspection_refused` for a withdrawn enrolment, a closed "
        "programme, a window out of order or a follow-up without its inspection.",
    ),
)
class InspectionViewSet(ScopedViewSet):
    serializer_class = InspectionOut
    cursor_ordering = ("-window_start", "-id")

    def scoped(self) -> QuerySet[Inspection]:
        return (
            Inspection.objects.visible_to(self.request.user)
            .select_related(*RELATED)
            .prefetch_related(
                Prefetch("assignments", queryset=Assignment.objects.select_related("inspector"))
            )
        )

    def _out(self, inspection: Inspection, code: int = 200) -> Response:
        fresh = self.scoped().get(pk=inspection.pk)
        return with_etag(
            self.request, InspectionOut(fresh, context={"request": self.request}).data, code
        )

    def list(self, request: Request) -> Response:
        inspections = apply_filters(InspectionFilter, request.query_params, self.get_queryset())
        return self.page(inspections, InspectionOut)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._out(self.get_object())

    @idempotent
    def create(self, request: Request) -> Response:
        require(perms.can_plan_inspections(request.user))
        data = InspectionIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        enrolment = _in(
            values["enrolment"],
            Enrolment.objects.visible_to(request.user).select_related("programme", "supplier"),
            "enrolment",
        )
        body = _in(
            values["body"],
            Organisation.objects.filter(kind=OrganisationKind.INSPECTION_BODY),
            "body",
        )
        follow_up = _in(
            values["follow_up_of"], Inspection.objects.visible_to(request.user), "follow_up_of"
        )
        inspection = services.inspection_plan(
            enrolment=enrolment,
            plan=services.InspectionPlan(
                body=body,
                window_start=values["window_start"],
                window_end=values["window_end"],
                type=values["type"],
                mode=values["mode"],
                notice=values["notice"],
                site_address=values["site_address"],
                site_country=values["site_country"],
                latitude=values["latitude"],
                longitude=values["longitude"],
                follow_up_of=follow_up,
            ),
            by=request.user,
        )
        response = self._out(inspection, status.HTTP_201_CREATED)
        response["Location"] = f"{request.path}{inspection.pk}/"
        return response

    def _move(self, request: Request, allowed, form, call) -> Response:
        inspection = self.get_object()
        require(allowed(request.user, inspection))
        values: dict[str, Any] = {}
        if form is not None:
            data = form(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
        call(inspection, request.user, values)
        return self._out(inspection)

    @extend_schema(summary="Set or change the date (the body's lead)", request=InspectionDateIn)
    @action(detail=True, methods=["post"])
    def schedule(self, request: Request, pk: str) -> Response:
        return self._move(
            request,
            perms.can_schedule,
            InspectionDateIn,
            lambda i, u, d: services.inspection_schedule(inspection=i, date=d["date"], by=u),
        )

    @extend_schema(
        summary="Assign an inspector of the body (the lead)", request=InspectionInspectorIn
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        return self._move(
            request,
            perms.can_assign,
            InspectionInspectorIn,
            lambda i, u, d: services.inspection_assign(
                inspection=i, inspector=self._inspector(i, d), by=u
            ),
        )

    @extend_schema(
        summary="Take an inspector off the team (the lead)", request=InspectionInspectorIn
    )
    @action(detail=True, methods=["post"])
    def unassign(self, request: Request, pk: str) -> Response:
        return self._move(
            request,
            perms.can_assign,
            InspectionInspectorIn,
            lambda i, u, d: services.inspection_unassign(
                inspection=i, inspector=self._inspector(i, d), by=u
            ),
        )

    def _inspector(self, inspection: Inspection, data: dict[str, Any]) -> User:
        person = User.objects.filter(pk=data["inspector"], organisation_id=inspection.body_id)
        return _in(data["inspector"], person, "inspector")

    @extend_schema(
        summary="Declare no conflict of interest with the supplier (an assigned inspector)",
        request=InspectionDeclarationIn,
    )
    @action(detail=True, methods=["post"])
    def declare(self, request: Request, pk: str) -> Response:
        return self._move(
            request,
            perms.can_declare,
            InspectionDeclarationIn,
            lambda i, u, d: services.inspection_declare_no_conflict(
                inspection=i, by=u, statement=d["statement"]
            ),
        )

    @extend_schema(summary="Start (an assigned inspector who declared)", request=None)
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        return self._move(
            request,
            perms.can_start,
            None,
            lambda i, u, d: services.inspection_start(inspection=i, by=u),
        )

    @extend_schema(
        summary="Submit the report (an assigned inspector)",
        request=InspectionSummaryIn,
        description="400 `inspection_refused` while a checklist item is unmarked.",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self._move(
            request,
            perms.can_submit,
            InspectionSummaryIn,
            lambda i, u, d: services.inspection_submit(inspection=i, by=u, summary=d["summary"]),
        )

    @extend_schema(summary="Forward to the programme manager (the lead)", request=InspectionNoteIn)
    @action(detail=True, methods=["post"])
    def forward(self, request: Request, pk: str) -> Response:
        return self._move(
            request,
            perms.can_forward,
            InspectionNoteIn,
            lambda i, u, d: services.inspection_forward(inspection=i, by=u, note=d["note"]),
        )

    @extend_schema(
        summary="Return with comments (the lead from submitted, the manager from forwarded)",
        request=InspectionCommentIn,
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        return self._move(
            request,
            perms.can_return,
            InspectionCommentIn,
            lambda i, u, d: services.inspection_return(inspection=i, by=u, comment=d["comment"]),
        )

    @extend_schema(summary="Approve (the programme's managers)", request=InspectionNoteIn)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._move(
            request,
            perms.can_approve,
            InspectionNoteIn,
            lambda i, u, d: services.inspection_approve(inspection=i, by=u, note=d["note"]),
        )

    @extend_schema(
        summary="Cancel with a reason (the programme's managers)", request=InspectionReasonIn
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        return self._move(
            request,
            perms.can_cancel,
            InspectionReasonIn,
            lambda i, u, d: services.inspection_cancel(inspection=i, by=u, reason=d["reason"]),
        )

    @extend_schema(
        summary="The report: verification, findings, interview notes (supplier: after "
        "approval, without confidential notes)",
        responses=InspectionReportOut,
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def report(self, request: Request, pk: str) -> Response:
        inspection = self.get_object()
        require(perms.can_view_report(request.user, inspection))
        report = inspection_report(
            inspection, confidential=perms.can_see_confidential(request.user, inspection)
        )
        v = report.verification
        findings = [f for block in report.themes for f in block.findings]
        return Response(
            InspectionReportOut(
                {
                    "inspection": inspection.pk,
                    "status": inspection.status,
                    "summary": inspection.summary,
                    "confirmed": v.confirmed,
                    "discrepancy": v.discrepancy,
                    "not_verified": v.not_verified,
                    "unmarked": v.unmarked,
                    "discrepancy_rate": v.discrepancy_rate,
                    "findings": [
                        {
                            "id": f.pk,
                            "theme": f.theme.code,
                            "question": f.question.code if f.question else None,
                            "severity": f.severity,
                            "description": f.description,
                            "requirement": f.requirement,
                            "awaiting_action_plan": f in report.awaiting_action,
                            "attachments": [a.pk for a in f.attachments.all()],
                        }
                        for f in findings
                    ],
                    "interview_notes": [
                        {"id": n.pk, "text": n.text, "confidential": n.confidential}
                        for n in report.notes
                    ],
                }
            ).data
        )

    @extend_schema(
        summary="The report as PDF (``lang``: en or zh-hans; default the request's language)",
        parameters=[OpenApiParameter("lang", str, enum=[code for code, _n in settings.LANGUAGES])],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="report/pdf",
        url_name="report-pdf",
        pagination_class=None,
    )
    def report_pdf(self, request: Request, pk: str) -> HttpResponse:
        inspection = self.get_object()
        require(perms.can_view_report(request.user, inspection))
        language = (request.query_params.get("lang") or get_language() or "en").strip().lower()
        if language not in dict(settings.LANGUAGES):
            raise serializers.ValidationError({"lang": [_("Choose en or zh-hans.")]})
        response = HttpResponse(
            report_pdf_bytes(request.user, inspection, language), content_type="application/pdf"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="inspection-{inspection.pk}-{language}.pdf"'
        )
        return response
