"""Ingestion throughput: extraction on one core, then N articles through Celery workers (docs/performance.md)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from relations import ingest_bench as bench
from relations.ingest.bulk import JobsError, check_jobs
from relations.management.options import output_file, positive_seconds, write_file


class Command(BaseCommand):
    help = (
        "Extraction rate on one core over the held-out test articles, then N distinct articles submitted as "
        "`ingest` submits them and extracted by Celery workers started here: wall time, articles/s, failures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=3000, help="Articles sent through Celery (default 3000).")
        parser.add_argument(
            "--workers",
            type=int,
            default=2,
            help="Celery worker processes started, `celery -A config worker --concurrency 1` each (default 2).",
        )
        parser.add_argument(
            "--intake-jobs",
            type=int,
            default=1,
            help="Processes taking the articles in, as `ingest --jobs` (default 1: on two cores beside two workers, a "
            "second was no faster; PostgreSQL).",
        )
        parser.add_argument(
            "--concurrency", type=int, default=1, help="Pool processes per worker (default 1: one task at a time)."
        )
        parser.add_argument(
            "--extract-seconds", type=float, default=10.0, help="How long to time extraction alone (default 10)."
        )
        parser.add_argument("--skip-extraction", action="store_true", help="Only the run through Celery.")
        parser.add_argument("--skip-celery", action="store_true", help="Only extraction alone; writes nothing.")
        parser.add_argument(
            "--timeout", type=float, default=900.0, help="Give up waiting for the workers after this (default 900 s)."
        )
        parser.add_argument(
            "--backlog",
            action="store_true",
            help="Submit every article while the workers are paused, then time the workers alone draining the queue "
            "(default: the workers consume while articles are submitted, as with `ingest`).",
        )
        parser.add_argument(
            "--cleanup",
            action="store_true",
            help="Delete the articles this run created, at the end or when the run stops (an error, Ctrl-C).",
        )
        parser.add_argument("--seed", type=int, default=0, help="Which articles are stitched together (default 0).")
        parser.add_argument("--json", metavar="PATH", help="Also write the figures as a JSON object to PATH.")

    def handle(self, *args, **options):
        for name, least in (
            ("articles", 1),
            ("workers", 1),
            ("intake_jobs", 1),
            ("concurrency", 1),
            ("extract_seconds", 0.1),
        ):
            if options[name] < least:
                raise CommandError(f"--{name.replace('_', '-')} must be at least {least:g}.")
        positive_seconds("--timeout", options["timeout"])
        positive_seconds("--extract-seconds", options["extract_seconds"])
        if options["skip_extraction"] and options["skip_celery"]:
            raise CommandError("--skip-extraction and --skip-celery leave nothing to measure.")
        if not options["skip_celery"]:
            try:
                check_jobs(options["intake_jobs"], "--intake-jobs")
            except JobsError as exc:
                raise CommandError(str(exc)) from exc
        report = output_file(options["json"]) if options["json"] else None
        self.run = None
        try:
            figures = self.measure(**options)
        except bench.IngestBenchError as exc:
            raise CommandError(str(exc)) from exc
        except KeyboardInterrupt:
            left = (
                ""
                if self.run is None or options["cleanup"]
                else f" The articles of run {self.run} stay (their titles begin with [bench {self.run}])."
            )
            raise CommandError(f"Interrupted.{left}", returncode=130) from None
        self.stdout.write(table(figures))
        if report:
            write_file(report, json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
            self.stdout.write(f"Wrote {options['json']}")

    def measure(self, *, articles, workers, concurrency, extract_seconds, skip_extraction, skip_celery, **options):
        samples = bench.load_corpus()
        figures: dict = {
            "corpus_articles": len(samples),
            "database": f"{connection.vendor} {connection.settings_dict['NAME']}",
        }
        if not skip_celery:
            # Before the long extraction timing: a missing broker or database should not wait for it.
            bench.database_url()
            bench.check_broker()
            run = bench.run_id()
            to_send = list(bench.bench_articles(samples, articles, run=run, seed=options["seed"]))
        if not skip_extraction:
            self.stderr.write(
                f"extraction alone: {len(samples)} held-out articles, round after round, {extract_seconds:g} s"
            )
            rate = bench.extraction_rate(samples, seconds=extract_seconds)
            figures.update(
                extraction_articles=rate.articles,
                extraction_per_s=round(rate.per_s, 1),
                extraction_per_cpu_s=round(rate.per_cpu_s, 1),
            )
        if not skip_celery:
            self.stderr.write(
                self.style.WARNING(
                    f"Writes {articles:,} articles to {figures['database']}"
                    + ("; --cleanup deletes them afterwards." if options["cleanup"] else " (--cleanup deletes them).")
                )
            )
            self.run = run
            result = None
            try:
                result = bench.ingest_through_celery(
                    to_send,
                    workers=workers,
                    concurrency=concurrency,
                    run=run,
                    timeout=options["timeout"],
                    backlog=options["backlog"],
                    intake_jobs=options["intake_jobs"],
                    say=self.stderr.write,
                )
                figures.update(
                    run=run,
                    articles=result.articles,
                    workers=workers,
                    concurrency=concurrency,
                    intake_jobs=options["intake_jobs"],
                    backlog=options["backlog"],
                    submit_s=round(result.submit_s, 2),
                    wall_s=None if result.wall_s is None else round(result.wall_s, 2),
                    articles_per_s=None if result.per_s is None else round(result.per_s, 1),
                    submit_cpu_ms_per_article=_round(result.cpu_ms_per_article(result.submit_cpu_s)),
                    worker_cpu_ms_per_article=_round(result.cpu_ms_per_article(result.workers_cpu_s)),
                    database_cpu_ms_per_article=_round(result.cpu_ms_per_article(result.database_cpu_s)),
                    processed=result.processed,
                    failures=result.failures,
                    timed_out=result.timed_out,
                    outcomes={str(k): v for k, v in result.outcomes.items()},
                    statuses={str(k): v for k, v in result.statuses.items()},
                    meets_target=result.meets_target,
                )
            finally:
                # Also when the run stops half-way (an error, Ctrl-C): whatever it stored goes, found by its run id.
                if options["cleanup"]:
                    if result is None:
                        self.stderr.write(f"The run stopped: deleting the articles of run {run}.")
                    figures["deleted"] = bench.cleanup(result.article_ids if result else [], run=run)
                    if result is None:
                        self.stderr.write(f"cleanup: {figures['deleted']:,} rows deleted")
        return figures


def table(figures: dict) -> str:
    def value(key: str, unit: str = "") -> str:
        v = figures.get(key)
        return "—" if v is None else f"{v:,}{unit}" if isinstance(v, int) else f"{v:,.1f}{unit}"

    rows = []
    if "extraction_per_s" in figures:
        rows += [
            ("extraction, articles/s (one core)", value("extraction_per_s"), f">= {bench.TARGET_EXTRACTION_PER_S:g}"),
            ("extraction, articles per CPU-second", value("extraction_per_cpu_s"), ""),
        ]
    if "articles" in figures:
        per_s = bench.TARGET_ARTICLES / bench.TARGET_SECONDS
        rows += [
            (
                f"through Celery: articles ({figures['workers']} x {figures['concurrency']})",
                value("articles"),
                f"{bench.TARGET_ARTICLES:,}",
            ),
            ("  submission (intake + queue) s", value("submit_s"), ""),
            (
                "  wall time s (queue drain only)" if figures["backlog"] else "  wall time s (intake to last done)",
                value("wall_s"),
                f"<= {bench.TARGET_SECONDS:g}",
            ),
            ("  articles/s", value("articles_per_s"), f">= {per_s:g}"),
            (f"  intake CPU ms/article ({figures['intake_jobs']} process(es))", value("submit_cpu_ms_per_article"), ""),
            ("  database CPU ms/article (all connections)", value("database_cpu_ms_per_article"), ""),
            ("  worker CPU ms/article", value("worker_cpu_ms_per_article"), ""),
            ("  processed", value("processed"), ""),
            ("  failures", value("failures"), "0"),
        ]
    width = max(len("measure"), *(len(name) for name, _measured, _target in rows))
    lines = [
        f"| {'measure':<{width}} | {'measured':>10} | {'target':>8} |",
        f"|{'-' * (width + 2)}|{'-' * 11}:|{'-' * 9}:|",
    ]
    lines += [f"| {name:<{width}} | {measured:>10} | {target:>8} |" for name, measured, target in rows]
    notes = [f"corpus: {figures['corpus_articles']} held-out articles; {figures['database']}"]
    if figures.get("timed_out"):
        notes.append("The workers did not finish before --timeout: wall time unknown.")
    if "statuses" in figures:
        notes.append(f"intake: {figures['outcomes']}; final statuses: {figures['statuses']}")
    if "deleted" in figures:
        notes.append(f"cleanup: {figures['deleted']:,} rows deleted")
    return "\n".join(lines + notes)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
