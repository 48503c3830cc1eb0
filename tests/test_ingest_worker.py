"""One end-to-end run through a real Celery worker and the real Redis: intake, queue, extraction, approval.

The worker runs in a thread of this process (celery.contrib.testing), so it shares the test database on SQLite
(a shared in-memory database) and on PostgreSQL alike. The test waits for the task through Celery's
`task_postrun` signal rather than by polling the database: on SQLite, reading while the worker writes would
contend for the same in-memory tables.
"""

import threading

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.test import TransactionTestCase

from config.celery import app
from relations.ingest import gazetteer
from relations.ingest.approve import approve_article
from relations.ingest.intake import intake_text
from relations.ingest.queue import queue_extraction, send_extraction
from relations.models import Article, Meeting
from relations.tasks import extract_article_task
from tests.ingest_samples import ENGLISH, chile_meeting

WAIT_SECONDS = 60


@pytest.mark.services
class RealWorkerTests(TransactionTestCase):
    fixtures = ["reference.json"]

    @pytest.fixture(autouse=True)
    def broker(self, redis_url):
        saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
        app.conf.update(broker_url=redis_url, result_backend=None, task_always_eager=False)
        app._after_fork()  # forget connections pooled for another broker
        app.control.purge()  # messages left by an interrupted earlier run
        yield
        app.conf.update(saved)
        app._after_fork()

    def setUp(self):
        # The extractor caches gazetteers built from the database; build them from this test's rows, and drop
        # them afterwards so that later tests do not see them.
        gazetteer.clear_caches()
        self.addCleanup(gazetteer.clear_caches)
        self.finished: dict[int, tuple[str, object]] = {}
        self.done = threading.Event()
        task_postrun.connect(self.on_postrun, weak=False)
        self.addCleanup(task_postrun.disconnect, self.on_postrun)

    def on_postrun(self, task=None, args=None, retval=None, state=None, **kwargs):
        if task.name == extract_article_task.name and state in {"SUCCESS", "FAILURE"}:
            self.finished[args[0]] = (state, retval)
            self.done.set()

    def wait_for(self, article_id: int) -> tuple[str, object]:
        self.done.wait(WAIT_SECONDS)
        self.done.clear()
        self.assertIn(article_id, self.finished, f"the worker did not finish within {WAIT_SECONDS} s")
        return self.finished.pop(article_id)

    def test_article_ingested_end_to_end(self):
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            article = intake_text(ENGLISH).article
            queue_extraction(article.pk)  # outside a transaction: sent at once
            self.assertEqual(self.wait_for(article.pk), ("SUCCESS", "proposed"))
            article.refresh_from_db()
            self.assertEqual((article.status, article.proposal["language"]), (Article.Status.PROPOSED, "en"))

            # Delivered again (a redelivery after a lost worker, or a requeue): nothing changes.
            self.assertTrue(send_extraction(article.pk))
            self.assertEqual(self.wait_for(article.pk), ("SUCCESS", "skipped"))

        [recorded] = approve_article(article, [chile_meeting()])
        self.assertEqual(list(Meeting.objects.all()), [recorded.meeting])
        article.refresh_from_db()
        self.assertEqual(article.status, Article.Status.APPROVED)
