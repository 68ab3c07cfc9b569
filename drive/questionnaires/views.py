"""Pages of questionnaire definitions for buyer staff. Thin: check a predicate, scope
with ``*_visible_to``, call a selector or a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from drive.core.errors import DomainError
from drive.core.http import forbidden, querystring_without
from drive.questionnaires import services
from drive.questionnaires.definition import DefinitionRejected
from drive.questionnaires.forms import QuestionTextForm, XLSFormUploadForm
from drive.questionnaires.models import Question, QuestionnaireVersion
from drive.questionnaires.permissions import (
    can_edit_version,
    can_import_questionnaire,
    can_view_questionnaires,
)
from drive.questionnaires.selectors import (
    questionnaire_visible_to,
    questions_of,
    version_visible_to,
)
from drive.questionnaires.xlsform import write_xlsform
from drive.suppliers.models import Sector, SizeClass

PAGE_SIZE = 25


def _refuse_non_buyer(request: HttpRequest) -> HttpResponse | None:
    if not can_view_questionnaires(request.user):
        return forbidden(request, _("Questionnaires are managed by buyer organisations."))
    return None


def _version_or_404(user: Any, pk: int) -> QuestionnaireVersion:
    try:
        return version_visible_to(user).select_related("questionnaire").get(pk=pk)
    except QuestionnaireVersion.DoesNotExist:
        raise Http404(_("No such questionnaire version.")) from None


@login_required
@require_GET
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    if refusal := _refuse_non_buyer(request):
        return refusal
    versions = Prefetch("versions", queryset=QuestionnaireVersion.objects.order_by("-number"))
    questionnaires = (
        questionnaire_visible_to(request.user)
        .select_related("owner")
        .prefetch_related(versions)
        .order_by("name", "id")
    )
    page_obj = Paginator(questionnaires, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "questionnaires/questionnaire_list.html",
        {
            "page_obj": page_obj,
            "questionnaires": page_obj.object_list,
            "querystring_without_page": querystring_without(request.GET, "page"),
            "can_import": can_import_questionnaire(request.user),
        },
    )


@login_required
@require_GET
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if refusal := _refuse_non_buyer(request):
        return refusal
    version = _version_or_404(request.user, pk)
    can_edit = can_edit_version(request.user, version)
    questions = _questions_fragment(request, version, can_edit=can_edit)
    return render(
        request,
        "questionnaires/version_detail.html",
        {
            "version": version,
            "questions_html": questions["html"],
            "question_count": questions["count"],
            "versions": version.questionnaire.versions.order_by("-number"),
            "can_edit": can_edit,
        },
    )


FRAGMENT_SECONDS = 24 * 3600  # a published version never changes; the day only bounds memory


def _questions_fragment(
    request: HttpRequest, version: QuestionnaireVersion, *, can_edit: bool
) -> dict[str, Any]:
    """The version's questions as HTML and their number. A published version is immutable
    (its content hash names its content), so its questions are rendered once per language
    and kept in the cache: rendering 80 questions with their choices and rules was most of
    the page's time. A draft changes and shows edit links: rendered on every view."""
    key = None
    if version.is_published:
        key = f"questionnaires:questions:{version.pk}:{version.content_hash}:{get_language()}"
        cached = cache.get(key)
        if cached is not None:
            return cached
    themes: list[dict[str, Any]] = []
    for question in questions_of(version):
        if not themes or themes[-1]["theme"].pk != question.theme_id:
            themes.append({"theme": question.theme, "questions": []})
        themes[-1]["questions"].append(question)
    sector_codes = {
        code for entry in themes for q in entry["questions"] for code in q.applies_to_sector
    }
    html = render_to_string(
        "questionnaires/_version_questions.html",
        {
            "version": version,
            "themes": themes,
            "sizes": dict(SizeClass.choices),
            "sectors": {s.code: s for s in Sector.objects.filter(code__in=sector_codes)},
            "can_edit": can_edit,
        },
        request=request,
    )
    fragment = {"html": html, "count": sum(len(entry["questions"]) for entry in themes)}
    if key is not None:
        cache.set(key, fragment, FRAGMENT_SECONDS)
    return fragment


@login_required
@require_GET
def version_download(request: HttpRequest, pk: int) -> HttpResponse:
    if refusal := _refuse_non_buyer(request):
        return refusal
    version = _version_or_404(request.user, pk)
    content = write_xlsform(services.version_definition(version))
    filename = f"{slugify(version.questionnaire.code)}-v{version.number}.xlsx"
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_upload(request: HttpRequest) -> HttpResponse:
    if refusal := _refuse_non_buyer(request):
        return refusal
    if not can_import_questionnaire(request.user):
        return forbidden(
            request, _("Only programme managers and organisation admins can import questionnaires.")
        )
    form = (
        XLSFormUploadForm(request.POST, request.FILES)
        if request.method == "POST"
        else XLSFormUploadForm()
    )
    rejected: DefinitionRejected | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = services.questionnaire_import_xlsform(
                file=upload,
                owner=request.user.organisation,
                by=request.user,
                code=form.cleaned_data["code"],
                filename=upload.name,
                skip_unsupported=form.cleaned_data["skip_unsupported"],
            )
        except DefinitionRejected as error:
            rejected = error
        else:
            if outcome.skipped:
                messages.warning(
                    request,
                    _(
                        "Imported as a draft; %(count)s unsupported row(s) or feature(s) were "
                        "left out."
                    )
                    % {"count": len(outcome.skipped)},
                )
            else:
                messages.success(request, _("Imported as a draft. Check it, then publish it."))
            return redirect("questionnaires:version", pk=outcome.version.pk)
    return render(request, "questionnaires/upload.html", {"form": form, "rejected": rejected})


def _edit_refusal(request: HttpRequest, version: QuestionnaireVersion) -> HttpResponse | None:
    if not can_edit_version(request.user, version):
        return forbidden(
            request,
            _(
                "Only programme managers and organisation admins can "
                "change their organisation's questionnaires."
            ),
        )
    return None


@login_required
@require_POST
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    if refusal := _refuse_non_buyer(request):
        return refusal
    version = _version_or_404(request.user, pk)
    if refusal := _edit_refusal(request, version):
        return refusal
    try:
        services.version_publish(version=version, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Version %(number)s is published; it can no longer change.")
            % {"number": version.number},
        )
    return redirect("questionnaires:version", pk=version.pk)


@login_required
@require_POST
def version_new_draft(request: HttpRequest, pk: int) -> HttpResponse:
    if refusal := _refuse_non_buyer(request):
        return refusal
    version = _version_or_404(request.user, pk)
    if refusal := _edit_refusal(request, version):
        return refusal
    try:
        draft = services.version_new_draft(version=version, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("questionnaires:version", pk=version.pk)
    messages.success(
        request,
        _("Version %(number)s is a new draft copied from version %(source)s.")
        % {"number": draft.number, "source": version.number},
    )
    return redirect("questionnaires:version", pk=draft.pk)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if refusal := _refuse_non_buyer(request):
        return refusal
    try:
        question = Question.objects.select_related("version__questionnaire").get(
            pk=pk, version__in=version_visible_to(request.user)
        )
    except Question.DoesNotExist:
        raise Http404(_("No such question.")) from None
    version = question.version
    if refusal := _edit_refusal(request, version):
        return refusal
    languages = version.languages or [version.default_language]
    form = QuestionTextForm(
        request.POST if request.method == "POST" else None,
        languages=languages,
        initial=QuestionTextForm.initial_for(question, languages),
    )
    if version.is_published:
        published = _("This version is published and cannot change. Start a new draft to edit it.")
        if request.method != "POST":
            # An unbound form cannot carry an error (it was a server error): back to the
            # version, which says why.
            messages.error(request, published)
            return redirect("questionnaires:version", pk=version.pk)
        form.add_error(None, published)
    elif request.method == "POST" and form.is_valid():
        try:
            services.question_update(question=question, by=request.user, **form.changes())
        except DefinitionRejected as error:
            for issue in error.errors:
                form.add_error(None, issue.message)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The question is saved."))
            url = reverse("questionnaires:version", args=[version.pk])
            return redirect(f"{url}#question-{question.code}")
    return render(
        request,
        "questionnaires/question_form.html",
        {
            "form": form,
            "question": question,
            "version": version,
        },
    )
