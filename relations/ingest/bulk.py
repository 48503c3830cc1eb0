"""Taking in many article files (the `ingest` command, the ingestion benchmark): one after another, or in several
processes at once on PostgreSQL.

Intake is CPU for a file's decoding, language and signature, then a few milliseconds of the database for the
near-duplicate check and the insert; with two Celery workers extracting beside it, one intake process was the bound
of a bulk import. Processes, not threads: the work is Python's. Intake's advisory lock (relations/ingest/intake.py)
keeps their near-duplicate checks and inserts one at a time, so that two copies of a text are still linked.
"""

from __future__ import annotations

import datetime as dt
import functools
import multiprocessing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, connections

from relations.ingest.intake import IntakeError, Outcome, intake_file
from relations.ingest.propose import propose_meetings
from relations.ingest.queue import send_extraction

# Files handed to a process at a time: fewer round trips between processes, and still an even share at the end.
CHUNK = 4


class JobsError(ValueError):
    """The number of processes asked cannot be used here; the message says why."""


@dataclass(frozen=True)
class TakeIn:
    """What every file is taken in with."""

    published: dt.date | None = None
    language: str | None = None
    wait: bool = False  # extract in this process instead of queueing


@dataclass(frozen=True)
class Taken:
    """What became of one file: the counters of the summary it adds to, and its progress line."""

    counts: tuple[str, ...]
    message: str
    style: str = ""  # "success", "warning" or "error"
    article_id: int | None = None


def check_jobs(jobs: int) -> None:
    if jobs < 1:
        raise JobsError("--jobs must be at least 1.")
    if jobs > 1 and connection.vendor != "postgresql":
        raise JobsError(
            f"--jobs {jobs} needs PostgreSQL ({connection.vendor} lets one process write at a time); "
            "leave it out to take the files in one by one."
        )


def take_in_all(files: Iterable[Path], options: TakeIn, jobs: int = 1) -> Iterator[Taken]:
    """Each file's outcome, in the files' order, taken in here or by `jobs` processes."""
    check_jobs(jobs)
    if jobs == 1:
        yield from (take_in(path, options) for path in files)
        return
    # A forked process must not share this one's database connections: closed here, each process opens its own.
    # (Celery drops its broker connections in a child by itself.)
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(functools.partial(take_in, options=options), files, chunksize=CHUNK)


def take_in(path: Path, options: TakeIn) -> Taken:
    try:
        intake = intake_file(
            path.read_bytes(),
            filename=path.name,
            published_on=options.published,
            language=options.language,
            queued=not options.wait,
        )
    except (IntakeError, OSError) as exc:
        return Taken(("refused",), f"refused: {exc}", "error")
    article = intake.article
    if intake.outcome == Outcome.EXISTING:
        return Taken((intake.outcome,), f"already imported as article #{article.pk} ({article.status}).")
    if intake.outcome == Outcome.NEAR_DUPLICATE:
        message = f"near-duplicate of article #{article.duplicate_of_id}; linked as #{article.pk}."
        return Taken((intake.outcome,), message)
    if options.wait:
        outcome = propose_meetings(article.pk)
        article.refresh_from_db()
        style = "success" if outcome == "proposed" else "warning"
        message = f"article #{article.pk} {outcome}: {article.status_message}"
        return Taken((intake.outcome, outcome), message, style, article.pk)
    if send_extraction(article.pk, already_queued=True):
        return Taken((intake.outcome, "queued"), f"article #{article.pk} stored and queued.", "success", article.pk)
    article.refresh_from_db()
    message = f"article #{article.pk} stored, pending: {article.status_message}"
    return Taken((intake.outcome, "pending"), message, "warning", article.pk)
