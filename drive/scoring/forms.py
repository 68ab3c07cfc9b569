from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you disagree?"),
        help_text=_("Say what you think is wrong and, if you can, which document shows it."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
    )


class DecisionForm(forms.Form):
    ACCEPT = "accept"
    REJECT = "reject"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ACCEPT, _("Accept the appeal")), (REJECT, _("Reject the appeal"))],
        widget=forms.RadioSelect,
    )
    points = forms.DecimalField(
        label=_("Points this answer earns"),
        help_text=_("Only for an appeal about one answer that you accept."),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )
    note = forms.CharField(
        label=_("Reason for your decision"),
        help_text=_("The supplier reads this; it is shown beside the score."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
