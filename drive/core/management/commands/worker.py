"""``python manage.py worker [--burst]``: run background tasks from Redis (production).

Starts an RQ worker (django-rq's, with django-tasks-rq's job class, so each job runs a
``@task``) on the ``default`` queue of ``RQ_QUEUES`` (built from ``REDIS_URL``). Each job
runs in a forked child, so a large import cannot leak memory into the next job; retries
scheduled with back-off are moved back onto the queue by the worker's built-in
scheduler. Run one or more of these next to the web processes when ``TASKS_BACKEND=rq``.
"""

from __future__ import annotations

import django_rq
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django_tasks_rq import Job
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import SimpleWorker, Worker

QUEUE_NAME = "default"


class Command(BaseCommand):
    help = "Run a background task worker on the Redis queue (TASKS_BACKEND=rq)."
    # Forks a child per job; SimpleWorker (same process) is what the tests use.
    worker_class: type[Worker] = Worker

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--burst",
            action="store_true",
            help="Process the jobs waiting now, then exit (useful for cron and tests).",
        )

    def handle(self, *args, burst: bool = False, **options) -> None:
        try:
            django_rq.get_connection(QUEUE_NAME).ping()
        except RedisConnectionError as exc:
            raise CommandError(f"Cannot reach Redis at REDIS_URL: {exc}") from None
        if not issubclass(self.worker_class, SimpleWorker):
            # Jobs run in forked children: none may inherit this process's database socket.
            connections.close_all()
        worker = django_rq.get_worker(QUEUE_NAME, job_class=Job, worker_class=self.worker_class)
        self.stdout.write(f"Worker {worker.name} listening on queue '{QUEUE_NAME}'.")
        worker.work(burst=burst, with_scheduler=True)
