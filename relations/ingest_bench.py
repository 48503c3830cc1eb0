"""Ingestion throughput (the `bench_ingest` command): extraction alone on one core, then articles through Celery.

The corpus is the project's own held-out test articles (tests/data/heldout*/articles). For the run through Celery,
each article is stitched from four of them in the same language (the first quarter of one, the second quarter of
another...) plus a line naming the run: every text is distinct, and no two are near-duplicates by intake's
rule (which would store the second without extracting it), so each one costs a real extraction.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from relations.ingest.bulk import TakeIn, take_in_all
from relations.ingest.intake import Outcome, detect_language, parse_day, split_header
from relations.loadtest import children_cpu_seconds, cpu_seconds, database_server_cpu_seconds
from relations.models import Article

# The targets on this 2-core machine.
TARGET_EXTRACTION_PER_S = 20.0
TARGET_ARTICLES = 3000
TARGET_SECONDS = 60.0
CORPUS_GLOB = "heldout*/articles/*.txt"
PIECES = 4
DONE = (Article.Status.PROPOSED, Article.Status.FAILED, Article.Status.APPROVED)


class IngestBenchError(Exception):
    """The benchmark cannot run here; the message says what is missing."""


# --- The corpus --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    name: str
    language: str
    published_on: dt.date | None
    text: str

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in re.split(r"\n\s*\n", self.text) if p.strip()]


def corpus_dir() -> Path:
    return Path(settings.BASE_DIR) / "tests" / "data"


def load_corpus(folder: Path | None = None) -> list[Sample]:
    """The held-out articles: header lines split off, language decided as intake decides it."""
    samples = []
    for path in sorted((folder or corpus_dir()).glob(CORPUS_GLOB)):
        header, text = split_header(path.read_text(encoding="utf-8"))
        text = text.strip()
        samples.append(Sample(path.name, detect_language(text), parse_day(header.get("published")), text))
    if not samples:
        raise IngestBenchError(f"No article found under {folder or corpus_dir()} ({CORPUS_GLOB}).")
    return samples


def pieces(paragraphs: list[str], count: int = PIECES) -> list[list[str]]:
    """`count` consecutive, non-empty groups of paragraphs of about equal numbers of characters."""
    if len(paragraphs) < count:
        raise ValueError(f"{count} paragraphs at least")
    total = sum(map(len, paragraphs))
    cuts, running = [0], 0
    for index, paragraph in enumerate(paragraphs[:-1], 1):
        running += len(paragraph)
        if len(cuts) < count and running >= total * len(cuts) / count:
            cuts.append(index)
    # Short texts with one long paragraph: fewer cuts than asked; take the missing ones from the end.
    while len(cuts) < count:
        cuts.append(len(paragraphs) - (count - len(cuts)))
    for i in range(1, count):  # strictly increasing, room left for the later groups
        cuts[i] = min(max(cuts[i], cuts[i - 1] + 1), len(paragraphs) - (count - i))
    return [paragraphs[a:b] for a, b in zip(cuts, [*cuts[1:], len(paragraphs)], strict=True)]


@dataclass(frozen=True)
class BenchArticle:
    filename: str
    data: bytes
    parts: tuple[str, ...]


def bench_articles(samples: list[Sample], count: int, *, run: str, seed: int = 0) -> Iterator[BenchArticle]:
    """`count` distinct article files in a fixed order, each stitched from the successive quarters of four samples
    of one language. No two share three of their four quarters, which keeps any two well below intake's
    near-duplicate ratio."""
    by_language: dict[str, list[Sample]] = {}
    for sample in samples:
        if len(sample.paragraphs) >= PIECES:
            by_language.setdefault(sample.language, []).append(sample)
    groups = [group for group in by_language.values() if len(group) >= PIECES]
    if not groups:
        raise IngestBenchError(f"The corpus needs {PIECES} articles of one language with {PIECES} paragraphs each.")
    rng = random.Random(seed)
    weights = [len(group) for group in groups]
    used: set[tuple] = set()
    number = refused = 0
    while number < count:
        chosen = tuple(rng.sample(rng.choices(groups, weights)[0], PIECES))
        keys = {tuple((i, chosen[i].name) for i in kept) for kept in itertools.combinations(range(PIECES), PIECES - 1)}
        if keys & used:
            refused += 1
            if refused > 10_000:
                raise IngestBenchError(f"The corpus makes only {number:,} articles different enough; asked {count:,}.")
            continue
        used |= keys
        refused = 0
        number += 1
        body = [p for index, sample in enumerate(chosen) for p in pieces(sample.paragraphs)[index]]
        first = chosen[0]
        header = [f"TITLE: {run_title_prefix(run)}{number}: {first.paragraphs[0][:150]}"]
        if first.published_on:
            header.append(f"PUBLISHED: {first.published_on.isoformat()}")
        text = "\n".join(header) + "\n\n" + "\n\n".join(body) + f"\n\n(Benchmark run {run}, article {number}.)\n"
        yield BenchArticle(f"bench-{run}-{number:05d}.txt", text.encode("utf-8"), tuple(s.name for s in chosen))


# --- Extraction alone --------------------------------------------------------------------------------------------


@dataclass
class ExtractionRate:
    articles: int
    wall_s: float
    cpu_s: float

    @property
    def per_s(self) -> float:
        return self.articles / self.wall_s

    @property
    def per_cpu_s(self) -> float:
        return self.articles / self.cpu_s if self.cpu_s else float("inf")


def extraction_rate(samples: list[Sample], *, seconds: float) -> ExtractionRate:
    """extract_article over the samples, round after round, for at least `seconds` (one warm-up round first).

    One thread, so one core at a time; the CPU time beside the wall time shows how much a busy machine took away.
    """
    from relations.ingest.extract import extract_article

    for sample in samples:
        extract_article(sample.text, published=sample.published_on, language=sample.language)
    done, wall, cpu = 0, time.perf_counter(), time.process_time()
    while done == 0 or time.perf_counter() - wall < seconds:
        for sample in samples:
            extract_article(sample.text, published=sample.published_on, language=sample.language)
            done += 1
    return ExtractionRate(done, time.perf_counter() - wall, time.process_time() - cpu)


# --- Through Celery ----------------------------------------------------------------------------------------------


def database_url() -> str:
    """The URL of the database this process uses (the test database under tests), for the worker processes."""
    if connection.vendor != "postgresql":
        raise IngestBenchError(
            f"The run through Celery needs a database the worker processes share; this is {connection.vendor}. "
            "Set DATABASE_URL to a PostgreSQL database."
        )
    s = connection.settings_dict
    user = urllib.parse.quote(s["USER"] or "", safe="")
    password = f":{urllib.parse.quote(s['PASSWORD'], safe='')}" if s["PASSWORD"] else ""
    credentials = f"{user}{password}@" if user else ""
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{credentials}{s['HOST'] or ''}{port}/{urllib.parse.quote(s['NAME'], safe='')}"


def check_broker() -> None:
    if not settings.REDIS_URL:
        raise IngestBenchError("The run through Celery needs a broker: set REDIS_URL (tasks would run in-process).")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except redis.exceptions.RedisError as exc:
        raise IngestBenchError(f"Redis at REDIS_URL cannot be reached: {exc}") from exc


class Workers:
    """`workers` Celery worker processes (`celery -A config worker --concurrency C`), each in its own process group."""

    def __init__(self, *, workers: int, concurrency: int, run: str) -> None:
        host = socket.gethostname()
        self.names = [f"bench{i}-{run}@{host}" for i in range(1, workers + 1)]
        self.concurrency = concurrency
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "DASHBOARD_WARMING": str(int(settings.DASHBOARD_WARMING)),
            # The keys this process reads: its database's name may differ from the one its settings were made with
            # (a test database), and the workers' warmed pages must reach it.
            "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", ""),
        }
        self.log = tempfile.NamedTemporaryFile(prefix="bench-ingest-celery-", suffix=".log", delete=False)  # noqa: SIM115
        self.processes: list[subprocess.Popen] = []

    def command(self, name: str) -> list[str]:
        return [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            f"--hostname={name}",
            f"--concurrency={self.concurrency}",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ]

    def __enter__(self) -> Workers:
        from config.celery import app

        for name in self.names:
            self.processes.append(
                subprocess.Popen(
                    self.command(name),
                    cwd=settings.BASE_DIR,
                    env=self.env,
                    stdout=self.log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        deadline = time.monotonic() + 90
        ready: set[str] = set()
        while ready != set(self.names):
            if any(p.poll() is not None for p in self.processes):
                self.stop()
                raise IngestBenchError(f"A Celery worker exited at start:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                self.stop()
                raise IngestBenchError(f"The Celery workers did not answer within 90 s:\n{self.log_tail()}")
            for reply in app.control.ping(destination=self.names, timeout=1.0) or []:
                ready.update(reply)
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        self.stop()
        if exc_type is None:  # kept after a failure, for its traceback
            Path(self.log.name).unlink(missing_ok=True)

    def stop(self) -> None:
        """Warm shutdown (SIGTERM: a task under way finishes), then SIGKILL to a group that hangs."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-lines:])

    def cpu_seconds(self) -> float | None:
        """CPU time so far of the workers and their pool processes (Linux), whatever else the machine runs."""
        each = [cpu_seconds(p.pid) for p in self.processes]
        return None if None in each else sum(each)


@dataclass
class IngestRun:
    articles: int
    workers: int
    concurrency: int
    backlog: bool = False
    submit_s: float = 0.0
    wall_s: float | None = None
    outcomes: Counter = field(default_factory=Counter)  # intake's outcomes, plus "queued" / "pending"
    statuses: Counter = field(default_factory=Counter)  # the articles' final statuses
    timed_out: bool = False
    article_ids: list[int] = field(default_factory=list)
    intake_jobs: int = 1
    submit_cpu_s: float = 0.0  # the intake processes, intake and sending
    workers_cpu_s: float | None = None  # the worker processes, from the first submission to the end
    # The whole PostgreSQL server (every database's work), from the first submission to the end, when it runs on
    # this machine: intake's connections and the workers' (whose connections come and go: Celery's Django fixup
    # closes a worker's after CELERY_DB_REUSE_MAX tasks).
    database_cpu_s: float | None = None

    def cpu_ms_per_article(self, seconds: float | None) -> float | None:
        return None if seconds is None or not self.article_ids else seconds * 1000 / len(self.article_ids)

    @property
    def processed(self) -> int:
        return sum(self.statuses[s] for s in DONE)

    @property
    def failures(self) -> int:
        return self.statuses[Article.Status.FAILED] + sum(
            n for key, n in self.outcomes.items() if key not in {Outcome.CREATED, "queued"}
        )

    @property
    def per_s(self) -> float | None:
        return self.processed / self.wall_s if self.wall_s else None

    @property
    def meets_target(self) -> bool:
        return (
            self.articles >= TARGET_ARTICLES
            and not self.timed_out
            and self.failures == 0
            and self.wall_s is not None
            and self.wall_s * TARGET_ARTICLES / self.articles <= TARGET_SECONDS
        )


def ingest_through_celery(
    articles: list[BenchArticle],
    *,
    workers: int,
    concurrency: int,
    run: str,
    timeout: float,
    backlog: bool = False,
    intake_jobs: int = 1,
    say: Callable[[str], None] = print,
) -> IngestRun:
    """Start the workers, submit every article as `manage.py ingest --jobs <intake_jobs>` does (from files, each
    stored queued and its task sent, in that many processes), wait until each is proposed or failed, stop the
    workers. Wall time: from the first submission until the poll (every 0.25 s) that finds none left waiting. With
    `backlog`, the workers stop consuming while every article is submitted, and the wall time runs from when they
    resume: the workers' throughput alone, intake left out."""
    from config.celery import app

    check_broker()
    result = IngestRun(
        articles=len(articles), workers=workers, concurrency=concurrency, backlog=backlog, intake_jobs=intake_jobs
    )
    with ExitStack() as stack:
        pool = stack.enter_context(Workers(workers=workers, concurrency=concurrency, run=run))
        say(f"{len(pool.names)} worker(s) ready ({', '.join(pool.names)}; concurrency {concurrency} each)")
        queue = app.conf.task_default_queue
        if backlog:
            app.control.cancel_consumer(queue, destination=pool.names, reply=True)
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-ingest-")))
        files = []
        for article in articles:
            path = folder / article.filename
            path.write_bytes(article.data)
            files.append(path)
        workers_cpu, database_cpu = pool.cpu_seconds(), database_server_cpu_seconds()
        submit_cpu = time.process_time() + children_cpu_seconds()
        started = time.perf_counter()
        with closing(take_in_all(files, TakeIn(), intake_jobs)) as taken_in:
            for taken in taken_in:
                result.outcomes.update(taken.counts)
                if Outcome.CREATED in taken.counts:
                    result.article_ids.append(taken.article_id)
        result.submit_s = time.perf_counter() - started
        # The intake processes have ended: their CPU is the children's that this process has waited for.
        result.submit_cpu_s = time.process_time() + children_cpu_seconds() - submit_cpu
        say(f"submitted {len(articles):,} in {result.submit_s:.1f} s; waiting for the workers")
        if backlog:
            started = time.perf_counter()
            app.control.add_consumer(queue, destination=pool.names, reply=True)
        ids = result.article_ids
        waiting = Article.objects.filter(pk__in=ids, status__in=[Article.Status.QUEUED, Article.Status.PROCESSING])
        deadline = time.monotonic() + timeout
        last_report = time.monotonic()
        while (left := waiting.count()) and time.monotonic() < deadline:
            if time.monotonic() - last_report >= 10:
                say(f"  {len(ids) - left:,} of {len(ids):,} done")
                last_report = time.monotonic()
            time.sleep(0.25)
        result.timed_out = bool(left)
        if not left:
            result.wall_s = time.perf_counter() - started
        workers_cpu_after, database_cpu_after = pool.cpu_seconds(), database_server_cpu_seconds()
        if None not in (workers_cpu, workers_cpu_after):
            result.workers_cpu_s = workers_cpu_after - workers_cpu
        if None not in (database_cpu, database_cpu_after):
            result.database_cpu_s = database_cpu_after - database_cpu
    statuses = Article.objects.filter(pk__in=ids).values_list("status").annotate(n=Count("pk")).order_by()
    result.statuses = Counter(dict(statuses))
    return result


def run_title_prefix(run: str) -> str:
    """How the title of every article of `run` begins (bench_articles' TITLE line, kept by intake)."""
    return f"[bench {run}] "


def cleanup(article_ids: Iterable[int] = (), *, run: str | None = None) -> int:
    """Delete the articles a run created, and their history rows (after them: deleting an article records it).

    `run` also finds those whose id the run never learnt (stored by an intake process when Ctrl-C stopped it).

    Then, on PostgreSQL, vacuum both tables: each run leaves several dead versions of every article (each status
    change rewrites the row and its text's trigram index entries), and where autovacuum is off or behind, the next
    run's near-duplicate window would step over them all (runs on the same database grew slower, 65 to 81 s)."""
    _drop_if_unusable()
    ids = set(article_ids)
    if run:
        ids |= set(Article.objects.filter(title__startswith=run_title_prefix(run)).values_list("pk", flat=True))
    deleted, _ = Article.objects.filter(pk__in=ids).delete()
    Article.history.filter(id__in=ids).delete()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        tables = [connection.ops.quote_name(m._meta.db_table) for m in (Article, Article.history.model)]
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
    return deleted


def _drop_if_unusable() -> None:
    """After Ctrl-C the connection may be mid-query or in a failed transaction: the cleanup needs a fresh one."""
    raw = connection.connection
    if connection.vendor != "postgresql" or raw is None or connection.in_atomic_block:
        return
    from psycopg.pq import TransactionStatus

    if raw.info.transaction_status != TransactionStatus.IDLE:
        connection.close()


def run_id() -> str:
    return timezone.now().strftime("%Y%m%d%H%M%S") + f"-{os.getpid()}"
