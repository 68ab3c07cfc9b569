from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Supplier list"),
        help_text=_("A CSV or Excel (.xlsx) file with one supplier per row, as in the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s. Split it into smaller files."),
                params={"limit": filesizeformat(limit)},
            )
        if upload.size == 0:
            raise forms.ValidationError(
                _("The file is empty. Fill in the template and upload it again.")
            )
        return upload


class ConfirmForm(forms.Form):
    ACTIONS = (
        ("all", _("Import all")),
        ("valid_only", _("Import only the valid rows")),
        ("cancel", _("Cancel")),
        ("retry", _("Try again")),
    )
    action = forms.ChoiceField(choices=ACTIONS)
