"""Inspection pages (thin views): the list, the programme's queue, planning, the
inspection's page with its workflow actions, the report (web and PDF) and attachments.

Scope first (``Inspection.objects.visible_to``: another organisation's inspection is 404),
then the predicates of ``permissions.py`` (the wrong role is 403); the services decide."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from drive.accounts.models import User
from drive.core.errors import DomainError
from drive.core.filters import InvalidFilter, apply_filters
from drive.core.http import forbidden, querystring_without
from drive.core.keyset import KeysetPage
from drive.core.params import parse_id
from drive.programmes.models import Enrolment, Programme, ProgrammeStatus, Stage
from drive.suppliers.models import Sector

from . import permissions as perms
from . import services
from .filters import InspectionFilter, QueueFilter
from .forms import (
    AssignForm,
    CancelForm,
    CommentForm,
    DeclareForm,
    NoteForm,
    PlanForm,
    ScheduleForm,
    SubmitForm,
)
from .models import Assignment, Inspection, InspectionType
from .report import report_context, report_pdf_bytes
from .selectors import QueuePage, inspection_list, inspection_queue, queue_page

PAGE_SIZE = 50


def inspection_or_404(user: Any, pk: int) -> Inspection:
    return get_object_or_404(
        Inspection.objects.visible_to(user)
        .select_related("supplier", "programme", "body", "enrolment", "follow_up_of")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("inspector"))
        ),
        pk=pk,
    )


def checklist_url(inspection: Inspection) -> str:
    """The field checklist (the field app's page), when it is installed."""
    try:
        return reverse("inspections_field:checklist", kwargs={"pk": inspection.pk})
    except NoReverseMatch:  # until the field work is merged
        return ""


@login_required
@require_GET
def inspection_list_view(request: HttpRequest) -> HttpResponse:
    if not perms.can_view_inspections_list(request.user):
        return forbidden(request, _("Inspections are for members of an organisation."))
    error = None
    try:
        inspections = apply_filters(InspectionFilter, request.GET, inspection_list(request.user))
    except InvalidFilter as invalid:
        inspections, error = Inspection.objects.none(), invalid
    page_obj = Paginator(inspections, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/list.html",
        {
            "page_obj": page_obj,
            "inspections": page_obj.object_list,
            "filter_form": error.form if error else InspectionFilter(request.GET).form,
            "params": request.GET,
            "can_plan": perms.can_plan_inspections(request.user),
            "querystring_without_page": querystring_without(request.GET, "page"),
        },
    )


@login_required
@require_GET
def queue(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.visible_to(request.user), pk=pk)
    if not perms.can_view_queue(request.user, programme):
        return forbidden(request, _("The inspection queue is for the programme's managers."))
    # The database ranks the whole cohort (selectors.inspection_queue); a keyset page of it
    # is read (drive/core/keyset.py: a late page costs what the first costs) and only its
    # rows get their reasons in Python. The total is counted up to a bound. The API's
    # programmes/{id}/inspection-queue/ reads the same two selectors.
    found = QueuePage(page=KeysetPage(rows=[]), rows=[])
    filter_form = QueueFilter(request.GET).form
    try:
        ranked = inspection_queue(programme, request.GET)
    except InvalidFilter as invalid:
        filter_form = invalid.form
    else:
        found = queue_page(
            ranked,
            after=request.GET.get("after"),
            before=request.GET.get("before"),
            size=PAGE_SIZE,
        )
    return render(
        request,
        "inspections/queue.html",
        {
            "programme": programme,
            "page": found.page,
            "rows": found.rows,
            "total": found.total,
            "total_exact": found.total_exact,
            "filter_form": filter_form,
            "params": request.GET,
            "sectors": Sector.objects.order_by("code"),
            "can_plan": perms.can_plan_inspection(request.user, programme),
            "querystring_without_page": querystring_without(request.GET, "page", "after", "before"),
        },
    )


def _plan_choices(user: User, request: HttpRequest) -> tuple[Any, Any, dict[str, Any]]:
    """The enrolments the manager may plan for (narrowed to one supplier when the link
    says which), the inspections a follow-up may follow, and the form's prefill."""
    enrolments = (
        Enrolment.objects.visible_to(user)
        .filter(programme__buyer_id=user.organisation_id)
        .exclude(stage=Stage.WITHDRAWN)
        .exclude(programme__status=ProgrammeStatus.CLOSED)
        .select_related("supplier", "programme")
        .order_by("supplier__legal_name", "programme__name")
    )
    source = request.POST if request.method == "POST" else request.GET
    initial: dict[str, Any] = {}
    enrolment_id = parse_id(source.get("enrolment") or "")
    supplier_id = parse_id(source.get("supplier") or "")
    follow_up_id = parse_id(source.get("follow_up_of") or "")
    follow_up = (
        Inspection.objects.visible_to(user).filter(pk=follow_up_id).first()
        if follow_up_id
        else None
    )
    if follow_up is not None:
        supplier_id = follow_up.supplier_id
        initial.update(
            follow_up_of=follow_up.pk,
            enrolment=follow_up.enrolment_id,
            body=follow_up.body_id,
            site_address=follow_up.site_address,
            site_country=follow_up.site_country,
            type=InspectionType.FOLLOW_UP,
        )
    if enrolment_id:
        enrolment = enrolments.filter(pk=enrolment_id).first()
        if enrolment is not None:
            supplier_id = enrolment.supplier_id
            initial["enrolment"] = enrolment.pk
    if supplier_id:
        enrolments = enrolments.filter(supplier_id=supplier_id)
        first = enrolments.first()
        if first is not None:
            initial.setdefault("enrolment", first.pk)
            initial.setdefault("site_address", first.supplier.address)
            initial.setdefault("site_country", first.supplier.country.code)
    kind = (request.GET.get("type") or "").strip()
    if kind in InspectionType.values:
        initial["type"] = kind
    follow_ups = Inspection.objects.visible_to(user).select_related("supplier")
    if supplier_id:
        follow_ups = follow_ups.filter(supplier_id=supplier_id)
    return enrolments, follow_ups, initial


@login_required
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest) -> HttpResponse:
    """Plan an inspection: from the queue (``?enrolment=``), a supplier
    (``?supplier=&type=follow_up&follow_up_of=``) or blank."""
    user = request.user
    if not perms.can_plan_inspections(user):
        return forbidden(request, _("Programme managers plan inspections."))
    enrolments, follow_ups, initial = _plan_choices(user, request)
    form = PlanForm(
        request.POST or None, initial=initial, enrolments=enrolments, follow_ups=follow_ups
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.inspection_plan(
                enrolment=data["enrolment"],
                plan=services.InspectionPlan(
                    body=data["body"],
                    window_start=data["window_start"],
                    window_end=data["window_end"],
                    type=data["type"],
                    mode=data["mode"],
                    notice=data["notice"],
                    site_address=data["site_address"],
                    site_country=data["site_country"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    follow_up_of=data["follow_up_of"],
                ),
                by=user,
            )
        except DomainError as refusal:
            form.add_error(None, refusal.message)
        else:
            return redirect("inspections:detail", inspection.pk)
    return render(request, "inspections/plan.html", {"form": form})


def _detail_context(request: HttpRequest, inspection: Inspection) -> dict[str, Any]:
    user = request.user
    can_assign = perms.can_assign(user, inspection)
    return {
        "inspection": inspection,
        "assignment": perms.assignment_of(user, inspection),
        "team": list(inspection.assignments.all()),
        "can_see_dates": perms.can_see_dates(user, inspection),
        "can_schedule": perms.can_schedule(user, inspection),
        "can_assign": can_assign,
        "can_declare": perms.can_declare(user, inspection),
        "can_start": perms.can_start(user, inspection),
        "can_submit": perms.can_submit(user, inspection),
        "can_forward": perms.can_forward(user, inspection),
        "can_approve": perms.can_approve(user, inspection),
        "can_return": perms.can_return(user, inspection),
        "can_cancel": perms.can_cancel(user, inspection),
        "can_view_report": perms.can_view_report(user, inspection),
        "is_supplier": perms.is_supplier_of(user, inspection),
        "checklist_url": checklist_url(inspection)
        if perms.is_body_member(user, inspection)
        else "",
        "schedule_form": ScheduleForm(initial={"date": inspection.scheduled_date}),
        "assign_form": AssignForm(
            inspectors=services.assignable_inspectors(inspection).exclude(
                pk__in=[a.inspector_id for a in inspection.assignments.all()]
            )
        )
        if can_assign
        else None,
        "declare_form": DeclareForm(),
        "submit_form": SubmitForm(initial={"summary": inspection.summary}),
        "comment_form": CommentForm(),
        "note_form": NoteForm(),
        "cancel_form": CancelForm(),
    }


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = inspection_or_404(request.user, pk)
    return render(request, "inspections/detail.html", _detail_context(request, inspection))


# Each workflow action: (form, predicate, call the service with the form's data).
ACTIONS: dict[str, tuple[Any, Any, Any]] = {
    "schedule": (
        ScheduleForm,
        perms.can_schedule,
        lambda i, u, d: services.inspection_schedule(inspection=i, date=d["date"], by=u),
    ),
    "declare": (
        DeclareForm,
        perms.can_declare,
        lambda i, u, d: services.inspection_declare_no_conflict(
            inspection=i, by=u, statement=d["statement"]
        ),
    ),
    "start": (None, perms.can_start, lambda i, u, d: services.inspection_start(inspection=i, by=u)),
    "submit": (
        SubmitForm,
        perms.can_submit,
        lambda i, u, d: services.inspection_submit(inspection=i, by=u, summary=d["summary"]),
    ),
    "forward": (
        NoteForm,
        perms.can_forward,
        lambda i, u, d: services.inspection_forward(inspection=i, by=u, note=d["note"]),
    ),
    "return": (
        CommentForm,
        perms.can_return,
        lambda i, u, d: services.inspection_return(inspection=i, by=u, comment=d["comment"]),
    ),
    "approve": (
        NoteForm,
        perms.can_approve,
        lambda i, u, d: services.inspection_approve(inspection=i, by=u, note=d["note"]),
    ),
    "cancel": (
        CancelForm,
        perms.can_cancel,
        lambda i, u, d: services.inspection_cancel(inspection=i, by=u, reason=d["reason"]),
    ),
}

# The context name of each action's form on the inspection's page.
FORM_NAMES = {"forward": "note_form", "approve": "note_form", "return": "comment_form"}

DONE = {
    "schedule": _("The date is set."),
    "declare": _("Your declaration is recorded. You can start the inspection."),
    "start": _("The inspection has started."),
    "submit": _("The report is submitted to your inspection lead."),
    "forward": _("The report is forwarded to the programme manager."),
    "return": _("The report is returned to the inspectors with your comments."),
    "approve": _("The report is approved."),
    "cancel": _("The inspection is cancelled."),
}


@login_required
@require_POST
def act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """One workflow action, posted from the inspection's page."""
    inspection = inspection_or_404(request.user, pk)
    if verb not in ACTIONS:
        raise Http404
    form_class, allowed, call = ACTIONS[verb]
    if not allowed(request.user, inspection):
        return forbidden(request, _("Your role cannot do this on this inspection now."))
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        context = _detail_context(request, inspection)
        context[FORM_NAMES.get(verb, f"{verb}_form")] = form
        return render(request, "inspections/detail.html", context, status=400)
    try:
        call(inspection, request.user, form.cleaned_data if form else {})
    except DomainError as refusal:
        context = _detail_context(request, inspection)
        context["error"] = refusal.message
        return render(request, "inspections/detail.html", context, status=400)
    messages.success(request, str(DONE[verb]))
    return redirect("inspections:detail", inspection.pk)


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = inspection_or_404(request.user, pk)
    if not perms.can_assign(request.user, inspection):
        return forbidden(request, _("The inspection body's lead assigns inspectors."))
    form = AssignForm(request.POST, inspectors=services.assignable_inspectors(inspection))
    remove = parse_id(request.POST.get("remove") or "")
    try:
        if remove:
            person = get_object_or_404(User, pk=remove, organisation_id=inspection.body_id)
            services.inspection_unassign(inspection=inspection, inspector=person, by=request.user)
        elif form.is_valid():
            services.inspection_assign(
                inspection=inspection, inspector=form.cleaned_data["inspector"], by=request.user
            )
        else:
            context = _detail_context(request, inspection)
            context["assign_form"] = form
            return render(request, "inspections/detail.html", context, status=400)
    except DomainError as refusal:
        context = _detail_context(request, inspection)
        context["error"] = refusal.message
        return render(request, "inspections/detail.html", context, status=400)
    messages.success(request, _("The team is updated."))
    return redirect("inspections:detail", inspection.pk)


def _reportable(request: HttpRequest, pk: int) -> Inspection | HttpResponse:
    inspection = inspection_or_404(request.user, pk)
    if not perms.can_view_report(request.user, inspection):
        return forbidden(request, _("The report is shared with the supplier once it is approved."))
    return inspection


@login_required
@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _reportable(request, pk)
    if isinstance(inspection, HttpResponse):
        return inspection
    return render(request, "inspections/report.html", report_context(request.user, inspection))


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as a PDF, in the language asked (``?lang=en|zh-hans``; default: the
    page's), rendered on request."""
    inspection = _reportable(request, pk)
    if isinstance(inspection, HttpResponse):
        return inspection
    from django.conf import settings

    language = (request.GET.get("lang") or translation.get_language() or "en").strip().lower()
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    content = report_pdf_bytes(request.user, inspection, language)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="inspection-{inspection.pk}-{language}.pdf"'
    )
    return response


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """A finding's photo or document, for whoever may read the report."""
    from .selectors import attachment_visible

    item = attachment_visible(request.user, pk)
    if item is None:
        raise Http404
    if not perms.can_view_report(request.user, item.finding.inspection):
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("This file is no longer available.")) from None
    name = item.file.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=not item.is_photo, filename=name)
