"""Sign-in protection on top of django-axes: who an attempt is from, and how long it waits.

django-axes records every failed sign-in in the database (``AccessAttempt``, one row per
email address, client address and browser), so every web worker process and server sees
the same counts. DRiVE does not lock an account outright: after ``AXES_FAILURE_LIMIT``
wrong passwords for one account **from one client address**, that client must wait before
its next try, a wait that doubles with every further wrong password (from
``SIGN_IN_DELAY_SECONDS`` up to ``AXES_COOLOFF_MINUTES``). The account's owner signing in
from another address is not slowed down by someone else's guesses. Failures are forgotten
after ``SIGN_IN_FAILURE_MEMORY_HOURS`` without a failure, after a successful sign-in from
that address, and when the password is reset.
"""

from __future__ import annotations

from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


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


def delay_after(failures: int) -> timedelta:
    """How long a client waits after ``failures`` wrong passwords in a row (0 below the
    limit): ``SIGN_IN_DELAY_SECONDS`` at the limit, doubling with each further failure,
    never more than ``AXES_COOLOFF_MINUTES``."""
    over = failures - settings.AXES_FAILURE_LIMIT
    if over < 0:
        return timedelta(0)
    longest = settings.AXES_COOLOFF_MINUTES * 60
    return timedelta(seconds=min(settings.SIGN_IN_DELAY_SECONDS * 2 ** min(over, 20), longest))


def remaining_wait(request: HttpRequest, username: str | None) -> timedelta:
    """How long this client must still wait before trying ``username`` again (0: now)."""
    if not username:
        return timedelta(0)
    ip_address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    counts = AccessAttempt.objects.filter(
        username=username, ip_address=ip_address, attempt_time__gte=since
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if not counts["failures"]:
        return timedelta(0)
    ready_at = counts["last"] + delay_after(counts["failures"])
    return max(ready_at - timezone.now(), timedelta(0))


def _pause(request: HttpRequest, wait: timedelta, credentials: dict | None) -> None:
    # AxesMiddleware turns a request marked this way into the "signing in is paused" page.
    request.axes_locked_out = True
    request.axes_credentials = credentials
    request.sign_in_wait = wait


class GrowingDelayBackend(AxesStandaloneBackend):
    """First in AUTHENTICATION_BACKENDS: refuses a try (without checking the password)
    while this client still has to wait for this account."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        super().authenticate(request, username=username, password=password, **kwargs)
        name = lockout_username(request, {"username": username})
        wait = remaining_wait(request, name)
        if wait:
            _pause(request, wait, {"username": name})
            raise AxesBackendPermissionDenied("This client must wait before trying again.")


def pause_after_failure(sender, credentials: dict, request=None, **kwargs) -> None:
    """``user_login_failed`` receiver (after axes counted the failure): the failure that
    reaches the limit already answers with the wait."""
    if request is None or getattr(request, "axes_locked_out", False):
        return
    name = lockout_username(request, credentials)
    wait = remaining_wait(request, name)
    if wait:
        _pause(request, wait, {"username": name})


def lockout_response(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the page saying how long this client must wait (HTTP 429)."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_timedelta": getattr(request, "sign_in_wait", None),
    }
    return render(request, "accounts/locked_out.html", context, status=429)
