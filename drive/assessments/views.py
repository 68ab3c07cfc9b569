"""Self-assessment pages: the supplier's task list, question pages with autosave, check
your answers, confirmation, printable questionnaire; the buyer's review and comparison.

Thin views: scope with ``visible_to`` (another organisation's assessment is 404), check a
predicate (wrong role is 403), call one service or selector, render.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from drive.assessments import services
from drive.assessments.models import Assessment, AssessmentStatus, Submission
from drive.assessments.permissions import can_answer, can_read_review, can_review
from drive.assessments.presenters import answer_conflict_payload
from drive.assessments.selectors import (
    YES_NO_LABELS,
    AssessmentState,
    QuestionState,
    ThemeState,
    assessment_state,
    assessments_with_progress,
    display_value,
    library_choices,
    prefill_source,
    supplier_assessments,
    visible_assessments,
)
from drive.core.http import forbidden, querystring_without
from drive.core.params import parse_id
from drive.core.uploads import upload_limit
from drive.evidence.forms import DocumentUploadForm
from drive.evidence.models import DocumentKind
from drive.evidence.services import UploadRejected
from drive.questionnaires.models import Question, QuestionType
from drive.questionnaires.selectors import evidence_needed

PAGE_SIZE = 25


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


def _supplier_assessment(request: HttpRequest, pk: int) -> Assessment | HttpResponse:
    assessment = _assessment_or_404(request.user, pk)
    if not can_answer(request.user, assessment):
        if can_read_review(request.user, assessment):
            return redirect("assessments:review", pk=assessment.pk)
        return forbidden(request, _("Only the supplier's own people answer its assessment."))
    return assessment


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
    }
    return render(request, "assessments/detail.html", context)


@dataclass
class Field:
    """What a question page shows for one question."""

    state: QuestionState
    value: Any
    error: str = ""
    conflict: services.AnswerConflict | None = None

    @property
    def question(self) -> Question:
        return self.state.question

    @property
    def code(self) -> str:
        return self.question.code

    @property
    def options(self) -> list[tuple[str, str, bool]]:
        question = self.question
        choices = [(c.value, c.display_label) for c in question.choices.all()]
        if not choices and question.type == QuestionType.YES_NO:
            choices = [(v, str(YES_NO_LABELS[v])) for v in ("yes", "no")]
        if not choices and question.type == QuestionType.YES_NO_PARTIAL:
            choices = [(v, str(YES_NO_LABELS[v])) for v in ("yes", "partial", "no")]
        selected = self.value if isinstance(self.value, list) else [self.value]
        return [(value, label, value in selected) for value, label in choices]

    @property
    def consequence(self) -> str:
        """The answer's consequence in words, e.g. "A document is needed if you answer Yes"."""
        question = self.question
        if question.type == QuestionType.FILE:
            return _("Attach a document to answer this question.")
        if not question.evidence_required.strip():
            return ""
        if question.has_choices:
            triggers = [
                label
                for value, label, _selected in self.options
                if evidence_needed(
                    question, [value] if question.type == QuestionType.MULTIPLE else value
                )
            ]
            if triggers:
                return _("A document is needed if you answer %(answers)s.") % {
                    "answers": _(" or ").join(triggers)
                }
        return _("Depending on your answer, a document may be needed.")

    @property
    def conflict_display(self) -> str:
        return display_value(self.question, self.conflict.value) if self.conflict else ""

    @property
    def conflict_by(self) -> str:
        if self.conflict is None or self.conflict.changed_by is None:
            return ""
        return self.conflict.changed_by.display_name


def _theme_fields(state: AssessmentState, code: str, submitted=None, errors=None, conflicts=None):
    theme = state.theme(code)
    if theme is None:
        raise Http404(_("No such theme."))
    submitted, errors, conflicts = submitted or {}, errors or {}, conflicts or {}
    fields = [
        Field(
            state=s,
            value=submitted.get(s.question.code, s.value),
            error=errors.get(s.question.code, ""),
            conflict=conflicts.get(s.question.code),
        )
        for s in theme.questions
    ]
    return theme, fields


def _posted_value(request: HttpRequest, question: Question, name: str) -> Any:
    if question.type == QuestionType.MULTIPLE:
        return request.POST.getlist(name)
    return request.POST.get(name, "")


def _revision(raw: str | None) -> int:
    """The answer revision the page was showing: 0 (no answer yet) when missing or
    malformed, so a hand-edited value is a conflict, never a crash."""
    return parse_id(raw) or 0


def _locked_message(assessment: Assessment) -> str:
    if assessment.closed_reason:
        return assessment.closed_reason
    if assessment.status == AssessmentStatus.ACCEPTED:
        return _("This assessment was accepted, so its answers can no longer be changed.")
    return _("This assessment has been submitted, so its answers can no longer be changed.")


def _evidence_request(
    request: HttpRequest, theme_state: ThemeState
) -> tuple[QuestionState, int | None] | None:
    """The question whose Attach, Upload (``evidence=<code>``) or Remove
    (``detach-<code>=<document>``) button was pressed, with the document to remove; None
    for the plain Save buttons. A question outside this theme is "not found"."""
    code, detach = request.POST.get("evidence", ""), None
    if not code:
        pressed = next((k for k in request.POST if k.startswith("detach-")), None)
        if pressed is None:
            return None
        # A malformed document id is 0, which matches no document.
        code, detach = pressed.removeprefix("detach-"), parse_id(request.POST[pressed]) or 0
    question_state = next((s for s in theme_state.questions if s.question.code == code), None)
    if question_state is None:
        raise Http404(_("No such question."))
    return question_state, detach


def _evidence_apply(
    request: HttpRequest,
    assessment: Assessment,
    question_state: QuestionState,
    detach: int | None,
) -> None:
    """Attach the library document chosen for the question, upload the file chosen for it
    (it goes into the library) and attach that, or remove a document from the answer;
    the outcome is told through messages. The inputs are named per question:
    ``document-``, ``file-``, ``title-``, ``kind-``, ``valid_until-<code>``."""
    question, code = question_state.question, question_state.question.code
    library = library_choices(assessment)
    try:
        if detach is not None:
            current = assessment.answers.filter(question=question).first()
            document = library.filter(pk=detach).first()
            if current is not None and document is not None:
                services.answer_detach_document(answer=current, document=document, by=request.user)
                messages.success(request, _("The document was removed from this answer."))
            return
        attached = []
        document_id = parse_id(request.POST.get(f"document-{code}"))
        chosen = library.filter(pk=document_id).first() if document_id else None
        if chosen is not None:
            services.answer_attach_document(
                assessment=assessment, question=question, document=chosen, by=request.user
            )
            attached.append(chosen)
        upload = request.FILES.get(f"file-{code}")
        if upload is not None:
            form = DocumentUploadForm(
                {
                    "title": request.POST.get(f"title-{code}", ""),
                    "kind": request.POST.get(f"kind-{code}", DocumentKind.OTHER),
                    "valid_until": request.POST.get(f"valid_until-{code}", ""),
                },
                {"file": upload},
            )
            if not form.is_valid():
                problems = " ".join(str(e) for errors in form.errors.values() for e in errors)
                messages.error(
                    request,
                    _("Check the document's details and upload it again: %(problems)s")
                    % {"problems": problems},
                )
            else:
                data = form.cleaned_data
                document = services.answer_upload_document(
                    assessment=assessment,
                    question=question,
                    file=data["file"],
                    title=data["title"],
                    kind=data["kind"],
                    valid_until=data["valid_until"],
                    by=request.user,
                )
                attached.append(document)
        elif chosen is None:
            messages.error(request, _("Choose a document from your library or upload a file."))
    except (UploadRejected, services.DomainError) as error:
        messages.error(request, error.message)
    for document in attached:
        messages.success(request, _("“%(title)s” is attached.") % {"title": document.title})


@upload_limit("EVIDENCE_MAX_UPLOAD_BYTES")
@login_required
@require_http_methods(["GET", "POST"])
def theme(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """One theme's questions. Without JavaScript, the whole theme posts here and saves
    every changed answer; with it, each change autosaves through :func:`answer`."""
    assessment = _supplier_assessment(request, pk)
    if isinstance(assessment, HttpResponse):
        return assessment
    state = assessment_state(assessment)
    submitted: dict[str, Any] = {}
    errors: dict[str, str] = {}
    conflicts: dict[str, services.AnswerConflict] = {}
    if request.method == "POST":
        if not assessment.is_editable:
            return forbidden(request, _locked_message(assessment), status=409)
        theme_state = state.theme(code)
        if theme_state is None:
            raise Http404(_("No such theme."))
        evidence_request = _evidence_request(request, theme_state)
        for question_state in theme_state.questions:
            question = question_state.question
            if f"rev-{question.code}" not in request.POST or not question_state.editable:
                continue
            raw = _posted_value(request, question, f"q-{question.code}")
            try:
                services.answer_save(
                    assessment=assessment,
                    question=question,
                    value=raw,
                    expected_revision=_revision(request.POST.get(f"rev-{question.code}")),
                    by=request.user,
                )
            except services.AnswerConflict as conflict:
                conflicts[question.code] = conflict
                submitted[question.code] = raw
            except services.DomainError as error:
                errors[question.code] = error.message
                submitted[question.code] = raw
        # The answers are saved first, so pressing Attach, Upload or Remove never loses
        # what was typed on the page.
        if evidence_request is not None:
            _evidence_apply(request, assessment, *evidence_request)
            if not errors and not conflicts:
                back = reverse("assessments:theme", args=[assessment.pk, code])
                return redirect(f"{back}#q-{evidence_request[0].question.code}")
        elif not errors and not conflicts:
            messages.success(request, _("Your answers were saved."))
            if "continue" in request.POST:
                following = state.next_theme(code)
                if following is not None:
                    return redirect(
                        "assessments:theme", pk=assessment.pk, code=following.theme.code
                    )
                return redirect("assessments:check", pk=assessment.pk)
            return redirect("assessments:theme", pk=assessment.pk, code=code)
        state = assessment_state(assessment)
    theme_state, fields = _theme_fields(state, code, submitted, errors, conflicts)
    following = state.next_theme(code)
    context = {
        "assessment": assessment,
        "state": state,
        "theme": theme_state,
        "fields": fields,
        "errors": errors,
        "conflicts": conflicts,
        "progress": state.progress,
        "next_theme": following,
        "library": list(library_choices(assessment)) if assessment.is_editable else [],
        "upload_form": DocumentUploadForm(),
    }
    return render(request, "assessments/theme.html", context, status=200)


def _json_error(message: str, status: int, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> JsonResponse:
    """Autosave one answer. JSON: ``{revision, visible, progress, saved_at}``; 400 for an
    invalid value, 409 with ``conflict`` when someone else saved first, 403 when the
    assessment or the answer cannot be changed."""
    assessment = _assessment_or_404(request.user, pk)
    if not can_answer(request.user, assessment):
        return _json_error(_("Only the supplier's own people answer its assessment."), 403)
    question = (
        Question.objects.filter(version_id=assessment.version_id, code=request.POST.get("question"))
        .prefetch_related("choices")
        .first()
    )
    if question is None:
        return _json_error(_("This question is not part of your questionnaire."), 400)
    try:
        saved = services.answer_save(
            assessment=assessment,
            question=question,
            value=_posted_value(request, question, "value"),
            expected_revision=_revision(request.POST.get("revision")),
            by=request.user,
        )
    except services.AnswerConflict as conflict:
        return _json_error(
            conflict.message, 409, conflict=answer_conflict_payload(question, conflict)
        )
    except services.AssessmentLocked as error:
        return _json_error(error.message, 403)
    except services.DomainError as error:  # an invalid value, or any other refusal
        return _json_error(error.message, 400)
    state = assessment_state(assessment)
    saved_at = timezone.localtime(saved.updated_at)
    return JsonResponse(
        {
            "revision": saved.revision,
            "visible": state.visible_codes,
            "progress": state.progress.as_dict(),
            "saved_at": saved_at.isoformat(),
            "saved_text": _("Saved at %(time)s") % {"time": time_format(saved_at, "H:i")},
        }
    )


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
            "printed_on": date_format(timezone.localdate(), "j F Y"),
        },
    )


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
                services.review_comment_add(
                    assessment=assessment,
                    question=question,
                    text=request.POST.get("text", ""),
                    by=request.user,
                )
                messages.success(request, _("Your comment was added."))
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
