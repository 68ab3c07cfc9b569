"""Certificate batch benchmark (run on demand; not part of the test suite).

    .venv/bin/python bench/certificates_bench.py --certificates 1000 --workers 2 \
        [--database-url postgres://postgres@127.0.0.1:5432/drive_bench_certificates] \
        [--sqlite]

Builds a programme of N suppliers (English and Chinese names) whose self-assessments are
accepted, then measures one batch as production runs it:

- ``completion``: :func:`drive.certificates.selectors.completion_for` over the cohort;
- ``issue``: :func:`drive.certificates.services.certificate_issue_many` — the manager's
  "certify all who qualify" (numbers, certificates, audit entries and domain events, stage
  moves), one transaction; the PDF tasks it queues are collected, not run;
- ``pdfs``: the queued ``certificate_pdfs_render`` tasks (chunks of ``PDF_CHUNK``) run by
  ``--workers`` worker processes, as RQ workers would (WeasyPrint, CJK font, QR code);
- ``total``: issue + pdfs, the time from the click to the last PDF ready (the target is
  1,000 certificates in 2 minutes);
- the CPU time of issuing and of the PDFs (summed over the workers), which does not depend
  on what else the machine runs, and the wall time it projects on free cores.

The machine's load average is printed with the figures: PDF rendering is CPU-bound and the
time scales with the free cores. The database is created and dropped (PostgreSQL), or a
fresh SQLite file with ``--sqlite`` (its single writer then limits parallel workers).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def render_chunk(ids: list[int]) -> tuple[int, float]:
    """One queued task, as a worker runs it: (certificates, CPU seconds it used)."""
    from django.db import connection

    from drive.certificates.tasks import certificate_pdfs_render

    cpu = time.process_time()
    certificate_pdfs_render.func(ids)
    connection.close()
    return len(ids), time.process_time() - cpu


def child(url: str, count: int, workers: int) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DRIVE_ENV", "development")
    os.environ["DEBUG"] = "0"
    import logging

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drive.settings")
    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    from multiprocessing import get_context

    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import override_settings
    from django.utils import timezone

    from drive.accounts.models import User
    from drive.assessments.models import Assessment, AssessmentStatus
    from drive.assessments.testing import make_version
    from drive.certificates import services
    from drive.certificates.models import Certificate, PdfStatus
    from drive.certificates.selectors import completion_for
    from drive.organisations.models import Organisation, OrganisationKind, Role
    from drive.programmes.models import Enrolment, Programme, ProgrammeStatus, Stage
    from drive.suppliers.models import Supplier

    call_command("migrate", verbosity=0)
    vendor = connections["default"].vendor
    buyer = Organisation.objects.create(name="UN Agency Bench", kind=OrganisationKind.BUYER)
    manager = User.objects.create_user(
        email="manager@bench.example.org",
        password="x",
        organisation=buyer,
        role=Role.PROGRAMME_MANAGER,
    )
    programme = Programme.objects.create(
        buyer=buyer,
        name="China pilot (benchmark)",
        questionnaire_version=make_version(),
        status=ProgrammeStatus.OPEN,
    )
    suppliers = Supplier.objects.bulk_create(
        [
            Supplier(
                buyer=buyer,
                legal_name=f"Shenzhen Bench Manufacturing {n} Co., Ltd.",
                local_name=f"深圳基准制造{n}有限公司",
                registration_number=f"91440300BENCH{n:06d}",
                country="CN",
                city="Shenzhen",
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    suppliers = list(Supplier.objects.filter(buyer=buyer).order_by("pk"))
    Enrolment.objects.bulk_create(
        [Enrolment(programme=programme, supplier=s, stage=Stage.REVIEWED) for s in suppliers],
        batch_size=1000,
    )
    enrolments = list(Enrolment.objects.filter(programme=programme).order_by("pk"))
    Assessment.objects.bulk_create(
        [
            Assessment(
                enrolment=e,
                supplier_id=e.supplier_id,
                version=programme.questionnaire_version,
                status=AssessmentStatus.ACCEPTED,
                accepted_at=timezone.now(),
            )
            for e in enrolments
        ],
        batch_size=1000,
    )

    figures: dict[str, float] = {}
    started = time.perf_counter()
    done = completion_for(programme)
    figures["completion"] = time.perf_counter() - started
    assert sum(d.qualifies for d in done.values()) == count

    queued: list[list[int]] = []
    original = services.enqueue
    services.enqueue = lambda work, ids: queued.append(ids)  # type: ignore[assignment]
    # Event consumers (notifications, webhooks) run on workers after commit: not here.
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ):
        started, cpu = time.perf_counter(), time.process_time()
        result = services.certificate_issue_many(programme=programme, by=manager)
        figures["issue"] = time.perf_counter() - started
        issue_cpu = time.process_time() - cpu
    services.enqueue = original
    assert len(result.issued) == count

    connections.close_all()
    started = time.perf_counter()
    with get_context("fork").Pool(workers) as pool:
        outcomes = pool.map(render_chunk, queued, chunksize=1)
    figures["pdfs"] = time.perf_counter() - started
    rendered = sum(n for n, _cpu in outcomes)
    pdf_cpu = sum(cpu for _n, cpu in outcomes)
    figures["total"] = figures["issue"] + figures["pdfs"]
    ready = Certificate.objects.filter(pdf_status=PdfStatus.READY).count()
    assert rendered == count and ready == count, (rendered, ready)
    sizes = [c.pdf.size for c in Certificate.objects.all()[:20]]

    load = os.getloadavg()
    print(
        f"{vendor}: {count} certificates, {workers} worker process(es), "
        f"{len(queued)} tasks of up to {services.PDF_CHUNK}; "
        f"load average {load[0]:.1f} on {os.cpu_count()} CPUs"
    )
    for name in ("completion", "issue", "pdfs", "total"):
        seconds = figures[name]
        print(f"  {name:<10} {seconds:8.2f} s   {count / seconds:9.1f} certificates/s")
    print(f"  PDF size   ~{sum(sizes) // len(sizes) // 1024} KiB each")
    # Wall times above depend on what else the machine runs; CPU time does not.
    print(
        f"  CPU time: issue {issue_cpu:.1f} s (Python side, without the database), "
        f"PDFs {pdf_cpu:.1f} s ({pdf_cpu / count * 1000:.0f} ms per certificate); "
        f"on {workers} free cores the batch would take about "
        f"{issue_cpu + pdf_cpu / workers:.0f} s"
    )


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    base = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--certificates", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/drive_bench_certificates"
    )
    parser.add_argument("--sqlite", action="store_true", help="a fresh SQLite file instead")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        url, count, workers = args.child
        child(url, int(count), int(workers))
        return
    with tempfile.TemporaryDirectory(prefix="drive-bench-certificates-") as tmp:
        if args.sqlite:
            url = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            url = args.database_url
            name = url.rsplit("/", 1)[1]
            _pg_admin(url, f'DROP DATABASE IF EXISTS "{name}"')
            _pg_admin(url, f'CREATE DATABASE "{name}"')
        try:
            subprocess.run(  # noqa: S603
                [
                    sys.executable,
                    __file__,
                    "--child",
                    url,
                    str(args.certificates),
                    str(args.workers),
                ],
                check=True,
                env={**os.environ, "MEDIA_ROOT": tmp},
            )
        finally:
            if not args.sqlite:
                _pg_admin(url, f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
