"""Small response helpers shared by every app's views."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render


def forbidden(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    """The "You cannot do this" page with ``message`` saying why (wrong role; another
    organisation's object is a 404, never this page)."""
    return render(request, "core/forbidden.html", {"message": message}, status=status)


def querystring_without(params: QueryDict, *keys: str) -> str:
    """``params`` (``request.GET`` or ``request.POST``) encoded without ``keys``, ending in
    "&" when not empty so a link can append one more key (``?{{ qs }}page=2``)."""
    kept = params.copy()
    for key in keys:
        kept.pop(key, None)
    encoded = kept.urlencode()
    return f"{encoded}&" if encoded else ""
