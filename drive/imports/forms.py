from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Supplier list"),
        help_text=_("A CSV or Excel (.xlsx) file with one supplier per row, as in the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s. Split it into smaller files."),
                params={"limit": filesizeformat(limit)},
            )
        if upload.size == 0:
            raise forms.ValidationError(
                _("The file is empty. Fill in the template and upload it again.")
            )
        return upload


class ConfirmForm(forms.Form):
    ACTIONS = (
        ("all", _("Import all")),
        ("valid_only", _("Import only the valid rows")),
        ("cancel", _("Cancel")),
        ("retry", _("Try again")),
    )
    action = forms.ChoiceField(choices=ACTIONS)


class MappingForm(forms.Form):
    """One choice per heading of the file: the DRiVE field it holds, or "ignore".

    ``mapping`` (field → column position) is the cleaned result."""

    def __init__(self, *args, headers: list[str], initial_mapping: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        from drive.imports.columns import COLUMNS

        choices = [("", _("Ignore this column"))] + [
            (name, f"{name} — {help}") for name, _max, help in COLUMNS
        ]
        by_index = {index: field for field, index in initial_mapping.items()}
        self.headers = headers
        for index, heading in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=heading or _("(column without a heading)"),
                choices=choices,
                required=False,
                initial=by_index.get(index, ""),
            )

    def clean(self):
        cleaned = super().clean()
        mapping: dict[str, int] = {}
        for index in range(len(self.headers)):
            field = cleaned.get(f"col_{index}") or ""
            if not field:
                continue
            if field in mapping:
                self.add_error(
                    f"col_{index}",
                    _("%(field)s is already chosen for another column.") % {"field": field},
                )
                continue
            mapping[field] = index
        missing = [f for f in ("legal_name", "country") if f not in mapping]
        if missing:
            raise forms.ValidationError(
                _("Choose the column that holds %(fields)s: every supplier needs it."),
                params={"fields": " / ".join(missing)},
            )
        cleaned["mapping"] = mapping
        return cleaned

    def rows(self):
        """(heading, bound field) pairs for the template."""
        return [(h, self[f"col_{i}"]) for i, h in enumerate(self.headers)]


class DuplicatesForm(forms.Form):
    """Same supplier or not, for each possible duplicate of a checked import."""

    def __init__(self, *args, duplicates: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicates = duplicates
        for item in duplicates:
            self.fields[f"row_{item['row']}"] = forms.ChoiceField(
                label=item["name"],
                choices=[
                    ("", _("Decide later (imported as a separate supplier)")),
                    ("same", _("Same supplier: do not import this row")),
                    ("different", _("Different suppliers: keep both")),
                ],
                required=False,
                initial=item.get("decision", ""),
                widget=forms.RadioSelect,
            )

    def decisions(self) -> dict[int, bool]:
        return {
            item["row"]: self.cleaned_data[f"row_{item['row']}"] == "same"
            for item in self.duplicates
            if self.cleaned_data.get(f"row_{item['row']}")
        }

    def rows(self):
        return [(item, self[f"row_{item['row']}"]) for item in self.duplicates]
