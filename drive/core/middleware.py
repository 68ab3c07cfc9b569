"""Request checks that hold for every page and endpoint."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# A JSON "\u0000" escape that is not itself escaped ("\\u0000" is a backslash and text).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(data) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in data.lists()
    )


def _is_json(content_type: str | None) -> bool:
    return content_type == "application/json" or (content_type or "").endswith("+json")


class RejectNulCharactersMiddleware:
    """Answer 400 to a request whose parameters contain the NUL character.

    PostgreSQL refuses NUL in text, so such a value would otherwise end as a server error
    wherever it reaches a query (a search box, a filter, a form). No person types it;
    refusing it once here spares every view from checking. Placed after the language is
    chosen so the page is in the user's language; it runs before any view.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._carries_nul(request):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request: HttpRequest) -> bool:
        if _has_nul(request.GET):
            return True
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return False
        if request.content_type in _FORM_TYPES:
            return _has_nul(request.POST)
        if _is_json(request.content_type):
            body = request.body
            return b"\x00" in body or _JSON_NUL.search(body) is not None
        # Other bodies (an uploaded PDF, a spreadsheet) are files, where NUL is ordinary.
        return False

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponse:
        message = _("The request contains characters that are not allowed.")
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"error": {"code": "invalid_characters", "message": message, "fields": {}}},
                status=400,
            )
        return render(request, "core/bad_request.html", {"message": message}, status=400)


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in user.

    Pages, downloads (evidence, feedback PDFs, exports) and API answers for a user hold
    another organisation's confidential data: neither a shared proxy nor the browser's
    disk cache may keep them (the back button after signing out on a shared computer
    shows nothing). The user is read after the view ran, so an API token's user counts
    too. Anonymous responses (sign-in page, health check) keep whatever they set;
    static files are served before the middleware and keep their long caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
            # An Expires or ETag set by a view would let a cache revalidate or reuse it.
            del response["Expires"]
        return response


class OfferedLanguageMiddleware:
    """A language DRiVE does not offer yet (its catalogue is incomplete:
    ``drive.core.i18n.offered_languages``) is never used, whether a browser asks for it or
    an account or cookie still holds it: such a request is served in English.
    Must come after the middlewares that choose the language (LocaleMiddleware, the
    user's saved language)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        from drive.core.i18n import is_offered

        if not is_offered(translation.get_language()):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE  # type: ignore[attr-defined]
        return self.get_response(request)


# The session key holding when a signed-in session's expiry last moved (seconds since epoch).
SESSION_REFRESHED_KEY = "_drive_refreshed"


class SlidingSessionMiddleware:
    """Idle sessions expire, active ones slide: a session with data is saved again (its
    expiry moved to SESSION_COOKIE_AGE from now, its cookie renewed) when it was last moved
    more than SESSION_REFRESH_SECONDS ago, not on every request (a write and a commit
    per page). An idle session thus expires at most that many seconds *earlier* than with a
    save per request, never later. Must come right after SessionMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        from django.conf import settings

        now = int(time.time())
        refreshed = session.get(SESSION_REFRESHED_KEY)
        if session.is_empty():  # an unknown or expired session key: nothing to keep
            return response
        if not isinstance(refreshed, int) or now - refreshed >= settings.SESSION_REFRESH_SECONDS:
            session[SESSION_REFRESHED_KEY] = now
        return response
