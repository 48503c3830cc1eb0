"""Import article files and folders through the same intake and task as the submission page."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relations.ingest.intake import HTML_SUFFIXES, TEXT_SUFFIXES, IntakeError, Outcome, intake_file
from relations.ingest.propose import propose_meetings
from relations.ingest.queue import requeue_pending, send_extraction
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

    def handle(self, *args, paths, wait, published, language, **options):
        files = list(article_files(paths))
        if not files:
            raise CommandError("No .txt or .html file found in the given paths.")
        if not wait:
            sent, still_pending = requeue_pending()
            if sent or still_pending:
                self.stdout.write(f"Earlier pending articles: {sent} queued, {still_pending} still pending.")
        counts = Counter()
        for number, path in enumerate(files, 1):
            prefix = f"[{number}/{len(files)}] {path}: "
            try:
                intake = intake_file(
                    path.read_bytes(), filename=path.name, published_on=published, language=language, queued=not wait
                )
            except (IntakeError, OSError) as exc:
                counts["refused"] += 1
                self.stdout.write(prefix + self.style.ERROR(f"refused: {exc}"))
                continue
            article = intake.article
            counts[intake.outcome] += 1
            if intake.outcome == Outcome.EXISTING:
                self.stdout.write(prefix + f"already imported as article #{article.pk} ({article.status}).")
            elif intake.outcome == Outcome.NEAR_DUPLICATE:
                self.stdout.write(
                    prefix + f"near-duplicate of article #{article.duplicate_of_id}; linked as #{article.pk}."
                )
            elif wait:
                outcome = propose_meetings(article.pk)
                article.refresh_from_db()
                counts[outcome] += 1
                style = self.style.SUCCESS if outcome == "proposed" else self.style.WARNING
                self.stdout.write(prefix + style(f"article #{article.pk} {outcome}: {article.status_message}"))
            elif send_extraction(article.pk, already_queued=True):
                counts["queued"] += 1
                self.stdout.write(prefix + self.style.SUCCESS(f"article #{article.pk} stored and queued."))
            else:
                counts["pending"] += 1
                article.refresh_from_db()
                self.stdout.write(
                    prefix + self.style.WARNING(f"article #{article.pk} stored, pending: {article.status_message}")
                )
        self.stdout.write(summary(len(files), counts, wait))
        if counts["refused"]:
            raise CommandError(f"{counts['refused']} file(s) could not be imported.")


def article_files(paths: list[Path]):
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        elif path.is_file():
            yield path
        else:
            raise CommandError(f"No such file or folder: {path}")


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
