"""Import article files and folders through the same intake and task as the submission page."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relations.ingest.bulk import JobsError, TakeIn, check_jobs, take_in_all
from relations.ingest.intake import HTML_SUFFIXES, TEXT_SUFFIXES, Outcome
from relations.ingest.queue import requeue_pending, stuck_after
from relations.models import Article

SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES


class Command(BaseCommand):
    help = "Store .txt/.html articles (files or folders) and queue their extraction; prints progress per file."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="Files, or folders searched for .txt and .html.")
        parser.add_argument(
            "--wait", action="store_true", help="Extract each article here and now instead of queueing it."
        )
        parser.add_argument("--published", type=dt.date.fromisoformat, help="Publication date (YYYY-MM-DD).")
        parser.add_argument("--language", choices=["en", "id"], help="Skip language detection.")
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="Files taken in by so many processes at once (PostgreSQL only; default 1). Progress is printed in "
            "the files' order either way.",
        )

    def handle(self, *args, paths, wait, published, language, jobs, **options):
        files = list(article_files(paths))
        if not files:
            raise CommandError("No .txt or .html file found in the given paths.")
        try:
            check_jobs(jobs)
        except JobsError as exc:
            raise CommandError(str(exc)) from exc
        if not wait:
            sent, still_pending = requeue_pending()
            if sent or still_pending:
                self.stdout.write(f"Earlier pending articles: {sent} queued, {still_pending} still pending.")
        counts = Counter()
        options = TakeIn(published=published, language=language, wait=wait)
        styles = {"success": self.style.SUCCESS, "warning": self.style.WARNING, "error": self.style.ERROR}
        done = 0
        with closing(take_in_all(files, options, min(jobs, len(files)))) as taken_in:
            try:
                for number, (path, taken) in enumerate(zip(files, taken_in, strict=True), 1):
                    counts.update(taken.counts)
                    message = styles[taken.style](taken.message) if taken.style else taken.message
                    self.stdout.write(f"[{number}/{len(files)}] {shown(path)}: {message}")
                    done = number
            except BrokenProcessPool as exc:
                raise CommandError(
                    f"An intake process ended unexpectedly ({exc}). The files listed above were taken in; run the "
                    "command again for the rest (files already stored are recognised)."
                ) from exc
            except KeyboardInterrupt:
                minutes = -(-stuck_after().seconds // 60)
                raise CommandError(
                    f"Interrupted after {done} of {len(files)} file(s); those listed above were taken in. Run the "
                    "command again for the rest (files already stored are recognised). An article interrupted in "
                    f"the middle of its extraction is extracted again by the next `ingest` or `requeue_pending` "
                    f"from {minutes} minutes on."
                ) from None
        self.stdout.write(summary(len(files), counts, wait))
        if counts["refused"]:
            raise CommandError(f"{counts['refused']} file(s) could not be imported.")


def article_files(paths: list[Path]):
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        elif path.is_file():
            yield path
        elif path.parts and path.parts[0].lower() in ("http:", "https:"):  # Path made "https://x" into "https:/x"
            raise CommandError(
                f"Not a file: {shown(path)}. This command takes files and folders; give an article's address on "
                "the submission page (/articles/new/), or save the page as .html first."
            )
        elif path.exists():
            raise CommandError(f"Neither a regular file nor a folder: {shown(path)}")
        else:
            raise CommandError(f"No such file or folder: {shown(path)}")


def shown(path: Path) -> str:
    """The path as printable text: a name that is not valid UTF-8 shows its odd bytes as replacement marks."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def summary(total: int, counts: Counter, wait: bool) -> str:
    parts = [
        f"{counts[Outcome.CREATED]} new",
        f"{counts[Outcome.EXISTING]} already imported",
        f"{counts[Outcome.NEAR_DUPLICATE]} near-duplicates",
        f"{counts['refused']} refused",
    ]
    if wait:
        parts.append(f"{counts['proposed']} proposed, {counts['failed']} failed extraction")
    else:
        parts.append(f"{counts['queued']} queued, {counts['pending']} pending")
    pending = Article.objects.filter(status=Article.Status.PENDING, duplicate_of__isnull=True).count()
    note = f" {pending} article(s) wait for the queue: run requeue_pending once Redis is back." if pending else ""
    return f"Done: {total} file(s): " + ", ".join(parts) + "." + note
