"""Fill the database with synthetic meetings at scale, for the benchmark (see docs/performance.md)."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from relations import synthetic


class ProgressBar:
    """A one-line text bar on stderr, redrawn at most a few times a second."""

    def __init__(self, total: int, stream=sys.stderr, width: int = 30) -> None:
        self.total, self.stream, self.width = total, stream, width
        self.started = self.drawn = time.monotonic()

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if done < self.total and now - self.drawn < 0.25:
            return
        self.drawn = now
        elapsed = now - self.started
        filled = self.width * done // max(self.total, 1)
        rate = done / elapsed if elapsed else 0
        eta = (self.total - done) / rate if rate else 0
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(
            f"\r[{bar}] {done:,}/{self.total:,} meetings  {elapsed:5.0f} s  {rate:8,.0f}/s  eta {eta:4.0f} s"
        )
        if done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


MAX_MEETINGS = 100_000_000


class Command(BaseCommand):
    help = (
        "Add N synthetic meetings with their countries, participants, sectors, articles and commitments. "
        "--clear first deletes every meeting, article, commitment, official and position (and their history)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--meetings", type=int, required=True, help="How many meetings to add.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed gives the same data.")
        parser.add_argument("--clear", action="store_true", help="Delete existing meetings, sources and officials.")
        parser.add_argument("--batch-size", type=int, default=10_000, help="Meetings written per transaction.")
        parser.add_argument("--database", default="default")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar.")

    def handle(self, *args, meetings, seed, clear, batch_size, database, no_progress, **options):
        if not 1 <= meetings <= MAX_MEETINGS:
            # Officials' careers are drawn up front (N/22 officials): a typo's trillion would run out of memory.
            raise CommandError(f"--meetings must be between 1 and {MAX_MEETINGS:,}.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        started = time.monotonic()
        if clear:
            synthetic.clear(using=database)
        progress = None if no_progress else ProgressBar(meetings, stream=self.stderr._out)
        try:
            counts = synthetic.generate(meetings, seed=seed, using=database, batch_size=batch_size, progress=progress)
        except KeyboardInterrupt:
            raise CommandError(
                "Interrupted. Every batch written so far is whole (one transaction each); the one under way was "
                "rolled back. Run `generate_data --clear` to start again from nothing."
            ) from None
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{value:,} {name.replace('_', ' ')}" for name, value in vars(counts).items())
        self.stdout.write(f"Added {summary} in {elapsed:.1f} s.")
