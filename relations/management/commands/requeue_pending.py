"""Queue the articles kept pending while the broker (Redis) was down."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from relations.ingest.queue import requeue_pending

MAX_STALE_MINUTES = 366 * 24 * 60


class Command(BaseCommand):
    help = "Send the extraction task for every pending article (and, on request, failed or long-queued ones)."

    def add_arguments(self, parser):
        parser.add_argument("--failed", action="store_true", help="Also retry articles whose extraction failed.")
        parser.add_argument(
            "--stale-minutes",
            type=int,
            help="Also resend articles queued longer than this (their message may have been lost with Redis).",
        )

    def handle(self, *args, failed, stale_minutes, **options):
        if stale_minutes is not None and not 0 <= stale_minutes <= MAX_STALE_MINUTES:
            raise CommandError(f"--stale-minutes must be between 0 and {MAX_STALE_MINUTES} (a year).")
        stale = dt.timedelta(minutes=stale_minutes) if stale_minutes is not None else None
        sent, still_pending = requeue_pending(include_failed=failed, stale_after=stale)
        self.stdout.write(f"Queued {sent} article(s); {still_pending} still pending.")
        if still_pending:
            raise CommandError("The task queue (Redis) cannot be reached; run this again once it is back.")
