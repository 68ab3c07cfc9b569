"""Programme pages. Thin: scope with visible_to, check a predicate, call a selector or a
service, render. Domain errors become form errors or messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from drive.core.errors import DomainError
from drive.core.filters import InvalidFilter
from drive.core.http import forbidden, querystring_without
from drive.core.i18n import country_names
from drive.core.keyset import KeysetPage, bounded_count, keyset_page
from drive.core.params import parse_ids
from drive.programmes import selectors, services
from drive.programmes.forms import InviteCompanyForm, NoteForm, ProgrammeForm, ReminderForm
from drive.programmes.models import Enrolment, Programme, ProgrammeStatus, Stage
from drive.programmes.permissions import (
    can_manage_programmes,
    can_view_own_enrolments,
    can_view_programmes,
)
from drive.suppliers.filters import DEFAULT_SORT, SORTS, sorted_suppliers
from drive.suppliers.models import SizeClass, Supplier
from drive.suppliers.selectors import (
    CountryChoice,
    registry_countries,
    registry_sectors,
    supplier_search,
    total_of,
)

PAGE_SIZE = 25
COHORT_FILTERS = ("q", "stage", "country", "size", "women_owned", "deadline")
REGISTRY_FILTERS = ("q", "country", "sector", "size", "women_owned", "lta")


def _posted(request: HttpRequest) -> QueryDict | None:
    """Form data of a POST (even an empty one), None for a GET."""
    return request.POST if request.method == "POST" else None


def _programme_or_404(user: Any, pk: int) -> Programme:
    try:
        return selectors.programme_for(user, pk)
    except Programme.DoesNotExist:
        raise Http404(_("No such programme.")) from None


def _enrolment_or_404(user: Any, pk: int) -> Enrolment:
    try:
        return selectors.enrolment_for(user, pk)
    except Enrolment.DoesNotExist:
        raise Http404(_("No such enrolment.")) from None


def _manager_only(request: HttpRequest) -> HttpResponse:
    return forbidden(
        request, _("Only programme managers and organisation admins of the buyer can do this.")
    )


def _in_programme_countries(suppliers: QuerySet[Supplier], programme: Programme) -> Any:
    """Only suppliers in the programme's countries, when it names any."""
    if programme.countries:
        return suppliers.filter(country__in=programme.countries)
    return suppliers


def _countries(codes: list[str]) -> list[CountryChoice]:
    """The countries of ``codes``, named in the active language (the language's name table,
    built once per process: drive/core/i18n.py) and sorted by that name."""
    names = country_names()
    return sorted(
        (CountryChoice(code, names.get(code, code)) for code in codes if code),
        key=lambda c: c.name,
    )


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if can_view_own_enrolments(user):
        return redirect("programmes:mine")
    if not can_view_programmes(user):
        return forbidden(request, _("Programmes are run by buyer organisations."))
    page_obj = Paginator(selectors.programmes_for(user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page_obj": page_obj,
        "programmes": page_obj.object_list,
        "querystring_without_page": querystring_without(request.GET, "page"),
        "can_manage": can_manage_programmes(user),
    }
    return render(request, "programmes/programme_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_manage_programmes(user):
        return _manager_only(request)
    form = ProgrammeForm(_posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                buyer=user.organisation, data=form.service_data(), by=user
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Programme created. Enrol suppliers, then open it."))
            return redirect("programmes:detail", pk=programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": None})


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme_or_404(request.user, pk)
    if not can_manage_programmes(request.user, programme):
        return _manager_only(request)
    form = ProgrammeForm(_posted(request), instance=programme, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(
                programme=programme, data=form.service_data(), by=request.user
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Programme saved."))
            return redirect("programmes:detail", pk=programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme})


@login_required
@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    programme = _programme_or_404(user, pk)
    if not can_view_programmes(user):
        return forbidden(request, _("The cohort is visible to the buyer's staff only."))
    params = request.GET
    # Keyset pages (drive/core/keyset.py): a late page costs what the first costs. The
    # funnel's counts (one aggregate over the (programme, stage) index) give the total when
    # nothing is filtered; a filtered total is counted up to a bound.
    funnel = selectors.stage_counts(programme)
    cohort_size = sum(s.count for s in funnel)
    filtering = any(params.get(key) for key in COHORT_FILTERS)
    filter_form = None
    page, total, total_exact = KeysetPage(rows=[]), 0, True
    try:
        rows = selectors.cohort_table(selectors.cohort(programme, params))
    except InvalidFilter as error:
        # Say what is wrong and list nothing, rather than a list that looks filtered.
        filter_form = error.form
    else:
        page = selectors.cohort_page(
            rows,
            selectors.cohort_order(params),
            after=params.get("after"),
            before=params.get("before"),
            size=PAGE_SIZE,
        )
        total, total_exact = bounded_count(rows) if filtering else (cohort_size, True)
    context = {
        "programme": programme,
        "filter_form": filter_form,
        "page": page,
        "total": total,
        "total_exact": total_exact,
        "enrolments": selectors.with_progress(page.rows),
        "funnel": funnel,
        "cohort_size": cohort_size,
        "awaiting": selectors.deadline_for_awaiting(programme),
        "filtering": filtering,
        "params": {key: params.get(key, "") for key in (*COHORT_FILTERS, "sort")},
        "stage_choices": Stage.choices,
        "deadline_choices": selectors.DEADLINE_CHOICES,
        "size_choices": [*SizeClass.choices, ("unknown", _("Unknown"))],
        "countries": _countries(selectors.cohort_countries(programme)),
        "sort_choices": [
            ("name", _("Name A–Z")),
            ("-name", _("Name Z–A")),
            ("stage", _("Stage, earliest first")),
            ("-stage", _("Stage, furthest first")),
            ("progress", _("Least progress")),
            ("-progress", _("Most progress")),
            ("activity", _("Least recent activity")),
            ("-activity", _("Most recent activity")),
        ],
        "querystring_without_page": querystring_without(params, "page", "after", "before"),
        "can_manage": can_manage_programmes(user, programme),
        "reminder_form": ReminderForm(enrolment_ids=[]),
        "awaiting_stages": selectors.AWAITING,
        # The rows link to their enrolment: the URL reversed once (its pattern ends "<pk>/").
        "enrolment_url_prefix": reverse("programmes:enrolment", args=[0]).removesuffix("0/"),
    }
    return render(request, "programmes/programme_detail.html", context)


INVITE_LINKS = 5  # suppliers named with an invitation link in a message


def _move_programme(request: HttpRequest, pk: int, *, opening: bool) -> HttpResponse:
    programme = _programme_or_404(request.user, pk)
    if not can_manage_programmes(request.user, programme):
        return _manager_only(request)
    try:
        if opening:
            first_opening = programme.status == ProgrammeStatus.DRAFT
            services.programme_open(programme=programme, by=request.user)
            _tell_opened(request, programme, first_opening=first_opening)
        else:
            services.programme_close(programme=programme, by=request.user)
            messages.success(request, _("The programme is closed."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("programmes:detail", pk=programme.pk)


def _with_invitations(sentence: str, unreachable: tuple[int, ...]) -> str:
    """``sentence``, then (if any) how many suppliers have no account yet with a link to
    invite each (the first few) — one message, escaped, with safe links."""
    if not unreachable:
        return sentence
    shown = list(
        Supplier.objects.filter(pk__in=unreachable[:INVITE_LINKS]).order_by("legal_name", "pk")
    )
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        ((reverse("suppliers:invite_admin", args=[s.pk]), s.legal_name) for s in shown),
    )
    more = len(unreachable) - len(shown)
    missing = ngettext(
        "%(count)d supplier has no account yet, so nobody there could be told.",
        "%(count)d suppliers have no account yet, so nobody there could be told.",
        len(unreachable),
    ) % {"count": len(unreachable)}
    tail = (
        ngettext("and %(count)d more", "and %(count)d more", more) % {"count": more} if more else ""
    )
    return format_html(
        "{} {} {}: {}{}.",
        sentence,
        missing,
        _("Invite their first user"),
        links,
        format_html(" {}", tail) if tail else "",
    )


def _tell_opened(request: HttpRequest, programme: Programme, *, first_opening: bool) -> None:
    if not first_opening:
        messages.success(request, _("The programme is open again."))
        return
    reach = services.cohort_reach(programme)
    if not reach.enrolled:
        messages.success(request, _("The programme is open. No supplier is enrolled yet."))
        return
    if reach.reached:
        sentence = ngettext(
            "The programme is open: %(count)d enrolled supplier was told.",
            "The programme is open: %(count)d enrolled suppliers were told.",
            reach.reached,
        ) % {"count": reach.reached}
    else:
        sentence = _("The programme is open, but nobody was told yet.")
    level = messages.WARNING if reach.unreachable else messages.SUCCESS
    messages.add_message(request, level, _with_invitations(sentence, reach.unreachable))


@login_required
@require_POST
def programme_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _move_programme(request, pk, opening=True)


@login_required
@require_POST
def programme_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _move_programme(request, pk, opening=False)


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Pick suppliers from the registry: ticked ones, or all matching the filter."""
    user = request.user
    programme = _programme_or_404(user, pk)
    if not can_manage_programmes(user, programme):
        return _manager_only(request)
    if request.method == "POST":
        if request.POST.get("all_matching"):
            try:
                chosen = list(
                    _in_programme_countries(
                        supplier_search(user=user, params=request.POST), programme
                    )
                )
            except InvalidFilter as error:
                messages.error(request, error.message)
                kept = querystring_without(request.POST, "csrfmiddlewaretoken", "suppliers")
                return redirect(f"{request.path}?{kept}")
        else:
            ids = parse_ids(request.POST.getlist("suppliers"))
            chosen = list(
                _in_programme_countries(
                    Supplier.objects.visible_to(user).filter(pk__in=ids), programme
                )
            )
        if not chosen:
            messages.error(request, _("Select at least one supplier to enrol."))
            kept = querystring_without(
                request.POST, "csrfmiddlewaretoken", "suppliers", "all_matching"
            )
            return redirect(f"{request.path}?{kept}")
        try:
            created = services.enrolment_create_many(programme=programme, suppliers=chosen, by=user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("programmes:enrol", pk=programme.pk)
        already = len(chosen) - len(created)
        text = ngettext(
            "%(count)d supplier enrolled.", "%(count)d suppliers enrolled.", len(created)
        ) % {"count": len(created)}
        if already:
            text += " " + ngettext(
                "%(count)d was already in the cohort.",
                "%(count)d were already in the cohort.",
                already,
            ) % {"count": already}
        messages.success(request, text)
        return redirect("programmes:detail", pk=programme.pk)

    params = request.GET
    filter_form = None
    try:
        rows = _in_programme_countries(supplier_search(user=user, params=params), programme)
    except InvalidFilter as error:
        # Say what is wrong and list nothing, rather than a list that looks filtered.
        filter_form, rows = error.form, sorted_suppliers(Supplier.objects.none(), DEFAULT_SORT)
    # As on the registry page: a total exact up to a bound and estimated beyond, and keyset
    # pages, so a registry of a million suppliers is never counted or skipped through.
    searching = bool(params.get("q", "").strip())
    sort = params.get("sort") or DEFAULT_SORT
    page = keyset_page(
        rows,
        SORTS[sort if sort in SORTS else DEFAULT_SORT],
        after=params.get("after"),
        before=params.get("before"),
        size=PAGE_SIZE,
        search=searching,
    )
    context = {
        "programme": programme,
        "filter_form": filter_form,
        "page": page,
        "total": total_of(rows, search=searching),
        "suppliers": page.rows,
        "enrolled": selectors.enrolled_supplier_ids(programme),
        "params": {key: params.get(key, "") for key in REGISTRY_FILTERS},
        "filtering": any(params.get(key) for key in REGISTRY_FILTERS),
        "countries": _countries(
            [c for c in registry_countries(user) if c in programme.countries]
            if programme.countries
            else registry_countries(user)
        ),
        "programme_countries": _countries(programme.countries or []),
        "sectors": registry_sectors(user),
        "size_choices": [*SizeClass.choices, ("sme", _("SME (micro, small or medium)"))],
        "querystring_without_page": querystring_without(params, "after", "before"),
        "closed": programme.status == ProgrammeStatus.CLOSED,
    }
    return render(request, "programmes/enrol.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def invite_company(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    programme = _programme_or_404(user, pk)
    if not can_manage_programmes(user, programme):
        return _manager_only(request)
    form = InviteCompanyForm(_posted(request), initial={"language": user.language or "en"})
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrolment_invite_new_company(
                programme=programme, by=user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(getattr(error, "field", None), error.message)
        else:
            messages.success(
                request,
                _("%(name)s was added to your registry, invited and enrolled.")
                % {"name": enrolment.supplier.legal_name},
            )
            return redirect("programmes:detail", pk=programme.pk)
    return render(request, "programmes/invite_company.html", {"form": form, "programme": programme})


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    programme = _programme_or_404(user, pk)
    if not can_manage_programmes(user, programme):
        return _manager_only(request)
    ids = list(programme.enrolments.values_list("pk", flat=True))
    form = ReminderForm(request.POST, enrolment_ids=ids)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("programmes:detail", pk=programme.pk)
    result = services.reminder_send(
        programme=programme,
        enrolments=form.cleaned_data["enrolments"],
        by=user,
        message=form.cleaned_data["message"],
    )
    if result.reminded:
        # Said once and truthfully: who was reached, and who could not be (with links).
        level = messages.SUCCESS if not result.without_users else messages.WARNING
        if result.reached:
            reached = ngettext(
                "Reminder sent to %(count)d supplier.",
                "Reminder sent to %(count)d suppliers.",
                result.reached,
            ) % {"count": result.reached}
        else:
            reached = _("Nobody was reminded.")
        messages.add_message(request, level, _with_invitations(reached, result.unreachable))
    if result.skipped:
        messages.info(
            request,
            ngettext(
                "%(count)d selected supplier was not reminded: it has submitted, was withdrawn "
                "or was reminded a moment ago.",
                "%(count)d selected suppliers were not reminded: they have submitted, were "
                "withdrawn or were reminded a moment ago.",
                result.skipped,
            )
            % {"count": result.skipped},
        )
    return redirect("programmes:detail", pk=programme.pk)


@login_required
@require_GET
def enrolment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    enrolment = _enrolment_or_404(user, pk)
    if not can_view_programmes(user):
        return forbidden(request, _("This page is for the buyer's staff."))
    context = {
        "enrolment": enrolment,
        "programme": enrolment.programme,
        "supplier": enrolment.supplier,
        "assessment": getattr(enrolment, "assessment", None),
        "can_withdraw": can_manage_programmes(user, enrolment.programme)
        and enrolment.stage != Stage.WITHDRAWN,
    }
    return render(request, "programmes/enrolment_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    enrolment = _enrolment_or_404(user, pk)
    if not can_manage_programmes(user, enrolment.programme):
        return _manager_only(request)
    form = NoteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_withdraw(
                enrolment=enrolment, by=user, note=form.cleaned_data["note"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(name)s was withdrawn from the programme.")
                % {"name": enrolment.supplier.legal_name},
            )
            return redirect("programmes:enrolment", pk=enrolment.pk)
    return render(request, "programmes/withdraw.html", {"form": form, "enrolment": enrolment})


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """A supplier's programmes: one row per enrolment, linking to its self-assessment."""
    user = request.user
    if not can_view_own_enrolments(user):
        if can_view_programmes(user):
            return redirect("programmes:list")
        return forbidden(request, _("This page lists a supplier's programmes."))
    page_obj = Paginator(selectors.supplier_enrolments(user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page_obj": page_obj,
        "enrolments": page_obj.object_list,
        "querystring_without_page": querystring_without(request.GET, "page"),
        "awaiting_stages": selectors.AWAITING,
    }
    return render(request, "programmes/mine.html", context)
