"""Turning one messy spreadsheet row into clean supplier values (or row errors)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import translation
from django_countries import countries

from drive.imports.columns import MAX_LENGTH
from drive.suppliers.identifiers import IDENTIFIER_NORMALISERS

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
    "uae": "AE",
}


def clean_text(value: object) -> str:
    """Trim and collapse stray spaces (incl. non-breaking and ideographic); keep the script."""
    return _SPACES.sub(" ", str(value or "")).strip()


def clean_ascii(value: object) -> str:
    """For identifiers, numbers and emails: NFKC folds full-width digits and punctuation."""
    return clean_text(unicodedata.normalize("NFKC", str(value or "")))


def _country_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s.,'’()\-_]+", "", text)


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
_SECTOR_SPLIT = re.compile(r"[;,|\s；，、]+")
_url_validator = URLValidator(schemes=["http", "https"])


@dataclass
class CleanRow:
    values: dict[str, object]
    sectors: tuple[int, ...] | None  # None when the file has no sectors column
    errors: list[tuple[str, str, dict]] = field(default_factory=list)  # (column, code, params)


def clean_row(raw: dict[str, str], sector_codes: frozenset[int]) -> CleanRow:
    """Validate one row given as column name → cell text (only the file's columns)."""
    values: dict[str, object] = {}
    errors: list[tuple[str, str, dict]] = []

    def error(column: str, error_code: str, **params: object) -> None:
        errors.append((column, error_code, params))

    for column, cell in raw.items():
        limit = MAX_LENGTH.get(column)
        if cell[:1] == "'" and cell[1:2] in _FORMULA_STARTS:
            cell = cell[1:]  # our own export's protection against formula injection
        text = (
            clean_text(cell)
            if column in ("legal_name", "local_name", "city", "address", "contact_name")
            else clean_ascii(cell)
        )
        if limit and len(text) > limit:
            error(column, "too_long", max=limit)
            continue
        values[column] = text

    if "legal_name" in values and not values["legal_name"]:
        error("legal_name", "required")
    for key, normalise in IDENTIFIER_NORMALISERS.items():
        if key in values:
            values[key] = normalise(values[key])
    key_errors = any(c in ("registration_number", "ungm_vendor_number") for c, _, _ in errors)
    has_key = values.get("registration_number") or values.get("ungm_vendor_number")
    if not has_key and not key_errors:
        error(
            "ungm_vendor_number" if "ungm_vendor_number" in raw else "registration_number",
            "key_required",
        )
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
        try:
            _url_validator(url)
            values["website"] = url
        except ValidationError:
            error("website", "url_invalid")
    if values.get("contact_email"):
        email = str(values["contact_email"]).lower()
        try:
            validate_email(email)
            values["contact_email"] = email
        except ValidationError:
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
        for part in _SECTOR_SPLIT.split(str(values["sectors"])):
            if not part:
                continue
            code = int(part[:2]) if part.isdigit() and len(part) in (2, 8) else None
            if code is None or code not in sector_codes:
                error("sectors", "sector_invalid", code=part[:20])
                break
            if code not in codes:
                codes.append(code)
        sectors = tuple(sorted(codes))
        values.pop("sectors")
    return CleanRow(values=values, sectors=sectors, errors=errors)
