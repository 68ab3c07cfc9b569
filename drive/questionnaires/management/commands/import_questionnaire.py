"""python manage.py import_questionnaire PATH [--code CODE] [--owner ORG] [--publish]
[--skip-unsupported]

Imports an XLSForm workbook as a new draft version (or published, with
``--publish``) of the questionnaire CODE (default: the form_id of the settings
sheet, else the file name). Without ``--owner`` the questionnaire is shipped
with DRiVE (visible to every buyer). A rejected file creates nothing and exits
non-zero, listing each error and unsupported row by sheet, row and column.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from drive.questionnaires.definition import DefinitionRejected
from drive.questionnaires.services import questionnaire_import_xlsform

from ._owner import buyer_named


class Command(BaseCommand):
    help = "Import an XLSForm workbook as a questionnaire version."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument("--code", default="", help="Questionnaire code (default: form_id).")
        parser.add_argument("--owner", default="", help="Buyer organisation name or id.")
        parser.add_argument("--publish", action="store_true", help="Publish the new version.")
        parser.add_argument(
            "--skip-unsupported",
            action="store_true",
            help="Leave out unsupported rows instead of rejecting the file.",
        )

    def handle(
        self,
        *args,
        path: str,
        code: str,
        owner: str,
        publish: bool,
        skip_unsupported: bool,
        **options,
    ) -> None:
        organisation = buyer_named(owner)
        file_path = Path(path)
        if not file_path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            with file_path.open("rb") as handle:
                outcome = questionnaire_import_xlsform(
                    file=handle,
                    owner=organisation,
                    by=None,
                    code=code,
                    publish=publish,
                    skip_unsupported=skip_unsupported,
                    filename=file_path.name,
                )
        except DefinitionRejected as rejected:
            for issue in rejected.errors:
                self.stdout.write(f"error: {issue}")
            for issue in rejected.unsupported:
                self.stdout.write(f"unsupported: {issue}")
            raise CommandError(rejected.message) from rejected
        for issue in outcome.skipped:
            self.stdout.write(f"skipped: {issue}")
        version = outcome.version
        self.stdout.write(
            self.style.SUCCESS(
                f"{version.questionnaire.code} version {version.number} ({version.status}): "
                f"{version.questions.count()} questions"
            )
        )
