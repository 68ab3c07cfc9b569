"""Pages that gather several domains (docs/architecture.md: the top layer below the API)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from drive.pages.selectors import buyer_home, inspection_body_home, supplier_home


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The role's home page: what to do next, one template per kind of organisation."""
    user = request.user
    organisation = getattr(user, "organisation", None)
    if organisation is None:
        return render(request, "pages/home.html")
    if organisation.is_buyer:
        return render(request, "pages/home_buyer.html", {"home": buyer_home(user)})
    if organisation.is_supplier:
        return render(request, "pages/home_supplier.html", {"home": supplier_home(user)})
    if organisation.is_inspection_body:
        inspections = inspection_body_home(user)
        return render(request, "pages/home_inspection_body.html", {"inspections": inspections})
    return render(request, "pages/home.html")
