"""Where one page's time goes: its queries (each timed) and a cProfile of the request.

    .venv/bin/python bench/request_profile.py /suppliers/ \
        [--database-url postgres://postgres@127.0.0.1:5432/drive_bench_scale] \
        [--user manager@bench.example.org] [--requests 50] [--top 30]

Run against a database seeded by ``bench/scale_bench.py``. The page is requested in-process
(Django's test client, signed in and two-factor verified as ``--user``), once to warm the
caches, once with every query logged with its time, then ``--requests`` times under cProfile.
Prints the queries, the mean time per request and the functions with the most cumulative
and own time. Run on demand, never in the test suite.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scale_bench import DEFAULT_URL, _django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--user", default="manager@bench.example.org")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--dump", help="also write the cProfile statistics to this file")
    args = parser.parse_args()
    _django(args.database_url)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import drive.wsgi  # noqa: F401 - the garbage collector tuned as a served worker has it
    from drive.accounts.testing import mark_two_factor_verified

    user = get_user_model().objects.get(email=args.user)
    client = Client()
    client.force_login(user)
    mark_two_factor_verified(client, user)

    def get():
        response = client.get(args.path, HTTP_HOST="127.0.0.1")
        if response.status_code != 200:
            raise SystemExit(f"{args.path}: status {response.status_code}")
        return response

    get()  # warm: templates, translations, caches
    with CaptureQueriesContext(connection) as queries:
        get()
    total = 0.0
    print(f"{len(queries.captured_queries)} queries:")
    for query in queries.captured_queries:
        seconds = float(query["time"])
        total += seconds
        print(f"  {seconds * 1000:7.2f} ms  {query['sql'][:160]}")
    print(f"  {total * 1000:7.2f} ms in all (as timed by Django, round trips included)")

    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for _ in range(args.requests):
        get()
    profile.disable()
    elapsed = (time.perf_counter() - started) / args.requests
    if args.dump:
        profile.dump_stats(args.dump)
    print(f"\n{elapsed * 1000:.1f} ms per request under cProfile ({args.requests} requests)")
    for key in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(key).print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
