"""Finding the assessment a page is about: another organisation's assessment is 404,
the wrong role 403; the deadline shown on the supplier's pages.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from drive.assessments.models import Assessment
from drive.assessments.permissions import can_answer, can_read_review
from drive.assessments.selectors import (
    visible_assessments,
)
from drive.core.http import forbidden


def _assessment_or_404(user: Any, pk: int) -> Assessment:
    assessment = visible_assessments(user).filter(pk=pk).first()
    if assessment is None:
        raise Http404(_("No such assessment."))
    return assessment


def _deadline(assessment: Assessment) -> dict[str, Any] | None:
    date = assessment.enrolment.programme.assessment_deadline
    if date is None:
        return None
    days = (date - timezone.localdate()).days
    return {"date": date, "days": days, "overdue_by": max(0, -days)}


def _supplier_assessment(request: HttpRequest, pk: int) -> Assessment | HttpResponse:
    assessment = _assessment_or_404(request.user, pk)
    if not can_answer(request.user, assessment):
        if can_read_review(request.user, assessment):
            return redirect("assessments:review", pk=assessment.pk)
        return forbidden(request, _("Only the supplier's own people answer its assessment."))
    return assessment
