"""Meeting digests: the export reads them, and every kind of write that changes what they say makes them go."""

import csv
import datetime as dt
import importlib
import io
import threading
import time
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections, transaction
from django.test import TestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relations import digests
from relations.models import Meeting, MeetingCountry, MeetingDigest, MeetingSector, Official, Participant, Position

from .factories import make_country, make_meeting, make_official, make_participant, make_position, make_sector
from .test_generate_data import generate, make_reference

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="digests are kept by PostgreSQL triggers; SQLite computes every row"
)


def in_thread(work, errors: list) -> threading.Thread:
    """A thread that runs `work` on its own connection, its exception added to `errors` for the test to report."""

    def run():
        try:
            work()
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    return threading.Thread(target=run)


def waits_for_a_lock() -> bool:
    """Whether another session of this database comes to wait for a lock within five seconds."""
    for _ in range(100):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


def export_rows(client, params: dict | None = None) -> list[list[str]]:
    response = client.get(reverse("relations:meeting-export"), params or {})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


class ExportTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_user("analyst", password="unused")
        make_country(code="ID", name_en="Indonesia")
        cls.defence = make_sector(slug="defence")
        cls.health = make_sector(slug="health")
        cls.meeting = make_meeting(title="Talks", partners=("PE", "CL"), sectors=(cls.defence, cls.health))
        cls.minister = make_official(full_name="Sjafrie Sjamsoeddin")
        cls.position = make_position(official=cls.minister, title_en="Minister of Defence")
        make_participant(meeting=cls.meeting, official=cls.minister, position=cls.position)
        cls.envoy = make_official(full_name="Luis Tsuboyama", country=make_country(code="PE"))
        make_participant(meeting=cls.meeting, official=cls.envoy, title_as_written="Duta Besar", role="accompanying")
        cls.abroad = make_meeting(title="In Lima", held_on=dt.date(2023, 5, 2), host="PE", partners=("ID", "AR"))

    def setUp(self):
        self.client.force_login(self.user)

    def row(self, meeting: Meeting) -> list[str]:
        return next(row for row in export_rows(self.client) if row[0] == str(meeting.pk))


class SameFileEitherWayTests(ExportTestCase):
    def test_the_cells_of_the_file(self):
        with mock.patch.object(digests, "kept", return_value=False):
            computed = export_rows(self.client)
        self.assertEqual(
            computed[1][6:11],
            ["ID", "CL; PE", "CL; PE", "Sjafrie Sjamsoeddin (Minister of Defence); Luis Tsuboyama (Duta Besar)",
             "defence; health"],
        )  # fmt: skip
        self.assertEqual(computed[2][6:9], ["PE", "AR; ID", "AR; PE"])

    def test_carriage_returns_become_line_feeds_inside_quoted_cells(self):
        make_meeting(title='=1+1, "quoted"\r\nnext', place="-x\ry", held_on=dt.date(2020, 1, 1))
        with mock.patch.object(digests, "kept", return_value=False):
            row = export_rows(self.client, {"end": "2020-12-31"})[1]
        self.assertEqual((row[5], row[11]), ('\'=1+1, "quoted"\nnext', "'-x\ny"))

    @postgresql_only
    def test_postgresql_writes_the_same_file_from_its_digests(self):
        make_meeting(title='=1+1, "quoted"\r\nnext', place="-x\ry", held_on=dt.date(2020, 1, 1))
        make_meeting(title="Bare", held_on=dt.date(2019, 1, 1), host=None, partners=())
        with mock.patch.object(digests, "kept", return_value=False):
            computed = self.client.get(reverse("relations:meeting-export"))
            computed = b"".join(computed.streaming_content)
        copied = b"".join(self.client.get(reverse("relations:meeting-export")).streaming_content)
        self.assertEqual(copied, computed)  # byte for byte


@postgresql_only
class KeptDigestTests(ExportTestCase):
    """Every kind of write that changes what a digest shows changes the digest, in the same transaction."""

    def digest(self, meeting: Meeting | None = None) -> MeetingDigest:
        return MeetingDigest.objects.get(meeting=meeting or self.meeting)

    def test_what_the_triggers_store(self):
        digest = self.digest()
        self.assertEqual(
            (digest.host, digest.partners, digest.sides, digest.sectors),
            ("ID", "CL; PE", "CL; ID; PE", "defence; health"),
        )
        self.assertEqual(digest.participants, "Sjafrie Sjamsoeddin (Minister of Defence); Luis Tsuboyama (Duta Besar)")

    def test_an_export_is_one_copy_of_meetings_and_digests(self):
        with CaptureQueriesContext(connection) as queries:
            export_rows(self.client)
        self.assertEqual(len(queries), 3)  # session, user, the COPY
        self.assertTrue(queries[2]["sql"].startswith("COPY (SELECT"))

    def test_a_participant_saved(self):
        make_participant(meeting=self.meeting, official=make_official(full_name="New Aide"), role="mentioned")
        self.assertTrue(self.digest().participants.endswith("; New Aide"))
        self.assertTrue(self.row(self.meeting)[9].endswith("; New Aide"))

    def test_participants_bulk_created_and_deleted(self):
        aide = make_official(full_name="Bulk Aide")
        Participant.objects.bulk_create([Participant(meeting=self.meeting, official=aide, side=aide.country)])
        self.assertIn("Bulk Aide", self.row(self.meeting)[9])
        Participant.objects.filter(meeting=self.meeting).delete()
        self.assertEqual(self.digest().participants, "")
        self.assertEqual(self.row(self.meeting)[9], "")

    def test_an_official_renamed(self):
        self.minister.full_name = "Sjafrie S."
        self.minister.save()
        self.assertTrue(self.row(self.meeting)[9].startswith("Sjafrie S. (Minister of Defence)"))

    def test_an_official_edited_elsewhere_leaves_the_digests_alone(self):
        def row_version():  # a rewritten row gets a new physical address, even when nothing in it changed
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT ctid::text FROM relations_meetingdigest WHERE meeting_id = %s", [self.meeting.pk]
                )
                return cursor.fetchone()[0]

        before = row_version()
        Official.objects.filter(pk=self.minister.pk).update(aliases=["Sjafrie"])
        self.assertEqual(row_version(), before)
        Official.objects.filter(pk=self.minister.pk).update(full_name="Sjafrie Sjamsoeddin")  # the same name
        self.assertEqual(row_version(), before)
        Official.objects.filter(pk=self.minister.pk).update(full_name="S. Sjamsoeddin")
        self.assertNotEqual(row_version(), before)

    def test_a_position_retitled_by_a_queryset_update(self):
        Position.objects.filter(pk=self.position.pk).update(title_en="Defence Minister")
        self.assertIn("Sjafrie Sjamsoeddin (Defence Minister)", self.row(self.meeting)[9])

    def test_a_sector_slug_changed_in_raw_sql(self):
        with connection.cursor() as cursor:
            cursor.execute("UPDATE relations_sector SET slug = 'defense' WHERE id = %s", [self.defence.pk])
        self.assertEqual(self.row(self.meeting)[10], "defense; health")

    def test_sides_changed_by_queryset_update_and_delete(self):
        MeetingCountry.objects.filter(meeting=self.abroad, country_id="PE").update(role=MeetingCountry.Role.PARTNER)
        self.assertEqual(self.row(self.abroad)[6:9], ["", "AR; PE; ID", "AR; PE"])
        MeetingCountry.objects.filter(meeting=self.abroad, country_id="AR").delete()
        self.assertEqual(self.row(self.abroad)[6:9], ["", "PE; ID", "PE"])

    def test_a_sector_link_removed(self):
        MeetingSector.objects.filter(meeting=self.meeting, sector=self.health).delete()
        self.assertEqual(self.row(self.meeting)[10], "defence")

    def test_a_deleted_meeting_takes_its_digest(self):
        self.abroad.delete()
        self.assertEqual(list(MeetingDigest.objects.values_list("meeting", flat=True)), [self.meeting.pk])

    def test_a_meeting_without_links_exports_empty_cells(self):
        bare = make_meeting(title="Bare", held_on=dt.date(2020, 1, 1), host=None, partners=())
        self.assertFalse(MeetingDigest.objects.filter(meeting=bare).exists())
        self.assertEqual(self.row(bare)[6:11], ["", "", "", "", ""])

    def test_the_digest_keeps_no_history(self):
        self.assertFalse(hasattr(MeetingDigest, "history"))


@postgresql_only
class ConcurrentWritesTests(TransactionTestCase):
    """Two transactions changing one meeting take turns, so its digest ends up with both changes."""

    def test_a_write_waits_for_another_on_the_same_meeting_and_then_sees_it(self):
        meeting = make_meeting(title="Contested")
        first, second = make_official(full_name="First Arrival"), make_official(full_name="Late Arrival")
        written, release = threading.Event(), threading.Event()
        errors = []

        def first_writer():
            with transaction.atomic():
                make_participant(meeting=meeting, official=first)
                written.set()
                release.wait(10)

        def second_writer():
            make_participant(meeting=meeting, official=second)

        one, two = in_thread(first_writer, errors), in_thread(second_writer, errors)
        one.start()
        self.assertTrue(written.wait(10))
        two.start()
        self.assertTrue(waits_for_a_lock(), "the second writer should wait for the first")
        release.set()
        one.join(10)
        two.join(10)
        self.assertEqual(errors, [])
        self.assertEqual(MeetingDigest.objects.get(meeting=meeting).participants, "First Arrival; Late Arrival")


@postgresql_only
class RebuildTests(ExportTestCase):
    def test_the_migration_fills_the_digests_of_existing_meetings(self):
        before = list(MeetingDigest.objects.order_by("meeting").values_list())
        MeetingDigest.objects.all().delete()
        migration = importlib.import_module("relations.migrations.0007_meeting_digest")
        with mock.patch.object(migration, "FILL_BATCH", 1), connection.cursor() as cursor:
            migration.fill_existing(cursor)
        self.assertEqual(list(MeetingDigest.objects.order_by("meeting").values_list()), before)

    def test_truncating_a_link_table_empties_that_part_of_every_digest(self):
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses to run with foreign-key checks pending
            cursor.execute("TRUNCATE relations_meetingsector")
        self.assertEqual(set(MeetingDigest.objects.values_list("sectors", flat=True)), {""})
        self.assertEqual(MeetingDigest.objects.get(meeting=self.meeting).host, "ID")


@postgresql_only
class GeneratedDataTests(TestCase):
    """generate_data defers the triggers and writes each batch's digests itself: what the database would compute."""

    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_user("analyst", password="unused")
        make_reference()
        generate("--meetings", "40", "--batch-size", "15", "--no-progress")

    def test_every_generated_meeting_has_the_digest_its_links_give(self):
        self.assertEqual(MeetingDigest.objects.count(), Meeting.objects.count())
        self.client.force_login(self.user)
        with mock.patch.object(digests, "kept", return_value=False):
            computed = export_rows(self.client)
        self.assertEqual(export_rows(self.client), computed)
        self.assertTrue(any(row[9] for row in computed[1:]))  # participants, not only empty cells

    def test_the_digests_written_are_those_the_database_computes(self):
        def stored():
            return list(MeetingDigest.objects.order_by("meeting").values_list())

        written = stored()
        digests.store(list(Meeting.objects.values_list("pk", flat=True)))
        self.assertEqual(stored(), written)
