"""Forms of the supplier registry: parse and validate input; services do the writing."""

from __future__ import annotations

import re

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from drive.accounts.forms import language_choices
from drive.suppliers.models import Certification, Contact, LongTermAgreement, Sector, Supplier


class SectorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Sector) -> str:
        # Sector.title follows the active language.
        return f"{obj.code} · {obj.title}"


class SupplierForm(forms.ModelForm):
    """The profile. The size class is not a field: the service derives it."""

    sectors = SectorChoiceField(
        label=_("Sectors"),
        queryset=Sector.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("UNSPSC segments the company supplies. Choose all that apply."),
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        help_text=_("For example https://www.example.com"),
    )

    class Meta:
        model = Supplier
        fields = [
            "legal_name",
            "local_name",
            "ungm_vendor_number",
            "registration_number",
            "country",
            "city",
            "address",
            "website",
            "sectors",
            "employees",
            "annual_turnover_usd",
            "women_owned",
        ]
        help_texts = {
            "local_name": _("The name in the company's own script, e.g. 明亮纺织有限公司."),
            "ungm_vendor_number": _(
                "Enter a UNGM vendor number or a registration number (or both): "
                "imports recognise the supplier by them."
            ),
            "registration_number": _("The business registration number in its country."),
            "employees": _("Full-time equivalent headcount. Used to work out the size class."),
            "annual_turnover_usd": _(
                "Last financial year, in US dollars. Used to work out the size class."
            ),
            # xgettext:no-python-format
            "women_owned": _("At least 51% owned, managed and controlled by women (UNGM)."),
        }
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employees"].validators.append(MinValueValidator(1))
        self.fields["employees"].widget.attrs["min"] = 1
        self.fields["annual_turnover_usd"].validators.append(MinValueValidator(0))
        self.fields["annual_turnover_usd"].widget.attrs["min"] = 0
        if self.instance.pk:
            self.initial["sectors"] = [s.code for s in self.instance.sectors.all()]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("ungm_vendor_number") and not cleaned.get("registration_number"):
            self.add_error(
                "ungm_vendor_number",
                _("Enter a UNGM vendor number or a registration number (or both)."),
            )
        return cleaned

    def _post_clean(self) -> None:
        # Keep ModelForm from changing or validating the instance: the service writes it
        # and checks uniqueness within the registry (SupplierConflict → a field error).
        return None


class OwnProfileForm(SupplierForm):
    """The profile as the supplier's own admin edits it: the identifiers the buyer matches
    imports on are shown read-only, so they are not fields here."""

    class Meta(SupplierForm.Meta):
        fields = [
            name
            for name in SupplierForm.Meta.fields
            if name not in ("ungm_vendor_number", "registration_number")
        ]

    def clean(self):
        # The identifiers are the instance's, unchanged: nothing to require here.
        return forms.ModelForm.clean(self)


class AgreementForm(forms.ModelForm):
    class Meta:
        model = LongTermAgreement
        fields = ["number", "agency", "value", "currency", "start_date", "end_date"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "agency": _("The UN agency or buyer that signed the agreement."),
            "currency": _("Three-letter ISO 4217 code, for example USD, EUR or CNY."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value"].validators.append(MinValueValidator(0))
        self.fields["value"].widget.attrs["min"] = 0

    def clean_currency(self) -> str:
        currency = (self.cleaned_data.get("currency") or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise forms.ValidationError(
                _("Enter the currency as a three-letter ISO 4217 code, for example USD.")
            )
        return currency

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", _("The end date must be after the start date."))
        return cleaned

    def _post_clean(self) -> None:
        return None


class CertificationForm(forms.ModelForm):
    class Meta:
        model = Certification
        fields = ["standard", "number", "issuer", "valid_until"]
        widgets = {"valid_until": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"issuer": _("The certification body, for example SGS or TÜV SÜD.")}

    def _post_clean(self) -> None:
        return None


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "position", "email", "phone", "is_primary"]
        help_texts = {"is_primary": _("Buyers write to the primary contact first.")}

    def _post_clean(self) -> None:
        return None


class InviteSupplierForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the supplier's administrator"),
        help_text=_("This person will manage the company's profile and invite colleagues."),
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        help_text=_("The email and their account will use this language; they can change it."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()
