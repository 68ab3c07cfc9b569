"""Inviting the first users of many registry suppliers at once (issue 10): from the
registry list, for the selected suppliers or every supplier matching the list's filters."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from drive.core.filters import InvalidFilter
from drive.core.http import querystring_without
from drive.core.params import parse_id
from drive.suppliers import services
from drive.suppliers.permissions import can_invite_suppliers
from drive.suppliers.selectors import supplier_search


@login_required
@require_http_methods(["GET", "POST"])
def invite_many(request: HttpRequest) -> HttpResponse:
    """GET: the suppliers matching the list's filters, who can be invited and why not.
    POST ``scope=selected`` (``supplier`` ids) or ``scope=all``: invite them and report."""
    if not can_invite_suppliers(request.user):
        raise PermissionDenied
    try:
        suppliers = supplier_search(user=request.user, params=request.GET)
    except InvalidFilter:
        return redirect(f"{reverse('suppliers:list')}?{request.GET.urlencode()}")
    report = None
    if request.method == "POST":
        if request.POST.get("scope") != "all":
            ids = [parse_id(v) for v in request.POST.getlist("supplier")]
            suppliers = suppliers.filter(pk__in=[i for i in ids if i is not None])
        report = services.supplier_invite_many(suppliers=suppliers, by=request.user)
    candidates = services.bulk_invite_candidates(suppliers) if report is None else []
    reasons = services.SKIP_REASONS
    return render(
        request,
        "suppliers/invite_many.html",
        {
            "report": report,
            "skipped": [
                (str(reasons[reason]), names)
                for reason, names in (report.skipped_by_reason().items() if report else [])
            ],
            "invitable": [(s, e) for s, e, reason in candidates if not reason],
            "not_invitable": [(s, str(reasons[reason])) for s, _e, reason in candidates if reason],
            "querystring": querystring_without(request.GET, "page"),
        },
    )
