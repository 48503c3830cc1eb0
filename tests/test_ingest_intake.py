import datetime as dt
import socket
import threading
import time
import urllib.error
import urllib.request
from unittest import mock

import pytest
from django.db import connection, connections
from django.test import SimpleTestCase, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from relations.ingest import fetch
from relations.ingest.intake import (
    INTAKE_LOCK,
    NEAR_DUPLICATE_SIGNATURE_SIMILARITY,
    IntakeError,
    Outcome,
    find_near_duplicate,
    intake_file,
    intake_text,
    intake_url,
    split_header,
)
from relations.ingest.similarity import Signature, text_signature
from relations.models import Article, content_hash, normalize_text
from tests.ingest_samples import ENGLISH, FRENCH, INDONESIAN


class StoringOnceTests(TestCase):
    def test_new_text_is_stored_pending_with_detected_language_and_title(self):
        intake = intake_text(ENGLISH)
        self.assertEqual(intake.outcome, Outcome.CREATED)
        article = Article.objects.get()
        self.assertEqual(
            (article.status, article.language, article.title),
            (Article.Status.PENDING, "en", "Defence ties with Chile on the table in Jakarta"),
        )

    def test_indonesian_is_detected(self):
        self.assertEqual(intake_text(INDONESIAN).article.language, "id")

    def test_plain_prose_is_decided_by_its_function_words_without_langdetect(self):
        with mock.patch("langdetect.detect_langs") as langdetect:
            self.assertEqual(intake_text(ENGLISH).article.language, "en")
            self.assertEqual(intake_text(INDONESIAN).article.language, "id")
        langdetect.assert_not_called()

    def test_same_content_is_the_existing_article(self):
        first = intake_text(ENGLISH).article
        again = intake_text("\r\n" + ENGLISH.replace("\n", "\r\n") + "  \n")
        self.assertEqual((again.outcome, again.article.pk, Article.objects.count()), (Outcome.EXISTING, first.pk, 1))
        self.assertFalse(again.needs_extraction)

    def test_near_duplicate_is_stored_linked_and_not_extracted(self):
        original = intake_text(ENGLISH).article
        copy = intake_text(ENGLISH.replace("Jakarta, Tuesday (14/5).", "JAKARTA (Tuesday 14/5) -"))
        self.assertEqual((copy.outcome, copy.article.duplicate_of_id), (Outcome.NEAR_DUPLICATE, original.pk))
        self.assertFalse(copy.needs_extraction)
        self.assertEqual(
            copy.article.status_message, f"A near-duplicate of article #{original.pk}; it is reviewed there."
        )

    def test_a_near_duplicate_in_accented_text_is_found_by_its_size_in_bytes(self):
        # The candidates are narrowed by their size in bytes: two-byte letters must not push the copy out.
        def accented(text):
            return text.replace("a", "á").replace("e", "é")

        original = intake_text(accented(ENGLISH), language="en").article
        variant = ENGLISH.replace("Jakarta, Tuesday (14/5).", "JAKARTA (Tuesday 14/5) -")
        copy = intake_text(accented(variant), language="en")
        self.assertEqual((copy.outcome, copy.article.duplicate_of_id), (Outcome.NEAR_DUPLICATE, original.pk))

    def test_a_much_longer_text_is_not_compared(self):
        original = intake_text(ENGLISH).article
        longer = intake_text(ENGLISH + "\n\n" + ENGLISH.replace("Chile", "Peru"))
        self.assertEqual((longer.outcome, longer.article.duplicate_of_id), (Outcome.CREATED, None))
        self.assertNotEqual(longer.article.pk, original.pk)

    def test_a_different_article_is_not_a_near_duplicate(self):
        intake_text(ENGLISH)
        self.assertEqual(intake_text(INDONESIAN).outcome, Outcome.CREATED)

    def test_header_lines_give_source_and_publication_date(self):
        article = intake_text("SOURCE: https://example.org/a\nPUBLISHED: 2024-05-15\n\n" + ENGLISH).article
        self.assertEqual((article.url, article.published_on), ("https://example.org/a", dt.date(2024, 5, 15)))
        self.assertTrue(article.text.startswith("Defence ties"))


class BadInputTests(TestCase):
    def assertRefused(self, message, call, *args, **kwargs):
        with self.assertRaisesMessage(IntakeError, message):
            call(*args, **kwargs)
        self.assertEqual(Article.objects.count(), 0)

    def test_empty(self):
        self.assertRefused("The article is empty.", intake_text, " \n\t\n ")

    def test_too_short(self):
        self.assertRefused(
            "The article is too short (12 characters); paste its whole text.", intake_text, "Hello there."
        )

    def test_binary_file(self):
        self.assertRefused(
            "This file is not text: it looks like a binary file (an image, PDF or archive). Use .txt or .html.",
            intake_file,
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
            filename="article.txt",
        )

    def test_a_utf16_text_file_is_text(self):
        for encoding in ("utf-16", "utf-16-be"):
            with self.subTest(encoding=encoding):
                data = ("\ufeff" if encoding.endswith("be") else "") + ENGLISH
                article = intake_file(data.encode(encoding), filename=f"{encoding}.txt").article
                self.assertEqual(article.text, normalize_text(ENGLISH))
                article.delete()

    @override_settings(ARTICLE_MAX_BYTES=5 * 1024 * 1024)
    def test_twenty_megabyte_file(self):
        self.assertRefused(
            "The article is larger than the 5 MB limit (20.0 MB).",
            intake_file,
            b"a" * (20 * 1024 * 1024),
            filename="big.txt",
        )

    def test_unknown_language(self):
        self.assertRefused(
            "The article seems to be in French; only English and Indonesian articles can be imported.",
            intake_text,
            FRENCH,
        )

    def test_html_without_article_text(self):
        self.assertRefused(
            "No article text could be found in this HTML page.",
            intake_file,
            b"<html><head><title>x</title></head><body><div class='menu'><a href='/'>Home</a></body",
            filename="page.html",
        )

    def test_other_file_types(self):
        self.assertRefused("Only .txt and .html files can be imported.", intake_file, b"%PDF-1.4", filename="a.pdf")

    def test_url_with_no_network(self):
        unreachable = urllib.error.URLError(socket.gaierror(-3, "Temporary failure in name resolution"))
        with mock.patch("urllib.request.urlopen", side_effect=unreachable):
            self.assertRefused(
                "The page could not be reached: the host name could not be resolved (no network, or a mistyped "
                "address).",
                intake_url,
                "https://news.example.org/article",
            )

    def test_url_that_times_out(self):
        with mock.patch("relations.ingest.fetch._open", side_effect=urllib.error.URLError(TimeoutError("timed out"))):
            self.assertRefused("The page did not answer within 15.0 seconds.", intake_url, "https://example.org/a")


class HtmlTests(TestCase):
    def test_broken_html_keeps_its_main_text(self):
        paragraphs = "".join(f"<p>{line}" for line in ENGLISH.split("\n\n")[1:])
        page = f"<html><head><title>Chile visit</title><body><nav>Home | News</nav><article>{paragraphs}<div".encode()
        article = intake_file(page, filename="visit.html").article
        self.assertEqual(article.title, "Chile visit")
        self.assertIn("The ambassador invited Indonesia", article.text)
        self.assertNotIn("Home | News", article.text)

    def test_fetched_page_is_stored_with_its_url(self):
        body = f"<html><head><title>Chile visit</title></head><body><article><p>{ENGLISH}</p></article></body></html>"
        page = fetch.FetchedPage("https://example.org/visit", body.encode(), "text/html", "utf-8")
        with mock.patch("relations.ingest.intake.fetch_url", return_value=page):
            article = intake_url("https://example.org/visit").article
        self.assertEqual((article.url, article.language), ("https://example.org/visit", "en"))


class FetchTests(SimpleTestCase):
    def test_only_web_addresses(self):
        with self.assertRaisesMessage(fetch.FetchError, "Only http:// and https:// addresses can be fetched."):
            fetch.fetch_url("file:///etc/passwd")

    def test_a_port_out_of_range_is_named(self):
        with self.assertRaisesMessage(fetch.FetchError, "This address has no valid port: https://example.org:99999/a"):
            fetch.fetch_url("https://example.org:99999/a")

    def test_private_addresses_are_refused(self):
        loopback = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 80))]
        with (
            mock.patch("socket.getaddrinfo", return_value=loopback),
            self.assertRaisesMessage(fetch.FetchError, "Addresses on this server or its private network cannot be"),
        ):
            fetch.fetch_url("http://intranet.example/admin")

    def test_a_redirect_to_a_private_address_is_refused(self):
        private = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 80))]
        handler = fetch._PublicOnlyRedirects()
        request = urllib.request.Request("https://example.org/a")
        with mock.patch("socket.getaddrinfo", return_value=private), self.assertRaises(fetch.FetchError):
            handler.redirect_request(request, None, 302, "Found", {}, "http://internal.example/")

    def test_size_cap_while_reading(self):
        response = mock.MagicMock()
        response.__enter__.return_value = response
        response.headers.get.return_value = None
        response.read.side_effect = [b"x" * 700, b"x" * 700, b""]
        with (
            mock.patch("relations.ingest.fetch._open", return_value=response),
            self.assertRaisesMessage(fetch.FetchError, "The article is larger than the 0 MB limit (more than 0.0 MB)."),
        ):
            fetch.fetch_url("https://example.org/a", max_bytes=1000)

    def test_header_lines_split(self):
        self.assertEqual(
            split_header("TITLE: A\nPUBLISHED: 2024-01-02\n\nBody"),
            ({"title": "A", "published": "2024-01-02"}, "\nBody"),
        )


class NearDuplicateSearchTests(TestCase):
    """The signature narrows the search; the decision stays the ratio of the texts."""

    copy = ENGLISH.replace("Jakarta, Tuesday (14/5).", "JAKARTA (Tuesday 14/5) -")

    def test_an_article_is_stored_with_the_signature_of_its_text(self):
        article = intake_text(ENGLISH).article
        article.refresh_from_db()
        self.assertEqual(bytes(article.signature), text_signature(article.text))

    def test_editing_the_text_signs_it_again_and_other_saves_keep_it(self):
        article = intake_text(ENGLISH).article
        article.status_message = "checked"
        with mock.patch("relations.models.text_signature") as sign:
            article.save()
        sign.assert_not_called()
        article.text = INDONESIAN
        article.save()
        article.refresh_from_db()
        self.assertEqual(bytes(article.signature), text_signature(INDONESIAN))

    def test_a_different_article_is_turned_down_without_reading_its_text(self):
        intake_text(ENGLISH)
        with mock.patch("relations.ingest.intake.fuzz.ratio") as ratio:
            self.assertEqual(intake_text(INDONESIAN).outcome, Outcome.CREATED)
        ratio.assert_not_called()

    def test_a_close_signature_is_not_enough(self):
        # Half of the text is the same: the signatures are close, the ratio (under 90) decides it is another article.
        paragraphs = ENGLISH.split("\n\n")
        other = "\n\n".join(
            paragraphs[:2]
            + [
                "Both sides agreed to hold the next round of defence talks in Santiago later this year, and to set up"
                " a working group on submarine maintenance.",
                "The ministry said the visit was the third by a Chilean envoy this year.",
            ]
        )
        original = intake_text(ENGLISH).article
        self.assertGreaterEqual(
            Signature(text_signature(original.text)).similarity(text_signature(other)),
            NEAR_DUPLICATE_SIGNATURE_SIMILARITY,
        )
        self.assertEqual(intake_text(other).outcome, Outcome.CREATED)

    def test_an_article_stored_before_signatures_is_compared_by_its_text(self):
        original = intake_text(ENGLISH).article
        Article.objects.filter(pk=original.pk).update(signature=None)
        copy = intake_text(self.copy)
        self.assertEqual((copy.outcome, copy.article.duplicate_of_id), (Outcome.NEAR_DUPLICATE, original.pk))

    def test_scattered_changes_are_still_found(self):
        original = intake_text(ENGLISH).article
        words = ENGLISH.split(" ")
        changed = " ".join("the" if index % 12 == 6 else word for index, word in enumerate(words))
        copy = intake_text(changed)
        self.assertEqual((copy.outcome, copy.article.duplicate_of_id), (Outcome.NEAR_DUPLICATE, original.pk))

    def test_an_older_article_with_the_same_title_or_date_is_found(self):
        by_title = intake_text(ENGLISH, title="Chile visit").article
        by_date = intake_text(INDONESIAN, published_on=dt.date(2024, 5, 14)).article
        Article.objects.update(created_at=timezone.now() - dt.timedelta(days=90))
        again = intake_text(self.copy, title="chile VISIT")
        self.assertEqual(again.article.duplicate_of_id, by_title.pk)
        copy = INDONESIAN.replace("Jakarta, Selasa (14/5).", "JAKARTA (Selasa 14/5) -")
        self.assertEqual(intake_text(copy, published_on=dt.date(2024, 5, 14)).article.duplicate_of_id, by_date.pk)
        # Neither title nor date: an article older than the window is not looked at.
        Article.objects.filter(duplicate_of__isnull=False).delete()
        self.assertEqual(intake_text(self.copy).outcome, Outcome.CREATED)

    def test_the_most_recent_articles_of_the_window_are_searched(self):
        original = intake_text(ENGLISH).article
        intake_text(INDONESIAN)  # now the most recent
        copy = normalize_text(self.copy)
        with mock.patch("relations.ingest.intake.NEAR_DUPLICATE_CANDIDATES", 1):
            self.assertIsNone(find_near_duplicate(copy, title="", published_on=None))
        self.assertEqual(find_near_duplicate(copy, title="", published_on=None), original)

    def test_the_window_is_read_in_chunks_until_enough_articles_of_similar_size(self):
        original = intake_text(ENGLISH).article
        intake_text(ENGLISH + "\n\n" + INDONESIAN)  # too long to be compared
        intake_text(INDONESIAN)
        copy = normalize_text(self.copy)
        with mock.patch("relations.ingest.intake.NEAR_DUPLICATE_CHUNK", 1):
            self.assertEqual(find_near_duplicate(copy, title="", published_on=None), original)
            with mock.patch("relations.ingest.intake.NEAR_DUPLICATE_CANDIDATES", 1):
                self.assertIsNone(find_near_duplicate(copy, title="", published_on=None))


class SigningExistingArticlesTests(TestCase):
    def test_intake_signs_the_unsigned_articles_whose_text_it_reads(self):
        first = intake_text(ENGLISH).article
        old = intake_text(INDONESIAN).article
        Article.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=90))
        Article.objects.update(signature=None)  # as if stored before signatures
        intake_text(ENGLISH + "\n\nA last paragraph that only this copy has.")
        first.refresh_from_db()
        self.assertEqual(bytes(first.signature), text_signature(first.text))
        old.refresh_from_db()
        self.assertIsNone(old.signature)  # outside the window: not a candidate, its text not read

    def test_saving_an_unsigned_article_signs_it(self):
        article = intake_text(ENGLISH).article
        Article.objects.filter(pk=article.pk).update(signature=None)
        article.refresh_from_db()
        article.save()
        self.assertEqual(bytes(article.signature), text_signature(article.text))

    def test_saving_some_fields_stores_the_signature_only_with_the_text(self):
        article = intake_text(ENGLISH).article
        Article.objects.filter(pk=article.pk).update(signature=None)
        article.refresh_from_db()
        article.status_message = "checked"
        article.save(update_fields=["status_message"])
        article.refresh_from_db()
        self.assertIsNone(article.signature)
        article.text += "\n\nA correction."
        article.save(update_fields=["text"])
        article.refresh_from_db()
        self.assertEqual(bytes(article.signature), text_signature(article.text))
        self.assertEqual(article.content_hash, content_hash(article.text))

    def test_the_window_is_read_in_keyset_pages_up_to_a_bound(self):
        for n in range(5):
            intake_text(
                f"Unrelated article number {n}. " + "Lorem ipsum dolor sit amet. " * (10 + 5 * n), language="en"
            )
        with (
            mock.patch("relations.ingest.intake.NEAR_DUPLICATE_CHUNK", 1),
            mock.patch("relations.ingest.intake.NEAR_DUPLICATE_SCAN", 3),
            CaptureQueriesContext(connection) as queries,
        ):
            find_near_duplicate(normalize_text(ENGLISH), title="", published_on=None)
        pages = [q["sql"] for q in queries if '"relations_article"."created_at" >=' in q["sql"]]
        self.assertEqual(len(pages), 3)
        self.assertNotIn("OFFSET", pages[-1])


def advisory_lock_awaited() -> bool:
    """Whether a session waits for an advisory lock (intake's, taken by another)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return cursor.fetchone()[0] > 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="intake's lock is PostgreSQL's; SQLite has one writer")
@pytest.mark.django_db(transaction=True)
def test_two_copies_taken_in_at_once_are_one_article_and_its_near_duplicate():
    """The second intake waits for the first to commit, then finds its row. The first holds its check open until the
    second either waits for the lock or has finished: without the lock, each found no original in the other's
    uncommitted row."""
    original_check = find_near_duplicate
    first_checked, second_done = threading.Event(), threading.Event()

    def held_check(*args, **kwargs):
        found = original_check(*args, **kwargs)
        if not first_checked.is_set():
            first_checked.set()
            deadline = time.monotonic() + 10
            while not second_done.is_set() and not advisory_lock_awaited() and time.monotonic() < deadline:
                time.sleep(0.01)
        return found

    copy = ENGLISH.replace("Jakarta, Tuesday (14/5).", "JAKARTA (Tuesday 14/5) -")
    outcomes = {}

    def take_in(name, text, done=None):
        try:
            outcomes[name] = intake_text(text).outcome
        finally:
            connections.close_all()
            if done:
                done.set()

    with mock.patch("relations.ingest.intake.find_near_duplicate", held_check):
        first = threading.Thread(target=take_in, args=("first", ENGLISH))
        first.start()
        assert first_checked.wait(10)
        second = threading.Thread(target=take_in, args=("second", copy, second_done))
        second.start()
        first.join(15)
        second.join(15)
    assert not first.is_alive() and not second.is_alive()
    assert outcomes == {"first": Outcome.CREATED, "second": Outcome.NEAR_DUPLICATE}
    assert Article.objects.filter(duplicate_of__isnull=True).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="intake's lock is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_an_intake_that_waits_too_long_for_its_turn_is_refused_with_a_message_and_stores_nothing():
    holder = connections.create_connection("default")
    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [INTAKE_LOCK])  # another intake, stuck in its turn
        with mock.patch("relations.ingest.intake.INTAKE_LOCK_WAIT_S", 0.2), pytest.raises(IntakeError) as refused:
            intake_text(ENGLISH)
    finally:
        holder.close()
    assert str(refused.value) == "Other articles are being stored and this one waited too long for its turn; try again."
    assert not Article.objects.exists()
    assert intake_text(ENGLISH).outcome == Outcome.CREATED  # its turn comes once the other has finished
