"""Pages that gather several domains (docs/architecture.md: the top layer below the API)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from drive.suppliers.selectors import dashboard_counts


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The role's home page: the buyer's registry figures, the supplier's and the inspection
    body's next steps."""
    return render(request, "pages/home.html", {"counts": dashboard_counts(request.user)})
