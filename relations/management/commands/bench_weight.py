"""Page weight of the overview and the busiest partner's page: bytes transferred on a first and a repeat visit."""

import json
from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from relations import page_weight
from relations.benchmark import PageError, Targets
from relations.management.options import output_file, write_file
from relations.models import Country


class Command(BaseCommand):
    help = (
        "Start gunicorn with DEBUG off on a free loopback port (after collectstatic), log in with a temporary "
        "account and load the overview and a partner page in chromium twice: empty cache, then cached. Prints the "
        "bytes transferred beside the targets."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--url-base",
            help="Measure this running server (e.g. http://127.0.0.1:8000) instead of starting one; it must use "
            "the same database as this command, where the temporary account is made.",
        )
        parser.add_argument("--partner", help="Partner country code for the partner page (default: the busiest).")
        parser.add_argument("--json", metavar="PATH", help="Also write the results as JSON to PATH.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2).")

    def handle(self, *args, url_base, partner, json: str | None, workers: int, verbosity: int, **options):
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        try:
            url_base = page_weight.check_url_base(url_base) if url_base is not None else None
        except page_weight.PageWeightError as exc:
            raise CommandError(f"--url-base: {exc}") from exc
        report = output_file(json) if json else None
        chromium = page_weight.chromium_path()
        if not chromium:
            raise CommandError("chromium not found: install Debian's chromium or set CHROMIUM.")
        if partner is not None:
            partner = partner.strip().upper()
            if not Country.objects.filter(code=partner).exists():
                raise CommandError(f"--partner {partner}: no country has this code in the database.")
        try:
            partner = partner or Targets("").partner()
        except PageError as exc:
            raise CommandError(f"No partner page to measure: {exc}") from exc
        pages = {
            "overview": reverse("relations:overview"),
            "partner": reverse("relations:country-detail", args=[partner]),
        }
        try:
            if url_base:
                page_weight.check_serving(url_base)
            server = nullcontext(url_base) if url_base else page_weight.production_server(workers=workers)
            with server as base_url, page_weight.temporary_user() as (username, password):
                self.stderr.write(f"Measuring {base_url} ({', '.join(pages.values())}) with {chromium}")
                results = page_weight.measure(base_url, pages, username=username, password=password, chromium=chromium)
        except page_weight.PageWeightError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(page_weight.table(results, verbose=verbosity > 1))
        if report:
            write_file(report, _dumps(page_weight.as_json(results)) + "\n")
            self.stdout.write(f"Wrote {json}")


def _dumps(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
