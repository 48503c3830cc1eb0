"""Bytes a browser transfers to show a page: first visit (empty cache) and a repeat visit (same browser).

A production-like server (gunicorn, DEBUG off, collected, hashed and compressed static files) is started on a free
loopback port, or an already running one is given. Debian chromium, driven by Playwright, loads each page and
Chrome's own network log (CDP `Network.loadingFinished.encodedDataLength`: bytes on the wire, headers included,
0 when served from the browser's cache) is summed per load. The bench_weight command prints it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model

FIRST_LOAD_TARGET = 1_500_000  # bytes, everything the first visit transfers
REPEAT_LOAD_TARGET = 50_000  # bytes, a later visit with the browser's cache
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


@dataclass
class Resource:
    url: str
    type: str
    status: int
    bytes: int
    from_cache: bool
    encoding: str = ""
    cache_control: str = ""


@dataclass
class Load:
    bytes: int = 0
    requests: int = 0
    from_cache: int = 0
    charts_drawn: int = 0
    resources: list[Resource] = field(default_factory=list)

    @classmethod
    def of(cls, resources: list[Resource], charts_drawn: int) -> Load:
        return cls(
            bytes=sum(r.bytes for r in resources),
            requests=len(resources),
            from_cache=sum(r.from_cache for r in resources),
            charts_drawn=charts_drawn,
            resources=resources,
        )


@dataclass
class PageWeight:
    page: str
    url: str
    first: Load
    repeat: Load

    @property
    def meets_targets(self) -> bool:
        return self.first.bytes <= FIRST_LOAD_TARGET and self.repeat.bytes <= REPEAT_LOAD_TARGET


class PageWeightError(RuntimeError):
    """The measurement cannot go on: the server, the login or a page failed; the message says which."""


def check_url_base(url: str) -> str:
    """`url` without its trailing slash when it is the base of a web server (http or https, a host, no query):
    raises PageWeightError otherwise."""
    parts = urllib.parse.urlsplit(url.strip())
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    if parts.scheme not in {"http", "https"} or not parts.hostname or not port_ok or parts.query or parts.fragment:
        raise PageWeightError(f"{url!r} is not the base URL of a web server, e.g. http://127.0.0.1:8000.")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def check_serving(base_url: str, timeout: float = 10.0) -> None:
    """Raise PageWeightError unless `base_url` answers its login page with 200: before the browser starts."""
    url = base_url + "/accounts/login/"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PageWeightError(f"No answer from {url}: {reason}.") from exc
    if status != 200:
        raise PageWeightError(f"{url} answered HTTP {status} instead of 200: is it this site?")


def chromium_path() -> str | None:
    """Debian's chromium (or $CHROMIUM), as the browser tests use it."""
    return shutil.which(os.environ.get("CHROMIUM", "chromium")) or shutil.which("/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def production_server(*, workers: int = 2, timeout: float = 60.0) -> Iterator[str]:
    """Collect static files, then serve the configured database with gunicorn and DEBUG off; yields the base URL."""
    env = {**os.environ, "DJANGO_DEBUG": "0"}
    hosts = env.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
    env["DJANGO_ALLOWED_HOSTS"] = f"{hosts},127.0.0.1"
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=settings.BASE_DIR, env=env, check=True)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_until_serving(server, base_url + "/accounts/login/", timeout)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_serving(server: subprocess.Popen, url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise PageWeightError(f"gunicorn exited ({server.returncode}): {server.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise PageWeightError(f"no answer from {url} after {timeout:.0f} s")


@contextmanager
def temporary_user() -> Iterator[tuple[str, str]]:
    """A throwaway account to log in with, deleted afterwards; yields (username, password)."""
    # Named as the benchmarks' accounts are (relations.benchmark.BENCH_PREFIX): never taken for the administrator.
    username, password = f"bench-weight-{secrets.token_hex(4)}", secrets.token_urlsafe(18)
    user = get_user_model().objects.create_user(username, password=password)
    try:
        yield username, password
    finally:
        user.delete()


def measure(
    base_url: str,
    pages: dict[str, str],
    *,
    username: str,
    password: str,
    chromium: str,
    timeout_ms: float = 60_000,
) -> list[PageWeight]:
    """Load each of `pages` ({name: path}) twice in one fresh browser context: empty cache, then cached."""
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            for name, path in pages.items():
                # A fresh context per page: its cache starts empty. The login goes through the context's request
                # client, which shares cookies with the pages but not their HTTP cache.
                context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
                context.set_default_timeout(timeout_ms)
                try:
                    _log_in(context, base_url, username, password)
                    first = _load(context, base_url + path)
                    repeat = _load(context, base_url + path)
                finally:
                    context.close()
                results.append(PageWeight(name, path, first, repeat))
        finally:
            browser.close()
    return results


def _log_in(context, base_url: str, username: str, password: str) -> None:
    login_url = base_url + "/accounts/login/"
    context.request.get(login_url)
    token = next(c["value"] for c in context.cookies(base_url) if c["name"] == settings.CSRF_COOKIE_NAME)
    response = context.request.post(
        login_url,
        form={"username": username, "password": password, "csrfmiddlewaretoken": token, "next": "/"},
        headers={"Referer": login_url},
        max_redirects=0,
    )
    if response.status != 302:
        raise PageWeightError(f"logging in as {username} failed (HTTP {response.status})")


def _load(context, url: str) -> Load:
    """Open `url` in a new tab, wait until every chart is drawn and the network is idle, and sum what it fetched."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    responses: dict[str, dict] = {}
    finished: dict[str, int] = {}
    cached: set[str] = set()
    cdp.on("Network.responseReceived", lambda event: responses.__setitem__(event["requestId"], event))
    cdp.on("Network.requestServedFromCache", lambda event: cached.add(event["requestId"]))
    cdp.on(
        "Network.loadingFinished",
        lambda event: finished.__setitem__(event["requestId"], int(event["encodedDataLength"])),
    )
    cdp.send("Network.enable")
    try:
        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200:
            # A missing page weighs little and "meets" every target: a wrong page, not a light one.
            raise PageWeightError(f"{url} answered HTTP {response.status if response else '?'} instead of 200.")
        page.wait_for_function(
            "document.querySelectorAll('.chart.is-drawn').length === document.querySelectorAll('[data-figure]').length"
        )
        page.wait_for_load_state("networkidle")
        drawn = page.locator(".chart.is-drawn").count()
    finally:
        cdp.detach()
        page.close()
    resources = []
    for request_id, event in responses.items():
        response = event["response"]
        headers = {key.lower(): value for key, value in response.get("headers", {}).items()}
        from_cache = (
            request_id in cached or response.get("fromDiskCache", False) or response.get("fromPrefetchCache", False)
        )
        resources.append(
            Resource(
                url=response["url"],
                type=event.get("type", ""),
                status=response["status"],
                bytes=finished.get(request_id, 0),
                from_cache=bool(from_cache),
                encoding=headers.get("content-encoding", ""),
                cache_control=headers.get("cache-control", ""),
            )
        )
    return Load.of(resources, drawn)


def table(results: list[PageWeight], *, verbose: bool = False) -> str:
    """One row per page and load, targets beside the figures; with `verbose` every resource under it."""
    lines = [
        f"{'page':<10} {'load':<7} {'kB':>9} {'target kB':>10} {'requests':>9} {'cached':>7} {'charts':>7}  ok",
    ]
    for result in results:
        for label, load, target in (
            ("first", result.first, FIRST_LOAD_TARGET),
            ("repeat", result.repeat, REPEAT_LOAD_TARGET),
        ):
            ok = "yes" if load.bytes <= target else "NO"
            lines.append(
                f"{result.page:<10} {label:<7} {load.bytes / 1000:>9.1f} {target / 1000:>10.0f} {load.requests:>9} "
                f"{load.from_cache:>7} {load.charts_drawn:>7}  {ok}"
            )
            if verbose:
                for r in sorted(load.resources, key=lambda r: -r.bytes):
                    where = "cache" if r.from_cache else (r.encoding or "identity")
                    lines.append(
                        f"    {r.bytes / 1000:>9.1f} kB {r.status} {where:<8} {r.type:<10} {_short(r.url)}"
                        f"  [{r.cache_control}]"
                    )
    lines.append("kB = 1000 bytes on the wire, headers included; cached = served from the browser's cache.")
    return "\n".join(lines)


def as_json(results: list[PageWeight]) -> list[dict]:
    rows = []
    for result in results:
        row = asdict(result)
        row["targets"] = {"first": FIRST_LOAD_TARGET, "repeat": REPEAT_LOAD_TARGET}
        row["meets_targets"] = result.meets_targets
        rows.append(row)
    return rows


def _short(url: str) -> str:
    return "/" + url.split("/", 3)[-1]
