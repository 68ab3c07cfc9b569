from __future__ import annotations

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from drive.accounts.forms import (
    EmailAuthenticationForm,
    InvitationAcceptForm,
)
from drive.accounts.services import (
    InvitationProblem,
    InvitationRefused,
    invitation_accept,
    invitation_for_token,
    user_set_language,
)
from drive.core.errors import DomainError

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


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
        response = super().form_valid(form)
        # The sign-in page keeps the person's language after they sign out.
        return _remember_language(response, form.get_user().language)


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
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
    if language not in LANGUAGE_CODES:
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
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
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
