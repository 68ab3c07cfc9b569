"""The data migration that gives stored versions of the shipped questionnaire their new
red flags (docs/red_flags.md): only empty rules are filled, the content hash follows, and
loading the shipped file afterwards finds the version up to date."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps

from drive.questionnaires.management.commands.load_default_questionnaire import DEFAULT_PATH
from drive.questionnaires.models import Question
from drive.questionnaires.services import (
    content_hash,
    questionnaire_load_shipped,
    version_definition,
)

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "drive.questionnaires.migrations.0002_red_flags_core_labour_standards"
)


def test_old_versions_get_the_new_red_flags_and_a_matching_hash():
    definition = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    version = questionnaire_load_shipped(definition=definition).version
    # As stored before the review: no rule on the three questions.
    Question.objects.filter(version=version, code__in=migration.RED_FLAGS).update(red_flag="")
    version.content_hash = content_hash(version_definition(version))
    version.save(update_fields=["content_hash"])
    Question.objects.filter(version=version, code="hs_exits").update(red_flag=". = 'no'")

    migration.add_red_flags(apps, None)

    rules = dict(
        Question.objects.filter(version=version, code__in=migration.RED_FLAGS).values_list(
            "code", "red_flag"
        )
    )
    assert rules == migration.RED_FLAGS
    version.refresh_from_db()
    assert version.content_hash == content_hash(version_definition(version))
    # The shipped file now matches: nothing new is published.
    assert not questionnaire_load_shipped(definition=definition).created
