"""bench_ingest: the stitched articles it sends, its refusals, and one small run through real Celery workers."""

import datetime as dt
import io
import itertools
import json
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import SimpleTestCase, TestCase, TransactionTestCase, override_settings
from rapidfuzz import fuzz

from relations import ingest_bench
from relations.ingest.intake import NEAR_DUPLICATE_RATIO, split_header
from relations.management.commands.bench_ingest import table
from relations.models import Article, content_hash, normalize_text
from tests.conftest import require_workers_setup


def body(article: ingest_bench.BenchArticle) -> str:
    """The text intake stores for the file: header lines off, normalised."""
    return normalize_text(split_header(article.data.decode("utf-8"))[1])


def sample(name: str, paragraphs: int, language: str = "en") -> ingest_bench.Sample:
    text = "\n\n".join(f"{name} paragraph {i} says something about cooperation." for i in range(paragraphs))
    return ingest_bench.Sample(name, language, dt.date(2024, 1, 17), text)


class PiecesTests(SimpleTestCase):
    def test_four_consecutive_nonempty_groups(self):
        paragraphs = ["a" * 10, "b" * 300, "c" * 20, "d" * 20, "e" * 20, "f" * 200]
        groups = ingest_bench.pieces(paragraphs)
        self.assertEqual(len(groups), 4)
        self.assertTrue(all(groups))
        self.assertEqual([p for group in groups for p in group], paragraphs)

    def test_exactly_as_many_paragraphs_as_groups(self):
        self.assertEqual(ingest_bench.pieces(["x" * 500, "y", "z", "w"]), [["x" * 500], ["y"], ["z"], ["w"]])

    def test_too_few_paragraphs(self):
        with self.assertRaisesMessage(ValueError, "4 paragraphs at least"):
            ingest_bench.pieces(["a", "b", "c"])


class BenchArticlesTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.corpus = ingest_bench.load_corpus()

    def test_corpus_is_the_projects_heldout_articles_in_both_languages(self):
        self.assertEqual({s.language for s in self.corpus}, {"en", "id"})
        self.assertTrue(all(s.text and not s.text.startswith("SOURCE:") for s in self.corpus))

    def test_every_article_has_its_own_content_hash(self):
        articles = list(ingest_bench.bench_articles(self.corpus, 3000, run="t"))
        self.assertEqual(len({content_hash(body(a)) for a in articles}), 3000)

    def test_two_runs_send_different_texts(self):
        first = next(ingest_bench.bench_articles(self.corpus, 1, run="one"))
        second = next(ingest_bench.bench_articles(self.corpus, 1, run="two"))
        self.assertEqual(first.parts, second.parts)
        self.assertNotEqual(content_hash(body(first)), content_hash(body(second)))

    def test_no_two_are_near_duplicates_for_intake(self):
        texts = [body(a) for a in ingest_bench.bench_articles(self.corpus, 120, run="t")]
        closest = max(fuzz.ratio(a, b) for a, b in itertools.combinations(texts, 2))
        self.assertLess(closest, NEAR_DUPLICATE_RATIO)

    def test_no_two_share_three_quarters(self):
        parts = [a.parts for a in ingest_bench.bench_articles(self.corpus, 3000, run="t")]
        seen = set()
        for chosen in parts:
            for kept in itertools.combinations(range(4), 3):
                key = tuple((i, chosen[i]) for i in kept)
                self.assertNotIn(key, seen)
                seen.add(key)

    def test_one_language_per_article(self):
        language = {s.name: s.language for s in self.corpus}
        for article in ingest_bench.bench_articles(self.corpus, 200, run="t"):
            self.assertEqual(len({language[name] for name in article.parts}), 1, article.parts)

    def test_a_small_corpus_cannot_make_many(self):
        small = [sample(name, 4) for name in "abcd"]  # 4! orders, but any two share three quarters at most once
        with self.assertRaisesMessage(ingest_bench.IngestBenchError, "articles different enough; asked 50."):
            list(ingest_bench.bench_articles(small, 50, run="t"))

    def test_a_corpus_without_four_long_articles_of_one_language(self):
        mixed = [sample("a", 4), sample("b", 4), sample("c", 4, "id"), sample("d", 3)]
        with self.assertRaisesMessage(ingest_bench.IngestBenchError, "The corpus needs 4 articles of one language"):
            list(ingest_bench.bench_articles(mixed, 1, run="t"))

    def test_empty_corpus_folder(self):
        with (
            tempfile.TemporaryDirectory() as empty,
            self.assertRaisesMessage(ingest_bench.IngestBenchError, "No article found under"),
        ):
            ingest_bench.load_corpus(Path(empty))


class RefusalTests(SimpleTestCase):
    def test_nonpositive_articles(self):
        with self.assertRaisesMessage(CommandError, "--articles must be at least 1."):
            call_command("bench_ingest", "--articles", "0")

    def test_nothing_to_measure(self):
        with self.assertRaisesMessage(CommandError, "--skip-extraction and --skip-celery leave nothing to measure."):
            call_command("bench_ingest", "--skip-extraction", "--skip-celery")

    @override_settings(REDIS_URL="")
    def test_celery_run_needs_a_broker(self):
        with self.assertRaisesMessage(
            ingest_bench.IngestBenchError, "The run through Celery needs a broker: set REDIS_URL"
        ):
            ingest_bench.check_broker()


class SQLiteRefusalTests(SimpleTestCase):
    @override_settings(REDIS_URL="redis://127.0.0.1:6379/15")
    def test_celery_run_needs_a_shared_database(self):
        if connection.vendor != "sqlite":
            self.skipTest("the refusal of SQLite")
        with self.assertRaisesMessage(CommandError, "needs a database the worker processes share; this is sqlite"):
            call_command("bench_ingest", "--skip-extraction")


class ExtractionOnlyTests(TestCase):
    fixtures = ["reference.json"]

    def test_extraction_rate_is_printed_and_nothing_is_written(self):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "figures.json"
            call_command(
                "bench_ingest",
                "--skip-celery",
                "--extract-seconds",
                "0.1",
                "--json",
                str(path),
                stdout=io.StringIO(),
                stderr=io.StringIO(),
            )
            figures = json.loads(path.read_text())
        self.assertGreaterEqual(figures["extraction_articles"], figures["corpus_articles"])
        self.assertNotIn("articles", figures)
        self.assertEqual(Article.objects.count(), 0)


class TableTests(SimpleTestCase):
    def test_columns_line_up_whatever_the_longest_label(self):
        figures = {
            "extraction_per_s": 325.0,
            "extraction_per_cpu_s": 355.5,
            "articles": 3000,
            "workers": 2,
            "concurrency": 1,
            "backlog": False,
            "intake_jobs": 1,
            "submit_s": 28.4,
            "wall_s": 28.4,
            "articles_per_s": 105.5,
            "submit_cpu_ms_per_article": 4.5,
            "database_cpu_ms_per_article": 5.0,
            "worker_cpu_ms_per_article": 6.6,
            "processed": 3000,
            "failures": 0,
            "corpus_articles": 116,
            "database": "postgresql bench",
        }
        rows = [line for line in table(figures).splitlines() if line.startswith("|")]
        self.assertIn("database CPU ms/article (all connections)", "\n".join(rows))
        self.assertEqual(len({len(row) for row in rows}), 1, rows)
        self.assertEqual(len({row.index("|", 1) for row in rows}), 1, rows)


@pytest.mark.services
class RealWorkersTests(TransactionTestCase):
    """Two real `celery worker` processes on the test database: needs REDIS_URL and PostgreSQL (CI's second run)."""

    fixtures = ["reference.json"]

    def setUp(self):
        require_workers_setup()

    def test_small_run_through_two_workers(self):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "figures.json"
            call_command(
                "bench_ingest",
                "--articles",
                "6",
                "--intake-jobs",
                "2",
                "--skip-extraction",
                "--timeout",
                "120",
                "--json",
                str(path),
                stdout=io.StringIO(),
                stderr=io.StringIO(),
            )
            figures = json.loads(path.read_text())
        self.assertEqual(
            {k: figures[k] for k in ("articles", "processed", "failures", "timed_out", "statuses")},
            {"articles": 6, "processed": 6, "failures": 0, "timed_out": False, "statuses": {"proposed": 6}},
        )
        self.assertEqual((figures["intake_jobs"], figures["outcomes"]), (2, {"created": 6, "queued": 6}))
        self.assertEqual(Article.objects.filter(status=Article.Status.PROPOSED).count(), 6)

    def test_cleanup_deletes_what_the_run_created(self):
        kept = Article.objects.create(text="An article that was there before the benchmark. " * 3)
        call_command(
            "bench_ingest",
            "--articles",
            "2",
            "--skip-extraction",
            "--timeout",
            "120",
            "--cleanup",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        self.assertEqual(list(Article.objects.all()), [kept])
        self.assertEqual(list(Article.history.values_list("id", flat=True)), [kept.pk])
