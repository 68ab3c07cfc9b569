"""Store every UNGM vendor number and registration number the way the web, the API and the
import now all normalise them (drive/suppliers/identifiers.py), so a later import of the
same number finds the supplier instead of making a second one.

Two suppliers of one registry whose numbers become equal once normalised are NOT merged:
both keep their stored text and the clash is reported (logged as a warning and printed),
for the buyer to resolve by hand.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import defaultdict

from django.db import migrations

logger = logging.getLogger("drive.suppliers")

_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")


def _normalise(value: str) -> str:
    # A frozen copy of drive.suppliers.identifiers.normalise_identifier: a migration must
    # keep doing what it did when it was written.
    return _SPACES.sub("", unicodedata.normalize("NFKC", value or "")).upper()


def normalise_identifiers(apps, schema_editor) -> None:
    Supplier = apps.get_model("suppliers", "Supplier")
    rows = list(
        Supplier.objects.values_list(
            "pk", "buyer_id", "country", "ungm_vendor_number", "registration_number"
        )
    )
    for field, key_of in (
        ("ungm_vendor_number", lambda row, n: (row[1], n)),
        ("registration_number", lambda row, n: (row[1], row[2], n)),
    ):
        index = 3 if field == "ungm_vendor_number" else 4
        groups: dict[tuple, list[tuple]] = defaultdict(list)
        for row in rows:
            if row[index]:
                groups[key_of(row, _normalise(row[index]))].append(row)
        for key, members in groups.items():
            if len(members) > 1:
                message = (
                    f"suppliers {sorted(m[0] for m in members)} of registry {key[0]} hold "
                    f"the same {field} once normalised ({key[-1]!r}); left unchanged for "
                    "the buyer to resolve"
                )
                logger.warning(message)
                print(f"\n  {message}")
                continue
            pk, value = members[0][0], members[0][index]
            normalised = _normalise(value)
            if normalised != value:
                Supplier.objects.filter(pk=pk).update(**{field: normalised})


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0002_load_unspsc_segments")]

    operations = [migrations.RunPython(normalise_identifiers, migrations.RunPython.noop)]
