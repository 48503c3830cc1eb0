import datetime as dt
from unittest import mock

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, TestCase

from relations.ingest.approve import approve_article
from relations.ingest.officials import match_official, name_similarity
from relations.models import Article, Commitment, DatePrecision, Meeting, MeetingCountry, MeetingSector, Official
from tests.factories import make_article, make_country, make_official, make_position, make_sector
from tests.ingest_samples import ENGLISH, INDONESIAN, chile_meeting, proposal


class ApprovalTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.indonesia = make_country(code="ID", name_en="Indonesia")
        cls.chile = make_country(code="CL", name_en="Chile")
        cls.sector = make_sector(slug="defence_industry", name_en="Defence industry")
        cls.herindra = make_official(full_name="M. Herindra", country=cls.indonesia, aliases=["Herindra"])
        cls.deputy = make_position(
            official=cls.herindra, title_en="Deputy Minister of Defence", rank=3, started_on=dt.date(2023, 1, 1)
        )
        make_position(
            official=cls.herindra,
            title_en="Chief of the General Staff",
            rank=4,
            started_on=dt.date(2019, 1, 1),
            ended_on=dt.date(2022, 12, 31),
        )

    def proposed_article(self, text=ENGLISH):
        return make_article(text=text, status=Article.Status.PROPOSED, proposal=proposal(chile_meeting()))

    def test_creates_the_meeting_and_its_facts(self):
        article = self.proposed_article()
        [recorded] = approve_article(article, [chile_meeting()])
        meeting = recorded.meeting
        self.assertTrue(recorded.created)
        self.assertEqual(
            (meeting.held_on, meeting.kind, meeting.status, meeting.title, meeting.venue_country_id),
            (dt.date(2024, 5, 14), "courtesy_call", "held", "Courtesy call: Indonesia – Chile", "ID"),
        )
        self.assertEqual(
            sorted(meeting.countries.values_list("country_id", "role")), [("CL", "partner"), ("ID", "host")]
        )
        self.assertEqual(
            list(MeetingSector.objects.values_list("sector__slug", "evidence", "article")),
            [
                (
                    "defence_industry",
                    "The two officials talked about closer cooperation in the defence industry",
                    article.pk,
                )
            ],
        )
        commitment = Commitment.objects.get()
        self.assertEqual(
            (commitment.kind, commitment.due_on, commitment.due_precision),
            ("invitation", dt.date(2025, 3, 1), DatePrecision.MONTH),
        )
        article.refresh_from_db()
        self.assertEqual((article.status, list(article.meetings.all())), (Article.Status.APPROVED, [meeting]))

    def test_known_official_found_by_fuzzy_name_with_the_position_held_that_day(self):
        article = self.proposed_article()
        [recorded] = approve_article(article, [chile_meeting()])
        participant = recorded.meeting.participants.get(official__country="ID")
        self.assertEqual((participant.official, participant.position), (self.herindra, self.deputy))
        self.herindra.refresh_from_db()
        self.assertEqual(self.herindra.aliases, ["Herindra", "Muhammad Herindra"])

    def test_an_official_of_a_country_left_out_makes_it_a_side(self):
        """A third country's envoy at the table: the participant speaks for a side of the meeting, as the admin
        requires, so that country becomes a partner; the home country takes part without being listed."""
        make_country(code="JP", name_en="Japan")
        envoy = {"name": "Kenji Tanaka", "title": "Ambassador of Japan", "country": "JP", "role": "accompanying"}
        facts = chile_meeting(host_country=None)
        facts["officials"] = [*facts["officials"], envoy]
        [recorded] = approve_article(self.proposed_article(), [facts])
        meeting = recorded.meeting
        self.assertEqual(
            sorted(meeting.countries.values_list("country_id", "role")), [("CL", "partner"), ("JP", "partner")]
        )
        self.assertEqual(
            sorted(meeting.participants.values_list("official__full_name", "side_id")),
            [("Kenji Tanaka", "JP"), ("M. Herindra", "ID"), ("Rodrigo Alvarez Mena", "CL")],
        )

    def test_unknown_official_is_created(self):
        [recorded] = approve_article(self.proposed_article(), [chile_meeting()])
        self.assertEqual([o.full_name for o in recorded.new_officials], ["Rodrigo Alvarez Mena"])
        self.assertEqual(Official.objects.get(full_name="Rodrigo Alvarez Mena").country_id, "CL")

    def test_unnamed_official_is_the_holder_of_the_title_that_day(self):
        ambassador = make_official(full_name="Rodrigo Alvarez Mena", country=self.chile)
        make_position(official=ambassador, title_en="Ambassador to Indonesia", abbreviation="Dubes", rank=4)
        meeting = chile_meeting()
        meeting["officials"][1] = {"name": None, "title": "Dubes Chile", "country": "CL", "role": "principal"}
        [recorded] = approve_article(self.proposed_article(), [meeting])
        self.assertEqual(recorded.meeting.participants.get(side="CL").official, ambassador)
        ambassador.refresh_from_db()
        self.assertEqual(ambassador.aliases, [])

    def test_unnamed_official_with_no_known_holder_is_left_out(self):
        meeting = chile_meeting()
        meeting["officials"][1] = {"name": None, "title": "Dubes Chile", "country": "CL", "role": "principal"}
        [recorded] = approve_article(self.proposed_article(), [meeting])
        self.assertEqual(list(recorded.meeting.participants.values_list("side", flat=True)), ["ID"])

    def test_second_article_on_the_same_meeting_is_linked_not_duplicated(self):
        first = approve_article(self.proposed_article(), [chile_meeting()])[0].meeting
        second_article = self.proposed_article(text=INDONESIAN)
        extra_sector = make_sector(slug="military_education_training")
        reported_again = chile_meeting(
            place="Kantor Kementerian Pertahanan, Jakarta",
            sectors=[{"slug": "military_education_training", "evidence": "pertukaran pendidikan"}],
        )
        [recorded] = approve_article(second_article, [reported_again])
        self.assertEqual((recorded.meeting, recorded.created, Meeting.objects.count()), (first, False, 1))
        self.assertEqual(list(second_article.meetings.all()), [first])
        self.assertEqual(first.participants.count(), 2)
        self.assertEqual(MeetingSector.objects.get(sector=extra_sector).article, second_article)
        self.assertEqual(Commitment.objects.count(), 1)

    def test_same_day_with_other_participants_is_another_meeting(self):
        approve_article(self.proposed_article(), [chile_meeting()])
        other = chile_meeting(
            officials=[
                {"name": "Sjafrie Sjamsoeddin", "title": "Minister of Defence", "country": "ID", "role": "principal"}
            ]
        )
        make_official(full_name="Sjafrie Sjamsoeddin", country=self.indonesia)
        approve_article(self.proposed_article(text=INDONESIAN), [other])
        self.assertEqual(Meeting.objects.count(), 2)

    def test_failure_midway_leaves_nothing(self):
        article = self.proposed_article()
        with (
            mock.patch("relations.ingest.approve.Commitment.objects.create", side_effect=RuntimeError("disk full")),
            self.assertRaisesMessage(RuntimeError, "disk full"),
        ):
            approve_article(article, [chile_meeting()])
        self.assertEqual((Meeting.objects.count(), MeetingCountry.objects.count(), Official.objects.count()), (0, 0, 1))
        article.refresh_from_db()
        self.assertEqual(article.status, Article.Status.PROPOSED)

    def test_bad_fact_is_refused_with_a_message_and_nothing_written(self):
        with self.assertRaisesMessage(ValidationError, "Unknown country code: XX."):
            approve_article(self.proposed_article(), [chile_meeting(), chile_meeting(partner_countries=["XX"])])
        self.assertEqual(Meeting.objects.count(), 0)

    def test_a_meeting_needs_a_date(self):
        with self.assertRaisesMessage(ValidationError, "Every meeting needs a date."):
            approve_article(self.proposed_article(), [chile_meeting(date=None)])

    def test_dates_out_of_range_are_refused_with_a_message(self):
        cases = [
            ({"date": "1800-01-01"}, "Not a valid meeting date: 1800-01-01. Enter a date from 1900 on."),
            ({"date": "9999-12-31"}, "Not a valid meeting date: 9999-12-31. Enter a date before 2100."),
            ({"date": "2090-01-01"}, "Not a valid meeting date: 2090-01-01. Enter a date at most 10 years ahead"),
            ({"date": dt.date(1850, 1, 1)}, "Not a valid meeting date: 1850-01-01."),
            (
                {"commitments": [{"kind": "other", "description": "Visit", "due": "2999"}]},
                "Not a valid due date: 2999.",
            ),
        ]
        article = self.proposed_article()
        for facts, message in cases:
            with self.subTest(facts=facts), self.assertRaisesMessage(ValidationError, message):
                approve_article(article, [chile_meeting(**facts)])
        self.assertEqual((Meeting.objects.count(), Commitment.objects.count()), (0, 0))

    def test_a_commitment_due_decades_ahead_is_kept(self):
        facts = chile_meeting(commitments=[{"kind": "other", "description": "Indonesia Emas", "due": "2045"}])
        approve_article(self.proposed_article(), [facts])
        self.assertEqual(Commitment.objects.get().due_on, dt.date(2045, 1, 1))

    def test_approving_twice_is_refused(self):
        article = self.proposed_article()
        approve_article(article, [chile_meeting()])
        with self.assertRaisesMessage(ValidationError, "This article has already been approved."):
            approve_article(article, [chile_meeting()])
        self.assertEqual(Meeting.objects.count(), 1)

    def test_near_duplicates_follow_their_original(self):
        article = self.proposed_article()
        copy = make_article(text=ENGLISH + "\nCopied by another outlet.", duplicate_of=article)
        [recorded] = approve_article(article, [chile_meeting()])
        copy.refresh_from_db()
        self.assertEqual((copy.status, list(copy.meetings.all())), (Article.Status.APPROVED, [recorded.meeting]))


class NameMatchingTests(SimpleTestCase):
    def test_initial_matches_a_full_first_name(self):
        self.assertEqual(name_similarity("Muhammad Herindra", "M. Herindra"), 95.0)

    def test_honorifics_and_middle_names_do_not_count(self):
        self.assertEqual(name_similarity("H.E. Mr. Luis Raúl Tsuboyama Galván", "Luis Tsuboyama"), 100.0)

    def test_a_shared_first_name_is_not_enough(self):
        self.assertEqual(name_similarity("Budi Santoso", "Budi Gunawan"), 0.0)

    def test_initials_alone_are_not_enough(self):
        self.assertEqual(name_similarity("M. H.", "Muhammad Herindra"), 0.0)


class MatchOfficialTests(TestCase):
    def test_only_officials_of_that_country(self):
        indonesia, peru = make_country(code="ID"), make_country(code="PE")
        herindra = make_official(full_name="M. Herindra", country=indonesia)
        make_official(full_name="Miguel Herindra", country=peru)
        self.assertEqual(match_official("Muhammad Herindra", country_code="ID"), herindra)
        self.assertIsNone(match_official("Muhammad Herindra", country_code="CL"))
