"""What one request costs in Python: p50 wall time and CPU time per request of some pages.

    .venv/bin/python bench/request_cost.py [--root CHECKOUT] \
        [--database-url postgres://postgres@127.0.0.1:5432/drive_bench_scale] \
        [--user manager@bench.example.org] [--requests 60] [PATH ...]

Run against a database seeded by ``bench/scale_bench.py --seed-only``. Each page is
requested in-process (Django's test client, signed in and two-factor verified), warmed
twice, then ``--requests`` times: the p50 of the wall time, the mean CPU time of this process
(``time.process_time``: Python's own work; waiting for PostgreSQL is not counted), the
queries and their time. ``--root`` runs another checkout's code (with that checkout's
``.venv/bin/python``), so two checkouts are compared on the same database and load: run them
in turns. Run on demand, never in the test suite.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

DEFAULT_PATHS = ("/suppliers/", "/api/v1/suppliers/", "detail")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=list(DEFAULT_PATHS))
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--user", default="manager@bench.example.org")
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    sys.path.insert(0, str(args.root))
    sys.path.insert(0, str(args.root / "bench"))
    from scale_bench import DEFAULT_URL, _django

    _django(args.database_url or DEFAULT_URL)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import drive.wsgi  # noqa: F401 - the garbage collector tuned as a served worker has it
    from drive.accounts.testing import mark_two_factor_verified
    from drive.suppliers.models import Supplier

    user = get_user_model().objects.get(email=args.user)
    client = Client()
    client.force_login(user)
    mark_two_factor_verified(client, user)
    detail = Supplier.objects.visible_to(user).order_by("pk").values_list("pk", flat=True)[500]

    for path in args.paths:
        if path == "detail":
            path = f"/suppliers/{detail}/"

        def get(path=path):
            response = client.get(path, HTTP_HOST="127.0.0.1")
            if response.status_code != 200:
                raise SystemExit(f"{path}: status {response.status_code}")

        get()
        get()
        with CaptureQueriesContext(connection) as queries:
            get()
        captured = list(queries.captured_queries)
        sql_ms = sum(float(q["time"]) for q in captured) * 1000
        walls = []
        cpu_started = time.process_time()
        for _ in range(args.requests):
            started = time.perf_counter()
            get()
            walls.append((time.perf_counter() - started) * 1000)
        cpu = (time.process_time() - cpu_started) * 1000 / args.requests
        print(
            f"{path:<28} p50 {statistics.median(walls):6.1f} ms  CPU {cpu:6.1f} ms/request  "
            f"{len(captured)} queries, {sql_ms:.1f} ms SQL  ({args.root.name})"
        )


if __name__ == "__main__":
    main()
