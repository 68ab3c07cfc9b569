from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
LANGUAGE_NAMES = {
    "en": _("English"),
    "zh-hans": _("Chinese (simplified)"),
    "fr": _("French"),
    "es": _("Spanish"),
}


class XLSFormUploadForm(forms.Form):
    file = forms.FileField(
        label=_("XLSForm workbook (.xlsx)"),
        help_text=_(
            "A survey sheet, a choices sheet and optionally a settings sheet, as "
            "written for ODK or KoboToolbox. At most 5 MB."
        ),
    )
    code = forms.SlugField(
        label=_("Questionnaire code"),
        required=False,
        max_length=80,
        help_text=_(
            "Leave empty to use the form_id of the settings sheet. Uploading again "
            "with the same code adds a new version."
        ),
    )
    skip_unsupported = forms.BooleanField(
        label=_("Skip the rows DRiVE does not support and import the rest"),
        required=False,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class QuestionTextForm(forms.Form):
    """The texts (one field per language of the version) and the required flag."""

    required = forms.BooleanField(label=_("An answer is required"), required=False)

    def __init__(self, *args: Any, languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.languages = languages
        for code in languages:
            name = LANGUAGE_NAMES.get(code, code)
            self.fields[f"label_{code}"] = forms.CharField(
                label=_("Question (%(language)s)") % {"language": name},
                required=code == languages[0],
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"hint_{code}"] = forms.CharField(
                label=_("Help text (%(language)s)") % {"language": name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.order_fields(
            [*(f"{kind}_{c}" for c in languages for kind in ("label", "hint")), "required"]
        )

    @staticmethod
    def initial_for(question: Any, languages: list[str]) -> dict[str, Any]:
        initial: dict[str, Any] = {"required": question.required}
        for code in languages:
            initial[f"label_{code}"] = question.label.get(code, "")
            initial[f"hint_{code}"] = question.hint.get(code, "")
        return initial

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "label": {c: data[f"label_{c}"] for c in self.languages if data[f"label_{c}"]},
            "hint": {c: data[f"hint_{c}"] for c in self.languages if data[f"hint_{c}"]},
            "required": data["required"],
        }
