"""A programme's inspection queue over the API (``programmes/{id}/inspection-queue/``), mixed
into the programme viewset: the web queue's rows (``inspections/programmes/{id}/queue/``) in
its order, read by the same selectors (``inspection_queue`` with the page's filters, then
``queue_page``: a keyset page, its rows' reasons and the total up to 10,000), with the same
scope and predicate (another organisation's programme 404, ``can_view_queue`` else 403)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from drive.api.pagination import CountedKeyset
from drive.api.views import require
from drive.inspections import permissions as perms
from drive.inspections.filters import PENDING, TIER_CHOICES
from drive.inspections.models import InspectionType
from drive.inspections.selectors import (
    OPEN_STATUSES,
    QUEUE_ORDER,
    REASON_CODES,
    QueueRow,
    Reason,
    inspection_queue,
    queue_page,
)
from drive.programmes.models import Programme, Stage

# --- Serializers -----------------------------------------------------------------------


class QueueSupplierOut(serializers.Serializer):
    id = serializers.IntegerField()
    legal_name = serializers.CharField()
    local_name = serializers.CharField(allow_blank=True)
    country = serializers.CharField(help_text=_("ISO 3166 alpha-2 code."))


class QueueReasonOut(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=REASON_CODES,
        help_text=_(
            "What raises the priority: residual_pending, residual_tier, red_flags, "
            "long_term_agreements, discrepancies, no_discrepancies, never_inspected, "
            "last_inspected."
        ),
    )
    points = serializers.IntegerField(
        help_text=_("The points this reason adds: a row's reasons add up to its priority.")
    )
    value = serializers.JSONField(
        allow_null=True,
        help_text=_(
            "residual_tier: the tier; red_flags: how many red-flag answers; "
            "long_term_agreements: the active agreements' value (decimal as text); "
            "discrepancies and no_discrepancies: the discrepancy rate in percent; "
            "last_inspected: the date (YYYY-MM-DD); the others: null."
        ),
    )
    text = serializers.CharField(
        help_text=_("The sentence the web queue shows, in the request's language.")
    )


class OpenInspectionOut(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField(help_text=_("The inspection (inspections/{id}/)."))
    status = serializers.ChoiceField(
        choices=[status.value for status in OPEN_STATUSES],
        help_text=_("planned, scheduled, in_progress, submitted or forwarded."),
    )
    status_label = serializers.CharField(
        help_text=_("The status as the web queue names it, in the request's language.")
    )
    window_start = serializers.DateField(help_text=_("The planned window's first day."))
    window_end = serializers.DateField(help_text=_("The planned window's last day."))
    scheduled_date = serializers.DateField(
        allow_null=True,
        help_text=_("The date the inspection body's lead set; null: not scheduled yet."),
    )


class PlanBodyOut(serializers.Serializer):
    enrolment = serializers.IntegerField()
    type = serializers.ChoiceField(
        choices=InspectionType.choices,
        help_text=_(
            "The type the web queue's planning form proposes: initial (a follow-up or "
            "closure inspection is planned from the corrective action that asks for it)."
        ),
    )
    site_address = serializers.CharField(allow_blank=True)
    site_country = serializers.CharField(allow_blank=True)


class PlanHintOut(serializers.Serializer):
    method = serializers.ChoiceField(choices=["POST"])
    url = serializers.URLField(help_text=_("The inspections endpoint (inspections/)."))
    body = PlanBodyOut(
        help_text=_(
            "The fields the web planning form fills in from the queue; add body, "
            "window_start and window_end."
        )
    )


class QueueRowOut(serializers.Serializer):
    enrolment = serializers.IntegerField()
    supplier = QueueSupplierOut()
    stage = serializers.ChoiceField(choices=Stage.choices)
    residual_tier = serializers.ChoiceField(
        choices=[tier for tier, _label in TIER_CHOICES if tier != PENDING],
        allow_null=True,
        help_text=_("null: pending an assessed score (or no published risk model)."),
    )
    residual_tier_label = serializers.CharField(
        help_text=_("The tier as the web queue names it, in the request's language.")
    )
    priority = serializers.IntegerField(help_text=_("Higher: inspect sooner (0 to 105)."))
    reasons = QueueReasonOut(many=True)
    last_inspected_on = serializers.DateField(
        allow_null=True, help_text=_("The last approved inspection's date; null: never.")
    )
    open_inspection = OpenInspectionOut(
        allow_null=True,
        help_text=_(
            "The supplier's inspection in this programme that is planned or under way (the "
            "one planned last, if several), with its status and dates as the web queue "
            "shows them; null: none."
        ),
    )
    plan = PlanHintOut(
        allow_null=True,
        help_text=_(
            "How to plan an inspection of this supplier, where the web queue offers it "
            "(no open inspection, and you may plan in this programme); else null."
        ),
    )


# --- Builders --------------------------------------------------------------------------


def _value(reason: Reason) -> Any:
    value = reason.value
    if reason.code == "long_term_agreements":
        return str(value)
    if reason.code == "last_inspected":
        return value.isoformat()
    return value


def queue_row(row: QueueRow, request: Request, *, can_plan: bool) -> dict[str, Any]:
    supplier = row.supplier
    open_inspection = None
    if row.open_inspection is not None:
        inspection = row.open_inspection
        open_inspection = {
            "id": inspection.pk,
            "url": reverse("api:inspection-detail", kwargs={"pk": inspection.pk}, request=request),
            "status": inspection.status,
            "status_label": inspection.get_status_display(),
            "window_start": inspection.window_start,
            "window_end": inspection.window_end,
            "scheduled_date": inspection.scheduled_date,
        }
    plan = None
    if open_inspection is None and can_plan:
        plan = {
            "method": "POST",
            "url": reverse("api:inspection-list", request=request),
            "body": {
                "enrolment": row.enrolment.pk,
                "type": row.plan_type,
                "site_address": supplier.address,
                "site_country": supplier.country.code,
            },
        }
    return {
        "enrolment": row.enrolment.pk,
        "supplier": {
            "id": supplier.pk,
            "legal_name": supplier.legal_name,
            "local_name": supplier.local_name,
            "country": supplier.country.code,
        },
        "stage": row.enrolment.stage,
        "residual_tier": row.tier,
        "residual_tier_label": row.tier_label,
        "priority": row.priority,
        "reasons": [
            {"code": r.code, "points": r.points, "value": _value(r), "text": r.text}
            for r in row.explained
        ],
        "last_inspected_on": row.last_inspected_on,
        "open_inspection": open_inspection,
        "plan": plan,
    }


QUEUE_FILTERS = [
    OpenApiParameter("country", str, description="Only suppliers in this country (ISO code)."),
    OpenApiParameter(
        "sector", int, description="Only suppliers with this UNSPSC segment among their sectors."
    ),
    OpenApiParameter(
        "tier",
        str,
        enum=[tier for tier, _label in TIER_CHOICES],
        description="Only suppliers of this residual risk tier (pending: no assessed score).",
    ),
]


# --- Views ----------------------------------------------------------------------------


class ProgrammeInspectionQueueActions:
    """Mixed into the programme viewset: ``programmes/{id}/inspection-queue/``."""

    @extend_schema(
        summary="The inspection queue: the cohort ranked for verification, with the reasons",
        description="The web inspection queue's rows in its order: priority (highest "
        "first), then the supplier's name regardless of case, then id. Each row's reasons "
        "carry a code, the points they add (they add up to the priority) and the sentence "
        "the web page shows, in the request's language (Accept-Language). Invited and "
        "withdrawn enrolments are not listed. Cursor pages: follow next (or previous); "
        "`count` is how many rows match, counted up to 10,000 (`count_exact` false: "
        "more). An invalid filter, `page_size` or `cursor` is 400 naming it. The "
        "programme's managers and organisation administrators only (others 403); another "
        "organisation's programme is 404.",
        parameters=QUEUE_FILTERS,
        responses=QueueRowOut(many=True),
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="inspection-queue",
        url_name="inspection-queue",
        pagination_class=CountedKeyset,
    )
    def inspection_queue(self, request: Request, pk: str) -> Response:
        # The web page's scope (no cohort count, unlike the programme's representation).
        programme = get_object_or_404(Programme.objects.visible_to(request.user), pk=pk)
        self.check_object_permissions(request, programme)  # type: ignore[attr-defined]
        require(perms.can_view_queue(request.user, programme))
        paginator: CountedKeyset = self.paginator  # type: ignore[attr-defined]
        after, before = paginator.position(request, QUEUE_ORDER)
        found = queue_page(
            inspection_queue(programme, request.query_params),
            after=after,
            before=before,
            size=paginator.page_size,
        )
        paginator.serve(found.page)
        paginator.count, paginator.count_exact = found.total, found.total_exact
        can_plan = perms.can_plan_inspection(request.user, programme)
        rows = [queue_row(row, request, can_plan=can_plan) for row in found.rows]
        return paginator.get_paginated_response(QueueRowOut(rows, many=True).data)
