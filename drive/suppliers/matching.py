"""The one home of "are these two names the same company?" (STYLE.md §8d).

Real supplier lists (an agency's vendor export, a brand's factory list, a UNGM download)
often carry no registration or UNGM number, so a supplier is recognised by its name in
its country. ``name_key`` is the form stored on ``Supplier.match_key`` (indexed with the
buyer and the country) and compared by imports: case, punctuation, spaces, full-width
characters and legal-form suffixes ("Co., Ltd", "Limited", "有限公司"...) do not count.
``similarity`` scores near-identical keys for the "possible duplicate" review.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import Indel

# Legal-form words, removed from the END of a name (repeatedly: "Co., Ltd." is two).
# Lower-case, compared after NFKC and case-folding, with punctuation already turned
# into spaces. Chinese forms are matched without spaces (Chinese names have none).
_LATIN_FORMS = (
    "co ltd",
    "company limited",
    "company ltd",
    "co limited",
    "corporation limited",
    "limited",
    "ltd",
    "llc",
    "l l c",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "company",
    "co",
    "plc",
    "pvt",
    "private",
    "pte",
    "pty",
    "gmbh",
    "ag",
    "sa",
    "s a",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "ab",
    "as",
    "oy",
    "jsc",
    "ojsc",
    "pjsc",
    "tbk",
    "bhd",
    "sdn bhd",
    "kk",
    "jsc",
    "group",
)
_CJK_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "集团",
    "公司",
    "有限會社",
    "株式会社",
    "有限會司",
    "有限公司",
    "厂",
    "工厂",
)
_LATIN_RE = re.compile(
    r"(?:\s(?:"
    + "|".join(re.escape(f) for f in sorted(_LATIN_FORMS, key=len, reverse=True))
    + r"))+$"
)
_CJK_RE = re.compile(
    "(?:" + "|".join(re.escape(f) for f in sorted(_CJK_FORMS, key=len, reverse=True)) + ")+$"
)
_PUNCT = re.compile(r"[^\w]+", re.UNICODE)
_UNDERSCORE = re.compile(r"_+")

# Ratio (0-100) from which two keys of the same country are "possible duplicates".
SIMILAR_FROM = 88.0


def _words(text: object) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).casefold()
    text = text.replace("&", " and ")
    text = _UNDERSCORE.sub(" ", _PUNCT.sub(" ", text))
    return " ".join(text.split())


def name_key(name: object) -> str:
    """The comparable form of a company name: ``"ACME Garments Co., Ltd."`` and
    ``"Acme  garments co ltd"`` and ``"ＡＣＭＥ Garments Limited"`` all give
    ``"acmegarments"``. A name that is nothing but a legal form keeps it."""
    words = _words(name)
    stripped = _LATIN_RE.sub("", " " + words).strip()
    compact = stripped.replace(" ", "")
    without_cjk = _CJK_RE.sub("", compact)
    return (without_cjk or compact or words.replace(" ", ""))[:255]


def place_key(text: object) -> str:
    """City or address compared the same way (case, punctuation and spaces ignored)."""
    return _words(text).replace(" ", "")[:255]


def similarity(a: str, b: str) -> float:
    """0-100: how alike two name keys are (normalised Indel similarity, as difflib's ratio)."""
    return float(Indel.normalized_similarity(a, b) * 100.0)


def are_similar(a: str, b: str) -> bool:
    return bool(a and b and a != b and similarity(a, b) >= SIMILAR_FROM)


def sector_key(text: object) -> str:
    """A sector word as looked up in the synonym table ("Apparel " → "apparel")."""
    return _words(text)[:100]
