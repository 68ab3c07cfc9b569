"""The streaming import core, shared by the pages, the background tasks, the command and
the benchmark. It knows nothing of jobs or requests: it reads a file row by row, plans
each row (create / update / unchanged / invalid) batch by batch, and optionally writes.

Memory stays constant whatever the file size: rows are read by a generator, handled in
batches of ``BATCH_SIZE`` (one lookup query for existing suppliers per batch, plus one
for their sectors and one for their contacts), and the keys needed to find duplicate
rows inside the file are kept in a temporary on-disk SQLite table (stdlib ``sqlite3`` in
a ``NamedTemporaryFile``), not in a Python dict that would grow with the file.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import sqlite3
import tempfile
import time
from collections import deque
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple, cast

from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.db.models import F, Field, Lookup, QuerySet
from django.utils import timezone

from drive.accounts.models import User
from drive.audit import bulk
from drive.audit.services import audit_record_copied, audit_record_rows
from drive.events.services import event_record
from drive.imports import bulkload, plans
from drive.imports.columns import COLUMN_NAMES, REQUIRED_COLUMNS, map_headers
from drive.imports.models import DuplicateDecision
from drive.imports.normalise import CleanRow, clean_row, country_table
from drive.imports.readers import Rejected, open_table
from drive.organisations.models import Organisation
from drive.suppliers.matching import are_similar, name_key, place_key, similarity
from drive.suppliers.models import Contact, Sector, SectorSynonym, Supplier, SupplierSector
from drive.suppliers.services import PROFILE_FIELDS, supplier_snapshot
from drive.suppliers.sizing import size_class_for

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
# Rows created before the first ANALYZE of the registry inside an import (Writer._analyze).
ANALYZE_AFTER = 10_000
MAX_STORED_ERRORS = 1000
MAX_STORED_DUPLICATES = 500
MAX_PREVIEW = 50
CONTACT_COLUMNS = ("contact_name", "contact_email", "contact_phone")
# Fields compared and written besides suppliers.services.PROFILE_FIELDS.
IMPORT_FIELDS = (*PROFILE_FIELDS, "sector_text")
_IMPORT_FIELDS = frozenset(IMPORT_FIELDS)
# Files from this size on are cleaned on the second core (``Cleaner``): below it, starting
# a worker process costs more than it saves.
PARALLEL_BYTES = 4 * 1024 * 1024
# Batches cleaned ahead of the one being matched and written (memory: a few batches).
CLEAN_AHEAD = 2
# Bounded work per row for the possible-duplicate search: the names just before and just
# after the row's name key in sorted order (same country), in the file and the registry.
NEIGHBOURS = 3


class _AnyOf(Lookup):
    """``column = ANY(%s)``: the values as one array parameter (PostgreSQL)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*params, list(self.rhs)]


def _among(queryset: QuerySet, column: str, values: Collection[Any]) -> QuerySet:
    """``queryset`` narrowed to rows whose ``column`` is one of ``values``. PostgreSQL: one
    array parameter (``= ANY(%s)``), so a batch's thousand keys are neither compiled one by
    one by the ORM nor spliced into the statement text by the client-side binding (measured:
    about a third of a check's time in the main process); SQLite: ``IN``."""
    if connection.vendor == "postgresql":
        return queryset.filter(_AnyOf(F(column), sorted(values)))
    return queryset.filter(**{f"{column}__in": values})


class DuplicateIndex:
    """Keys already seen in this file → first row number, in an on-disk SQLite table.

    Constant memory for any file size (SQLite pages through its own small cache);
    one SELECT and one INSERT per batch.
    """

    def __init__(self) -> None:
        self._file = tempfile.NamedTemporaryFile(suffix=".sqlite3")  # noqa: SIM115
        self._db = sqlite3.connect(self._file.name)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("PRAGMA cache_size=-4000")  # at most ~4 MB of page cache
        self._db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, row INTEGER) WITHOUT ROWID")
        # Name keys of rows without identifiers, for the near-duplicate neighbourhood.
        self._db.execute(
            "CREATE TABLE names (country TEXT, key TEXT, row INTEGER, name TEXT, "
            "PRIMARY KEY (country, key)) WITHOUT ROWID"
        )

    def first_rows(self, keys: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for start in range(0, len(keys), 900):
            chunk = keys[start : start + 900]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT key, row FROM seen WHERE key IN ({marks})"  # noqa: S608
            found.update(self._db.execute(query, chunk).fetchall())
        return found

    def add(self, pairs: list[tuple[str, int]]) -> None:
        self._db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?)", pairs)

    def neighbours(self, country: str, key: str) -> list[tuple[str, int, str]]:
        """The rows whose name keys sort just before and after ``key`` (same country)."""
        after = self._db.execute(
            "SELECT key, row, name FROM names WHERE country = ? AND key >= ? ORDER BY key LIMIT ?",
            (country, key, NEIGHBOURS),
        ).fetchall()
        before = self._db.execute(
            "SELECT key, row, name FROM names WHERE country = ? AND key < ? "
            "ORDER BY key DESC LIMIT ?",
            (country, key, NEIGHBOURS),
        ).fetchall()
        return after + before

    def add_name(self, country: str, key: str, row: int, name: str) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO names VALUES (?, ?, ?, ?)", (country, key, row, name)
        )

    def close(self) -> None:
        self._db.close()
        self._file.close()


class NewContact(NamedTuple):
    """A contact an import creates: its columns, not a model instance (a check keeps one per
    new supplier in its plan, and pickling model instances cost more than the rest of the
    plan)."""

    name: str
    email: str
    phone: str
    is_primary: bool
    position: str = ""


@dataclass
class PlannedRow:
    row: int
    values: dict[str, Any]
    sectors: tuple[int, ...] | None
    errors: list[dict[str, Any]]
    raw: dict[str, str]
    warnings: list[dict[str, Any]] = field(default_factory=list)
    existing: Supplier | None = None
    action: str = ""  # create | update | unchanged | merged ("" when invalid)
    changes: list[str] = field(default_factory=list)
    sectors_changed: bool = False
    contact: Contact | NewContact | None = None  # the contact to update (Contact) or create
    duplicate: dict[str, Any] | None = None  # a possible duplicate, for the user to decide
    key: str = ""  # name_key of the legal name when the cleaning worker computed it


@dataclass
class Outcome:
    """What a pass over the file found (and, when writing, did)."""

    total: int = 0
    valid: int = 0
    invalid: int = 0
    create: int = 0
    update: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    format: str = ""
    encoding: str = ""
    warning_count: int = 0
    warnings: list[dict[str, Any]] = field(default_factory=list)
    merged: int = 0
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    write_seconds: float = 0.0  # of ``seconds``, the writes (the save step proper)
    reused_check: bool = False  # the apply wrote the check's plan (plans.py), not a new one
    # A bulk load (bulkload.py): the indexes and keys dropped, then built again in seconds.
    rebuild: bulkload.Rebuild | None = None

    @property
    def rows_per_second(self) -> float:
        return self.total / self.seconds if self.seconds else 0.0


def _error(row: int, column: str, raw: dict[str, str], code: str, params: dict) -> dict:
    return {
        "row": row,
        "column": column,
        "value": str(raw.get(column, ""))[:100],
        "code": code,
        "params": params,
    }


def identity(country: str, key: str) -> str:
    """How a supplier without identifiers is named in a duplicate decision."""
    return f"{country}:{key}"


def _has_identifier(values: dict[str, Any]) -> bool:
    return bool(values.get("registration_number") or values.get("ungm_vendor_number"))


def _keys(values: dict[str, Any]) -> list[tuple[str, str]]:
    keys = []
    if values.get("ungm_vendor_number"):
        keys.append(("ungm_vendor_number", f"u:{values['ungm_vendor_number']}"))
    if values.get("registration_number") and values.get("country"):
        keys.append(
            ("registration_number", f"r:{values['country']}:{values['registration_number']}")
        )
    return keys


_WORKER_CODES: frozenset[int] = frozenset()
_WORKER_SYNONYMS: dict[str, int] = {}


def _start_cleaning(codes: frozenset[int], synonyms: dict[str, int]) -> None:
    global _WORKER_CODES, _WORKER_SYNONYMS  # noqa: PLW0603 - the worker process's own
    _WORKER_CODES, _WORKER_SYNONYMS = codes, synonyms


def _clean_batch(raws: list[dict[str, str]]) -> list[CleanRow]:
    cleaned = [clean_row(raw, _WORKER_CODES, _WORKER_SYNONYMS) for raw in raws]
    for clean in cleaned:  # the name keys too, while the main process matches
        if legal_name := clean.values.get("legal_name"):
            clean.name_key = name_key(str(legal_name))
    return cleaned


class Cleaner:
    """Cleans the rows of a large file (``clean_row``: pure Python, most of a check's time)
    in a worker process on the second core, a few batches ahead of the matching and
    writing done here; rows keep their order. The worker is forked: it touches neither the
    database nor a file, only the rows it is sent. Small files are cleaned in-process."""

    def __init__(self, planner: Planner, *, parallel: bool) -> None:
        self.planner = planner
        self.pool: ProcessPoolExecutor | None = None
        if parallel:
            country_table()  # built once here (translations), inherited by the worker
            self.pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_start_cleaning,
                initargs=(planner.sector_codes, planner.synonyms),
            )

    def batches(self, batches: Iterator[list]) -> Iterator[tuple[list, list[CleanRow] | None]]:
        if self.pool is None:
            for batch in batches:
                yield batch, None
            return
        ahead: deque[tuple[list, Future]] = deque()
        for batch in batches:
            ahead.append((batch, self.pool.submit(_clean_batch, [raw for _row, raw in batch])))
            if len(ahead) > CLEAN_AHEAD:
                done, future = ahead.popleft()
                yield done, future.result()
        while ahead:
            done, future = ahead.popleft()
            yield done, future.result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


class Planner:
    """Plans rows batch by batch against one buyer's registry."""

    def __init__(self, buyer: Organisation) -> None:
        self.buyer = buyer
        self.sectors = {s.code: s for s in Sector.objects.all()}
        self.sector_codes = frozenset(self.sectors)
        self.synonyms = dict(SectorSynonym.objects.values_list("key", "sector_id"))
        self.index = DuplicateIndex()
        self.known_countries: set[str] = set()
        # The buyer's registry was empty when a check (which writes nothing) began: no row
        # can match a supplier, so the batches' lookups are skipped (a first load). Had
        # another session added one since, the registry stamp sends the apply to check again.
        self.registry_empty = False

    def close(self) -> None:
        self.index.close()

    def plan(
        self, batch: list[tuple[int, dict[str, str]]], cleaned: list[CleanRow] | None = None
    ) -> list[PlannedRow]:
        """Plan ``batch`` against the registry; ``cleaned``: its rows already cleaned
        (``Cleaner``), else they are cleaned here."""
        if cleaned is None:
            cleaned = [clean_row(raw, self.sector_codes, self.synonyms) for _row, raw in batch]
        planned = []
        for (row, raw), clean in zip(batch, cleaned, strict=True):
            planned.append(
                PlannedRow(
                    row=row,
                    values=clean.values,
                    sectors=clean.sectors,
                    raw=raw,
                    errors=[_error(row, c, raw, code, p) for c, code, p in clean.errors],
                    warnings=[_error(row, c, raw, code, p) for c, code, p in clean.warnings],
                    key=clean.name_key,
                )
            )
        self._match(planned)
        self._match_names(planned)
        self._find_duplicates(planned)
        self._find_similar(planned)
        self._compare(planned)
        return planned

    def _match_names(self, planned: list[PlannedRow]) -> None:
        """Rows not matched by an identifier: the registry's supplier with the same name
        key in the same country (one query per batch, on the (buyer, country, match_key)
        index). Several with that name: the one in the row's city or at its address."""
        pending = [
            p
            for p in planned
            if p.existing is None
            and not p.errors
            and p.values.get("country")
            and p.values.get("legal_name")
        ]
        for p in pending:
            p.values["name_key"] = p.key or name_key(p.values["legal_name"])
        if not pending or self.registry_empty:
            return
        found: dict[tuple[str, str], list[Supplier]] = {}
        registry = _among(
            Supplier.objects.filter(buyer=self.buyer),
            "country",
            {p.values["country"] for p in pending},
        )
        for supplier in _among(
            registry, "match_key", {p.values["name_key"] for p in pending}
        ).order_by("pk"):
            found.setdefault((supplier.country.code, supplier.match_key), []).append(supplier)
        for p in pending:
            candidates = [
                s
                for s in found.get((p.values["country"], p.values["name_key"]), [])
                if _identifiers_agree(p.values, s)
            ]
            if len(candidates) > 1:
                city = place_key(p.values.get("city"))
                address = place_key(p.values.get("address"))
                candidates = [
                    s
                    for s in candidates
                    if (city and place_key(s.city) == city)
                    or (address and place_key(s.address) == address)
                ] or candidates
            if candidates:
                p.existing = candidates[0]

    def _find_similar(self, planned: list[PlannedRow]) -> None:
        """Possible duplicates of the rows that would create a supplier: near-identical
        name keys in the same country, among the earlier rows of the file and in the
        registry (the NEIGHBOURS names on each side in sorted order: bounded work per
        row). A recorded decision settles a pair: "same" → the row is not imported
        (merged), "different" → it is created without asking again."""
        rows = [
            p
            for p in planned
            if p.existing is None
            and not p.errors
            and not p.action
            and p.values.get("name_key")
            and not _has_identifier(p.values)
        ]
        if not rows:
            return
        near_by_row = self._registry_neighbours(rows)
        found: list[tuple[PlannedRow, str, dict[str, Any]]] = []
        for p in rows:
            country, key = p.values["country"], p.values["name_key"]
            best: dict[str, Any] | None = None
            for other_key, other_row, other_name in self.index.neighbours(country, key):
                if are_similar(key, other_key):
                    score = similarity(key, other_key)
                    if best is None or score > best["score"]:
                        best = {"key": other_key, "row": other_row, "name": other_name}
                        best["score"] = score
            for pk, other_key, other_name in near_by_row.get(p.row, ()):
                if are_similar(key, other_key):
                    score = similarity(key, other_key)
                    if best is None or score > best["score"]:
                        best = {"key": other_key, "supplier": pk, "name": other_name}
                        best["score"] = score
            self.index.add_name(country, key, p.row, p.values["legal_name"])
            if best is not None:
                found.append((p, country, best))
        if not found:
            return
        pairs = {
            tuple(sorted((identity(c, p.values["name_key"]), identity(c, b["key"]))))
            for p, c, b in found
        }
        decisions = {
            (d.first_key, d.second_key): d.same
            for d in DuplicateDecision.objects.filter(
                buyer=self.buyer, first_key__in={a for a, _b in pairs}
            )
            if (d.first_key, d.second_key) in pairs
        }
        for p, country, best in found:
            mine = identity(country, p.values["name_key"])
            theirs = identity(country, best["key"])
            first, second = sorted((mine, theirs))
            decision = decisions.get((first, second))
            p.duplicate = {
                "row": p.row,
                "name": p.values["legal_name"],
                "country": country,
                "key": mine,
                "other_key": theirs,
                "other_name": best["name"],
                "other_row": best.get("row"),
                "other_supplier": best.get("supplier"),
                "score": round(best["score"]),
                "decision": "" if decision is None else ("same" if decision else "different"),
            }
            if decision:
                p.action = "merged"
                p.warnings.append(
                    _error(p.row, "legal_name", p.raw, "merged", {"name": best["name"]})
                )

    def _countries_in_registry(self, countries: set[str]) -> set[str]:
        """The countries among ``countries`` where the registry holds a supplier: one
        indexed EXISTS per country not yet seen (a country found stays found: an import
        deletes nothing), never a scan of the registry."""
        for country in countries - self.known_countries:
            if Supplier.objects.filter(buyer=self.buyer, country=country).exists():
                self.known_countries.add(country)
        return countries & self.known_countries

    def _registry_neighbours(self, rows: list[PlannedRow]) -> dict[int, list[tuple]]:
        """Row number → the registry's (pk, match_key, legal_name) whose name keys sort
        just after (NEIGHBOURS, ascending) and just before (NEIGHBOURS, descending) the
        row's, in its country. PostgreSQL: one LATERAL query for the whole batch on the
        (buyer, country, match_key) index; elsewhere two small queries per row."""
        if self.registry_empty:
            return {}
        present = self._countries_in_registry({p.values["country"] for p in rows})
        rows = [p for p in rows if p.values["country"] in present]
        if not rows:
            return {}
        near: dict[int, list[tuple]] = {p.row: [] for p in rows}
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(Supplier._meta.db_table)
            side = (
                "SELECT {side} AS side, row_number() OVER (ORDER BY match_key {order}) AS rank, "
                "id, match_key, legal_name FROM {table} "
                "WHERE buyer_id = %s AND country = k.country AND match_key {op} k.key "
                "ORDER BY match_key {order} LIMIT %s"
            )
            after = side.format(side=0, op=">=", order="ASC", table=table)
            before = side.format(side=1, op="<", order="DESC", table=table)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT k.num, n.id, n.match_key, n.legal_name "  # noqa: S608
                    "FROM unnest(%s::int[], %s::text[], %s::text[]) AS k(num, country, key) "
                    f"CROSS JOIN LATERAL (({after}) UNION ALL ({before})) AS n "
                    "ORDER BY k.num, n.side, n.rank",
                    [
                        [p.row for p in rows],
                        [p.values["country"] for p in rows],
                        [p.values["name_key"] for p in rows],
                        self.buyer.pk,
                        NEIGHBOURS,
                        self.buyer.pk,
                        NEIGHBOURS,
                    ],
                )
                # The side after the key first, each in its order (as the queries below).
                for row, pk, key, name in cursor.fetchall():
                    near[row].append((pk, key, name))
            return near
        for p in rows:
            registry = Supplier.objects.filter(buyer=self.buyer, country=p.values["country"])
            key = p.values["name_key"]
            near[p.row] = list(
                registry.filter(match_key__gte=key)
                .order_by("match_key")
                .values_list("pk", "match_key", "legal_name")[:NEIGHBOURS]
            ) + list(
                registry.filter(match_key__lt=key)
                .order_by("-match_key")
                .values_list("pk", "match_key", "legal_name")[:NEIGHBOURS]
            )
        return near

    def _match(self, planned: list[PlannedRow]) -> None:
        ungms = {
            p.values["ungm_vendor_number"] for p in planned if p.values.get("ungm_vendor_number")
        }
        regs = {
            p.values["registration_number"] for p in planned if p.values.get("registration_number")
        }
        if (not ungms and not regs) or self.registry_empty:
            return
        by_ungm: dict[str, Supplier] = {}
        by_reg: dict[tuple[str, str], Supplier] = {}
        countries = {p.values.get("country") for p in planned if p.values.get("country")}
        registry = Supplier.objects.filter(buyer=self.buyer)
        # Two lookups, each shaped like its partial unique index (buyer, ungm) and
        # (buyer, country, registration_number), so they stay fast in a large registry.
        candidates = (
            list(_among(registry, "ungm_vendor_number", ungms).exclude(ungm_vendor_number=""))
            if ungms
            else []
        )
        if regs:
            candidates += _among(
                _among(registry, "country", countries), "registration_number", regs
            ).exclude(registration_number="")
        for supplier in candidates:
            if supplier.ungm_vendor_number:
                by_ungm[supplier.ungm_vendor_number] = supplier
            if supplier.registration_number:
                by_reg[(supplier.country.code, supplier.registration_number)] = supplier
        for p in planned:
            ungm = p.values.get("ungm_vendor_number")
            reg = (p.values.get("country"), p.values.get("registration_number"))
            by_number = by_ungm.get(ungm) if ungm else None
            by_registration = by_reg.get(reg) if reg[1] else None  # type: ignore[arg-type]
            p.existing = by_number or by_registration
            if by_number and by_registration and by_number.pk != by_registration.pk:
                p.errors.append(
                    _error(
                        p.row,
                        "registration_number",
                        p.raw,
                        "conflict",
                        {"name": by_registration.legal_name},
                    )
                )

    def _find_duplicates(self, planned: list[PlannedRow]) -> None:
        # A row without identifiers whose name repeats an earlier row of the file (same
        # name key, same country) is the same supplier: reported, not imported twice.
        names = {
            p.row: f"n:{p.values['country']}:{p.values['name_key']}"
            for p in planned
            if not p.errors and p.values.get("name_key") and not _has_identifier(p.values)
        }
        earlier = self.index.first_rows(list(names.values()))
        first_seen: list[tuple[str, int]] = []
        for p in planned:
            name = names.get(p.row)
            if name is None:
                continue
            if name in earlier and earlier[name] != p.row:
                p.action = "merged"
                p.warnings.append(
                    _error(p.row, "legal_name", p.raw, "same_as_row", {"row": earlier[name]})
                )
            else:
                earlier[name] = p.row
                first_seen.append((name, p.row))
        self.index.add(first_seen)
        row_keys: list[list[tuple[str, str]]] = []
        for p in planned:
            if p.action == "merged":
                row_keys.append([])
                continue
            keys = _keys(p.values)
            if p.existing is not None:
                keys.append(
                    (
                        "ungm_vendor_number"
                        if p.values.get("ungm_vendor_number")
                        else "registration_number",
                        f"s:{p.existing.pk}",
                    )
                )
            row_keys.append(keys)
        seen = self.index.first_rows([key for keys in row_keys for _c, key in keys])
        new: list[tuple[str, int]] = []
        for p, keys in zip(planned, row_keys, strict=True):
            for column, key in keys:
                first = seen.get(key)
                if first is not None and first != p.row:
                    label = column if not key.startswith("r:") else "registration_number + country"
                    p.errors.append(
                        _error(p.row, column, p.raw, "duplicate", {"row": first, "key": label})
                    )
                    break
            for _column, key in keys:
                if key not in seen:
                    seen[key] = p.row
                    new.append((key, p.row))
        self.index.add(new)

    def _compare(self, planned: list[PlannedRow]) -> None:
        existing_ids = [
            p.existing.pk for p in planned if p.existing and not p.errors and not p.action
        ]
        sector_map: dict[int, set[int]] = {pk: set() for pk in existing_ids}
        contacts: dict[int, list[Contact]] = {pk: [] for pk in existing_ids}
        if existing_ids:
            links = _among(SupplierSector.objects.all(), "supplier_id", existing_ids)
            for supplier_id, code in links.values_list("supplier_id", "sector_id"):
                sector_map[supplier_id].add(code)
            for contact in _among(Contact.objects.all(), "supplier_id", existing_ids):
                contacts[contact.supplier_id].append(contact)
        for p in planned:
            if p.errors or p.action == "merged":
                continue
            if p.existing is None:
                p.action = "create"
                p.contact = self._contact_for(p, [])
                continue
            supplier = p.existing
            supplier._import_sectors = sector_map[supplier.pk]  # type: ignore[attr-defined]
            for name in IMPORT_FIELDS:
                if name not in p.values:
                    continue
                current = getattr(supplier, name)
                if name == "country":
                    current = current.code
                new = p.values[name]
                if current != new and not (current is None and new == ""):
                    p.changes.append(name)
            if p.sectors is not None and set(p.sectors) != sector_map[supplier.pk]:
                p.sectors_changed = True
            p.contact = self._contact_for(p, contacts[supplier.pk])
            p.action = "update" if (p.changes or p.sectors_changed or p.contact) else "unchanged"

    def _contact_for(self, p: PlannedRow, existing: list[Contact]) -> Contact | NewContact | None:
        """The contact to create or update for this row, or None when nothing changes."""
        email = p.values.get("contact_email") or ""
        name = p.values.get("contact_name") or ""
        phone = p.values.get("contact_phone") or ""
        if not (email or name):
            return None
        match = None
        for contact in existing:
            if (email and contact.email.lower() == email) or (
                not email and not contact.email and contact.name == name
            ):
                match = contact
                break
        if match is None:
            return NewContact(name=name or email, email=email, phone=phone, is_primary=not existing)
        changed = False
        if name and match.name != name:
            match.name, changed = name, True
        if phone and match.phone != phone:
            match.phone, changed = phone, True
        return match if changed else None


def apply_mapping(
    headers: list[str], chosen: dict[str, int] | None
) -> tuple[dict[str, int], list[str]]:
    """The user's mapping (field → column position) checked against the headings, or
    the known headings when there is none; and the headings left unmapped (ignored)."""
    if not chosen:
        return map_headers(headers)
    mapping = {
        name: int(index)
        for name, index in chosen.items()
        if name in COLUMN_NAMES and 0 <= int(index) < len(headers)
    }
    used = set(mapping.values())
    ignored = [
        str(h).strip() for i, h in enumerate(headers) if i not in used and str(h or "").strip()
    ]
    return mapping, ignored


def read_rows(
    path: str | Path, outcome: Outcome, mapping: dict[str, int] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows as column name → cell text, checking the headings first."""
    table = open_table(path)
    outcome.format = table.format
    outcome.encoding = table.encoding
    mapping, ignored = apply_mapping(table.headers, mapping)
    outcome.ignored_columns = ignored
    missing = [c for c in REQUIRED_COLUMNS if c not in mapping]
    if missing:
        if table.close:
            table.close()  # type: ignore[operator]
        raise Rejected("missing_columns", columns=", ".join(missing))
    positions = list(mapping.items())
    for row, cells in table.rows:
        yield row, {name: (cells[i] if i < len(cells) else "") for name, i in positions}


def _batches(rows: Iterator, size: int) -> Iterator[list]:
    while batch := list(islice(rows, size)):
        yield batch


Progress = Callable[[int], None]


def run(
    path: str | Path,
    *,
    buyer: Organisation,
    write: bool = False,
    only_valid: bool = False,
    by: User | None = None,
    progress: Progress | None = None,
    batch_size: int | None = None,
    mapping: dict[str, int] | None = None,
    plan_to: Path | None = None,
    plan_from: Path | None = None,
) -> Outcome:
    """Read ``path`` and plan every row; with ``write`` also create and update suppliers.

    Preconditions for ``write``: the caller holds a transaction (all or nothing).
    When ``write`` and not ``only_valid``, the first invalid row raises
    :class:`Rejected` so the caller's transaction rolls back.
    Raises :class:`Rejected` for unreadable files, missing columns, or no data rows.

    ``plan_to`` (a check): keep the plan there for the apply (``plans.py``). ``plan_from``
    (an apply): write that plan instead of reading and checking the file again, when
    ``plans.reusable_plan`` allows it (the registry unchanged since the check); otherwise
    the file is checked again as it is written.
    """
    started = time.monotonic()
    if write and plan_from is not None:
        plan = plans.reusable_plan(
            plan_from,
            buyer=buyer,
            source=plans.Source.of(path, mapping),
            stamp=plans.registry_stamp(buyer),
        )
        if plan is not None:
            try:
                return _write_plan(plan, buyer=buyer, by=by, only_valid=only_valid, started=started)
            finally:
                plan.close()
    outcome = Outcome()
    planner = Planner(buyer)
    writer = Writer(buyer, by) if write else None
    keep = None
    encoder = None
    if plan_to is not None and not write:
        keep = plans.PlanWriter(
            plan_to,
            buyer=buyer,
            stamp=plans.registry_stamp(buyer),
            source=plans.Source.of(path, mapping),
        )
        # The new suppliers kept ready to write (COPY text, SQLite's parameters): the check's
        # main process has time to spare while the cleaning worker works, the apply would
        # spend it converting.
        encoder = Writer(buyer, None, analyze=False)
    # After the stamp (plans.registry_stamp) was taken: a supplier added from now on
    # changes the registry the apply compares with it.
    planner.registry_empty = not write and not Supplier.objects.filter(buyer=buyer).exists()
    cleaner = Cleaner(planner, parallel=os.stat(path).st_size >= PARALLEL_BYTES)
    try:
        batches = _batches(read_rows(path, outcome, mapping), batch_size or BATCH_SIZE)
        for batch, cleaned in cleaner.batches(batches):
            planned = planner.plan(batch, cleaned)
            invalid = outcome.invalid
            for p in planned:
                _count(outcome, p)
            if keep is not None:
                kept, encoded = _kept(planned, encoder)
                keep.add(kept, len(planned), outcome.invalid - invalid, encoded)
            if writer is not None:
                if outcome.invalid and not only_valid:
                    raise Rejected("failed")
                writing = time.monotonic()
                writer.write([p for p in planned if p.action in ("create", "update")])
                outcome.write_seconds += time.monotonic() - writing
            if progress is not None:
                progress(outcome.total)
        if outcome.total == 0:
            raise Rejected("no_rows")
        outcome.seconds = time.monotonic() - started
        if keep is not None:
            keep.finish(outcome)
    finally:
        cleaner.close()
        planner.close()
        if keep is not None:
            keep.close()
    return outcome


def _kept(
    planned: list[PlannedRow], encoder: Writer | None
) -> tuple[list[PlannedRow], EncodedCreates | None]:
    """The rows of a batch the apply writes, with only what the writer reads. The check has
    counted the batch and is done with it: the rows are trimmed in place, not copied. With
    an ``encoder``, the new suppliers are kept ready to write instead
    (``Writer.encode_creates``): the rows, the updates only."""
    kept = [p for p in planned if p.action in ("create", "update")]
    encoded = None
    if encoder is not None:
        encoded = encoder.encode_creates([p for p in kept if p.action == "create"])
        kept = [p for p in kept if p.action == "update"]
    for p in kept:
        p.raw, p.errors, p.warnings, p.duplicate, p.key = {}, [], [], None, ""
    return kept, encoded


def _write_plan(
    plan: plans.Plan, *, buyer: Organisation, by: User | None, only_valid: bool, started: float
) -> Outcome:
    """Write a check's kept plan: the same batches the check planned, in the same order."""
    # No lookup reads the registry while a kept plan is written: no ANALYZE on the way,
    # and a large one may be written without the supplier table's secondary indexes.
    writer = Writer(buyer, by, analyze=False)
    write_seconds = 0.0
    checked = plan.ending()
    if checked.invalid and not only_valid:
        raise Rejected("failed")
    writing = time.monotonic()
    with bulkload.indexes_rebuilt(checked.create, Supplier, SupplierSector, Contact) as rebuild:
        write_seconds += time.monotonic() - writing
        for rows, _total, invalid, encoded in plan.batches():
            if invalid and not only_valid:
                raise Rejected("failed")
            writing = time.monotonic()
            writer.write_encoded(encoded)
            writer.write(rows)
            write_seconds += time.monotonic() - writing
        writing = time.monotonic()
    write_seconds += time.monotonic() - writing
    outcome = replace(
        plan.outcome,
        seconds=time.monotonic() - started,
        write_seconds=write_seconds,
        reused_check=True,
        rebuild=rebuild,
    )
    return outcome


def _count(outcome: Outcome, p: PlannedRow) -> None:
    outcome.total += 1
    if p.warnings:
        outcome.warning_count += len(p.warnings)
        room = MAX_STORED_ERRORS - len(outcome.warnings)
        if room > 0:
            outcome.warnings.extend(p.warnings[:room])
    if p.duplicate is not None and not p.errors and len(outcome.duplicates) < MAX_STORED_DUPLICATES:
        outcome.duplicates.append(p.duplicate)
    if p.errors:
        outcome.invalid += 1
        outcome.error_count += len(p.errors)
        room = MAX_STORED_ERRORS - len(outcome.errors)
        if room > 0:
            outcome.errors.extend(p.errors[:room])
        return
    outcome.valid += 1
    if p.action == "create":
        outcome.create += 1
    elif p.action == "update":
        outcome.update += 1
    else:
        outcome.unchanged += 1
        if p.action == "merged":
            outcome.merged += 1
    if p.action in ("create", "update") and len(outcome.preview) < MAX_PREVIEW:
        fields = list(p.changes)
        if p.sectors_changed:
            fields.append("sectors")
        if p.contact is not None:
            fields.append("contact")
        outcome.preview.append(
            {
                "row": p.row,
                "action": p.action,
                "legal_name": p.values.get("legal_name")
                or (p.existing.legal_name if p.existing else ""),
                "country": p.values.get("country", ""),
                "fields": fields,
            }
        )


class _Profile:
    """A supplier's profile as ``supplier_snapshot`` reads it (attributes and
    ``sectors.all()``), built from planned values without a model instance."""

    def __init__(self, values: dict[str, Any], sectors: list[Sector]) -> None:
        self.__dict__.update(values)
        self._sectors = sectors

    @property
    def sectors(self) -> _Profile:
        return self

    def all(self) -> list[Sector]:
        return self._sectors


_NULLABLE = frozenset(("employees", "annual_turnover_usd"))


def _stored(name: str, value: Any) -> Any:
    """The value a supplier column stores for a planned value (empty text, never None,
    except for the two numbers)."""
    if value is None and name not in _NULLABLE:
        return ""
    return value


# The types ``supplier_snapshot`` keeps as they are in a snapshot (its ``_json_value``).
_AS_THEY_ARE = frozenset((type(None), bool, int, str))
# JSON text as ``json.dumps(..., ensure_ascii=False)`` writes it, without a new encoder a call.
_json_text = json.JSONEncoder(ensure_ascii=False).encode


# The supplier columns an import stamps with the time of the write.
_STAMPS = ("created_at", "updated_at")
# The contact columns an import writes, in the order of NewContact's encoded tuple (and COPY
# line) after the supplier's id.
_CONTACT_COLUMNS = ("supplier_id", "name", "position", "email", "phone", "is_primary")


@dataclass
class EncodedCreates:
    """A batch's new suppliers ready to write (``Writer.encode_creates``), as a check keeps
    them for its apply: each supplier's columns but the id and the timestamps
    (``columns``), its sector codes, its contact's columns but the supplier (None: no
    contact) and its audit snapshot as JSON text, in the rows' order. The columns are a
    line of ``COPY``'s text format on PostgreSQL, a tuple of ``executemany`` parameters
    (the values as stored) on SQLite."""

    columns: tuple[str, ...]
    suppliers: list[str] | list[tuple] = field(default_factory=list)
    sectors: list[tuple[int, ...]] = field(default_factory=list)
    contacts: list[str | None] | list[tuple | None] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


# The domain event of each write batch that updated suppliers (payload: their ids).
UPDATED_BATCH_EVENT = "supplier.imported_updated_batch"


class Writer:
    """Set-based writes of each planned batch, in the caller's transaction.

    PostgreSQL: new suppliers get ids from the sequence and are written with ``COPY``,
    with their sector links, contacts and audit events; updates go through a staging
    table and one ``UPDATE … FROM``. SQLite: the same statements as ``executemany``.
    No model instance is built for a new supplier; one audit event per created or
    updated supplier (``supplier.imported_created`` / ``supplier.imported_updated``,
    before/after from ``supplier_snapshot``) so each supplier's history shows it.
    """

    def __init__(self, buyer: Organisation, by: User | None, *, analyze: bool = True) -> None:
        self.buyer = buyer
        self.analyze = analyze
        self.by = by if getattr(by, "pk", None) else None
        self.sectors = {s.code: s for s in Sector.objects.all()}
        # Every concrete column of the supplier table, so a field added later is written
        # with its default rather than left out of the COPY.
        self.fields = [f for f in Supplier._meta.concrete_fields if not f.primary_key]
        self.defaults = {
            f.attname: f.get_db_prep_save(f.get_default(), connection) for f in self.fields
        }
        self.per_row_defaults = [f for f in self.fields if f.has_default() and callable(f.default)]
        self.turnover = _field("annual_turnover_usd")
        # The connection itself, not django.db.connection (a per-thread proxy whose every
        # attribute lookup costs more than the conversion it serves, once per row).
        self.db = connections[DEFAULT_DB_ALIAS]
        self.created = 0
        self.analyzed_at = 0
        # What a new supplier holds for a profile field absent from the file.
        self.profile_defaults = {name: _field(name).get_default() for name in PROFILE_FIELDS}

    def _snapshot(self, supplier: Supplier | _Profile, codes: set[int] | tuple[int, ...]) -> dict:
        # supplier_snapshot reads sectors.all(); give it the codes we know, without a query.
        sectors = [self.sectors[c] for c in sorted(codes)]
        if isinstance(supplier, Supplier):
            supplier._prefetched_objects_cache = {"sectors": sectors}  # type: ignore[attr-defined]
            return supplier_snapshot(supplier)
        supplier._sectors = sectors
        return supplier_snapshot(supplier)  # type: ignore[arg-type]

    def _column(self, name: str, value: Any) -> Any:
        if name == "annual_turnover_usd" and value is not None:
            return self.turnover.get_db_prep_save(value, self.db)
        return value

    def _new_supplier(self, p: PlannedRow) -> tuple[dict[str, Any], dict[str, Any]]:
        """A new supplier's profile values and its columns as stored (attname → value),
        all but the id and the two timestamps."""
        values: dict[str, Any] = {
            k: ("" if v is None and k not in _NULLABLE else v)  # as _stored, inlined
            for k, v in p.values.items()
            if k in _IMPORT_FIELDS
        }
        values["match_key"] = p.values.get("name_key") or name_key(values["legal_name"])
        values["size_class"] = size_class_for(
            values.get("employees"), values.get("annual_turnover_usd")
        )
        stored = dict(self.defaults)
        for f in self.per_row_defaults:  # a callable default: a value of its own per row
            stored[f.attname] = f.get_db_prep_save(f.get_default(), connection)
        stored["buyer_id"] = self.buyer.pk
        stored.update(values)
        if values.get("annual_turnover_usd") is not None:
            stored["annual_turnover_usd"] = self._column(
                "annual_turnover_usd", values["annual_turnover_usd"]
            )
        return values, stored

    def _created_snapshot(self, p: PlannedRow, values: dict[str, Any]) -> dict:
        """The audit snapshot of a new supplier (its event's ``after``): ``supplier_snapshot``
        of its profile, computed here directly when every value is of a type the snapshot
        keeps as it is or a Decimal (always, for values from ``clean_row``), else by
        ``supplier_snapshot`` itself."""
        snapshot = {}
        defaults = self.profile_defaults
        for name in PROFILE_FIELDS:
            value = values[name] if name in values else defaults[name]
            kind = value.__class__
            if kind is Decimal:
                # supplier_snapshot's text of a Decimal (same for 300000, 300000.00, 3E+5).
                value = format(value.normalize(), "f")
            elif kind not in _AS_THEY_ARE:
                return self._snapshot(_Profile({**defaults, **values}, []), p.sectors or ())
            snapshot[name] = value
        snapshot["size_class"] = values["size_class"]
        snapshot["sectors"] = sorted({int(code) for code in p.sectors or ()})
        return snapshot

    def encode_creates(self, creates: list[PlannedRow]) -> EncodedCreates:
        """A batch's new suppliers ready to write, for a check's kept plan: ``COPY`` text on
        PostgreSQL, ``executemany`` parameters on SQLite. The apply then writes them
        (:meth:`write_encoded`) instead of converting each value and building each snapshot
        again. The same columns, values and audit snapshots as :meth:`write` writes."""
        columns = [f.attname for f in self.fields if f.attname not in _STAMPS]
        encoded = EncodedCreates(columns=tuple(self._columns(columns)))
        # SQLite binds the values as they are stored; PostgreSQL gets a line of COPY text.
        line: Callable[[Sequence[Any]], Any] = bulk.copy_line if bulk.is_postgresql() else tuple
        suppliers: list[Any] = encoded.suppliers
        contacts: list[Any] = encoded.contacts
        for p in creates:
            values, stored = self._new_supplier(p)
            suppliers.append(line([stored[name] for name in columns]))
            encoded.sectors.append(tuple(p.sectors or ()))
            contact = p.contact
            contacts.append(
                None
                if contact is None
                else line(
                    (
                        contact.name,
                        contact.position,
                        contact.email,
                        contact.phone,
                        contact.is_primary,
                    )
                )
            )
            encoded.after.append(_json_text(self._created_snapshot(p, values)))
        return encoded

    def _columns(self, attnames: list[str]) -> list[str]:
        by_attname = {f.attname: f.column for f in self.fields}
        return [by_attname[name] for name in attnames]

    def write_encoded(self, encoded: EncodedCreates | None) -> None:
        """Write a batch of new suppliers encoded by :meth:`encode_creates`: the suppliers,
        their sector links, contacts and audit events, each table in one statement, nothing
        converted. PostgreSQL: ids from the sequence, then ``COPY``, the text streamed as it
        is; SQLite: ``executemany``, the parameters bound as they are."""
        if encoded is None or not encoded.suppliers:
            return
        now = timezone.now()
        write = self._copy_encoded if bulk.is_postgresql() else self._insert_encoded
        ids = write(encoded, now)
        audit_record_copied(
            actor=self.by,
            organisation=self.buyer,
            target_model=Supplier,
            at=now,
            action="supplier.imported_created",
            events=zip(ids, encoded.after, strict=True),
        )
        self.created += len(ids)

    def _copy_encoded(self, encoded: EncodedCreates, now: datetime) -> list[int]:
        """PostgreSQL: the batch's suppliers, sector links and contacts as ``COPY`` text, the
        id and time put in front of each kept line; their ids."""
        ids = bulk.reserve_ids(Supplier._meta.db_table, len(encoded.suppliers))
        stamps = "\t".join(bulk.copy_value(now) for _ in _STAMPS)
        bulk.copy_text(
            Supplier._meta.db_table,
            ("id", *self._columns(list(_STAMPS)), *encoded.columns),
            "".join(
                f"{pk}\t{stamps}\t{line}" for pk, line in zip(ids, encoded.suppliers, strict=True)
            ),
        )
        bulk.copy_text(
            SupplierSector._meta.db_table,
            ("supplier_id", "sector_id"),
            "".join(
                f"{pk}\t{code}\n"
                for pk, codes in zip(ids, encoded.sectors, strict=True)
                for code in codes
            ),
        )
        bulk.copy_text(
            Contact._meta.db_table,
            _CONTACT_COLUMNS,
            "".join(
                f"{pk}\t{line}"
                for pk, line in zip(ids, encoded.contacts, strict=True)
                if line is not None
            ),
        )
        return ids

    def _insert_encoded(self, encoded: EncodedCreates, now: datetime) -> list[int]:
        """SQLite: the batch's suppliers, sector links and contacts with one ``executemany``
        each, the time of the write put in front of each kept tuple; their ids (read back,
        as :meth:`write` does)."""
        stamps = tuple(bulk.db_datetime(now) for _ in _STAMPS)
        ids = bulk.insert_returning_ids(
            Supplier._meta.db_table,
            (*self._columns(list(_STAMPS)), *encoded.columns),
            [stamps + row for row in cast(list[tuple], encoded.suppliers)],
        )
        bulk.insert_rows(
            SupplierSector._meta.db_table,
            ("supplier_id", "sector_id"),
            [(pk, code) for pk, codes in zip(ids, encoded.sectors, strict=True) for code in codes],
        )
        bulk.insert_rows(
            Contact._meta.db_table,
            _CONTACT_COLUMNS,
            [
                (pk, *contact)
                for pk, contact in zip(ids, cast(list[tuple | None], encoded.contacts), strict=True)
                if contact is not None
            ],
        )
        return ids

    def write(self, planned: list[PlannedRow]) -> None:
        now = timezone.now()
        stamp = bulk.db_datetime(now)
        creates = [p for p in planned if p.action == "create"]
        updates = [p for p in planned if p.action == "update"]
        audit: list[tuple[str, Any, dict, dict]] = []
        links: list[tuple[int, int]] = []
        new_contacts: list[tuple[int, Contact | NewContact]] = []
        changed_contacts: list[Contact] = []

        rows: list[Sequence[Any]] = []
        profiles = []
        for p in creates:
            values, stored = self._new_supplier(p)
            stored.update(created_at=stamp, updated_at=stamp)
            profiles.append(values)
            rows.append([stored[f.attname] for f in self.fields])
        ids = bulk.insert_returning_ids(
            Supplier._meta.db_table, [f.column for f in self.fields], rows
        )
        for p, pk, values in zip(creates, ids, profiles, strict=True):
            codes = p.sectors or ()
            links.extend((pk, c) for c in codes)
            if p.contact is not None:
                new_contacts.append((pk, p.contact))
            audit.append(("supplier.imported_created", pk, {}, self._created_snapshot(p, values)))

        fields: set[str] = set()
        replace_sectors: list[int] = []
        updated: list[Supplier] = []
        for p in updates:
            assert p.existing is not None  # planned updates always carry their supplier
            supplier = p.existing
            old_codes = supplier._import_sectors  # type: ignore[attr-defined]
            before = self._snapshot(supplier, old_codes)
            for name in p.changes:
                setattr(supplier, name, _stored(name, p.values[name]))
                fields.add(name)
                if name == "legal_name":
                    supplier.match_key = name_key(supplier.legal_name)
                    fields.add("match_key")
            size = size_class_for(supplier.employees, supplier.annual_turnover_usd)
            if size != supplier.size_class:
                supplier.size_class = size
                fields.add("size_class")
            new_codes = p.sectors if p.sectors_changed and p.sectors is not None else old_codes
            if p.sectors_changed:
                replace_sectors.append(supplier.pk)
                links.extend((supplier.pk, c) for c in p.sectors or ())
            after = self._snapshot(supplier, new_codes)
            changed = {k for k in after if before.get(k) != after.get(k)}
            before = {k: before[k] for k in changed}
            after = {k: after[k] for k in changed}
            if p.contact is not None:
                after["contact"] = {
                    "name": p.contact.name,
                    "email": p.contact.email,
                    "phone": p.contact.phone,
                }
                if isinstance(p.contact, Contact):
                    changed_contacts.append(p.contact)
                else:
                    new_contacts.append((supplier.pk, p.contact))
            supplier.updated_at = now
            updated.append(supplier)
            audit.append(("supplier.imported_updated", supplier.pk, before, after))
        if updated:
            names = [*sorted(fields), "updated_at"]
            bulk.update_rows(
                Supplier._meta.db_table,
                [_field(n).column for n in names],
                [
                    [
                        s.pk,
                        *(
                            stamp if n == "updated_at" else self._column(n, _country(s, n))
                            for n in names
                        ),
                    ]
                    for s in updated
                ],
            )
        if replace_sectors:
            SupplierSector.objects.filter(supplier_id__in=replace_sectors).delete()
        bulk.insert_rows(SupplierSector._meta.db_table, ("supplier_id", "sector_id"), links)
        bulk.insert_rows(
            Contact._meta.db_table,
            _CONTACT_COLUMNS,
            ((pk, c.name, c.position, c.email, c.phone, c.is_primary) for pk, c in new_contacts),
        )
        bulk.update_rows(
            Contact._meta.db_table,
            ("name", "phone"),
            [(c.pk, c.name, c.phone) for c in changed_contacts],
        )
        audit_record_rows(
            actor=self.by, organisation=self.buyer, target_model=Supplier, at=now, rows=audit
        )
        if updated:
            # One domain event for the batch's updated suppliers (not one per supplier: a
            # million-row import would queue a million reactions), for whoever keeps a copy
            # of supplier data (the cohort's copy in programmes).
            event_record(
                name=UPDATED_BATCH_EVENT,
                subject=None,
                actor=self.by,
                organisation=self.buyer,
                payload={"suppliers": [s.pk for s in updated]},
            )
        self.created += len(creates)
        if self.analyze and self.created - self.analyzed_at >= max(ANALYZE_AFTER, self.analyzed_at):
            self._analyze()

    def _analyze(self) -> None:
        """Refresh the planner's statistics of the tables the lookups read, inside the
        import's transaction (which sees its own rows). Without it, a registry that grows
        from a few rows to hundreds of thousands in one import keeps plans made for an
        empty table: each batch's lookup scans every row written so far (measured: 37 ms a
        lookup at 100,000 rows, 0.2 ms after ANALYZE). PostgreSQL only, at doubling
        sizes (10,000, 20,000, 40,000… rows created); skipped when another session holds
        the tables' ANALYZE lock (its import is analysing them) rather than wait."""
        self.analyzed_at = self.created
        if connection.vendor != "postgresql":
            return
        tables = [m._meta.db_table for m in (Supplier, SupplierSector, Contact)]
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('lock_timeout')")
                (previous,) = cursor.fetchone()
                cursor.execute("SELECT set_config('lock_timeout', '200ms', true)")
                cursor.execute("ANALYZE " + ", ".join(tables))
                # Back to the transaction's own timeout for the rest of the import.
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
        except OperationalError:
            logger.info("Import ANALYZE skipped: the tables are being analysed elsewhere")


def _field(name: str) -> Field:
    return cast(Field, Supplier._meta.get_field(name))


def _country(supplier: Supplier, name: str) -> Any:
    value = getattr(supplier, name)
    return value.code if name == "country" else value


def _identifiers_agree(values: dict[str, Any], supplier: Supplier) -> bool:
    """A name match must not join two companies whose numbers say they differ."""
    for name in ("ungm_vendor_number", "registration_number"):
        mine, theirs = values.get(name) or "", getattr(supplier, name) or ""
        if mine and theirs and mine != theirs:
            return False
    return True
