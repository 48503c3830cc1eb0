"""Every rule of the domain is refused by the database and explained by validation, one test per rule."""

import datetime as dt
import importlib
from unittest.mock import patch

from django.apps import apps as django_apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, NotSupportedError, connection, transaction
from django.db.models import F
from django.test import TestCase
from django.utils import timezone

from relations.freshness import data_version
from relations.models import (
    Article,
    Commitment,
    Country,
    CountryAlias,
    DatePrecision,
    Meeting,
    MeetingCountry,
    MeetingQuerySet,
    MeetingSector,
    Official,
    Organization,
    Participant,
    Position,
    Sector,
)
from tests.factories import (
    make_article,
    make_country,
    make_meeting,
    make_official,
    make_participant,
    make_position,
    make_sector,
)


class ConstraintTestCase(TestCase):
    def assertRejected(self, instance, message: str) -> None:
        """validate_constraints() names the rule with exactly `message`, and the database refuses the row."""
        with self.assertRaises(ValidationError) as caught:
            instance.validate_constraints()
        self.assertEqual(caught.exception.messages, [message])
        with self.assertRaises(IntegrityError), transaction.atomic():
            instance.save()

    def assertCleanFails(self, instance, field: str, message: str) -> None:
        with self.assertRaises(ValidationError) as caught:
            instance.full_clean()
        self.assertIn(message, caught.exception.message_dict[field])


class CountryConstraintTests(ConstraintTestCase):
    def test_code_must_be_two_capital_letters(self):
        message = "The country code must be two capital letters (ISO 3166-1 alpha-2)."
        self.assertRejected(Country(code="pe", alpha3="PER", name_en="Peru", name_id="Peru"), message)

    def test_code_must_be_letters(self):
        message = "The country code must be two capital letters (ISO 3166-1 alpha-2)."
        self.assertRejected(Country(code="P1", alpha3="PE1", name_en="Peru", name_id="Peru"), message)

    def test_alpha3_is_unique(self):
        make_country(code="PE")
        with self.assertRaises(IntegrityError), transaction.atomic():
            Country.objects.create(code="PF", alpha3="PEX", name_en="Other", name_id="Other")

    def test_alias_is_unique_per_country_and_language(self):
        peru = make_country(code="PE")
        CountryAlias.objects.create(country=peru, alias="Peruvian", language="en")
        duplicate = CountryAlias(country=peru, alias="Peruvian", language="en", kind=CountryAlias.Kind.DEMONYM)
        self.assertRejected(duplicate, "This country already has this alias in this language.")

    def test_same_alias_in_another_language_is_allowed(self):
        peru = make_country(code="PE")
        CountryAlias.objects.create(country=peru, alias="Peru", language="en")
        other = CountryAlias(country=peru, alias="Peru", language="id")
        other.validate_constraints()
        other.save()
        self.assertEqual(peru.aliases.count(), 2)


class OrganizationConstraintTests(ConstraintTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.indonesia = make_country(code="ID")

    def test_name_is_unique_per_country(self):
        Organization.objects.create(name="Kementerian Pertahanan", country=self.indonesia)
        self.assertRejected(
            Organization(name="Kementerian Pertahanan", country=self.indonesia),
            "This country already has an organization with this name.",
        )

    def test_international_body_name_is_unique(self):
        Organization.objects.create(name="APEC", kind=Organization.Kind.INTERNATIONAL_BODY)
        self.assertRejected(Organization(name="APEC"), "An international body with this name already exists.")

    def test_cannot_be_its_own_parent(self):
        ministry = Organization.objects.create(name="Kementerian Pertahanan", country=self.indonesia)
        ministry.parent_id = ministry.pk
        self.assertRejected(ministry, "An organization cannot be its own parent.")


class OfficialAndPositionConstraintTests(ConstraintTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.official = make_official(full_name="Muhammad Herindra")

    def test_official_name_is_unique_per_country(self):
        self.assertRejected(
            Official(full_name="Muhammad Herindra", country=self.official.country),
            "This country already has an official with this name.",
        )

    def test_position_ends_after_it_starts(self):
        position = Position(
            official=self.official,
            title_en="Deputy Minister of Defence",
            title_id="Wakil Menteri Pertahanan",
            started_on=dt.date(2024, 10, 20),
            ended_on=dt.date(2020, 12, 23),
        )
        self.assertRejected(position, "A position cannot end before it starts.")

    def test_position_end_before_start_fails_clean_on_the_end_date(self):
        position = Position(
            official=self.official,
            title_en="Deputy Minister of Defence",
            title_id="Wakil Menteri Pertahanan",
            started_on=dt.date(2024, 10, 20),
            ended_on=dt.date(2020, 12, 23),
        )
        self.assertCleanFails(position, "ended_on", "A position cannot end before it starts.")

    def test_position_rank_runs_from_1_to_9(self):
        position = Position(official=self.official, title_en="Staff", title_id="Staf", rank=10)
        self.assertRejected(position, "Seniority runs from 1 to 9.")

    def test_position_is_unique_per_official_title_and_start(self):
        make_position(official=self.official, title_en="Deputy Minister of Defence", started_on=dt.date(2020, 12, 23))
        duplicate = Position(
            official=self.official,
            title_en="Deputy Minister of Defence",
            title_id="Wamenhan",
            started_on=dt.date(2020, 12, 23),
        )
        self.assertRejected(duplicate, "This official already has this title from this date.")

    def test_held_on_finds_the_holder_of_the_day(self):
        post = make_position(official=self.official, started_on=dt.date(2020, 12, 23), ended_on=dt.date(2024, 10, 20))
        self.assertEqual(list(Position.objects.held_on(dt.date(2024, 10, 4))), [post])
        self.assertEqual(list(Position.objects.held_on(dt.date(2024, 10, 21))), [])


class SectorConstraintTests(ConstraintTestCase):
    def test_cannot_be_its_own_parent(self):
        sector = make_sector(slug="defence")
        sector.parent_id = sector.pk
        self.assertRejected(sector, "A sector cannot be its own parent.")

    def test_cannot_be_its_own_ancestor(self):
        defence = make_sector(slug="defence")
        industry = make_sector(slug="defence_industry", parent=defence)
        defence.parent = industry
        self.assertCleanFails(defence, "parent", "A sector cannot be its own ancestor.")

    def test_slug_is_unique(self):
        make_sector(slug="defence")
        with self.assertRaises(IntegrityError), transaction.atomic():
            Sector.objects.create(slug="defence", name_en="Defence", name_id="Pertahanan")


class MeetingConstraintTests(ConstraintTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.meeting = make_meeting(host="ID", partners=("PE",))

    def test_date_from_1900_to_2099(self):
        message = "A meeting date must be between 1900 and 2099."
        self.assertRejected(Meeting(held_on=dt.date(1899, 12, 31), title="Too early"), message)
        self.assertRejected(Meeting(held_on=dt.date(2100, 1, 1), title="Too late"), message)

    def test_forms_take_dates_up_to_ten_years_ahead(self):
        today = timezone.localdate()
        self.assertCleanFails(
            Meeting(held_on=dt.date(1899, 12, 31), title="Old"), "held_on", "Enter a date from 1900 on."
        )
        later = Meeting(held_on=dt.date(today.year + 11, 1, 1), title="Typed 2204 for 2024")
        self.assertCleanFails(later, "held_on", f"Enter a date at most 10 years ahead, until {today.year + 10}-12-31.")
        Meeting(held_on=dt.date(today.year + 10, 12, 31), title="Planned", kind="other").full_clean()

    def test_a_save_of_other_fields_stores_the_first_day_too(self):
        """A meeting stored on another day of its month (before the rule) keeps its row and its country rows alike."""
        Meeting.objects.filter(pk=self.meeting.pk).update(held_on=dt.date(2024, 10, 15), date_precision="month")
        meeting = Meeting.objects.get(pk=self.meeting.pk)
        meeting.place = "Jakarta"
        meeting.save(update_fields=["place", "updated_at"])
        self.assertEqual(Meeting.objects.get(pk=meeting.pk).held_on, dt.date(2024, 10, 1))
        self.assertEqual(set(meeting.countries.values_list("held_on", flat=True)), {dt.date(2024, 10, 1)})

    def test_fields_to_save_given_as_a_generator_are_all_saved(self):
        Meeting.objects.filter(pk=self.meeting.pk).update(held_on=dt.date(2024, 10, 15), date_precision="month")
        meeting = Meeting.objects.get(pk=self.meeting.pk)
        meeting.title = "Renamed"
        meeting.save(update_fields=(name for name in ["title"]))
        stored = Meeting.objects.get(pk=meeting.pk)
        self.assertEqual((stored.title, stored.held_on), ("Renamed", dt.date(2024, 10, 1)))

    def test_the_migration_moves_stored_dates_to_their_first_day(self):
        Meeting.objects.filter(pk=self.meeting.pk).update(held_on=dt.date(2024, 10, 15), date_precision="month")
        MeetingCountry.objects.filter(meeting=self.meeting).update(held_on=dt.date(2024, 10, 15))
        commitment = Commitment.objects.create(meeting=self.meeting, description="Visit")
        Commitment.objects.filter(pk=commitment.pk).update(due_on=dt.date(2026, 7, 9), due_precision="year")
        migration = importlib.import_module("relations.migrations.0011_dates_on_first_days")
        migration.dates_on_first_days(django_apps, None)
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).held_on, dt.date(2024, 10, 1))
        self.assertEqual(set(self.meeting.countries.values_list("held_on", flat=True)), {dt.date(2024, 10, 1)})
        self.assertEqual(Commitment.objects.get(pk=commitment.pk).due_on, dt.date(2026, 1, 1))

    def test_a_queryset_update_of_dates_moves_the_sides_dates_too(self):
        other = make_meeting(held_on=dt.date(2024, 3, 5), partners=("PE", "SG"))
        untouched = make_meeting(held_on=dt.date(2023, 3, 5), partners=("PE",))
        before = data_version()
        with self.captureOnCommitCallbacks(execute=True):
            # The filter tests the date it changes: the sides follow the meetings it found, not what it finds after.
            moved = Meeting.objects.filter(held_on__year=2024).update(held_on=dt.date(2019, 6, 1))
        self.assertEqual(moved, Meeting.objects.filter(held_on=dt.date(2019, 6, 1)).count())
        self.assertGreater(data_version(), before)
        for meeting in (self.meeting, other):
            self.assertEqual(set(meeting.countries.values_list("held_on", flat=True)), {dt.date(2019, 6, 1)})
        with self.captureOnCommitCallbacks(execute=True):
            Meeting.objects.filter(pk=other.pk).update(held_on=F("held_on") + dt.timedelta(days=3))
        self.assertEqual(set(other.countries.values_list("held_on", flat=True)), {dt.date(2019, 6, 4)})
        self.assertEqual(set(untouched.countries.values_list("held_on", flat=True)), {dt.date(2023, 3, 5)})

    def test_a_queryset_update_of_sides_in_batches(self):
        meetings = [make_meeting(held_on=dt.date(2024, 1, 1 + i), partners=("PE",)) for i in range(5)]
        with patch.object(MeetingQuerySet, "MOVE_BATCH", 2):
            moved = Meeting.objects.filter(pk__in=[m.pk for m in meetings]).update(held_on=dt.date(2020, 2, 2))
        self.assertEqual(moved, 5)
        self.assertEqual(
            set(MeetingCountry.objects.filter(meeting__in=meetings).values_list("held_on", flat=True)),
            {dt.date(2020, 2, 2)},
        )

    def test_a_queryset_update_through_sides_moves_each_meeting_once(self):
        """A filter through the sides finds a meeting once per side: it is still moved once, and counted once."""
        meeting = make_meeting(held_on=dt.date(2024, 1, 10), partners=("PE", "SG"))
        found = Meeting.objects.filter(countries__country_id__in=["ID", "PE", "SG"], pk=meeting.pk)
        with patch.object(MeetingQuerySet, "MOVE_BATCH", 1):
            moved = found.update(held_on=F("held_on") + dt.timedelta(days=1))
        self.assertEqual(moved, 1)
        self.assertEqual(Meeting.objects.get(pk=meeting.pk).held_on, dt.date(2024, 1, 11))
        self.assertEqual(set(meeting.countries.values_list("held_on", flat=True)), {dt.date(2024, 1, 11)})

    def test_a_queryset_update_to_an_annotation(self):
        meeting = make_meeting(held_on=dt.date(2024, 1, 10), partners=("PE",))
        annotated = Meeting.objects.annotate(day=F("held_on") - dt.timedelta(days=9)).filter(pk=meeting.pk)
        self.assertEqual(annotated.update(held_on=F("day"), title="Moved"), 1)
        stored = Meeting.objects.get(pk=meeting.pk)
        self.assertEqual((stored.held_on, stored.title), (dt.date(2024, 1, 1), "Moved"))
        self.assertEqual(set(meeting.countries.values_list("held_on", flat=True)), {dt.date(2024, 1, 1)})

    def test_a_queryset_update_of_dates_refuses_what_django_refuses(self):
        other = make_meeting(held_on=dt.date(2024, 1, 10), partners=("PE",))
        with self.assertRaises(NotSupportedError):
            Meeting.objects.filter(pk=self.meeting.pk).union(Meeting.objects.filter(pk=other.pk)).update(
                held_on=dt.date(2020, 1, 1)
            )
        with self.assertRaises(TypeError):
            Meeting.objects.all()[:1].update(held_on=dt.date(2020, 1, 1))
        with self.assertRaises(FieldDoesNotExist):
            Meeting.objects.none().update(held_on=dt.date(2020, 1, 1), no_such_field=1)
        with self.assertRaises(IntegrityError), transaction.atomic():  # out of range: nothing is half-written
            Meeting.objects.filter(pk=other.pk).update(held_on=dt.date(1850, 1, 1))
        self.assertEqual(Meeting.objects.get(pk=other.pk).held_on, dt.date(2024, 1, 10))
        self.assertEqual(set(other.countries.values_list("held_on", flat=True)), {dt.date(2024, 1, 10)})

    def test_a_queryset_update_of_other_fields_bumps_the_data_version(self):
        before = data_version()
        with self.captureOnCommitCallbacks(execute=True):
            Meeting.objects.filter(pk=self.meeting.pk).update(title="Renamed")
        self.assertGreater(data_version(), before)
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            Meeting.objects.filter(pk=-1).update(title="Nobody")
        self.assertEqual(callbacks, [])

    def test_a_month_or_year_date_is_stored_as_its_first_day(self):
        self.meeting.held_on, self.meeting.date_precision = dt.date(2024, 5, 31), DatePrecision.MONTH
        self.meeting.save()
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.held_on, dt.date(2024, 5, 1))
        self.assertEqual(set(self.meeting.countries.values_list("held_on", flat=True)), {dt.date(2024, 5, 1)})
        self.meeting.date_precision = DatePrecision.YEAR
        self.meeting.save()
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).held_on, dt.date(2024, 1, 1))

    def test_host_cannot_also_be_a_partner(self):
        side = MeetingCountry(meeting=self.meeting, country=Country.objects.get(code="ID"))
        self.assertRejected(side, "A country can take only one side of a meeting: host or partner.")

    def test_one_host_per_meeting(self):
        side = MeetingCountry(meeting=self.meeting, country=make_country(code="JP"), role=MeetingCountry.Role.HOST)
        side.held_on = self.meeting.held_on
        self.assertRejected(side, "A meeting has at most one host country.")

    def test_neutral_ground_has_no_host(self):
        meeting = make_meeting(host=None, partners=("ID", "PE"))
        self.assertIsNone(meeting.host_country)
        self.assertEqual([c.code for c in meeting.partner_countries], ["ID", "PE"])

    def test_side_copies_the_meeting_date(self):
        self.meeting.held_on = dt.date(2024, 10, 5)
        self.meeting.save()
        self.assertEqual(set(self.meeting.countries.values_list("held_on", flat=True)), {dt.date(2024, 10, 5)})

    def test_official_takes_part_once(self):
        participant = make_participant(meeting=self.meeting)
        duplicate = Participant(meeting=self.meeting, official=participant.official, side=participant.side)
        self.assertRejected(duplicate, "This official is already a participant of this meeting.")

    def test_participant_position_belongs_to_the_official(self):
        someone_else = make_position()
        participant = Participant(
            meeting=self.meeting, official=make_official(), position=someone_else, side=someone_else.official.country
        )
        self.assertCleanFails(participant, "position", "This position belongs to another official.")

    def test_sector_linked_once(self):
        defence = make_sector(slug="defence")
        MeetingSector.objects.create(meeting=self.meeting, sector=defence, evidence="About defence.")
        duplicate = MeetingSector(meeting=self.meeting, sector=defence, evidence="Again.")
        self.assertRejected(duplicate, "This sector is already linked to this meeting.")


class ArticleConstraintTests(ConstraintTestCase):
    def test_same_text_twice_is_one_article(self):
        make_article(text="Jakarta, Senin (6/1). Kedua menteri bertemu.")
        with self.assertRaises(IntegrityError), transaction.atomic():
            Article.objects.create(text="Jakarta, Senin (6/1). Kedua menteri bertemu.\n\n")

    def test_text_is_required(self):
        self.assertCleanFails(Article(text="  \n "), "text", "An article needs its text.")

    def test_not_a_near_duplicate_of_itself(self):
        article = make_article(text="Jakarta, Senin (6/1). Kedua menteri bertemu.")
        article.duplicate_of = article
        self.assertCleanFails(article, "duplicate_of", "An article cannot be a near-duplicate of itself.")
        self.assertRejected(article, "An article cannot be a near-duplicate of itself.")


class CommitmentConstraintTests(ConstraintTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.meeting = make_meeting(held_on=dt.date(2024, 10, 4))
        cls.later = make_meeting(held_on=dt.date(2024, 11, 15))

    def test_not_fulfilled_by_its_own_meeting(self):
        commitment = Commitment(
            meeting=self.meeting,
            description="Attend the APEC leaders' meeting.",
            status=Commitment.Status.FULFILLED,
            fulfilled_by=self.meeting,
        )
        self.assertRejected(commitment, "A commitment is fulfilled by a later meeting, not by its own.")

    def test_only_fulfilled_commitment_names_a_fulfilling_meeting(self):
        commitment = Commitment(
            meeting=self.meeting,
            description="Attend the APEC leaders' meeting.",
            status=Commitment.Status.OPEN,
            fulfilled_by=self.later,
        )
        self.assertRejected(commitment, "Only a fulfilled commitment names the meeting that fulfilled it.")

    def test_fulfilled_by_a_later_meeting_is_accepted(self):
        commitment = Commitment(
            meeting=self.meeting,
            description="Attend the APEC leaders' meeting.",
            status=Commitment.Status.FULFILLED,
            fulfilled_by=self.later,
        )
        commitment.full_clean()
        commitment.save()
        self.assertEqual(list(self.later.fulfilled_commitments.all()), [commitment])

    def test_a_due_date_decades_ahead_is_a_real_one(self):
        Commitment(meeting=self.meeting, description="Indonesia Emas", due_on=dt.date(2045, 1, 1)).full_clean()
        commitment = Commitment(meeting=self.meeting, description="Typo", due_on=dt.date(2100, 1, 1))
        self.assertCleanFails(commitment, "due_on", "Enter a date before 2100.")

    def test_due_date_from_1900_to_2099(self):
        for due in (dt.date(1899, 12, 31), dt.date(2100, 1, 1)):
            commitment = Commitment(meeting=self.meeting, description="Visit", due_on=due)
            self.assertRejected(commitment, "A due date must be between 1900 and 2099.")

    def test_overdue_once_its_day_month_or_year_is_over(self):
        today = dt.date(2026, 12, 4)
        cases = [
            (dt.date(2026, 12, 3), DatePrecision.DAY, True),
            (dt.date(2026, 12, 4), DatePrecision.DAY, False),
            (dt.date(2026, 12, 1), DatePrecision.MONTH, False),  # "December 2026": not before January
            (dt.date(2026, 11, 1), DatePrecision.MONTH, True),
            (dt.date(2026, 1, 1), DatePrecision.YEAR, False),  # "2026"
            (dt.date(2025, 1, 1), DatePrecision.YEAR, True),
        ]
        for due, precision, overdue in cases:
            with self.subTest(due=due, precision=precision):
                commitment = Commitment.objects.create(
                    meeting=self.meeting, description="Visit", due_on=due, due_precision=precision
                )
                self.assertIs(commitment.is_overdue(today), overdue)
                found = Commitment.objects.filter(Commitment.overdue(today), pk=commitment.pk).exists()
                self.assertIs(found, overdue)
                commitment.status = Commitment.Status.LAPSED
                self.assertFalse(commitment.is_overdue(today))

    def test_a_month_due_date_is_stored_as_its_first_day(self):
        commitment = Commitment.objects.create(
            meeting=self.meeting, description="Visit", due_on=dt.date(2025, 3, 31), due_precision=DatePrecision.MONTH
        )
        self.assertEqual(Commitment.objects.get(pk=commitment.pk).due_on, dt.date(2025, 3, 1))


class LinkTableIndexTests(TestCase):
    """The link tables' foreign keys are indexed only as the leading column of a composite (migration 0004)."""

    def indexes(self, table: str) -> dict[str, tuple[list[str], bool]]:
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, table)
        # Unique constraints are indexes too (SQLite lists them as constraints, not as indexes).
        return {
            name: (info["columns"], info["unique"])
            for name, info in found.items()
            if (info["index"] or info["unique"]) and not info["primary_key"]
        }

    def test_every_foreign_key_leads_exactly_one_index(self):
        for table, expected in [
            (
                "relations_meetingcountry",
                {"meeting_id": "meeting_country_once", "country_id": "meeting_country_date_idx"},
            ),
            (
                "relations_participant",
                {"meeting_id": "participant_once_per_meeting", "official_id": "participant_official_idx"},
            ),
            (
                "relations_meetingsector",
                {"meeting_id": "meeting_sector_once", "sector_id": "meeting_sector_sector_idx"},
            ),
        ]:
            indexes = self.indexes(table)
            for column, name in expected.items():
                with self.subTest(table=table, column=column):
                    leading = sorted(
                        n for n, (columns, _) in indexes.items() if columns[:1] == [column] and n != "meeting_one_host"
                    )
                    self.assertEqual(leading, [name])

    def test_partial_unique_index_of_the_host_is_kept(self):
        self.assertEqual(self.indexes("relations_meetingcountry")["meeting_one_host"], (["meeting_id"], True))
