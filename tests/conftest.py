import os

import pytest


def service_unavailable(reason: str) -> None:
    """Outside CI a missing service skips the test with the reason; in CI it is a failure."""
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"CI requires this service: {reason}")
    pytest.skip(reason)


def require_workers_setup() -> None:
    """Tests that start real Celery workers on the test database need REDIS_URL and PostgreSQL (CI's second run):
    skipped elsewhere; an unreachable Redis skips them with the reason (fails them in CI)."""
    from django.db import connection

    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        pytest.skip("runs where REDIS_URL and a PostgreSQL DATABASE_URL are set")
    import redis

    try:
        redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        service_unavailable(f"Redis at REDIS_URL is not reachable ({exc})")


@pytest.fixture
def redis_url() -> str:
    """The Redis to test against: REDIS_URL, else the local default; skips (fails in CI) when unreachable."""
    import redis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        service_unavailable(f"Redis at {url} is not reachable ({exc})")
    return url


@pytest.fixture(autouse=True)
def _empty_cache():
    """Tests roll back the database but not the cache: cached dashboard figures must not leak between tests."""
    from django.core.cache import cache

    cache.clear()
