"""How django-axes names the account behind a sign-in attempt."""

from __future__ import annotations

from django.http import HttpRequest


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The email address typed in the sign-in form, lower-cased.

    Django's sign-in form calls its field ``username`` even though accounts sign in by
    email, so axes's default (the model's USERNAME_FIELD, ``email``) would find nothing
    and count every attempt as anonymous. Lower-casing makes ``Alice@…`` and ``alice@…``
    share one failure count, as they share one account.
    """
    if credentials and credentials.get("username"):
        username = credentials["username"]
    else:
        username = request.POST.get("username", "") if request is not None else ""
    return str(username).strip().lower() or None
