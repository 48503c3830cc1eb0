"""Throughput of one page under load: gunicorn on loopback, driven by wrk (the `bench_load` command).

The server is the production one (`config.wsgi` under gunicorn, DEBUG off, collected static files) on the
configured database and Redis; the client is wrk with the session cookie of the benchmark's superuser (made for the
run, deleted after it). The page's URL is chosen like `relations.benchmark` chooses it (the busiest partner
country...).
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.test import Client

from relations import benchmark

# The targets for the partner-country page at 100,000 meetings on this 2-core machine.
TARGET_RPS = 150.0
TARGET_P99_MS = 500.0
WORKER_CLASSES = ("sync", "gthread")
LISTENING = re.compile(r"Listening at: http://[\d.]+:(\d+)")
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


class LoadTestError(Exception):
    """The load test cannot run or its server misbehaved; the message says what to do."""


# --- wrk's report ------------------------------------------------------------------------------------------------


@dataclass
class WrkReport:
    requests: int
    duration_s: float
    requests_per_s: float
    latency_ms: dict[str, float] = field(default_factory=dict)  # "50", "75", "90", "99"
    socket_errors: dict[str, int] = field(default_factory=dict)  # connect, read, write, timeout
    non_2xx_3xx: int = 0

    @property
    def errors(self) -> int:
        return sum(self.socket_errors.values()) + self.non_2xx_3xx


def to_ms(value: str) -> float:
    """wrk's durations ("812.35us", "12.5ms", "1.02s", "2.00m") in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {value!r}")
    return float(match.group(1)) * UNIT_MS[match.group(2)]


def parse_wrk(output: str) -> WrkReport:
    """The figures of `wrk --latency`'s report; raises ValueError when it has no summary line."""
    summary = re.search(r"^\s*(\d+) requests in ([\d.]+\w+),", output, re.MULTILINE)
    rate = re.search(r"^Requests/sec:\s*([\d.]+)", output, re.MULTILINE)
    if not summary or not rate:
        raise ValueError("wrk printed no summary (is it `wrk --latency` output?)")
    report = WrkReport(
        requests=int(summary.group(1)),
        duration_s=to_ms(summary.group(2)) / 1000,
        requests_per_s=float(rate.group(1)),
    )
    distribution = output.split("Latency Distribution", 1)
    if len(distribution) == 2:
        for percent, value in re.findall(r"^\s*(\d+(?:\.\d+)?)%\s+([\d.]+(?:us|ms|s|m|h))\s*$", distribution[1], re.M):
            report.latency_ms[percent.removesuffix(".000").removesuffix(".0")] = round(to_ms(value), 2)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if errors:
        report.socket_errors = dict(
            zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True)
        )
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    report.non_2xx_3xx = int(non_ok.group(1)) if non_ok else 0
    return report


def wrk_command(url: str, *, cookie: str, connections: int, duration: int, threads: int, wrk: str) -> list[str]:
    return [
        wrk,
        "--latency",
        f"--threads={max(1, min(threads, connections))}",
        f"--connections={connections}",
        f"--duration={duration}s",
        "--timeout=10s",
        f"--header=Cookie: {cookie}",
        url,
    ]


def find_wrk() -> str:
    path = shutil.which("wrk") or ("/usr/bin/wrk" if os.access("/usr/bin/wrk", os.X_OK) else None)
    if not path:
        raise LoadTestError("wrk is not installed: `apt-get install wrk` (Debian), then run again.")
    return path


# --- Preconditions -----------------------------------------------------------------------------------------------


def static_files_state() -> str:
    """Say when collectstatic ran; refuse when it has not (with DEBUG off, a page would fail on a missing name)."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        raise LoadTestError(
            f"collectstatic has not run ({manifest.name} missing in {settings.STATIC_ROOT}): "
            "run `manage.py collectstatic --noinput` first."
        )
    collected_at = manifest.stat().st_mtime
    newer = [
        path
        for folder in map(Path, settings.STATICFILES_DIRS)
        for path in folder.rglob("*")
        if path.is_file() and path.stat().st_mtime > collected_at
    ]
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(collected_at))
    if newer:
        return (
            f"collectstatic ran at {when}, but {len(newer)} static file(s) changed since "
            f"(e.g. {newer[0].name}): the server serves the collected copies; rerun collectstatic to measure the new."
        )
    return f"collectstatic ran at {when}; static files unchanged since."


@contextmanager
def bench_session() -> Iterator[str]:
    """A session of the benchmark's superuser, as a Cookie header value, for the length of a run: the session is
    ended afterwards, and the account deleted when the run created it (relations.benchmark.bench_account)."""
    with benchmark.bench_account() as user:
        client = Client()
        client.force_login(user)
        try:
            yield f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        finally:
            client.logout()


def page_url(page: str) -> str:
    """The path of a page of `relations.benchmark.PAGES`, chosen from the data as `bench` chooses it."""
    return benchmark.PAGES[page](benchmark.Targets(search="fisheries"))


# --- The server --------------------------------------------------------------------------------------------------


class Gunicorn:
    """gunicorn serving config.wsgi on a free loopback port, in its own process group; a context manager."""

    def __init__(self, *, workers: int, threads: int, worker_class: str, env: dict[str, str] | None = None) -> None:
        self.workers, self.threads, self.worker_class = workers, threads, worker_class
        self.env = {**os.environ, "DJANGO_DEBUG": "0", **(env or {})}
        # Names the server's database sessions, so that their CPU time can be read (backends_cpu_seconds).
        self.application_name = f"bench_load_{os.getpid()}"
        url = self.env.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")) and "application_name=" not in url:
            self.env["DATABASE_URL"] = f"{url}{'&' if '?' in url else '?'}application_name={self.application_name}"
        hosts = self.env.get("DJANGO_ALLOWED_HOSTS", "")
        if hosts and "127.0.0.1" not in hosts.split(","):
            self.env["DJANGO_ALLOWED_HOSTS"] = hosts + ",127.0.0.1"
        self.log = tempfile.NamedTemporaryFile(prefix="bench-load-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        self.process: subprocess.Popen | None = None
        self.port: int | None = None

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind=127.0.0.1:0",
            f"--workers={self.workers}",
            f"--threads={self.threads}",
            f"--worker-class={self.worker_class}",
            "--timeout=60",
            "--graceful-timeout=10",
            "--log-level=info",
        ]

    def __enter__(self) -> Gunicorn:
        self.process = subprocess.Popen(
            self.command(),
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while self.port is None:
            if self.process.poll() is not None:
                raise LoadTestError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                self.stop()
                raise LoadTestError(f"gunicorn did not start listening within 60 s:\n{self.log_tail()}")
            match = LISTENING.search(Path(self.log.name).read_text(errors="replace"))
            self.port = int(match.group(1)) if match else None
            time.sleep(0.1)
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        self.stop()
        if exc_type is None:  # kept after a failure, for its traceback
            Path(self.log.name).unlink(missing_ok=True)

    def stop(self) -> int | None:
        """SIGTERM to the master (graceful: workers finish their request), SIGKILL to the group if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-lines:])


def cpu_seconds(pid: int, *, children: bool = True) -> float | None:
    """User and system CPU time of a process and its live children (gunicorn's workers); None off Linux."""
    try:
        pids = [pid]
        if children:
            pids += map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
        total = 0
        for each in pids:
            fields = _stat(each)
            total += int(fields[11]) + int(fields[12])  # utime, stime
    except (OSError, ValueError, IndexError):
        return None
    return total / os.sysconf("SC_CLK_TCK")


def database_server_cpu_seconds() -> float | None:
    """CPU time so far of the whole PostgreSQL server (every database's work), when it runs on this machine: the
    postmaster's own, that of its live processes, and that of the ones it has waited for (backends of connections
    since closed). None off Linux, on SQLite, or when this connection's server is not a local process."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    try:
        # The backend's pid is the server's: on another machine or in a container it may be anything here.
        if not (_is_postgres(backend) and _is_postgres(postmaster := int(_stat(backend)[1]))):
            return None
        fields = _stat(postmaster)
        children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
    except (OSError, ValueError, IndexError):
        return None
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime, stime, cutime, cstime
    for child in children:
        try:
            child_fields = _stat(int(child))
        except (OSError, ValueError, IndexError):
            continue  # ended since the listing (autovacuum workers come and go)
        ticks += int(child_fields[11]) + int(child_fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name: the state is [0], the parent [1], utime [11]."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _is_postgres(pid: int) -> bool:
    return Path(f"/proc/{pid}/comm").read_text().strip() in {"postgres", "postmaster"}


def backends_cpu_seconds(application_name: str) -> dict[int, float]:
    """CPU time of each PostgreSQL backend serving `application_name`, when the server runs on this machine."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [application_name])
        pids = [pid for (pid,) in cursor.fetchall()]
    times = {pid: cpu_seconds(pid, children=False) for pid in pids}
    return {pid: t for pid, t in times.items() if t is not None}


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def get(url: str, cookie: str, timeout: float = 120) -> tuple[int, int]:
    """Status and body size of one request, without following redirects (wrk counts a 3xx as a success)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, 0


# --- The run -----------------------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    page: str
    url: str
    workers: int
    threads: int
    worker_class: str
    connections: int
    duration_s: int
    database: str
    bytes: int
    cold_ms: float
    report: WrkReport
    # CPU time of gunicorn (master and workers) and of wrk during the measured run: what a request costs, whatever
    # else the machine was doing.
    server_cpu_s: float | None = None
    wrk_cpu_s: float | None = None
    database_cpu_s: float | None = None  # the server's PostgreSQL backends, when PostgreSQL runs on this machine

    @property
    def server_cpu_ms_per_request(self) -> float | None:
        if self.server_cpu_s is None or not self.report.requests:
            return None
        return self.server_cpu_s * 1000 / self.report.requests

    @property
    def database_cpu_ms_per_request(self) -> float | None:
        if not self.database_cpu_s or not self.report.requests:
            return None
        return self.database_cpu_s * 1000 / self.report.requests

    def as_json(self) -> dict:
        data = asdict(self)
        data.update(
            requests_per_s=self.report.requests_per_s,
            p50_ms=self.report.latency_ms.get("50"),
            p90_ms=self.report.latency_ms.get("90"),
            p99_ms=self.report.latency_ms.get("99"),
            errors=self.report.errors,
            server_cpu_ms_per_request=None
            if self.server_cpu_ms_per_request is None
            else round(self.server_cpu_ms_per_request, 2),
            database_cpu_ms_per_request=None
            if self.database_cpu_ms_per_request is None
            else round(self.database_cpu_ms_per_request, 2),
            target_requests_per_s=TARGET_RPS,
            target_p99_ms=TARGET_P99_MS,
            meets_targets=self.meets_targets,
        )
        return data

    @property
    def meets_targets(self) -> bool:
        p99 = self.report.latency_ms.get("99")
        return (
            self.report.requests_per_s >= TARGET_RPS
            and p99 is not None
            and p99 <= TARGET_P99_MS
            and self.report.errors == 0
        )


def run(
    *,
    page: str,
    path: str,
    cookie: str,
    database: str,
    workers: int,
    threads: int,
    worker_class: str,
    connections: int,
    duration: int,
    warmup: int,
    wrk: str,
    say=print,
) -> LoadResult:
    """Start gunicorn, check the page answers 200 with the cookie, warm it, run wrk, stop gunicorn."""
    with Gunicorn(workers=workers, threads=threads, worker_class=worker_class) as server:
        url = server.url(path)
        say(f"gunicorn ({worker_class}, {workers} worker(s) x {threads} thread(s)) on {server.url('')}")
        started = time.perf_counter()
        status, size = get(url, cookie)
        cold_ms = (time.perf_counter() - started) * 1000
        if status != 200:
            raise LoadTestError(
                f"{path} answered HTTP {status} instead of 200 (a redirect means the session was refused):\n"
                f"{server.log_tail()}"
            )
        if warmup:
            say(f"warm-up: {warmup} s of wrk")
            _wrk(wrk_command(url, cookie=cookie, connections=connections, duration=warmup, threads=2, wrk=wrk))
        say(f"measuring: {duration} s of wrk with {connections} connection(s)")
        server_before, wrk_before = cpu_seconds(server.process.pid), children_cpu_seconds()
        database_before = backends_cpu_seconds(server.application_name)
        output = _wrk(wrk_command(url, cookie=cookie, connections=connections, duration=duration, threads=2, wrk=wrk))
        server_after, wrk_after = cpu_seconds(server.process.pid), children_cpu_seconds()
        database_after = backends_cpu_seconds(server.application_name)
        report = parse_wrk(output)
    return LoadResult(
        page=page,
        url=path,
        workers=workers,
        threads=threads,
        worker_class=worker_class,
        connections=connections,
        duration_s=duration,
        database=database,
        bytes=size,
        cold_ms=round(cold_ms, 1),
        report=report,
        server_cpu_s=None if None in (server_before, server_after) else round(server_after - server_before, 2),
        wrk_cpu_s=round(wrk_after - wrk_before, 2),
        database_cpu_s=round(sum(t - database_before.get(pid, 0.0) for pid, t in database_after.items()), 2)
        if database_after
        else None,
    )


def _wrk(command: list[str]) -> str:
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise LoadTestError(f"wrk failed ({completed.returncode}): {completed.stderr.strip() or completed.stdout}")
    return completed.stdout


def table(result: LoadResult) -> str:
    report = result.report

    def ms(key: str) -> str:
        value = report.latency_ms.get(key)
        return "—" if value is None else f"{value:,.1f}"

    rows = [
        ("requests/s", f"{report.requests_per_s:,.1f}", f">= {TARGET_RPS:g}"),
        ("latency p50 ms", ms("50"), ""),
        ("latency p90 ms", ms("90"), ""),
        ("latency p99 ms", ms("99"), f"<= {TARGET_P99_MS:g}"),
        ("requests", f"{report.requests:,}", ""),
        ("socket errors", ", ".join(f"{k} {v}" for k, v in report.socket_errors.items()) or "0", "0"),
        ("non-2xx/3xx", f"{report.non_2xx_3xx:,}", "0"),
    ]
    server = result.server_cpu_ms_per_request
    if server:
        database = result.database_cpu_ms_per_request
        per_request = server + (database or 0)
        cores = os.cpu_count() or 1
        rows += [
            ("server CPU ms/req", f"{server:,.1f}", ""),
            ("database CPU ms/req", "—" if database is None else f"{database:,.1f}", ""),
            (f"CPU-bound, {cores} cores", f"{cores * 1000 / per_request:,.0f} requests/s", ""),
            ("wrk CPU s", f"{result.wrk_cpu_s:,.1f} of {report.duration_s * cores:,.0f} core-s", ""),
        ]
    lines = [f"| {'measure':<20} | {'measured':>38} | {'target':>8} |", f"|{'-' * 22}|{'-' * 39}:|{'-' * 9}:|"]
    lines += [f"| {name:<20} | {value:>38} | {target:>8} |" for name, value, target in rows]
    verdict = "meets" if result.meets_targets else "misses"
    lines.append(
        f"{result.page} {result.url} ({result.bytes / 1024:,.0f} KB, first request {result.cold_ms:,.0f} ms): "
        f"{verdict} the targets."
    )
    return "\n".join(lines)
