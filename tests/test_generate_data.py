"""generate_data on the configured database: PostgreSQL's COPY path in CI, executemany on SQLite."""

from io import StringIO
from unittest import mock

from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F
from django.test import TestCase

from relations.models import (
    Article,
    Commitment,
    Meeting,
    MeetingCountry,
    MeetingSector,
    Official,
    Participant,
    Position,
    content_hash,
)

from .factories import make_country, make_meeting, make_sector


def make_reference() -> None:
    for code in ("ID", "PE", "SG", "MY", "JP"):
        make_country(code=code)
    defence = make_sector(slug="defence")
    make_sector(slug="counter-terrorism", parent=defence)
    make_sector(slug="maritime-security", parent=defence)
    make_sector(slug="trade")


def generate(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("generate_data", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class GenerateDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_reference()
        cls.output, cls.progress = generate("--meetings", "300", "--seed", "3", "--batch-size", "120")

    def test_counts_match_the_request_and_the_report(self):
        self.assertEqual(Meeting.objects.count(), 300)
        reported = {
            "officials": Official.objects.count(),
            "positions": Position.objects.count(),
            "meetings": 300,
            "meeting countries": MeetingCountry.objects.count(),
            "participants": Participant.objects.count(),
            "meeting sectors": MeetingSector.objects.count(),
            "articles": Article.objects.count(),
            "article links": Article.meetings.through.objects.count(),
            "commitments": Commitment.objects.count(),
        }
        for name, count in reported.items():
            self.assertIn(f"{count:,} {name}", self.output)

    def test_shares_of_sources_and_commitments(self):
        self.assertTrue(100 <= Article.objects.count() <= 200)  # one article for about two meetings
        self.assertTrue(30 <= Commitment.objects.count() <= 90)  # one commitment for about five meetings
        self.assertEqual(set(Commitment.objects.values_list("status", flat=True)), {"open", "fulfilled", "lapsed"})

    def test_progress_bar_on_stderr(self):
        self.assertIn("300/300 meetings", self.progress)

    def test_country_rows_carry_the_meeting_date(self):
        self.assertFalse(MeetingCountry.objects.exclude(held_on=F("meeting__held_on")).exists())

    def test_each_meeting_has_a_host_or_partner_and_home_is_never_a_partner(self):
        self.assertFalse(Meeting.objects.filter(countries__isnull=True).exists())
        self.assertFalse(MeetingCountry.objects.filter(country_id="ID", role="partner").exists())

    def test_participants_hold_their_position_on_the_meeting_date(self):
        rows = Participant.objects.select_related("position", "meeting")
        self.assertTrue(
            all(2 <= n <= 4 for n in Meeting.objects.annotate(n=Count("participants")).values_list("n", flat=True))
        )
        for participant in rows:
            self.assertEqual(participant.position.official_id, participant.official_id)
            self.assertEqual(participant.side_id, participant.official.country_id)
            held = Position.objects.held_on(participant.meeting.held_on).filter(pk=participant.position_id)
            self.assertTrue(held.exists(), participant)

    def test_sectors_per_meeting_with_evidence(self):
        counts = Meeting.objects.annotate(n=Count("sectors")).values_list("n", flat=True)
        self.assertTrue(all(1 <= n <= 3 for n in counts))
        self.assertFalse(MeetingSector.objects.filter(evidence="").exists())

    def test_articles_hash_their_text_and_link_their_meeting(self):
        for article in Article.objects.prefetch_related("meetings"):
            self.assertEqual(article.content_hash, content_hash(article.text))
            self.assertEqual(len(article.meetings.all()), 1)
        evidence = MeetingSector.objects.filter(article__isnull=False)
        self.assertFalse(evidence.exclude(article__meetings=F("meeting")).exists())

    def test_fulfilled_commitments_name_a_later_meeting_with_the_same_partner(self):
        fulfilled = Commitment.objects.filter(fulfilled_by__isnull=False).select_related("meeting", "fulfilled_by")
        self.assertTrue(fulfilled.exists())
        for commitment in fulfilled:
            self.assertEqual(commitment.status, "fulfilled")
            self.assertGreaterEqual(commitment.fulfilled_by.held_on, commitment.meeting.held_on)
            partners = MeetingCountry.objects.exclude(country_id="ID")
            mine = set(partners.filter(meeting=commitment.meeting).values_list("country_id", flat=True))
            theirs = set(partners.filter(meeting=commitment.fulfilled_by).values_list("country_id", flat=True))
            self.assertTrue(mine & theirs)

    def test_no_constraint_is_violated(self):
        # Foreign keys are checked at commit on PostgreSQL; a test never commits, so ask for the check now.
        connection.check_constraints()
        for meeting in Meeting.objects.all()[:50]:
            meeting.full_clean()

    def test_later_writes_get_fresh_ids(self):
        meeting = make_meeting(partners=("PE",))
        self.assertGreater(meeting.pk, Meeting.objects.exclude(pk=meeting.pk).order_by("-pk").first().pk)


class GenerateAgainTests(TestCase):
    def test_a_second_run_adds_without_clashing(self):
        make_reference()
        generate("--meetings", "40", "--no-progress")
        generate("--meetings", "40", "--no-progress")
        self.assertEqual(Meeting.objects.count(), 80)
        self.assertEqual(Article.objects.values("content_hash").distinct().count(), Article.objects.count())
        connection.check_constraints()

    def test_clear_replaces_the_data(self):
        make_reference()
        generate("--meetings", "40", "--no-progress")
        generate("--meetings", "25", "--clear", "--no-progress")
        self.assertEqual(Meeting.objects.count(), 25)
        self.assertFalse(Participant.objects.exclude(meeting__in=Meeting.objects.all()).exists())

    def test_an_empty_database_gets_reference_rows(self):
        generate("--meetings", "10", "--no-progress")
        self.assertEqual(Meeting.objects.count(), 10)
        self.assertTrue(MeetingSector.objects.exists())


class GenerateOptionsTests(TestCase):
    def test_a_count_out_of_range_is_refused_before_anything_is_written(self):
        for count in ("0", "-5", "1000000000000"):
            with self.subTest(count=count), self.assertRaisesMessage(CommandError, "--meetings must be between 1 and"):
                generate("--meetings", count)
        self.assertFalse(Meeting.objects.exists())

    def test_ctrl_c_says_what_is_kept(self):
        with (
            mock.patch("relations.synthetic.generate", side_effect=KeyboardInterrupt),
            self.assertRaisesMessage(CommandError, "Interrupted. Every batch written so far is whole"),
        ):
            generate("--meetings", "10", "--no-progress")
