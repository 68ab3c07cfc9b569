import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drive.settings")
application = get_wsgi_application()

# Python's cyclic garbage collector, tuned for a long-running web worker (docs/scaling.md):
# the objects of the loaded application are frozen (never traversed again), and collections
# run after 20,000 allocations rather than 700. With the defaults, every fifth or sixth
# request paid a full collection of the worker's heap: +80 ms on the risk dashboard and the
# searched list at a million suppliers, their p95 170-216 ms against a p50 of 60-100 ms
# (bench/scale_bench.py). A worker's memory after 600 requests: 122 MiB, against 114-119.
gc.freeze()
gc.set_threshold(20_000, 50, 100)
