"""Supplier import benchmark (run on demand; not part of the test suite).

    .venv/bin/python bench/import_bench.py --rows 1000000 \
        [--database-url postgres://postgres@127.0.0.1:5432/drive_bench] [--skip-sqlite]

Generates a realistic CSV of N suppliers (streamed to disk), then on SQLite (a fresh
file) and on PostgreSQL (database created and dropped) runs the real import core
(``drive.imports.engine.run``) twice: validate (read + plan, no writes) and apply
(one transaction, batched writes, audit events). It prints rows/s and peak memory for
each phase (tracemalloc peak of Python allocations, and the process's maximum RSS),
and on PostgreSQL compares with ``COPY`` of the same rows into an equivalent table
(psycopg 3 ``cursor.copy``), the physical limit, and with ``COPY`` into the real
``suppliers_supplier`` table with all its indexes (rolled back), printing the ratios. What it
prints is written to ``bench/results/import-<rows>-<date>.md`` too, with the load average.

The check keeps its plan and the apply writes it (``drive/imports/plans.py``: the registry
is unchanged in between), as the services do; when the registry changed, the apply reads and
checks every row again, which the re-check phase's figure shows. The engine's own split
(``Outcome.seconds`` of planning and writing) is printed too, so the save's share can be
compared with ``COPY`` on its own; and the end-to-end time, check then apply.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"

CITIES = [
    ("Shenzhen", "深圳"),
    ("Guangzhou", "广州"),
    ("Shanghai", "上海"),
    ("Ningbo", "宁波"),
    ("Suzhou", "苏州"),
    ("Xiamen", "厦门"),
    ("Chengdu", "成都"),
    ("Hanoi", "河内"),
]
WORDS = ["Pearl", "River", "Golden", "Harmony", "Bright", "Everwin", "Lotus", "Summit"]
TRADES = ["Textiles", "Garments", "Electronics", "Plastics", "Metal Works", "Packaging"]
COUNTRIES = ["CN", "China", "中国", "CHN", "Viet Nam", "VN"]
HEADER = [
    "legal_name",
    "local_name",
    "registration_number",
    "ungm_vendor_number",
    "country",
    "city",
    "address",
    "website",
    "sectors",
    "employees",
    "annual_turnover_usd",
    "women_owned",
    "contact_name",
    "contact_email",
    "contact_phone",
]


def generate(path: Path, rows: int) -> None:
    rng = random.Random(42)  # noqa: S311 - reproducible test data
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            city, city_zh = rng.choice(CITIES)
            name = f"{city} {rng.choice(WORDS)} {rng.choice(TRADES)} {i} Co., Ltd."
            writer.writerow(
                [
                    name,
                    f"{city_zh}{i}有限公司",
                    f"91{i:016d}",
                    str(100000 + i),
                    rng.choice(COUNTRIES),
                    city,
                    f"{rng.randint(1, 999)} Industrial Road",
                    f"www.supplier{i}.example.com",
                    ";".join(
                        str(c) for c in rng.sample([43, 44, 53, 55, 24, 31], rng.randint(0, 3))
                    ),
                    str(rng.randint(1, 2000)),
                    str(rng.randint(10_000, 80_000_000)),
                    rng.choice(["yes", "no", "", "是"]),
                    f"Contact {i}",
                    f"contact{i}@supplier{i}.example.com",
                    f"+86 755 {i:08d}",
                ]
            )


def _measure(func, trace: bool):
    """Run ``func``; seconds, tracemalloc peak (MiB, only with ``trace``), max RSS (MiB).

    tracemalloc slows Python several times, so rows/s are measured without it unless asked.
    """
    if trace:
        tracemalloc.start()
    cpu = _cpu()
    started = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - started
    cpu = _cpu() - cpu
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024 if trace else float("nan")
    if trace:
        tracemalloc.stop()
    rss = max(
        resource.getrusage(who).ru_maxrss / 1024
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return result, seconds, peak, rss, cpu


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the import's cleaning worker):
    on a busy machine, what the Python side cost whatever the wait for a core."""
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
    )


def child(database_url: str, path: Path, rows: int, phase: str, trace: bool) -> None:
    """One phase on one database, in its own process so max RSS belongs to that phase."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DRIVE_ENV", "development")
    os.environ["DEBUG"] = "0"  # no query log growing in memory
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drive.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from drive.imports import engine
    from drive.organisations.models import Organisation

    call_command("migrate", verbosity=0)
    buyer, _ = Organisation.objects.get_or_create(name="Bench Agency", kind="buyer")
    vendor = connection.vendor

    # The check keeps its plan (drive/imports/plans.py) and the apply writes it, as the
    # services do; ``apply-recheck`` applies a file that another check (the first
    # ``validate``) did not plan for this registry state: it reads and checks every row again.
    plan = path.parent / f"plan-{vendor}"

    def apply():
        with transaction.atomic():
            return engine.run(
                path, buyer=buyer, write=True, only_valid=True, plan_from=plan, mapping=None
            )

    if phase == "copy":
        rate = copy_limit(connection, path, rows)
        print(f"[{vendor}] COPY:     {rate:,.0f} rows/s (physical limit)", flush=True)
        Path(path.parent / "copy_rate").write_text(str(rate))
        # Another registry, so the rows the apply phase created do not clash.
        other, _ = Organisation.objects.get_or_create(name="Bench COPY Agency", kind="buyer")
        indexed = copy_into_registry(connection, path, rows, other.pk)
        print(
            f"[{vendor}] COPY into suppliers_supplier with its indexes (rolled back): "
            f"{indexed:,.0f} rows/s",
            flush=True,
        )
        Path(path.parent / "copy_registry_rate").write_text(str(indexed))
        return
    func = apply if phase == "apply" else (lambda: engine.run(path, buyer=buyer, plan_to=plan))
    if phase == "recheck":
        func = lambda: engine.run(path, buyer=buyer)  # noqa: E731
    out, seconds, peak, rss, cpu = _measure(func, trace)
    rate = rows / seconds
    print(
        f"[{vendor}] {phase:9s} {rate:,.0f} rows/s ({seconds:.1f} s; Python CPU {cpu:.1f} s), "
        f"max RSS {rss:.0f} MiB"
        + (f", tracemalloc peak {peak:.1f} MiB" if trace else "")
        + f"; create {out.create:,}, update {out.update:,}, unchanged {out.unchanged:,},"
        f" invalid {out.invalid:,}",
        flush=True,
    )
    if phase == "validate":
        Path(path.parent / f"validate_seconds_{vendor}").write_text(str(seconds))
    if phase == "apply":
        written = out.create + out.update
        save = written / out.write_seconds if out.write_seconds else float("nan")
        how = "the check's plan written" if out.reused_check else "every row checked again"
        print(
            f"[{vendor}] of which writing {out.write_seconds:.1f} s: save step alone "
            f"{save:,.0f} rows/s ({how})",
            flush=True,
        )
        if out.rebuild:
            slowest = sorted(out.rebuild.built.items(), key=lambda item: -item[1])
            print(
                f"[{vendor}] bulk load: {len(out.rebuild.indexes)} indexes of the loaded "
                f"tables dropped and built again, {len(out.rebuild.foreign_keys)} foreign keys "
                f"dropped and added back, {out.rebuild.seconds:.1f} s of the writing: deferred "
                f"foreign-key checks {out.rebuild.checks_seconds:.1f} s, keys added back "
                f"{out.rebuild.keys_seconds:.1f} s, then "
                + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest),
                flush=True,
            )
        checked = float(Path(path.parent / f"validate_seconds_{vendor}").read_text())
        print(
            f"[{vendor}] end to end (check, then apply): {checked + seconds:.1f} s = "
            f"{rows / (checked + seconds):,.0f} rows/s",
            flush=True,
        )
        Path(path.parent / f"apply_rate_{vendor}").write_text(str(rate))
        Path(path.parent / f"save_rate_{vendor}").write_text(str(save))


def copy_limit(connection, path: Path, rows: int) -> float:
    """COPY the same rows into an equivalent table (supplier columns, no checks)."""
    from drive.imports.normalise import country_code

    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy")
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_copy (id bigserial primary key, legal_name varchar(255),"
            " local_name varchar(255), registration_number varchar(64),"
            " ungm_vendor_number varchar(32), country varchar(2), city varchar(120),"
            " address text, website varchar(200), sectors text, employees integer,"
            " annual_turnover_usd numeric(16,2), women_owned boolean, contact_name text,"
            " contact_email text, contact_phone text)"
        )
        started = time.perf_counter()
        columns = ",".join(HEADER)
        with (
            open(path, encoding="utf-8-sig", newline="") as handle,
            cursor.copy(f"COPY bench_copy ({columns}) FROM STDIN") as copy,
        ):  # noqa: S608
            reader = csv.reader(handle)
            next(reader)
            for cells in reader:
                cells[4] = country_code(cells[4])
                cells[9] = int(cells[9])
                cells[11] = cells[11] in ("yes", "是")
                copy.write_row(cells)
        raw.commit()
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_copy")
    raw.commit()
    return rows / seconds


def copy_into_registry(connection, path: Path, rows: int, buyer_id: int) -> float:
    """COPY the same rows into the real supplier table, with all its indexes (the search
    indexes of drive/suppliers/migrations/0006 included), then roll back: the limit the
    import's save meets on this schema."""
    from django.utils import timezone

    from drive.imports.normalise import country_code

    connection.ensure_connection()
    raw = connection.connection
    now = timezone.now()
    columns = (
        "buyer_id, legal_name, local_name, registration_number, ungm_vendor_number, country,"
        " city, address, website, sector_text, match_key, employees, annual_turnover_usd,"
        " size_class, women_owned, created_at, updated_at"
    )
    with raw.cursor() as cursor:
        started = time.perf_counter()
        with (
            open(path, encoding="utf-8-sig", newline="") as handle,
            cursor.copy(f"COPY suppliers_supplier ({columns}) FROM STDIN") as copy,
        ):  # noqa: S608
            reader = csv.reader(handle)
            next(reader)
            for cells in reader:
                copy.write_row(
                    [
                        buyer_id,
                        cells[0],
                        cells[1],
                        cells[2],
                        cells[3],
                        country_code(cells[4]),
                        cells[5],
                        cells[6],
                        cells[7],
                        "",
                        cells[0].lower(),
                        int(cells[9]),
                        cells[10],
                        "small",
                        cells[11] in ("yes", "是"),
                        now,
                        now,
                    ]
                )
        cursor.execute("SELECT 1")  # the COPY is complete on the server
        seconds = time.perf_counter() - started
    raw.rollback()
    return rows / seconds


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    base = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/drive_bench")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also report tracemalloc peaks (slows the run several times)",
    )
    parser.add_argument(
        "--output", help="result file name in bench/results (default import-<rows>-<date>.md)"
    )
    parser.add_argument(
        "--skip-recheck",
        action="store_true",
        help="leave out the re-check phase (a third pass over the file: long at 1,000,000 rows)",
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        url, path, rows, phase = args.child
        child(url, Path(path), int(rows), phase, args.tracemalloc)
        return

    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    with tempfile.TemporaryDirectory(prefix="drive-bench-") as tmp:
        path = Path(tmp) / "suppliers.csv"
        started = time.perf_counter()
        generate(path, args.rows)
        say(
            f"generated {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB "
            f"in {time.perf_counter() - started:.1f} s"
        )
        runs = []
        if not args.skip_sqlite:
            runs.append(f"sqlite:///{tmp}/bench.sqlite3")
        if not args.skip_postgres:
            name = args.database_url.rsplit("/", 1)[1]
            _pg_admin(args.database_url, f'DROP DATABASE IF EXISTS "{name}"')
            _pg_admin(args.database_url, f'CREATE DATABASE "{name}"')
            runs.append(args.database_url)
        try:
            for url in runs:
                env = {**os.environ, "MEDIA_ROOT": tmp}
                phases = ["validate", "apply"] + ([] if args.skip_recheck else ["recheck"])
                if url.startswith("postgres"):
                    phases.append("copy")
                for phase in phases:
                    command = [
                        sys.executable,
                        __file__,
                        "--child",
                        url,
                        str(path),
                        str(args.rows),
                        phase,
                    ]
                    if args.tracemalloc:
                        command.append("--tracemalloc")
                    done = subprocess.run(  # noqa: S603
                        command, check=True, env=env, capture_output=True, text=True
                    )
                    for line in done.stdout.splitlines():
                        say(line)
                if url.startswith("postgres"):
                    copy_rate = float((path.parent / "copy_rate").read_text())
                    indexed = float((path.parent / "copy_registry_rate").read_text())
                    apply_rate = float((path.parent / "apply_rate_postgresql").read_text())
                    save_rate = float((path.parent / "save_rate_postgresql").read_text())
                    say(
                        f"[postgresql] save step alone: {save_rate / copy_rate:.1%} of COPY "
                        f"into a plain table, {save_rate / indexed:.1%} of COPY into "
                        "suppliers_supplier with its indexes (target ≥ 25% of COPY)"
                    )
                    say(
                        f"[postgresql] apply (the check's plan written, see above) is "
                        f"{apply_rate / copy_rate:.1%} of COPY of the same rows into a plain "
                        f"table, {apply_rate / indexed:.1%} of COPY into suppliers_supplier "
                        "with its indexes"
                    )
        finally:
            if not args.skip_postgres:
                name = args.database_url.rsplit("/", 1)[1]
                _pg_admin(args.database_url, f'DROP DATABASE IF EXISTS "{name}"')
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / (args.output or f"import-{args.rows}-{date.today():%Y%m%d}.md")
    target.write_text(
        f"# Import benchmark: {args.rows:,} rows\n\n"
        f"- {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {platform.node()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; load average {os.getloadavg()[0]:.1f} at the end\n"
        f"- command: `python bench/import_bench.py --rows {args.rows}"
        f"{' --skip-sqlite' if args.skip_sqlite else ''}"
        f"{' --skip-postgres' if args.skip_postgres else ''}"
        f"{' --skip-recheck' if args.skip_recheck else ''}`\n\n"
        + "".join(f"    {line}\n" for line in lines),
        encoding="utf-8",
    )
    print(f"written to {target}")


if __name__ == "__main__":
    main()
