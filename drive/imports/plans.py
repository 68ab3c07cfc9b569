"""A check's plan kept for the apply that follows it, so the rows are not read, cleaned and
matched a second time (issue 14: the check ran twice, about half of an import's time).

The check writes the rows it would create or update, batch by batch, to a file (pickled,
compressed: constant memory), headed by a **stamp of the registry** taken before the first
row was read. The apply uses the file only when the registry is provably as the check saw
it; otherwise it checks again, as before (correctness first):

- the buyer's suppliers: their number, the last id and the last ``updated_at`` (every change
  of a supplier, its sectors or contacts stamps ``updated_at``: the services do), so a
  supplier added, removed or changed since is noticed;
- the buyer's duplicate decisions and the sectors and their synonyms (reference data);
- a **quiet period**: the last change must be older than ``QUIET_SECONDS`` before the stamp.
  A change made by a transaction still open when the stamp was taken is invisible then and
  may carry an older ``updated_at`` than the last visible one; with a quiet period it is
  newer, so the stamp at apply differs. Transactions that change suppliers last far less
  than that, except an import's: so another import of the buyer writing when the stamp is
  taken makes the plan unusable, and one finished since changes the stamp.

The file is private to the process's user (a directory of its own, mode 0700) and named
after the job; it is removed when the apply ends. A file from another check, of another
mapping or of a file of another size is not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle  # noqa: S403 - our own files, in a directory only our user can write
import stat
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from drive.imports.models import DuplicateDecision, ImportJob, ImportStatus
from drive.organisations.models import Organisation
from drive.suppliers.models import Sector, SectorSynonym, Supplier

# 2: new contacts as engine.NewContact, not model instances; 3: new suppliers as COPY text
VERSION = 3
QUIET_SECONDS = 300


@dataclass(frozen=True)
class RegistryStamp:
    suppliers: tuple
    decisions: tuple
    reference: tuple
    imports: tuple  # the buyer's finished imports: how many, the last end
    importing: bool  # another import of the buyer was writing (its transaction open)
    taken_at: datetime

    def same_registry(self, other: RegistryStamp) -> bool:
        return (self.suppliers, self.decisions, self.reference, self.imports) == (
            other.suppliers,
            other.decisions,
            other.reference,
            other.imports,
        )

    @property
    def quiet(self) -> bool:
        """No supplier of the registry changed within QUIET_SECONDS before the stamp."""
        last_change = self.suppliers[2]
        return last_change is None or last_change < self.taken_at - timedelta(seconds=QUIET_SECONDS)


def registry_stamp(buyer: Organisation) -> RegistryStamp:
    """What the plan of an import into ``buyer``'s registry depends on, in a few indexed
    aggregates (no pass over the registry's rows beyond counting them from an index)."""
    taken_at = timezone.now()
    suppliers = Supplier.objects.filter(buyer=buyer).aggregate(
        n=Count("pk"), last=Max("pk"), changed=Max("updated_at")
    )
    decisions = DuplicateDecision.objects.filter(buyer=buyer).aggregate(
        n=Count("pk"), last=Max("pk"), changed=Max("decided_at")
    )
    synonyms = SectorSynonym.objects.aggregate(n=Count("pk"), last=Max("pk"))
    jobs = ImportJob.objects.filter(buyer=buyer)
    done = jobs.filter(status=ImportStatus.DONE).aggregate(n=Count("pk"), last=Max("finished_at"))
    return RegistryStamp(
        suppliers=(suppliers["n"], suppliers["last"], suppliers["changed"]),
        decisions=(decisions["n"], decisions["last"], decisions["changed"]),
        reference=(Sector.objects.count(), synonyms["n"], synonyms["last"]),
        imports=(done["n"], done["last"]),
        importing=jobs.filter(status=ImportStatus.IMPORTING).exists(),
        taken_at=taken_at,
    )


def plan_directory() -> Path:
    """The directory of the plans, created private to this user; refused (ValueError) when
    another user owns it or may write in it."""
    base = settings.IMPORT_PLAN_DIR or os.path.join(
        tempfile.gettempdir(), f"drive-import-plans-{os.getuid()}"
    )
    path = Path(base)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.stat()
    if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise ValueError(f"{path} is not private to this user")
    return path


def plan_path(job: ImportJob) -> Path:
    """The plan of ``job``: named after the job and its stored file, so a plan is never taken
    for another job's (another database's, a test's) with the same id."""
    key = hashlib.sha256(f"{job.file.name}|{job.created_at.isoformat()}".encode()).hexdigest()
    return plan_directory() / f"job-{job.pk}-{key[:16]}.plan"


@dataclass(frozen=True)
class Source:
    """Which file and mapping a plan was made from."""

    size: int
    mapping: tuple

    @classmethod
    def of(cls, path: str | Path, mapping: dict[str, int] | None) -> Source:
        return cls(size=os.stat(path).st_size, mapping=tuple(sorted((mapping or {}).items())))


class PlanWriter:
    """Writes a plan to a temporary name, renamed into place when complete (``finish``):
    an interrupted check leaves no plan."""

    def __init__(self, target: Path, *, buyer: Organisation, stamp: RegistryStamp, source: Source):
        self.target = target
        self._partial = target.with_suffix(".partial")
        self._file: BinaryIO | None = open(self._partial, "wb")  # noqa: SIM115
        self._dump({"version": VERSION, "buyer": buyer.pk, "stamp": stamp, "source": source})

    def _dump(self, record: Any) -> None:
        assert self._file is not None
        data = zlib.compress(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL), 1)
        self._file.write(len(data).to_bytes(8, "little"))
        self._file.write(data)

    def add(self, rows: list, total: int, invalid: int, encoded: Any = None) -> None:
        """A batch: the rows to write, how many rows it had and how many were invalid, and
        its new suppliers as COPY text (``engine.EncodedCreates``, PostgreSQL) or None."""
        self._dump(("rows", (rows, total, invalid, encoded)))

    def finish(self, outcome: Any) -> None:
        self._dump(("end", outcome))
        assert self._file is not None
        self._file.close()
        self._file = None
        os.replace(self._partial, self.target)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._partial.unlink(missing_ok=True)


def _records(handle: BinaryIO) -> Iterator[Any]:
    while size := handle.read(8):
        data = handle.read(int.from_bytes(size, "little"))
        yield pickle.loads(zlib.decompress(data))  # noqa: S301 - our own file (see module)


class Plan:
    """A complete plan read back: ``header``, then ``batches()`` and ``outcome``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: BinaryIO = open(path, "rb")  # noqa: SIM115
        self._records = _records(self._handle)
        self.header: dict[str, Any] = next(self._records)
        self.outcome: Any = None

    def ending(self) -> Any:
        """The check's outcome (the plan's last record), read ahead of the batches: the
        records' length prefixes are skipped over, nothing else is read."""
        start = self._handle.tell()
        last = start
        while size := self._handle.read(8):
            last = self._handle.tell() - 8
            self._handle.seek(int.from_bytes(size, "little"), os.SEEK_CUR)
        self._handle.seek(last)
        kind, value = next(_records(self._handle))
        self._handle.seek(start)
        if kind != "end":
            raise ValueError("the plan ends early")
        return value

    def batches(self) -> Iterator[tuple[list, int, int, Any]]:
        for kind, value in self._records:
            if kind == "end":
                self.outcome = value
                return
            yield value
        raise ValueError("the plan ends early")

    def close(self) -> None:
        self._handle.close()


def reusable_plan(
    path: Path | None, *, buyer: Organisation, source: Source, stamp: RegistryStamp
) -> Plan | None:
    """The plan at ``path`` when the apply may use it: made for this buyer, file and mapping,
    complete, with the registry unchanged since (``stamp`` is taken now) and quiet before it.
    None otherwise (the apply then checks again)."""
    if path is None or not path.exists():
        return None
    try:
        plan = Plan(path)
    except (OSError, EOFError, ValueError, pickle.UnpicklingError, zlib.error):
        return None
    header = plan.header
    then = header.get("stamp")
    if (
        header.get("version") != VERSION
        or header.get("buyer") != buyer.pk
        or header.get("source") != source
        or not isinstance(then, RegistryStamp)
        or not then.quiet
        or then.importing
        or not then.same_registry(stamp)
    ):
        plan.close()
        return None
    return plan


def discard_plan(job: ImportJob) -> None:
    with contextlib.suppress(OSError, ValueError):
        plan_path(job).unlink(missing_ok=True)
