from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from drive.notifications.models import Delivery


class PreferenceForm(forms.Form):
    non_urgent = forms.ChoiceField(
        label=_("Non-urgent notices"),
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Invitations, passwords and security notices are always e-mailed at once. "
            "Every notice is also listed under Notifications."
        ),
        error_messages={"required": _("Choose how you want to receive notices.")},
    )
