"""Forms of capacity building: parse and validate; services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from drive.accounts.models import User
from drive.programmes.models import Programme
from drive.trainings.models import Event, Resource, Session
from drive.trainings.selectors import theme_choices


class EventForm(forms.ModelForm):
    online_url = forms.URLField(
        label=_("Online link"), required=False, max_length=500, assume_scheme="https"
    )
    programmes = forms.ModelMultipleChoiceField(
        label=_("Programmes"),
        queryset=Programme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The suppliers of these programmes see the event and may register."),
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "description",
            "starts_on",
            "ends_on",
            "venue",
            "online_url",
            "hosts",
            "capacity",
            "language",
            "programmes",
            "attendance_certificates",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, organiser: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programmes"].queryset = Programme.objects.filter(buyer=organiser)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        if not data.get("venue") and not data.get("online_url"):
            self.add_error("venue", _("Give a venue, an online link, or both."))
        return data


class SessionForm(forms.ModelForm):
    themes = forms.MultipleChoiceField(
        label=_("Themes"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Suppliers weak in these themes are pointed to this session."),
    )

    class Meta:
        model = Session
        fields = [
            "title",
            "description",
            "track",
            "room",
            "speakers",
            "starts_at",
            "ends_at",
            "capacity",
            "themes",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "speakers": forms.Textarea(attrs={"rows": 3}),
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = theme_choices()
        self.fields["capacity"].min_value = 1
        self.fields["capacity"].widget.attrs["min"] = 1

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        return data


class ResourceForm(forms.ModelForm):
    theme = forms.ChoiceField(label=_("Theme"))
    url = forms.URLField(
        label=_("Link"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where the guide, template or video is published."),
    )

    class Meta:
        model = Resource
        fields = ["title", "kind", "url", "theme", "language", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = theme_choices()


class ColleagueChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} <{obj.email}>"


class RegisterForm(forms.Form):
    """Who to register: oneself, or (a supplier admin) a colleague."""

    person = ColleagueChoice(
        label=_("Who attends"), queryset=User.objects.none(), required=False, empty_label=None
    )

    def __init__(self, *args: Any, user: Any, colleagues: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if colleagues:
            self.fields["person"].queryset = User.objects.filter(
                organisation_id=user.organisation_id, is_active=True
            ).order_by("full_name", "email")
            self.initial["person"] = user.pk
        else:
            del self.fields["person"]
