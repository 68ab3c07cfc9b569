"""Reading the shipped reference files (``drive/risk/data/``) and newer files of the same
shape. Parsing is separate from writing: a file is read and checked completely before
anything is stored, so a bad file changes nothing (``reference_data_load``)."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django_countries import countries

from drive.core.errors import DomainError
from drive.core.params import parse_id

DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_ERRORS = 10


class ReferenceFileInvalid(DomainError):
    """A reference file does not have the expected shape; ``errors`` lists the lines."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


@dataclass(frozen=True)
class IndexSpec:
    code: str
    name: str
    source: str
    source_url: str
    licence: str
    direction: str
    scale: str


INDICES: dict[str, IndexSpec] = {
    spec.code: spec
    for spec in [
        IndexSpec(
            "ituc_gri",
            "ITUC Global Rights Index",
            "ITUC Global Rights Index",
            "https://www.ituc-csi.org/global-rights-index",
            "ITUC; cite the source",
            "higher_more_risk",
            "1–5+ (5+ coded 6)",
        ),
        IndexSpec(
            "cpi",
            "Corruption Perceptions Index",
            "Transparency International",
            "https://www.transparency.org/en/cpi/2025",
            "Reuse with attribution (CC BY-ND 4.0)",
            "higher_less_risk",
            "0–100",
        ),
        *[
            IndexSpec(
                f"wgi_{key}",
                f"WGI {label} (percentile rank)",
                "World Bank, Worldwide Governance Indicators",
                "https://www.worldbank.org/en/publication/worldwide-governance-indicators",
                "CC BY 4.0",
                "higher_less_risk",
                "0–100 percentile rank",
            )
            for key, label in [
                ("va", "voice and accountability"),
                ("pv", "political stability and absence of violence"),
                ("ge", "government effectiveness"),
                ("rq", "regulatory quality"),
                ("rl", "rule of law"),
                ("cc", "control of corruption"),
            ]
        ],
        IndexSpec(
            "gsi_prevalence",
            "Global Slavery Index (prevalence per 1,000)",
            "Walk Free, Global Slavery Index",
            "https://www.walkfree.org/global-slavery-index/",
            "Walk Free; cite the source",
            "higher_more_risk",
            "people per 1,000 (0 and up)",
        ),
    ]
}


@dataclass
class IndicatorRow:
    index: str
    country: str  # ISO 3166-1 alpha-2
    year: int
    value: Decimal
    raw: str
    source: str
    source_url: str


@dataclass
class GoodRow:
    good: str
    dol_sector: str
    country: str
    child_labour: bool
    forced_labour: bool
    forced_child_labour: bool
    downstream: bool
    derived_from_country: str
    segments: list[int]
    year: int
    source: str
    source_url: str


@dataclass
class SectorRow:
    segment: int
    risk: int
    basis: str


@dataclass
class Parsed:
    indicators: list[IndicatorRow] = field(default_factory=list)
    goods: list[GoodRow] = field(default_factory=list)
    sectors: list[SectorRow] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


class _Errors:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, line: int, message: str) -> None:
        self.lines.append(_("line %(line)s: %(message)s") % {"line": line, "message": message})

    def raise_if_any(self, path: Path) -> None:
        if self.lines:
            raise ReferenceFileInvalid(
                _("%(file)s was not loaded: %(count)s problem(s); nothing was changed.")
                % {"file": path.name, "count": len(self.lines)},
                self.lines[:MAX_ERRORS],
            )


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise ReferenceFileInvalid(
            _("%(file)s cannot be read: %(error)s") % {"file": path, "error": error.strerror}
        ) from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [name for name in required if name not in (reader.fieldnames or [])]
        if missing:
            raise ReferenceFileInvalid(
                _("%(file)s is missing the column(s) %(columns)s; nothing was changed.")
                % {"file": path.name, "columns": ", ".join(missing)}
            )
        try:
            for number, row in enumerate(reader, start=2):
                yield number, {k: (v or "").strip() for k, v in row.items() if k}
        except (csv.Error, UnicodeDecodeError) as error:
            raise ReferenceFileInvalid(
                _("%(file)s is not a readable UTF-8 CSV file (%(error)s); nothing was changed.")
                % {"file": path.name, "error": error}
            ) from None


def _alpha2(code: str) -> str | None:
    return countries.alpha2(code) or None


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _year(text: str) -> int | None:
    year = parse_id(text)
    return year if year is not None and 1990 <= year <= 2100 else None


def _flag(text: str) -> bool | None:
    return {"true": True, "false": False, "": False}.get(text.lower())


def _indicator(
    parsed: Parsed,
    errors: _Errors,
    line: int,
    row: dict[str, str],
    *,
    index: str,
    iso3: str,
    value_text: str,
    raw: str,
    low: Decimal,
    high: Decimal | None,
) -> None:
    year = _year(row.get("year", ""))
    if year is None:
        errors.add(line, _("the year “%(year)s” is not a year.") % {"year": row.get("year")})
        return
    if not value_text:
        return  # the index does not cover this country: stored as no row, shown as "no data"
    value = _decimal(value_text)
    if value is None or value < low or (high is not None and value > high):
        errors.add(
            line, _("the value “%(value)s” is outside the index's scale.") % {"value": value_text}
        )
        return
    country = _alpha2(iso3)
    if country is None:
        parsed.skipped.append(iso3)
        return
    spec = INDICES[index]
    parsed.indicators.append(
        IndicatorRow(
            index=index,
            country=country,
            year=year,
            value=value,
            raw=raw or value_text,
            source=row.get("source") or spec.source,
            source_url=row.get("source_url") or spec.source_url,
        )
    )


def parse_ituc(path: Path) -> Parsed:
    parsed, errors = Parsed(), _Errors()
    ratings = {"1": "1", "2": "2", "3": "3", "4": "4", "5": "5", "5+": "6"}
    for line, row in _rows(path, ("iso3", "year", "rating")):
        rating = row["rating"]
        if rating not in ratings:
            errors.add(line, _("the rating “%(value)s” is not 1–5 or 5+.") % {"value": rating})
            continue
        _indicator(
            parsed,
            errors,
            line,
            row,
            index="ituc_gri",
            iso3=row["iso3"],
            value_text=ratings[rating],
            raw=rating,
            low=Decimal(1),
            high=Decimal(6),
        )
    errors.raise_if_any(path)
    return parsed


def parse_cpi(path: Path) -> Parsed:
    parsed, errors = Parsed(), _Errors()
    for line, row in _rows(path, ("iso3", "year", "cpi_score")):
        _indicator(
            parsed,
            errors,
            line,
            row,
            index="cpi",
            iso3=row["iso3"],
            value_text=row["cpi_score"],
            raw=row["cpi_score"],
            low=Decimal(0),
            high=Decimal(100),
        )
    errors.raise_if_any(path)
    return parsed


WGI_DIMENSIONS = ("va", "pv", "ge", "rq", "rl", "cc")


def parse_wgi(path: Path) -> Parsed:
    parsed, errors = Parsed(), _Errors()
    columns = tuple(f"{d}_pctrank" for d in WGI_DIMENSIONS)
    for line, row in _rows(path, ("wb_code", "year", *columns)):
        for dimension in WGI_DIMENSIONS:
            text = row[f"{dimension}_pctrank"]
            _indicator(
                parsed,
                errors,
                line,
                row,
                index=f"wgi_{dimension}",
                iso3=row["wb_code"],
                value_text=text,
                raw=text,
                low=Decimal(0),
                high=Decimal(100),
            )
    errors.raise_if_any(path)
    return parsed


def parse_gsi(path: Path) -> Parsed:
    parsed, errors = Parsed(), _Errors()
    for line, row in _rows(path, ("iso3", "year", "prevalence_per_1000")):
        text = row["prevalence_per_1000"]
        _indicator(
            parsed,
            errors,
            line,
            row,
            index="gsi_prevalence",
            iso3=row["iso3"],
            value_text=text,
            raw=text,
            low=Decimal(0),
            high=Decimal(1000),
        )
    errors.raise_if_any(path)
    return parsed


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def good_segments(path: Path | None = None) -> dict[str, list[int]]:
    """DRiVE's mapping of DOL good names to UNSPSC segments (``dol_good_segments.csv``)."""
    mapping: dict[str, list[int]] = {}
    for _line, row in _rows(path or DATA_DIR / "dol_good_segments.csv", ("good", "segments")):
        mapping[_nfc(row["good"])] = [int(s) for s in row["segments"].split()]
    return mapping


def parse_dol(path: Path, *, year: int = 2022) -> Parsed:
    parsed, errors = Parsed(), _Errors()
    mapping = good_segments()
    required = ("good", "sector", "iso3", "child_labor", "forced_labor", "forced_child_labor")
    for line, row in _rows(path, required):
        good = _nfc(row["good"])
        flags = [_flag(row.get(name, "")) for name in (*required[3:], "downstream_derived_good")]
        if not good or any(flag is None for flag in flags):
            errors.add(line, _("the good is empty or a True/False column has another value."))
            continue
        country = _alpha2(row["iso3"])
        if country is None:
            errors.add(line, _("“%(code)s” is not an ISO 3166 country.") % {"code": row["iso3"]})
            continue
        parsed.goods.append(
            GoodRow(
                good=good,
                dol_sector=row["sector"],
                country=country,
                child_labour=bool(flags[0]),
                forced_labour=bool(flags[1]),
                forced_child_labour=bool(flags[2]),
                downstream=bool(flags[3]),
                derived_from_country=row.get("derived_from_country", ""),
                segments=mapping.get(good, []),
                year=year,
                source=row.get("source") or "US DOL ILAB",
                source_url=row.get("source_url")
                or "https://www.dol.gov/agencies/ilab/reports/child-labor/list-of-goods",
            )
        )
    errors.raise_if_any(path)
    return parsed


def parse_sectors(path: Path) -> Parsed:
    parsed, errors = Parsed(), _Errors()
    for line, row in _rows(path, ("segment", "risk", "basis")):
        segment, risk = parse_id(row["segment"]), parse_id(row["risk"])
        if segment is None or risk is None or risk > 100:
            errors.add(line, _("segment and risk must be whole numbers, risk 0–100."))
            continue
        if not row["basis"]:
            errors.add(line, _("every sector risk needs its basis."))
            continue
        parsed.sectors.append(SectorRow(segment, risk, row["basis"]))
    errors.raise_if_any(path)
    return parsed


@dataclass(frozen=True)
class Dataset:
    code: str
    default_file: str
    parse: Callable[[Path], Parsed]
    label: str


DATASETS: dict[str, Dataset] = {
    d.code: d
    for d in [
        Dataset("sector_risk", "sector_risk_defaults.csv", parse_sectors, "sector defaults"),
        Dataset("ituc_gri", "ituc_gri_2025.csv", parse_ituc, "ITUC Global Rights Index"),
        Dataset("cpi", "cpi_2012_2025.csv", parse_cpi, "Corruption Perceptions Index"),
        Dataset("wgi", "wgi_2022.csv", parse_wgi, "Worldwide Governance Indicators"),
        Dataset("gsi", "gsi_2023.csv", parse_gsi, "Global Slavery Index"),
        Dataset("dol_goods", "dol_tvpra_goods_2022.csv", parse_dol, "US DOL goods list"),
    ]
}


def dataset_path(code: str) -> Path:
    return DATA_DIR / DATASETS[code].default_file


def describe(parsed: Parsed) -> dict[str, Any]:
    return {
        "indicators": len(parsed.indicators),
        "goods": len(parsed.goods),
        "sectors": len(parsed.sectors),
        "skipped": sorted(set(parsed.skipped)),
    }
