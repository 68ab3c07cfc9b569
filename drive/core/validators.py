"""Text that every form field and API field refuses: control characters.

A control character (BEL ``\\x07``, ESC, the C1 range ...) is invisible on a page, means
nothing in a name or an answer, and cannot be written into an XLSX export (XML cannot
hold it: a supplier's profile with one made the buyer's registry export fail). Tab, line
feed and carriage return stay allowed: multi-line text needs them. ``CoreConfig.ready``
makes :data:`prohibit_control_characters` a default validator of Django's
``forms.CharField`` and DRF's ``serializers.CharField`` (and so of every model form, text
field and serializer built on them); exports drop any such character already stored
(``drive.core.spreadsheets.without_control_characters``).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# C0 controls except tab, line feed and carriage return; DEL and the C1 controls.
CONTROL_CHARACTERS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@deconstructible
class ProhibitControlCharactersValidator:
    message = _(
        "This text contains an invisible control character (%(character)s). Remove it (it "
        "often comes with text copied from another program) and try again."
    )
    code = "control_characters"

    def __call__(self, value: object) -> None:
        match = CONTROL_CHARACTERS_RE.search(str(value))
        if match:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"character": f"U+{ord(match.group()):04X}"},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ProhibitControlCharactersValidator)

    def __hash__(self) -> int:
        return hash(self.code)


prohibit_control_characters = ProhibitControlCharactersValidator()


def install_default_text_validators() -> None:
    """Add :data:`prohibit_control_characters` to the default validators of every text
    field of forms and of the API (idempotent; called once from ``CoreConfig.ready``)."""
    from django import forms
    from rest_framework import serializers

    for field_class in (forms.CharField, serializers.CharField):
        if prohibit_control_characters not in field_class.default_validators:
            field_class.default_validators = [
                *field_class.default_validators,
                prohibit_control_characters,
            ]
