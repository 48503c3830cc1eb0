"""Requests per second and latency of one page under load: gunicorn plus wrk on loopback (docs/performance.md)."""

import json
import os
import subprocess

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from relations import benchmark, loadtest
from relations.management.options import output_file, write_file
from relations.models import Meeting

# Chosen on 2 cores at 100,000 meetings (docs/performance.md): the page costs ~5 ms of Python CPU and ~0.3 ms of
# PostgreSQL, so processes, not threads, give throughput (the GIL), and one process more than cores covers the
# waits on Redis and PostgreSQL. Two threads each keep connections alive (sync workers close every one, ~10% more
# CPU per request) and overlap those waits; four threads only queue behind the GIL.
DEFAULT_WORKERS = 3
DEFAULT_THREADS = 2


class Command(BaseCommand):
    help = (
        "Serve the site with gunicorn on a free loopback port and load one page with wrk: requests/s, latency "
        "p50/p90/p99, errors, against the targets (150 requests/s, p99 500 ms)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--page", choices=list(benchmark.PAGES), default="country", help="Page to load (default: country)."
        )
        parser.add_argument("--duration", type=int, default=30, help="Seconds of measured load (default 30).")
        parser.add_argument("--connections", type=int, default=16, help="Open connections of wrk (default 16).")
        parser.add_argument(
            "--workers",
            type=int,
            default=DEFAULT_WORKERS,
            help=f"gunicorn worker processes (default {DEFAULT_WORKERS}).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=DEFAULT_THREADS,
            help=f"Threads per worker: 1 runs sync workers, more the gthread worker (default {DEFAULT_THREADS}).",
        )
        parser.add_argument("--warmup", type=int, default=5, help="Seconds of unmeasured load first (default 5).")
        parser.add_argument("--json", metavar="PATH", help="Also write the figures as a JSON object to PATH.")

    def handle(self, *args, page, duration, connections, workers, threads, warmup, json: str | None, **options):
        for name, value, least in (
            ("--duration", duration, 1),
            ("--connections", connections, 1),
            ("--workers", workers, 1),
            ("--threads", threads, 1),
            ("--warmup", warmup, 0),
        ):
            if value < least:
                raise CommandError(f"{name} must be at least {least}.")
        report = output_file(json) if json else None
        try:
            wrk = loadtest.find_wrk()
            self.stdout.write(loadtest.static_files_state())
            path = loadtest.page_url(page)
        except loadtest.LoadTestError as exc:
            raise CommandError(str(exc)) from exc
        except benchmark.PageError as exc:
            raise CommandError(f"No {page} page to load: {exc}.") from exc
        database = f"{connection.vendor} {connection.settings_dict['NAME']}"
        cache = "Redis" if settings.REDIS_URL else "local memory"
        self.stdout.write(
            f"{database}: {Meeting.objects.count():,} meetings; cache: {cache}; "
            f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPU(s); "
            f"{_wrk_version(wrk)}"
        )
        # The benchmark's account and its session last as long as the run: deleted after it, even after an error.
        with loadtest.bench_session() as cookie:
            connection.close()  # the server has its own connections; ours would only sit idle during the run
            try:
                result = loadtest.run(
                    page=page,
                    path=path,
                    cookie=cookie,
                    database=database,
                    workers=workers,
                    threads=threads,
                    worker_class="gthread" if threads > 1 else "sync",
                    connections=connections,
                    duration=duration,
                    warmup=warmup,
                    wrk=wrk,
                    say=self.stderr.write,
                )
            except loadtest.LoadTestError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(loadtest.table(result))
        if report:
            write_file(report, _dumps(result.as_json()) + "\n")
            self.stdout.write(f"Wrote {json}")


def _wrk_version(wrk: str) -> str:
    completed = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
    first = (completed.stdout or completed.stderr).strip().splitlines()
    return first[0].split(" Copyright")[0] if first else "wrk"


def _dumps(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
