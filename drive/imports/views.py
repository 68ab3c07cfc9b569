from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from drive.core.db import reporting_db
from drive.core.errors import DomainError
from drive.core.filters import InvalidFilter
from drive.core.http import querystring_without
from drive.core.uploads import upload_limit
from drive.imports import exporting, selectors, services, tasks
from drive.imports.columns import COLUMNS
from drive.imports.forms import ConfirmForm, DuplicatesForm, MappingForm, UploadForm
from drive.imports.messages import rejection_message, row_message
from drive.imports.models import ImportJob, ImportStatus
from drive.imports.permissions import can_export_suppliers, can_import_suppliers
from drive.suppliers.selectors import supplier_search

REPORT_PAGE_SIZE = 50


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _job(request: HttpRequest, pk: int) -> ImportJob:
    try:
        return selectors.import_for(request.user, pk)
    except ImportJob.DoesNotExist:
        raise Http404 from None


@upload_limit("IMPORT_MAX_UPLOAD_BYTES")
@login_required
def upload(request: HttpRequest) -> HttpResponse:
    _require(can_import_suppliers(request.user))
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_create(
                buyer=request.user.organisation, file=form.cleaned_data["file"], by=request.user
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            job = services.import_inspect(job=job, by=request.user)
            if job.is_mapping:
                return redirect("imports:mapping", pk=job.pk)
            return redirect("imports:detail", pk=job.pk)
    return render(request, "imports/upload.html", {"form": form, "columns": COLUMNS})


@login_required
def mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """The column-mapping step: the detected encoding, a sample of decoded rows, and a
    field for each heading (proposed from the known or remembered headings)."""
    _require(can_import_suppliers(request.user))
    job = _job(request, pk)
    if not job.is_mapping:
        return redirect("imports:detail", pk=job.pk)
    form = MappingForm(request.POST or None, headers=job.headers, initial_mapping=job.mapping)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_map(
                job=job, mapping=form.cleaned_data["mapping"], by=request.user
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            tasks.validate_soon(job, request.user)
            return redirect("imports:detail", pk=job.pk)
    garbled = any(w.get("code") == "text_garbled" for w in job.warnings)
    return render(
        request,
        "imports/mapping.html",
        {"job": job, "form": form, "garbled": garbled, "sample": job.sample},
    )


@login_required
@require_POST
def duplicates(request: HttpRequest, pk: int) -> HttpResponse:
    """Record "same supplier" / "different suppliers" for the possible duplicates."""
    _require(can_import_suppliers(request.user))
    job = _job(request, pk)
    form = DuplicatesForm(request.POST, duplicates=job.duplicates)
    if form.is_valid():
        try:
            services.import_decide_duplicates(job=job, decisions=form.decisions(), by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your decisions are recorded; the file was checked again."))
    return redirect("imports:detail", pk=job.pk)


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    _require(can_import_suppliers(request.user))
    page = Paginator(selectors.imports_for(request.user), 25).get_page(request.GET.get("page"))
    page.object_list = [services.import_fail_if_stale(job=job) for job in page.object_list]
    return render(request, "imports/list.html", {"page_obj": page, "jobs": page.object_list})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(can_import_suppliers(request.user))
    job = services.import_fail_if_stale(job=_job(request, pk))
    if job.is_mapping:
        return redirect("imports:mapping", pk=job.pk)
    # Rendered now, in the reader's language, from the stored codes.
    errors = [
        {**error, "message": row_message(error["code"], error.get("params"))}
        for error in job.errors
    ]
    page = Paginator(errors, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/detail.html",
        {
            "job": job,
            "page_obj": page,
            "errors": page.object_list,
            "hidden_errors": max(0, job.error_count - len(job.errors)),
            "rejection": rejection_message(job.rejection_code, job.rejection_params)
            if job.rejection_code
            else "",
            "warnings": [
                {**warning, "message": row_message(warning["code"], warning.get("params"))}
                for warning in job.warnings[:REPORT_PAGE_SIZE]
            ],
            "hidden_warnings": max(0, job.warning_count - min(len(job.warnings), REPORT_PAGE_SIZE)),
            "duplicates_form": DuplicatesForm(duplicates=job.duplicates)
            if job.status == ImportStatus.VALIDATED and job.duplicates
            else None,
            "can_confirm": job.status == ImportStatus.VALIDATED,
            "can_retry": job.status == ImportStatus.FAILED,
            "running": job.is_running,
        },
    )


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _require(can_import_suppliers(request.user))
    job = _job(request, pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with this file."))
        return redirect("imports:detail", pk=job.pk)
    action = form.cleaned_data["action"]
    try:
        if action == "retry":
            job = services.import_retry(job=job, by=request.user)
            tasks.validate_soon(job, request.user)
            return redirect("imports:detail", pk=job.pk)
        if action == "cancel":
            services.import_cancel(job=job, by=request.user)
            messages.info(request, _("The import was cancelled; nothing was changed."))
            return redirect("imports:list")
        job = services.import_claim(job=job, only_valid=action == "valid_only", by=request.user)
        tasks.apply_soon(job, request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("imports:detail", pk=job.pk)


def _download_format(request: HttpRequest) -> str:
    fmt = request.GET.get("format", "csv")
    return fmt if fmt in ("csv", "xlsx") else "csv"


def _send(rows, fmt: str, stem: str) -> HttpResponse:
    if fmt == "xlsx":
        return FileResponse(exporting.xlsx_file(rows), as_attachment=True, filename=f"{stem}.xlsx")
    response = StreamingHttpResponse(
        exporting.csv_chunks(rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response


@login_required
@require_GET
def template(request: HttpRequest) -> HttpResponse:
    _require(can_export_suppliers(request.user))
    return _send(exporting.template_rows(), _download_format(request), "drive-suppliers-template")


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    _require(can_export_suppliers(request.user))
    try:
        suppliers = supplier_search(user=request.user, params=request.GET)
    except InvalidFilter:
        # The registry page names each filter that is not valid; nothing is exported.
        kept = querystring_without(request.GET, "format")
        return redirect(f"{reverse('suppliers:list')}?{kept}")
    stem = f"suppliers-{timezone.localdate():%Y-%m-%d}"
    # An export may read seconds-old data: from the read replica when there is one.
    return _send(
        exporting.export_rows(suppliers.using(reporting_db())), _download_format(request), stem
    )
