"""Capacity-building pages (thin views: parse, call one service or selector, render).

Scope first (``visible_to``: another organisation's object is 404), then the predicates
of ``permissions.py`` (a wrong role is 403)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from drive.core.errors import DomainError
from drive.core.http import forbidden
from drive.core.params import parse_id
from drive.trainings import documents, selectors, services
from drive.trainings.filters import ResourceFilter
from drive.trainings.forms import EventForm, RegisterForm, ResourceForm, SessionForm
from drive.trainings.models import (
    Event,
    Registration,
    RegistrationStatus,
    Resource,
    ResourceKind,
    Session,
)
from drive.trainings.permissions import (
    can_browse_trainings,
    can_cancel,
    can_download_certificate,
    can_organise,
    can_register,
    can_register_colleagues,
    can_view_participants,
)

PER_PAGE = 50


def _refused(request: HttpRequest) -> HttpResponse:
    return forbidden(
        request,
        _(
            "Trainings are for supplier companies and buyer staff; events and resources are "
            "managed by the organising buyer's programme managers."
        ),
    )


def _event(request: HttpRequest, pk: int) -> Event:
    return get_object_or_404(
        Event.objects.visible_to(request.user).select_related("organiser"), pk=pk
    )


def _session(request: HttpRequest, pk: int) -> Session:
    return get_object_or_404(
        Session.objects.visible_to(request.user).select_related("event__organiser"), pk=pk
    )


def _registration(request: HttpRequest, pk: int) -> Registration:
    return get_object_or_404(
        Registration.objects.visible_to(request.user).select_related(
            "session__event__organiser", "person", "company"
        ),
        pk=pk,
    )


# --- Events ------------------------------------------------------------------------------


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    if not can_browse_trainings(request.user):
        return _refused(request)
    return render(
        request,
        "trainings/event_list.html",
        {
            "upcoming": list(selectors.upcoming_events(request.user)[:PER_PAGE]),
            "past": list(selectors.past_events(request.user)[:PER_PAGE]),
            "can_organise": can_organise(request.user),
            "can_register": can_register(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    if not can_organise(request.user):
        return _refused(request)
    organiser = request.user.organisation
    form = EventForm(request.POST or None, organiser=organiser)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                organiser=organiser, data=form.cleaned_data, by=request.user
            )
        except DomainError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("The event is saved as a draft. Add its sessions."))
            return redirect("trainings:event", event.pk)
    return render(request, "trainings/event_form.html", {"form": form})


@login_required
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    slots = selectors.event_slots(event)
    sessions = [s for slot in slots for s in slot.sessions]
    return render(
        request,
        "trainings/event_detail.html",
        {
            "event": event,
            "slots": slots,
            "mine": selectors.active_registrations_of(request.user, sessions),
            "labels": selectors.theme_labels() if sessions else {},
            "can_organise": can_organise(request.user, event.organiser_id),
            "can_view_participants": can_view_participants(request.user, event),
            "can_register": can_register(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    if not can_organise(request.user, event.organiser_id):
        return _refused(request)
    form = EventForm(request.POST or None, instance=event, organiser=event.organiser)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        event.refresh_from_db()  # the form wrote into the instance; the service compares
        try:
            services.event_update(event=event, data=data, by=request.user)
        except DomainError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("trainings:event", event.pk)
    return render(request, "trainings/event_form.html", {"form": form, "event": event})


@login_required
@require_POST
def event_publish(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    if not can_organise(request.user, event.organiser_id):
        return _refused(request)
    try:
        services.event_publish(event=event, by=request.user)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The event is published: its suppliers can register."))
    return redirect("trainings:event", event.pk)


@login_required
@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    if not can_organise(request.user, event.organiser_id):
        return _refused(request)
    try:
        services.event_cancel(event=event, reason=request.POST.get("reason", ""), by=request.user)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The event is cancelled; the registered people are told why."))
    return redirect("trainings:event", event.pk)


# --- Sessions ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    return _session_form(request, event, None)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    return _session_form(request, session.event, session)


def _session_form(request: HttpRequest, event: Event, session: Session | None) -> HttpResponse:
    if not can_organise(request.user, event.organiser_id):
        return _refused(request)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if session is not None:
            session.refresh_from_db()
        try:
            saved = services.session_save(event=event, session=session, data=data, by=request.user)
        except DomainError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("The session is saved."))
            return redirect("trainings:session", saved.pk)
    return render(
        request, "trainings/session_form.html", {"form": form, "event": event, "session": session}
    )


@login_required
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        selectors.with_counts(Session.objects.visible_to(request.user)).select_related(
            "event__organiser"
        ),
        pk=pk,
    )
    event = session.event
    supplier = can_register(request.user)
    company = (
        list(
            selectors.my_registrations(request.user).filter(
                session=session, status__in=("confirmed", "waitlisted")
            )
        )
        if supplier
        else []
    )
    mine = next((r for r in company if r.person_id == request.user.pk), None)
    return render(
        request,
        "trainings/session_detail.html",
        {
            "session": session,
            "event": event,
            "mine": mine,
            "company": [r for r in company if r is not mine],
            "form": RegisterForm(
                user=request.user, colleagues=can_register_colleagues(request.user)
            )
            if supplier
            else None,
            "labels": selectors.theme_labels(),
            "can_organise": can_organise(request.user, event.organiser_id),
            "can_view_participants": can_view_participants(request.user, event),
            "resources": selectors.resources_on_themes(
                request.user, session.themes, get_language()
            ),
        },
    )


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    if not can_register(request.user):
        return _refused(request)
    colleagues = can_register_colleagues(request.user)
    form = RegisterForm(request.POST, user=request.user, colleagues=colleagues)
    if not form.is_valid():
        messages.error(request, _("Choose a person of your company."))
        return redirect("trainings:session", session.pk)
    person = form.cleaned_data.get("person") or request.user
    try:
        registration = services.registration_create(session=session, person=person, by=request.user)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect("trainings:session", session.pk)
    if registration.is_confirmed:
        messages.success(request, _("Registered: your place is confirmed."))
    else:
        messages.success(
            request,
            _(
                "The session is full: you are on the waiting list. If a place frees up, it is "
                "yours and you will be told."
            ),
        )
    return redirect("trainings:registrations")


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The register on a phone: one small page of check boxes, a plain form post."""
    session = _session(request, pk)
    if not can_organise(request.user, session.event.organiser_id):
        return _refused(request)
    if request.method == "POST":
        present = [i for i in (parse_id(v) for v in request.POST.getlist("present")) if i]
        came = services.attendance_record(session=session, present=present, by=request.user)
        messages.success(request, _("Attendance saved: %(count)s present.") % {"count": came})
        return redirect("trainings:attendance", session.pk)
    rows = (
        session.registrations.filter(status=RegistrationStatus.CONFIRMED)
        .select_related("person", "company")
        .order_by("person__full_name", "pk")
    )
    return render(request, "trainings/attendance.html", {"session": session, "rows": rows})


# --- The organiser's view ------------------------------------------------------------


@login_required
@require_GET
def participants(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    if not can_view_participants(request.user, event):
        return _refused(request)
    return render(
        request,
        "trainings/participants.html",
        {
            "event": event,
            "figures": selectors.event_figures(event),
            "people": selectors.participants(event).filter(status__in=("confirmed", "waitlisted")),
            "sessions": selectors.with_counts(event.sessions.all()).order_by("starts_at", "track"),
            "can_organise": can_organise(request.user, event.organiser_id),
        },
    )


@login_required
@require_GET
def participants_export(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    if not can_view_participants(request.user, event):
        return _refused(request)
    rows = selectors.participants(event)
    name = f"participants-event-{event.pk}"
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            documents.participants_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(documents.participants_csv(rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


# --- Registrations -------------------------------------------------------------------


@login_required
@require_GET
def registration_list(request: HttpRequest) -> HttpResponse:
    if not can_register(request.user):
        return _refused(request)
    rows = list(
        selectors.my_registrations(request.user).filter(status__in=("confirmed", "waitlisted"))[
            :200
        ]
    )
    return render(request, "trainings/registration_list.html", {"registrations": rows})


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    if not can_cancel(request.user, registration):
        return _refused(request)
    try:
        services.registration_cancel(registration=registration, by=request.user)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The registration is cancelled."))
    if can_register(request.user):
        return redirect("trainings:registrations")
    return redirect("trainings:participants", registration.session.event_id)


@login_required
@require_GET
def calendar_file(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    if not registration.is_active:
        raise Http404(_("This registration is cancelled."))
    response = HttpResponse(documents.registration_ics(registration), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="training-{registration.pk}.ics"'
    return response


@login_required
@require_GET
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    if not can_download_certificate(request.user, registration):
        raise Http404(_("There is no attendance certificate for this registration."))
    response = HttpResponse(documents.certificate_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="attendance-{registration.pk}.pdf"'
    return response


# --- Resources -----------------------------------------------------------------------


@login_required
@require_GET
def resource_list(request: HttpRequest) -> HttpResponse:
    if not can_browse_trainings(request.user):
        return _refused(request)
    labels = selectors.theme_labels()
    filters = ResourceFilter(request.GET, queryset=Resource.objects.visible_to(request.user))
    rows = filters.qs if filters.is_valid() else Resource.objects.none()
    theme, language, kind = (request.GET.get(k, "") for k in ("theme", "language", "kind"))
    before = parse_id(request.GET.get("after", "")) if request.GET.get("after") else None
    if before:
        rows = rows.filter(pk__gt=before)
    page = list(rows.order_by("pk")[: PER_PAGE + 1])
    more = page[PER_PAGE - 1].pk if len(page) > PER_PAGE else None
    page = sorted(page[:PER_PAGE], key=lambda r: (labels.get(r.theme, r.theme), r.title))
    return render(
        request,
        "trainings/resource_list.html",
        {
            "resources": page,
            "more": more,
            "labels": labels,
            "themes": selectors.theme_choices(),
            "kinds": ResourceKind.choices,
            "chosen": {"theme": theme, "language": language, "kind": kind},
            "can_organise": can_organise(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_create(request: HttpRequest) -> HttpResponse:
    return _resource_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource.objects.visible_to(request.user), pk=pk)
    return _resource_form(request, resource)


def _resource_form(request: HttpRequest, resource: Resource | None) -> HttpResponse:
    owner_id = resource.owner_id if resource else None
    if not can_organise(request.user, owner_id):
        return _refused(request)
    form = ResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if resource is not None:
            resource.refresh_from_db()
        services.resource_save(
            owner=request.user.organisation, data=data, by=request.user, resource=resource
        )
        messages.success(request, _("The resource is saved."))
        return redirect("trainings:resources")
    return render(request, "trainings/resource_form.html", {"form": form, "resource": resource})


@login_required
@require_POST
def resource_delete(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource.objects.visible_to(request.user), pk=pk)
    if not can_organise(request.user, resource.owner_id):
        return _refused(request)
    services.resource_delete(resource=resource, by=request.user)
    messages.success(request, _("The resource is removed from the library."))
    return redirect("trainings:resources")
