"""Throughput of two checkouts side by side: /healthz and the supplier list, interleaved.

    .venv/bin/python bench/throughput_compare.py /work/wt/base /work/wt/mine \
        --database-url postgres://postgres@127.0.0.1:5432/mine_bench [--rounds 12] [--slice 2]

On a shared machine the load changes from one 10-second window to the next, so two runs of
``scale_bench.py`` one after the other compare the load as much as the code. This starts one
gunicorn per checkout (2 workers each, as ``scale_bench.py``; each with its own ``.venv``) on
the same seeded database (``scale_bench.py --seed-only``), then measures in short slices, in
a shuffled order each round: each checkout's ``/healthz`` and supplier list, 4 concurrent
clients, ``--slice`` seconds each. Only one server is loaded at a time; every figure sums the
slices of all rounds, so each saw the same mix of load. Prints req/s of each and the list's
share of ``/healthz`` with the load averages. Run on demand, never in the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_bench import (  # noqa: E402
    DEFAULT_URL,
    _get,
    start_server,
    throughput,
    wait_until_up,
)

COOKIE = (
    "import sys; sys.path.insert(0, 'bench'); from scale_bench import _django, session_cookie; "
    "_django(sys.argv[1]); print(session_cookie())"
)


def _python(root: Path) -> str:
    return str(root / ".venv" / "bin" / "python")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("roots", nargs=2, type=Path, help="the two checkouts (base first)")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--slice", type=float, default=2.0, help="seconds per measurement")
    args = parser.parse_args()

    servers = {}
    try:
        for root in args.roots:
            # A session signed in by that checkout's own code (its backends, its 2FA marks).
            cookie = subprocess.run(
                [_python(root), "-c", COOKIE, args.database_url],
                cwd=root,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()[-1]
            process, base = start_server(args.database_url, root, _python(root))
            servers[str(root)] = (process, base, cookie)
        for _process, base, cookie in servers.values():
            wait_until_up(base, cookie)
            for _ in range(4):  # warm both workers' caches
                _get(f"{base}/suppliers/", cookie)
        requests = {(root, path): 0.0 for root in servers for path in ("/healthz", "/suppliers/")}
        loads = []
        for _ in range(args.rounds):
            order = list(requests)
            random.shuffle(order)
            for root, path in order:
                _process, base, cookie = servers[root]
                requests[root, path] += throughput(base + path, cookie, args.slice) * args.slice
            loads.append(os.getloadavg()[0])
    finally:
        for process, _base, _cookie in servers.values():
            process.terminate()
            process.wait(timeout=30)
    seconds = args.rounds * args.slice
    print(
        f"{args.rounds} rounds of {args.slice:g} s per figure, 4 clients; load average "
        f"(1 min) {min(loads):.2f}–{max(loads):.2f}"
    )
    for root in servers:
        health = requests[root, "/healthz"] / seconds
        listing = requests[root, "/suppliers/"] / seconds
        print(
            f"{root}: /healthz {health:,.1f} req/s, supplier list {listing:,.1f} req/s "
            f"= {listing / health:.1%}"
        )


if __name__ == "__main__":
    main()
