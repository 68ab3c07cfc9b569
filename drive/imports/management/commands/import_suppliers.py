"""python manage.py import_suppliers PATH --buyer "<organisation name or id>" [--dry-run]
[--only-valid] [--map "Vendor Name=legal_name" ...] [--mapping FILE.json]

Same services as the upload page: the file is stored as an import job, its headings are
mapped to DRiVE's fields (the buyer's remembered mapping for the same headings, else the
known headings, then ``--mapping`` and ``--map`` on top), checked, and applied in one
transaction. ``--dry-run`` only checks the file and prints what would change (no job, no
supplier). Exits with an error (non-zero) when the file is rejected or, without
``--only-valid``, when any row is invalid.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from drive.core.errors import DomainError
from drive.core.params import parse_id
from drive.imports import engine, services
from drive.imports.columns import COLUMN_NAMES, header_key
from drive.imports.messages import rejection_message, row_message
from drive.imports.models import ImportStatus
from drive.imports.readers import Rejected, open_table
from drive.organisations.models import Organisation, OrganisationKind

IGNORE = ("", "ignore", "-")


class Command(BaseCommand):
    help = "Import suppliers from a CSV or XLSX file into a buyer's registry."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument("--buyer", required=True, help="Buyer organisation name or id.")
        parser.add_argument("--dry-run", action="store_true", help="Check only; change nothing.")
        parser.add_argument(
            "--only-valid",
            action="store_true",
            help="Import the valid rows even if some rows are invalid.",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADING=FIELD",
            help='Map a heading of the file to a field, e.g. "Vendor Name=legal_name" '
            '("Heading=ignore" ignores it). Repeat for each column. Fields: '
            + ", ".join(COLUMN_NAMES),
        )
        parser.add_argument(
            "--mapping",
            metavar="FILE.json",
            help='A JSON file {"heading": "field", ...} (same as --map for each pair).',
        )

    def _buyer(self, value: str) -> Organisation:
        buyers = Organisation.objects.filter(kind=OrganisationKind.BUYER)
        number = parse_id(value)
        found = buyers.filter(pk=number).first() if number is not None else None
        found = found or buyers.filter(name__iexact=value).first()
        if found is None:
            raise CommandError(f"No buyer organisation named or numbered {value!r}.")
        return found

    def _choices(self, maps: list[str], mapping_file: str | None) -> dict[str, str]:
        """heading key → field (or "" to ignore), from --mapping then --map."""
        pairs: list[tuple[str, str]] = []
        if mapping_file:
            try:
                data = json.loads(Path(mapping_file).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read the mapping file {mapping_file}: {exc}") from None
            if not isinstance(data, dict):
                raise CommandError('The mapping file must hold {"heading": "field", ...}.')
            pairs += [(str(k), str(v or "")) for k, v in data.items()]
        for item in maps:
            heading, sep, field = item.rpartition("=")
            if not sep:
                raise CommandError(f'--map takes "Heading=field", not {item!r}.')
            pairs.append((heading, field))
        choices: dict[str, str] = {}
        for heading, field in pairs:
            field = field.strip()
            if field.casefold() in IGNORE:
                field = ""
            elif field not in COLUMN_NAMES:
                raise CommandError(
                    f"Unknown field {field!r} for {heading!r}. Fields: {', '.join(COLUMN_NAMES)}"
                )
            choices[header_key(heading)] = field
        return choices

    def _mapping(
        self, headers: list[str], organisation: Organisation, choices: dict[str, str]
    ) -> dict[str, int]:
        mapping = services.propose_mapping(buyer=organisation, headers=headers)
        keys = [header_key(h) for h in headers]
        for key, field in choices.items():
            if key not in keys:
                raise CommandError(
                    f"The file has no column {key!r}. Its headings: {', '.join(headers)}"
                )
            index = keys.index(key)
            mapping = {f: i for f, i in mapping.items() if i != index and f != field}
            if field:
                mapping[field] = index
        for field, index in sorted(mapping.items(), key=lambda item: item[1]):
            self.stdout.write(f"  {headers[index]!r} → {field}")
        return mapping

    def _report(self, errors: list[dict], error_count: int, label: str = "errors") -> None:
        for error in errors:
            where = f"row {error['row']}, {error['column']}" if error["row"] else "file"
            self.stdout.write(
                f"{where}: {row_message(error['code'], error.get('params'))} [{error['value']!r}]"
            )
        if error_count > len(errors):
            self.stdout.write(f"... and {error_count - len(errors)} more {label}")

    def _duplicates(self, duplicates: list[dict]) -> None:
        if not duplicates:
            return
        self.stdout.write(f"Possible duplicates ({len(duplicates)}):")
        for item in duplicates:
            other = (
                f"row {item['other_row']}" if item.get("other_row") else "already in the registry"
            )
            decision = {"same": "same supplier: not imported", "different": "kept apart"}.get(
                item["decision"], "undecided: imported as a separate supplier"
            )
            self.stdout.write(
                f"  row {item['row']} {item['name']!r} ~ {item['other_name']!r} ({other}, "
                f"{item['country']}, {item['score']}% alike) — {decision}"
            )
        self.stdout.write("  Decide on the import's page to record same / different.")

    def _headers(self, file_path: Path) -> tuple[list[str], str]:
        table = open_table(file_path, limit=1)
        if table.close:
            table.close()  # type: ignore[operator]
        return [str(h or "").strip() for h in table.headers], table.encoding

    def handle(self, *args, path: str, buyer: str, dry_run: bool, only_valid: bool, **options):
        organisation = self._buyer(buyer)
        file_path = Path(path)
        if not file_path.is_file():
            raise CommandError(f"No such file: {path}")
        choices = self._choices(options.get("map") or [], options.get("mapping"))
        started = time.monotonic()
        try:
            headers, encoding = self._headers(file_path)
        except Rejected as exc:
            raise CommandError(exc.message) from None
        if encoding:
            self.stdout.write(f"Text encoding: {encoding}")
        self.stdout.write("Columns:")
        mapping = self._mapping(headers, organisation, choices)
        used = set(mapping.values())
        ignored = [h for i, h in enumerate(headers) if i not in used and h]
        self.stdout.write(f"Columns ignored: {', '.join(ignored) if ignored else 'none'}")
        if dry_run:
            self._dry_run(file_path, organisation, mapping, only_valid)
            return
        with open(file_path, "rb") as handle:
            job = services.import_create(
                buyer=organisation, file=File(handle, name=file_path.name), by=None
            )
        job = services.import_inspect(job=job)
        if job.status != ImportStatus.MAPPING:
            raise CommandError(rejection_message(job.rejection_code, job.rejection_params))
        try:
            job = services.import_map(job=job, mapping=mapping, by=None)
        except DomainError as exc:
            services.import_cancel(job=job, by=None)
            raise CommandError(exc.message) from None
        job = services.import_validate(job=job)
        if job.status != ImportStatus.VALIDATED:
            raise CommandError(rejection_message(job.rejection_code, job.rejection_params))
        self._report(job.errors, job.error_count)
        self._report(job.warnings, job.warning_count, "warnings")
        self._duplicates(job.duplicates)
        if job.invalid and not only_valid:
            services.import_cancel(job=job, by=None)
            raise CommandError(
                f"{job.invalid} of {job.total} rows are invalid; nothing was imported "
                "(use --only-valid to import the others)."
            )
        if job.valid == 0:
            services.import_cancel(job=job, by=None)
            raise CommandError(rejection_message("no_valid_rows"))
        job = services.import_apply(job=job, only_valid=only_valid, by=None)
        if job.status != ImportStatus.DONE:
            raise CommandError(rejection_message(job.rejection_code, job.rejection_params))
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {job.total} rows: {job.created} created, {job.updated} updated, "
                f"{job.unchanged} unchanged, {job.invalid} invalid "
                f"({job.total / seconds if seconds else 0:.0f} rows/s)."
            )
        )

    def _dry_run(
        self, file_path: Path, organisation: Organisation, mapping: dict, only_valid: bool
    ) -> None:
        try:
            outcome = engine.run(file_path, buyer=organisation, mapping=mapping)
        except Rejected as exc:
            raise CommandError(exc.message) from None
        self._report(outcome.errors, outcome.error_count)
        self._report(outcome.warnings, outcome.warning_count, "warnings")
        self._duplicates(outcome.duplicates)
        if outcome.preview:
            self.stdout.write("What would change (first rows):")
            for item in outcome.preview[:10]:
                change = (
                    "new" if item["action"] == "create" else "update " + ", ".join(item["fields"])
                )
                self.stdout.write(
                    f"  row {item['row']}: {item['legal_name']} ({item['country']}) — {change}"
                )
        self.stdout.write(
            f"Dry run: {outcome.total} rows, {outcome.create} new, "
            f"{outcome.update} updated, {outcome.unchanged} unchanged, "
            f"{outcome.invalid} invalid ({outcome.rows_per_second:.0f} rows/s). "
            "Nothing was changed."
        )
        if outcome.invalid and not only_valid:
            raise CommandError(f"{outcome.invalid} invalid rows.")
        if outcome.valid == 0:
            raise CommandError(rejection_message("no_valid_rows"))
