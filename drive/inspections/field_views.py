"""The inspector's field pages: the offline checklist (marks, findings with photos,
interview notes), its sync endpoint, scoped downloads, the service worker, and the programme
manager's criteria page. Views parse, call one service or selector, and present."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from drive.core.http import forbidden
from drive.core.uploads import upload_limit
from drive.evidence.filetypes import attachment_response, detect
from drive.evidence.models import Document
from drive.inspections import criteria as criteria_services
from drive.inspections.checklist import (
    checklist_by_theme,
    checklist_generate,
    suggested_interviews,
    verification_counts,
)
from drive.inspections.field_forms import CriterionAddForm, CriterionForm, FieldSettingsForm
from drive.inspections.field_permissions import (
    can_manage_criteria,
    can_read_fieldwork,
    why_cannot_record,
)
from drive.inspections.field_presenters import (
    client_strings,
    findings_data,
    notes_visible_to,
    page_state,
)
from drive.inspections.models import (
    ChecklistItem,
    Criterion,
    FindingAttachment,
    Inspection,
    Mark,
    Severity,
)
from drive.inspections.services.fieldwork import FieldworkRefused
from drive.inspections.sync import SyncRejected, sync_batch
from drive.programmes.models import Programme

# Served by a view (not from /static/) so that it may control the pages under its folder.
SERVICE_WORKER = Path(__file__).parent.parent / "static" / "inspections" / "field-sw.js"


def _inspection_or_404(user: Any, pk: int) -> Inspection:
    inspection = (
        Inspection.objects.visible_to(user)
        .select_related("programme", "supplier", "body", "assessment__version")
        .filter(pk=pk)
        .first()
    )
    if inspection is None:
        raise Http404(_("No such inspection."))
    return inspection


@login_required
@require_GET
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """The field checklist. An assigned inspector who may record gets the checklist made on
    first opening and the offline app; the lead, the programme's staff (and the supplier
    once approved) read it."""
    inspection = _inspection_or_404(request.user, pk)
    if not can_read_fieldwork(request.user, inspection):
        return forbidden(
            request, _("The supplier sees the inspection's results once they are approved.")
        )
    refusal = why_cannot_record(request.user, inspection)
    if not refusal and not inspection.items.exists():
        checklist_generate(inspection=inspection, by=request.user)
    groups = checklist_by_theme(inspection)
    notes = notes_visible_to(request.user, inspection)
    context = {
        "inspection": inspection,
        "groups": groups,
        "can_record": not refusal,
        "refusal": refusal,
        "counts": verification_counts(inspection),
        "interviews": suggested_interviews(inspection.supplier.employees),
        "findings": findings_data(inspection),
        "notes": notes,
        "marks": Mark.choices,
        "severities": Severity.choices,
    }
    state = page_state(inspection, groups, notes, can_record=not refusal)
    context["themes"] = state["themes"]
    # Read by the offline app from data attributes (CSP: no inline script, even JSON).
    context["state_json"] = json.dumps(state, cls=DjangoJSONEncoder)
    context["strings_json"] = json.dumps(client_strings())
    return render(request, "inspections/field/checklist.html", context)


@upload_limit("EVIDENCE_MAX_UPLOAD_BYTES")
@login_required
@require_POST
def sync(request: HttpRequest, pk: int) -> JsonResponse:
    """The device's batch (``drive.inspections.sync``): JSON ``{"entries": [...]}``, or a
    multipart form with ``entries`` (JSON) and the files the entries name."""
    inspection = _inspection_or_404(request.user, pk)
    try:
        if request.content_type == "application/json":
            body = json.loads(request.body or b"{}")
            entries = body.get("entries") if isinstance(body, dict) else None
        else:
            entries = json.loads(request.POST.get("entries") or "null")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": _("The batch could not be read. Send it again.")}, status=400)
    try:
        results = sync_batch(
            inspection=inspection, entries=entries, files=request.FILES, by=request.user
        )
    except FieldworkRefused as refusal:
        return JsonResponse({"error": refusal.message}, status=403)
    except SyncRejected as refusal:
        return JsonResponse({"error": refusal.message}, status=400)
    return JsonResponse({"results": [result.as_dict() for result in results]})


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A finding's photo or document, to whoever may read the inspection's findings."""
    found = (
        FindingAttachment.objects.select_related("finding__inspection")
        .filter(pk=pk, finding__inspection__in=Inspection.objects.visible_to(request.user))
        .first()
    )
    if found is None or not can_read_fieldwork(request.user, found.finding.inspection):
        raise Http404(_("No such file."))
    return _stream(found.file, found.file.name.rsplit("/", 1)[-1])


@login_required
@require_GET
def evidence(request: HttpRequest, pk: int, number: int) -> FileResponse:
    """The ``number``-th document the supplier attached to the answer of checklist item
    ``pk`` (an inspector reaches the supplier's evidence through the checklist only)."""
    item = (
        ChecklistItem.objects.select_related("inspection__programme", "inspection__supplier")
        .filter(pk=pk, inspection__in=Inspection.objects.visible_to(request.user))
        .first()
    )
    if item is None or not can_read_fieldwork(request.user, item.inspection):
        raise Http404(_("No such document."))
    snapshot = item.supplier_answer if isinstance(item.supplier_answer, dict) else {}
    documents = snapshot.get("documents") or []
    if not 1 <= number <= len(documents):
        raise Http404(_("No such document."))
    document = Document.objects.filter(
        pk=documents[number - 1].get("id"), supplier_id=item.inspection.supplier_id
    ).first()
    if document is None:
        raise Http404(_("This file is no longer available."))
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("This file is no longer available.")) from None
    return attachment_response(
        handle, original_name=document.original_name, content_type=document.content_type
    )


def _stream(file: Any, name: str) -> FileResponse:
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404(_("This file is no longer available.")) from None
    kind = detect(handle)
    return attachment_response(
        handle,
        original_name=name,
        content_type=kind.content_type if kind else "application/octet-stream",
    )


@never_cache
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The offline app's service worker, served under /inspections/field/ so that it may
    control the checklist pages (a worker's scope is its own folder)."""
    return HttpResponse(SERVICE_WORKER.read_text(encoding="utf-8"), content_type="text/javascript")


# --- The programme's criteria and field-work settings ----------------------------------------


def _programme_or_404(user: Any, pk: int) -> Programme:
    programme = (
        Programme.objects.visible_to(user)
        .select_related("questionnaire_version")
        .filter(pk=pk)
        .first()
    )
    if programme is None:
        raise Http404(_("No such programme."))
    return programme


@login_required
@require_http_methods(["GET", "POST"])
def criteria(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme_or_404(request.user, pk)
    if not can_manage_criteria(request.user, programme):
        return forbidden(request, _("The programme's managers set its inspection criteria."))
    themes = criteria_services.programme_themes(programme)
    rows = list(criteria_services.criteria_for_programme(programme).order_by("position", "pk"))
    settings_form = FieldSettingsForm(instance=criteria_services.field_settings_of(programme))
    add_form = CriterionAddForm(themes=themes)
    if request.method == "POST" and request.POST.get("form") == "settings":
        settings_form = FieldSettingsForm(request.POST)
        if settings_form.is_valid():
            criteria_services.field_settings_update(
                programme=programme,
                keep_photo_location=settings_form.cleaned_data["keep_photo_location"],
                by=request.user,
            )
            messages.success(request, _("The field-work settings were saved."))
            return redirect("inspections_field:criteria", programme.pk)
    elif request.method == "POST":
        add_form = CriterionAddForm(request.POST, themes=themes)
        if add_form.is_valid():
            data = add_form.cleaned_data
            try:
                criteria_services.criterion_add(
                    programme=programme,
                    theme_code=data["theme"],
                    text=data["text"],
                    text_zh=data["text_zh"],
                    by=request.user,
                )
            except criteria_services.CriterionRejected as error:
                add_form.add_error("text", error.message)
            else:
                messages.success(request, _("The criterion was added."))
                return redirect("inspections_field:criteria", programme.pk)
    labels = {theme.code: theme.display_label for theme in themes}
    groups = [
        (labels[theme.code], [row for row in rows if row.theme_code == theme.code])
        for theme in themes
    ]
    context = {
        "programme": programme,
        "groups": groups,
        "add_form": add_form,
        "settings_form": settings_form,
        "sources": criteria_services.default_sources(),
        "display": criteria_services.criterion_display,
    }
    return render(request, "inspections/field/criteria.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = (
        Criterion.objects.select_related("programme")
        .filter(pk=pk, programme__in=Programme.objects.visible_to(request.user))
        .first()
    )
    if criterion is None:
        raise Http404(_("No such criterion."))
    if not can_manage_criteria(request.user, criterion.programme):
        return forbidden(request, _("The programme's managers set its inspection criteria."))
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            criteria_services.criterion_update(
                criterion=criterion,
                text=data["text"],
                text_zh=data["text_zh"],
                active=data["active"],
                by=request.user,
            )
        except criteria_services.CriterionRejected as error:
            form.add_error("text", error.message)
        else:
            messages.success(request, _("The criterion was saved."))
            return redirect("inspections_field:criteria", criterion.programme_id)
    return render(
        request, "inspections/field/criterion_form.html", {"form": form, "criterion": criterion}
    )
