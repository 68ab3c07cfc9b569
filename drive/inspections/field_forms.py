"""Forms of the programme manager's criteria page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from drive.inspections.models import Criterion, FieldSettings


class CriterionAddForm(forms.Form):
    theme = forms.ChoiceField(label=_("Theme"))
    text = forms.CharField(
        label=_("What the inspector checks (English)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    text_zh = forms.CharField(
        label=_("What the inspector checks (Chinese)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args: Any, themes: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [(theme.code, theme.display_label) for theme in themes]


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["text", "text_zh", "active"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "text_zh": forms.Textarea(attrs={"rows": 4}),
        }


class FieldSettingsForm(forms.ModelForm):
    class Meta:
        model = FieldSettings
        fields = ["keep_photo_location"]
