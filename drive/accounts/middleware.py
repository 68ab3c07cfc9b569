from __future__ import annotations

from django.utils import translation


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the browser's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class TwoFactorMiddleware:
    """After the password, a second step (django-otp; drive/accounts/README.md).

    A signed-in person whose session is not verified by a code yet may only reach the
    two-factor pages, sign out and switch language. Everyone else is sent to
    ``two_factor_verify`` when they have an authenticator, or to ``two_factor_enrol``
    when they must have one (buyer and inspection-body staff, platform admins). API calls
    with the session get 403 ``two_factor_required`` instead; API tokens are not affected
    (they are the machine credential and never carry a session).
    Must come after django-otp's OTPMiddleware.
    """

    OPEN_URL_NAMES = (
        "logout",
        "language",
        "two_factor_verify",
        "two_factor_enrol",
        "recovery_codes",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            refusal = self._refusal(request, user)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _refusal(self, request, user):
        from django.conf import settings
        from django.http import JsonResponse
        from django.shortcuts import redirect
        from django.urls import Resolver404, resolve, reverse
        from django.utils.http import urlencode
        from django.utils.translation import gettext as _

        from drive.accounts.permissions import two_factor_required
        from drive.accounts.services import two_factor_enabled

        path = request.path_info
        if path.startswith(("/" + settings.STATIC_URL.lstrip("/"), "/healthz")):
            return None
        try:
            match = resolve(path)
        except Resolver404:
            return None
        if match.namespace == "accounts" and match.url_name in self.OPEN_URL_NAMES:
            return None
        # Public pages (certificate verification) mark their view ``two_factor_exempt``.
        if getattr(match.func, "two_factor_exempt", False):
            return None
        if two_factor_enabled(user):
            target = "accounts:two_factor_verify"
        elif two_factor_required(user):
            target = "accounts:two_factor_enrol"
        else:
            return None
        if path.startswith("/api/"):
            return JsonResponse(
                {
                    "error": {
                        "code": "two_factor_required",
                        "message": _(
                            "Confirm your sign-in with your authenticator app first, or use "
                            "an API token."
                        ),
                    }
                },
                status=403,
            )
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return redirect(reverse(target) + (f"?{query}" if query else ""))
