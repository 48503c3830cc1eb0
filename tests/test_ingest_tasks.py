import contextlib
import datetime as dt
import logging
import time
from unittest import mock

import kombu.exceptions
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError, connection
from django.db.models import Max
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.celery import app
from relations.ingest import gazetteer
from relations.ingest.errors import ExtractionError
from relations.ingest.intake import Outcome, intake_text
from relations.ingest.propose import propose_meetings
from relations.ingest.queue import queue_extraction, requeue_pending, send_extraction, stuck_after
from relations.models import Article, Country, CountryAlias, Sector
from relations.tasks import extract_article_task, requeue_pending_articles_task
from tests.factories import make_article, make_country, make_country_alias, make_sector
from tests.ingest_samples import ENGLISH, chile_meeting, proposal

EXTRACTOR = "relations.ingest.propose.run_extractor"
SEND = "relations.tasks.extract_article_task.apply_async"
REFUSED = kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


class TaskBodyTests(TestCase):
    def test_proposes_and_records_each_status(self):
        article = make_article(text=ENGLISH, status=Article.Status.QUEUED)
        seen = []

        def extractor(current):
            seen.append(Article.objects.get(pk=current.pk).status)
            return proposal(chile_meeting())

        with mock.patch(EXTRACTOR, side_effect=extractor):
            self.assertEqual(extract_article_task(article.pk), "proposed")
        article.refresh_from_db()
        self.assertEqual(seen, [Article.Status.PROCESSING])
        self.assertEqual(
            (article.status, article.status_message, article.proposal["meetings"][0]["date"]),
            (Article.Status.PROPOSED, "1 meeting(s) proposed; ready for review.", "2024-05-14"),
        )

    def test_claiming_marks_the_time_and_writes_no_history_row_or_cache_bump(self):
        article = make_article(text=ENGLISH, status=Article.Status.QUEUED)
        Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
        seen = []

        def extractor(current):
            seen.append(Article.objects.values_list("status", "status_message", "updated_at").get(pk=current.pk))
            return proposal(chile_meeting())

        history = Article.history.filter(id=article.pk).count()
        with (
            mock.patch(EXTRACTOR, side_effect=extractor),
            mock.patch("relations.freshness.bump_data_version") as bump,
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.assertEqual(extract_article_task(article.pk), "proposed")
        [(status, message, updated_at)] = seen
        self.assertEqual((status, message), (Article.Status.PROCESSING, "Extracting meetings from the text…"))
        self.assertGreater(updated_at, timezone.now() - dt.timedelta(minutes=1))
        # A state of a few milliseconds that no cached page shows: the article's history and the cache stay as they
        # were (as for the task's other status changes).
        self.assertEqual(Article.history.filter(id=article.pk).count(), history)
        bump.assert_not_called()

    def test_a_near_duplicate_is_not_extracted(self):
        original = make_article(text=ENGLISH, status=Article.Status.PROPOSED)
        copy = make_article(text=ENGLISH + " Copy.", duplicate_of=original, status_message="A near-duplicate.")
        with mock.patch(EXTRACTOR) as extractor:
            self.assertEqual(extract_article_task(copy.pk), "skipped")
        extractor.assert_not_called()
        copy.refresh_from_db()
        self.assertEqual((copy.status, copy.status_message), (Article.Status.PENDING, "A near-duplicate."))

    def test_running_again_does_nothing(self):
        for status in (Article.Status.PROPOSED, Article.Status.APPROVED):
            with self.subTest(status=status):
                article = make_article(text=f"{ENGLISH} {status}", status=status, proposal={"meetings": []})
                with mock.patch(EXTRACTOR) as extractor:
                    self.assertEqual(extract_article_task(article.pk), "skipped")
                extractor.assert_not_called()
                article.refresh_from_db()
                self.assertEqual((article.status, article.proposal), (status, {"meetings": []}))

    def test_a_worker_killed_mid_task_is_redone(self):
        article = make_article(text=ENGLISH, status=Article.Status.PROCESSING)
        with mock.patch(EXTRACTOR, return_value=proposal()):
            self.assertEqual(extract_article_task(article.pk), "proposed")

    def test_extraction_error_fails_with_its_reason(self):
        article = make_article(text=ENGLISH)
        with mock.patch(EXTRACTOR, side_effect=ExtractionError("The text is not in English or Indonesian.")):
            self.assertEqual(extract_article_task(article.pk), "failed")
        article.refresh_from_db()
        self.assertEqual(
            (article.status, article.status_message),
            (Article.Status.FAILED, "The text is not in English or Indonesian."),
        )

    def test_unexpected_error_fails_with_its_reason(self):
        article = make_article(text=ENGLISH)
        with mock.patch(EXTRACTOR, side_effect=KeyError("date")):
            extract_article_task(article.pk)
        article.refresh_from_db()
        self.assertEqual(
            article.status_message,
            "The extractor stopped with an error (KeyError: 'date'). "
            "The article is kept; try again or enter it by hand.",
        )

    def test_time_limit_fails_with_its_reason(self):
        article = make_article(text=ENGLISH)
        with mock.patch(EXTRACTOR, side_effect=SoftTimeLimitExceeded()):
            extract_article_task(article.pk)
        article.refresh_from_db()
        self.assertEqual(
            (article.status, article.status_message),
            (Article.Status.FAILED, "Extraction took longer than 120 seconds and was stopped."),
        )

    def test_database_errors_are_left_to_the_retry(self):
        article = make_article(text=ENGLISH)
        with (
            mock.patch(EXTRACTOR, side_effect=OperationalError("database is locked")),
            self.assertRaises(OperationalError),
        ):
            extract_article_task(article.pk)
        self.assertEqual(
            (extract_article_task.autoretry_for, extract_article_task.max_retries, extract_article_task.retry_backoff),
            ((OperationalError, mock.ANY), 5, 5),
        )

    def test_retries_used_up_fail_the_article(self):
        article = make_article(text=ENGLISH, status=Article.Status.PROCESSING)
        extract_article_task.on_failure(
            OperationalError("server closed the connection"), "task-id", (article.pk,), {}, None
        )
        article.refresh_from_db()
        self.assertEqual(
            (article.status, article.status_message),
            (
                Article.Status.FAILED,
                "Extraction failed after 1 attempts: OperationalError: server closed the connection",
            ),
        )

    def test_a_deleted_article_is_ignored(self):
        self.assertEqual(extract_article_task(987654), "missing")

    def test_acknowledged_late_with_time_limits(self):
        self.assertEqual(
            (extract_article_task.acks_late, extract_article_task.soft_time_limit, extract_article_task.time_limit),
            (True, 120, 150),
        )

    def test_no_result_is_stored(self):
        # The article's status is the outcome; a result would be written to Redis for every article, unread.
        self.assertTrue(extract_article_task.ignore_result)


class EnqueueTests(TestCase):
    def test_sent_only_after_commit(self):
        article = make_article(text=ENGLISH)
        with mock.patch(SEND) as send, self.captureOnCommitCallbacks(execute=True) as callbacks:
            queue_extraction(article.pk)
            send.assert_not_called()
        self.assertEqual(len(callbacks), 1)
        send.assert_called_once_with((article.pk,), retry_policy=mock.ANY)
        article.refresh_from_db()
        self.assertEqual(article.status, Article.Status.QUEUED)


class QueuedAtIntakeTests(TestCase):
    """`ingest` stores a new article queued and sends it at once: one write and commit, not an insert then an
    update."""

    def test_a_new_article_is_stored_queued_and_sent_without_another_write(self):
        article = intake_text(ENGLISH, queued=True).article
        article.refresh_from_db()
        self.assertEqual(
            (article.status, article.status_message),
            (Article.Status.QUEUED, "Waiting for a worker to start the extraction…"),
        )
        with mock.patch(SEND) as send, CaptureQueriesContext(connection) as queries:
            self.assertTrue(send_extraction(article.pk, already_queued=True))
        send.assert_called_once_with((article.pk,), retry_policy=mock.ANY)
        self.assertEqual(len(queries), 0)

    def test_broker_unreachable_turns_it_pending_with_the_reason(self):
        article = intake_text(ENGLISH, queued=True).article
        with mock.patch(SEND, side_effect=REFUSED):
            self.assertFalse(send_extraction(article.pk, already_queued=True))
        article.refresh_from_db()
        self.assertEqual(article.status, Article.Status.PENDING)
        self.assertTrue(article.status_message.startswith("The task queue (Redis) cannot be reached"))
        with mock.patch(SEND) as send:
            self.assertEqual(requeue_pending(), (1, 0))
        send.assert_called_once_with((article.pk,), retry_policy=mock.ANY)

    def test_a_worker_that_started_first_is_not_overwritten(self):
        article = intake_text(ENGLISH, queued=True).article
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PROCESSING)
        with mock.patch(SEND, side_effect=REFUSED):
            send_extraction(article.pk, already_queued=True)
        article.refresh_from_db()
        self.assertEqual(article.status, Article.Status.PROCESSING)

    def test_near_duplicates_and_texts_already_stored_are_not_queued(self):
        original = intake_text(ENGLISH, queued=True).article
        Article.objects.filter(pk=original.pk).update(status=Article.Status.PROPOSED)
        again = intake_text(ENGLISH, queued=True)
        self.assertEqual((again.outcome, again.article.status), (Outcome.EXISTING, Article.Status.PROPOSED))
        copy = intake_text(ENGLISH.replace("Jakarta, Tuesday (14/5).", "JAKARTA (Tuesday 14/5) -"), queued=True)
        self.assertEqual((copy.outcome, copy.article.status), (Outcome.NEAR_DUPLICATE, Article.Status.PENDING))
        self.assertEqual(
            copy.article.status_message, f"A near-duplicate of article #{original.pk}; it is reviewed there."
        )

    def test_without_queued_a_new_article_waits_pending(self):
        self.assertEqual(intake_text(ENGLISH).article.status, Article.Status.PENDING)


class BrokerDownTests(TestCase):
    def test_broker_unreachable_keeps_the_article_pending_with_a_message(self):
        article = make_article(text=ENGLISH)
        with mock.patch(SEND, side_effect=REFUSED):
            self.assertFalse(send_extraction(article.pk))
        article.refresh_from_db()
        self.assertEqual(article.status, Article.Status.PENDING)
        self.assertEqual(
            article.status_message,
            "The task queue (Redis) cannot be reached, so extraction has not started (Error 111 connecting to "
            "127.0.0.1:6379. Connection refused.). The article is kept and will be queued automatically once the "
            "queue is back.",
        )

    def test_pending_articles_are_queued_once_the_broker_is_back(self):
        first, second = make_article(text=ENGLISH), make_article(text=ENGLISH + " Second.")
        with mock.patch(SEND, side_effect=REFUSED):
            self.assertEqual(requeue_pending(), (0, 2))
        with mock.patch(SEND) as send:
            self.assertEqual(requeue_pending_articles_task(), 2)
        self.assertEqual([call.args[0] for call in send.call_args_list], [(first.pk,), (second.pk,)])
        self.assertEqual(set(Article.objects.values_list("status", flat=True)), {Article.Status.QUEUED})

    def test_beat_resends_articles_queued_long_ago(self):
        lost = make_article(text=ENGLISH, status=Article.Status.QUEUED)
        make_article(text=ENGLISH + " Recent.", status=Article.Status.QUEUED)
        Article.objects.filter(pk=lost.pk).update(updated_at=timezone.now() - dt.timedelta(hours=3))
        with mock.patch(SEND) as send:
            self.assertEqual(requeue_pending_articles_task(), 1)
        send.assert_called_once_with((lost.pk,), retry_policy=mock.ANY)

    def test_an_article_left_processing_past_the_time_limit_is_extracted_again(self):
        """A worker that died, or a command stopped with Ctrl-C mid-extraction, left it "processing" for good."""
        abandoned = make_article(text=ENGLISH, status=Article.Status.PROCESSING)
        make_article(text=ENGLISH + " Being extracted now.", status=Article.Status.PROCESSING)
        past_limit = timezone.now() - stuck_after() - dt.timedelta(seconds=1)
        Article.objects.filter(pk=abandoned.pk).update(updated_at=past_limit)
        with mock.patch(SEND) as send:
            self.assertEqual(requeue_pending(), (1, 0))
            self.assertEqual(requeue_pending(), (0, 0))  # taken back once: queued now, not sent again
        send.assert_called_once_with((abandoned.pk,), retry_policy=mock.ANY)
        self.assertEqual(Article.objects.get(pk=abandoned.pk).status, Article.Status.QUEUED)
        self.assertEqual(propose_meetings(abandoned.pk), "proposed")  # the task claims it again

    def test_in_process_tasks_log_nothing_beside_a_commands_output(self):
        """Without a broker (`make run`, `ingest`): no broker warning and no "Task … succeeded" line per article."""
        if not app.conf.task_always_eager:
            self.skipTest("tasks go to a worker here")
        article = make_article(text=ENGLISH)
        with self.assertNoLogs("kombu", "WARNING"), mock.patch(EXTRACTOR, return_value=proposal(chile_meeting())):
            send_extraction(article.pk)
        self.assertGreaterEqual(logging.getLogger("celery.app.trace").getEffectiveLevel(), logging.WARNING)

    def test_near_duplicates_are_not_requeued(self):
        original = make_article(text=ENGLISH, status=Article.Status.PROPOSED)
        make_article(text=ENGLISH + " Copy.", duplicate_of=original)
        with mock.patch(SEND) as send:
            self.assertEqual(requeue_pending(), (0, 0))
        send.assert_not_called()

    def test_a_real_unreachable_broker(self):
        """No mock: Celery publishing to a port where nothing listens, as when Redis is down."""
        article = make_article(text=ENGLISH)
        with unreachable_broker():
            started = time.monotonic()
            self.assertFalse(send_extraction(article.pk))
            elapsed = time.monotonic() - started
        article.refresh_from_db()
        self.assertEqual(article.status, Article.Status.PENDING)
        self.assertIn("The task queue (Redis) cannot be reached", article.status_message)
        self.assertLess(elapsed, 10)


@contextlib.contextmanager
def unreachable_broker():
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_connection_timeout")}
    app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False, broker_connection_timeout=2)
    app._after_fork()  # drop pooled connections to the configured broker
    try:
        yield
    finally:
        app.conf.update(saved)
        app._after_fork()


class ReferenceFingerprintTests(TestCase):
    """Before every article a worker asks whether editors changed countries, aliases or sectors (one statement)."""

    def figures_by_orm(self) -> tuple:
        models = (Country, CountryAlias, Sector)
        return tuple(m.history.aggregate(last=Max("history_id"))["last"] for m in models) + tuple(
            m.objects.count() for m in models
        )

    def test_the_figures_are_the_newest_history_rows_and_the_counts(self):
        self.assertEqual(gazetteer.reference_fingerprint(), (None, None, None, 0, 0, 0))
        peru = make_country(code="PE", name_en="Peru")
        make_country_alias(country=peru)
        make_sector(slug="defence")
        fingerprint = gazetteer.reference_fingerprint()
        self.assertEqual(fingerprint, self.figures_by_orm())
        self.assertNotIn(None, fingerprint)

    def test_each_kind_of_edit_changes_it(self):
        peru = make_country(code="PE", name_en="Peru")
        sector = make_sector(slug="defence")
        seen = [gazetteer.reference_fingerprint()]
        sector.keywords_en = "defence cooperation"
        sector.save()  # an admin edit: a history row, the same count
        seen.append(gazetteer.reference_fingerprint())
        CountryAlias.objects.bulk_create([CountryAlias(country=peru, alias="Peruvian", language="en")])  # no history
        seen.append(gazetteer.reference_fingerprint())
        Country.objects.filter(pk="PE").update(name_id="Peru")  # neither: not seen, as before
        seen.append(gazetteer.reference_fingerprint())
        self.assertEqual(len(set(seen[:3])), 3)
        self.assertEqual(seen[3], seen[2])
