"""Scoring benchmark (run on demand; not part of the test suite).

    .venv/bin/python bench/scoring_bench.py --assessments 100000 \
        [--database-url postgres://postgres@127.0.0.1:5432/drive_bench_scoring] \
        [--skip-sqlite] [--skip-postgres] [--sample 2000] [--workers 2] [--range-size 20000]

Loads DRiVE's default questionnaire (``drive/questionnaires/data/drive_default.json``
through the engine's loader), generates N synthetic submitted assessments (answers of
every type, evidence attached to most answers that need it, random size classes), then
on SQLite (a fresh file) and on PostgreSQL (database created and dropped) measures:

- ``core``: the pure :func:`drive.scoring.engine.score_answers` over all N;
- ``score``: :func:`drive.scoring.rescoring.rescore_all`, what ``manage.py rescore`` runs
  (id ranges of ``--range-size``, each one transaction, on ``--workers`` processes on
  PostgreSQL, one on SQLite; reads, scoring, bulk writes of the score, theme rows, question
  results and audit events), over all N never scored;
- ``rescore``: the same after a new method version is published (every assessment gets a
  second score): rescoring after a method change;
- ``compute``: :func:`drive.scoring.services.score_compute` one assessment at a time
  (what the submit task runs) on a sample, with a newly published method version.

Each prints assessments/s, the CPU time the Python processes spent per assessment and, for
``score`` and ``rescore`` on PostgreSQL running on this machine, the CPU time of the
PostgreSQL server processes that served the workers (read from ``/proc``; background
writers not included): both are less sensitive to a busy machine than the rate, and their
sum bounds the rate two quiet cores could reach. Then the load average when it ended, and
the peak memory (resident set) of the process and of its worker processes. Setup
(suppliers, enrolments, submissions) is not timed. The result is checked: every assessment
has exactly one score of each version.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIZES = ["micro", "small", "medium", "large"]


def answer(rng: random.Random, question) -> object:
    kind = question.type
    values = [c.value for c in question.choices.all()]
    if rng.random() < 0.05 and not question.required:
        return None
    if kind in ("yes_no", "yes_no_partial", "single"):
        return rng.choice(values)
    if kind == "multiple":
        return rng.sample(values, rng.randint(0, len(values)))
    if kind == "integer":
        return rng.randint(0, 500)
    if kind in ("decimal", "percentage"):
        return round(rng.uniform(0, 100), 1)
    if kind == "text":
        return "We keep records."
    return None


def _peak_mib() -> str:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return f"peak RSS {own:,.0f} MiB, workers {workers:,.0f} MiB"


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished worker processes (not the database's)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def _server_cpu_seconds(connection) -> float | None:
    """CPU time so far of the PostgreSQL server process of ``connection`` (None when the
    server is not on this machine)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure_server_cpu(record: Path) -> None:
    """Append to ``record`` the server CPU each rescoring range takes, in whichever
    process (worker) scores it."""
    from django.db import connection

    from drive.scoring import rescoring

    scored = rescoring.rescore_range

    def measured(**kwargs):
        before = _server_cpu_seconds(connection)
        outcome = scored(**kwargs)
        after = _server_cpu_seconds(connection)
        if before is not None and after is not None:
            with record.open("a") as out:
                out.write(f"{after - before}\n")
        return outcome

    rescoring.rescore_range = measured


def _load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def child(url: str, count: int, sample: int, batch: int, workers: int, range_size: int) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DRIVE_ENV", "development")
    os.environ["DEBUG"] = "0"
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drive.settings")
    django.setup()
    import json

    from django.core.management import call_command
    from django.db import connection, transaction

    from drive.assessments.models import Assessment, AssessmentStatus, Submission
    from drive.organisations.models import Organisation
    from drive.programmes.models import Enrolment, Programme, ProgrammeStatus
    from drive.questionnaires.selectors import evidence_needed, question_applies, questions_of
    from drive.questionnaires.services import questionnaire_load_shipped
    from drive.scoring import engine
    from drive.scoring.models import Score, ScoreQuestions
    from drive.scoring.rescoring import rescore_all
    from drive.scoring.selectors import method_current
    from drive.scoring.services import score_compute, scoring_method_publish
    from drive.suppliers.models import Supplier

    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    data = ROOT / "drive" / "questionnaires" / "data" / "drive_default.json"
    version = questionnaire_load_shipped(definition=json.loads(data.read_text())).version
    questions = questions_of(version)
    print(
        f"[{vendor}] default questionnaire: {len(questions)} questions, "
        f"{len({q.theme_id for q in questions})} themes",
        flush=True,
    )

    rng = random.Random(42)  # noqa: S311 - reproducible synthetic data
    started = time.perf_counter()
    rows = []
    for _ in range(count):
        size = rng.choice(SIZES)
        answers = {}
        documents = {}
        for question in questions:
            if not question_applies(question, size_class=size, sectors=[]):
                continue
            value = answer(rng, question)
            if value in (None, "", []):
                continue
            answers[question.code] = value
            if evidence_needed(question, value) and rng.random() < 0.8:
                documents[question.code] = [1]
        rows.append((size, answers, documents))
    print(
        f"[{vendor}] generated {count:,} submissions in {time.perf_counter() - started:.1f} s",
        flush=True,
    )

    method = method_current()
    started = time.perf_counter()
    for size, answers, documents in rows:
        skipped = [
            q.code for q in questions if not question_applies(q, size_class=size, sectors=[])
        ]
        engine.score_answers(
            questions, answers, documents, method.typed_config, not_applicable=skipped
        )
    seconds = time.perf_counter() - started
    print(f"[{vendor}] core     {count / seconds:,.0f} assessments/s ({seconds:.1f} s)", flush=True)

    started = time.perf_counter()
    buyer = Organisation.objects.create(name="Bench Agency", kind="buyer")
    programme = Programme.objects.create(
        buyer=buyer, name="Bench", status=ProgrammeStatus.OPEN, questionnaire_version=version
    )
    for start in range(0, count, 5000):
        chunk = rows[start : start + 5000]
        with transaction.atomic():
            suppliers = Supplier.objects.bulk_create(
                [
                    Supplier(
                        buyer=buyer,
                        legal_name=f"Bench Supplier {start + i} Co., Ltd.",
                        registration_number=f"91{start + i:016d}",
                        country="CN",
                        size_class=size,
                    )
                    for i, (size, _a, _d) in enumerate(chunk)
                ]
            )
            enrolments = Enrolment.objects.bulk_create(
                [Enrolment(programme=programme, supplier=s, stage="submitted") for s in suppliers]
            )
            assessments = Assessment.objects.bulk_create(
                [
                    Assessment(
                        enrolment=e, supplier=s, version=version, status=AssessmentStatus.SUBMITTED
                    )
                    for e, s in zip(enrolments, suppliers, strict=True)
                ]
            )
            Submission.objects.bulk_create(
                [
                    Submission(assessment=a, number=1, answers=answers, documents=documents)
                    for a, (_s, answers, documents) in zip(assessments, chunk, strict=True)
                ]
            )
    print(
        f"[{vendor}] stored {count:,} submitted assessments in "
        f"{time.perf_counter() - started:.1f} s (setup, not timed)",
        flush=True,
    )

    ids = list(Assessment.objects.order_by("pk").values_list("pk", flat=True))
    if vendor != "postgresql":
        workers = 1  # one SQLite writer at a time
    record = Path(tempfile.mkstemp(prefix="drive-bench-server-cpu-")[1])
    if vendor == "postgresql":
        _measure_server_cpu(record)
    for label, current in (
        ("score   ", method),
        (
            "rescore ",
            scoring_method_publish(
                code=method.code,
                name=method.name,
                config={**method.config, "unanswered_optional": "exclude"},
            ),
        ),
    ):
        record.write_text("")
        started = time.perf_counter()
        cpu = _cpu_seconds()
        outcomes = rescore_all(
            method=current, workers=workers, range_size=range_size, batch_size=batch
        )
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu
        scored = sum(o.scored for o in outcomes)
        failed = [o for o in outcomes if o.failed]
        ranges_cpu = [float(line) for line in record.read_text().split()]
        server = (
            f"{sum(ranges_cpu) / scored * 1000:.2f} ms of PostgreSQL server CPU; "
            if ranges_cpu and len(ranges_cpu) == len(outcomes)
            else ""
        )
        print(
            f"[{vendor}] {label} {scored / seconds:,.0f} assessments/s with writes "
            f"({seconds:.1f} s, {scored:,} scores, {workers} worker(s), {len(outcomes)} "
            f"ranges of at most {range_size:,}, batches of {batch}; "
            f"{cpu / scored * 1000:.2f} ms of Python CPU "
            f"per assessment; {server}{_load()}; {_peak_mib()})",
            flush=True,
        )
        assert not failed, failed
        assert Score.objects.filter(method=current).count() == len(ids), "not every one scored"
        assert ScoreQuestions.objects.filter(score__method=current).count() == len(ids)
        method = current
    record.unlink()

    newer = scoring_method_publish(code=method.code, name=method.name, config=method.config)
    ids = ids[:sample]
    started = time.perf_counter()
    for assessment in Assessment.objects.filter(pk__in=ids):
        score_compute(assessment=assessment, method=newer)
    seconds = time.perf_counter() - started
    print(
        f"[{vendor}] compute  {sample / seconds:,.0f} assessments/s ({seconds:.1f} s, "
        f"one at a time, {sample:,} assessments)",
        flush=True,
    )


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    base = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assessments", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--range-size", type=int, default=20_000)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/drive_bench_scoring"
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        url, *numbers = args.child
        child(url, *(int(n) for n in numbers))
        return
    with tempfile.TemporaryDirectory(prefix="drive-bench-scoring-") as tmp:
        runs = []
        if not args.skip_sqlite:
            runs.append(f"sqlite:///{tmp}/bench.sqlite3")
        name = args.database_url.rsplit("/", 1)[1]
        if not args.skip_postgres:
            _pg_admin(args.database_url, f'DROP DATABASE IF EXISTS "{name}"')
            _pg_admin(args.database_url, f'CREATE DATABASE "{name}"')
            runs.append(args.database_url)
        try:
            for url in runs:
                subprocess.run(  # noqa: S603
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        url,
                        str(args.assessments),
                        str(args.sample),
                        str(args.batch_size),
                        str(args.workers),
                        str(args.range_size),
                    ],
                    check=True,
                    env={**os.environ, "MEDIA_ROOT": tmp},
                )
        finally:
            if not args.skip_postgres:
                _pg_admin(args.database_url, f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
