"""Loaded with ``-p drive.core.pytest_plugin`` (pyproject addopts) before pytest-django.

pytest-django imports the settings while pytest loads its initial conftests, before the
root ``conftest.py`` runs, so the test mode has to be chosen here, earlier still.
"""

from __future__ import annotations

import os

os.environ.setdefault("DRIVE_ENV", "test")


import pytest  # noqa: E402


@pytest.fixture
def redis_tasks(settings, worker_id):
    """TASKS_BACKEND=rq on the real Redis, in a database private to this xdist worker.

    The database is ``REDIS_TEST_DB`` (default 15) minus the worker's number, flushed
    before and after. Yields the Redis connection.
    """
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    from drive.settings import rq_queues_settings

    base = int(os.environ.get("REDIS_TEST_DB", "15"))
    number = base - (int(worker_id[2:]) if worker_id.startswith("gw") else 0)
    url = f"redis://127.0.0.1:6379/{number}"
    connection = Redis.from_url(url)
    try:
        connection.ping()
    except RedisConnectionError as exc:
        pytest.fail(
            f"Redis is not reachable at {url} ({exc}). These tests need the real Redis server: "
            "start it with `redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ''` "
            "(make test and .ci/run start it for you).",
            pytrace=False,
        )
    connection.flushdb()
    settings.TASKS = {"default": {"BACKEND": settings.TASK_BACKENDS["rq"]}}
    settings.REDIS_URL = url
    settings.RQ_QUEUES = rq_queues_settings(url)
    yield connection
    connection.flushdb()
    connection.close()


@pytest.fixture
def redis_unreachable(settings):
    """TASKS_BACKEND=rq with REDIS_URL pointing at a port where nothing listens."""
    from drive.settings import rq_queues_settings

    url = "redis://127.0.0.1:1/0"
    settings.TASKS = {"default": {"BACKEND": settings.TASK_BACKENDS["rq"]}}
    settings.REDIS_URL = url
    settings.RQ_QUEUES = rq_queues_settings(url)
