"""Risk pages. Thin: scope with visible_to (another organisation's object is 404), check
a predicate (wrong role is 403), call the engine, a selector or a service, render."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from drive.core.errors import DomainError
from drive.core.filters import InvalidFilter
from drive.core.http import forbidden, querystring_without
from drive.core.keyset import KeysetPage, bounded_count, keyset_page
from drive.core.params import parse_id
from drive.programmes.models import Programme
from drive.risk import selectors, services
from drive.risk.config import BANDS, TIER_LABELS, TIERS
from drive.risk.filters import INHERENT_CHOICES, RESIDUAL_CHOICES, RiskTableFilter
from drive.risk.forms import OverrideForm
from drive.risk.models import RiskModel, RiskOverride
from drive.risk.permissions import (
    can_override_risk,
    can_view_risk_dashboard,
    can_view_risk_models,
    can_view_supplier_risk,
)
from drive.risk.reference import INDICES
from drive.risk.selectors import programme_risk_overview, residual_for
from drive.scoring.bands import BAND_LABELS
from drive.suppliers.models import Supplier

PAGE_SIZE = 25


def _programme_or_404(user: Any, pk: int) -> Programme:
    try:
        return Programme.objects.visible_to(user).select_related("buyer").get(pk=pk)
    except Programme.DoesNotExist:
        raise Http404(_("No such programme.")) from None


@login_required
@require_GET
def supplier_risk(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        supplier = Supplier.objects.visible_to(request.user).select_related("buyer").get(pk=pk)
    except Supplier.DoesNotExist:
        raise Http404(_("No such supplier.")) from None
    if not can_view_supplier_risk(request.user, supplier):
        raise Http404(_("No such supplier."))
    # Optionally with the overrides of one of the supplier's programmes (a malformed
    # programme id in the address is 404; another programme's id shows none).
    programme = None
    programmes = Programme.objects.visible_to(request.user).filter(enrolments__supplier=supplier)
    raw = request.GET.get("programme", "")
    if raw.strip():
        programme_id = parse_id(raw)
        if programme_id is None:
            raise Http404(_("No such programme."))
        programme = programmes.filter(pk=programme_id).first()
    try:
        residual = residual_for(supplier=supplier, programme=programme)
    except DomainError as error:
        return render(
            request,
            "risk/supplier.html",
            {"supplier": supplier, "error": error.message},
            status=200,
        )
    return render(
        request,
        "risk/supplier.html",
        {
            "supplier": supplier,
            "result": residual.inherent,
            "residual": residual,
            "programme": programme,
            "programmes": programmes.order_by("name").distinct(),
        },
    )


def _readable(config: dict[str, Any]) -> dict[str, Any]:
    indices = []
    for code, spec in config["indices"].items():
        rule = spec["normalise"]
        indices.append(
            {
                "code": code,
                "name": INDICES[code].name if code in INDICES else code,
                "weight": spec["weight"],
                "year": spec["year"],
                "method": rule["method"],
                "rule": rule,
            }
        )
    matrix = [
        (
            str(TIER_LABELS[tier]),
            [str(TIER_LABELS[config["residual_matrix"][tier][band]]) for band in BANDS],
        )
        for tier in TIERS
    ]
    return {
        "indices": indices,
        "components": config["components"],
        "dol_floor": config["sector"]["dol_floor"],
        "tiers": config["tiers"],
        "matrix": matrix,
        "red_flag_minimum": str(TIER_LABELS[config["red_flag_minimum"]]),
        "json": json.dumps(config, indent=2, sort_keys=True),
    }


@login_required
@require_GET
def model_list(request: HttpRequest) -> HttpResponse:
    if not can_view_risk_models(request.user):
        return forbidden(request, _("The risk method is shown to buyer organisations' staff."))
    models = list(RiskModel.objects.select_related("created_by"))
    return render(
        request,
        "risk/models.html",
        {
            "models": [(model, _readable(model.config)) for model in models],
            "bands": [str(BAND_LABELS[band]) for band in BANDS],
        },
    )


# The dashboard's three tables, each paged by keyset on its own parameters (``after`` and
# ``before`` with the prefix), so that moving through one keeps the others where they are.
TABLES = (("rows", ""), ("flagged", "flags_"), ("dol", "dol_"))


def _heat_map(overview: selectors.Overview) -> str:
    """The heat map's HTML (``risk/_heat_map.html``), rendered once per distinct content and
    language and kept in this process's cache: the key is a digest of everything the
    fragment shows, so a hit is the very HTML a rendering would give (hundreds of cells
    cost ~15 ms of template rendering on every view otherwise)."""
    shown = [
        get_language(),
        overview.heat_columns,
        [
            (code, name, [(c.count, str(c.max_score), c.tier) for c in cells])
            for code, name, cells in overview.heat_rows
        ],
    ]
    digest = hashlib.sha256(json.dumps(shown, default=str).encode()).hexdigest()
    key = f"risk.heat_map.{digest}"
    local = caches["local"]
    html = local.get(key)
    if html is None:
        html = render_to_string("risk/_heat_map.html", {"overview": overview})
        local.set(key, html, timeout=HEAT_MAP_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, escaped there


HEAT_MAP_SECONDS = 3600


@login_required
@require_GET
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme_or_404(request.user, pk)
    if not can_view_risk_dashboard(request.user, programme):
        return forbidden(request, _("The risk dashboard is for the programme's buyer."))
    try:
        overview = programme_risk_overview(programme=programme)
    except DomainError as error:
        return render(
            request, "risk/dashboard.html", {"programme": programme, "error": error.message}
        )
    # Counts and heat map cover the whole cohort (aggregates); the tables show it
    # PAGE_SIZE rows at a time, each row computed when it is shown. The supplier table is
    # filtered as the API's risk/suppliers/ is (filters.RiskTableFilter).
    params = request.GET
    filtering = any(params.get(name) for name in RiskTableFilter.base_filters)
    filter_form = None
    table, total, total_exact = (
        selectors.dashboard_enrolments(programme),
        overview.cohort_size,
        True,
    )
    if filtering:
        try:
            table = selectors.risk_table_enrolments(programme, overview, params)
        except InvalidFilter as error:
            # Say what is wrong and list nothing, rather than a list that looks filtered.
            filter_form, table, total = error.form, table.none(), 0
        else:
            total, total_exact = bounded_count(table)
    sources = {
        "rows": (total, table),
        "flagged": (overview.flagged_count, selectors.flagged_enrolments(programme, overview)),
        "dol": (overview.dol_count, selectors.dol_enrolments(programme, overview)),
    }
    context: dict[str, Any] = {
        "programme": programme,
        "overview": overview,
        "can_override": can_override_risk(request.user, programme),
        "heat_map": _heat_map(overview) if overview.cohort_size else "",
        "params": params,
        "filtering": filtering,
        "filter_form": filter_form,
        "rows_total": total,
        "rows_total_exact": total_exact,
        "sector_columns": [(code, title) for code, title in overview.heat_columns if code],
        "tier_choices": INHERENT_CHOICES,
        "residual_choices": RESIDUAL_CHOICES,
    }
    for name, prefix in TABLES:
        total, enrolments = sources[name]
        page = (
            keyset_page(
                enrolments,
                selectors.DASHBOARD_ORDER,
                after=request.GET.get(f"{prefix}after"),
                before=request.GET.get(f"{prefix}before"),
                size=PAGE_SIZE,
            )
            if total
            else KeysetPage(rows=[])
        )
        context[f"{name}_page"] = page
        context[f"{name}_querystring"] = querystring_without(
            request.GET, f"{prefix}after", f"{prefix}before"
        )
    # The rows of the three pages are computed together (one set of queries).
    shown = {e.supplier_id: e for name, _p in TABLES for e in context[f"{name}_page"].rows}
    rows = {
        row.supplier.pk: row for row in selectors.risk_rows(programme, shown.values(), overview)
    }
    for name, _prefix in TABLES:
        context[name] = [rows[e.supplier_id] for e in context[f"{name}_page"].rows]
    return render(request, "risk/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def overrides(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme_or_404(request.user, pk)
    if not can_view_risk_dashboard(request.user, programme):
        return forbidden(request, _("Risk overrides are for the programme's buyer."))
    can_add = can_override_risk(request.user, programme)
    form = OverrideForm(request.POST or None)
    if request.method == "POST":
        if not can_add:
            return forbidden(
                request, _("Only programme managers and organisation admins add overrides.")
            )
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.risk_override_add(
                    programme=programme,
                    kind=data["kind"],
                    target=data["target"],
                    weight=data.get("weight"),
                    country=data.get("country") or "",
                    value=data.get("value"),
                    reason=data["reason"],
                    by=request.user,
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The override is recorded and applied."))
                return redirect("risk:overrides", pk=programme.pk)
    recorded = (
        RiskOverride.objects.filter(programme=programme)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )
    page = Paginator(recorded, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "risk/overrides.html",
        {
            "programme": programme,
            "form": form,
            "can_add": can_add,
            "overrides": page.object_list,
            "page_obj": page,
            "querystring_without_page": querystring_without(request.GET, "page"),
            "index_names": {code: spec.name for code, spec in INDICES.items()},
        },
    )
