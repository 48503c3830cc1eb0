"""After a write, a worker computes the dashboard's busiest pages before a reader asks for them."""

from __future__ import annotations

import contextlib
import time
from unittest import mock

import kombu.exceptions
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.test import TestCase, TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from relations import warming
from relations.models import Meeting
from tests.conftest import require_workers_setup

from .factories import make_country, make_meeting

SEND = "relations.tasks.warm_pages_task.apply_async"


class SchedulingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_country(code="PE", name_en="Peru")

    def setUp(self):
        # Warming is off under tests (settings), and Celery runs tasks in-process without REDIS_URL: a worker's setup.
        self.enterContext(override_settings(DASHBOARD_WARMING=True))
        self.enterContext(mock.patch("relations.warming.tasks_run_in_process", return_value=False))

    def write(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            make_meeting(held_on=timezone.localdate(), partners=("PE",))

    def test_writes_while_a_warming_is_queued_share_it(self):
        with mock.patch(SEND) as send:
            self.write()
            self.write()
        send.assert_called_once()
        self.assertEqual(send.call_args.kwargs["countdown"], warming.WARM_DELAY)
        # Dropped if it waits longer than a queued warming keeps others from being queued.
        self.assertEqual(send.call_args.kwargs["expires"], warming.QUEUED_TIMEOUT)

    def test_a_write_after_the_warming_started_queues_the_next_a_minute_after_it(self):
        with mock.patch(SEND) as send:
            self.write()
            warming.warm_pages()
            self.write()
        self.assertEqual(send.call_count, 2)
        self.assertGreater(send.call_args.kwargs["countdown"], warming.MIN_INTERVAL - 5)
        self.assertLessEqual(send.call_args.kwargs["countdown"], warming.MIN_INTERVAL)

    def test_a_rolled_back_write_queues_nothing(self):
        with (
            mock.patch(SEND) as send,
            self.captureOnCommitCallbacks(execute=True),
            contextlib.suppress(RuntimeError),
            transaction.atomic(),
        ):
            make_meeting(partners=("PE",))
            raise RuntimeError("rolled back")
        send.assert_not_called()

    def test_without_a_broker_nothing_is_queued(self):
        # The task would run in the writer's own request: the first reader computes the page instead.
        with mock.patch("relations.warming.tasks_run_in_process", return_value=True), mock.patch(SEND) as send:
            self.write()
        send.assert_not_called()

    def test_when_warming_is_turned_off_nothing_is_queued(self):
        with override_settings(DASHBOARD_WARMING=False), mock.patch(SEND) as send:
            self.write()
        send.assert_not_called()

    def test_a_broker_down_loses_no_write_and_the_next_write_tries_again(self):
        refused = kombu.exceptions.OperationalError("Connection refused.")
        for error in (refused, RuntimeError("OOM command not allowed")):  # a broker error, and any other
            with self.subTest(error=error):
                with mock.patch(SEND, side_effect=error), self.assertLogs("relations.warming", "WARNING") as logs:
                    self.write()
                self.assertIn("The dashboard is not warmed after this write", logs.output[0])
                with mock.patch(SEND) as send:
                    self.write()
                send.assert_called_once()
                warming.warm_pages()  # the warming comes, and the next write may queue one
        self.assertEqual(Meeting.objects.count(), 4)


class WarmPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_superuser("boss", password="not-used")
        make_country(code="ID", name_en="Indonesia")
        for code, meetings in (("PE", 3), ("CL", 2), ("JP", 1), ("KR", 1)):
            make_country(code=code)
            for _ in range(meetings):
                make_meeting(held_on=timezone.localdate(), partners=(code,))

    def setUp(self):
        self.client.force_login(self.user)

    def test_the_overview_and_the_busiest_partners_are_computed_in_every_language(self):
        with mock.patch.object(warming, "PARTNERS", 2):
            warmed = warming.warm_pages()
        self.assertEqual(
            warmed,
            ["overview:en", "country-PE:en", "country-CL:en", "overview:id", "country-PE:id", "country-CL:id"],
        )
        for language in ("en", "id"):
            for url in ("/", reverse("relations:country-detail", args=["PE"])):
                with self.subTest(language=language, url=url), self.assertNumQueries(2):  # the session and the user
                    self.client.get(url, headers={"accept-language": language})
        with CaptureQueriesContext(connection) as left_out:  # computed by its first reader
            self.client.get(reverse("relations:country-detail", args=["JP"]))
        self.assertGreater(len(left_out), 2)


@pytest.mark.services
class RealWorkerTests(TransactionTestCase):
    """A real `celery worker` on the test database warms the overview after a write: needs REDIS_URL and PostgreSQL."""

    def setUp(self):
        require_workers_setup()

    @override_settings(DASHBOARD_WARMING=True)
    def test_a_write_is_followed_by_the_overview_computed_in_the_worker(self):
        from relations.freshness import entry_key
        from relations.ingest_bench import Workers
        from relations.views.dashboard import DEFAULT_MONTHS

        user = get_user_model().objects.create_superuser("boss", password="not-used")
        make_country(code="ID", name_en="Indonesia")
        make_country(code="PE", name_en="Peru")
        with Workers(workers=1, concurrency=1, run="warming"):
            make_meeting(held_on=timezone.localdate(), partners=("PE",))  # committed: no transaction here
            key = entry_key(("overview-page", timezone.localdate(), DEFAULT_MONTHS))
            deadline = time.monotonic() + warming.WARM_DELAY + 60
            while cache.get(key) is None and time.monotonic() < deadline:
                time.sleep(0.25)
        self.client.force_login(user)
        with self.assertNumQueries(2):  # the session and the user: the worker computed the rest
            response = self.client.get("/")
        self.assertEqual(response.context["counts"]["meetings"].this_year, 1)
