import io
import os
import tempfile
from pathlib import Path
from unittest import mock

import kombu.exceptions
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase

from relations.ingest.bulk import intake_file
from relations.models import Article
from tests.ingest_samples import ENGLISH, INDONESIAN, chile_meeting, proposal

SEND = "relations.tasks.extract_article_task.apply_async"
EXTRACTOR = "relations.ingest.propose.run_extractor"


class IngestCommandTests(TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.root = Path(folder.name)
        (self.root / "nested").mkdir()
        (self.root / "a-english.txt").write_text(ENGLISH)
        (self.root / "nested" / "b-indonesian.html").write_text(
            f"<html><head><title>Dubes Chile</title></head><body><article><p>{INDONESIAN}</p></article></body></html>"
        )
        (self.root / "c-again.txt").write_text(ENGLISH)
        (self.root / "notes.md").write_text("ignored")

    def ingest(self, *args) -> str:
        out = io.StringIO()
        call_command("ingest", *args, stdout=out)
        return out.getvalue()

    def test_folder_is_stored_and_queued_with_progress_and_summary(self):
        with mock.patch(SEND) as send:
            output = self.ingest(str(self.root))
        first, second = Article.objects.order_by("pk")
        self.assertEqual(send.call_count, 2)
        self.assertEqual(
            output.splitlines(),
            [
                f"[1/3] {self.root}/a-english.txt: article #{first.pk} stored and queued.",
                f"[2/3] {self.root}/c-again.txt: already imported as article #{first.pk} (queued).",
                f"[3/3] {self.root}/nested/b-indonesian.html: article #{second.pk} stored and queued.",
                "Done: 3 file(s): 2 new, 1 already imported, 0 near-duplicates, 0 refused, 2 queued, 0 pending.",
            ],
        )
        self.assertEqual((second.title, second.language), ("Dubes Chile", "id"))

    def test_wait_extracts_in_place(self):
        with mock.patch(EXTRACTOR, return_value=proposal(chile_meeting())):
            output = self.ingest(str(self.root / "a-english.txt"), "--wait", "--published", "2024-05-15")
        article = Article.objects.get()
        self.assertEqual((article.status, str(article.published_on)), (Article.Status.PROPOSED, "2024-05-15"))
        self.assertIn(f"article #{article.pk} proposed: 1 meeting(s) proposed; ready for review.", output)

    def test_broker_down_leaves_articles_pending_and_says_what_to_do(self):
        refused = kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        with mock.patch(SEND, side_effect=refused):
            output = self.ingest(str(self.root / "a-english.txt"))
        self.assertEqual(Article.objects.get().status, Article.Status.PENDING)
        self.assertTrue(
            output.endswith(
                "0 refused, 0 queued, 1 pending. 1 article(s) wait for the queue: run requeue_pending once Redis is "
                "back.\n"
            )
        )

    def test_pending_articles_are_retried_on_the_next_run(self):
        refused = kombu.exceptions.OperationalError("Connection refused.")
        with mock.patch(SEND, side_effect=refused):
            self.ingest(str(self.root / "a-english.txt"))
        with mock.patch(SEND) as send:
            output = self.ingest(str(self.root / "nested"))
        self.assertEqual(send.call_count, 2)
        self.assertTrue(output.startswith("Earlier pending articles: 1 queued, 0 still pending.\n"))

    def test_refused_file_is_reported_and_the_command_fails(self):
        (self.root / "photo.txt").write_bytes(b"\x89PNG\x00\x00" * 50)
        out = io.StringIO()
        with mock.patch(SEND), self.assertRaisesMessage(CommandError, "1 file(s) could not be imported."):
            call_command("ingest", str(self.root / "photo.txt"), stdout=out)
        self.assertIn("photo.txt: refused: This file is not text", out.getvalue())
        self.assertEqual(Article.objects.count(), 0)

    def test_a_url_or_an_odd_path_is_refused_with_what_the_command_takes(self):
        fifo = self.root / "pipe.txt"
        os.mkfifo(fifo)
        cases = [
            (
                "https://example.org/a.html",
                "Not a file: https:/example.org/a.html. This command takes files and folders",
            ),
            (str(fifo), f"Neither a regular file nor a folder: {fifo}"),
            (str(self.root / "missing.txt"), "No such file or folder:"),
        ]
        for argument, message in cases:
            with self.subTest(argument=argument), self.assertRaisesMessage(CommandError, message):
                self.ingest(argument)

    def test_a_file_name_that_is_not_utf8_is_printed_and_the_run_goes_on(self):
        odd = Path(os.fsdecode(bytes(self.root / "caf") + b"\xe9.txt"))
        odd.write_text(INDONESIAN)
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")  # a strict UTF-8 terminal
        with mock.patch(SEND):
            call_command("ingest", str(odd), str(self.root / "a-english.txt"), stdout=out)
        out.seek(0)
        printed = out.read()
        self.assertIn("caf\ufffd.txt: article #", printed)
        self.assertEqual(Article.objects.count(), 2)

    def test_a_file_over_the_limit_is_refused_before_it_is_read(self):
        big = self.root / "big.txt"
        big.write_text(ENGLISH)
        with (
            self.settings(ARTICLE_MAX_BYTES=100),
            mock.patch.object(Path, "read_bytes", side_effect=AssertionError("read")),
            self.assertRaisesMessage(CommandError, "1 file(s) could not be imported."),
        ):
            self.ingest(str(big))

    def test_ctrl_c_says_what_was_taken_in_and_how_to_go_on(self):
        calls = []

        def interrupt_second(*args, **kwargs):
            calls.append(args)
            if len(calls) == 2:
                raise KeyboardInterrupt

        with (
            mock.patch(SEND, side_effect=interrupt_second),
            self.assertRaisesMessage(CommandError, "Interrupted after 2 of 3 file(s)"),
        ):
            self.ingest(str(self.root))


class RequeuePendingCommandTests(TestCase):
    def test_stale_minutes_out_of_range_are_refused(self):
        for value in ("-5", "99999999999999"):
            with self.subTest(value=value), self.assertRaisesMessage(CommandError, "--stale-minutes must be between"):
                call_command("requeue_pending", "--stale-minutes", value, stdout=io.StringIO())

    def test_queues_pending_articles(self):
        Article.objects.create(text=ENGLISH)
        out = io.StringIO()
        with mock.patch(SEND) as send:
            call_command("requeue_pending", stdout=out)
        send.assert_called_once()
        self.assertEqual(out.getvalue(), "Queued 1 article(s); 0 still pending.\n")

    def test_fails_while_the_broker_is_down(self):
        Article.objects.create(text=ENGLISH)
        with (
            mock.patch(SEND, side_effect=kombu.exceptions.OperationalError("refused")),
            self.assertRaisesMessage(
                CommandError, "The task queue (Redis) cannot be reached; run this again once it is back."
            ),
        ):
            call_command("requeue_pending", stdout=io.StringIO())


class JobsTests(TestCase):
    def test_jobs_below_one_is_refused(self):
        with self.assertRaisesMessage(CommandError, "--jobs must be at least 1."):
            call_command("ingest", __file__, "--jobs", "0", stdout=io.StringIO())

    @pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite's refusal")
    def test_several_jobs_need_postgresql(self):
        with self.assertRaisesMessage(CommandError, "--jobs 2 needs PostgreSQL (SQLite lets one process write"):
            call_command("ingest", __file__, "--jobs", "2", stdout=io.StringIO())
        self.assertFalse(Article.objects.exists())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="several intake processes need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_jobs_take_files_in_other_processes_and_report_them_in_order(tmp_path):
    copy = ENGLISH.replace("Jakarta, Tuesday (14/5).", "JAKARTA (Tuesday 14/5) -")
    texts = {"a.txt": ENGLISH, "b.txt": INDONESIAN, "c.txt": copy}
    texts |= {f"d{n}.txt": f"{ENGLISH}\n\nA paragraph of its own: number {n}." for n in range(5)}
    for name, text in texts.items():
        (tmp_path / name).write_text(text)
    pids = tmp_path / "pids"
    original_intake = intake_file

    def recording_intake(*args, **kwargs):
        with pids.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return original_intake(*args, **kwargs)

    out = io.StringIO()
    with mock.patch(SEND), mock.patch("relations.ingest.bulk.intake_file", recording_intake):
        call_command("ingest", str(tmp_path), "--jobs", "2", stdout=out)
    lines = out.getvalue().splitlines()
    count = len(texts)
    assert [line.split(":")[0] for line in lines[:count]] == [
        f"[{n}/{count}] {tmp_path}/{name}" for n, name in enumerate(sorted(texts), 1)
    ]
    assert lines[count].startswith(f"Done: {count} file(s): 2 new, 0 already imported, {count - 2} near-duplicates")
    assert str(os.getpid()) not in pids.read_text().split()
    # Whichever process came first, the English texts are one article and its near-duplicates.
    assert Article.objects.filter(duplicate_of__isnull=True).count() == 2
    assert set(Article.objects.filter(duplicate_of__isnull=True).values_list("status", flat=True)) == {"queued"}


class FailuresTests(TestCase):
    def test_a_file_that_fails_unexpectedly_is_reported_and_the_others_are_taken_in(self):
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            (root / "a.txt").write_text(ENGLISH)
            (root / "b.txt").write_text(INDONESIAN)
            original_intake = intake_file

            def failing_on_a(data, *, filename, **kwargs):
                if filename == "a.txt":
                    raise RuntimeError("the database went away")
                return original_intake(data, filename=filename, **kwargs)

            out = io.StringIO()
            with (
                mock.patch(SEND),
                mock.patch("relations.ingest.bulk.intake_file", failing_on_a),
                self.assertLogs("relations.ingest.bulk", "ERROR"),
                self.assertRaisesMessage(CommandError, "1 file(s) could not be imported."),
            ):
                call_command("ingest", folder, stdout=out)
        lines = out.getvalue().splitlines()
        self.assertEqual(
            lines[0], f"[1/2] {root}/a.txt: refused: could not be stored (RuntimeError: the database went away)"
        )
        self.assertTrue(lines[1].endswith("stored and queued."))
        self.assertEqual(Article.objects.get().language, "id")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="several intake processes need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_process_that_dies_stops_the_run_with_an_error_instead_of_a_wait(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(ENGLISH if name == "a.txt" else INDONESIAN)

    def dying(*args, **kwargs):
        os._exit(1)  # killed: out of memory, say

    with (
        mock.patch("relations.ingest.bulk.intake_file", dying),
        pytest.raises(CommandError, match="An intake process ended unexpectedly"),
    ):
        call_command("ingest", str(tmp_path), "--jobs", "2", stdout=io.StringIO())
