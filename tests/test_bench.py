"""The benchmark's report: every page a row with the agreed keys, a broken page an error row; no timed asserts."""

import json
import tempfile
import time
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import SimpleTestCase, TestCase, TransactionTestCase

from relations import benchmark

from .test_generate_data import generate, make_reference

KEYS = {"page", "p50_ms", "p95_ms", "queries", "floor_ms"}


def bench(*args: str, failed: str | None = None) -> tuple[list[dict], str]:
    """The JSON rows and the output of a small run; `failed`: the error it must end with (some pages failed)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "bench.json"
        out = StringIO()
        command = ["bench", "--requests", "2", "--warmup", "1", "--json", str(path), *args]
        if failed is None:
            call_command(*command, stdout=out, stderr=StringIO())
        else:
            with pytest.raises(CommandError) as raised:
                call_command(*command, stdout=out, stderr=StringIO())
            assert str(raised.value) == failed
        return json.loads(path.read_text()), out.getvalue()


class BenchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_reference()
        generate("--meetings", "30", "--no-progress")

    def test_json_has_the_keys_for_every_page(self):
        rows, output = bench()
        self.assertEqual([row["page"] for row in rows], benchmark.DEFAULT_PAGES)
        for row in rows:
            self.assertLessEqual(KEYS, set(row))
            if row["error"] is None:
                self.assertGreater(row["queries"], 0)
                for key in ("p50_ms", "p95_ms", "floor_ms"):
                    self.assertIsInstance(row[key], float)
            self.assertIn(f"| {row['page']} ", output)

    def test_garbage_collection_is_settled_after_each_warm_up_unless_told_not_to(self):
        with mock.patch("relations.benchmark.settle") as settle:
            _, output = bench("--pages", "meeting", "overview")
        self.assertEqual(settle.call_count, 2)
        self.assertIn("settled after the warm-up", output)
        self.assertRegex(output, r"machine: a fixed Python loop took [\d.]+ / [\d.]+ / [\d.]+ ms")
        with mock.patch("relations.benchmark.settle") as settle:
            _, output = bench("--pages", "meeting", "overview", "--no-settle")
        self.assertEqual(settle.call_count, 0)
        self.assertIn("garbage collection as is", output)

    def test_a_budget_cuts_slow_pages_to_three_requests(self):
        rows, _ = bench("--pages", "meeting", "--requests", "5", "--budget", "0.000001")
        self.assertEqual(rows[0]["requests"], 3)

    def test_a_request_over_the_timeout_is_an_error_row(self):
        def slow(*args, **kwargs):
            time.sleep(2)

        with mock.patch("relations.benchmark._fetch", side_effect=slow):
            rows, _ = bench("--pages", "meeting", "--timeout", "0.2", failed="1 of 1 pages failed.")
        self.assertEqual(rows[0]["error"], "PageTimeout: a request took more than 0.2 s")

    def test_a_broken_page_is_an_error_row(self):
        pages = {**benchmark.PAGES, "overview": lambda targets: "/no-such-page/"}
        with mock.patch.dict(benchmark.PAGES, pages):
            rows, output = bench("--pages", "overview", "meeting", failed="1 of 2 pages failed.")
        self.assertEqual(rows[0]["error"], "PageError: HTTP 404")
        self.assertIsNone(rows[0]["p50_ms"])
        self.assertEqual(rows[1]["page"], "meeting")
        self.assertIn("overview: PageError: HTTP 404", output)

    def test_a_page_named_twice_is_measured_once(self):
        rows, output = bench("--pages", "meeting", "overview", "meeting", "overview")
        self.assertEqual([row["page"] for row in rows], ["meeting", "overview"])
        self.assertEqual(output.count("| meeting "), 1)

    def bench_accounts(self):
        return get_user_model().objects.filter(username__startswith=benchmark.BENCH_PREFIX)

    def test_the_benchmarks_account_is_deleted_after_the_run(self):
        seen = []
        measure = benchmark.measure

        def spying(*args, **kwargs):
            seen.extend(
                self.bench_accounts().filter(is_superuser=True, is_staff=True).values_list("username", flat=True)
            )
            return measure(*args, **kwargs)

        with mock.patch("relations.benchmark.measure", side_effect=spying):
            bench("--pages", "meeting")
        self.assertEqual(len(seen), 1)
        self.assertFalse(self.bench_accounts().exists())

    def test_the_benchmarks_account_is_deleted_after_a_failed_run_too(self):
        with (
            mock.patch("relations.benchmark.measure", side_effect=KeyboardInterrupt),
            self.assertRaises(KeyboardInterrupt),
        ):
            call_command("bench", "--pages", "meeting", "--requests", "1", stdout=StringIO(), stderr=StringIO())
        self.assertFalse(self.bench_accounts().exists())

    def test_two_runs_at_once_keep_their_own_accounts(self):
        """The first run to end deletes its account only: the other, still measuring, stays logged in."""
        earlier = get_user_model().objects.create_user(benchmark.EARLIER_BENCH_USERNAME, password="x")
        with benchmark.bench_account() as first:
            with benchmark.bench_account() as second:
                self.assertNotEqual(first.username, second.username)
            self.assertTrue(get_user_model().objects.filter(pk=first.pk).exists())
            self.assertFalse(get_user_model().objects.filter(pk=second.pk).exists())
        self.assertFalse(self.bench_accounts().exists())
        earlier.refresh_from_db()  # an account of the earlier runs' name is not theirs to change
        self.assertEqual((earlier.is_staff, earlier.is_superuser), (False, False))


class EmptyDatabaseTests(TestCase):
    def test_a_run_with_failed_pages_ends_with_an_error_after_the_table(self):
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "bench.json"
            out = StringIO()
            with self.assertRaises(CommandError) as raised:
                call_command("bench", "--requests", "1", "--json", str(path), stdout=out, stderr=StringIO())
            rows = json.loads(path.read_text())  # the report is written all the same
        failed = sum(1 for row in rows if row["error"])
        self.assertGreater(failed, 0)
        self.assertEqual(str(raised.exception), f"{failed} of {len(benchmark.DEFAULT_PAGES)} pages failed.")
        self.assertIn("Errors:", out.getvalue())  # the table is printed first


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's")
class ServerTimeLimitTests(TransactionTestCase):
    def setting(self) -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            return cursor.fetchone()[0]

    def test_the_server_cancels_statements_past_the_timeout_while_the_benchmark_runs(self):
        before = self.setting()
        with benchmark.server_time_limit(1.5, "default"):
            self.assertEqual(self.setting(), "1500ms")
            connection.close()  # the benchmark drops a busy connection: the next one is limited too
            self.assertEqual(self.setting(), "1500ms")
        self.assertEqual(self.setting(), before)

    def test_a_tiny_timeout_is_one_millisecond_and_a_huge_one_the_servers_largest(self):
        with benchmark.server_time_limit(0.0001, "default"):
            self.assertEqual(self.setting(), "1ms")  # 0 would be no limit at all
        with benchmark.server_time_limit(1e10, "default"):
            self.assertEqual(self.setting(), "2147483647ms")


class StatementTests(SimpleTestCase):
    def test_floor_runs_reads_only_and_the_select_of_a_server_side_cursor(self):
        captured = [
            {"sql": 'SAVEPOINT "s1"'},
            {"sql": 'DECLARE "_django_curs_1" NO SCROLL CURSOR WITHOUT HOLD FOR SELECT 1'},
            {"sql": "(SELECT 2) UNION (SELECT 3)"},
            {"sql": "WITH x AS (SELECT 4) SELECT * FROM x"},
            {"sql": "UPDATE django_session SET expire_date = '2030-01-01'"},
            {"sql": "COPY (SELECT 5) TO STDOUT WITH (FORMAT csv)"},
            {"sql": "COPY relations_meeting FROM STDIN"},
        ]
        self.assertEqual(
            benchmark.select_statements(captured),
            [
                "SELECT 1",
                "(SELECT 2) UNION (SELECT 3)",
                "WITH x AS (SELECT 4) SELECT * FROM x",
                "COPY (SELECT 5) TO STDOUT WITH (FORMAT csv)",
            ],
        )

    def test_each_row_says_whether_it_meets_the_issues_bound(self):
        fast = benchmark.Result(page="fast", p50_ms=10.0, p95_ms=12.0, queries=2, floor_ms=0.5)
        slow = benchmark.Result(page="slow", p50_ms=25.0, p95_ms=30.0, queries=8, floor_ms=3.2)
        sql_bound = benchmark.Result(page="sql", p50_ms=150.0, p95_ms=205.0, queries=3, floor_ms=120.0)
        broken = benchmark.Result(page="broken", error="HTTP 500")
        self.assertEqual([r.limit_ms for r in (fast, slow, sql_bound, broken)], [21.0, 26.4, 200.0, None])
        self.assertEqual([r.meets_target for r in (fast, slow, sql_bound, broken)], [True, False, False, None])
        rows = benchmark.as_json([fast, slow])
        self.assertEqual([(row["limit_ms"], row["meets_target"]) for row in rows], [(21.0, True), (26.4, False)])
        output = benchmark.table([fast, slow, broken])
        self.assertRegex(output, r"\| fast +\| +10\.0 \| +12\.0 \| +2 \| +0\.5 \| +21\.0 \| +yes \|")
        self.assertRegex(output, r"\| slow .*\| +26\.4 \| +NO \|")
        self.assertRegex(output, r"\| broken .*\| +— \| +— \|")

    def test_percentile_is_nearest_rank(self):
        samples = [float(n) for n in range(1, 21)]
        self.assertEqual(benchmark.percentile(samples, 0.95), 19.0)
        self.assertEqual(benchmark.percentile(samples, 0.5), 10.0)
        self.assertEqual(benchmark.percentile([5.0], 0.95), 5.0)
