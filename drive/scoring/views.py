"""Scoring pages: the glass-box explanation and the appeal pages (thin: STYLE.md §3)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from drive.assessments.models import Assessment
from drive.core.errors import DomainError
from drive.core.http import forbidden, querystring_without
from drive.core.params import parse_id
from drive.programmes.models import Programme
from drive.scoring import services
from drive.scoring.forms import AppealForm, DecisionForm
from drive.scoring.models import Appeal, AppealStatus
from drive.scoring.permissions import can_decide_appeal, can_file_appeal
from drive.scoring.selectors import (
    appeals_for_programme,
    current_score,
    explanation_for,
    question_score_of,
)

PAGE_SIZE = 25


def _assessment_or_404(user, pk: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.visible_to(user).select_related(
            "supplier", "version", "enrolment__programme"
        ),
        pk=pk,
    )


@login_required
@require_GET
def explain(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(request.user, pk)
    score = current_score(assessment)
    context = {
        "assessment": assessment,
        "score": score,
        "explanation": explanation_for(score) if score else None,
        "can_appeal": can_file_appeal(request.user, assessment),
        "appeals": assessment.appeals.select_related("question").order_by("-created_at"),
    }
    return render(request, "scoring/explain.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def appeal_new(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(request.user, pk)
    if not can_file_appeal(request.user, assessment):
        return forbidden(request, _("Only the assessed company can appeal its score."))
    question = None
    raw = request.GET.get("question") or request.POST.get("question") or ""
    if raw.strip():
        question_id = parse_id(raw)
        question = (
            assessment.version.questions.filter(pk=question_id).first()
            if question_id is not None
            else None
        )
        if question is None:
            raise Http404(_("No such question."))
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_file(
                assessment=assessment,
                question=question,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Your appeal is filed. The programme manager will "
                    "decide and you will get an email."
                ),
            )
            return redirect("scoring:explain", assessment.pk)
    return render(
        request,
        "scoring/appeal_form.html",
        {"assessment": assessment, "question": question, "form": form},
    )


@login_required
@require_GET
def appeal_list(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.visible_to(request.user), pk=pk)
    if not can_decide_appeal(request.user, programme):
        return forbidden(request, _("Only the programme's managers decide appeals."))
    page = Paginator(appeals_for_programme(programme), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "scoring/appeal_list.html",
        {
            "programme": programme,
            "appeals": page.object_list,
            "page_obj": page,
            "querystring_without_page": querystring_without(request.GET, "page"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = get_object_or_404(
        Appeal.objects.visible_to(request.user).select_related(
            "assessment__enrolment__programme",
            "assessment__supplier",
            "question",
            "created_by",
            "decided_by",
            "score__method",
        ),
        pk=pk,
    )
    programme = appeal.assessment.enrolment.programme
    if not can_decide_appeal(request.user, programme):
        return forbidden(request, _("Only the programme's managers decide appeals."))
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and appeal.status == AppealStatus.OPEN and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == DecisionForm.ACCEPT:
                services.appeal_accept(
                    appeal=appeal, points=data["points"], note=data["note"], by=request.user
                )
            else:
                services.appeal_reject(appeal=appeal, note=data["note"], by=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your decision is recorded and the supplier is told."))
            return redirect("scoring:appeals", programme.pk)
    score = current_score(appeal.assessment)
    row = None
    if score is not None and appeal.question_id:
        row = question_score_of(score, appeal.question_id)
    return render(
        request,
        "scoring/appeal_decide.html",
        {"appeal": appeal, "programme": programme, "form": form, "score": score, "row": row},
    )
