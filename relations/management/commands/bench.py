"""Benchmark every page on the configured database: p50/p95 server time, queries, SQL floor (docs/performance.md)."""

import json

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from relations import benchmark
from relations.management.options import output_file, positive_seconds, write_file
from relations.models import Meeting


class Command(BaseCommand):
    help = "Time each page (p50, p95 over warm requests), count its queries and time its bare SQL (the floor)."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=20, help="Timed requests per page (default 20).")
        parser.add_argument("--warmup", type=int, default=3, help="Untimed requests first (default 3).")
        parser.add_argument("--json", metavar="PATH", help="Also write the results as a JSON list to PATH.")
        parser.add_argument(
            "--pages",
            nargs="+",
            choices=list(benchmark.PAGES),
            default=benchmark.DEFAULT_PAGES,
            metavar="PAGE",
            help=f"Pages to measure, among: {', '.join(benchmark.PAGES)}; each once, in the order given. "
            "Default: the first nine.",
        )
        parser.add_argument(
            "--budget",
            type=float,
            default=None,
            metavar="SECONDS",
            help="Give a page fewer timed requests (at least 3) when --requests of them would take longer than this; "
            "the table's n column says how many were made.",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=None,
            metavar="SECONDS",
            help="Report a page as an error when one of its requests takes longer than this.",
        )
        parser.add_argument(
            "--no-settle",
            action="store_true",
            help="Leave garbage collection as it is after the warm-up (the web process freezes what it keeps, "
            "config/collector.py; runs before 2026-12-04 did not).",
        )
        parser.add_argument("--search", default="fisheries", help="The free-text query of meetings-search.")
        parser.add_argument("--database", default="default")

    def handle(
        self, *args, requests, warmup, json: str | None, pages, budget, timeout, no_settle, search, database, **options
    ):
        if requests < 1:
            raise CommandError("--requests must be at least 1.")
        if warmup < 0:
            raise CommandError("--warmup must be at least 0.")
        positive_seconds("--budget", budget)
        positive_seconds("--timeout", timeout)
        if database not in connections:
            raise CommandError(f"--database {database}: no such database in settings.DATABASES.")
        report = output_file(json) if json else None
        pages = list(dict.fromkeys(pages))  # a page named twice is measured once
        if isinstance(staticfiles_storage, ManifestFilesMixin) and not staticfiles_storage.hashed_files:
            raise CommandError("The static files manifest is missing: run `manage.py collectstatic` first.")
        connection = connections[database]
        self.stdout.write(
            f"{connection.vendor} {connection.settings_dict['NAME']}: {Meeting.objects.using(database).count():,} "
            f"meetings; {requests} timed requests per page after {warmup} warm-up; DEBUG={settings.DEBUG}; "
            f"garbage collection {'as is' if no_settle else 'settled after the warm-up'}"
        )
        fastest, middle, slow = benchmark.machine_noise()
        self.stdout.write(
            f"machine: a fixed Python loop took {fastest:.1f} / {middle:.1f} / {slow:.1f} ms (min / p50 / p95 of 20); "
            "a wide spread means a busy or throttled machine, whatever the code"
        )

        def progress(result: benchmark.Result) -> None:
            state = result.error or f"p50 {result.p50_ms} ms"
            self.stderr.write(f"  {result.page}: {state}")

        results = benchmark.run(
            pages,
            requests=requests,
            warmup=warmup,
            search=search,
            using=database,
            budget=budget,
            timeout=timeout,
            settle_gc=not no_settle,
            progress=progress,
        )
        self.stdout.write(benchmark.table(results))
        if report:
            write_file(report, _dumps(benchmark.as_json(results)) + "\n")
            self.stdout.write(f"Wrote {json}")
        failed = sum(1 for result in results if result.error)
        if failed:
            raise CommandError(f"{failed} of {len(results)} pages failed.")


def _dumps(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
