"""bench_load: reading wrk's report, the refusals before any server starts. The load itself is not run here."""

import os
import tempfile
import time
from importlib import import_module
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.test import SimpleTestCase, TransactionTestCase, override_settings

from relations import benchmark, loadtest

WRK_CLEAN = """\
Running 30s test @ http://127.0.0.1:41234/countries/JP/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    96.12ms   20.31ms 310.55ms   74.02%
    Req/Sec    83.40     15.22   130.00     70.10%
  Latency Distribution
     50%   93.87ms
     75%  105.02ms
     90%  121.40ms
     99%  182.66ms
  4990 requests in 30.03s, 1.27GB read
Requests/sec:    166.18
Transfer/sec:     43.21MB
"""

WRK_ERRORS = """\
Running 5s test @ http://127.0.0.1:8000/
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   812.35us    1.02s    9.98s    91.00%
    Req/Sec    40.00     10.00    60.00     50.00%
  Latency Distribution
     50%  812.35us
     75%    1.20s
     90%    4.50s
     99%    1.50m
  205 requests in 5.01s, 3.10MB read
  Socket errors: connect 0, read 3, write 1, timeout 12
  Non-2xx or 3xx responses: 7
Requests/sec:     40.92
Transfer/sec:    633.12KB
"""


class ParseWrkTests(SimpleTestCase):
    def test_clean_run(self):
        report = loadtest.parse_wrk(WRK_CLEAN)
        self.assertEqual((report.requests, report.duration_s, report.requests_per_s), (4990, 30.03, 166.18))
        self.assertEqual(report.latency_ms, {"50": 93.87, "75": 105.02, "90": 121.4, "99": 182.66})
        self.assertEqual((report.socket_errors, report.non_2xx_3xx, report.errors), ({}, 0, 0))

    def test_units_and_errors(self):
        report = loadtest.parse_wrk(WRK_ERRORS)
        self.assertEqual(report.latency_ms, {"50": 0.81, "75": 1200.0, "90": 4500.0, "99": 90000.0})
        self.assertEqual(report.socket_errors, {"connect": 0, "read": 3, "write": 1, "timeout": 12})
        self.assertEqual((report.non_2xx_3xx, report.errors), (7, 23))

    def test_output_without_summary_is_refused(self):
        with self.assertRaisesMessage(ValueError, "wrk printed no summary"):
            loadtest.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")

    def test_unknown_duration_is_refused(self):
        with self.assertRaisesMessage(ValueError, "not a wrk duration: '12 ms'"):
            loadtest.to_ms("12 ms")


def result(report: loadtest.WrkReport) -> loadtest.LoadResult:
    return loadtest.LoadResult(
        page="country",
        url="/countries/JP/",
        workers=3,
        threads=1,
        worker_class="sync",
        connections=16,
        duration_s=30,
        database="postgresql relations",
        bytes=200_000,
        cold_ms=900.0,
        report=report,
    )


class TargetTests(SimpleTestCase):
    def test_clean_fast_run_meets_the_targets(self):
        self.assertIs(result(loadtest.parse_wrk(WRK_CLEAN)).meets_targets, True)

    def test_any_error_misses_the_targets(self):
        report = loadtest.parse_wrk(WRK_CLEAN)
        report.non_2xx_3xx = 1
        self.assertIs(result(report).meets_targets, False)

    def test_slow_tail_misses_the_targets(self):
        report = loadtest.parse_wrk(WRK_CLEAN)
        report.latency_ms["99"] = 500.01
        self.assertIs(result(report).meets_targets, False)

    def test_json_carries_the_figures_and_targets(self):
        data = result(loadtest.parse_wrk(WRK_CLEAN)).as_json()
        self.assertEqual(
            {k: data[k] for k in ("requests_per_s", "p50_ms", "p90_ms", "p99_ms", "errors", "meets_targets")},
            {
                "requests_per_s": 166.18,
                "p50_ms": 93.87,
                "p90_ms": 121.4,
                "p99_ms": 182.66,
                "errors": 0,
                "meets_targets": True,
            },
        )


class WrkCommandTests(SimpleTestCase):
    def test_cookie_and_duration_are_passed(self):
        command = loadtest.wrk_command(
            "http://127.0.0.1:1/x/", cookie="sessionid=abc", connections=1, duration=30, threads=2, wrk="wrk"
        )
        self.assertEqual(
            command,
            [
                "wrk",
                "--latency",
                "--threads=1",  # never more threads than connections: wrk refuses that
                "--connections=1",
                "--duration=30s",
                "--timeout=10s",
                "--header=Cookie: sessionid=abc",
                "http://127.0.0.1:1/x/",
            ],
        )


class CommandRefusalTests(SimpleTestCase):
    def test_nonpositive_duration(self):
        with self.assertRaisesMessage(CommandError, "--duration must be at least 1."):
            call_command("bench_load", "--duration", "0")

    def test_nonpositive_workers(self):
        with self.assertRaisesMessage(CommandError, "--workers must be at least 1."):
            call_command("bench_load", "--workers", "0")

    def test_unknown_page(self):
        with self.assertRaisesMessage(CommandError, "argument --page: invalid choice: 'nowhere'"):
            call_command("bench_load", "--page", "nowhere")

    def test_missing_wrk(self):
        with (
            mock.patch("relations.loadtest.shutil.which", return_value=None),
            mock.patch("relations.loadtest.os.access", return_value=False),
            self.assertRaisesMessage(CommandError, "wrk is not installed: `apt-get install wrk` (Debian)"),
        ):
            call_command("bench_load")

    def test_static_files_not_collected(self):
        with (
            tempfile.TemporaryDirectory() as empty,
            override_settings(STATIC_ROOT=empty),
            mock.patch("relations.loadtest.find_wrk", return_value="wrk"),
            self.assertRaisesMessage(CommandError, "run `manage.py collectstatic --noinput` first."),
        ):
            call_command("bench_load")


class BenchAccountTests(TransactionTestCase):
    """The run's superuser and its session last as long as the run (gunicorn and wrk replaced here)."""

    def load(self, run) -> dict:
        seen = {}

        def fake_run(**kwargs):
            seen["cookie"] = kwargs["cookie"]
            accounts = get_user_model().objects.filter(username__startswith=benchmark.BENCH_PREFIX)
            seen["account"] = accounts.filter(is_superuser=True)
            seen["account"] = seen["account"].exists()
            return run(**kwargs)

        with (
            mock.patch("relations.loadtest.find_wrk", return_value="wrk"),
            mock.patch("relations.loadtest.static_files_state", return_value="collected"),
            mock.patch("relations.loadtest.page_url", return_value="/"),
            mock.patch("relations.management.commands.bench_load._wrk_version", return_value="wrk 4"),
            mock.patch("relations.loadtest.run", side_effect=fake_run),
        ):
            try:
                call_command("bench_load", "--duration", "1", "--warmup", "0", stdout=StringIO(), stderr=StringIO())
            except CommandError as exc:
                seen["error"] = str(exc)
        return seen

    def assert_nothing_left(self, cookie: str) -> None:
        self.assertFalse(get_user_model().objects.filter(username__startswith=benchmark.BENCH_PREFIX).exists())
        session_key = cookie.split("=", 1)[1]
        self.assertFalse(import_module(settings.SESSION_ENGINE).SessionStore().exists(session_key))

    def test_the_account_and_its_session_are_deleted_after_the_run(self):
        seen = self.load(lambda **kwargs: result(loadtest.parse_wrk(WRK_CLEAN)))
        self.assertTrue(seen["account"])
        self.assertNotIn("error", seen)
        self.assert_nothing_left(seen["cookie"])

    def test_the_account_and_its_session_are_deleted_after_a_failed_run(self):
        def failing(**kwargs):
            raise loadtest.LoadTestError("gunicorn exited with 1")

        seen = self.load(failing)
        self.assertEqual(seen["error"], "gunicorn exited with 1")
        self.assert_nothing_left(seen["cookie"])


class StaticFilesStateTests(SimpleTestCase):
    def test_source_changed_after_collectstatic_is_reported(self):
        with tempfile.TemporaryDirectory() as root, tempfile.TemporaryDirectory() as sources:
            manifest = Path(root) / "staticfiles.json"
            manifest.write_text("{}")
            changed = Path(sources) / "app.css"
            changed.write_text("body {}")
            os.utime(manifest, (1_000_000_000, 1_000_000_000))
            with override_settings(STATIC_ROOT=root, STATICFILES_DIRS=[sources]):
                state = loadtest.static_files_state()
        self.assertIn("but 1 static file(s) changed since (e.g. app.css)", state)


class CpuAccountingTests(SimpleTestCase):
    def test_cpu_of_a_process_grows_with_its_work(self):
        before = loadtest.cpu_seconds(os.getpid())
        started = time.process_time()
        while time.process_time() - started < 0.1:
            pass
        self.assertGreaterEqual(loadtest.cpu_seconds(os.getpid()) - before, 0.05)

    def test_no_such_process(self):
        self.assertIsNone(loadtest.cpu_seconds(2**22 + 1))  # above Linux's largest pid

    def test_cost_per_request_and_the_cpu_bound_ceiling(self):
        run = result(loadtest.parse_wrk(WRK_CLEAN))  # 4990 requests
        run.server_cpu_s, run.wrk_cpu_s = 49.9, 3.0
        self.assertEqual(run.server_cpu_ms_per_request, 10.0)
        with mock.patch("relations.loadtest.os.cpu_count", return_value=2):
            text = loadtest.table(run)
        lines = text.splitlines()
        self.assertIn(f"| {'server CPU ms/req':<20} | {'10.0':>38} | {'':>8} |", lines)
        self.assertIn(f"| {'CPU-bound, 2 cores':<20} | {'200 requests/s':>38} | {'':>8} |", lines)

    def test_database_cpu_counts_in_the_ceiling(self):
        run = result(loadtest.parse_wrk(WRK_CLEAN))
        run.server_cpu_s, run.wrk_cpu_s, run.database_cpu_s = 49.9, 3.0, 49.9
        with mock.patch("relations.loadtest.os.cpu_count", return_value=2):
            lines = loadtest.table(run).splitlines()
        self.assertIn(f"| {'database CPU ms/req':<20} | {'10.0':>38} | {'':>8} |", lines)
        self.assertIn(f"| {'CPU-bound, 2 cores':<20} | {'100 requests/s':>38} | {'':>8} |", lines)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL server's CPU")
@pytest.mark.django_db(transaction=True)
def test_the_database_servers_cpu_counts_closed_connections_too():
    """A connection's backend ends with it: its CPU must still be in the server's total (the postmaster's
    children that it has waited for), or intake's processes and the workers' per-task connections would vanish."""
    before = loadtest.database_server_cpu_seconds()
    if before is None:
        pytest.skip("PostgreSQL does not run on this machine (or this is not Linux)")
    other = connections.create_connection("default")
    with other.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM generate_series(1, 3000000)")
    other.close()
    time.sleep(0.2)  # the postmaster waits for the ended backend
    assert loadtest.database_server_cpu_seconds() - before >= 0.1
