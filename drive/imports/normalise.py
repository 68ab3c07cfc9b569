"""Turning one messy spreadsheet row into clean supplier values (or row errors)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import translation
from django_countries import countries
from ftfy.badness import is_bad

from drive.imports.columns import MAX_LENGTH
from drive.suppliers.identifiers import IDENTIFIER_NORMALISERS
from drive.suppliers.matching import sector_key

# Spaces that spreadsheets and Chinese input methods leave behind.
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")

# Common variants that are not django-countries' English or Chinese names.
COUNTRY_ALIASES = {
    "viet nam": "VN",
    "vietnam": "VN",
    "中华人民共和国": "CN",
    "中国大陆": "CN",
    "mainland china": "CN",
    "prc": "CN",
    "people's republic of china": "CN",
    "usa": "US",
    "united states": "US",
    "america": "US",
    "美国": "US",
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "英国": "GB",
    "south korea": "KR",
    "korea": "KR",
    "republic of korea": "KR",
    "韩国": "KR",
    "russia": "RU",
    "russian federation": "RU",
    "turkey": "TR",
    "türkiye": "TR",
    "czech republic": "CZ",
    "ivory coast": "CI",
    "cote d'ivoire": "CI",
    "laos": "LA",
    "iran": "IR",
    "syria": "SY",
    "bolivia": "BO",
    "tanzania": "TZ",
    "moldova": "MD",
    "macedonia": "MK",
    "hong kong sar": "HK",
    "香港特别行政区": "HK",
    "中国香港": "HK",
    "macao": "MO",
    "macau": "MO",
    "澳门": "MO",
    "中国澳门": "MO",
    "taiwan": "TW",
    "中国台湾": "TW",
    "holland": "NL",
    "burma": "MM",
    "swaziland": "SZ",
    "cape verde": "CV",
    "east timor": "TL",
    "vatican": "VA",
    "vatican city": "VA",
    "holy see": "VA",
    "holy see (vatican city state)": "VA",
    "uae": "AE",
    # UN documents' own short forms and the forms found in UNGM downloads.
    "kosovo": "XK",
    "kosovo (under unscr 1244)": "XK",
    "kosovo (under un security council resolution 1244)": "XK",
    "kosovo*": "XK",
    "科索沃": "XK",
    "state of palestine": "PS",
    "palestine": "PS",
    "bolivia (plurinational state of)": "BO",
    "iran (islamic republic of)": "IR",
    "venezuela (bolivarian republic of)": "VE",
    "venezuela": "VE",
    "micronesia (federated states of)": "FM",
    "republic of moldova": "MD",
    "united republic of tanzania": "TZ",
    "democratic people's republic of korea": "KP",
    "north korea": "KP",
    "lao people's democratic republic": "LA",
    "syrian arab republic": "SY",
    "united kingdom of great britain and northern ireland": "GB",
    "united states of america": "US",
    "democratic republic of the congo": "CD",
    "dr congo": "CD",
    "drc": "CD",
    "republic of the congo": "CG",
    "congo": "CG",
    "north macedonia": "MK",
    "eswatini": "SZ",
    "cabo verde": "CV",
    "timor-leste": "TL",
    "czechia": "CZ",
    "turkiye": "TR",
    "republic of türkiye": "TR",
    "côte d'ivoire": "CI",
    "brunei": "BN",
    "myanmar": "MM",
    "越南": "VN",
}


def clean_text(value: object) -> str:
    """Trim and collapse stray spaces (incl. non-breaking and ideographic); keep the script."""
    text = str(value or "")
    if "\u200b" in text or "\ufeff" in text:  # the two of _SPACES that str.split keeps
        return _SPACES.sub(" ", text).strip()
    # The same result, about twice as fast: str.split() splits on exactly the characters
    # the regular expression's \s matches (str.isspace), the rest of _SPACES among them.
    return " ".join(text.split())


def clean_ascii(value: object) -> str:
    """For identifiers, numbers and emails: NFKC folds full-width digits and punctuation."""
    return clean_text(unicodedata.normalize("NFKC", str(value or "")))


def _country_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s.,'’()\-_*]+", "", text)


@lru_cache(maxsize=1)
def country_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for country in countries:
                table[_country_key(str(country.name))] = country.code
    for country in countries:
        table[_country_key(country.code)] = country.code
        alpha3 = countries.alpha3(country.code)
        if alpha3:
            table[_country_key(alpha3)] = country.code
    for alias, code in COUNTRY_ALIASES.items():
        table[_country_key(alias)] = code
    return table


def country_code(value: str) -> str | None:
    if not value:
        return None
    return country_table().get(_country_key(value))


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_TRUE = {"yes", "y", "true", "t", "1", "是", "x", "oui", "si", "sí"}
_FALSE = {"no", "n", "false", "f", "0", "否", "non", ""}
_SECTOR_SPLIT = re.compile(r"[;,|/；，、\n]+")
_CODES = re.compile(r"^[\d\s]+$")
_TEXT_COLUMNS = ("legal_name", "local_name", "city", "address", "contact_name")


def looks_garbled(text: str) -> bool:
    """Text that looks mis-decoded (mojibake such as "£¬" for "，" or "Ã©" for "é")."""
    return bool(text) and not text.isascii() and is_bad(text)


_url_validator = URLValidator(schemes=["http", "https"])
# Plain addresses that Django's validators certainly accept, checked by one regular
# expression (a fraction of the validators' cost, about a third of cleaning a row);
# anything else goes through the validators. ASCII only: with IGNORECASE, [a-z] would
# also match "K" (the Kelvin sign) and "ſ".
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_PLAIN_URL = re.compile(
    rf"https?://(?:{_LABEL}\.)+[a-z]{{2,63}}(?:[/?#][^\s]*)?", re.IGNORECASE | re.ASCII
)
_ATOM = r"[-!#$%&'*+/=?^_`{}|~0-9a-z]+"
_PLAIN_EMAIL = re.compile(
    rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[a-z]{{2,63}}", re.IGNORECASE | re.ASCII
)


def _valid(value: str, plain: re.Pattern[str], validator: Callable[[str], None]) -> bool:
    if len(value) <= 253 and value.isascii() and plain.fullmatch(value):
        return True
    try:
        validator(value)
    except ValidationError:
        return False
    return True


def valid_url(url: str) -> bool:
    """An http(s) address Django's ``URLValidator`` accepts."""
    return _valid(url, _PLAIN_URL, _url_validator)


def valid_email(email: str) -> bool:
    """An e-mail address Django's ``validate_email`` accepts."""
    return _valid(email, _PLAIN_EMAIL, validate_email)


@dataclass
class CleanRow:
    values: dict[str, object]
    sectors: tuple[int, ...] | None  # None when the file has no sectors column
    errors: list[tuple[str, str, dict]] = field(default_factory=list)  # (column, code, params)
    # Warnings never reject the row: (column, code, params).
    warnings: list[tuple[str, str, dict]] = field(default_factory=list)
    # matching.name_key of the legal name, when computed with the cleaning (in the worker
    # process of engine.Cleaner, off the main process's path); "" = not computed.
    name_key: str = ""


def clean_row(
    raw: dict[str, str],
    sector_codes: frozenset[int],
    synonyms: dict[str, int] | None = None,
) -> CleanRow:
    """Validate one row given as column name → cell text (only the file's columns).

    ``synonyms`` (``matching.sector_key`` → UNSPSC segment) turns sector words into
    segments; words it does not know are kept as text (``sector_text``) with a warning.
    A row needs no identifier: without one it is matched by name and country.
    """
    values: dict[str, object] = {}
    errors: list[tuple[str, str, dict]] = []
    warnings: list[tuple[str, str, dict]] = []
    synonyms = synonyms or {}

    def error(column: str, error_code: str, **params: object) -> None:
        errors.append((column, error_code, params))

    for column, cell in raw.items():
        limit = MAX_LENGTH.get(column)
        if cell[:1] == "'" and cell[1:2] in _FORMULA_STARTS:
            cell = cell[1:]  # our own export's protection against formula injection
        text = clean_text(cell) if column in _TEXT_COLUMNS else clean_ascii(cell)
        if column in _TEXT_COLUMNS and looks_garbled(text):
            warnings.append((column, "text_garbled", {}))
        if limit and len(text) > limit:
            error(column, "too_long", max=limit)
            continue
        values[column] = text

    if "legal_name" in values and not values["legal_name"]:
        error("legal_name", "required")
    for key, normalise in IDENTIFIER_NORMALISERS.items():
        if key in values:
            values[key] = normalise(values[key])
    if "country" in values:
        code = country_code(str(values["country"]))
        if not values["country"]:
            error("country", "required")
        elif code is None:
            error("country", "country_unknown")
        values["country"] = code or ""
    if values.get("website"):
        url = str(values["website"])
        if "://" not in url:
            url = "https://" + url
        if valid_url(url):
            values["website"] = url
        else:
            error("website", "url_invalid")
    if values.get("contact_email"):
        email = str(values["contact_email"]).lower()
        if valid_email(email):
            values["contact_email"] = email
        else:
            error("contact_email", "email_invalid")
    if "employees" in values:
        text = re.sub(r"[,\s_']", "", str(values["employees"]))
        if not text:
            values["employees"] = None
        elif not text.isdigit():
            error("employees", "integer_invalid")
        elif int(text) > 2_147_483_647:
            error("employees", "number_too_large")
        else:
            values["employees"] = int(text)
    if "annual_turnover_usd" in values:
        text = re.sub(r"[,\s_'$]|usd|us\$", "", str(values["annual_turnover_usd"]).lower())
        if not text:
            values["annual_turnover_usd"] = None
        else:
            try:
                amount = Decimal(text).quantize(Decimal("0.01"))
                if amount < 0 or not amount.is_finite():
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                error("annual_turnover_usd", "decimal_invalid")
            else:
                if amount >= Decimal(10) ** 14:
                    error("annual_turnover_usd", "number_too_large")
                else:
                    values["annual_turnover_usd"] = amount
    if "women_owned" in values:
        text = str(values["women_owned"]).casefold()
        if text in _TRUE:
            values["women_owned"] = True
        elif text in _FALSE:
            values["women_owned"] = False
        else:
            error("women_owned", "boolean_invalid")
    sectors: tuple[int, ...] | None = None
    if "sectors" in values:
        codes: list[int] = []
        unknown: list[str] = []
        # The sectors cell is read as written (not NFKC'd away) so Chinese words stay.
        for part in _SECTOR_SPLIT.split(clean_text(raw.get("sectors", ""))):
            part = part.strip()
            if not part:
                continue
            folded = unicodedata.normalize("NFKC", part)
            if _CODES.match(folded):
                for number in folded.split():
                    code = int(number[:2]) if len(number) in (2, 8) else None
                    if code is None or code not in sector_codes:
                        error("sectors", "sector_invalid", code=number[:20])
                        break
                    if code not in codes:
                        codes.append(code)
                continue
            synonym = synonyms.get(sector_key(part))
            if synonym is not None:
                if synonym not in codes:
                    codes.append(synonym)
            elif part not in unknown:
                unknown.append(part)
        if unknown:
            warnings.append(("sectors", "sector_unknown", {"text": "; ".join(unknown)[:200]}))
        sectors = tuple(sorted(codes))
        values.pop("sectors")
        values["sector_text"] = "; ".join(unknown)[:500]
    return CleanRow(values=values, sectors=sectors, errors=errors, warnings=warnings)
