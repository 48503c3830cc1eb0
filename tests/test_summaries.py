"""The summaries the dashboard reads on PostgreSQL: after every kind of write they hold what the tables give, and the
dashboard shows the same from them as from the meetings."""

from __future__ import annotations

import datetime as dt
import json
import threading
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.test import TestCase, TransactionTestCase
from django.urls import reverse

from relations import dashboard, summaries, synthetic
from relations.ingest.approve import approve_article
from relations.models import (
    NO_SECTOR,
    Article,
    CountryMonth,
    CountryMonthSector,
    CountryOfficial,
    Meeting,
    MeetingCountry,
    MeetingSector,
    MonthSector,
    Participant,
    Sector,
)

from .factories import make_article, make_country, make_meeting, make_official, make_participant, make_sector
from .ingest_samples import chile_meeting, proposal
from .test_admin import form_data, formset_prefix
from .test_digests import in_thread, waits_for_a_lock
from .test_fixtures import load_json
from .test_generate_data import generate, make_reference

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the summaries are kept by PostgreSQL triggers; SQLite counts the tables"
)

NOT_CANCELLED = ~Q(meeting__status=Meeting.Status.CANCELLED)


# --- What each summary should hold, counted from the tables with the ORM (not the migration's SQL) ---------------


def counted_country_months() -> set[tuple]:
    rows = (
        MeetingCountry.objects.filter(NOT_CANCELLED)
        .annotate(month=TruncMonth("held_on"))
        .values("country_id", "month")
        .annotate(n=Count("id"), first=Min("held_on"), last=Max("held_on"))
    )
    return {(r["country_id"], r["month"], r["n"], r["first"], r["last"]) for r in rows}


def meeting_tops() -> dict[int, set[int]]:
    tops: dict[int, set[int]] = {}
    for meeting_id, top in MeetingSector.objects.values_list("meeting_id", Coalesce("sector__parent_id", "sector_id")):
        tops.setdefault(meeting_id, set()).add(top)
    return tops


def counted_sectors() -> tuple[set[tuple], set[tuple]]:
    tops = meeting_tops()
    by_country: dict[tuple, int] = {}
    for meeting_id, code, day in MeetingCountry.objects.filter(NOT_CANCELLED).values_list(
        "meeting_id", "country_id", "held_on"
    ):
        for top in tops.get(meeting_id) or {NO_SECTOR}:
            key = (code, day.replace(day=1), top)
            by_country[key] = by_country.get(key, 0) + 1
    by_month: dict[tuple, int] = {}
    for meeting_id, day in Meeting.objects.exclude(status=Meeting.Status.CANCELLED).values_list("pk", "held_on"):
        for top in tops.get(meeting_id) or {NO_SECTOR}:
            key = (day.replace(day=1), top)
            by_month[key] = by_month.get(key, 0) + 1
    return {(*k, n) for k, n in by_country.items()}, {(*k, n) for k, n in by_month.items()}


def counted_officials() -> set[tuple]:
    rows = (
        Participant.objects.filter(NOT_CANCELLED, meeting__countries__isnull=False)
        .values("meeting__countries__country_id", "side_id", "official_id")
        .annotate(n=Count("id"), last=Max("meeting__held_on"))
    )
    return {(r["meeting__countries__country_id"], r["side_id"], r["official_id"], r["n"], r["last"]) for r in rows}


def stored() -> dict[str, set[tuple]]:
    return {
        "country months": set(
            CountryMonth.objects.values_list("country_id", "month", "meetings", "first_held_on", "last_held_on")
        ),
        "country month sectors": set(
            CountryMonthSector.objects.values_list("country_id", "month", "top_sector", "meetings")
        ),
        "month sectors": set(MonthSector.objects.values_list("month", "top_sector", "meetings")),
        "officials": set(
            CountryOfficial.objects.values_list("country_id", "side_id", "official_id", "meetings", "last_met")
        ),
    }


def counted() -> dict[str, set[tuple]]:
    by_country, by_month = counted_sectors()
    return {
        "country months": counted_country_months(),
        "country month sectors": by_country,
        "month sectors": by_month,
        "officials": counted_officials(),
    }


class SummaryAssertions:
    def assert_summaries_hold_the_tables(self):
        expected = counted()
        self.assertTrue(expected["country months"], "the test needs meetings")
        self.assertEqual(stored(), expected)

    def assert_dashboard_same_either_way(self, codes=("PE", "SG")):
        # Today, and days where the month under way or a year to date begins or ends.
        for today in [dt.date.today(), dt.date(2024, 2, 29), dt.date(2024, 3, 1), dt.date(2025, 1, 1),
                      dt.date(2024, 12, 31)]:  # fmt: skip
            with self.subTest(today=today):
                self.assert_dashboard_same_on(today, codes)

    def assert_dashboard_same_on(self, today: dt.date, codes) -> None:
        first_month = dt.date(today.year - 3, 1, 1)
        calls = [
            lambda: dashboard.overview_counts(today),
            lambda: sorted(dashboard.sector_counts_by_month(first_month, today), key=repr),
            lambda: dashboard.unsectored_counts_by_month(first_month, today),
            lambda: dashboard.partner_rows(today),
            lambda: dashboard.partner_trends(today.year - 9, today.year),
        ]
        for code in codes:
            calls += [
                lambda code=code: dashboard.country_summary(code, today),
                lambda code=code: sorted(dashboard.sector_counts_by_year(code), key=repr),
                lambda code=code: dashboard.unsectored_counts_by_year(code),
                lambda code=code: dashboard.officials_met(code, (code, "ID")),
            ]
        for call in calls:
            with mock.patch.object(dashboard, "summarised", return_value=False):
                from_tables = call()
            with mock.patch.object(dashboard, "summarised", return_value=True):
                self.assertEqual(call(), from_tables)


@postgresql_only
class WritesTests(SummaryAssertions, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.today = dt.date.today()
        indonesia = make_country(code="ID", name_en="Indonesia")
        cls.peru = make_country(code="PE", name_en="Peru")
        cls.singapore = make_country(code="SG", name_en="Singapore")
        cls.defence = make_sector(slug="defence")
        cls.army = make_sector(slug="army-cooperation", parent=cls.defence)
        cls.trade = make_sector(slug="trade")
        cls.minister = make_official(full_name="Sjafrie Sjamsoeddin", country=indonesia)
        cls.envoy = make_official(full_name="Luis Tsuboyama", country=cls.peru)
        # This month, earlier this year, last year's same span, and planned ahead: each a part the pages count apart.
        days = [cls.today, cls.today.replace(day=1), dt.date(cls.today.year, 1, 2), dt.date(cls.today.year - 1, 1, 5),
                cls.today - dt.timedelta(days=370), cls.today + dt.timedelta(days=40)]  # fmt: skip
        cls.meetings = []
        for i, day in enumerate(days):
            meeting = make_meeting(
                held_on=day,
                partners=("PE",) if i % 2 else ("PE", "SG"),
                sectors=(cls.army, cls.trade) if i % 3 == 0 else (cls.defence,) if i % 3 == 1 else (),
            )
            make_participant(meeting=meeting, official=cls.minister)
            if i % 2 == 0:
                make_participant(meeting=meeting, official=cls.envoy)
            cls.meetings.append(meeting)

    def test_the_summaries_hold_what_the_tables_give_after_the_inserts(self):
        self.assert_summaries_hold_the_tables()
        self.assert_dashboard_same_either_way()

    def test_a_meeting_moved_to_another_month_and_cancelled(self):
        meeting = self.meetings[0]
        meeting.held_on = dt.date(self.today.year - 2, 3, 9)
        meeting.save()
        self.assert_summaries_hold_the_tables()
        meeting.status = Meeting.Status.CANCELLED
        meeting.save()
        self.assert_summaries_hold_the_tables()
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)  # a queryset update
        self.assert_summaries_hold_the_tables()
        self.assert_dashboard_same_either_way()

    def test_meetings_moved_by_a_queryset_update(self):
        """The sides' dates follow the meetings' (MeetingQuerySet.update), and the summaries both."""
        moved = Meeting.objects.filter(pk__in=[m.pk for m in self.meetings[:3]])
        moved.update(held_on=F("held_on") - dt.timedelta(days=400))
        self.assertFalse(MeetingCountry.objects.exclude(held_on=F("meeting__held_on")).exists())
        self.assert_summaries_hold_the_tables()
        self.assert_dashboard_same_either_way()

    def test_sides_added_changed_and_removed(self):
        meeting = self.meetings[1]
        MeetingCountry.objects.create(meeting=meeting, country=self.singapore)
        self.assert_summaries_hold_the_tables()
        MeetingCountry.objects.filter(meeting=meeting, country=self.singapore).update(country=make_country(code="MY"))
        self.assert_summaries_hold_the_tables()
        MeetingCountry.objects.filter(meeting=meeting, country_id="MY").delete()
        self.assert_summaries_hold_the_tables()
        self.assert_dashboard_same_either_way(codes=("PE", "SG", "MY"))

    def test_sectors_linked_moved_and_unlinked(self):
        meeting = self.meetings[2]  # no sector
        link = MeetingSector.objects.create(meeting=meeting, sector=self.army, evidence="Army talks.")
        self.assert_summaries_hold_the_tables()
        MeetingSector.objects.filter(pk=link.pk).update(sector=self.trade)
        self.assert_summaries_hold_the_tables()
        MeetingSector.objects.filter(meeting__in=self.meetings[:3]).delete()
        self.assert_summaries_hold_the_tables()
        self.assert_dashboard_same_either_way()

    def test_a_sector_moved_under_another_parent(self):
        Sector.objects.filter(pk=self.army.pk).update(parent=self.trade)
        self.assert_summaries_hold_the_tables()
        Sector.objects.filter(pk=self.army.pk).update(parent=None)
        self.assert_summaries_hold_the_tables()

    def test_participants_added_changed_and_removed(self):
        extra = make_participant(meeting=self.meetings[1], official=self.envoy)
        self.assert_summaries_hold_the_tables()
        Participant.objects.filter(pk=extra.pk).update(side=self.singapore)
        self.assert_summaries_hold_the_tables()
        Participant.objects.filter(official=self.minister).delete()
        self.assert_summaries_hold_the_tables()
        self.assert_dashboard_same_either_way()

    def test_an_officials_latest_meeting_left_moved_or_cancelled(self):
        """Counts kept by difference: the day last met is looked up again when the latest participation goes."""
        latest, earlier = self.meetings[5], self.meetings[0]  # planned ahead, then today's
        Participant.objects.filter(meeting=latest, official=self.minister).delete()
        self.assert_summaries_hold_the_tables()
        earlier.held_on = dt.date(2012, 1, 9)
        earlier.save()
        self.assert_summaries_hold_the_tables()
        Meeting.objects.filter(pk=self.meetings[1].pk).update(status=Meeting.Status.CANCELLED)
        self.assert_summaries_hold_the_tables()
        Participant.objects.filter(meeting=self.meetings[2], official=self.envoy).update(role="mentioned")
        self.assert_summaries_hold_the_tables()
        self.assert_dashboard_same_either_way()

    def test_the_latest_meeting_of_an_official_who_met_the_country_often(self):
        """Twenty meetings or more: the day last met is found walking the country's meetings from the latest."""
        for day in range(1, 25):
            make_participant(meeting=make_meeting(held_on=dt.date(2019, 3, day)), official=self.envoy)
        latest = Meeting.objects.filter(participants__official=self.envoy).latest("held_on")
        latest.held_on = dt.date(2011, 1, 1)
        latest.save()
        self.assert_summaries_hold_the_tables()
        Participant.objects.filter(official=self.envoy, meeting__held_on=dt.date(2019, 3, 24)).delete()
        self.assert_summaries_hold_the_tables()

    def test_a_meeting_deleted_in_raw_sql_before_its_links(self):
        """The foreign keys are checked at commit, so raw SQL may delete the meeting first."""
        meeting = self.meetings[2]
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM relations_meeting WHERE id = %s", [meeting.pk])
            for table in ("relations_participant", "relations_meetingcountry", "relations_meetingsector"):
                cursor.execute(f"DELETE FROM {table} WHERE meeting_id = %s", [meeting.pk])
        self.assert_summaries_hold_the_tables()

    def test_a_meeting_saved_from_an_instance_built_with_its_key(self):
        """As a history record's instance is saved back: its side rows' copied dates follow."""
        stored_meeting = self.meetings[3]
        fields = {f.attname: getattr(stored_meeting, f.attname) for f in Meeting._meta.concrete_fields}
        Meeting(**{**fields, "held_on": dt.date(2016, 8, 17)}).save()
        self.assertEqual(set(stored_meeting.countries.values_list("held_on", flat=True)), {dt.date(2016, 8, 17)})
        self.assert_summaries_hold_the_tables()

    def test_bulk_created_links_and_a_deleted_meeting(self):
        new = [Meeting(held_on=self.today - dt.timedelta(days=d), title=f"Bulk {d}") for d in (3, 33, 63)]
        Meeting.objects.bulk_create(new)
        MeetingCountry.objects.bulk_create(
            MeetingCountry(meeting=m, country=self.singapore, held_on=m.held_on) for m in new
        )
        MeetingSector.objects.bulk_create(MeetingSector(meeting=m, sector=self.trade, evidence="Trade.") for m in new)
        Participant.objects.bulk_create(
            Participant(meeting=m, official=self.minister, side_id="ID", role="principal") for m in new
        )
        self.assert_summaries_hold_the_tables()
        self.meetings[0].delete()
        Meeting.objects.filter(pk__in=[m.pk for m in new[:2]]).delete()
        self.assert_summaries_hold_the_tables()
        self.assert_dashboard_same_either_way()

    def test_an_approval(self):
        make_country(code="CL", name_en="Chile")
        make_sector(slug="defence_industry", name_en="Defence industry")
        article = make_article(status=Article.Status.PROPOSED, proposal=proposal(chile_meeting()))
        approve_article(article, [chile_meeting(date=self.today.isoformat())])
        self.assert_summaries_hold_the_tables()
        self.assert_dashboard_same_either_way(codes=("CL", "PE"))

    def test_dumps_leave_the_summaries_out_and_loads_skip_them(self):
        """The triggers count them from what is loaded: a dump's summary rows would clash with those."""
        out = StringIO()
        call_command("dumpdata", "relations", stdout=out)
        self.assertIn('"model": "relations.meeting"', out.getvalue())
        self.assertNotIn("relations.countrymonth", out.getvalue())
        before = stored()
        row = {"country": "PE", "month": "1999-01-01", "meetings": 5, "first_held_on": "1999-01-02",
               "last_held_on": "1999-01-02"}  # fmt: skip
        load_json(json.dumps([{"model": "relations.countrymonth", "pk": 1, "fields": row}]))
        self.assertEqual(stored(), before)

    def test_a_rebuild_counts_the_same(self):
        before = stored()
        summaries.rebuild()
        self.assertEqual(stored(), before)


@postgresql_only
class AdminEditTests(SummaryAssertions, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = get_user_model().objects.create_superuser("boss", password="not-used")
        make_country(code="ID", name_en="Indonesia")
        make_country(code="PE", name_en="Peru")
        make_country(code="SG", name_en="Singapore")
        cls.meeting = make_meeting(held_on=dt.date.today(), partners=("PE",), sectors=(make_sector(slug="trade"),))

    def test_an_admin_edit_of_date_sides_and_sectors(self):
        self.client.force_login(self.admin)
        url = reverse("admin:relations_meeting_change", args=[self.meeting.pk])
        response = self.client.get(url)
        data = form_data(response)
        data["held_on"] = dt.date(2021, 6, 30).isoformat()
        prefix, blank = formset_prefix(response, MeetingCountry)
        data[f"{prefix}-{blank}-country"] = "SG"
        data[f"{prefix}-{blank}-role"] = MeetingCountry.Role.PARTNER
        prefix, _blank = formset_prefix(response, MeetingSector)
        data[f"{prefix}-0-DELETE"] = "on"
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(set(self.meeting.countries.values_list("country_id", flat=True)), {"ID", "PE", "SG"})
        self.assert_summaries_hold_the_tables()
        self.assertEqual(
            set(CountryMonthSector.objects.filter(country_id="SG").values_list("month", "top_sector", "meetings")),
            {(dt.date(2021, 6, 1), NO_SECTOR, 1)},
        )
        self.assert_dashboard_same_either_way()


@postgresql_only
class BulkLoadTests(SummaryAssertions, TestCase):
    """generate_data writes with the triggers deferred and counts the summaries once at the end."""

    @classmethod
    def setUpTestData(cls):
        make_reference()
        generate("--meetings", "60", "--batch-size", "25", "--no-progress")

    def test_the_summaries_hold_the_generated_data(self):
        self.assert_summaries_hold_the_tables()
        self.assert_dashboard_same_either_way(codes=("PE", "SG", "MY", "JP"))

    def test_an_interrupted_load_counts_what_it_wrote(self):
        batches = []

        def write_batch(generator, offset, days):
            if batches:
                raise KeyboardInterrupt
            batches.append(offset)
            return original(generator, offset, days)

        original = synthetic.Generator.write_batch
        with mock.patch.object(synthetic.Generator, "write_batch", write_batch), self.assertRaises(KeyboardInterrupt):
            synthetic.generate(20, seed=2, batch_size=8)
        self.assertEqual(Meeting.objects.count(), 60 + 8)
        self.assert_summaries_hold_the_tables()

    def test_a_second_load_adds_to_the_first(self):
        generate("--meetings", "30", "--seed", "2", "--batch-size", "7", "--no-progress")
        self.assertEqual(Meeting.objects.count(), 90)
        self.assert_summaries_hold_the_tables()

    def test_writes_after_a_load_in_the_same_transaction_are_counted(self):
        make_meeting(held_on=dt.date(2019, 2, 3), partners=("PE",))
        self.assert_summaries_hold_the_tables()

    def test_clearing_the_data_empties_the_summaries(self):
        self.assertTrue(stored()["country months"])
        synthetic.clear()
        self.assertEqual(stored()["country months"], set())
        self.assertEqual(stored()["officials"], set())


@postgresql_only
class ConcurrentWritesTests(SummaryAssertions, TransactionTestCase):
    """Writers of meetings take turns from their first write to their commit: each counts what the other committed,
    and one writing two meetings never waits for another that waits for it."""

    def setUp(self):
        make_country(code="ID")
        make_country(code="PE")
        make_country(code="SG")
        self.trade = make_sector(slug="trade")
        self.minister = make_official(full_name="Sjafrie Sjamsoeddin", country=make_country(code="ID"))
        self.envoy = make_official(full_name="Luis Tsuboyama", country=make_country(code="PE"))
        self.meeting = make_meeting(held_on=dt.date(2024, 5, 2), partners=("PE",))
        make_participant(meeting=make_meeting(held_on=dt.date(2022, 3, 3)), official=self.envoy)

    def race(self, first, second, *, digests: bool = True):
        """`first` in a transaction left open until `second` (in its own) waits for a lock; both must succeed."""
        written, release, errors = threading.Event(), threading.Event(), []

        def in_transaction(work):
            with transaction.atomic():
                if not digests:  # the digests' triggers lock meetings' rows too: without them, the lock alone
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL relations.defer_digests = 'on'")
                work()

        def first_writer():
            def work():
                first()
                written.set()
                release.wait(10)

            in_transaction(work)

        one, two = in_thread(first_writer, errors), in_thread(lambda: in_transaction(second), errors)
        one.start()
        self.assertTrue(written.wait(10))
        two.start()
        self.assertTrue(waits_for_a_lock(), "the second writer should wait for the first")
        release.set()
        one.join(20)
        two.join(20)
        self.assertEqual(errors, [])

    def test_two_writers_of_one_month(self):
        self.race(lambda: make_meeting(held_on=dt.date(2024, 5, 20)), lambda: make_meeting(held_on=dt.date(2024, 5, 9)))
        self.assertEqual(CountryMonth.objects.get(country_id="PE", month=dt.date(2024, 5, 1)).meetings, 3)
        self.assertEqual(MonthSector.objects.get(month=dt.date(2024, 5, 1), top_sector=NO_SECTOR).meetings, 3)

    def test_one_transaction_writing_two_meetings_against_an_edit_of_the_second(self):
        """As an approval that records a new meeting, then adds people to an existing one that an editor is saving
        meanwhile: the editor waits for the approval to commit (it deadlocked when the lock came after the rows')."""
        other = make_meeting(held_on=dt.date(2023, 1, 9))
        first_written, go_on, errors = threading.Event(), threading.Event(), []

        def approval():
            with transaction.atomic():
                make_participant(meeting=self.meeting, official=self.minister)
                first_written.set()
                go_on.wait(10)
                make_participant(meeting=other, official=self.minister)

        one = in_thread(approval, errors)
        two = in_thread(lambda: make_participant(meeting=other, official=self.envoy), errors)
        one.start()
        self.assertTrue(first_written.wait(10))
        two.start()
        self.assertTrue(waits_for_a_lock(), "the editor should wait for the approval")
        go_on.set()
        one.join(20)
        two.join(20)
        self.assertEqual(errors, [])
        self.assertEqual(Participant.objects.filter(meeting=other).count(), 2)
        self.assert_summaries_hold_the_tables()

    def test_a_queryset_update_of_a_date_after_another_writer_of_the_meeting(self):
        """The dates a queryset update writes are read after the writer ahead has committed: the sides and the
        meeting end on the same day, and the summaries count it there."""
        self.race(
            lambda: Meeting.objects.filter(pk=self.meeting.pk).update(held_on=dt.date(2022, 2, 2)),
            lambda: Meeting.objects.filter(pk=self.meeting.pk).update(held_on=F("held_on") + dt.timedelta(days=1)),
        )
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).held_on, dt.date(2022, 2, 3))
        self.assertEqual(set(self.meeting.countries.values_list("held_on", flat=True)), {dt.date(2022, 2, 3)})
        self.assert_summaries_hold_the_tables()

    def test_writes_to_one_meeting_without_the_digests_row_locks(self):
        cases = [
            (
                lambda: make_participant(meeting=self.meeting, official=self.minister),
                lambda: MeetingCountry.objects.create(meeting=self.meeting, country_id="SG"),
            ),
            (
                lambda: MeetingCountry.objects.create(meeting=self.meeting, country_id="MY"),
                lambda: MeetingSector.objects.create(meeting=self.meeting, sector=self.trade, evidence="Trade."),
            ),
            (
                lambda: Meeting.objects.filter(pk=self.meeting.pk).update(status=Meeting.Status.CANCELLED),
                lambda: make_participant(meeting=self.meeting, official=self.envoy),
            ),
        ]
        make_country(code="MY")
        for first, second in cases:
            self.race(first, second, digests=False)
            self.assert_summaries_hold_the_tables()
