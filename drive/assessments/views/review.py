"""The buyer's review of a submitted assessment and the comparison of two submissions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from drive.assessments import services
from drive.assessments.models import AssessmentStatus, Submission
from drive.assessments.permissions import can_answer, can_read_review, can_review
from drive.assessments.selectors import (
    assessment_state,
    display_value,
    review_summary,
)
from drive.assessments.views.access import _assessment_or_404
from drive.core.http import forbidden

# --- Buyer side ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(request.user, pk)
    if not can_read_review(request.user, assessment):
        if can_answer(request.user, assessment):
            return redirect("assessments:detail", pk=assessment.pk)
        return forbidden(request, _("Only the buyer's staff review assessments."))
    may_review = can_review(request.user, assessment)
    if request.method == "POST":
        if not may_review:
            return forbidden(request, _("Only programme managers and organisation admins review."))
        action = request.POST.get("action")
        try:
            if action == "comment":
                question = assessment.version.questions.filter(
                    code=request.POST.get("question", "")
                ).first()
                if question is None:
                    raise Http404(_("No such question."))
                asks_document = request.POST.get("asks_document") == "1"
                services.review_comment_add(
                    assessment=assessment,
                    question=question,
                    text=request.POST.get("text", ""),
                    by=request.user,
                    asks_document=asks_document,
                )
                messages.success(
                    request,
                    _(
                        "Your comment was added. When you return the assessment, the "
                        "supplier is asked to attach a document to this answer."
                    )
                    if asks_document
                    else _("Your comment was added."),
                )
                return redirect(reverse("assessments:review", args=[pk]) + f"#q-{question.code}")
            if action == "return":
                services.assessment_return(
                    assessment=assessment,
                    by=request.user,
                    note=request.POST.get("note", "").strip(),
                )
                messages.success(request, _("The assessment was returned to the supplier."))
            elif action == "accept":
                services.assessment_accept(assessment=assessment, by=request.user)
                messages.success(request, _("The assessment was accepted."))
            else:
                return forbidden(request, _("Choose comment, return or accept."), status=400)
        except services.DomainError as error:
            messages.error(request, error.message)
        return redirect("assessments:review", pk=pk)
    state = assessment_state(assessment)
    submissions = list(assessment.submissions.select_related("submitted_by").order_by("-number"))
    context = {
        "assessment": assessment,
        "state": state,
        "summary": review_summary(assessment, state, submissions),
        "progress": state.progress,
        "submissions": submissions,
        "latest_number": submissions[0].number if submissions else 0,
        "may_review": may_review and assessment.status == AssessmentStatus.SUBMITTED,
        "programme": assessment.enrolment.programme,
    }
    return render(request, "assessments/review.html", context)


@login_required
@require_GET
def compare(request: HttpRequest, pk: int, a: int, b: int) -> HttpResponse:
    assessment = _assessment_or_404(request.user, pk)
    try:
        rows = services.submission_compare(assessment, a, b)
    except Submission.DoesNotExist:
        raise Http404(_("No such submission.")) from None
    shown = [
        {
            "row": row,
            "old": display_value(row.question, row.old),
            "new": display_value(row.question, row.new),
        }
        for row in rows
    ]
    only_changes = request.GET.get("changes") == "1"
    if only_changes:
        shown = [item for item in shown if item["row"].changed]
    return render(
        request,
        "assessments/compare.html",
        {
            "assessment": assessment,
            "rows": shown,
            "a": a,
            "b": b,
            "only_changes": only_changes,
            "back": "assessments:review"
            if can_read_review(request.user, assessment)
            else "assessments:detail",
        },
    )
