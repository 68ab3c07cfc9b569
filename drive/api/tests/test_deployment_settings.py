"""Settings an operator relies on for the API under load: the rate limit counted in one
shared cache (Redis) across web processes, and database connections not held open by
the development server."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from drive.api.services import token_create
from drive.api.throttling import TokenRateThrottle
from drive.core.tests.test_settings import PRODUCTION, run_python

SHOW = (
    "from drive import settings as s; c = s.CACHES['default']; "
    "print(c['BACKEND'], c.get('LOCATION', '-'), s.DATABASES['default']['CONN_MAX_AGE'])"
)
PG = "postgres://drive@db.example.org:5432/drive"


def test_production_counts_in_redis_and_keeps_connections_a_minute():
    result = run_python(SHOW, **PRODUCTION, DATABASE_URL=PG, REDIS_URL="redis://cache:6379/2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://cache:6379/2",
        "60",
    ]


def test_development_uses_a_local_cache_and_closes_connections_after_each_request():
    result = run_python(SHOW, DATABASE_URL=PG)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.cache.backends.locmem.LocMemCache", "-", "0"]
    kept = run_python(SHOW, DATABASE_URL=PG, DB_CONN_MAX_AGE="30", CACHE_URL="redis://r:6379/1")
    assert kept.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://r:6379/1",
        "30",
    ]


def test_an_unknown_cache_url_is_refused_at_start():
    result = run_python(SHOW, CACHE_URL="memcached://cache:11211")
    assert result.returncode != 0
    assert "CACHE_URL must be redis://" in result.stderr


def _workers(caches) -> list[type[TokenRateThrottle]]:
    """One throttle per web process, each with its own cache client."""
    return [
        type(f"Worker{n}", (TokenRateThrottle,), {"cache": cache}) for n, cache in enumerate(caches)
    ]


def _requests_allowed(alice, workers, count: int) -> list[bool]:
    token, _clear = token_create(name="integration", scope="read", by=alice)
    request = Request(APIRequestFactory().get("/api/v1/organisations/"))
    request.user, request.auth = alice, token
    return [workers[n % len(workers)]().allow_request(request, None) for n in range(count)]


@override_settings(API_RATE_PER_MINUTE=4)
def test_separate_local_caches_count_per_process(alice):
    # Why production needs Redis: two processes with local caches allow twice the rate.
    workers = _workers([LocMemCache(f"worker-{n}", {}) for n in range(2)])
    assert _requests_allowed(alice, workers, 8) == [True] * 8


@pytest.mark.redis
@override_settings(API_RATE_PER_MINUTE=4)
def test_two_processes_with_redis_share_one_count(alice):
    prefix = f"drive-test-{uuid.uuid4().hex}"
    caches = [RedisCache("redis://127.0.0.1:6379/3", {"KEY_PREFIX": prefix}) for _ in range(2)]
    assert caches[0]._cache is not caches[1]._cache  # two clients, as in two processes
    try:
        allowed = _requests_allowed(alice, _workers(caches), 8)
    finally:
        caches[0].clear()
    assert allowed == [True, True, True, True, False, False, False, False]
