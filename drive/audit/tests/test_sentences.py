"""Histories read as sentences: every action code written in DRiVE's code has a sentence,
and a code nobody described still reads as one ("Change recorded"), never as the code."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

from drive.audit.sentences import SENTENCES, sentence_for
from drive.core.testing import catalogue_fragments

ACTION = re.compile(r"""\baction=f?["']([a-z_]+\.[a-z_.{}]+)["']""")
# The f-string actions, spelled out.
DYNAMIC = {
    "supplier.{noun}_": ["agreement", "certification", "contact"],
}


def _written_actions() -> set[str]:
    root = Path(settings.BASE_DIR) / "drive"
    found = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for code in ACTION.findall(path.read_text(encoding="utf-8")):
            if "{" not in code:
                found.add(code)
    return found


def test_every_action_written_in_the_code_has_a_sentence():
    missing = sorted(code for code in _written_actions() if code not in SENTENCES)
    assert missing == [], f"add a sentence to drive/audit/sentences.py for {missing}"
    for noun in DYNAMIC["supplier.{noun}_"]:
        for verb in ("added", "updated", "deleted"):
            assert f"supplier.{noun}_{verb}" in SENTENCES
    for to in ("accepted", "rejected"):
        assert f"scoring.appeal.{to}" in SENTENCES


def test_an_unknown_code_reads_as_a_sentence_not_a_code():
    assert sentence_for("nobody.described_this") == "Change recorded"
    assert sentence_for("answer.changed") == "Answer changed"


def test_sentences_are_translated():
    with catalogue_fragments("zh-hans"), translation.override("zh-hans"):
        assert sentence_for("answer.changed") == "回答已修改"
