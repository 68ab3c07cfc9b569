"""Every user-visible string has a Simplified Chinese translation (house rule 4)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "drive" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[str]:
    # Entries are separated by blank lines; the first one is the header.
    return [block for block in text.split("\n\n")[1:] if "msgid" in block]


def _untranslated(block: str) -> bool:
    lines = block.splitlines()
    if any(line.startswith("#,") and "fuzzy" in line for line in lines):
        return True
    targets = [i for i, line in enumerate(lines) if line.startswith("msgstr")]
    for i in targets:
        value = lines[i].split(" ", 1)[1]
        continuation = [line for line in lines[i + 1 :] if line.startswith('"')]
        if value == '""' and not any(line != '""' for line in continuation[:1]):
            return True
    return False


def test_the_chinese_catalogue_is_complete():
    blocks = _entries(CATALOGUE.read_text(encoding="utf-8"))
    missing = [block.splitlines()[-2:] for block in blocks if _untranslated(block)]
    assert len(blocks) > 1000
    assert missing == []


def test_pages_speak_chinese_from_the_compiled_catalogue():
    with translation.override("zh-hans"):
        assert translation.gettext("Suppliers") == "供应商"
        assert translation.gettext("Sign in") == "登录"
