"""Write a buyer's supplier registry as an OCDS release package (JSON)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from drive.api.ocds import ocds_package
from drive.core.params import parse_id
from drive.organisations.models import Organisation
from drive.suppliers.models import Supplier


class Command(BaseCommand):
    help = "Export a buyer's suppliers as OCDS 1.1 parties (a release package)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--buyer", required=True, help="The buyer organisation's id or exact name."
        )
        parser.add_argument(
            "--output", default="-", help="File to write (default: standard output)."
        )

    def handle(self, *args, buyer: str, output: str, **options) -> None:
        orgs = Organisation.objects.filter(kind="buyer")
        buyer_id = parse_id(buyer)
        org = (
            orgs.filter(pk=buyer_id) if buyer_id is not None else orgs.filter(name=buyer)
        ).first()
        if org is None:
            raise CommandError(f"No buyer organisation {buyer!r}.")
        suppliers = Supplier.objects.filter(buyer=org).order_by("legal_name", "id")
        text = json.dumps(ocds_package(suppliers, publisher=org), ensure_ascii=False, indent=2)
        if output == "-":
            sys.stdout.write(text + "\n")
        else:
            Path(output).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"Wrote {suppliers.count()} suppliers to {output}.")
