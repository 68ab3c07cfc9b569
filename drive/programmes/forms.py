"""Forms for programmes and enrolment: parse and validate; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries as all_countries
from django_countries.fields import LazyTypedChoiceField

from drive.core.i18n import offered_languages
from drive.programmes.models import Programme, ProgrammeStatus
from drive.questionnaires.models import QuestionnaireVersion
from drive.questionnaires.selectors import versions_for_programme


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: QuestionnaireVersion) -> str:
        state = obj.get_status_display()
        return f"{obj.display_title} — v{obj.number} ({state})"


class ProgrammeForm(forms.ModelForm):
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        choices=lambda: list(all_countries),  # in the reader's language, when shown
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Where the cohort's suppliers are. Hold Ctrl (or ⌘) to choose several."),
    )
    questionnaire_version = VersionChoiceField(
        label=_("Questionnaire"),
        queryset=QuestionnaireVersion.objects.none(),
        help_text=_(
            "The version suppliers will answer. It must be published before the programme opens."
        ),
    )
    review_deadline = forms.DateField(
        label=_("Review deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When submitted assessments should be reviewed by."),
    )

    class Meta:
        model = Programme
        fields = [
            "name",
            "description",
            "countries",
            "questionnaire_version",
            "opening_date",
            "assessment_deadline",
        ]
        labels = {"name": _("Programme name")}
        help_texts = {
            "name": _("For example “China pilot 2026”."),
            "assessment_deadline": _("Suppliers submit their self-assessment by this date."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "opening_date": forms.DateInput(attrs={"type": "date"}),
            "assessment_deadline": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A draft programme may wait for its questionnaire to be published; an open or
        # closed one has answers to collect, so it only switches to a published version.
        drafts = not self.instance.pk or self.instance.status == ProgrammeStatus.DRAFT
        self.fields["questionnaire_version"].queryset = versions_for_programme(user, drafts=drafts)
        if self.instance.pk:
            self.initial["review_deadline"] = (self.instance.stage_deadlines or {}).get("reviewed")
            if self.instance.enrolments.exists():
                self.fields["questionnaire_version"].disabled = True
                self.fields["questionnaire_version"].help_text = _(
                    "Suppliers are enrolled and answer this version, so it cannot change."
                )

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        review = data.pop("review_deadline", None)
        deadlines = dict(self.instance.stage_deadlines or {}) if self.instance.pk else {}
        if review:
            deadlines["reviewed"] = review.isoformat()
        else:
            deadlines.pop("reviewed", None)
        data["stage_deadlines"] = deadlines
        return data


class InviteCompanyForm(forms.Form):
    legal_name = forms.CharField(label=_("Company legal name"), max_length=255)
    local_name = forms.CharField(
        label=_("Name in local script"),
        max_length=255,
        required=False,
        help_text=_("For example 明亮纺织有限公司."),
    )
    country = LazyTypedChoiceField(label=_("Country"), choices=all_countries)
    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=64,
        required=False,
        help_text=_("Enter a registration number or a UNGM vendor number (or both)."),
    )
    ungm_vendor_number = forms.CharField(
        label=_("UNGM vendor number"), max_length=32, required=False
    )
    email = forms.EmailField(
        label=_("Email of the person who will answer for the company"),
        help_text=_("They receive an invitation to create the company's account."),
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"), choices=offered_languages, initial="en"
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("registration_number") and not cleaned.get("ungm_vendor_number"):
            self.add_error(
                "registration_number",
                _("Enter a registration number or a UNGM vendor number (or both)."),
            )
        return cleaned


class ReminderForm(forms.Form):
    enrolments = forms.TypedMultipleChoiceField(
        label=_("Suppliers"),
        coerce=int,
        choices=(),
        error_messages={"required": _("Select at least one supplier to remind.")},
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Added to the reminder email, below our standard text."),
    )

    def __init__(self, *args: Any, enrolment_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enrolments"].choices = [(pk, pk) for pk in enrolment_ids]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the enrolment's history."),
    )
