from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from drive.evidence.filetypes import ALLOWED_HELP
from drive.evidence.models import Document, DocumentKind


class DateInput(forms.DateInput):
    input_type = "date"


class DocumentDetailsForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title", "kind", "valid_until"]
        widgets = {"valid_until": DateInput(format="%Y-%m-%d")}
        help_texts = {
            "valid_until": _("For certificates and policies with an expiry or review date."),
        }


class DocumentUploadForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=ALLOWED_HELP)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the file name."),
    )
    kind = forms.ChoiceField(
        label=_("Type"), choices=DocumentKind.choices, initial=DocumentKind.OTHER
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput(),
        help_text=_("For certificates and policies with an expiry or review date."),
    )
