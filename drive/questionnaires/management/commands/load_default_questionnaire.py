"""python manage.py load_default_questionnaire [--path PATH]

Creates and publishes the questionnaire shipped with DRiVE from
``drive/questionnaires/data/drive_default.json``. Idempotent: when the latest
published version has the file's content hash nothing is created; a changed file
gives a new published version.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from drive.questionnaires.definition import DefinitionRejected
from drive.questionnaires.services import questionnaire_load_shipped

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "drive_default.json"


class Command(BaseCommand):
    help = "Load (or update) the default DRiVE questionnaire."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--path", default=str(DEFAULT_PATH), help="Definition JSON file.")

    def handle(self, *args, path: str, **options) -> None:
        file_path = Path(path)
        if not file_path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            definition = json.loads(file_path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(f"{path} is not valid JSON: {error}") from error
        try:
            outcome = questionnaire_load_shipped(definition=definition)
        except DefinitionRejected as rejected:
            for issue in rejected.errors:
                self.stdout.write(f"error: {issue} ({'/'.join(map(str, issue.path))})")
            raise CommandError(rejected.message) from rejected
        version = outcome.version
        if outcome.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{version.questionnaire.code} version {version.number} published "
                    f"({version.questions.count()} questions)."
                )
            )
        else:
            self.stdout.write(
                f"{version.questionnaire.code} version {version.number} is up to date."
            )
