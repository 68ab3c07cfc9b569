"""Forms of the inspection pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from drive.accounts.models import User
from drive.organisations.models import Organisation, OrganisationKind
from drive.programmes.models import Enrolment

from .models import Inspection, InspectionMode, InspectionType, Notice


class DateInput(forms.DateInput):
    input_type = "date"


class PlanForm(forms.Form):
    enrolment = forms.ModelChoiceField(
        label=_("Supplier and programme"), queryset=Enrolment.objects.none()
    )
    body = forms.ModelChoiceField(
        label=_("Inspection body"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.INSPECTION_BODY).order_by(
            "name"
        ),
    )
    type = forms.ChoiceField(label=_("Type"), choices=InspectionType.choices)
    follow_up_of = forms.ModelChoiceField(
        label=_("Follows the inspection"),
        queryset=Inspection.objects.none(),
        required=False,
        help_text=_("For a follow-up or closure inspection: the inspection it follows."),
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=InspectionMode.choices)
    notice = forms.ChoiceField(
        label=_("Notice"),
        choices=Notice.choices,
        help_text=_("The supplier does not see the dates of an unannounced inspection."),
    )
    window_start = forms.DateField(label=_("Planned from"), widget=DateInput)
    window_end = forms.DateField(label=_("Planned until"), widget=DateInput)
    site_address = forms.CharField(
        label=_("Site address"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 20}),
        required=False,
    )
    site_country = forms.ChoiceField(
        label=_("Site country"), choices=[("", "—"), *countries], required=False
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
    )

    def __init__(self, *args: Any, enrolments: Any, follow_ups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = enrolments
        self.fields["enrolment"].label_from_instance = lambda e: (
            f"{e.supplier.legal_name} · {e.programme.name}"
        )
        self.fields["follow_up_of"].queryset = follow_ups

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end < start:
            self.add_error("window_end", _("The end of the window must not be before its start."))
        return data


class ScheduleForm(forms.Form):
    date = forms.DateField(label=_("Inspection date"), widget=DateInput)


class AssignForm(forms.Form):
    inspector = forms.ModelChoiceField(label=_("Inspector"), queryset=User.objects.none())

    def __init__(self, *args: Any, inspectors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = inspectors
        self.fields["inspector"].label_from_instance = lambda u: u.display_name


class DeclareForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I declare that I have no conflict of interest with this supplier: no family, "
            "financial or employment link, and no consulting work for it in the last two years."
        )
    )
    statement = forms.CharField(
        label=_("Anything to add (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 20}),
    )


class SubmitForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the inspection"), widget=forms.Textarea(attrs={"rows": 5, "cols": 20})
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comments for the inspectors"), widget=forms.Textarea(attrs={"rows": 4, "cols": 20})
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 20}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 3, "cols": 20})
    )
