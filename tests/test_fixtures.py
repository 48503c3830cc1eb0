"""The committed fixtures: they round-trip through dumpdata/loaddata, hold the seed meeting as described, make a
demo large enough for the dashboard, and `load_initial_data` loads them idempotently."""

import datetime as dt
import io
import json
import tempfile
from collections import Counter
from pathlib import Path
from unittest import skipUnless

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F
from django.test import TestCase

from relations.fixture_files import INITIAL_FIXTURES, fixture_path
from relations.models import (
    Article,
    Commitment,
    CountryAlias,
    DatePrecision,
    Meeting,
    MeetingCountry,
    MeetingSector,
    Official,
    Participant,
    Position,
    Sector,
    content_hash,
    normalize_text,
)

SEED_SOURCE = settings.BASE_DIR.parent / "shared" / "seed" / "kemhan-wamenhan-peru-ambassador.id.txt"


def dump_relations() -> str:
    out = io.StringIO()
    # Meeting digests are derived: PostgreSQL's triggers recompute them from the rows loaded (relations/digests.py).
    call_command(
        "dumpdata",
        "relations",
        exclude=["relations.meetingdigest"],
        natural_foreign=True,
        natural_primary=True,
        indent=1,
        stdout=out,
    )
    return out.getvalue()


def delete_relations_rows() -> None:
    """Empty every table of the app (what `flush` does to it), inside the test's transaction."""
    with connection.cursor() as cursor:
        for model in apps.get_app_config("relations").get_models(include_auto_created=True):
            if not model._meta.managed:  # tables the database keeps itself (relations/summaries.py), as flush does
                continue
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def load_json(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dump.json"
        path.write_text(text, encoding="utf-8")
        call_command("loaddata", str(path), verbosity=0)


def canonical(records: list[dict]) -> list[str]:
    return sorted(json.dumps(record, sort_keys=True, ensure_ascii=False) for record in records)


class SeedMeetingTests(TestCase):
    fixtures = ["reference", "seed"]

    @classmethod
    def setUpTestData(cls):
        cls.meeting = Meeting.objects.get(held_on=dt.date(2024, 10, 4))
        cls.article = Article.objects.get()

    def test_when_where_what(self):
        m = self.meeting
        self.assertEqual(
            (m.date_precision, m.status, m.kind, m.place, m.venue_country_id),
            (DatePrecision.DAY, "held", "courtesy_call", "Kantor Kementerian Pertahanan, Jakarta", "ID"),
        )

    def test_host_indonesia_partner_peru(self):
        sides = list(self.meeting.countries.values_list("country", "role", "held_on"))
        self.assertEqual(sorted(sides), [("ID", "host", dt.date(2024, 10, 4)), ("PE", "partner", dt.date(2024, 10, 4))])

    def test_participants_with_positions_sides_and_roles(self):
        rows = {
            (p.official.full_name, p.position.title_en, p.side_id, p.role)
            for p in self.meeting.participants.select_related("official", "position")
        }
        self.assertEqual(
            rows,
            {
                ("Muhammad Herindra", "Deputy Minister of Defence", "ID", "principal"),
                ("Luis Raúl Tsuboyama Galván", "Ambassador of Peru to Indonesia", "PE", "principal"),
                ("Cristian Córdova", "Deputy Head of Mission, Embassy of Peru", "PE", "accompanying"),
            },
        )

    def test_wamenhan_on_the_day_is_herindra(self):
        holders = Position.objects.held_on(self.meeting.held_on).filter(abbreviation="Wamenhan")
        self.assertEqual([p.official.full_name for p in holders], ["Muhammad Herindra"])
        self.assertEqual(holders[0].official.aliases, ["M. Herindra", "Herindra"])
        self.assertEqual(holders[0].organization.abbreviation, "Kemhan")

    def test_four_sectors_with_evidence_from_the_article(self):
        links = {link.sector.slug: link for link in self.meeting.sectors.select_related("sector", "article")}
        self.assertEqual(set(links), {"defence", "counter_terrorism", "defence_industry", "apec"})
        for slug, link in links.items():
            with self.subTest(slug):
                self.assertEqual(link.article, self.article)
                self.assertIn(link.evidence, self.article.text)
        self.assertIn("penanggulangan terorisme", links["counter_terrorism"].evidence)
        self.assertIn("antar-matra darat", links["counter_terrorism"].evidence)
        self.assertIn("SITDEF", links["defence_industry"].evidence)
        self.assertIn("undangan resmi", links["apec"].evidence)

    def test_commitment_invitation_to_apec(self):
        commitment = self.meeting.commitments.get()
        self.assertEqual(
            (commitment.kind, commitment.due_on, commitment.due_precision, commitment.status),
            ("invitation", dt.date(2024, 11, 1), "month", "fulfilled"),
        )
        self.assertIn(commitment.evidence, self.article.text)

    def test_article_is_the_source(self):
        a = self.article
        self.assertEqual(list(a.meetings.all()), [self.meeting])
        self.assertEqual((a.language, a.outlet, a.url, a.status), ("id", "Kemhan", "", "approved"))
        self.assertEqual(a.content_hash, content_hash(a.text))
        self.assertTrue(a.text.startswith("Wakil Menteri Pertahanan (Wamenhan) Republik Indonesia, M. Herindra"))

    @skipUnless(SEED_SOURCE.exists(), "the shared seed article is not beside the project")
    def test_article_text_is_the_seed_article(self):
        self.assertEqual(self.article.text, normalize_text(SEED_SOURCE.read_text(encoding="utf-8")))


class LoadedFixturesTests(TestCase):
    """All three fixtures, loaded once for the class: the round trip, then the demo's minimums."""

    fixtures = list(INITIAL_FIXTURES)

    def setUp(self):
        self.demo = Meeting.objects.exclude(pk=1)

    def test_dump_flush_load_dump_is_identical(self):
        first = dump_relations()
        delete_relations_rows()
        self.assertEqual(Meeting.objects.count(), 0)
        load_json(first)
        self.assertEqual(dump_relations(), first)

    def test_fixtures_are_what_dumpdata_writes(self):
        committed = [r for name in INITIAL_FIXTURES for r in json.loads(fixture_path(name).read_text("utf-8"))]
        self.assertEqual(canonical(json.loads(dump_relations())), canonical(committed))

    def test_loading_writes_no_history(self):
        self.assertEqual(Meeting.history.count(), 0)

    # --- the demo set (every meeting but the seed's) ---

    def test_at_least_150_meetings_marked_as_demo(self):
        self.assertGreaterEqual(self.demo.count(), 150)
        self.assertEqual(self.demo.exclude(summary__startswith="[Demo data]").count(), 0)
        self.assertEqual(set(Article.objects.exclude(meetings=1).values_list("outlet", flat=True)), {"Demo data"})

    def test_at_least_12_partner_countries(self):
        partners = MeetingCountry.objects.exclude(country=settings.HOME_COUNTRY).values("country").distinct()
        self.assertGreaterEqual(partners.count(), 12)

    def test_at_least_5_years_of_held_meetings(self):
        years = {d.year for d in Meeting.objects.filter(status="held").values_list("held_on", flat=True)}
        self.assertGreaterEqual(len(years), 5)
        self.assertLessEqual({2021, 2022, 2023, 2024, 2025, 2026}, years)

    def test_several_kinds_and_sectors(self):
        self.assertGreaterEqual(Meeting.objects.values("kind").distinct().count(), 6)
        used = Sector.objects.annotate(n=Count("meeting_links")).filter(n__gt=0)
        self.assertGreaterEqual(used.count(), 10)

    def test_every_meeting_has_two_sides_with_its_date(self):
        fewer_than_two = Meeting.objects.annotate(n=Count("countries")).filter(n__lt=2)
        self.assertEqual(fewer_than_two.count(), 0)
        stale = MeetingCountry.objects.exclude(held_on=F("meeting__held_on"))
        self.assertEqual(stale.count(), 0)

    def test_commitments_fulfilled_lapsed_and_open(self):
        demo = Commitment.objects.exclude(meeting=1)
        statuses = Counter(demo.values_list("status", flat=True))
        self.assertGreaterEqual(min(statuses["fulfilled"], statuses["lapsed"], statuses["open"]), 3)
        for commitment in demo.filter(status="fulfilled").select_related("meeting", "fulfilled_by"):
            self.assertGreater(commitment.fulfilled_by.held_on, commitment.meeting.held_on)
        open_due = demo.filter(status="open").values_list("due_on", flat=True)
        self.assertTrue(all(dt.date(2026, 1, 1) <= due <= dt.date(2028, 12, 31) for due in open_due))

    def test_minister_who_becomes_president(self):
        official = Official.objects.filter(positions__title_en="President").get()
        titles = list(official.positions.order_by("started_on").values_list("title_en", flat=True))
        self.assertEqual(titles, ["Minister of Defence", "President"])

    def test_participants_hold_their_position_on_the_meeting_date(self):
        for p in Participant.objects.select_related("meeting", "position"):
            day, post = p.meeting.held_on, p.position
            with self.subTest(participant=p.pk):
                self.assertEqual(post.official_id, p.official_id)
                self.assertTrue(post.started_on is None or post.started_on <= day)
                self.assertTrue(post.ended_on is None or day <= post.ended_on)

    def test_evidence_is_in_the_linked_article(self):
        for link in MeetingSector.objects.select_related("article"):
            self.assertIn(link.evidence, link.article.text)


class LoadInitialDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_initial_data", stdout=io.StringIO())

    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command("load_initial_data", *args, stdout=out)
        return out.getvalue()

    def test_loads_all_three(self):
        self.assertEqual(Meeting.objects.filter(pk=1).count(), 1)
        self.assertGreaterEqual(Meeting.objects.count(), 151)
        self.assertEqual(Sector.objects.filter(slug="counter_terrorism").count(), 1)

    def test_running_again_changes_nothing(self):
        before = dump_relations()
        self.assertEqual(
            self.run_command(),
            "reference: 0 new record(s).\nseed: 0 new record(s).\ndemo: 0 new record(s).\n",
        )
        self.assertEqual(dump_relations(), before)

    def test_editors_changes_survive_a_reload(self):
        Sector.objects.filter(slug="defence").update(keywords_en="edited in the admin")
        self.run_command()
        self.assertEqual(Sector.objects.get(slug="defence").keywords_en, "edited in the admin")

    def test_a_deleted_reference_row_comes_back(self):
        CountryAlias.objects.filter(alias="Peruvian").delete()
        self.assertIn("reference: 1 new record(s).", self.run_command("--no-demo"))
        self.assertTrue(CountryAlias.objects.filter(country="PE", alias="Peruvian").exists())


class LoadIntoTakenIdsTests(TestCase):
    def test_fixture_rows_are_not_attached_to_another_meeting_with_the_same_id(self):
        Meeting.objects.create(pk=1, held_on=dt.date(2023, 5, 2), title="A meeting recorded by hand")
        call_command("load_initial_data", "--no-demo", stdout=io.StringIO())
        meeting = Meeting.objects.get(pk=1)
        self.assertEqual(meeting.title, "A meeting recorded by hand")
        self.assertEqual((meeting.countries.count(), meeting.participants.count(), meeting.sectors.count()), (0, 0, 0))
        self.assertEqual((meeting.commitments.count(), meeting.articles.count()), (0, 0))
        self.assertEqual(Article.objects.get().meetings.count(), 0)
