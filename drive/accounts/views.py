from __future__ import annotations

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from drive.accounts.backends import SESSION_USER_BACKEND
from drive.accounts.client_ip import client_ip
from drive.accounts.forms import (
    EmailAuthenticationForm,
    InvitationAcceptForm,
    TwoFactorCodeForm,
    TwoFactorEnrolForm,
)
from drive.accounts.permissions import (
    can_disable_two_factor,
    two_factor_required,
)
from drive.accounts.services import (
    InvitationProblem,
    InvitationRefused,
    invitation_accept,
    invitation_for_token,
    recovery_codes_regenerate,
    two_factor_confirm,
    two_factor_disable,
    two_factor_enabled,
    two_factor_enrol_start,
    two_factor_verify,
    user_set_language,
)
from drive.audit.services import audit_record
from drive.core.errors import DomainError
from drive.core.i18n import is_offered


def _remember_language(response: HttpResponse, language: str) -> HttpResponse:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form) -> HttpResponse:
        user = form.get_user()
        # ModelBackend checked the password; the session's user is then loaded with its
        # organisation and header figures in one query (drive/accounts/backends.py).
        user.backend = SESSION_USER_BACKEND
        response = super().form_valid(form)
        audit_record(
            actor=user,
            action="account.signed_in",
            target=user,
            after={"ip": client_ip(self.request)},
        )
        # The sign-in page keeps the person's language after they sign out.
        return _remember_language(response, user.language)


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            audit_record(
                actor=request.user,
                action="account.signed_out",
                target=request.user,
                after={"ip": client_ip(request)},
            )
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have signed out."))
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        # A new password lifts a lock-out at once (the lock-out page points here).
        axes_reset(username=form.user.email)
        audit_record(
            actor=form.user,
            action="account.password_reset",
            target=form.user,
            after={"ip": client_ip(self.request)},
        )
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(
            actor=self.request.user,
            action="account.password_changed",
            target=self.request.user,
            after={"ip": client_ip(self.request)},
        )
        return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language: a cookie for everyone, saved on the account when signed in."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("pages:home")
    response = HttpResponseRedirect(next_url)
    if not is_offered(language):  # an unknown or not yet translated language
        return response
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    return _remember_language(response, language)


@never_cache
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_for_token(token)
    except InvitationRefused as refused:
        return _invitation_refused(request, refused)
    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and not request.user.is_authenticated and form.is_valid():
        try:
            user = invitation_accept(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except InvitationRefused as refused:
            return _invitation_refused(request, refused)
        except ValidationError as error:
            form.add_error("password1", error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            login(request, user, backend=SESSION_USER_BACKEND)
            messages.success(
                request,
                _("Welcome to DRiVE, %(name)s. You are now a member of %(organisation)s.")
                % {"name": user.display_name, "organisation": invitation.organisation.name},
            )
            return _remember_language(redirect("pages:home"), user.language)
    return render(
        request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form}
    )


def _invitation_refused(request: HttpRequest, refused: InvitationRefused) -> HttpResponse:
    status = 404 if refused.problem == InvitationProblem.UNKNOWN else 410
    return render(
        request,
        "accounts/invitation_invalid.html",
        {"problem": refused.problem, "message": refused.message},
        status=status,
    )


# --- Two-factor authentication --------------------------------------------------------

RECOVERY_CODES_SESSION_KEY = "drive_recovery_codes"


def _next_url(request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return reverse("pages:home")


def _show_codes_once(request: HttpRequest, codes: list[str]) -> HttpResponse:
    request.session[RECOVERY_CODES_SESSION_KEY] = codes
    return redirect("accounts:recovery_codes")


def _qr_svg(uri: str) -> str:
    """The provisioning URI as an inline SVG QR code, drawn here (no outside service)."""
    import segno

    return segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@never_cache
def two_factor(request: HttpRequest) -> HttpResponse:
    """Account page: is two-factor on, recovery codes, turn it on or (suppliers) off."""
    from django_otp.plugins.otp_static.models import StaticToken

    enabled = two_factor_enabled(request.user)
    context = {
        "enabled": enabled,
        "required": two_factor_required(request.user),
        "can_disable": can_disable_two_factor(request.user),
        "codes_left": StaticToken.objects.filter(device__user=request.user).count(),
        "form": TwoFactorCodeForm(),
    }
    return render(request, "accounts/two_factor.html", context)


@login_required
@never_cache
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    from base64 import b32encode

    from django_otp import login as otp_login

    try:
        device = two_factor_enrol_start(user=request.user)
    except DomainError as error:
        messages.info(request, error.message)
        return redirect("accounts:two_factor")
    form = TwoFactorEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor_confirm(
                user=request.user, device=device, token=form.cleaned_data["code"]
            )
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            otp_login(request, device)
            messages.success(
                request,
                _("Two-factor authentication is on. Keep your recovery codes somewhere safe."),
            )
            request.session["drive_after_codes"] = _next_url(request)
            return _show_codes_once(request, codes)
    secret = b32encode(device.bin_key).decode().rstrip("=")
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": _grouped(secret),
        "required": two_factor_required(request.user),
        "next": request.GET.get("next", ""),
    }
    return render(request, "accounts/two_factor_enrol.html", context)


@login_required
@never_cache
def two_factor_verify_view(request: HttpRequest) -> HttpResponse:
    from django_otp import login as otp_login

    if request.user.is_verified() or not two_factor_enabled(request.user):
        return redirect(_next_url(request))
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor_verify(user=request.user, token=form.cleaned_data["code"])
        if device is None:
            form.add_error(
                "code",
                _(
                    "That code is not right, or it was already used. Type the code your "
                    "authenticator app shows now, or one of your recovery codes. After "
                    "several wrong codes you have to wait a little before the next try."
                ),
            )
        else:
            otp_login(request, device)
            audit_record(
                actor=request.user,
                action="account.two_factor_verified",
                target=request.user,
                after={"ip": client_ip(request), "method": device._meta.model_name},
            )
            return redirect(_next_url(request))
    context = {"form": form, "next": request.GET.get("next", "")}
    return render(request, "accounts/two_factor_verify.html", context)


@login_required
@never_cache
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows freshly made recovery codes once; POST makes new ones (the old ones stop)."""
    if not request.user.is_verified():
        return redirect("accounts:two_factor_enrol")
    if request.method == "POST":
        try:
            codes = recovery_codes_regenerate(user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("accounts:two_factor")
        return _show_codes_once(request, codes)
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("accounts:two_factor")
    continue_url = request.session.pop("drive_after_codes", reverse("accounts:two_factor"))
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "continue_url": continue_url},
    )


@login_required
@require_POST
def two_factor_disable_view(request: HttpRequest) -> HttpResponse:
    if not can_disable_two_factor(request.user):
        raise PermissionDenied
    form = TwoFactorCodeForm(request.POST)
    if form.is_valid() and two_factor_verify(user=request.user, token=form.cleaned_data["code"]):
        two_factor_disable(user=request.user, by=request.user)
        messages.success(request, _("Two-factor authentication is off."))
    else:
        messages.error(
            request,
            _("Two-factor authentication stays on: type a current code to turn it off."),
        )
    return redirect("accounts:two_factor")
