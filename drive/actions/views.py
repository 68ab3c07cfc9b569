"""Corrective-action pages (thin: STYLE.md §3): the list (supplier: its own across
programmes; buyer: its programmes', filtered), one action with the forms of whoever acts
next, the export, bulk reminders and the programme's due-date policy."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from drive.actions import services
from drive.actions.filters import ActionFilter
from drive.actions.forms import (
    PlanForm,
    PolicyForm,
    ProgressForm,
    ReasonForm,
    ReviewForm,
    VerifyForm,
)
from drive.actions.models import ActionStatus, CorrectiveAction, ProgressReport
from drive.actions.permissions import (
    can_manage_action,
    can_manage_actions,
    can_view_actions,
    can_work_on_action,
)
from drive.actions.selectors import actions_for, cursor_of, next_step, page_after
from drive.core.errors import DomainError
from drive.core.filters import InvalidFilter, apply_filters
from drive.core.http import forbidden, querystring_without
from drive.core.params import parse_ids
from drive.core.spreadsheets import append_text_row, neutralise
from drive.evidence.models import Document
from drive.inspections.models import Severity
from drive.programmes.models import Programme

PAGE_SIZE = 25


def _action_or_404(user: Any, pk: int) -> CorrectiveAction:
    return get_object_or_404(
        CorrectiveAction.objects.visible_to(user).select_related(
            "programme__buyer", "supplier", "theme", "question", "finding__inspection"
        ),
        pk=pk,
    )


def _filtered(request: HttpRequest):
    return apply_filters(ActionFilter, request.GET, actions_for(request.user))


@login_required
@require_GET
def action_list(request: HttpRequest) -> HttpResponse:
    """Most urgent first, overdue marked; PAGE_SIZE at a time by keyset (``?after=``)."""
    if not can_view_actions(request.user):
        return forbidden(request, _("Corrective actions are for buyers and suppliers."))
    errors: dict[str, list[str]] = {}
    try:
        rows = _filtered(request)
    except InvalidFilter as exc:
        errors = exc.fields
        rows = actions_for(request.user).none()
    after = request.GET.get("after", "")
    if after:
        try:
            rows = page_after(rows, after)
        except ValueError:
            raise Http404 from None
    page = list(rows[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    kept = querystring_without(request.GET, "after")
    is_buyer = request.user.organisation.is_buyer
    programmes = (
        list(Programme.objects.visible_to(request.user).order_by("name")) if is_buyer else []
    )
    chosen = next((p for p in programmes if str(p.pk) == request.GET.get("programme")), None)
    return render(
        request,
        "actions/list.html",
        {
            "actions": page,
            "next_query": (kept + "&" if kept else "") + urlencode({"after": cursor_of(page[-1])})
            if more
            else "",
            "is_first_page": not after,
            "kept": kept,
            "errors": errors,
            "is_buyer": is_buyer,
            "can_manage": can_manage_actions(request.user),
            "programmes": programmes,
            "programme": chosen,
            "can_edit_policy": chosen is not None and can_manage_actions(request.user, chosen),
            "statuses": ActionStatus.choices,
            "severities": [(v, label) for v, label in Severity.choices if v in ACTIONABLE],
            "params": request.GET,
        },
    )


ACTIONABLE = (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)


def _documents_for(user: Any):
    return Document.objects.visible_to(user).order_by("title")


@login_required
@require_GET
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_or_404(request.user, pk)
    return render(request, "actions/detail.html", _detail_context(request, action))


def _detail_context(request: HttpRequest, action: CorrectiveAction, **forms: Any) -> dict:
    user = request.user
    is_supplier = can_work_on_action(user, action)
    is_manager = can_manage_action(user, action)
    status = action.status
    context: dict[str, Any] = {
        "action": action,
        "next": next_step(action),
        "today": timezone.localdate(),
        "plans": list(action.plans.select_related("proposed_by", "decided_by")),
        "reports": list(
            ProgressReport.objects.filter(action=action)
            .select_related("created_by")
            .prefetch_related("documents")
        ),
        "is_supplier": is_supplier,
        "is_manager": is_manager,
    }
    if is_supplier and status in (ActionStatus.OPEN, ActionStatus.CHANGES_REQUESTED):
        plan = services.current_plan(action)
        initial = (
            {
                "root_cause": plan.root_cause,
                "measures": plan.measures,
                "owner": plan.owner,
                "target_date": plan.target_date,
            }
            if plan
            else {"target_date": action.closure_due}
        )
        context["plan_form"] = forms.get("plan_form") or PlanForm(initial=initial)
    if is_supplier and status in (ActionStatus.PLAN_APPROVED, ActionStatus.IN_PROGRESS):
        context["progress_form"] = forms.get("progress_form") or ProgressForm(
            documents=_documents_for(user)
        )
    if is_manager and status == ActionStatus.PLAN_PROPOSED:
        context["review_form"] = forms.get("review_form") or ReviewForm()
        plan = services.current_plan(action)
        context["later_target"] = plan is not None and plan.target_date > action.closure_due
    if is_manager and status == ActionStatus.SUBMITTED:
        context["verify_form"] = forms.get("verify_form") or VerifyForm(question=action.question)
        context["needs_inspection"] = action.severity == Severity.CRITICAL
        context["closing_inspections"] = services.closing_inspections(action)
    if is_manager and action.is_open:
        context["followup_url"] = reverse("actions:follow_up", args=[action.pk])
        context["cancel_form"] = forms.get("cancel_form") or ReasonForm(prefix="cancel")
    if is_manager and status == ActionStatus.CLOSED:
        context["reopen_form"] = forms.get("reopen_form") or ReasonForm(prefix="reopen")
    return context


def _redisplay(request: HttpRequest, action: CorrectiveAction, error: str = "", **forms: Any):
    if error:
        messages.error(request, error)
    return render(
        request, "actions/detail.html", _detail_context(request, action, **forms), status=400
    )


def _form_move(
    request: HttpRequest,
    pk: int,
    *,
    may: Callable[[Any, CorrectiveAction], bool],
    refusal: str,
    form_name: str,
    make_form: Callable[[CorrectiveAction], Any],
    perform: Callable[[CorrectiveAction, dict[str, Any]], str],
) -> HttpResponse:
    """One workflow move from the action's page: the person's side (404/403), the form
    (shown again in place with its errors), the service (a refusal shown in place too),
    then the success message ``perform`` returns and back to the action."""
    action = _action_or_404(request.user, pk)
    if not may(request.user, action):
        return forbidden(request, refusal)
    form = make_form(action)
    if not form.is_valid():
        return _redisplay(request, action, **{form_name: form})
    try:
        done = perform(action, form.cleaned_data)
    except DomainError as exc:
        return _redisplay(request, action, exc.message, **{form_name: form})
    messages.success(request, done)
    return redirect("actions:detail", pk=action.pk)


@login_required
@require_POST
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(action: CorrectiveAction, data: dict[str, Any]) -> str:
        services.plan_propose(action=action, by=request.user, **data)
        return _("Your plan was sent to the programme manager.")

    return _form_move(
        request,
        pk,
        may=can_work_on_action,
        refusal=_("Only the supplier's people can propose the plan."),
        form_name="plan_form",
        make_form=lambda action: PlanForm(request.POST),
        perform=perform,
    )


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(action: CorrectiveAction, data: dict[str, Any]) -> str:
        if data["decision"] == "approve":
            services.plan_approve(
                action=action,
                by=request.user,
                comment=data["comment"],
                agree_later_target=data["agree_later_target"],
            )
            return _("The plan was approved.")
        services.plan_request_changes(action=action, by=request.user, comment=data["comment"])
        return _("The plan was sent back to the supplier.")

    return _form_move(
        request,
        pk,
        may=can_manage_action,
        refusal=_("Only the programme's managers can review the plan."),
        form_name="review_form",
        make_form=lambda action: ReviewForm(request.POST),
        perform=perform,
    )


@login_required
@require_POST
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(action: CorrectiveAction, data: dict[str, Any]) -> str:
        ids = [d.pk for d in data["documents"]]
        if data["final"]:
            services.action_submit(
                action=action, by=request.user, note=data["note"], document_ids=ids
            )
            return _("The action was submitted for verification.")
        services.progress_report(
            action=action, by=request.user, note=data["note"], document_ids=ids
        )
        return _("Your progress was recorded.")

    return _form_move(
        request,
        pk,
        may=can_work_on_action,
        refusal=_("Only the supplier's people can report progress."),
        form_name="progress_form",
        make_form=lambda action: ProgressForm(request.POST, documents=_documents_for(request.user)),
        perform=perform,
    )


@login_required
@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(action: CorrectiveAction, data: dict[str, Any]) -> str:
        if data["decision"] == "close":
            services.action_verify(
                action=action,
                by=request.user,
                note=data["note"],
                by_inspection=data["by_inspection"],
                verified_value=data.get("verified_value") or None,
            )
            return _("The action was verified and closed.")
        services.action_return(action=action, by=request.user, comment=data["note"])
        return _("The action was sent back to the supplier.")

    return _form_move(
        request,
        pk,
        may=can_manage_action,
        refusal=_("Only the programme's managers can verify."),
        form_name="verify_form",
        make_form=lambda action: VerifyForm(request.POST, question=action.question),
        perform=perform,
    )


def inspection_form_url(action: CorrectiveAction) -> str:
    """The inspections app's create form, prefilled for a follow-up of this action."""
    params: dict[str, Any] = {"supplier": action.supplier_id, "type": "follow_up"}
    if action.finding_id:
        params["follow_up_of"] = action.finding.inspection_id
    try:
        base = reverse("inspections:create")
    except NoReverseMatch:
        base = "/inspections/new/"
    return f"{base}?{urlencode(params)}"


@login_required
@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_or_404(request.user, pk)
    if not can_manage_action(request.user, action):
        return forbidden(request, _("Only the programme's managers can request an inspection."))
    try:
        services.followup_request(action=action, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("actions:detail", pk=action.pk)
    return redirect(inspection_form_url(action))


def _reason_move(request: HttpRequest, pk: int, *, prefix: str) -> HttpResponse:
    def perform(action: CorrectiveAction, data: dict[str, Any]) -> str:
        if prefix == "cancel":
            services.action_cancel(action=action, by=request.user, reason=data["reason"])
            return _("The action was cancelled.")
        services.action_reopen(action=action, by=request.user, reason=data["reason"])
        return _("The action was reopened.")

    return _form_move(
        request,
        pk,
        may=can_manage_action,
        refusal=_("Only the programme's managers can do this."),
        form_name=f"{prefix}_form",
        make_form=lambda action: ReasonForm(request.POST, prefix=prefix),
        perform=perform,
    )


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_move(request, pk, prefix="cancel")


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_move(request, pk, prefix="reopen")


@login_required
@require_GET
def document(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """A document given as evidence for this action (the manager reads it here: the
    evidence library shows buyers only what is attached to answers)."""
    action = _action_or_404(request.user, pk)
    found = Document.objects.filter(
        pk=item_pk, supplier__organisation_id=action.supplier.organisation_id
    ).first()
    if (
        found is None
        or not ProgressReport.documents.through.objects.filter(
            progressreport__action=action, document=found
        ).exists()
    ):
        raise Http404
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.original_name)


@login_required
@require_POST
def remind(request: HttpRequest) -> HttpResponse:
    if not can_manage_actions(request.user):
        return forbidden(request, _("Only programme managers can send reminders."))
    ids = parse_ids(request.POST.getlist("actions"))
    chosen = list(
        CorrectiveAction.objects.visible_to(request.user)
        .filter(pk__in=ids)
        .select_related("programme__buyer", "supplier")
    )
    back = reverse("actions:list") + "?" + request.POST.get("back", "")
    if not chosen:
        messages.error(request, _("Select at least one action to remind."))
        return redirect(back)
    try:
        sent = services.actions_remind(actions=chosen, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(
        request,
        _("%(sent)d of %(chosen)d selected suppliers reminded (at most once a day per action).")
        % {"sent": sent, "chosen": len(chosen)},
    )
    return redirect(back)


EXPORT_COLUMNS = (
    "id",
    "programme",
    "supplier",
    "title",
    "severity",
    "theme",
    "status",
    "plan_due",
    "closure_due",
    "overdue",
)


def _export_rows(actions) -> list[list[str]]:
    rows = [
        [
            _("Id"),
            _("Programme"),
            _("Supplier"),
            _("Title"),
            _("Severity"),
            _("Theme"),
            _("State"),
            _("Plan due"),
            _("Closure due"),
            _("Overdue"),
        ]
    ]
    for a in actions:
        rows.append(
            [
                str(a.pk),
                a.programme.name,
                a.supplier.legal_name,
                a.title,
                a.get_severity_display(),
                a.theme.display_label if a.theme else "",
                a.get_status_display(),
                a.plan_due.isoformat(),
                a.closure_due.isoformat(),
                _("Yes") if a.overdue else _("No"),
            ]
        )
    return rows


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV or XLSX; every cell is text (formulas neutralised)."""
    if not can_view_actions(request.user):
        return forbidden(request, _("Corrective actions are for buyers and suppliers."))
    try:
        actions = _filtered(request)
    except InvalidFilter:
        return redirect(reverse("actions:list") + "?" + querystring_without(request.GET, "format"))
    rows = _export_rows(actions[:50000])
    stem = f"corrective-actions-{timezone.localdate():%Y-%m-%d}"
    if request.GET.get("format") == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Corrective actions")[:31]
        for row in rows:
            append_text_row(sheet, row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        buffer.seek(0)
        return FileResponse(buffer, as_attachment=True, filename=f"{stem}.xlsx")
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.visible_to(request.user), pk=pk)
    if not can_manage_actions(request.user, programme):
        return forbidden(request, _("Only the programme's managers can change its due dates."))
    current = services.policy_for(programme)
    form = PolicyForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(programme=programme, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The due dates were saved. New actions use them."))
            return redirect("actions:policy", pk=programme.pk)
    return render(request, "actions/policy.html", {"programme": programme, "form": form})
