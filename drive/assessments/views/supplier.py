"""The supplier's self-assessment pages: the task list, the overview, check your
answers and submit, the confirmation, prefill from an earlier assessment and the
printable questionnaire.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from drive.assessments import services
from drive.assessments.models import AssessmentStatus
from drive.assessments.permissions import can_answer, can_read_review
from drive.assessments.selectors import (
    assessment_state,
    assessments_with_progress,
    prefill_source,
    return_message,
    supplier_assessments,
)
from drive.assessments.views.access import _assessment_or_404, _deadline, _supplier_assessment
from drive.assessments.views.answering import Field
from drive.core.http import forbidden, querystring_without

PAGE_SIZE = 25


# --- Supplier side -----------------------------------------------------------------------


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    organisation = request.user.organisation
    if organisation is None or not organisation.is_supplier:
        return forbidden(
            request,
            _(
                "This page lists a supplier's own assessments. Buyers find them on each "
                "programme's page."
            ),
        )
    page_obj = Paginator(supplier_assessments(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {"assessment": a, "progress": p, "deadline": _deadline(a)}
        for a, p in assessments_with_progress(page_obj.object_list)
    ]
    context = {
        "rows": rows,
        "page_obj": page_obj,
        "querystring_without_page": querystring_without(request.GET, "page"),
    }
    return render(request, "assessments/mine.html", context)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _supplier_assessment(request, pk)
    if isinstance(assessment, HttpResponse):
        return assessment
    state = assessment_state(assessment)
    source = (
        prefill_source(assessment)
        if assessment.status == AssessmentStatus.DRAFT and not assessment.prefilled_from_id
        else None
    )
    context = {
        "assessment": assessment,
        "state": state,
        "progress": state.progress,
        "deadline": _deadline(assessment),
        "prefill_source": source,
        "last_submission": assessment.submissions.order_by("-number").first(),
        "return_message": return_message(assessment),
    }
    return render(request, "assessments/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, pk: int) -> HttpResponse:
    """Check your answers, then submit (POST)."""
    assessment = _supplier_assessment(request, pk)
    if isinstance(assessment, HttpResponse):
        return assessment
    if request.method == "POST":
        try:
            submission = services.assessment_submit(assessment=assessment, by=request.user)
        except services.AssessmentLocked as error:
            return forbidden(request, error.message, status=409)
        except services.DomainError as error:  # something missing, or moved meanwhile
            messages.error(request, error.message)
        else:
            return redirect("assessments:confirmation", pk=assessment.pk, number=submission.number)
    state = assessment_state(assessment)
    context = {
        "assessment": assessment,
        "state": state,
        "missing": state.missing,
        "progress": state.progress,
        "deadline": _deadline(assessment),
    }
    return render(request, "assessments/check.html", context)


@login_required
@require_GET
def confirmation(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    assessment = _supplier_assessment(request, pk)
    if isinstance(assessment, HttpResponse):
        return assessment
    submission = assessment.submissions.filter(number=number).first()
    if submission is None:
        raise Http404(_("No such submission."))
    context = {
        "assessment": assessment,
        "submission": submission,
        "reference": services.reference_number(assessment, submission.number),
    }
    return render(request, "assessments/confirmation.html", context)


@login_required
@require_POST
def prefill(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _supplier_assessment(request, pk)
    if isinstance(assessment, HttpResponse):
        return assessment
    source = prefill_source(assessment)
    if source is None:
        messages.error(request, _("There are no earlier submitted answers to start from."))
        return redirect("assessments:detail", pk=assessment.pk)
    try:
        copied = services.assessment_prefill(assessment=assessment, source=source, by=request.user)
    except services.DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "%(count)s answers were copied from your last submission. Check them before "
                "you submit."
            )
            % {"count": len(copied)},
        )
    return redirect("assessments:detail", pk=assessment.pk)


@login_required
@require_GET
def print_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Every applicable question, in the reader's language, to prepare offline; also as
    an XLSX workbook (``?format=xlsx``)."""
    assessment = _assessment_or_404(request.user, pk)
    if not (can_answer(request.user, assessment) or can_read_review(request.user, assessment)):
        return forbidden(request, _("You cannot read this questionnaire."))
    state = assessment_state(assessment)
    if request.GET.get("format") == "xlsx":
        from drive.assessments.exports import questionnaire_workbook

        response = HttpResponse(
            questionnaire_workbook(state),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="questionnaire-{assessment.pk}.xlsx"'
        )
        return response
    fields = [Field(state=s, value=s.value) for t in state.themes for s in t.questions]
    return render(
        request,
        "assessments/print.html",
        {
            "assessment": assessment,
            "state": state,
            "fields": fields,
            "printed_on": date_format(timezone.localdate()),
        },
    )
