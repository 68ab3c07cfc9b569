"""python manage.py export_questionnaire CODE [--version N] [--owner ORG] --output PATH

Writes a version (default: the latest) as an XLSForm workbook that
``import_questionnaire`` reads back to the same content hash.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from drive.questionnaires.models import QuestionnaireVersion
from drive.questionnaires.services import version_definition
from drive.questionnaires.xlsform import write_xlsform

from ._owner import buyer_named


class Command(BaseCommand):
    help = "Export a questionnaire version as an XLSForm workbook."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version names the questionnaire version here, replacing Django's option.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser) -> None:
        parser.add_argument("code")
        parser.add_argument(
            "--version",
            dest="number",
            type=int,
            default=None,
            help="Version number (default: the latest).",
        )
        parser.add_argument("--owner", default="", help="Buyer organisation name or id.")
        parser.add_argument("--output", required=True, help="Path of the .xlsx to write.")

    def handle(
        self, *args, code: str, number: int | None, owner: str, output: str, **options
    ) -> None:
        versions = QuestionnaireVersion.objects.filter(
            questionnaire__code=code, questionnaire__owner=buyer_named(owner)
        ).select_related("questionnaire")
        if number is not None:
            versions = versions.filter(number=number)
        found = versions.order_by("-number").first()
        if found is None:
            raise CommandError(
                f"No questionnaire {code!r}"
                + (f" with version {number}." if number is not None else ".")
            )
        Path(output).write_bytes(write_xlsform(version_definition(found)))
        self.stdout.write(self.style.SUCCESS(f"{code} version {found.number} written to {output}"))
