"""Pages of the supplier registry. Thin: scope with visible_to, check a predicate, call a
selector or a service, render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.functions import Lower
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from drive.accounts.models import Invitation
from drive.core.errors import DomainError
from drive.core.filters import InvalidFilter
from drive.core.http import forbidden, querystring_without
from drive.core.i18n import country_names
from drive.core.keyset import KeysetPage, keyset_page, window_page
from drive.suppliers import selectors, services
from drive.suppliers.filters import (
    DEFAULT_SORT,
    SIZE_CHOICES,
    SORTS,
    SupplierFilter,
    sorted_suppliers,
)
from drive.suppliers.forms import (
    AgreementForm,
    CertificationForm,
    ContactForm,
    InviteSupplierForm,
    OwnProfileForm,
    SupplierForm,
)
from drive.suppliers.models import (
    Certification,
    Contact,
    LongTermAgreement,
    SizeClass,
    Supplier,
)
from drive.suppliers.permissions import (
    can_create_supplier,
    can_edit_identifiers,
    can_edit_supplier,
    can_invite_supplier,
    can_view_registry,
)
from drive.suppliers.registry_cache import remembered
from drive.suppliers.selectors import (
    RECENT,
    Total,
    registry_buyer,
    registry_country_choices,
    registry_sectors,
    sampled_total,
    sector_codes_of,
    sectors_by_code,
    supplier_search,
    total_of,
    unsearched_total,
    visible_suppliers,
    with_list_columns,
)
from drive.suppliers.sizing import size_class_hint

PAGE_SIZE = 25
FILTER_KEYS = tuple(name for name in SupplierFilter.base_filters if name != "sort")
# Columns whose header sorts the list: key → (ascending sort, descending sort).
SORTABLE = {
    "name": ("name", "-name"),
    "country": ("country", "-country"),
    "size": ("size", "-size"),
    "employees": ("employees", "-employees"),
}


def _supplier_or_404(user: Any, pk: int) -> Supplier:
    try:
        return visible_suppliers(user).select_related("buyer", "organisation").get(pk=pk)
    except Supplier.DoesNotExist:
        raise Http404(_("No such supplier.")) from None


def _sort_headers(params: QueryDict, current: str) -> dict[str, dict[str, str]]:
    base = querystring_without(params, "sort", "page")
    headers = {}
    for key, (ascending, descending) in SORTABLE.items():
        if current == ascending:
            state, target = "ascending", descending
        elif current == descending:
            state, target = "descending", ascending
        else:
            state, target = "none", ascending
        headers[key] = {"url": f"?{base}sort={target}", "aria_sort": state}
    return headers


SORT_CHOICES = {
    "name": gettext_lazy("Name A–Z"),
    "-name": gettext_lazy("Name Z–A"),
    "country": gettext_lazy("Country"),
    "size": gettext_lazy("Size class"),
    "employees": gettext_lazy("Fewest employees"),
    "-employees": gettext_lazy("Most employees"),
    "-updated": gettext_lazy("Recently updated"),
    "updated": gettext_lazy("Least recently updated"),
}


def _window(columns, ordering: str, unsearched, after, before) -> KeysetPage | None:
    return window_page(
        columns,
        SORTS[ordering],
        unfiltered=unsearched,
        after=after,
        before=before,
        size=PAGE_SIZE,
        window=selectors.WALK_WINDOW,
    )


@login_required
@require_GET
def supplier_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    organisation = user.organisation
    if organisation is not None and organisation.is_supplier:
        own = list(
            visible_suppliers(user).select_related("buyer").order_by(Lower("legal_name"), "id")
        )
        if len(own) == 1:
            return redirect("suppliers:detail", pk=own[0].pk)
        return render(request, "suppliers/own_profiles.html", {"suppliers": own})
    if not can_view_registry(user):
        return forbidden(request, _("The supplier registry is open to buyer organisations only."))

    params = request.GET
    sort = params.get("sort") or DEFAULT_SORT
    ordering = sort if sort in SORTS else DEFAULT_SORT
    filter_form = None
    try:
        rows = supplier_search(user=user, params=params)
    except InvalidFilter as error:
        # Say what is wrong and list nothing, rather than a list that looks filtered.
        filter_form, rows = error.form, sorted_suppliers(Supplier.objects.none(), ordering)
    # The total first: exact up to a bound, estimated beyond, never a count of the whole
    # registry (drive/suppliers/README.md, "At a million suppliers").
    searching = bool(params.get("q", "").strip())
    after, before = params.get("after"), params.get("before")
    columns = with_list_columns(rows)
    total: Total | None = None
    page: KeysetPage | None = None
    refused_sort: str | None = None
    if searching and filter_form is None:
        without_words = params.copy()
        without_words.pop("q")
        unsearched = supplier_search(user=user, params=without_words)
        # A search of a large registry: sampled first; a common word's total is estimated.
        total = sampled_total(rows, unsearched=unsearched)
        if total is None:
            total = total_of(rows, search=True)
        if not total.exact:
            # Many matches: a page is usually among the next rows of the list in its order.
            page = _window(columns, ordering, unsearched, after, before)
            if page is None and total.about and not (after or before) and ordering != RECENT:
                # The matches sit together far down this order (a word most of them start
                # with, in name order): sorting them all costs what their number costs. The
                # most recently updated come first instead, and the page says so.
                page = _window(columns, RECENT, unsearched, None, None)
                if page is not None:
                    refused_sort, sort, ordering = ordering, RECENT, RECENT
                    params = params.copy()
                    params["sort"] = RECENT
    if total is None and searching:
        total = total_of(rows, search=searching)
    elif total is None:
        # Without a search, kept across requests until the registry changes (registry_cache.py).
        total = unsearched_total(user, params, rows)
    if page is None:
        # Keyset pages (drive/core/keyset.py): page 20,000 costs what page 1 costs.
        page = keyset_page(
            columns, SORTS[ordering], after=after, before=before, size=PAGE_SIZE, search=searching
        )
    filtering = filter_form is not None or any(params.get(key) for key in FILTER_KEYS)
    # Each row's country named from the language's name table (built once per language and
    # process: drive/core/i18n.py), not through django-countries' per-name look-ups.
    # The same for the size class (get_size_class_display rebuilds its table on every call).
    # The rows' sectors from their codes (read in the rows' query) and the filter's sectors.
    names, sizes = country_names(), {value: str(label) for value, label in SizeClass.choices}
    sectors = registry_sectors(user)
    codes = {supplier.pk: sector_codes_of(supplier) for supplier in page.rows}
    titles = {
        code: sector.title
        for code, sector in sectors_by_code(
            {c for row in codes.values() for c in row}, sectors
        ).items()
    }
    for supplier in page.rows:
        supplier.country_name = names.get(supplier.country.code, supplier.country.code)
        supplier.size_label = sizes.get(supplier.size_class, supplier.size_class)
        supplier.sector_list = [(code, titles[code]) for code in codes[supplier.pk]]
    context = {
        "filter_form": filter_form,
        "page": page,
        "suppliers": page.rows,
        "total": total,
        "filtering": filtering,
        "registry_empty": not page.rows
        and page.first
        and not (filtering and visible_suppliers(user).exists()),
        "params": {key: params.get(key, "") for key in (*FILTER_KEYS, "sort")},
        "sort": sort,
        "headers": _sort_headers(params, sort),
        "countries": registry_country_choices(user),
        "sectors": sectors,
        "refused_sort": SORT_CHOICES.get(refused_sort) if refused_sort else None,
        "querystring_without_page": querystring_without(params, "page", "after", "before"),
        "export_querystring": querystring_without(params, "page", "after", "before", "format"),
        "can_create": can_create_supplier(user),
        # The rows link to their profile: the URL reversed once (its pattern ends "<pk>/").
        "supplier_url_prefix": reverse("suppliers:detail", args=[0]).removesuffix("0/"),
    }
    context["filter_fields"] = _filter_fields(user, context)
    return render(request, "suppliers/supplier_list.html", context)


def _filter_fields(user: Any, context: dict[str, Any]) -> str:
    """The filter form's fields but the search box, as HTML: their options are the
    registry's countries and sectors, so the same for every view of a registry in one
    language with the same filter values. Kept under the registry's generation
    (registry_cache), keyed by the buyer, the language and every value the fields show."""

    def render_fields() -> str:
        sectors = context["sectors"]
        return render_to_string(
            "suppliers/_list_filters.html",
            {
                **context,
                "sector_choices": [(s.code, f"{s.code} · {s.title}") for s in sectors],
                "size_choices": SIZE_CHOICES,
                "sort_choices": list(SORT_CHOICES.items()),
            },
        )

    buyer = registry_buyer(user)
    if buyer is None or context["filter_form"] is not None:
        return render_fields()
    params = context["params"]
    shown = tuple(params[key] for key in FILTER_KEYS if key != "q")
    key = (buyer.pk, get_language(), shown, context["sort"], context["filtering"])
    return mark_safe(remembered("filter_fields", key, render_fields))  # noqa: S308 - a template's output


@login_required
@require_GET
def supplier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = _supplier_or_404(request.user, pk)
    context = {
        "supplier": supplier,
        "sectors": supplier.sectors.order_by("code"),
        "agreements": supplier.agreements.all(),
        "certifications": supplier.certifications.all(),
        "contacts": supplier.contacts.all(),
        "size_hint": size_class_hint(),
        "can_edit": can_edit_supplier(request.user, supplier),
        "can_invite": can_invite_supplier(request.user, supplier),
    }
    return render(request, "suppliers/supplier_detail.html", context)


def _save_profile(request: HttpRequest, form: SupplierForm, save: Callable[[], Supplier]):
    """Run a profile service; domain errors become form errors. Returns the supplier or None."""
    try:
        return save()
    except services.SupplierConflict as error:
        # The supplier's own form has no identifier fields: the message goes on top.
        form.add_error(error.field if error.field in form.fields else None, error.message)
    except DomainError as error:
        form.add_error(None, error.message)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def supplier_create(request: HttpRequest) -> HttpResponse:
    if not can_create_supplier(request.user):
        return forbidden(
            request, _("Only programme managers and organisation admins add suppliers.")
        )
    form = SupplierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        supplier = _save_profile(
            request,
            form,
            lambda: services.supplier_create(
                buyer=request.user.organisation, data=form.cleaned_data, by=request.user
            ),
        )
        if supplier is not None:
            messages.success(
                request, _("%(name)s was added to the registry.") % {"name": supplier.legal_name}
            )
            return redirect("suppliers:detail", pk=supplier.pk)
    return render(
        request,
        "suppliers/supplier_form.html",
        {"form": form, "supplier": None, "size_hint": size_class_hint()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def supplier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = _supplier_or_404(request.user, pk)
    if not can_edit_supplier(request.user, supplier):
        return forbidden(request, _("You may read this profile but not change it."))
    identifiers_editable = can_edit_identifiers(request.user, supplier)
    form_class = SupplierForm if identifiers_editable else OwnProfileForm
    form = form_class(request.POST or None, instance=supplier)
    if request.method == "POST" and form.is_valid():
        saved = _save_profile(
            request,
            form,
            lambda: services.supplier_update(
                supplier=supplier, data=form.cleaned_data, by=request.user
            ),
        )
        if saved is not None:
            messages.success(request, _("The profile was saved."))
            return redirect("suppliers:detail", pk=supplier.pk)
    return render(
        request,
        "suppliers/supplier_form.html",
        {
            "form": form,
            "supplier": supplier,
            "size_hint": size_class_hint(),
            "identifiers_editable": identifiers_editable,
        },
    )


# --- Agreements, certifications and contacts: one set of views, three kinds -----------


@dataclass(frozen=True)
class ItemKind:
    model: type[models.Model]
    form: type[ModelForm]
    title_add: Promise
    title_edit: Promise
    title_delete: Promise
    saved: Promise
    deleted: Promise


ITEM_KINDS: dict[str, ItemKind] = {
    "agreement": ItemKind(
        model=LongTermAgreement,
        form=AgreementForm,
        title_add=gettext_lazy("Add a long-term agreement"),
        title_edit=gettext_lazy("Change a long-term agreement"),
        title_delete=gettext_lazy("Delete this long-term agreement?"),
        saved=gettext_lazy("The long-term agreement was saved."),
        deleted=gettext_lazy("The long-term agreement was deleted."),
    ),
    "certification": ItemKind(
        model=Certification,
        form=CertificationForm,
        title_add=gettext_lazy("Add a certification"),
        title_edit=gettext_lazy("Change a certification"),
        title_delete=gettext_lazy("Delete this certification?"),
        saved=gettext_lazy("The certification was saved."),
        deleted=gettext_lazy("The certification was deleted."),
    ),
    "contact": ItemKind(
        model=Contact,
        form=ContactForm,
        title_add=gettext_lazy("Add a contact"),
        title_edit=gettext_lazy("Change a contact"),
        title_delete=gettext_lazy("Delete this contact?"),
        saved=gettext_lazy("The contact was saved."),
        deleted=gettext_lazy("The contact was deleted."),
    ),
}


def _editable_supplier(request: HttpRequest, pk: int) -> Supplier | HttpResponse:
    supplier = _supplier_or_404(request.user, pk)
    if not can_edit_supplier(request.user, supplier):
        return forbidden(request, _("You may read this profile but not change it."))
    return supplier


@login_required
@require_http_methods(["GET", "POST"])
def item_save(request: HttpRequest, pk: int, kind: str, item_pk: int | None = None) -> HttpResponse:
    """Add (no ``item_pk``) or change an agreement, certification or contact."""
    spec = ITEM_KINDS[kind]
    supplier = _editable_supplier(request, pk)
    if isinstance(supplier, HttpResponse):
        return supplier
    item = None
    if item_pk is not None:
        item = get_object_or_404(spec.model, pk=item_pk, supplier=supplier)
    form = spec.form(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.supplier_item_save(
                kind=kind, supplier=supplier, data=form.cleaned_data, by=request.user, item=item
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, str(spec.saved))
            return redirect("suppliers:detail", pk=supplier.pk)
    title = spec.title_edit if item else spec.title_add
    return render(
        request,
        "suppliers/item_form.html",
        {"form": form, "supplier": supplier, "item": item, "title": title},
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_delete(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    """Ask, then delete an agreement, certification or contact."""
    spec = ITEM_KINDS[kind]
    supplier = _editable_supplier(request, pk)
    if isinstance(supplier, HttpResponse):
        return supplier
    item = get_object_or_404(spec.model, pk=item_pk, supplier=supplier)
    if request.method == "POST":
        services.supplier_item_delete(kind=kind, item=item, by=request.user)
        messages.success(request, str(spec.deleted))
        return redirect("suppliers:detail", pk=supplier.pk)
    return render(
        request,
        "suppliers/item_confirm_delete.html",
        {"supplier": supplier, "item": item, "title": spec.title_delete},
    )


@login_required
@require_http_methods(["GET", "POST"])
def supplier_invite_admin_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite the supplier company's first (or another) administrator."""
    supplier = get_object_or_404(Supplier.objects.visible_to(request.user), pk=pk)
    if not can_invite_supplier(request.user, supplier):
        raise PermissionDenied
    default_language = "zh-hans" if supplier.country == "CN" else request.LANGUAGE_CODE
    form = InviteSupplierForm(request.POST or None, initial={"language": default_language})
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.supplier_invite_admin(
                supplier=supplier,
                email=form.cleaned_data["email"],
                by=request.user,
                language=form.cleaned_data["language"],
            )
        except DomainError as error:
            form.add_error("email", error.message)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s. The link is valid for %(days)s days.")
                % {"email": invitation.email, "days": settings.INVITATION_VALID_DAYS},
            )
            return redirect("suppliers:detail", pk=supplier.pk)
    organisation = supplier.organisation
    context = {
        "supplier": supplier,
        "form": form,
        "has_account": organisation is not None
        and organisation.members.filter(is_active=True).exists(),
        "pending_invitation": organisation
        and Invitation.objects.pending().filter(organisation=organisation).first(),
    }
    return render(request, "suppliers/invite_admin.html", context)
