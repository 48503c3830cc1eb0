"""Taking in many article files (the `ingest` command, the ingestion benchmark): one after another, or in several
processes at once on PostgreSQL.

Intake is CPU for a file's decoding, language and signature, then a few milliseconds of the database for the
near-duplicate check and the insert. Where cores are left over beside the Celery workers, several intake processes
shorten an import (on two cores beside two workers the machine is already busy: no faster, docs/performance.md).
Processes, not threads: the work is Python's. Intake's advisory lock (relations/ingest/intake.py) keeps their
near-duplicate checks and inserts one at a time, so that two copies of a text are still linked.

A file that fails in an unexpected way (the database or the broker gone) is reported as refused, with the error,
and the others are still taken in; a process that dies stops the run with an error rather than a wait.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import multiprocessing
import signal
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, connections

from relations.ingest.intake import IntakeError, Outcome, check_size, intake_file
from relations.ingest.propose import propose_meetings
from relations.ingest.queue import send_extraction

logger = logging.getLogger(__name__)

# Files handed to a process at a time, at most: fewer round trips between processes, and still an even share.
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


def check_jobs(jobs: int, option: str = "--jobs") -> None:
    if jobs < 1:
        raise JobsError(f"{option} must be at least 1.")
    if jobs > 1 and connection.vendor != "postgresql":
        raise JobsError(
            f"{option} {jobs} needs PostgreSQL ({connection.display_name} lets one process write at a time); "
            "leave it out to take the files in one by one."
        )


def take_in_all(files: Sequence[Path], options: TakeIn, jobs: int = 1) -> Iterator[Taken]:
    """Each file's outcome, in the files' order, taken in here or by `jobs` processes. Close the iterator (or read
    it to the end) to stop the processes."""
    check_jobs(jobs)
    if jobs == 1:
        return (take_in(path, options) for path in files)
    return _in_processes(files, options, jobs)


def _in_processes(files: Sequence[Path], options: TakeIn, jobs: int) -> Iterator[Taken]:
    # A forked process must not share this one's database connections: closed here, each process opens its own.
    # (Celery drops its broker connections in a child by itself.)
    connections.close_all()
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"), initializer=_ignore_interrupts)
    try:
        chunk = max(1, min(CHUNK, len(files) // (jobs * 4)))
        yield from pool.map(functools.partial(take_in, options=options), files, chunksize=chunk)
    finally:
        pool.shutdown(cancel_futures=True)


def _ignore_interrupts() -> None:
    # Ctrl-C stops the command, which stops the processes: one traceback, not one per process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def take_in(path: Path, options: TakeIn) -> Taken:
    try:
        check_size(path.stat().st_size)  # before reading it into memory
        intake = intake_file(
            path.read_bytes(),
            filename=path.name,
            published_on=options.published,
            language=options.language,
            queued=not options.wait,
        )
    except (IntakeError, OSError) as exc:
        return Taken(("refused",), f"refused: {exc}", "error")
    except Exception as exc:  # one file's failure, reported with it: the others go on
        logger.exception("Taking in %s failed", path)
        return Taken(("refused",), f"refused: could not be stored ({type(exc).__name__}: {exc})", "error")
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
