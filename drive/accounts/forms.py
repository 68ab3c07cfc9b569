from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from drive.accounts.models import User
from drive.accounts.tasks import send_email
from drive.core.i18n import offered_languages
from drive.core.tasks import enqueue


class EmailAuthenticationForm(AuthenticationForm):
    """Sign-in with an email address; the field keeps the name ``username`` that axes reads."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": _(
            "Enter the email address and password of your DRiVE account. "
            "The password is case-sensitive."
        ),
        "inactive": _("This account is inactive. Ask your organisation's administrator."),
    }


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the email is written in the person's language and sent
    by the background queue (a slow mail server never blocks the page)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        language = context["user"].language or settings.LANGUAGE_CODE
        with translation.override(language):
            subject = loader.render_to_string(subject_template_name, context)
            body = loader.render_to_string(email_template_name, context)
            html_body = (
                loader.render_to_string(html_email_template_name, context)
                if html_email_template_name
                else None
            )
        enqueue(send_email, subject, body, [to_email], html_body, language)


def language_choices() -> list[tuple[str, str]]:
    return [(code, name) for code, name in offered_languages()]


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("As your colleagues know you; shown to people you work with."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 10 characters; not a common password and not only numbers."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Confirm password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password2(self) -> str:
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data.get("password2", "")
        if password1 and password1 != password2:
            raise forms.ValidationError(_("The two passwords do not match. Type them again."))
        return password2

    def clean(self) -> dict:
        cleaned = super().clean()
        password = self.cleaned_data.get("password1")
        if password and "password1" not in self.errors and "password2" not in self.errors:
            candidate = User(email=self.email, full_name=self.cleaned_data.get("full_name", ""))
            try:
                password_validation.validate_password(password, user=candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class InviteForm(forms.Form):
    """Invite a person to the signed-in admin's organisation."""

    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label=_("Role"))
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        help_text=_("The email and their account will use this language; they can change it."),
    )

    def __init__(self, *args, roles: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles
        self.fields["language"].choices = language_choices()


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("The 6-digit code your authenticator app shows now, or a recovery code."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "inputmode": "text",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )


class TwoFactorEnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        help_text=_("The 6-digit code the app shows for DRiVE."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
