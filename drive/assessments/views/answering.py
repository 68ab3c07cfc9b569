"""Answering: a theme's question page (with evidence) and the autosave endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from drive.assessments import services
from drive.assessments.models import Assessment, AssessmentStatus
from drive.assessments.permissions import can_answer
from drive.assessments.presenters import answer_conflict_payload
from drive.assessments.selectors import (
    YES_NO_LABELS,
    AssessmentState,
    QuestionState,
    ThemeState,
    assessment_state,
    display_value,
    library_choices,
)
from drive.assessments.views.access import _assessment_or_404, _supplier_assessment
from drive.core.http import forbidden
from drive.core.params import parse_id
from drive.core.uploads import upload_limit
from drive.evidence.forms import DocumentUploadForm
from drive.evidence.models import DocumentKind
from drive.evidence.presenters import duplicate_message
from drive.evidence.services import UploadRejected
from drive.questionnaires.models import Question, QuestionType
from drive.questionnaires.selectors import evidence_needed


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
                outcome = services.answer_upload_document(
                    assessment=assessment,
                    question=question,
                    file=data["file"],
                    title=data["title"],
                    kind=data["kind"],
                    valid_until=data["valid_until"],
                    by=request.user,
                )
                if outcome.duplicate:
                    messages.info(request, duplicate_message(outcome))
                attached.append(outcome.document)
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
    """Autosave one answer. JSON: ``{revision, visible, progress, saved_at}`` (progress
    with ``text``, the page's sentence in the reader's language); 400 for an
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
            "progress": {**state.progress.as_dict(), "text": state.progress.text},
            "saved_at": saved_at.isoformat(),
            "saved_text": _("Saved at %(time)s") % {"time": time_format(saved_at, "H:i")},
        }
    )
