"""The benchmark commands refuse bad options before any work starts, write their reports atomically, and leave
nothing behind when stopped (relations/management/options.py and the four bench* commands)."""

import io
import os
import stat
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase, TestCase

from relations import ingest_bench
from relations.ingest.intake import intake_file
from relations.management.options import output_file, positive_seconds, write_file
from relations.models import Article

from .test_generate_data import make_reference

NOT_CALLED = AssertionError("the run started")


def run(*args: str) -> None:
    call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())


class OutputFileTests(SimpleTestCase):
    def setUp(self):
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def test_a_folder_is_refused(self):
        with self.assertRaisesMessage(CommandError, f"--json {self.folder} is a folder: give the path of a file"):
            output_file(str(self.folder))

    def test_a_missing_folder_is_refused(self):
        path = self.folder / "missing" / "bench.json"
        with self.assertRaisesMessage(CommandError, f"--json {path}: the folder {path.parent} does not exist."):
            output_file(str(path))

    def test_a_file_as_the_folder_is_refused(self):
        (self.folder / "file").write_text("")
        with self.assertRaisesMessage(CommandError, "file is not a folder."):
            output_file(str(self.folder / "file" / "bench.json"))

    @pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="Linux's /proc")
    def test_a_folder_where_no_file_can_be_made_is_refused(self):
        with self.assertRaisesMessage(CommandError, "--json /proc/x.json: cannot write in /proc"):
            output_file("/proc/x.json")

    def test_the_check_leaves_nothing_and_the_file_is_replaced_whole(self):
        path = self.folder / "bench.json"
        path.write_text("old")
        path.chmod(0o640)
        target = output_file(str(path))
        self.assertEqual(os.listdir(self.folder), ["bench.json"])
        write_file(target, "[]\n")
        self.assertEqual(path.read_text(), "[]\n")
        self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o640)
        self.assertEqual(os.listdir(self.folder), ["bench.json"])

    def test_a_failed_write_keeps_the_previous_report_and_leaves_no_temporary_file(self):
        path = self.folder / "bench.json"
        path.write_text("old")
        with (
            mock.patch("relations.management.options.os.replace", side_effect=OSError(28, "No space left on device")),
            self.assertRaisesMessage(CommandError, f"Could not write {path}: No space left on device."),
        ):
            write_file(path, "new")
        self.assertEqual(path.read_text(), "old")
        self.assertEqual(os.listdir(self.folder), ["bench.json"])

    def test_seconds_must_be_a_number_above_zero(self):
        positive_seconds("--timeout", None)
        positive_seconds("--timeout", 0.001)
        for value in (0.0, -5.0, float("nan"), float("inf")):
            with self.assertRaisesMessage(CommandError, "--timeout must be more than 0 (seconds)."):
                positive_seconds("--timeout", value)


class JsonPathRefusalTests(SimpleTestCase):
    """Each command refuses a --json path it could not write before it measures anything (no database either)."""

    def setUp(self):
        self.folder = self.enterContext(tempfile.TemporaryDirectory())
        self.missing = str(Path(self.folder) / "missing" / "x.json")

    def test_bench(self):
        with mock.patch("relations.benchmark.machine_noise", side_effect=NOT_CALLED):
            for path, message in ((self.folder, "is a folder"), (self.missing, "does not exist")):
                with self.assertRaisesMessage(CommandError, message):
                    run("bench", "--json", path)

    def test_bench_ingest(self):
        with mock.patch("relations.ingest_bench.load_corpus", side_effect=NOT_CALLED):
            for path, message in ((self.folder, "is a folder"), (self.missing, "does not exist")):
                with self.assertRaisesMessage(CommandError, message):
                    run("bench_ingest", "--skip-celery", "--json", path)

    def test_bench_load(self):
        with mock.patch("relations.loadtest.find_wrk", side_effect=NOT_CALLED):
            for path, message in ((self.folder, "is a folder"), (self.missing, "does not exist")):
                with self.assertRaisesMessage(CommandError, message):
                    run("bench_load", "--json", path)

    def test_bench_weight(self):
        with mock.patch("relations.page_weight.chromium_path", side_effect=NOT_CALLED):
            for path, message in ((self.folder, "is a folder"), (self.missing, "does not exist")):
                with self.assertRaisesMessage(CommandError, message):
                    run("bench_weight", "--url-base", "http://127.0.0.1:8000", "--json", path)


class SecondsRefusalTests(SimpleTestCase):
    def test_bench_refuses_a_nonpositive_timeout_or_budget_and_a_negative_warmup(self):
        with mock.patch("relations.benchmark.machine_noise", side_effect=NOT_CALLED):
            for args, message in (
                (["--timeout", "-5"], "--timeout must be more than 0 (seconds)."),
                (["--timeout", "0"], "--timeout must be more than 0 (seconds)."),
                (["--timeout", "nan"], "--timeout must be more than 0 (seconds)."),
                (["--budget", "-1"], "--budget must be more than 0 (seconds)."),
                (["--budget", "0"], "--budget must be more than 0 (seconds)."),
                (["--warmup", "-1"], "--warmup must be at least 0."),
                (["--database", "nowhere"], "--database nowhere: no such database in settings.DATABASES."),
            ):
                with self.subTest(args=args), self.assertRaisesMessage(CommandError, message):
                    run("bench", *args)

    def test_bench_ingest_refuses_a_nonpositive_timeout(self):
        with (
            mock.patch("relations.ingest_bench.load_corpus", side_effect=NOT_CALLED),
            self.assertRaisesMessage(CommandError, "--timeout must be more than 0 (seconds)."),
        ):
            run("bench_ingest", "--timeout", "-1")


class BenchWeightRefusalTests(TestCase):
    """Refused before any server or browser starts."""

    @classmethod
    def setUpTestData(cls):
        make_reference()

    def setUp(self):
        self.enterContext(mock.patch("relations.page_weight.chromium_path", return_value="/usr/bin/chromium"))
        self.enterContext(mock.patch("relations.page_weight.production_server", side_effect=NOT_CALLED))
        self.enterContext(mock.patch("relations.page_weight.measure", side_effect=NOT_CALLED))

    def test_an_unknown_partner(self):
        with self.assertRaisesMessage(CommandError, "--partner ZZ: no country has this code in the database."):
            run("bench_weight", "--partner", "zz")

    def test_no_workers(self):
        with self.assertRaisesMessage(CommandError, "--workers must be at least 1."):
            run("bench_weight", "--workers", "0")

    def test_a_url_base_that_is_not_a_url(self):
        for url in ("notaurl", "ftp://host", "http://", "http://127.0.0.1:8000/?q=1"):
            with (
                self.subTest(url=url),
                self.assertRaisesMessage(CommandError, "is not the base URL of a web server"),
            ):
                run("bench_weight", "--url-base", url)

    def test_a_url_base_that_does_not_answer(self):
        with self.assertRaisesMessage(CommandError, "No answer from http://127.0.0.1:1/accounts/login/"):
            run("bench_weight", "--url-base", "http://127.0.0.1:1/", "--partner", "jp")


class IngestInterruptedTests(TestCase):
    """Ctrl-C during the run through Celery (workers and intake replaced here) with --cleanup."""

    fixtures = ["reference.json"]

    def interrupted_run(self, *args: str) -> tuple[str, CommandError, str]:
        stored = {}

        def store_then_interrupt(articles, *, run, **kwargs):
            # Stored, and Ctrl-C before their ids came back to the command (as from an intake process).
            for article in articles[:2]:
                intake_file(article.data, filename=article.filename, queued=False)
            stored["run"] = run
            raise KeyboardInterrupt

        err = io.StringIO()
        with (
            mock.patch("relations.ingest_bench.database_url", return_value="postgres://"),
            mock.patch("relations.ingest_bench.check_broker"),
            mock.patch("relations.ingest_bench.ingest_through_celery", side_effect=store_then_interrupt),
            self.assertRaises(CommandError) as raised,
        ):
            try:
                call_command(
                    "bench_ingest", "--articles", "3", "--skip-extraction", *args, stdout=io.StringIO(), stderr=err
                )
            except KeyboardInterrupt:
                self.fail("Ctrl-C ended the command with a traceback")
        self.assertEqual(raised.exception.returncode, 130)
        return stored["run"], raised.exception, err.getvalue()

    def test_cleanup_deletes_what_an_interrupted_run_stored(self):
        kept = Article.objects.create(text="An article that was there before the benchmark. " * 3)
        run, error, err = self.interrupted_run("--cleanup")
        self.assertEqual(str(error), "Interrupted.")
        self.assertIn(f"deleting the articles of run {run}", err)
        self.assertEqual(list(Article.objects.all()), [kept])
        self.assertEqual(list(Article.history.values_list("id", flat=True).distinct()), [kept.pk])

    def test_without_cleanup_the_message_says_what_stays(self):
        run, error, _ = self.interrupted_run()
        self.assertEqual(
            str(error), f"Interrupted. The articles of run {run} stay (their titles begin with [bench {run}])."
        )
        self.assertEqual(Article.objects.filter(title__startswith=f"[bench {run}] ").count(), 2)

    def test_every_article_of_a_run_is_found_by_its_title(self):
        corpus = ingest_bench.load_corpus()
        for article in ingest_bench.bench_articles(corpus, 3, run="r1"):
            intake_file(article.data, filename=article.filename, queued=False)
        for article in ingest_bench.bench_articles(corpus, 1, run="r2"):
            intake_file(article.data, filename=article.filename, queued=False)
        self.assertEqual(ingest_bench.cleanup(run="r1"), 3)
        self.assertEqual([a.title.split(" ", 2)[:2] for a in Article.objects.all()], [["[bench", "r2]"]])
