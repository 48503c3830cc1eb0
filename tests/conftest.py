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


# --- Browser tests (Debian's chromium through Playwright) -------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    """A headless chromium for a test module; skipped (outside CI) when it is missing or does not start."""
    import shutil
    from pathlib import Path

    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        service_unavailable(f"chromium not found at {CHROMIUM}")
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        except Error as exc:
            service_unavailable(f"chromium does not start: {exc}")
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def translations():
    """The Indonesian catalogue compiled (`make test` does it; a bare pytest run may not have)."""
    from django.conf import settings
    from django.core.management import call_command

    po = settings.BASE_DIR / "locale" / "id" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        call_command("compilemessages", locale=["id"], ignore_patterns=[".venv"], verbosity=0)
