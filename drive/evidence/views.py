"""The evidence library: list, upload, change details, download (permission-checked)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from drive.core.filters import InvalidFilter, apply_filters
from drive.core.http import forbidden, querystring_without
from drive.core.uploads import upload_limit
from drive.evidence import services
from drive.evidence.filetypes import attachment_response
from drive.evidence.filters import DocumentFilter
from drive.evidence.forms import DocumentDetailsForm, DocumentUploadForm
from drive.evidence.models import Document, DocumentKind
from drive.evidence.permissions import can_edit_document, can_manage_library
from drive.evidence.presenters import duplicate_message
from drive.evidence.selectors import home_supplier, library_for

PAGE_SIZE = 25


def _document_or_404(user, pk: int) -> Document:
    document = Document.objects.visible_to(user).select_related("supplier").filter(pk=pk).first()
    if document is None:
        raise Http404(_("No such document."))
    return document


@upload_limit("EVIDENCE_MAX_UPLOAD_BYTES")
@login_required
@require_http_methods(["GET", "POST"])
def library(request: HttpRequest) -> HttpResponse:
    if not can_manage_library(request.user):
        return forbidden(request, _("The evidence library belongs to supplier companies."))
    supplier = home_supplier(request.user)
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and supplier is None:
        messages.error(
            request,
            _(
                "Your company is not in any buyer's registry yet, so nothing was uploaded: "
                "there is nowhere to file documents. Ask the buyer who invited you."
            ),
        )
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = services.document_add(
                supplier=supplier,
                file=data["file"],
                title=data["title"],
                kind=data["kind"],
                valid_until=data["valid_until"],
                by=request.user,
            )
        except services.UploadRejected as error:
            form.add_error("file", error.message)
        else:
            if outcome.duplicate:
                messages.info(request, duplicate_message(outcome))
            else:
                messages.success(
                    request,
                    _("“%(title)s” is in your library.") % {"title": outcome.document.title},
                )
            return redirect("evidence:library")
    filter_form = None
    try:
        documents = apply_filters(DocumentFilter, request.GET, library_for(request.user))
    except InvalidFilter as error:
        # Say what is wrong and list nothing, rather than a list that looks filtered. The
        # upload form has a ``kind`` field too: the summary links to the filter's own ids.
        filter_form, documents = error.form, Document.objects.none()
        filter_form.auto_id = "filter_%s"
    page_obj = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter_form": filter_form,
        "filtering": filter_form is not None or bool(request.GET.get("kind")),
        "kind": request.GET.get("kind", ""),
        "kind_choices": DocumentKind.choices,
        "documents": page_obj.object_list,
        "page_obj": page_obj,
        "querystring_without_page": querystring_without(request.GET, "page"),
        "form": form,
        "supplier": supplier,
    }
    return render(request, "evidence/library.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_or_404(request.user, pk)
    if not can_edit_document(request.user, document):
        return forbidden(request, _("Only the supplier's own people change its documents."))
    # ``?title=`` comes from "Use the new title" after a duplicate upload: proposed, not saved.
    proposed = (request.GET.get("title") or "").strip()[:200]
    form = DocumentDetailsForm(
        request.POST or None, instance=document, initial={"title": proposed} if proposed else None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.document_update(
            document=Document.objects.get(pk=document.pk),
            title=data["title"],
            kind=data["kind"],
            valid_until=data["valid_until"],
            by=request.user,
        )
        messages.success(request, _("The document's details were saved."))
        return redirect("evidence:library")
    return render(request, "evidence/document_form.html", {"form": form, "document": document})


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    """Stream the file to a user allowed to see it; uploads have no public URL."""
    document = _document_or_404(request.user, pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("This file is no longer available.")) from None
    return attachment_response(
        handle, original_name=document.original_name, content_type=document.content_type
    )
