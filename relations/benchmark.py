"""Server time of each page against the bare SQL it runs: the benchmark of docs/performance.md.

Each page is requested in-process through Django's test client as a logged-in superuser: a few warm-up requests,
then N timed ones (the full request, streamed bodies read to the end). One more request, with its queries
captured, gives the query count and the statements; re-running exactly those statements on a raw cursor N times
gives the floor: what the database alone needs to compute the page's data.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
import secrets
import signal
import statistics
import threading
import time
from collections.abc import Callable
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from config.collector import settle
from relations.models import Commitment, Meeting, MeetingCountry, MeetingSector, Participant, Sector

# The benchmarks' accounts: one per run ("bench-" and a random part), so that two runs at once never delete each
# other's; never taken for the site's administrator (ensure_admin). "bench" alone is what runs before 2026-12-04
# made, and may be left by an interrupted one.
BENCH_PREFIX = "bench-"
EARLIER_BENCH_USERNAME = "bench"
EXPORT_ROWS = 10_000
# A server-side cursor (QuerySet.iterator() on PostgreSQL) is logged as its DECLARE; the floor runs the SELECT.
DECLARE = re.compile(r"^\s*DECLARE\s+\S+\s+.*?\bCURSOR\b.*?\bFOR\s+", re.IGNORECASE | re.DOTALL)


# The bound on a page's p95: a ceiling, and the SQL floor twice over plus this much for the rest.
P95_CEILING_MS = 200.0
RENDER_ALLOWANCE_MS = 20.0


@dataclass
class Result:
    page: str
    p50_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    floor_ms: float | None = None
    url: str = ""
    requests: int | None = None
    bytes: int | None = None
    # Growth of the process's peak memory while this page was measured (Unix; 0 when an earlier page peaked higher).
    rss_growth_mb: float | None = None
    error: str | None = None

    @property
    def limit_ms(self) -> float | None:
        """The issue's bound on p95: at most 200 ms, and at most twice the SQL floor plus 20 ms for the rest."""
        return None if self.floor_ms is None else round(min(P95_CEILING_MS, 2 * self.floor_ms + RENDER_ALLOWANCE_MS), 1)

    @property
    def meets_target(self) -> bool | None:
        return None if self.p95_ms is None or self.limit_ms is None else self.p95_ms <= self.limit_ms


class PageError(Exception):
    pass


# --- What to request ---------------------------------------------------------------------------------------------


class Targets:
    """The rows the pages are asked about, chosen once from the data: the busiest partner, sector, official..."""

    def __init__(self, search: str) -> None:
        self.search = search
        self._cache: dict[str, object] = {}

    def _once(self, key: str, compute: Callable[[], object]):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def partner(self) -> str:
        def busiest():
            row = (
                MeetingCountry.objects.exclude(country_id=settings.HOME_COUNTRY)
                .values("country_id")
                .annotate(n=Count("id"))
                .order_by("-n", "country_id")
                .first()
            )
            if row is None:
                raise PageError("no partner country has a meeting")
            return row["country_id"]

        return self._once("partner", busiest)

    def parent_sector(self) -> Sector:
        """The top-level sector whose subtree has the most meeting links."""

        def busiest():
            parents = dict(Sector.objects.values_list("pk", "parent_id"))
            totals: dict[int, int] = {}
            for sector_id, n in MeetingSector.objects.values_list("sector_id").annotate(n=Count("id")).order_by():
                root = sector_id
                while parents.get(root) is not None:
                    root = parents[root]
                totals[root] = totals.get(root, 0) + n
            if not totals:
                raise PageError("no meeting has a sector")
            with_children = {pk for pk, parent in parents.items() if parent is None} & set(parents.values())
            candidates = {pk: n for pk, n in totals.items() if pk in with_children} or totals
            return Sector.objects.get(pk=max(candidates, key=lambda pk: (candidates[pk], -pk)))

        return self._once("sector", busiest)

    def meeting(self) -> int:
        """A well-documented meeting: the latest with a commitment and a source article."""

        def latest():
            pk = (
                Commitment.objects.filter(meeting__articles__isnull=False)
                .order_by("-meeting_id")
                .values_list("meeting_id", flat=True)
                .first()
            )
            pk = pk or Meeting.objects.order_by("-id").values_list("id", flat=True).first()
            if pk is None:
                raise PageError("no meeting")
            return pk

        return self._once("meeting", latest)

    def official(self) -> int:
        def busiest():
            row = Participant.objects.values("official_id").annotate(n=Count("id")).order_by("-n").first()
            if row is None:
                raise PageError("no participant")
            return row["official_id"]

        return self._once("official", busiest)

    def export_start(self) -> dt.date:
        """The start date that selects about EXPORT_ROWS of the latest meetings."""

        def start():
            days = Meeting.objects.order_by("-held_on").values_list("held_on", flat=True)
            return days[EXPORT_ROWS - 1 : EXPORT_ROWS].first() or days.last() or timezone.localdate()

        return self._once("export_start", start)


def last_two_years() -> str:
    year = timezone.localdate().year
    return f"start={year - 2}-01-01&end={year - 1}-12-31"


PAGES: dict[str, Callable[[Targets], str]] = {
    "overview": lambda t: reverse("relations:overview"),
    "country": lambda t: reverse("relations:country-detail", args=[t.partner()]),
    "meetings-sector-dates": lambda t: (
        f"{reverse('relations:meeting-list')}?sector={t.parent_sector().slug}&{last_two_years()}"
    ),
    "meetings-search": lambda t: f"{reverse('relations:meeting-list')}?q={t.search}",
    "export-csv-10k": lambda t: f"{reverse('relations:meeting-export')}?start={t.export_start():%Y-%m-%d}",
    "meeting": lambda t: reverse("relations:meeting-detail", args=[t.meeting()]),
    "admin-changelist": lambda t: reverse("admin:relations_meeting_changelist"),
    "admin-changelist-filtered": lambda t: (
        f"{reverse('admin:relations_meeting_changelist')}?kind__exact={Meeting.Kind.BILATERAL_MEETING}"
        f"&countries__country__code__exact={t.partner()}"
    ),
    "admin-change": lambda t: reverse("admin:relations_meeting_change", args=[t.meeting()]),
    # Not among the targets, measured on request.
    "meetings-search-two-words": lambda t: f"{reverse('relations:meeting-list')}?q={t.search}+jakarta",
    "countries": lambda t: reverse("relations:country-list"),
    "sector": lambda t: reverse("relations:sector-detail", args=[t.parent_sector().slug]),
    "official": lambda t: reverse("relations:official-detail", args=[t.official()]),
    # Every meeting: with --requests 1, shows whether streaming keeps memory flat (rss_growth_mb).
    "export-csv-all": lambda t: reverse("relations:meeting-export"),
}
DEFAULT_PAGES = list(PAGES)[:9]


# --- Measuring ---------------------------------------------------------------------------------------------------


def peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest sample at or above `fraction` of them."""
    ordered = sorted(samples)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


class PageTimeout(PageError):
    pass


@contextmanager
def time_limit(seconds: float | None):
    """Interrupt a request that runs longer than `seconds` (main thread on Unix; elsewhere no limit)."""
    usable = seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def interrupt(signum, frame):
        raise PageTimeout(f"a request took more than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def server_time_limit(seconds: float | None, using: str):
    """PostgreSQL cancels a statement past `seconds`, on this connection and on any the benchmark reopens: the
    alarm of `time_limit` stops the request, not its query, which would run on and load the server."""
    connection = connections[using]
    if not seconds or connection.vendor != "postgresql":
        yield
        return
    # PostgreSQL takes whole milliseconds up to INT_MAX, and reads 0 as no limit: a tiny timeout is 1 ms, not none.
    milliseconds = min(max(math.ceil(seconds * 1000), 1), 2**31 - 1)

    def limit(sender, connection, **kwargs):
        if connection.alias == using:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, false)", [f"{milliseconds}ms"])

    connection_created.connect(limit)
    try:
        connection.ensure_connection()
        limit(None, connection)
        yield
    finally:
        connection_created.disconnect(limit)
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")


def drop_if_busy(using: str) -> None:
    """After an interrupted request, a query may still run on the connection: the next page needs a fresh one."""
    connection = connections[using]
    raw = connection.connection
    if connection.vendor == "postgresql" and raw is not None:
        from psycopg.pq import TransactionStatus

        if raw.info.transaction_status == TransactionStatus.ACTIVE:
            connection.close()


def fetch(client: Client, url: str, timeout: float | None = None) -> int:
    with time_limit(timeout):
        return _fetch(client, url)


def _fetch(client: Client, url: str) -> int:
    response = client.get(url)
    # The client closes the response itself (for a streamed one, once read to the end); closing it again would
    # fire request_finished with close_old_connections connected and drop the database connection.
    # Streamed bodies are counted, not kept, so that the process's memory shows the view's, not the client's.
    size = sum(map(len, response.streaming_content)) if response.streaming else len(response.content)
    if response.status_code != 200:
        location = f" to {response['Location']}" if response.has_header("Location") else ""
        raise PageError(f"HTTP {response.status_code}{location}")
    return size


def floor_ms(statements: list[str], repeats: int, using: str) -> float:
    """Median over `repeats` of the time to run the statements, rows fetched, on a raw DB-API cursor."""
    connection = connections[using]
    connection.ensure_connection()
    totals = []
    with closing(connection.connection.cursor()) as cursor:
        for _ in range(repeats):
            started = time.perf_counter()
            for sql in statements:
                if sql.lstrip().upper().startswith("COPY"):  # the CSV export: rows written by the database
                    with cursor.copy(sql) as copy:
                        for _block in copy:
                            pass
                    continue
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()
            totals.append(time.perf_counter() - started)
    return statistics.median(totals) * 1000


def select_statements(captured: list[dict]) -> list[str]:
    statements = []
    for query in captured:
        sql = DECLARE.sub("", query["sql"], count=1)
        words = sql.lstrip("( \n").split(None, 1)
        # Reads only: savepoints and session writes are not the page's data. COPY (SELECT ...) TO STDOUT reads.
        if words and (words[0].upper() in {"SELECT", "WITH"} or sql.upper().startswith("COPY (SELECT")):
            statements.append(sql)
    return statements


def measure(
    client: Client,
    name: str,
    url: str,
    *,
    requests: int,
    warmup: int,
    using: str,
    budget: float | None = None,
    timeout: float | None = None,
    settle_gc: bool = True,
) -> Result:
    """Time one page. A page so slow that `requests` would overrun `budget` seconds gets fewer (at least 3)."""
    result = Result(page=name, url=url)
    peak_before = peak_rss_mb()
    try:
        started = time.perf_counter()
        warmed = 0
        while warmed < warmup and not (budget and warmed and time.perf_counter() - started > budget):
            fetch(client, url, timeout)
            warmed += 1
        if budget and warmed:
            each = (time.perf_counter() - started) / warmed
            requests = min(requests, max(3, int(budget / max(each, 1e-6))))
        if settle_gc:  # as the web server does once its first requests have loaded a page's needs
            settle()
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            result.bytes = fetch(client, url, timeout)
            timings.append(time.perf_counter() - started)
        with CaptureQueriesContext(connections[using]) as captured:
            fetch(client, url, timeout)
        result.requests = requests
        if peak_before is not None:
            result.rss_growth_mb = round(peak_rss_mb() - peak_before, 1)
        result.p50_ms = round(statistics.median(timings) * 1000, 1)
        result.p95_ms = round(percentile(timings, 0.95) * 1000, 1)
        result.queries = len(captured)
        result.floor_ms = round(floor_ms(select_statements(captured.captured_queries), requests, using), 1)
    except Exception as exc:  # a broken page is a row of the report, not the end of the run
        if isinstance(exc, PageTimeout):
            drop_if_busy(using)
        result.error = f"{type(exc).__name__}: {exc}"[:300]
        result.p50_ms = result.p95_ms = result.queries = result.floor_ms = None
    return result


@contextmanager
def bench_account():
    """A superuser of its own for the length of a run, deleted at the end, after an error or Ctrl-C too: left behind,
    it would be taken for the site's administrator. No password: the run logs it in without one."""
    user = get_user_model().objects.create_user(
        f"{BENCH_PREFIX}{secrets.token_hex(4)}", password=None, is_staff=True, is_superuser=True
    )
    try:
        yield user
    finally:
        user.delete()


@contextmanager
def quiet_request_log():
    """A failing page becomes an error row; its traceback on the console would only bury the table."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def run(
    pages: list[str],
    *,
    requests: int = 20,
    warmup: int = 3,
    search: str = "fisheries",
    using: str = "default",
    budget: float | None = None,
    timeout: float | None = None,
    settle_gc: bool = True,
    progress: Callable[[Result], None] | None = None,
) -> list[Result]:
    targets = Targets(search)
    results = []
    # The in-process client calls itself "testserver"; the benchmark should not depend on DJANGO_ALLOWED_HOSTS.
    with (
        quiet_request_log(),
        override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]),
        bench_account() as user,  # made and deleted outside the time limit, which could cancel the deletion
        server_time_limit(timeout, using),
    ):
        client = Client()
        client.force_login(user)
        try:
            for name in pages:
                try:
                    url = PAGES[name](targets)
                except Exception as exc:
                    result = Result(page=name, error=f"{type(exc).__name__}: {exc}"[:300])
                else:
                    result = measure(
                        client,
                        name,
                        url,
                        requests=requests,
                        warmup=warmup,
                        using=using,
                        budget=budget,
                        timeout=timeout,
                        settle_gc=settle_gc,
                    )
                results.append(result)
                if progress:
                    progress(result)
        finally:
            client.logout()  # its session goes with it
    return results


def machine_noise(rounds: int = 20) -> tuple[float, float, float]:
    """Min, median and p95 ms of a fixed pure-Python loop: the same work each time, so its spread is the machine's
    (a shared or throttled CPU), which every page's time carries too."""
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        total = 0
        for number in range(200_000):
            total += number * number % 7
        timings.append((time.perf_counter() - started) * 1000)
    return min(timings), statistics.median(timings), percentile(timings, 0.95)


def as_json(results: list[Result]) -> list[dict]:
    return [{**asdict(r), "limit_ms": r.limit_ms, "meets_target": r.meets_target} for r in results]


def table(results: list[Result]) -> str:
    def cell(value) -> str:
        return "—" if value is None else f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"

    def verdict(r: Result) -> str:
        return "—" if r.meets_target is None else "yes" if r.meets_target else "NO"

    lines = [
        f"| {'page':<26} | {'p50 ms':>8} | {'p95 ms':>8} | {'queries':>7} | {'floor ms':>8} | {'limit ms':>8} "
        f"| {'meets':>5} | {'KB':>7} | {'n':>3} | {'RSS+ MB':>7} |",
        f"|{'-' * 28}|{'-' * 9}:|{'-' * 9}:|{'-' * 8}:|{'-' * 9}:|{'-' * 9}:|{'-' * 6}:|{'-' * 8}:|{'-' * 4}:"
        f"|{'-' * 8}:|",
    ]
    for r in results:
        kb = None if r.bytes is None else r.bytes / 1024
        lines.append(
            f"| {r.page:<26} | {cell(r.p50_ms):>8} | {cell(r.p95_ms):>8} | {cell(r.queries):>7} "
            f"| {cell(r.floor_ms):>8} | {cell(r.limit_ms):>8} | {verdict(r):>5} | {cell(kb):>7} "
            f"| {cell(r.requests):>3} | {cell(r.rss_growth_mb):>7} |"
        )
    lines.append(
        f"limit: the issue's bound on p95, min({P95_CEILING_MS:g}, 2 x floor + {RENDER_ALLOWANCE_MS:g}) ms; "
        "query counts are compared across scales in docs/performance.md."
    )
    errors = [f"{r.page}: {r.error}" for r in results if r.error]
    if errors:
        lines += ["", "Errors:", *errors]
    return "\n".join(lines)
