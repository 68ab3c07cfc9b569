"""The one home of the rule "what an identifier looks like once stored" (STYLE.md §8d).

The buyer's imports recognise a supplier by its UNGM vendor number or its registration
number, so the web forms, the API and the import must store the same text for the same
number: otherwise a number typed on the web as ``91 310 000 abc`` and imported later as
``91310000ABC`` would make a second supplier.
"""

from __future__ import annotations

import re
import unicodedata

# Every kind of space spreadsheets, browsers and Chinese input methods leave behind.
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")


def normalise_identifier(value: object) -> str:
    """NFKC (full-width digits and letters fold to ASCII), no spaces at all, upper case."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return _SPACES.sub("", text).upper()


def normalise_registration_number(value: object) -> str:
    """A business registration number as stored and matched on."""
    return normalise_identifier(value)


def normalise_ungm_number(value: object) -> str:
    """A UNGM vendor number as stored and matched on."""
    return normalise_identifier(value)


# Field name → its normaliser, for services that take a mapping of profile values.
IDENTIFIER_NORMALISERS = {
    "registration_number": normalise_registration_number,
    "ungm_vendor_number": normalise_ungm_number,
}
