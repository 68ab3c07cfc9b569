from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from drive.certificates.models import CompletionPolicy


class PolicyForm(forms.ModelForm):
    class Meta:
        model = CompletionPolicy
        fields = ["require_inspection", "validity_months", "scope"]
        help_texts = {
            "require_inspection": _(
                "Otherwise an approved inspection is needed only from suppliers that had one "
                "planned."
            ),
        }

    def clean_validity_months(self) -> int:
        months = self.cleaned_data["validity_months"]
        if not 1 <= months <= 60:
            raise forms.ValidationError(_("Give a number of months between 1 and 60."))
        return months


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the certificate revoked?"),
        help_text=_(
            "The supplier reads this. The public verification page only says it is revoked."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class VerifyForm(forms.Form):
    q = forms.CharField(
        label=_("Certificate number or verification code"),
        help_text=_("For example DRIVE-2026-000123, as printed on the certificate."),
        max_length=100,
    )
