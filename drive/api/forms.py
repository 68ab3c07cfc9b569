"""Forms of the token and webhook pages: parse input; services do the writing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from drive.api.models import TokenKind, TokenScope, WebhookEvent
from drive.api.webhook_targets import TargetRefused, check_url


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, such as “ERP nightly sync”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text=_("Read only is enough for reports and exports."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=TokenKind.choices,
        initial=TokenKind.PERSONAL,
        widget=forms.RadioSelect,
        help_text=_("Organisation tokens can be seen and revoked by every administrator."),
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"),
        required=False,
        min_value=1,
        max_value=3650,
        help_text=_("Leave empty for a token that works until it is revoked."),
    )

    def __init__(self, *args, can_make_organisation_tokens: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not can_make_organisation_tokens:
            del self.fields["kind"]


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "An https address on the public internet. DRiVE sends a signed POST "
            "request here for each event you choose."
        ),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            check_url(url)
        except TargetRefused as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None
        return url


class WebhookActiveForm(forms.Form):
    active = forms.BooleanField(label=_("Active"), required=False)
