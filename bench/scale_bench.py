"""Scale benchmark: DRiVE's main pages at 10,000 – 1,000,000 suppliers on PostgreSQL.

    make bench-scale SUPPLIERS=100000                     # or directly:
    .venv/bin/python bench/scale_bench.py --suppliers 1000000 --enrolments 10000 \
        [--database-url postgres://postgres@127.0.0.1:5432/drive_bench_scale] \
        [--reuse] [--requests 40] [--seconds 10]

Run on demand, never in the test suite. Steps:

1. **Seed** a fresh PostgreSQL database (dropped and created; ``--reuse`` keeps an existing
   seeded one) with ``COPY``: N suppliers with realistic countries, sectors, sizes, Latin and
   Chinese names, long-term agreements and certifications; one programme on the default
   questionnaire with E enrolled suppliers whose assessments are submitted; then scores them
   with the real rescoring service (``rescore_all`` on one worker process per core), which is
   timed: that is the **rescoring** figure (assessments/s with writes).
2. **Pages**: starts gunicorn (2 workers, like production on this machine) and requests each
   main page (supplier list: default, Latin search, 2-character Chinese search, filter, every
   sort, a late page; supplier detail; buyer home; programme/cohort page; risk dashboard;
   questionnaire page; API supplier list) ``--requests`` times as the programme manager,
   giving p50/p95 of the server time (gunicorn's own, from the request read to the response
   written: its access log) and, beside it, of the client's time to the whole response
   (connect and parse included). Each page is also rendered
   in-process, warm, to capture its SQL and query count, and that SQL is then run alone
   (best of 3): the page's **raw SQL** time and the ratio server p50 / raw SQL.
3. **Throughput**: requests/s of the supplier list page against ``/healthz`` on the same server,
   4 concurrent clients for ``--seconds`` each.

It prints a table and writes it to ``bench/results/scale-<N>-<date>.md`` with the machine's
description (CPU, memory, PostgreSQL version) and the peak memory of the seeding and
rescoring process. Targets (issue 14): every page ≤ 200 ms p95 and ≤ 3× its raw SQL; list
throughput ≥ 25% of /healthz; rescoring ≥ 2,000 assessments/s.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/drive_bench_scale"

# Country mix of a UN-like supply base (share of suppliers), with cities in Latin and local
# script where the country writes its names in another script.
COUNTRIES = [
    (
        "CN",
        18,
        [("Shenzhen", "深圳"), ("Shanghai", "上海"), ("Ningbo", "宁波"), ("Suzhou", "苏州")],
    ),
    ("IN", 10, [("Mumbai", "मुंबई"), ("Chennai", "சென்னை"), ("Delhi", "दिल्ली")]),
    ("US", 8, [("Chicago", ""), ("Houston", ""), ("New York", "")]),
    ("BD", 5, [("Dhaka", "ঢাকা"), ("Chattogram", "চট্টগ্রাম")]),
    ("VN", 5, [("Hanoi", "Hà Nội"), ("Ho Chi Minh City", "Thành phố Hồ Chí Minh")]),
    ("TR", 4, [("Istanbul", ""), ("Izmir", "")]),
    ("KE", 4, [("Nairobi", ""), ("Mombasa", "")]),
    ("DE", 4, [("Hamburg", ""), ("München", "")]),
    ("FR", 3, [("Lyon", ""), ("Paris", "")]),
    ("DK", 3, [("Copenhagen", "København")]),
    ("BR", 3, [("São Paulo", ""), ("Recife", "")]),
    ("PK", 3, [("Karachi", "کراچی"), ("Lahore", "لاہور")]),
    ("ET", 2, [("Addis Ababa", "አዲስ አበባ")]),
    ("AE", 3, [("Dubai", "دبي")]),
    ("JP", 2, [("Osaka", "大阪"), ("Tokyo", "東京")]),
    ("UA", 2, [("Kyiv", "Київ")]),
    ("NG", 3, [("Lagos", "")]),
    ("ZA", 2, [("Johannesburg", "")]),
    ("MX", 2, [("Monterrey", "")]),
    ("GB", 3, [("Manchester", ""), ("London", "")]),
    ("CH", 2, [("Geneva", "Genève")]),
    ("IT", 2, [("Milano", "")]),
    ("TH", 2, [("Bangkok", "กรุงเทพมหานคร")]),
    ("ID", 3, [("Jakarta", "")]),
]
WORDS = ["Pearl", "River", "Golden", "Harmony", "Bright", "Everwin", "Lotus", "Summit", "Delta"]
TRADES = [
    "Textiles",
    "Garments",
    "Electronics",
    "Plastics",
    "Metal Works",
    "Packaging",
    "Logistics",
    "Medical Supplies",
    "Foods",
    "Engineering",
    "Consulting",
    "Printing",
]
ZH_WORDS = ["明珠", "金河", "和谐", "光明", "永胜", "莲花", "顶峰", "华美", "长江", "东方"]
ZH_TRADES = ["纺织", "服装", "电子", "塑料", "五金", "包装", "物流", "医疗用品", "食品", "工程"]
FORMS = ["Co., Ltd.", "Ltd", "LLC", "GmbH", "S.A.", "Pvt. Ltd.", "Inc.", "A/S", "PLC", "LIMITED"]
SIZES = [("micro", 30), ("small", 35), ("medium", 25), ("large", 10)]
SECTORS = [53, 42, 43, 44, 46, 50, 51, 56, 72, 78, 80, 81, 85, 90, 24, 30, 31, 39]


def _weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    base = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql)


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DRIVE_ENV"] = "development"
    os.environ["DEBUG"] = "0"
    os.environ["TASKS_BACKEND"] = "sync"
    os.environ["EVENTS_SWEEP_SECONDS"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drive.settings")
    import django

    django.setup()


class CopyWriter:
    """COPY rows of a model's table, every concrete column written: a value given by the
    caller, else the field's Python default (so a column added later by a migration does not
    break the seeding)."""

    def __init__(self, model, **constants):
        from django.utils import timezone

        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        now = timezone.now()
        self.defaults = {}
        for field in self.fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                self.defaults[field.attname] = now
            elif field.has_default():
                self.defaults[field.attname] = field.get_default()
            elif field.null:
                self.defaults[field.attname] = None
            else:
                self.defaults[field.attname] = (
                    ""
                    if field.get_internal_type()
                    in (
                        "CharField",
                        "TextField",
                        "SlugField",
                        "URLField",
                        "EmailField",
                    )
                    else None
                )
        self.defaults.update(constants)

    def copy(self, rows) -> int:
        """``rows`` yields dicts by attname; returns the number written."""
        from django.db import connection

        columns = ", ".join(f'"{f.column}"' for f in self.fields)
        table = self.model._meta.db_table
        count = 0
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for row in rows:
                    values = []
                    for field in self.fields:
                        value = row.get(field.attname, self.defaults[field.attname])
                        if isinstance(value, (dict, list)):
                            import json

                            value = json.dumps(value)
                        elif hasattr(value, "code") and not isinstance(value, str):
                            value = value.code
                        values.append(value)
                    copy.write_row(values)
                    count += 1
        return count


def seed(suppliers: int, enrolments: int) -> dict:
    """Seed the database; returns ids the page measurements need and the rescoring figure."""
    import json

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from drive.assessments.models import Answer, Assessment, AssessmentStatus, Submission
    from drive.assessments.services import count_answered
    from drive.organisations.models import Organisation
    from drive.programmes.cohort_copy import cohort_copy_refresh
    from drive.programmes.models import Enrolment, Programme, ProgrammeStatus
    from drive.questionnaires.selectors import evidence_needed, question_applies, questions_of
    from drive.questionnaires.services import questionnaire_load_shipped
    from drive.risk.cohort import cohort_scores_refresh_all
    from drive.scoring.rescoring import rescore_all
    from drive.scoring.selectors import method_current
    from drive.suppliers.models import (
        Certification,
        LongTermAgreement,
        Supplier,
        SupplierSector,
    )

    rng = random.Random(14)  # noqa: S311 - reproducible synthetic data
    buyer = Organisation.objects.create(name="Bench Agency", kind="buyer")
    manager = get_user_model().objects.create_user(
        email="manager@bench.example.org",
        password="bench-password-1",  # noqa: S106 - a benchmark account
        full_name="Bench Manager",
        organisation=buyer,
        role="programme_manager",
    )

    started = time.perf_counter()
    with transaction.atomic():

        def supplier_rows():
            for i in range(suppliers):
                country = _weighted(rng, [(c, w) for c, w, _ in COUNTRIES])
                cities = next(c for code, _w, c in COUNTRIES if code == country)
                city, city_local = rng.choice(cities)
                name = f"{rng.choice(WORDS)} {rng.choice(TRADES)} {city} {i} {rng.choice(FORMS)}"
                if rng.random() < 0.03:
                    name = name.upper()  # imported all-capital names
                local = ""
                if country == "CN":
                    local = f"{city_local}{rng.choice(ZH_WORDS)}{rng.choice(ZH_TRADES)}{i}有限公司"
                elif city_local:
                    local = f"{city_local} {i}"
                size = _weighted(rng, SIZES)
                employees = {"micro": 8, "small": 40, "medium": 180, "large": 900}[size]
                yield {
                    "buyer_id": buyer.pk,
                    "legal_name": name,
                    "local_name": local,
                    "registration_number": f"R{i:09d}" if rng.random() < 0.7 else "",
                    "ungm_vendor_number": str(100000 + i) if rng.random() < 0.5 else "",
                    "country": country,
                    "city": city,
                    "address": f"{rng.randint(1, 999)} Industrial Road, {city}",
                    "website": "",
                    "employees": employees + rng.randint(0, employees),
                    "annual_turnover_usd": Decimal(rng.randint(50, 50000) * 1000),
                    "size_class": size,
                    "women_owned": rng.random() < 0.12,
                }

        CopyWriter(Supplier).copy(supplier_rows())
        registry = Supplier.objects.filter(buyer=buyer).order_by("pk").values_list("pk", flat=True)
        first_id, last_id = registry.first(), registry.last()
        ids = range(first_id, last_id + 1)
        CopyWriter(SupplierSector).copy(
            {"supplier_id": pk, "sector_id": code}
            for pk in ids
            for code in rng.sample(SECTORS, rng.choice((1, 1, 2)))
        )
        CopyWriter(LongTermAgreement).copy(
            {
                "supplier_id": pk,
                "number": f"LTA/{pk}",
                "agency": rng.choice(["UNICEF", "UNDP", "UNOPS", "WFP", "UNFPA"]),
                "value": Decimal(rng.randint(10, 5000) * 1000),
                "currency": "USD",
                "start_date": date(2025, 1, 1),
                "end_date": date(2027, 12, 31),
            }
            for pk in ids
            if rng.random() < 0.05
        )
        CopyWriter(Certification).copy(
            {
                "supplier_id": pk,
                "standard": rng.choice(["iso_14001", "iso_45001", "sa8000", "iso_9001"]),
                "number": f"C-{pk}",
                "issuer": "Bench Certification",
                "valid_until": date(2026 + rng.randint(-1, 2), 6, 30),
            }
            for pk in ids
            if rng.random() < 0.1
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seeded = time.perf_counter() - started
    print(f"seeded {suppliers:,} suppliers in {seeded:.0f} s (COPY)", flush=True)

    data = ROOT / "drive" / "questionnaires" / "data" / "drive_default.json"
    version = questionnaire_load_shipped(definition=json.loads(data.read_text())).version
    questions = questions_of(version)
    programme = Programme.objects.create(
        buyer=buyer,
        name="Bench programme",
        status=ProgrammeStatus.OPEN,
        questionnaire_version=version,
        created_by=manager,
    )
    sample = list(
        Supplier.objects.filter(buyer=buyer)
        .order_by("?")
        .values_list("pk", "size_class")[:enrolments]
    )
    started = time.perf_counter()
    with transaction.atomic():
        CopyWriter(Enrolment).copy(
            {"programme_id": programme.pk, "supplier_id": pk, "stage": "submitted"}
            for pk, _size in sample
        )
        enrolment_ids = dict(
            Enrolment.objects.filter(programme=programme).values_list("supplier_id", "pk")
        )
        CopyWriter(Assessment).copy(
            {
                "enrolment_id": enrolment_ids[pk],
                "supplier_id": pk,
                "version_id": version.pk,
                "status": AssessmentStatus.SUBMITTED,
            }
            for pk, _size in sample
        )
        assessment_ids = dict(
            Assessment.objects.filter(enrolment__programme=programme).values_list(
                "supplier_id", "pk"
            )
        )

        # The current answers too, as a submitted assessment keeps them (what the cohort's
        # progress and its order by progress count).
        answer_rows: list[tuple[int, int, str]] = []

        def submissions():
            for pk, size in sample:
                answers, documents = {}, {}
                for question in questions:
                    if not question_applies(question, size_class=size, sectors=[]):
                        continue
                    values = [c.value for c in question.choices.all()]
                    if question.type in ("yes_no", "yes_no_partial", "single") and values:
                        value = rng.choice(values)
                    elif question.type == "multiple" and values:
                        value = rng.sample(values, rng.randint(0, len(values)))
                    elif question.type == "integer":
                        value = rng.randint(0, 500)
                    elif question.type in ("decimal", "percentage"):
                        value = round(rng.uniform(0, 100), 1)
                    else:
                        value = "We keep records."
                    answers[question.code] = value
                    answer_rows.append((assessment_ids[pk], question.pk, json.dumps(value)))
                    if evidence_needed(question, value) and rng.random() < 0.8:
                        documents[question.code] = [1]
                yield {
                    "assessment_id": assessment_ids[pk],
                    "number": 1,
                    "answers": answers,
                    "documents": documents,
                }

        CopyWriter(Submission).copy(submissions())
        CopyWriter(Answer).copy(
            {"assessment_id": assessment, "question_id": question, "value": value}
            for assessment, question, value in answer_rows
        )
        count_answered(*assessment_ids.values())  # what the answering services store
    print(
        f"enrolled and submitted {enrolments:,} assessments in "
        f"{time.perf_counter() - started:.0f} s (COPY, setup)",
        flush=True,
    )

    method = method_current()
    started = time.perf_counter()
    outcomes = rescore_all(method=method, workers=os.cpu_count() or 1)
    seconds = time.perf_counter() - started
    failed = [o for o in outcomes if o.failed]
    if failed:
        raise SystemExit(f"rescoring failed: {failed[0].error}")
    scored = sum(o.scored for o in outcomes)
    # What the pages' first views would otherwise do, through the same services: the
    # cohorts' copy of their suppliers (drive/programmes/cohort_copy.py) and each
    # enrolment's stored current score (drive/risk/cohort.py); then the statistics, with
    # the copy filled (read before, they make the planner expect every row to need it).
    started = time.perf_counter()
    for programme in Programme.objects.all():
        cohort_copy_refresh(programme)
    cohort_scores_refresh_all()
    print(
        f"stored the cohorts' copies and current scores in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"rescored {scored:,} assessments on {os.cpu_count()} worker processes: "
        f"{scored / seconds:,.0f} assessments/s",
        flush=True,
    )
    return {
        "rescore_rate": scored / seconds,
        "seed_seconds": seeded,
    }


def ids_for_pages() -> dict:
    from drive.core.keyset import position_token
    from drive.organisations.models import Organisation
    from drive.programmes.models import Programme
    from drive.suppliers.filters import DEFAULT_SORT, SORTS, sorted_suppliers
    from drive.suppliers.models import Supplier

    buyer = Organisation.objects.get(name="Bench Agency")
    programme = Programme.objects.get(buyer=buyer, name="Bench programme")
    middle = Supplier.objects.filter(buyer=buyer).order_by("pk").values_list("pk", flat=True)
    count = Supplier.objects.filter(buyer=buyer).count()
    # "A late page": the page after the supplier at 90% of the list in name order, as the
    # list's "Next" link would carry it (keyset pages: no page numbers).
    late_row = sorted_suppliers(Supplier.objects.filter(buyer=buyer), DEFAULT_SORT)[count * 9 // 10]
    return {
        "late": position_token(SORTS[DEFAULT_SORT], late_row),
        "supplier": middle[count // 2],
        "suppliers": count,
        "programme": programme.pk,
        "version": programme.questionnaire_version_id,
    }


def session_cookie() -> str:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from drive.accounts.testing import mark_two_factor_verified

    user = get_user_model().objects.get(email="manager@bench.example.org")
    client = Client()
    client.force_login(user)
    mark_two_factor_verified(client, user)
    return client.cookies["sessionid"].value


def next_link(path: str) -> str:
    """The "Next" link of the list page at ``path``, as the manager's browser would follow it."""
    import html
    import re

    from django.contrib.auth import get_user_model
    from django.test import Client

    from drive.accounts.testing import mark_two_factor_verified

    user = get_user_model().objects.get(email="manager@bench.example.org")
    client = Client()
    client.force_login(user)
    mark_two_factor_verified(client, user)
    page = client.get(path, HTTP_HOST="127.0.0.1").content.decode()
    found = re.search(r'href="(\?[^"]*after=[^"]*)"', page)
    return path.split("?")[0] + html.unescape(found.group(1)) if found else path


def api_next_link(path: str) -> str:
    """The ``next`` link of the API list at ``path`` (its path and query), as a client
    walking the list follows it (the page after the first)."""
    from urllib.parse import urlsplit

    from django.contrib.auth import get_user_model
    from django.test import Client

    from drive.accounts.testing import mark_two_factor_verified

    user = get_user_model().objects.get(email="manager@bench.example.org")
    client = Client()
    client.force_login(user)
    mark_two_factor_verified(client, user)
    found = client.get(path, HTTP_HOST="127.0.0.1").json().get("next")
    if not found:
        return path
    parts = urlsplit(found)
    return f"{parts.path}?{parts.query}"


def pages(ids: dict) -> list[tuple[str, str]]:
    """The pages measured: every sort of the supplier list is taken from its filter, so a
    new sort is measured without editing this list."""
    from drive.suppliers.filters import SORTS

    s, p, v = ids["supplier"], ids["programme"], ids["version"]
    return [
        # The floor every signed-in page stands on: the same middleware, session, user and
        # two-factor device queries, then one ``SELECT 1`` and a small JSON body, no template.
        ("/healthz, signed in (the floor)", "/healthz"),
        ("supplier list, default", "/suppliers/"),
        ("supplier list, search Latin", "/suppliers/?q=harmony"),
        ("supplier list, search Latin, its next page", ids["search_next"]),
        ("supplier list, search 2 Chinese characters", "/suppliers/?q=%E6%98%8E%E7%8F%A0"),
        ("supplier list, search a rare term (a number)", "/suppliers/?q=654321"),
        ("supplier list, search 2 Latin letters (rare)", "/suppliers/?q=qx"),
        (
            "supplier list, 2 Chinese characters + country + sort",
            "/suppliers/?q=%E6%98%8E%E7%8F%A0&country=CN&sort=-updated",
        ),
        ("supplier list, filter country", "/suppliers/?country=VN"),
        ("supplier list, SMEs largest first", "/suppliers/?size=sme&sort=-size"),
        *[
            (f"supplier list, sort {key}", f"/suppliers/?sort={key}")
            for key in SORTS
            if key != "name"
        ],
        ("supplier list, a late page", f"/suppliers/?after={quote(ids['late'])}"),
        ("supplier detail", f"/suppliers/{s}/"),
        ("home (programme manager)", "/"),
        ("programme / cohort page", f"/programmes/{p}/"),
        # Orders no index serves, a search and the filters on the supplier's profile: the
        # cohort's copy of its suppliers (drive/programmes/cohort_copy.py).
        ("cohort page, by stage", f"/programmes/{p}/?sort=stage"),
        ("cohort page, least progress first", f"/programmes/{p}/?sort=progress"),
        ("cohort page, least recent activity", f"/programmes/{p}/?sort=activity"),
        ("cohort page, search Latin", f"/programmes/{p}/?q=harmony"),
        ("cohort page, search 2 Chinese characters", f"/programmes/{p}/?q=%E6%98%8E%E7%8F%A0"),
        (
            "cohort page, small women-owned in China",
            f"/programmes/{p}/?size=small&women_owned=yes&country=CN",
        ),
        ("risk dashboard", f"/risk/programmes/{p}/"),
        ("questionnaire page", f"/questionnaires/versions/{v}/"),
        # The queue is ranked by the database and read a keyset page at a time.
        ("inspection queue", f"/inspections/programmes/{p}/queue/"),
        *([("inspection queue, page 3", ids["queue_page3"])] if "queue_page3" in ids else []),
        # The same queue over the API (the same selectors), its first page.
        ("API inspection queue", f"/api/v1/programmes/{p}/inspection-queue/"),
        *(
            [("API inspection queue, page 3", ids["api_queue_page3"])]
            if "api_queue_page3" in ids
            else []
        ),
        # The summary (aggregates) and the first and a later page of its supplier list.
        ("API programme risk (summary)", f"/api/v1/programmes/{p}/risk/"),
        ("API programme risk, suppliers", f"/api/v1/programmes/{p}/risk/suppliers/"),
        ("API programme risk, suppliers, next page", ids["risk_next"]),
        ("API supplier list", "/api/v1/suppliers/"),
        ("API supplier list, a late page", f"/api/v1/suppliers/?cursor=n.{quote(ids['late'])}"),
        # In name order at scale its first page is refused (400, drive/api/views.py).
        ("API supplier list, search Latin", "/api/v1/suppliers/?q=harmony"),
        (
            "API supplier list, search Latin, recent first",
            "/api/v1/suppliers/?q=harmony&sort=-updated",
        ),
        (
            "API supplier list, search 2 Chinese characters",
            "/api/v1/suppliers/?q=%E6%98%8E%E7%8F%A0",
        ),
    ]


def raw_sql(path: str) -> tuple[int, float, int]:
    """Render ``path`` in-process (warm); return (status, seconds of its SQL run alone, queries)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from drive.accounts.testing import mark_two_factor_verified

    user = get_user_model().objects.get(email="manager@bench.example.org")
    client = Client()
    client.force_login(user)
    mark_two_factor_verified(client, user)
    # Once to warm what a serving process keeps (the session's expiry just moved, the
    # registry's filter choices and totals, template fragments), as the timed requests are
    # warmed: the SQL captured is what the page needs on each of them.
    client.get(path, HTTP_HOST="127.0.0.1")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, HTTP_HOST="127.0.0.1")
    statements = [q["sql"] for q in queries.captured_queries]
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                if sql.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                    continue
                cursor.execute(sql.replace("%", "%%"))
                if cursor.description:
                    cursor.fetchall()
        best = min(best, time.perf_counter() - started)
    return response.status_code, best, len(statements)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, cookie: str) -> float:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - local
            response.read()
    except urllib.error.HTTPError as error:
        if error.code != 400:  # a refusal the page table shows by its status; others fail
            raise
        error.read()
    return time.perf_counter() - started


def start_server(
    database_url: str,
    root: Path = ROOT,
    python: str = sys.executable,
    access_log: Path | None = None,
) -> tuple[subprocess.Popen, str]:
    """gunicorn as production runs it on this machine (2 workers) on ``database_url``, from
    the checkout ``root``; returns the process and its base URL. With ``access_log``, each
    request's server time (gunicorn's own, in microseconds) is appended to that file."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DRIVE_ENV": "development",
        "DEBUG": "0",
        "DB_CONN_MAX_AGE": "60",
        "EVENTS_SWEEP_SECONDS": "0",
        "TASKS_BACKEND": "sync",
        "ALLOWED_HOSTS": "127.0.0.1",
        # The bench asks the API far more than a client may (120 a minute): measured, not
        # throttled.
        "API_RATE_PER_MINUTE": "1000000",
    }
    command = [python, "-m", "gunicorn", "drive.wsgi:application", "--workers", "2"]
    command += ["--bind", f"127.0.0.1:{port}", "--timeout", "300", "--log-level", "warning"]
    if access_log is not None:
        command += ["--access-logfile", str(access_log), "--access-logformat", "%(D)s"]
    return subprocess.Popen(command, cwd=root, env=env), f"http://127.0.0.1:{port}"


class ServerTimes:
    """The server times gunicorn logged (``start_server(access_log=…)``) since the last read:
    from the request read to the response written, without the client's connect and parse
    (the issue's "server time"; the client's figure is kept beside it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0

    def skip(self) -> None:
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def read(self, expected: int) -> list[float]:
        """The next ``expected`` times in seconds (gunicorn writes a line just after the
        response, so the last may lag the client by a moment)."""
        times: list[float] = []
        for _ in range(200):
            with self.path.open("rb") as log:
                log.seek(self.offset)
                data = log.read()
            complete = data[: data.rfind(b"\n") + 1]
            times = [int(line) / 1e6 for line in complete.split()]
            if len(times) >= expected:
                break
            time.sleep(0.01)
        self.offset += len(complete)
        return times


def _percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def wait_until_up(base: str, cookie: str) -> None:
    for _ in range(100):
        try:
            _get(f"{base}/healthz", cookie)
            return
        except OSError:
            time.sleep(0.2)


def throughput(url: str, cookie: str, seconds: float, clients: int = 4) -> float:
    done = []
    stop = time.perf_counter() + seconds

    def run():
        n = 0
        while time.perf_counter() < stop:
            _get(url, cookie)
            n += 1
        done.append(n)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return (
        f"{platform.node()}: {os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"PostgreSQL {pg}; load average {os.getloadavg()[0]:.1f} (figures are only "
        "comparable on a quiet machine)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suppliers", type=int, default=10000)
    parser.add_argument("--enrolments", type=int, default=1000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--seed-only", action="store_true", help="seed (and time rescoring), measure no pages"
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="measure only the pages whose label contains this text (repeatable); no "
        "throughput run",
    )
    parser.add_argument(
        "--throughput-only",
        action="store_true",
        help="measure only the throughput (/healthz against the supplier list) on an already "
        "seeded database (implies --reuse); prints it, writes no result file",
    )
    parser.add_argument(
        "--output", help="result file name in bench/results (default scale-<N>-<date>.md)"
    )
    args = parser.parse_args()
    if args.throughput_only:
        args.reuse = True
    name = args.database_url.rsplit("/", 1)[1]

    seeded = {}
    if not args.reuse:
        _pg_admin(args.database_url, f'DROP DATABASE IF EXISTS "{name}"')
        _pg_admin(args.database_url, f'CREATE DATABASE "{name}"')
        env = {**os.environ, "DATABASE_URL": args.database_url, "DRIVE_ENV": "development"}
        for command in (["migrate", "--no-input", "-v", "0"], ["load_reference_data"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
    _django(args.database_url)
    if not args.reuse:
        seeded = seed(args.suppliers, args.enrolments)
    peak_seed = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.seed_only:
        print(f"seeded: {seeded}; peak memory {peak_seed:,.0f} MiB")
        return
    if args.throughput_only:
        ids: dict = {}
    else:
        ids = ids_for_pages()
        ids["search_next"] = next_link("/suppliers/?q=harmony")
        ids["risk_next"] = api_next_link(f"/api/v1/programmes/{ids['programme']}/risk/suppliers/")
        queue = f"/inspections/programmes/{ids['programme']}/queue/"
        if "after=" in next_link(queue):  # keyset pages (a page number before)
            ids["queue_page3"] = next_link(next_link(queue))
        api_queue = f"/api/v1/programmes/{ids['programme']}/inspection-queue/"
        ids["api_queue_page3"] = api_next_link(api_next_link(api_queue))
    cookie = session_cookie()

    access_log = Path(tempfile.mkdtemp(prefix="drive-bench-")) / "access.log"
    server, base = start_server(args.database_url, access_log=access_log)
    served = ServerTimes(access_log)
    try:
        wait_until_up(base, cookie)
        rows = []
        for label, path in [] if args.throughput_only else pages(ids):
            if args.only and not any(part in label for part in args.only):
                continue
            status, sql_seconds, queries = raw_sql(path)
            times = []
            try:
                _get(base + path, cookie)  # warm the worker's caches
                served.read(1)
                for _ in range(args.requests):
                    times.append(_get(base + path, cookie))
            except Exception as exc:  # noqa: BLE001 - report and go on
                print(f"{label}: {exc}", flush=True)
                served.skip()
                continue
            p50, p95 = _percentiles(served.read(args.requests))
            client = _percentiles(times)
            rows.append((label, status, p50, p95, sql_seconds, queries, client))
            print(
                f"{label:45} {status} p50 {p50 * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  "
                f"(client {client[0] * 1000:.1f}; {client[1] * 1000:.1f})  "
                f"SQL {sql_seconds * 1000:6.1f} ms  x{p50 / max(sql_seconds, 1e-6):5.1f}  "
                f"{queries} queries",
                flush=True,
            )
        health = listing = float("nan")
        if not args.only:
            _get(f"{base}/suppliers/", cookie)  # warm both workers' caches
            _get(f"{base}/suppliers/", cookie)
            health = throughput(f"{base}/healthz", cookie, args.seconds)
            listing = throughput(f"{base}/suppliers/", cookie, args.seconds)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            # A worker still busy with a long request (a whole-cohort body) outlives the
            # graceful stop: end it, so the figures measured are still written.
            server.kill()
            server.wait(timeout=30)
    if args.throughput_only:
        print(
            f"throughput, 4 clients, {args.seconds:.0f} s each: /healthz {health:,.1f} req/s, "
            f"supplier list {listing:,.1f} req/s = {listing / health:.1%}; load average "
            + " ".join(f"{load:.2f}" for load in os.getloadavg())
        )
        return

    out = io.StringIO()
    out.write(
        f"# Scale benchmark: {ids['suppliers']:,} suppliers, {args.enrolments:,} enrolments\n\n"
    )
    out.write(f"- {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}\n")
    out.write(
        f"- command: `python bench/scale_bench.py --suppliers {args.suppliers} "
        f"--enrolments {args.enrolments} --requests {args.requests}`\n"
    )
    if seeded:
        out.write(
            f"- seeding (COPY): {seeded['seed_seconds']:.0f} s; rescoring with writes: "
            f"**{seeded['rescore_rate']:,.0f} assessments/s** (target ≥ 2,000)\n"
        )
    out.write(f"- peak memory of the seeding/rescoring process: {peak_seed:,.0f} MiB\n")
    if not args.only:
        out.write(
            f"- throughput, 4 clients: `/healthz` {health:,.1f} req/s, supplier list "
            f"{listing:,.1f} req/s = **{listing / health:.1%}** (target ≥ 25%)\n"
        )
    out.write("\n")
    out.write(
        "Server time: gunicorn's own time of each request (read to written, its access log); "
        "client time: the benchmark's, connect and parse included. The ratio is server p50 "
        "over raw SQL.\n\n"
        "| page | status | server p50 ms | server p95 ms | client p50 ms | client p95 ms | "
        "raw SQL ms | p50 / SQL | queries | p95 ≤ 200 ms |\n"
        "|---|---|---|---|---|---|---|---|---|---|\n"
    )
    for label, status, p50, p95, sql_seconds, queries, client in rows:
        ok = "yes" if max(p95, client[1]) <= 0.2 else "**no**"
        out.write(
            f"| {label} | {status} | {p50 * 1000:,.1f} | {p95 * 1000:,.1f} | "
            f"{client[0] * 1000:,.1f} | {client[1] * 1000:,.1f} | "
            f"{sql_seconds * 1000:,.1f} | {p50 / max(sql_seconds, 1e-6):.1f} | {queries} | "
            f"{ok} |\n"
        )
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / (args.output or f"scale-{ids['suppliers']}-{date.today():%Y%m%d}.md")
    target.write_text(out.getvalue(), encoding="utf-8")
    print()
    print(out.getvalue())
    print(f"written to {target}")


if __name__ == "__main__":
    main()
