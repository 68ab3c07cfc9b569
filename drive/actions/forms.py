"""Forms of the corrective-action pages: they parse and validate; services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from drive.actions.models import ActionPolicy
from drive.questionnaires.models import CHOICE_TYPES


class PlanForm(forms.Form):
    root_cause = forms.CharField(
        label=_("Root cause"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why did the problem happen? Look past the symptom."),
    )
    measures = forms.CharField(
        label=_("Corrective action"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What will you do so that it does not happen again?"),
    )
    owner = forms.CharField(label=_("Person responsible"), max_length=200)
    target_date = forms.DateField(
        label=_("Target date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("A date after the closure due date needs the programme manager's agreement."),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=(("approve", _("Approve the plan")), ("changes", _("Request changes"))),
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you request changes: say what must change."),
    )
    agree_later_target = forms.BooleanField(
        label=_("I agree to the target date later than the closure due date"), required=False
    )


class ProgressForm(forms.Form):
    note = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))
    documents = forms.ModelMultipleChoiceField(
        label=_("Evidence from your library"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Upload new documents in your evidence library first."),
    )
    final = forms.BooleanField(
        label=_("The work is done: submit the action for verification"), required=False
    )

    def __init__(self, *args: Any, documents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = documents


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=(
            ("close", _("Verified: close the action")),
            ("return", _("Not yet: send back to the supplier")),
        ),
        widget=forms.RadioSelect,
    )
    by_inspection = forms.BooleanField(
        label=_("Verified by the follow-up inspection"), required=False
    )
    verified_value = forms.ChoiceField(
        label=_("Verified answer"),
        required=False,
        help_text=_("The answer the evidence now supports; the score is recomputed with it."),
    )
    note = forms.CharField(label=_("Comments"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, question: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if question is not None and question.type in CHOICE_TYPES:
            self.fields["verified_value"].choices = [("", _("Leave the score as it is"))] + [
                (c.value, c.display_label) for c in question.choices.all()
            ]
        else:
            del self.fields["verified_value"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class PolicyForm(forms.ModelForm):
    class Meta:
        model = ActionPolicy
        fields = [
            "plan_days_critical",
            "plan_days_other",
            "closure_days_critical",
            "closure_days_major",
            "closure_days_minor",
        ]
        widgets = {name: forms.NumberInput(attrs={"min": 1, "max": 730}) for name in fields}
