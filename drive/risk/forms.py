from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from drive.risk.config import COMPONENTS
from drive.risk.models import OverrideKind
from drive.risk.reference import INDICES

COMPONENT_LABELS = {
    "country": _("Country component (weight)"),
    "sector": _("Sector component (weight)"),
}


class OverrideForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to change"), choices=OverrideKind.choices)
    target = forms.ChoiceField(
        label=_("Applies to"),
        help_text=_("An index, or for a weight also the country or sector component."),
    )
    weight = forms.DecimalField(
        label=_("New weight"),
        required=False,
        min_value=0,
        max_value=1,
        decimal_places=3,
        help_text=_("Between 0 and 1. Weights are re-scaled over the indices with data."),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    value = forms.DecimalField(
        label=_("Value to use"),
        required=False,
        min_value=0,
        decimal_places=3,
        help_text=_("In the index's own scale, e.g. a CPI score 0–100; ITUC 5+ is 6."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown beside the value on every risk page of this programme."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [
            *[(code, spec.name) for code, spec in INDICES.items()],
            *[(name, COMPONENT_LABELS[name]) for name in COMPONENTS],
        ]
        self.fields["country"].choices = [("", _("Not needed for a weight")), *countries]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == OverrideKind.WEIGHT and data.get("weight") is None:
            self.add_error("weight", _("Enter the new weight."))
        if kind == OverrideKind.COUNTRY_VALUE:
            if not data.get("country"):
                self.add_error("country", _("Choose the country whose value you replace."))
            if data.get("value") is None:
                self.add_error("value", _("Enter the value to use."))
            if data.get("target") in COMPONENTS:
                self.add_error("target", _("A country value replaces an index value."))
        return data
